//! Faults as a user (or a CI runner) meets them: hung tasks under the task timeout on every
//! kind of model, and a SIGTERM during a hung batch. Every command here runs under its own
//! time bound, so a regression fails the test instead of hanging it.

mod common;

use std::time::{Duration, Instant};

use common::{results, short_run, KillOnDrop};
use predicates::prelude::*;

/// A thread cannot be stopped: when a task hangs on a thread model, the run stops at the task
/// timeout with status 3, keeping the workload that finished, the hung cell and the report.
#[test]
fn a_hung_task_on_a_thread_model_stops_the_run_at_the_task_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let started = Instant::now();
    short_run("rayon", "noop,fault", &out)
        .args(["--set", "fault.hang_at=[1]", "--task-timeout", "1"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "task 1 of fault ran longer than the task timeout (1.000 s) on sequential",
        ));
    assert!(started.elapsed() < Duration::from_secs(60));
    let cells = results(&out);
    let noop: Vec<_> = cells.iter().filter(|c| c["workload"] == "noop").collect();
    assert_eq!(noop.len(), 2, "the finished workload is kept");
    assert!(noop.iter().all(|c| c["outcome"]["verified"] == true));
    let hung = cells.iter().find(|c| c["workload"] == "fault").unwrap();
    assert_eq!(hung["outcome"]["verified"], false);
    assert_eq!(hung["outcome"]["interrupted"], true);
    assert!(hung["outcome"]["model_error"]
        .as_str()
        .unwrap()
        .contains("task timeout"));
    assert!(out.join("index.html").is_file(), "the report is rendered");
}

/// A process model kills and replaces the worker of a hung task; the run goes on, the other
/// models verify, and the exit status says a task timed out.
#[test]
fn a_hung_task_on_a_process_model_is_timed_out_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    short_run("process,rayon", "fault", &out)
        .args([
            "--set",
            "fault.hang_at=[1]",
            "--set",
            "fault.faults_in=workers",
        ])
        .args(["--task-timeout", "0.5"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "tasks timed out (over the task limit, --task-timeout",
        ));
    let cells = results(&out);
    let process = cells.iter().find(|c| c["model"] == "process").unwrap();
    assert_eq!(process["outcome"]["verified"], false);
    assert_eq!(process["outcome"]["timed_out_tasks"], 1);
    assert!(process["outcome"]["errors"][0]
        .as_str()
        .unwrap()
        .contains("task 1: timed out after 0.500 s"));
    let rayon = cells.iter().find(|c| c["model"] == "rayon").unwrap();
    assert_eq!(rayon["outcome"]["verified"], true);
}

/// tokio cancels an async task that awaits past the limit, as only async tasks can be.
#[test]
fn a_hung_async_task_is_cancelled_at_the_task_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    short_run("tokio", "fault", &out)
        .args([
            "--set",
            "fault.hang_at=[2]",
            "--set",
            "fault.faults_in=async",
        ])
        .args(["--task-timeout", "0.5"])
        .assert()
        .code(3);
    let cells = results(&out);
    let tokio = cells.iter().find(|c| c["model"] == "tokio").unwrap();
    assert_eq!(tokio["outcome"]["timed_out_tasks"], 1);
    let oracle = cells.iter().find(|c| c["model"] == "sequential").unwrap();
    assert_eq!(oracle["outcome"]["verified"], true);
}

/// One SIGTERM (what `timeout`, CI runners and container runtimes send) during a batch that
/// will never return ends the run within the stop grace, with the finished cells kept.
#[cfg(target_os = "linux")]
#[test]
fn sigterm_during_a_hung_batch_ends_the_run_in_bounded_time() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut guard = KillOnDrop(
        std::process::Command::new(assert_cmd::cargo::cargo_bin("poolbench"))
            .args(["run", "--models", "process", "--workloads", "noop,fault"])
            .args([
                "--set",
                "fault.hang_at=[1]",
                "--tasks",
                "4",
                "--workers",
                "1",
            ])
            .args(["--repeat", "2", "--measure-time", "0", "-q", "--out"])
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let child = &mut guard.0;
    // Wait for the noop workload to be saved: the fault workload's oracle is then hung.
    let deadline = Instant::now() + Duration::from_secs(60);
    while !out.join("results.json").is_file() {
        assert!(
            Instant::now() < deadline,
            "the noop workload never finished"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    let signalled = Instant::now();
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if signalled.elapsed() > Duration::from_secs(30) {
            child.kill().ok();
            panic!("poolbench was still running 30 s after one SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = signalled.elapsed();
    assert_eq!(status.code(), Some(130));
    assert!(took < Duration::from_secs(5), "stopped after {took:?}");
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(stderr.contains("stopped by a signal"), "{stderr}");
    let cells = results(&out);
    assert!(cells
        .iter()
        .any(|c| c["workload"] == "noop" && c["outcome"]["verified"] == true));
    assert!(out.join("index.html").is_file());
}
