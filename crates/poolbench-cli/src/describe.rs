//! The Python side of a run: adding Python's pools to a plan (or leaving them out with one
//! line saying why) and what results.json records of the interpreter.

use poolbench_core::{Language, Model};
use poolbench_results::PythonSide;
use poolbench_runner::Plan;

/// Adds the Python models to the plan (`--with-python`), or takes them out of it with one
/// line saying why when there is no usable Python; the Python side for results.json.
pub(crate) fn python_side(plan: &mut Plan, with_python: bool) -> Option<PythonSide> {
    let is_python = |m: &&dyn Model| m.language() == Language::Python;
    if with_python {
        for model in poolbench_models::python_models() {
            if !plan.models.iter().any(|m| m.name() == model.name()) {
                plan.models.push(model);
            }
        }
    }
    if !plan.models.iter().any(is_python) {
        return None;
    }
    match poolbench_models::python_env() {
        Ok(env) => Some(python_record(plan, env)),
        Err(why) => {
            eprintln!("python: skipped, {why}; the Rust side runs alone");
            plan.models.retain(|m| !is_python(m));
            None
        }
    }
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
        models: poolbench_models::PYTHON_MODELS
            .iter()
            .filter(|m| plan.models.iter().any(|p| p.name() == m.name()))
            .map(|m| (m.name().to_owned(), m.summary().to_owned()))
            .collect(),
    }
}
