//! Per-task overhead of every model, and `sum` at a fixed size, measured by criterion.
//!
//! `noop-10k`: 10,000 tasks that do nothing, at W = 2: time per iteration / 10,000 is what a
//! model spends per task on dispatch, wake-ups and result delivery. `sum-8x1e6`: 8 tasks of
//! Σ 0..1,000,000 at W = 2, a real CPU-bound batch. Each model's outputs are checked against
//! the sequential oracle once before it is timed. Run with `cargo bench -p poolbench-benches`.
//! (criterion's plots are off: they need fonts, and the numbers are what matter here.)

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use poolbench_core::{Model, Pool, Workload, WorkloadSpec};
use poolbench_models::{Sequential, MODELS};
use poolbench_workloads::BuildContext;

const WORKERS: usize = 2;

fn checksums(workload: &Arc<dyn Workload>, pool: &dyn Pool) -> Vec<u64> {
    let outcomes = pool.run(workload).expect("batch completes");
    outcomes
        .into_iter()
        .map(|o| o.result.expect("task succeeds").checksum)
        .collect()
}

fn bench_workload(c: &mut Criterion, group_name: &str, spec: WorkloadSpec) {
    let workload = poolbench_workloads::build(&spec, &BuildContext::default()).expect("builds");
    let oracle = checksums(&workload, Sequential.start(1).unwrap().as_ref());
    let mut group = c.benchmark_group(group_name);
    group.throughput(Throughput::Elements(spec.tasks as u64));
    for model in MODELS {
        let pool = model.start(WORKERS).expect("model starts");
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

fn overhead(c: &mut Criterion) {
    bench_workload(c, "noop-10k-W2", WorkloadSpec::new("noop", 10_000));
}

fn sum(c: &mut Criterion) {
    bench_workload(
        c,
        "sum-8x1e6-W2",
        WorkloadSpec::new("sum", 8).with("n", 1_000_000),
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .without_plots();
    targets = overhead, sum
}
criterion_main!(benches);
