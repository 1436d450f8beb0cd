//! Checks shared by the conformance and fault suites, written once and run per model.
// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

pub mod toy;

use std::sync::Arc;
use std::time::{Duration, Instant};

use poolbench_core::{max_in_flight, Model, TaskError, TaskOutcome, Workload, WorkloadSpec};
use poolbench_models::{ProcessModel, Sequential};
use poolbench_process::{set_worker_command, WorkerCommand};
use poolbench_workloads::BuildContext;

/// Points the process models at this package's `poolbench-worker` binary.
pub fn use_test_worker() {
    set_worker_command(WorkerCommand {
        program: env!("CARGO_BIN_EXE_poolbench-worker").into(),
        args: Vec::new(),
    });
}

/// poolbench's mock HTTP server in a separate process, stopped when dropped. A process of its
/// own keeps the test process single-threaded where that matters (`process-fork`).
pub struct MockServer {
    child: std::process::Child,
    pub url: String,
}

impl MockServer {
    pub fn start() -> Self {
        use std::io::BufRead;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_poolbench-worker"))
            .arg("mock-server")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("the mock server starts");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("piped stdout");
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the server says where it is");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .expect("a 'listening on' line")
            .to_owned();
        Self { child, url }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every workload a Rust model runs (the registry's, less testing aids and Python-only ones),
/// small: quick in a debug build, same code paths as a real run. Those with a cheaper form
/// below take it; any other — a workload added later — runs with its default parameters and
/// at most 8 tasks, so a new workload is covered the moment it is registered. `http` (and any
/// workload that needs a server) talks to `server`.
pub fn small_specs(server: &MockServer) -> Vec<WorkloadSpec> {
    let smaller = [
        WorkloadSpec::new("http", 7).with("latency", "1"),
        WorkloadSpec::new("sleep", 7).with("delay_ms", 2.0),
        WorkloadSpec::new("sum", 9).with("n", 20_000),
        WorkloadSpec::new("sum-mem", 5).with("elements_per_task", 1_000),
        WorkloadSpec::new("thumbnail", 4)
            .with("width", 48)
            .with("height", 36),
        WorkloadSpec::new("noop", 64),
    ];
    poolbench_workloads::all_workloads()
        .into_iter()
        .filter(|w| {
            w.only_in
                .is_none_or(|l| l == poolbench_core::Language::Rust)
        })
        .filter(|w| w.role != poolbench_core::WorkloadRole::TestingAid)
        .map(|w| {
            let spec = smaller
                .iter()
                .find(|s| s.name == w.name)
                .cloned()
                .unwrap_or_else(|| {
                    let spec = w.default_spec();
                    let tasks = spec.tasks.min(8);
                    WorkloadSpec { tasks, ..spec }
                });
            if w.needs_server {
                spec.with("url", server.url.as_str())
            } else {
                spec
            }
        })
        .collect()
}

pub fn build(spec: &WorkloadSpec) -> Arc<dyn Workload> {
    poolbench_workloads::build(spec, &BuildContext::default()).expect("test workloads build")
}

pub fn run(model: &dyn Model, workers: usize, workload: &Arc<dyn Workload>) -> Vec<TaskOutcome> {
    let pool = model.start(workers).expect("model starts");
    let outcomes = pool.run(workload).expect("batch completes");
    assert_eq!(
        outcomes.len(),
        workload.tasks(),
        "{}: one outcome per task",
        model.name()
    );
    outcomes
}

pub fn checksums(outcomes: &[TaskOutcome]) -> Vec<Result<u64, TaskError>> {
    outcomes
        .iter()
        .map(|o| o.result.clone().map(|out| out.checksum))
        .collect()
}

/// Outputs equal the sequential oracle's, in input order, for every workload and several W,
/// and the same pool runs a second batch just as well.
pub fn check_matches_oracle(model: &dyn Model) {
    use_test_worker();
    let server = MockServer::start();
    for spec in small_specs(&server) {
        let workload = build(&spec);
        let oracle = checksums(&run(&Sequential, 1, &workload));
        assert!(
            oracle.iter().all(Result::is_ok),
            "oracle failed on {}: {oracle:?}",
            spec.name
        );
        for workers in [1, 3, 16] {
            let pool = model.start(workers).unwrap();
            for batch in 0..2 {
                let got = checksums(&pool.run(&workload).unwrap());
                assert_eq!(
                    got,
                    oracle,
                    "{} on {} W={workers} batch {batch}",
                    model.name(),
                    spec.name
                );
            }
        }
    }
}

/// One panicking task is an error carrying the panic message; every other task is correct;
/// the call returns; and the pool still works afterwards. Run with a waiting (async-capable)
/// and a computing variant of the task.
pub fn check_panic(model: &dyn Model) {
    use_test_worker();
    for sleep_ms in [1.0, 0.0] {
        let spec = WorkloadSpec::new("fault", 6).with("sleep_ms", sleep_ms);
        let clean = build(&spec);
        let oracle = checksums(&run(&Sequential, 1, &clean));
        let faulty = build(&spec.clone().with("panic_at", vec![2]));
        let pool = model.start(2).unwrap();
        let got = checksums(&pool.run(&faulty).unwrap());
        for (index, (have, want)) in got.iter().zip(&oracle).enumerate() {
            if index == 2 {
                assert_eq!(
                    have,
                    &Err(TaskError::Panicked {
                        message: "fault: task 2 panics on purpose".into()
                    }),
                    "{}",
                    model.name()
                );
            } else {
                assert_eq!(have, want, "{} task {index}", model.name());
            }
        }
        assert_eq!(
            checksums(&pool.run(&clean).unwrap()),
            oracle,
            "pool usable after a panic"
        );
    }
}

/// enqueued ≤ started ≤ finished for every task; W=1 never overlaps two tasks; W=k never
/// runs more than k at once (and, for every model but the sequential one, really overlaps).
pub fn check_timing(model: &dyn Model) {
    use_test_worker();
    let workload = build(&WorkloadSpec::new("sleep", 9).with("delay_ms", 15.0));
    for workers in [1, 3] {
        let outcomes = run(model, workers, &workload);
        let timings: Vec<_> = outcomes.iter().map(|o| o.timing).collect();
        for (index, t) in timings.iter().enumerate() {
            assert!(
                t.enqueued <= t.started && t.started <= t.finished,
                "{} W={workers} task {index}: {t:?}",
                model.name()
            );
            assert!(
                t.service() >= Duration::from_millis(15),
                "task {index} slept: {t:?}"
            );
        }
        let most = max_in_flight(&timings);
        let limit = if model.name() == "sequential" {
            1
        } else {
            workers
        };
        assert!(
            most <= limit,
            "{} W={workers}: {most} tasks overlapped",
            model.name()
        );
        if workers > 1 && model.name() != "sequential" {
            assert!(
                most >= 2,
                "{} W={workers}: tasks never overlapped",
                model.name()
            );
        }
    }
}

/// Whether process `pid` still exists, as a live process or an unreaped zombie.
pub fn exists(pid: i32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

/// A worker that aborts, segfaults, exits or is SIGKILLed fails its task only, with the way it
/// died; a replacement is started; the other tasks finish; dead workers are reaped at once.
pub fn check_worker_deaths(model: ProcessModel) {
    use_test_worker();
    let spec = WorkloadSpec::new("fault", 10)
        .with("abort_at", vec![1])
        .with("segfault_at", vec![3])
        .with("exit_at", vec![5])
        .with("kill_at", vec![6]);
    let faulty = build(&spec);
    let oracle = checksums(&run(
        &Sequential,
        1,
        &build(&WorkloadSpec::new("fault", 10)),
    ));
    let pool = model.start_pool(2).unwrap();
    let first_workers = pool.worker_pids();
    let outcomes = poolbench_core::Pool::run(&pool, &faulty).unwrap();
    let expected_deaths = [
        (1, "killed by signal 6 (SIGABRT)"),
        (3, "killed by signal 11 (SIGSEGV)"),
        (5, "exited with status 3"),
        (6, "killed by signal 9 (SIGKILL)"),
    ];
    for (index, outcome) in outcomes.iter().enumerate() {
        match expected_deaths.iter().find(|(i, _)| *i == index) {
            Some((_, how)) => match &outcome.result {
                Err(TaskError::WorkerLost { message }) => assert!(
                    message.contains(how) && message.contains(&format!("task {index}")),
                    "{}: task {index}: {message}",
                    model.name()
                ),
                other => panic!(
                    "{}: task {index} should have lost its worker: {other:?}",
                    model.name()
                ),
            },
            None => assert_eq!(
                outcome.result.clone().map(|o| o.checksum),
                oracle[index],
                "task {index}"
            ),
        }
    }
    let now_workers = pool.worker_pids();
    assert_eq!(now_workers.len(), 2, "replacements keep the pool at W");
    assert!(
        first_workers.iter().all(|pid| !exists(*pid)),
        "dead workers were reaped"
    );
    let clean = build(&WorkloadSpec::new("fault", 10));
    assert_eq!(
        checksums(&poolbench_core::Pool::run(&pool, &clean).unwrap()),
        oracle
    );
}

/// A task that overruns the per-task timeout is reported as timed out, its worker is killed
/// and replaced, and the batch finishes long before the task would have.
pub fn check_timeout(model: ProcessModel) {
    use_test_worker();
    let limit = Duration::from_millis(300);
    let pool = model.with_task_timeout(limit).start_pool(2).unwrap();
    let workload = build(&WorkloadSpec::new("fault", 6).with("hang_at", vec![2]));
    let started = Instant::now();
    let outcomes = poolbench_core::Pool::run(&pool, &workload).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "a hung task must not hang the batch"
    );
    for (index, outcome) in outcomes.iter().enumerate() {
        if index == 2 {
            assert_eq!(
                outcome.result,
                Err(TaskError::TimedOut { seconds: 0.3 }),
                "{}",
                model.name()
            );
        } else {
            assert!(
                outcome.result.is_ok(),
                "{} task {index}: {:?}",
                model.name(),
                outcome.result
            );
        }
    }
    assert_eq!(pool.worker_pids().len(), 2);
}

/// Dropping the pool — normally, during a panic in the caller, after faults — leaves no worker
/// or fork-server process behind, not even a zombie.
pub fn check_no_zombies(model: ProcessModel) {
    use_test_worker();
    let workload = build(&WorkloadSpec::new("fault", 6).with("exit_at", vec![1]));
    let pids_of = |pool: &poolbench_process::ProcessPool| {
        let mut pids = pool.worker_pids();
        pids.extend(pool.server_pid());
        pids
    };
    // Normally, after a batch with a fault.
    let pool = model.start_pool(3).unwrap();
    poolbench_core::Pool::run(&pool, &workload).unwrap();
    let pids = pids_of(&pool);
    assert!(pids.iter().all(|&pid| exists(pid)));
    drop(pool);
    let leftovers: Vec<_> = pids.iter().filter(|&&pid| exists(pid)).collect();
    assert!(
        leftovers.is_empty(),
        "{}: processes left after drop: {leftovers:?}",
        model.name()
    );

    // During a panic in the caller.
    let mut seen = Vec::new();
    let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let pool = model.start_pool(2).unwrap();
        poolbench_core::Pool::run(&pool, &workload).unwrap();
        seen = pids_of(&pool);
        panic!("the caller fails while the pool is alive");
    }));
    assert!(unwound.is_err());
    let leftovers: Vec<_> = seen.iter().filter(|&&pid| exists(pid)).collect();
    assert!(
        leftovers.is_empty(),
        "{}: processes left after a panic: {leftovers:?}",
        model.name()
    );
}

/// The unordered variant yields results as tasks complete (Python's `imap_unordered`, S3).
pub fn check_unordered(model: ProcessModel) {
    use_test_worker();
    // Task i sleeps 25 ms x (5 - i): the last task finishes first.
    let spec = WorkloadSpec::new("fault", 5)
        .with("sleep_ms", 25.0)
        .with("descending", true);
    let workload = build(&spec);
    let pool = model.start_pool(5).unwrap();
    let completed = pool.run_unordered(&workload).unwrap();
    let order: Vec<usize> = completed.iter().map(|(index, _)| *index).collect();
    assert_eq!(order, [4, 3, 2, 1, 0], "{}", model.name());
    assert!(completed.iter().all(|(_, o)| o.result.is_ok()));
}
