//! The concurrency models poolbench compares, all behind one trait.
//!
//! Every model runs a [`Workload`](poolbench_core::Workload)'s N tasks with at most W in flight
//! and returns their outcomes in input order. "W" means the same for all of them: the most
//! tasks that can be running at once. Each module's docs say how the model schedules work,
//! what a worker is, what it costs and when to pick it.
//!
//! `poolbench list` prints every model with the one-line summary its descriptor gives; each
//! module's docs are the lesson.
//!
//! The process models live in `poolbench-process`; they are registered here with the rest.
//! Python's own pools (`py-…`, in `poolbench-python`) are found by name too, but are not in
//! [`MODELS`]: they run only when asked for (`--with-python` or `--models py-pool,…`).
//!
//! Adding a model is one module (whose `Model::descriptor` says everything about it) plus
//! one line in [`MODELS`]; `docs/extending.md` walks through it. A model defined elsewhere (a
//! user's, a test's) joins at run time through [`register`].

mod crossbeam;
mod handrolled;
mod rayon;
mod sequential;
mod thread_per_task;
mod threadpool;
mod tokio;
mod tokio_blocking;

pub use crate::crossbeam::Crossbeam;
pub use crate::handrolled::{Handrolled, HandrolledPool};
pub use crate::rayon::Rayon;
pub use crate::sequential::Sequential;
pub use crate::thread_per_task::ThreadPerTask;
pub use crate::threadpool::ThreadPoolCrate;
pub use crate::tokio::Tokio;
pub use crate::tokio_blocking::TokioBlocking;

use poolbench_core::{Model, ModelStyle};
pub use poolbench_process::{ProcessModel, StartMethod};
pub use poolbench_python::{
    check_foreign_task, cluster_threads, find_python_model, python_env, use_cluster, Engine,
    PythonEnv, PythonModel, PYTHON_MODELS, PYTHON_WORKLOADS,
};

/// Every model, in the order reports list them. The first is the sequential oracle.
pub static MODELS: &[&dyn Model] = &[
    &Sequential,
    &ThreadPerTask,
    &Handrolled,
    &ThreadPoolCrate,
    &Rayon,
    &Crossbeam,
    &Tokio,
    &TokioBlocking,
    &ProcessModel::FORKSERVER,
    &ProcessModel::FORK,
    &ProcessModel::SPAWN,
];

/// Models added at run time ([`register`]): a user's own, or a test's.
static REGISTERED: std::sync::Mutex<Vec<&'static dyn Model>> = std::sync::Mutex::new(Vec::new());

/// Adds `model` to the registry, after [`MODELS`]: plans, `--models`, reports and the
/// conformance suite then treat it as one of poolbench's own. Registering the same model
/// again does nothing; another model under a taken name is refused.
pub fn register(model: &'static dyn Model) -> Result<(), TakenName> {
    let mut registered = REGISTERED.lock().unwrap_or_else(|e| e.into_inner());
    let name = model.name();
    let same = |m: &&dyn Model| m.descriptor() == model.descriptor();
    if let Some(taken) = MODELS
        .iter()
        .chain(registered.iter())
        .copied()
        .chain(python_models())
        .find(|m| m.name() == name)
    {
        return if same(&taken) {
            Ok(())
        } else {
            Err(TakenName(name))
        };
    }
    registered.push(model);
    Ok(())
}

/// A model registered under a name another model has.
#[derive(Debug, thiserror::Error)]
#[error("a model called '{0}' is already registered")]
pub struct TakenName(pub &'static str);

/// The Rust models a plan runs by default: [`MODELS`], then those [`register`]ed, in order.
pub fn models() -> Vec<&'static dyn Model> {
    let registered = REGISTERED.lock().unwrap_or_else(|e| e.into_inner());
    MODELS.iter().chain(registered.iter()).copied().collect()
}

/// Every model: [`models`], then Python's.
pub fn all_models() -> Vec<&'static dyn Model> {
    let mut all = models();
    all.extend(python_models());
    all
}

/// How reports draw `model`: the style its descriptor gives, else one generated from its
/// place in the registry (past every given style's place, so none repeats).
pub fn model_style(model: &dyn Model) -> ModelStyle {
    model.descriptor().style.unwrap_or_else(|| {
        let all = all_models();
        let place = all
            .iter()
            .position(|m| m.name() == model.name())
            .unwrap_or(all.len());
        ModelStyle::generated(place)
    })
}

/// Every Python model, as models.
pub fn python_models() -> Vec<&'static dyn Model> {
    PYTHON_MODELS.iter().map(|&m| m as &dyn Model).collect()
}

/// The oracle of work in `language`: the model that runs one task after another on the
/// caller, whose outputs every other model of that language must reproduce (`sequential`,
/// or Python's plain loop `py-sequential` for a Python function).
pub fn oracle_of(language: poolbench_core::Language) -> &'static dyn Model {
    all_models()
        .into_iter()
        .find(|m| {
            let d = m.descriptor();
            d.language == language && d.role != poolbench_core::ModelRole::Model
        })
        .unwrap_or(&Sequential)
}

/// Names of all models, Python's included, comma-separated, for error messages and `--help`.
pub fn model_names() -> String {
    all_models()
        .into_iter()
        .map(|m| m.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The model called `name` (a Rust model or a Python one).
pub fn find_model(name: &str) -> Result<&'static dyn Model, UnknownModel> {
    all_models()
        .into_iter()
        .find(|m| m.name() == name)
        .ok_or_else(|| UnknownModel {
            name: name.to_owned(),
            accepted: model_names(),
        })
}

/// A model name that is not in [`MODELS`].
#[derive(Debug, thiserror::Error)]
#[error("unknown model '{name}' (accepted: {accepted})")]
pub struct UnknownModel {
    pub name: String,
    pub accepted: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_findable() {
        for model in all_models() {
            assert_eq!(find_model(model.name()).unwrap().name(), model.name());
        }
        let mut names: Vec<_> = all_models().into_iter().map(|m| m.name()).collect();
        let all = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all);
    }

    #[test]
    fn every_model_has_a_style_of_its_own() {
        let all = all_models();
        let styles: Vec<_> = all.iter().map(|m| model_style(*m)).collect();
        let mut colours: Vec<_> = styles.iter().map(|s| s.colour).collect();
        colours.sort_unstable();
        colours.dedup();
        assert_eq!(colours.len(), all.len(), "one colour each");
    }

    #[test]
    fn each_language_has_its_oracle() {
        use poolbench_core::Language;
        assert_eq!(oracle_of(Language::Rust).name(), "sequential");
        assert_eq!(oracle_of(Language::Python).name(), "py-sequential");
    }

    #[test]
    fn unknown_model_lists_accepted_names() {
        let err = find_model("gevent").unwrap_err().to_string();
        assert!(err.contains("gevent") && err.contains("rayon"), "{err}");
    }

    #[test]
    fn zero_workers_is_refused_by_every_model() {
        for model in MODELS {
            assert!(model.start(0).is_err(), "{} accepted W=0", model.name());
        }
    }
}
