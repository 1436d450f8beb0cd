//! Timelines: each cell's traced batch covers every task once, on a worker the model has, with
//! ordered timestamps; Python's traces name processes for process pools and threads for
//! thread pools; `--no-trace` leaves them out; the report draws one timeline chart per
//! language for each measured workload.

mod common;

use std::collections::BTreeSet;
use std::io::Write;

use common::{poolbench, results};
use serde_json::Value;

const RUST_MODELS: &str = "sequential,thread-per-task,handrolled,threadpool,rayon,crossbeam,\
                           tokio,tokio-blocking,process,process-fork,process-spawn";

/// A run of `models` on `workloads` (of `sum` with uneven tasks and `sleep` with jittered
/// waits), 12 tasks, W = 3.
fn traced_run(models: &str, workloads: &str, out: &std::path::Path) -> assert_cmd::Command {
    let mut cmd = poolbench();
    cmd.args(["run", "--models", models, "--workloads", workloads])
        .args(["--tasks", "12", "--workers", "3", "--repeat", "2"])
        .args(["--warmup", "1", "--measure-time", "0", "-q"])
        .arg("--out")
        .arg(out);
    if workloads.contains("sum") {
        cmd.args(["--set", "sum.n=20000", "--set", "sum.uneven=8"]);
    }
    if workloads.contains("sleep") {
        cmd.args(["--set", "sleep.delay_ms=2", "--set", "sleep.jitter=0.5"]);
    }
    cmd
}

/// Checks one cell's trace against its plan and returns the worker ids of its lanes.
fn check_trace(cell: &Value, most_lanes: usize) -> Vec<Vec<u64>> {
    let name = format!(
        "{} at W = {} on {}",
        cell["model"], cell["workers"], cell["workload"]
    );
    let trace = &cell["per_task"]["trace"];
    assert!(trace.is_object(), "{name}: no trace");
    let tasks = cell["tasks"].as_u64().unwrap() as usize;
    let spans = trace["spans"].as_array().unwrap();
    let lanes: Vec<Vec<u64>> = serde_json::from_value(Value::Array(
        trace["lanes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["workers"].clone())
            .collect(),
    ))
    .unwrap();
    assert!(
        !lanes.is_empty() && lanes.len() <= most_lanes,
        "{name}: {} lanes",
        lanes.len()
    );
    let ids: Vec<u64> = lanes.iter().flatten().copied().collect();
    let distinct: BTreeSet<u64> = ids.iter().copied().collect();
    assert_eq!(distinct.len(), ids.len(), "{name}: a worker in two lanes");
    let end = trace["end_s"].as_f64().unwrap();
    let mut seen = vec![0; tasks];
    for span in spans {
        // [task, lane, enqueued_ns, started_ns, finished_ns]
        let s: (usize, usize, u64, u64, u64) = serde_json::from_value(span.clone()).unwrap();
        seen[s.0] += 1;
        assert!(s.1 < lanes.len(), "{name}: lane {} of {}", s.1, lanes.len());
        let finished = s.4 as f64 / 1e9;
        assert!(
            s.2 <= s.3 && s.3 <= s.4 && finished <= end + 1e-9,
            "{name}: {s:?} ends after {end} s"
        );
    }
    assert!(seen.iter().all(|&n| n == 1), "{name}: tasks seen {seen:?}");
    for share in ["busy", "idle_while_waiting"] {
        let v = trace[share].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&v), "{name}: {share} {v}");
    }
    lanes
}

#[test]
fn every_rust_model_traces_each_task_once_on_at_most_w_lanes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    traced_run(RUST_MODELS, "sum,sleep", &out)
        .assert()
        .success();
    let cores = poolbench_core::logical_cores();
    let cells = results(&out);
    assert_eq!(cells.len(), 2 * 11, "one cell per model and workload");
    for cell in &cells {
        let w = cell["workers"].as_u64().unwrap() as usize;
        // tokio's lanes are its runtime threads: min(W, cores) of them.
        let most = if cell["model"] == "tokio" {
            w.min(cores)
        } else {
            w
        };
        let lanes = check_trace(cell, most);
        if cell["model"] == "sequential" {
            assert_eq!(lanes.len(), 1);
        }
    }
}

#[test]
fn no_trace_leaves_the_cells_without_one_and_the_report_without_timelines() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    traced_run("rayon", "sum", &out)
        .arg("--no-trace")
        .assert()
        .success();
    assert!(results(&out)
        .iter()
        .all(|c| c["per_task"].get("trace").is_none()));
    assert!(!out.join("charts/timeline-rust-sum.svg").exists());
    let readme = std::fs::read_to_string(out.join("README.md")).unwrap();
    assert!(!readme.contains("How each model scheduled the work"));
}

#[test]
fn the_report_draws_a_timeline_per_measured_workload_and_says_what_it_found() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    traced_run("rayon,threadpool,tokio", "sum,sleep", &out)
        .assert()
        .success();
    for workload in ["sum", "sleep"] {
        let svg = std::fs::read_to_string(out.join(format!("charts/timeline-rust-{workload}.svg")))
            .unwrap();
        for model in ["sequential", "rayon", "threadpool", "tokio"] {
            assert!(
                svg.contains(&format!("{model} · ")),
                "{workload}: no panel for {model}"
            );
        }
        assert!(out
            .join(format!("charts/timeline-rust-{workload}.png"))
            .exists());
    }
    let readme = std::fs::read_to_string(out.join("README.md")).unwrap();
    assert_eq!(
        readme
            .matches("### How each model scheduled the work")
            .count(),
        2
    );
    assert!(readme.contains("Idle while tasks waited"));
    assert!(readme.contains("Most worker-time idle while tasks waited: "));
}

#[test]
fn python_traces_name_processes_for_process_pools_and_threads_for_thread_pools() {
    if let Err(why) = poolbench_python::python_env() {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED poolbench-cli::python_traces_name_processes_for_process_pools_and_threads_for_thread_pools: {why}"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    traced_run(
        "py-pool,py-thread-executor,py-process-executor",
        "sum",
        &out,
    )
    .assert()
    .success();
    let cells = results(&out);
    let ids_of = |model: &str| -> BTreeSet<u64> {
        let cell = cells
            .iter()
            .find(|c| c["model"] == model && c["workload"] == "sum")
            .unwrap_or_else(|| panic!("no {model} cell"));
        check_trace(cell, 3).into_iter().flatten().collect()
    };
    let (pool, threads, executor) = (
        ids_of("py-pool"),
        ids_of("py-thread-executor"),
        ids_of("py-process-executor"),
    );
    // Two pools of processes never share a pid with each other or with a thread pool.
    assert!(pool.is_disjoint(&executor) && pool.is_disjoint(&threads));
    let svg = std::fs::read_to_string(out.join("charts/timeline-python-sum.svg")).unwrap();
    assert!(
        svg.contains(&format!("py-pool · {} process", pool.len())),
        "{svg}"
    );
    assert!(svg.contains(&format!("py-thread-executor · {} thread", threads.len())));
}
