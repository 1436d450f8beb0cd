//! Starting poolbench models and checking their outputs, for the benchmarks.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use poolbench_core::{thread_count, Model, Pool, Workload, WorkloadSpec};
use poolbench_process::{set_worker_command, WorkerCommand};
use poolbench_workloads::BuildContext;

/// Builds a workload with default context; panics on a bad spec (a bug in the bench).
pub fn build(spec: &WorkloadSpec) -> Arc<dyn Workload> {
    poolbench_workloads::build(spec, &BuildContext::default()).expect("builds")
}

/// Runs one batch and returns every task's checksum, in order.
pub fn checksums(workload: &Arc<dyn Workload>, pool: &dyn Pool) -> Vec<u64> {
    let outcomes = pool.run(workload).expect("batch completes");
    outcomes
        .into_iter()
        .map(|o| o.result.expect("task succeeds").checksum)
        .collect()
}

/// Starts `model`, first letting threads of earlier pools exit (the fork start method needs
/// a single-threaded process); `None`, with a note, if it cannot start here.
pub fn start(model: &dyn Model, workers: usize) -> Option<Box<dyn Pool>> {
    let deadline = Instant::now() + Duration::from_secs(2);
    while thread_count().is_some_and(|n| n > 1) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    match model.start(workers) {
        Ok(pool) => Some(pool),
        Err(e) => {
            eprintln!("skipping {}: {e}", model.name());
            None
        }
    }
}

/// Starts `model` for `workload`, prepares it and checks one batch against `oracle`.
pub fn start_checked(
    model: &dyn Model,
    workers: usize,
    workload: &Arc<dyn Workload>,
    oracle: &[u64],
) -> Option<Box<dyn Pool>> {
    let pool = start(model, workers)?;
    pool.prepare(workload).expect("prepares");
    assert_eq!(
        checksums(workload, pool.as_ref()),
        oracle,
        "{} is wrong",
        model.name()
    );
    Some(pool)
}

/// For a bench's `main`: when this program was started as a process model's worker
/// (`__worker …`), runs as one and returns its exit code; otherwise makes this program the
/// process models' worker program and returns `None`.
pub fn run_as_worker_if_asked(args: &[String]) -> Option<ExitCode> {
    if args.get(1).map(String::as_str) == Some("__worker") {
        return Some(poolbench_process::worker_main(&args[2..]));
    }
    if let Ok(program) = std::env::current_exe() {
        set_worker_command(WorkerCommand {
            program,
            args: vec!["__worker".into()],
        });
    }
    None
}
