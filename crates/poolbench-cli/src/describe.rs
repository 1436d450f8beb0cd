//! The Python side of a run: adding Python's pools to a plan (or leaving them out with one
//! line saying why) and what results.json records of the interpreter.

use poolbench_core::{Language, Model};
use poolbench_results::PythonSide;
use poolbench_runner::Plan;

/// Adds the Python models to the plan (`--with-python`), or takes them out of it with one
/// line saying why when there is no usable Python; the Python side for results.json.
/// The cluster engines are added only when named (in --models, or by the plan's experiments):
/// each starts a cluster for every cell.
/// One whose package is missing is taken out with one line naming the set-up that adds it.
pub(crate) fn python_side(plan: &mut Plan, with_python: bool) -> Option<PythonSide> {
    let is_python = |m: &&dyn Model| m.language() == Language::Python;
    if with_python {
        // The local pools, and the engines the plan's experiments name (the cluster preset's,
        // the seeds' S2 and S7).
        let named = |name: &str| {
            plan.entries
                .iter()
                .any(|e| e.python_models.iter().flatten().any(|m| *m == name))
        };
        let chosen: Vec<_> = poolbench_models::PYTHON_MODELS
            .iter()
            .filter(|m| m.engine().is_none() || named(m.name()))
            .collect();
        for model in chosen {
            if !plan.models.iter().any(|m| m.name() == model.name()) {
                plan.models.push(*model);
            }
        }
    }
    if !plan.models.iter().any(is_python) {
        return None;
    }
    match poolbench_models::python_env() {
        Ok(env) => {
            drop_missing_engines(plan, env);
            Some(python_record(plan, env))
        }
        Err(why) => {
            eprintln!("python: skipped, {why}; the Rust side runs alone");
            plan.models.retain(|m| !is_python(m));
            None
        }
    }
}

/// Takes out of `plan` each cluster engine whose package `env` lacks, with one line naming the
/// set-up that adds it.
pub(crate) fn drop_missing_engines(plan: &mut Plan, env: &poolbench_models::PythonEnv) {
    plan.models.retain(|m| match engine_of(*m) {
        Some(engine) if engine.version(env).is_none() => {
            eprintln!(
                "{}: skipped, {} has no {} (scripts/python-setup.sh --cluster adds it)",
                m.name(),
                env.executable,
                engine.package()
            );
            false
        }
        _ => true,
    });
}

/// The cluster engine `model` drives, if it is one.
pub(crate) fn engine_of(model: &dyn Model) -> Option<poolbench_models::Engine> {
    poolbench_models::find_python_model(model.name())?.engine()
}

/// What results.json says of the Python that runs `plan`'s Python models.
pub(crate) fn python_record(plan: &Plan, env: &poolbench_models::PythonEnv) -> PythonSide {
    PythonSide {
        executable: env.executable.clone(),
        version: env.python.clone(),
        implementation: env.implementation.clone(),
        start_method: env.start_method.clone(),
        pillow: env.pillow.clone(),
        libjpeg_turbo: env.libjpeg_turbo.clone(),
        engines: poolbench_models::Engine::ALL
            .iter()
            .filter_map(|e| Some(format!("{} {}", e.name(), e.version(env)?)))
            .collect(),
        // Filled in by `cluster::connect` when an engine runs on a real cluster.
        clusters: Vec::new(),
        models: poolbench_models::PYTHON_MODELS
            .iter()
            .filter(|m| plan.models.iter().any(|p| p.name() == m.name()))
            .map(|m| (m.name().to_owned(), m.summary().to_owned()))
            .collect(),
    }
}
