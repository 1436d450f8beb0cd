//! The `process-fork` model, checked from a single-threaded process (this test has no
//! harness: `main` runs on the only thread, so forking is allowed, as in `poolbench run`).

mod common;

use common::*;
use poolbench_models::ProcessModel;

fn main() {
    assert_eq!(
        poolbench_core::thread_count(),
        Some(1),
        "this test must stay single-threaded"
    );
    let checks: &[(&str, fn())] = &[
        ("outputs_match_the_sequential_oracle_in_order", || {
            check_matches_oracle(&ProcessModel::FORK)
        }),
        ("a_panicking_task_is_an_error_and_the_rest_finish", || {
            check_panic(&ProcessModel::FORK)
        }),
        ("timing_record_is_sane_and_respects_w", || {
            check_timing(&ProcessModel::FORK)
        }),
        ("a_dead_worker_fails_its_task_only_and_is_replaced", || {
            check_worker_deaths(ProcessModel::FORK)
        }),
        (
            "an_overrunning_task_times_out_and_its_worker_is_replaced",
            || check_timeout(ProcessModel::FORK),
        ),
        ("no_process_outlives_the_pool", || {
            check_no_zombies(ProcessModel::FORK)
        }),
        ("unordered_results_arrive_in_completion_order", || {
            check_unordered(ProcessModel::FORK)
        }),
    ];
    for (name, check) in checks {
        check();
        println!("test process_fork::{name} ... ok");
    }
    println!("\nprocess-fork: {} passed, 0 failed", checks.len());
}
