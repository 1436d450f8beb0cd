//! The runner's measuring method, end to end on tiny workloads: interleaved rounds that cover
//! every cell every round, recorded in each sample's `[round, position]`; failed batches kept
//! out of every figure; a cell with no clean batch that says why.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use poolbench_core::{
    mix, IdealInput, TaskError, TaskOutput, TaskResult, WorkKind, Workload, WorkloadSpec,
};
use poolbench_runner::{
    prepare, run_plan, CellOrder, CellResult, MedianCi, Plan, PlanEntry, Sampling, CI_LEVEL,
};
use poolbench_workloads::BuildContext;

fn models(names: &[&str]) -> Vec<&'static dyn poolbench_core::Model> {
    names
        .iter()
        .map(|n| poolbench_models::find_model(n).unwrap())
        .collect()
}

/// Exactly `repeat` samples per cell, one batch each, no extra rounds.
fn exact(repeat: usize, order: CellOrder, spec: WorkloadSpec, names: &[&str]) -> Plan {
    Plan {
        entries: vec![PlanEntry::new(spec, &[1, 2])],
        models: models(names),
        repeat,
        warmup: 1,
        order,
        sampling: Sampling {
            min_sample_s: 0.0,
            max_samples: repeat,
            target_half_width: 0.5,
            measure_s: 0.0,
        },
        task_timeout: None,
        trace: false,
    }
}

fn run(plan: &Plan, workloads: &[Arc<dyn Workload>]) -> Vec<CellResult> {
    run_plan(plan, workloads, &mut |_: &CellResult| Ok(())).unwrap()
}

#[test]
fn every_round_covers_every_cell_once_in_a_fresh_order() {
    let plan = exact(
        5,
        CellOrder::Shuffled { seed: 42 },
        WorkloadSpec::new("noop", 4),
        &["sequential", "threadpool", "rayon", "handrolled"],
    );
    let workloads = prepare(&plan, &BuildContext::default()).unwrap();
    let cells = run(&plan, &workloads);
    // The oracle at W = 1, then three models at W = 1 and 2.
    assert_eq!(cells.len(), 7);
    let mut rounds: BTreeMap<usize, Vec<(usize, String)>> = BTreeMap::new();
    for cell in &cells {
        let order = cell
            .time
            .sample_order
            .as_ref()
            .expect("samples record their order");
        assert_eq!(order.len(), cell.time.samples_s.len());
        assert_eq!(
            cell.time.samples_s.len(),
            5,
            "{} W={}",
            cell.model,
            cell.workers
        );
        let own_rounds: Vec<usize> = order.iter().map(|[round, _]| *round).collect();
        assert_eq!(
            own_rounds,
            [0, 1, 2, 3, 4],
            "one sample per round, in round order"
        );
        for [round, position] in order {
            rounds
                .entry(*round)
                .or_default()
                .push((*position, format!("{} {}", cell.model, cell.workers)));
        }
    }
    assert_eq!(rounds.len(), 5);
    let mut orders = Vec::new();
    for (round, mut places) in rounds {
        places.sort();
        let positions: Vec<usize> = places.iter().map(|p| p.0).collect();
        assert_eq!(positions, (0..7).collect::<Vec<_>>(), "round {round}");
        orders.push(places.into_iter().map(|p| p.1).collect::<Vec<_>>());
    }
    assert!(
        orders.windows(2).any(|w| w[0] != w[1]),
        "every round ran in the same order: {orders:?}"
    );
    // The same seed gives the same order again.
    let again = run(&plan, &workloads);
    let order_of = |cells: &[CellResult]| {
        let mut o: Vec<_> = cells
            .iter()
            .map(|c| (c.model.clone(), c.workers, c.time.sample_order.clone()))
            .collect();
        o.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        o
    };
    assert_eq!(order_of(&cells), order_of(&again));
}

#[test]
fn cells_get_their_intervals_and_the_fixed_order_repeats_itself() {
    let plan = exact(
        6,
        CellOrder::Fixed,
        WorkloadSpec::new("noop", 4),
        &["sequential", "crossbeam"],
    );
    let workloads = prepare(&plan, &BuildContext::default()).unwrap();
    for cell in run(&plan, &workloads) {
        let ci = MedianCi::of(&cell.time.samples_s, CI_LEVEL).unwrap();
        assert_eq!(cell.time.median_ci_s, Some([ci.low, ci.high]));
        // Six samples: min..max, at 1 - 2/64 = 96.9 %.
        assert!((cell.time.ci_level.unwrap() - 0.968_75).abs() < 1e-9);
        assert!(cell.outcome.verified && cell.time.no_median.is_none());
        let positions: Vec<usize> = cell
            .time
            .sample_order
            .unwrap()
            .iter()
            .map(|o| o[1])
            .collect();
        assert!(positions.windows(2).all(|w| w[0] == w[1]), "{positions:?}");
    }
}

/// Tasks that sleep a millisecond; task 0 fails on every `fail_every`-th call (0: never
/// succeeds).
#[derive(Debug)]
struct Flaky {
    spec: WorkloadSpec,
    calls: AtomicUsize,
    fail_every: usize,
}

impl Flaky {
    fn workload(fail_every: usize) -> Arc<dyn Workload> {
        Arc::new(Self {
            spec: WorkloadSpec::new("flaky", 3),
            calls: AtomicUsize::new(0),
            fail_every,
        })
    }
}

impl Workload for Flaky {
    fn spec(&self) -> &WorkloadSpec {
        &self.spec
    }

    fn kind(&self) -> WorkKind {
        WorkKind::Cpu
    }

    fn run_blocking(&self, index: usize) -> TaskResult {
        if index == 0 {
            let call = self.calls.fetch_add(1, Ordering::Relaxed);
            // The oracle's warm-up (call 0) always succeeds, so the reference is complete.
            if call > 0 && (self.fail_every == 0 || call.is_multiple_of(self.fail_every)) {
                return Err(TaskError::failed("flaky: task 0 fails on purpose"));
            }
        }
        std::thread::sleep(Duration::from_millis(1));
        Ok(TaskOutput {
            checksum: mix(index, 7),
        })
    }

    fn ideal(&self, _: IdealInput) -> Option<Duration> {
        None
    }
}

#[test]
fn failed_batches_are_left_out_of_every_figure() {
    let plan = exact(
        6,
        CellOrder::Shuffled { seed: 1 },
        WorkloadSpec::new("flaky", 3),
        &["sequential", "threadpool"],
    );
    let cells = run(&plan, &[Flaky::workload(3)]);
    let mut failed = 0;
    for cell in &cells {
        // Every try is either a clean sample or a failed batch.
        assert_eq!(
            cell.time.samples_s.len() + cell.outcome.failed_batches,
            6,
            "{}",
            cell.model
        );
        assert_eq!(
            cell.time.sample_order.as_ref().map_or(0, Vec::len),
            cell.time.samples_s.len()
        );
        if cell.outcome.failed_batches > 0 {
            failed += cell.outcome.failed_batches;
            assert!(!cell.outcome.verified);
            assert!(cell
                .outcome
                .first_batch_error
                .as_deref()
                .unwrap()
                .contains("fails on purpose"));
        }
        let ci = MedianCi::of(&cell.time.samples_s, CI_LEVEL).unwrap();
        assert_eq!(cell.time.median_ci_s, Some([ci.low, ci.high]));
        let mut sorted = cell.time.samples_s.clone();
        sorted.sort_by(f64::total_cmp);
        assert_eq!(
            cell.time.median_s,
            Some(poolbench_runner::percentile(&sorted, 50.0))
        );
        // Each clean sample ran three 1 ms tasks; no failed batch's time slipped in.
        assert!(sorted[0] >= 0.001, "{sorted:?}");
    }
    assert!(failed >= 3, "task 0 fails on every third call: {failed}");
}

#[test]
fn a_cell_without_a_clean_batch_has_no_median_and_says_why() {
    let plan = exact(
        3,
        CellOrder::Fixed,
        WorkloadSpec::new("flaky", 3),
        &["sequential", "rayon"],
    );
    let cells = run(&plan, &[Flaky::workload(0)]);
    let rayon = cells.iter().find(|c| c.model == "rayon").unwrap();
    assert_eq!(rayon.outcome.failed_batches, 3);
    assert!(rayon.time.samples_s.is_empty());
    assert_eq!(rayon.time.median_s, None);
    assert_eq!(rayon.time.median_ci_s, None);
    assert_eq!(rayon.scaling.speedup, None);
    assert_eq!(rayon.scaling.efficiency, None);
    assert!(!rayon.outcome.verified);
    let why = rayon.time.no_median.as_deref().unwrap();
    assert!(
        why.contains("every timed batch had a failed task") && why.contains("on purpose"),
        "{why}"
    );
}

#[test]
fn rounds_go_on_within_the_time_and_stop_at_the_most_samples() {
    let mut plan = exact(
        6,
        CellOrder::Shuffled { seed: 3 },
        WorkloadSpec::new("noop", 2),
        &["sequential", "threadpool"],
    );
    // An impossible precision: every cell goes on to the most samples, within the time.
    plan.sampling = Sampling {
        min_sample_s: 0.0,
        max_samples: 9,
        target_half_width: 1e-9,
        measure_s: 60.0,
    };
    let workloads = prepare(&plan, &BuildContext::default()).unwrap();
    let cells = run(&plan, &workloads);
    assert!(
        cells.iter().all(|c| c.time.samples_s.len() == 9),
        "{:?}",
        cells
            .iter()
            .map(|c| c.time.samples_s.len())
            .collect::<Vec<_>>()
    );
    // No measurement time: every cell stops at the minimum, however wide its interval.
    plan.sampling.measure_s = 0.0;
    let cells = run(&plan, &workloads);
    assert!(cells.iter().all(|c| c.time.samples_s.len() == 6));
}

#[test]
fn a_sample_spans_enough_batches_to_last_the_minimum_time() {
    let mut plan = exact(
        2,
        CellOrder::Fixed,
        WorkloadSpec::new("sleep", 2).with("delay_ms", 1.0),
        &["sequential"],
    );
    plan.sampling.min_sample_s = 0.05;
    let workloads = prepare(&plan, &BuildContext::default()).unwrap();
    let cell = &run(&plan, &workloads)[0];
    // A batch of two 1 ms sleeps lasts about 2 ms: many batches make one 50 ms sample, and
    // the sample is the time per batch (never less than the two sleeps).
    let k = cell.plan.batches_per_sample.unwrap();
    assert!(k >= 2, "{k} batches per sample");
    assert!(
        cell.time.samples_s.iter().all(|s| *s >= 0.002),
        "{:?}",
        cell.time.samples_s
    );
}
