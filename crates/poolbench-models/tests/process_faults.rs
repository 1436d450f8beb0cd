//! Faults in worker processes, for the process-pool models that start in any process
//! (`process` with its fork server, and `process-spawn`); `process-fork` runs the same checks
//! in `fork_single_threaded.rs`.

mod common;

use std::sync::mpsc;

use common::*;
use poolbench_core::{Model, ModelError};
use poolbench_models::ProcessModel;

macro_rules! fault_suite {
    ($($module:ident => $model:expr),* $(,)?) => {
        $(
            mod $module {
                use super::*;

                #[test]
                fn a_dead_worker_fails_its_task_only_and_is_replaced() {
                    check_worker_deaths($model);
                }

                #[test]
                fn an_overrunning_task_times_out_and_its_worker_is_replaced() {
                    check_timeout($model);
                }

                #[test]
                fn no_process_outlives_the_pool() {
                    check_no_zombies($model);
                }

                #[test]
                fn unordered_results_arrive_in_completion_order() {
                    check_unordered($model);
                }
            }
        )*
    };
}

fault_suite! {
    forkserver => ProcessModel::FORKSERVER,
    spawn => ProcessModel::SPAWN,
}

#[test]
fn zero_workers_is_refused() {
    use_test_worker();
    for model in [
        ProcessModel::FORKSERVER,
        ProcessModel::SPAWN,
        ProcessModel::FORK,
    ] {
        assert!(
            matches!(model.start(0), Err(ModelError::ZeroWorkers { got: 0 })),
            "{}",
            model.name()
        );
    }
}

#[test]
fn fork_is_refused_in_a_multithreaded_caller() {
    let (release, wait) = mpsc::channel::<()>();
    let other_thread = std::thread::spawn(move || wait.recv());
    let refused = ProcessModel::FORK
        .start(2)
        .err()
        .expect("fork must be refused here")
        .to_string();
    assert!(refused.contains("single-threaded"), "{refused}");
    assert!(
        refused.contains("forkserver"),
        "says what to use instead: {refused}"
    );
    release.send(()).unwrap();
    let _ = other_thread.join();
}
