//! Property test: whatever a results file holds, once it passes the reader's checks the report
//! is built — every chart and table — without a panic or an endless loop, for any magnitude of
//! time from zero to the largest accepted, any sample count and any worker count.

use poolbench_core::WorkKind;
use poolbench_report::Input;
use poolbench_results::{check_results, CellResult, Environment, Percentiles, ResultsFile};
use proptest::prelude::*;

/// Times of every magnitude the reader accepts, the edges included.
fn time() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(1e-300),
        Just(1e9),
        (-12.0f64..9.0).prop_map(|e| 10f64.powf(e)),
    ]
}

fn percentiles() -> impl Strategy<Value = Option<Percentiles>> {
    prop::option::of(
        (time(), time(), time(), time()).prop_map(|(a, b, c, d)| Percentiles {
            p50: a,
            p90: b,
            p99: c,
            max: d,
        }),
    )
}

prop_compose! {
    fn cell()(
        workload in prop::sample::select(&["sleep", "sum", "noop", "http"][..]),
        model in prop::sample::select(&["sequential", "rayon", "tokio", "process"][..]),
        workers in prop_oneof![1usize..=8, Just(1_000_000)],
        samples in prop::collection::vec(time(), 0..12),
        ideal in prop::option::of(time()),
        startup in prop::option::of(time()),
        cpu in prop::option::of(time()),
        ratio in prop::option::of(prop_oneof![Just(0.0), 1e-6f64..1e6]),
        latency in prop::option::of(prop::collection::vec(time(), 0..12)),
        service in percentiles(),
    ) -> CellResult {
        let kind = if matches!(workload, "sleep" | "http") { WorkKind::Io } else { WorkKind::Cpu };
        let mut cell = CellResult::new(workload, kind, model, workers, 8);
        cell.plan.cores = 2;
        let mut sorted = samples.clone();
        sorted.sort_by(f64::total_cmp);
        cell.time.median_s = sorted.get(sorted.len() / 2).copied();
        cell.time.min_s = sorted.first().copied();
        cell.time.max_s = sorted.last().copied();
        cell.time.samples_s = samples;
        cell.scaling.ideal_s = ideal;
        cell.cost.startup_s = startup;
        cell.cost.cpu_s = cpu;
        cell.scaling.speedup = ratio;
        cell.scaling.efficiency = ratio;
        cell.outcome.verified = cell.time.median_s.is_some();
        cell.per_task.latency_samples_s = latency.map(|mut l| {
            l.sort_by(f64::total_cmp);
            l
        });
        cell.per_task.service_s = service;
        cell.per_task.latency_s = service;
        cell
    }
}

proptest! {
    // Every case renders a whole report (PNGs included), slow in a debug build: 16 cases here;
    // `PROPTEST_CASES=1000 cargo test --release -p poolbench-report --test totality` runs more
    // (1,000 passed when this was written).
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn any_checked_results_file_makes_a_report(cells in prop::collection::vec(cell(), 1..6)) {
        let mut results =
            ResultsFile::new(Environment::capture(vec!["poolbench".into()]), None);
        results.results = cells;
        prop_assert_eq!(check_results(&results), Ok(()));
        let built = poolbench_report::build(&Input::label_all(vec![results], &[]));
        prop_assert!(built.is_ok(), "{:?}", built.err());
    }
}
