//! What a results file says of its run besides the cells: the environment and source, what
//! each model is (language, role, workers, style), what each workload is (role, server,
//! origin, async form, defaults), the order seed and the sampling. Assembled here, once, so
//! the CLI and a bench harness record the same things.

use std::sync::Arc;

use poolbench_core::{Model, ModelRole, Workload};
use poolbench_results::{Environment, ModelInfo, ResultsFile, WorkloadRecord};

use crate::{CellOrder, Plan};

/// The results file of `plan`, before any cell: `environment`, `source` (the preset or suite
/// that made the plan), the registry's model order, what each model and workload is, the
/// order seed and the sampling.
pub fn results_for(
    plan: &Plan,
    workloads: &[Arc<dyn Workload>],
    environment: Environment,
    source: String,
) -> ResultsFile {
    let mut results = ResultsFile::new(environment, Some(source));
    results.model_order = poolbench_models::all_models()
        .into_iter()
        .map(|m| m.name().to_owned())
        .collect();
    results.models = model_records(plan);
    results.workloads = workload_records(plan, workloads);
    if let CellOrder::Shuffled { seed } = plan.order {
        results.order_seed = Some(seed);
    }
    results.sampling = Some(plan.sampling);
    results
}

/// What results.json says of each model of the plan (and the oracle, which always runs): its
/// language, role and how reports draw it.
pub fn model_records(plan: &Plan) -> Vec<ModelInfo> {
    let oracles: Vec<&dyn Model> = plan.entries.iter().map(crate::oracle_for).collect();
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

/// What results.json says of each workload of the plan (built as `workloads`, one per entry):
/// its role, whether it needs the mock server, whose it is, whether it has an async form.
pub fn workload_records(plan: &Plan, workloads: &[Arc<dyn Workload>]) -> Vec<WorkloadRecord> {
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
