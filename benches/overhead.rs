//! Per-task overhead, start-up cost and a CPU-bound batch for every model, by criterion.
//!
//! - `ipc-roundtrip`: one byte to a child process and back over a Unix socket: the floor under
//!   any process pool's per-task cost.
//! - `noop-1k-W1` and `noop-10k-W2`: tasks that do nothing; time per iteration / tasks is what a
//!   model spends per task on dispatch, wake-ups and result delivery.
//! - `startup-W2`: starting a pool of 2 and preparing it for a workload (worker processes
//!   building it), which `poolbench run` keeps out of its timed batches.
//! - `sum-8x1e6-W2`: 8 tasks of Σ 0..1,000,000 at W = 2, a real CPU-bound batch.
//!
//! Each model's outputs are checked against the sequential oracle before it is timed. This
//! binary is also the process models' worker program (`__worker`) and the echo peer of
//! `ipc-roundtrip` (`__echo`). Run with `cargo bench -p poolbench-benches`. criterion's plots
//! are off: they need fonts, and the numbers are what matter here.

use std::hint::black_box;
use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::os::unix::net::UnixStream;
use std::process::{Command, ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use poolbench_core::{thread_count, Model, Pool, Workload, WorkloadSpec};
use poolbench_models::{Sequential, MODELS};
use poolbench_process::{set_worker_command, WorkerCommand};
use poolbench_workloads::BuildContext;

fn build(spec: &WorkloadSpec) -> Arc<dyn Workload> {
    poolbench_workloads::build(spec, &BuildContext::default()).expect("builds")
}

fn checksums(workload: &Arc<dyn Workload>, pool: &dyn Pool) -> Vec<u64> {
    let outcomes = pool.run(workload).expect("batch completes");
    outcomes
        .into_iter()
        .map(|o| o.result.expect("task succeeds").checksum)
        .collect()
}

/// Starts `model`, first letting threads of earlier pools exit (the fork start method needs
/// a single-threaded process); `None`, with a note, if it cannot start here.
fn start(model: &dyn Model, workers: usize) -> Option<Box<dyn Pool>> {
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

fn bench_workload(c: &mut Criterion, group_name: &str, spec: WorkloadSpec, workers: usize) {
    let workload = build(&spec);
    let oracle = checksums(&workload, Sequential.start(1).unwrap().as_ref());
    let mut group = c.benchmark_group(group_name);
    group.throughput(Throughput::Elements(spec.tasks as u64));
    for model in MODELS {
        let Some(pool) = start(*model, workers) else {
            continue;
        };
        pool.prepare(&workload).expect("prepares");
        assert_eq!(
            checksums(&workload, pool.as_ref()),
            oracle,
            "{} is wrong",
            model.name()
        );
        group.bench_function(model.name(), |b| {
            b.iter(|| black_box(pool.run(black_box(&workload)).expect("batch completes")))
        });
    }
    group.finish();
}

fn ipc_roundtrip(c: &mut Criterion) {
    let (mut ours, theirs) = UnixStream::pair().expect("socket pair");
    let theirs_too = theirs.try_clone().expect("clone");
    let mut echo = Command::new(std::env::current_exe().expect("this program"))
        .arg("__echo")
        .stdin(Stdio::from(OwnedFd::from(theirs)))
        .stdout(Stdio::from(OwnedFd::from(theirs_too)))
        .spawn()
        .expect("echo process starts");
    let mut byte = [7u8];
    c.bench_function("ipc-roundtrip/unix-socket-1-byte", |b| {
        b.iter(|| {
            ours.write_all(&byte).expect("write");
            ours.read_exact(&mut byte).expect("read");
        })
    });
    drop(ours);
    let _ = echo.wait();
}

fn startup(c: &mut Criterion) {
    let workload = build(&WorkloadSpec::new("noop", 100));
    let mut group = c.benchmark_group("startup-W2");
    for model in MODELS {
        if start(*model, 2).is_none() {
            continue;
        }
        group.bench_function(model.name(), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let timer = Instant::now();
                    let pool = model.start(2).expect("starts");
                    pool.prepare(&workload).expect("prepares");
                    total += timer.elapsed();
                    drop(pool);
                }
                total
            })
        });
    }
    group.finish();
}

fn overhead(c: &mut Criterion) {
    bench_workload(c, "noop-1k-W1", WorkloadSpec::new("noop", 1_000), 1);
    bench_workload(c, "noop-10k-W2", WorkloadSpec::new("noop", 10_000), 2);
}

fn sum(c: &mut Criterion) {
    bench_workload(
        c,
        "sum-8x1e6-W2",
        WorkloadSpec::new("sum", 8).with("n", 1_000_000),
        2,
    );
}

/// `__echo`: send every byte of stdin back on stdout (the peer of `ipc-roundtrip`).
fn echo() -> ExitCode {
    let (mut input, mut output) = (std::io::stdin().lock(), std::io::stdout().lock());
    let mut byte = [0u8];
    while input.read_exact(&mut byte).is_ok() {
        if output
            .write_all(&byte)
            .and_then(|()| output.flush())
            .is_err()
        {
            break;
        }
    }
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("__worker") => return poolbench_process::worker_main(&args[2..]),
        Some("__echo") => return echo(),
        _ => {}
    }
    if let Ok(program) = std::env::current_exe() {
        set_worker_command(WorkerCommand {
            program,
            args: vec!["__worker".into()],
        });
    }
    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .without_plots()
        .configure_from_args();
    ipc_roundtrip(&mut criterion);
    startup(&mut criterion);
    overhead(&mut criterion);
    sum(&mut criterion);
    criterion.final_summary();
    ExitCode::SUCCESS
}
