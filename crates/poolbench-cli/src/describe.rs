//! What a run records about itself besides its cells: what each model and workload is
//! (language, role, style; role, server) and the Python side, when Python models run.

use std::sync::Arc;

use poolbench_core::{Language, Model, ModelRole, Workload};
use poolbench_results::{ModelInfo, PythonSide, WorkloadRecord};
use poolbench_runner::Plan;

/// What results.json says of each model of the plan (and the oracle, which always runs): its
/// language, role and how reports draw it.
pub(crate) fn model_records(plan: &Plan) -> Vec<ModelInfo> {
    let oracles: Vec<&dyn Model> = plan
        .entries
        .iter()
        .map(poolbench_runner::oracle_for)
        .collect();
    let is_oracle = |model: &dyn Model| oracles.iter().any(|o| o.name() == model.name());
    oracles
        .iter()
        .copied()
        .chain(plan.models.iter().copied())
        .fold(Vec::new(), |mut records: Vec<ModelInfo>, model| {
            if !records.iter().any(|r| r.name == model.name()) {
                records.push(ModelInfo {
                    name: model.name().to_owned(),
                    language: model.language(),
                    role: if is_oracle(model) {
                        ModelRole::Oracle
                    } else if model.descriptor().ignores_workers() {
                        ModelRole::Baseline
                    } else {
                        ModelRole::Model
                    },
                    workers: Some(model.worker_kind()),
                    style: poolbench_models::model_style(model),
                    summary: model.summary().to_owned(),
                });
            }
            records
        })
}

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

/// What results.json says of each workload of the plan (built as `workloads`, one per entry):
/// its role, whether it needs the mock server, whose it is, whether it has an async form.
pub(crate) fn workload_records(
    plan: &Plan,
    workloads: &[Arc<dyn Workload>],
) -> Vec<WorkloadRecord> {
    plan.entries.iter().zip(workloads).fold(
        Vec::new(),
        |mut records: Vec<WorkloadRecord>, (entry, built)| {
            let known = poolbench_workloads::find_workload(&entry.spec.name).ok();
            if let (Some(info), false) = (known, records.iter().any(|r| r.name == entry.spec.name))
            {
                records.push(WorkloadRecord {
                    name: info.name.to_owned(),
                    role: info.role,
                    needs_server: info.needs_server,
                    origin: info.origin,
                    async_form: Some(built.has_async_form()),
                    defaults: info.default_params(),
                });
            }
            records
        },
    )
}
