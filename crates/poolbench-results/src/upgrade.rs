//! Reading results files of the previous schema, `poolbench/1`.
//!
//! `poolbench/1` wrote every figure of a cell as a flat field beside its identity; `poolbench/2`
//! groups them (see [`crate::cell`]) without renaming any. So an old file reads as a new one by
//! moving each flat field into its group — which [`GROUPS`] lists, as data — and nothing else:
//! old histories, saved baselines and committed reference reports keep working with `compare`,
//! `export`, `history` and `report`.

use poolbench_core::{ModelRole, WorkerKind, WorkloadRole};
use serde_json::{Map, Value};

/// The previous schema, which [`upgrade_v1`] reads.
pub const SCHEMA_V1: &str = "poolbench/1";

/// Each group of a `poolbench/2` cell and the `poolbench/1` fields it holds (same names).
pub const GROUPS: &[(&str, &[&str])] = &[
    (
        "plan",
        &[
            "cores",
            "warmup",
            "repeat",
            "batches_per_sample",
            "run_index",
        ],
    ),
    (
        "time",
        &[
            "samples_s",
            "sample_order",
            "median_s",
            "median_ci_s",
            "ci_level",
            "min_s",
            "max_s",
            "mean_s",
            "stddev_s",
            "no_median",
        ],
    ),
    ("scaling", &["ideal_s", "speedup", "efficiency"]),
    (
        "outcome",
        &[
            "verified",
            "failed_tasks",
            "timed_out_tasks",
            "mismatched_tasks",
            "errors",
            "failed_batches",
            "first_batch_error",
            "interrupted",
            "model_error",
        ],
    ),
    (
        "cost",
        &[
            "startup_s",
            "cpu_s",
            "cpu_user_s",
            "cpu_system_s",
            "child_cpu_s",
            "context_switches",
            "steal_fraction",
            "self_peak_rss_bytes",
            "peak_rss_bytes",
            "peak_threads",
        ],
    ),
    (
        "per_task",
        &[
            "max_in_flight",
            "queue_wait_s",
            "service_s",
            "latency_s",
            "latency_samples_s",
        ],
    ),
];

/// Turns a parsed `poolbench/1` file into the shape of `poolbench/2`: every cell's flat
/// figures move into their groups, and the schema string becomes the new one. What is not a
/// cell object is left alone for the reader to refuse with its usual message.
pub fn upgrade_v1(file: &mut Value) {
    if let Some(cells) = file.get_mut("results").and_then(Value::as_array_mut) {
        for cell in cells.iter_mut().filter_map(Value::as_object_mut) {
            group_cell(cell);
        }
    }
    if let Some(object) = file.as_object_mut() {
        object.insert("schema".into(), Value::from(crate::SCHEMA));
    }
}

fn group_cell(cell: &mut Map<String, Value>) {
    for (group, fields) in GROUPS {
        let mut grouped = Map::new();
        for field in *fields {
            if let Some(value) = cell.remove(*field) {
                grouped.insert((*field).to_owned(), value);
            }
        }
        cell.insert((*group).to_owned(), Value::Object(grouped));
    }
}

/// The oracle's name before results files recorded each model's role.
const LEGACY_ORACLE: &str = "sequential";

/// Workloads' roles before results files recorded them, by the names of that time.
const LEGACY_WORKLOAD_ROLES: &[(&str, WorkloadRole)] = &[
    ("noop", WorkloadRole::OverheadProbe),
    ("fault", WorkloadRole::TestingAid),
];

/// A model's role in a file that does not record it.
pub(crate) fn legacy_model_role(name: &str) -> ModelRole {
    if name == LEGACY_ORACLE {
        ModelRole::Oracle
    } else {
        ModelRole::Model
    }
}

/// What ran a model's tasks, in a file that does not record it: the models of that time.
const LEGACY_WORKERS: &[(&str, WorkerKind)] = &[
    ("sequential", WorkerKind::Caller),
    ("thread-per-task", WorkerKind::Threads),
    ("handrolled", WorkerKind::Threads),
    ("threadpool", WorkerKind::Threads),
    ("rayon", WorkerKind::Threads),
    ("crossbeam", WorkerKind::Threads),
    ("tokio", WorkerKind::AsyncTasks),
    ("tokio-blocking", WorkerKind::Threads),
    ("process", WorkerKind::Processes),
    ("process-fork", WorkerKind::Processes),
    ("process-spawn", WorkerKind::Processes),
];

/// What ran model `name`'s tasks in a file that does not record it (an unknown name is not
/// guessed).
pub(crate) fn legacy_model_workers(name: &str) -> Option<WorkerKind> {
    LEGACY_WORKERS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, kind)| *kind)
}

/// A workload's role in a file that does not record it.
pub(crate) fn legacy_workload_role(name: &str) -> WorkloadRole {
    LEGACY_WORKLOAD_ROLES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(WorkloadRole::Measured, |(_, role)| *role)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CellResult, ContextSwitches, Percentiles};
    use poolbench_core::WorkKind;

    /// A cell with every optional figure present, so that a field the table forgot would be
    /// lost in the round trip below.
    fn full_cell() -> CellResult {
        let mut cell = CellResult::new("http", WorkKind::Io, "rayon", 8, 64);
        cell.params.insert("latency_ms".into(), 5.into());
        cell.experiment = Some("S2".into());
        cell.plan.cores = 2;
        cell.plan.warmup = 1;
        cell.plan.repeat = 5;
        cell.plan.batches_per_sample = Some(3);
        cell.plan.run_index = Some(4);
        cell.time.samples_s = vec![0.1, 0.2];
        cell.time.sample_order = Some(vec![[0, 1], [1, 0]]);
        cell.time.median_s = Some(0.15);
        cell.time.median_ci_s = Some([0.1, 0.2]);
        cell.time.ci_level = Some(0.5);
        cell.time.min_s = Some(0.1);
        cell.time.max_s = Some(0.2);
        cell.time.mean_s = Some(0.15);
        cell.time.stddev_s = Some(0.07);
        cell.time.no_median = Some("why".into());
        cell.scaling.ideal_s = Some(0.05);
        cell.scaling.speedup = Some(1.5);
        cell.scaling.efficiency = Some(0.33);
        cell.outcome.verified = true;
        cell.outcome.failed_tasks = 1;
        cell.outcome.timed_out_tasks = 2;
        cell.outcome.mismatched_tasks = 3;
        cell.outcome.errors = vec!["task 1: no".into()];
        cell.outcome.failed_batches = 4;
        cell.outcome.first_batch_error = Some("task 1: no".into());
        cell.outcome.interrupted = true;
        cell.outcome.model_error = Some("model".into());
        cell.cost.startup_s = Some(0.01);
        cell.cost.cpu_s = Some(0.3);
        cell.cost.cpu_user_s = Some(0.2);
        cell.cost.cpu_system_s = Some(0.1);
        cell.cost.child_cpu_s = Some(0.05);
        cell.cost.context_switches = Some(ContextSwitches {
            voluntary: 10.0,
            involuntary: 2.0,
        });
        cell.cost.steal_fraction = Some(0.01);
        cell.cost.self_peak_rss_bytes = Some(1 << 20);
        cell.cost.peak_rss_bytes = Some(1 << 21);
        cell.cost.peak_threads = Some(8);
        let p = Percentiles {
            p50: 0.001,
            p90: 0.002,
            p99: 0.003,
            max: 0.004,
        };
        cell.per_task.max_in_flight = Some(8);
        cell.per_task.queue_wait_s = Some(p);
        cell.per_task.service_s = Some(p);
        cell.per_task.latency_s = Some(p);
        cell.per_task.latency_samples_s = Some(vec![0.001, 0.004]);
        cell
    }

    /// A `poolbench/2` value written the `poolbench/1` way: every group's fields lifted into
    /// the cell.
    fn flattened(file: &crate::ResultsFile) -> Value {
        let mut value = serde_json::to_value(file).unwrap();
        value["schema"] = SCHEMA_V1.into();
        for cell in value["results"].as_array_mut().unwrap() {
            let cell = cell.as_object_mut().unwrap();
            let groups: Vec<String> = cell
                .iter()
                .filter(|(_, v)| v.is_object())
                .map(|(k, _)| k.clone())
                .filter(|k| k != "params")
                .collect();
            for group in groups {
                if let Some(Value::Object(fields)) = cell.remove(&group) {
                    cell.extend(fields);
                }
            }
        }
        value
    }

    #[test]
    fn a_flat_v1_cell_reads_back_as_the_grouped_cell_it_was() {
        let environment = crate::Environment::capture(vec!["poolbench".into()]);
        let mut file = crate::ResultsFile::new(environment, None);
        file.results.push(full_cell());
        file.results
            .push(CellResult::new("noop", WorkKind::Cpu, "sequential", 1, 4));
        let mut old = flattened(&file);
        assert!(old["results"][0].get("median_s").is_some(), "{old}");
        upgrade_v1(&mut old);
        let read: crate::ResultsFile = serde_json::from_value(old).unwrap();
        assert_eq!(read, file);
    }

    #[test]
    fn every_group_of_the_table_is_a_group_of_the_cell_and_no_field_is_listed_twice() {
        let cell = serde_json::to_value(full_cell()).unwrap();
        let mut seen = std::collections::HashSet::new();
        for (group, fields) in GROUPS {
            let object = cell[*group].as_object().unwrap();
            assert_eq!(object.len(), fields.len(), "{group}");
            for field in *fields {
                assert!(object.contains_key(*field), "{group}.{field}");
                assert!(seen.insert(*field), "{field} twice");
            }
        }
    }
}
