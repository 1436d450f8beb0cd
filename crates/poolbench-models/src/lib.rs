//! The concurrency models poolbench compares, all behind one trait.
//!
//! Every model runs a [`Workload`](poolbench_core::Workload)'s N tasks with at most W in flight
//! and returns their outcomes in input order. "W" means the same for all of them: the most
//! tasks that can be running at once. Each module's docs say how the model schedules work,
//! what a worker is, what it costs and when to pick it.
//!
//! | model | worker | in-flight limit |
//! |---|---|---|
//! | `sequential` | the caller | 1 (ignores W) |
//! | `thread-per-task` | a fresh OS thread per task | at most W threads alive |
//! | `handrolled` | W threads on a Mutex + Condvar queue | W threads |
//! | `threadpool` | W threads of the `threadpool` crate | W threads |
//! | `rayon` | a dedicated `rayon::ThreadPool` of W threads | W threads |
//! | `crossbeam` | W threads work-stealing through crossbeam-deque | W threads |
//! | `tokio` | async tasks on a multi-thread runtime | W started; each finished task spawns the next |
//! | `tokio-blocking` | `spawn_blocking` threads | `max_blocking_threads(W)` |
//! | `process` | W worker processes forked by a fork server | W processes |
//! | `process-fork` | W worker processes forked from the caller | W processes |
//! | `process-spawn` | W exec'd worker processes | W processes |
//!
//! The process models live in `poolbench-process`; they are registered here with the rest.
//! Python's own pools (`py-…`, in `poolbench-python`) are found by name too, but are not in
//! [`MODELS`]: they run only when asked for (`--with-python` or `--models py-pool,…`).
//!
//! Adding a model is one module plus one line in [`MODELS`].

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

use poolbench_core::{Marker, Model, ModelStyle};
pub use poolbench_process::{ProcessModel, StartMethod};
pub use poolbench_python::{
    check_foreign_task, python_env, PythonEnv, PythonModel, PYTHON_MODELS, PYTHON_WORKLOADS,
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

/// How reports draw each Rust model: a colour (Tableau's palette, then navy) and a marker.
/// Recorded in every results file, so a report draws a model as the run that measured it
/// did, even one the report's poolbench does not know. Python's models carry theirs
/// ([`PythonModel::style`]): squares and diamonds, in colours none of these use.
pub static RUST_STYLES: &[(&str, ModelStyle)] = &[
    ("sequential", ModelStyle::new([80, 80, 80], Marker::Circle)),
    (
        "thread-per-task",
        ModelStyle::new([214, 39, 40], Marker::Triangle),
    ),
    ("handrolled", ModelStyle::new([31, 119, 180], Marker::Ring)),
    ("threadpool", ModelStyle::new([255, 127, 14], Marker::Cross)),
    ("rayon", ModelStyle::new([44, 160, 44], Marker::Circle)),
    (
        "crossbeam",
        ModelStyle::new([148, 103, 189], Marker::Triangle),
    ),
    ("tokio", ModelStyle::new([23, 190, 207], Marker::Ring)),
    (
        "tokio-blocking",
        ModelStyle::new([140, 86, 75], Marker::Cross),
    ),
    ("process", ModelStyle::new([227, 119, 194], Marker::Circle)),
    (
        "process-fork",
        ModelStyle::new([188, 189, 34], Marker::Triangle),
    ),
    ("process-spawn", ModelStyle::new([0, 0, 128], Marker::Ring)),
];

/// How reports draw `model` (a Rust or Python model; a generated style for any other).
pub fn model_style(model: &dyn Model) -> ModelStyle {
    if let Some(python) = poolbench_python::find_python_model(model.name()) {
        return python.style();
    }
    RUST_STYLES
        .iter()
        .find(|(name, _)| *name == model.name())
        .map_or_else(|| ModelStyle::generated(RUST_STYLES.len()), |(_, s)| *s)
}

/// Every Python model, as models.
pub fn python_models() -> Vec<&'static dyn Model> {
    PYTHON_MODELS.iter().map(|&m| m as &dyn Model).collect()
}

/// The oracle of work in `language`: the model that runs one task after another on the
/// caller, whose outputs every other model of that language must reproduce (`sequential`,
/// or Python's plain loop `py-sequential` for a Python function).
pub fn oracle_of(language: poolbench_core::Language) -> &'static dyn Model {
    MODELS
        .iter()
        .copied()
        .chain(python_models())
        .find(|m| m.language() == language && m.worker_kind() == poolbench_core::WorkerKind::Caller)
        .unwrap_or(&Sequential)
}

/// Names of all models, Python's included, comma-separated, for error messages and `--help`.
pub fn model_names() -> String {
    MODELS
        .iter()
        .copied()
        .chain(python_models())
        .map(|m| m.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The model called `name` (a Rust model or a Python one).
pub fn find_model(name: &str) -> Result<&'static dyn Model, UnknownModel> {
    MODELS
        .iter()
        .copied()
        .chain(python_models())
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
        for model in MODELS.iter().copied().chain(python_models()) {
            assert_eq!(find_model(model.name()).unwrap().name(), model.name());
        }
        let mut names: Vec<_> = MODELS
            .iter()
            .copied()
            .chain(python_models())
            .map(|m| m.name())
            .collect();
        let all = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all);
    }

    #[test]
    fn every_model_has_a_style_of_its_own() {
        let all: Vec<&dyn Model> = MODELS.iter().copied().chain(python_models()).collect();
        let styles: Vec<_> = all.iter().map(|m| model_style(*m)).collect();
        let mut colours: Vec<_> = styles.iter().map(|s| s.colour).collect();
        colours.sort_unstable();
        colours.dedup();
        assert_eq!(colours.len(), all.len(), "one colour each");
        for (name, _) in RUST_STYLES {
            assert!(find_model(name).is_ok(), "{name} is a model");
        }
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
