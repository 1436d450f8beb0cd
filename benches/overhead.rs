//! Per-task overhead, start-up cost and a CPU-bound batch for every model, by criterion.
//!
//! - `ipc-roundtrip`: one byte to a child process and back over a Unix socket: the floor under
//!   any process pool's per-task cost.
//! - `noop-1k-W1` and `noop-10k-W2`: tasks that do nothing; time per iteration / tasks is what a
//!   model spends per task on dispatch, wake-ups and result delivery.
//! - `startup-W2`: starting a pool of 2 and preparing it for a workload (worker processes
//!   building it), which `poolbench run` keeps out of its timed batches.
//! - `sum-8x1e6-W2`: 8 tasks of Σ 0..1,000,000 at W = 2, a real CPU-bound batch.
//! - `clock`: one reading of the per-task clock (`BatchClock::elapsed`, from the time-stamp
//!   counter) against `std::time::Instant::elapsed` (the OS clock); every task takes three.
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
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use poolbench_benches::models::{build, checksums, run_as_worker_if_asked, start, start_checked};
use poolbench_core::{BatchClock, Model, WorkloadSpec};
use poolbench_models::{Sequential, MODELS};

fn bench_workload(c: &mut Criterion, group_name: &str, spec: WorkloadSpec, workers: usize) {
    let workload = build(&spec);
    let oracle = checksums(&workload, Sequential.start(1).unwrap().as_ref());
    let mut group = c.benchmark_group(group_name);
    group.throughput(Throughput::Elements(spec.tasks as u64));
    for model in MODELS {
        let Some(pool) = start_checked(*model, workers, &workload, &oracle) else {
            continue;
        };
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

fn clock(c: &mut Criterion) {
    let mut group = c.benchmark_group("clock");
    let batch = BatchClock::start();
    group.bench_function("batch-clock-elapsed", |b| {
        b.iter(|| black_box(&batch).elapsed())
    });
    let std_origin = Instant::now();
    group.bench_function("std-instant-elapsed", |b| {
        b.iter(|| black_box(&std_origin).elapsed())
    });
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
    if args.get(1).map(String::as_str) == Some("__echo") {
        return echo();
    }
    if let Some(code) = run_as_worker_if_asked(&args) {
        return code;
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
    clock(&mut criterion);
    criterion.final_summary();
    ExitCode::SUCCESS
}
