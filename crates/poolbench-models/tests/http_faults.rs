//! The `http` workload against a misbehaving mock server, on every model: every injected
//! failure is exactly one failed task, and stalls end in timeouts instead of hangs.

mod common;

use std::time::{Duration, Instant};

use common::{build, use_test_worker, MockServer};
use poolbench_core::{TaskError, WorkloadSpec};
use poolbench_server::StatsSnapshot;

fn stats(server: &MockServer) -> StatsSnapshot {
    let mut response = ureq::get(&format!("{}/stats", server.url))
        .call()
        .expect("stats");
    serde_json::from_slice(&response.body_mut().read_to_vec().unwrap()).expect("stats json")
}

/// Every model but those that must fork a single-threaded caller (`process-fork`), which
/// cannot start inside this multi-threaded harness.
fn models() -> impl Iterator<Item = &'static dyn poolbench_core::Model> {
    poolbench_models::models()
        .into_iter()
        .filter(|m| m.descriptor().start == poolbench_core::StartNeeds::Nothing)
}

#[test]
fn injected_500s_and_resets_are_exactly_the_failed_tasks() {
    use_test_worker();
    let server = MockServer::start();
    let spec = WorkloadSpec::new("http", 40)
        .with("url", server.url.as_str())
        .with("fail", 0.2)
        .with("reset", 0.1);
    let workload = build(&spec);
    for model in models() {
        let before = stats(&server);
        let pool = model.start(4).unwrap();
        let outcomes = pool.run(&workload).unwrap();
        let after = stats(&server);
        let failed = outcomes.iter().filter(|o| o.result.is_err()).count() as u64;
        let expected = (after.items_failed - before.items_failed) + (after.resets - before.resets);
        assert_eq!(
            failed,
            expected,
            "{}: failed tasks vs the server's count",
            model.name()
        );
        assert!(
            failed >= 4,
            "{}: the faults happened ({failed})",
            model.name()
        );
        let http_500s = outcomes
            .iter()
            .filter(|o| matches!(&o.result, Err(TaskError::Failed { message }) if message.contains("HTTP 500")))
            .count() as u64;
        assert_eq!(
            http_500s,
            after.items_failed - before.items_failed,
            "{}",
            model.name()
        );
    }
}

#[test]
fn stalled_responses_time_out_and_the_batch_returns() {
    use_test_worker();
    let server = MockServer::start();
    let spec = WorkloadSpec::new("http", 20)
        .with("url", server.url.as_str())
        .with("stall", 0.15)
        .with("timeout_ms", 300.0);
    let workload = build(&spec);
    for model in models() {
        let before = stats(&server);
        let started = Instant::now();
        let outcomes = model.start(4).unwrap().run(&workload).unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{}: no hang",
            model.name()
        );
        let stalls = stats(&server).stalls - before.stalls;
        let timed_out = outcomes
            .iter()
            .filter(|o| matches!(o.result, Err(TaskError::TimedOut { .. })))
            .count() as u64;
        assert!(stalls >= 1, "{}: some requests stalled", model.name());
        assert_eq!(
            timed_out,
            stalls,
            "{}: each stall is one timeout",
            model.name()
        );
        assert_eq!(
            outcomes.iter().filter(|o| o.result.is_ok()).count() as u64,
            20 - stalls
        );
    }
}
