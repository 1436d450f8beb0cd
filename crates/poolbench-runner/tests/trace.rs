//! The traced batch changes nothing that is timed: on a fake model whose batches report a
//! fixed time, a run with tracing and a run without it take the same samples in the same
//! batches, no timed batch records a worker, and the traced run adds exactly three batches per
//! cell — its last, untimed, the median of which is its trace, covering every task once.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use poolbench_core::{
    run_task, BatchClock, Descriptor, Model, ModelError, Pool, TaskOutcome, Workload, WorkloadSpec,
};
use poolbench_runner::{prepare, run_plan, CellOrder, CellResult, Plan, PlanEntry, Sampling};
use poolbench_workloads::BuildContext;

/// Every batch the fake pools ran: (model, whether its clock traced, tasks with a worker).
static BATCHES: Mutex<Vec<(&'static str, bool, usize)>> = Mutex::new(Vec::new());

/// A model whose batches run on the caller and report a fixed time: 1, 2, 3 ms in turn.
#[derive(Debug)]
struct Steady(&'static str);

impl Model for Steady {
    fn descriptor(&self) -> Descriptor {
        Descriptor::new(self.0, "a fake model with fixed batch times")
    }

    fn start(&self, workers: usize) -> Result<Box<dyn Pool>, ModelError> {
        ModelError::check_workers(workers)?;
        Ok(Box::new(SteadyPool {
            name: self.0,
            batches: AtomicUsize::new(0),
        }))
    }
}

struct SteadyPool {
    name: &'static str,
    batches: AtomicUsize,
}

impl Pool for SteadyPool {
    fn last_batch_time(&self) -> Option<Duration> {
        let batch = self.batches.load(Ordering::Relaxed);
        Some(Duration::from_millis(1 + batch as u64 % 3))
    }

    fn run(&self, workload: &Arc<dyn Workload>) -> Result<Vec<TaskOutcome>, ModelError> {
        self.batches.fetch_add(1, Ordering::Relaxed);
        let clock = BatchClock::start();
        let outcomes: Vec<TaskOutcome> = (0..workload.tasks())
            .map(|i| run_task(workload.as_ref(), i, &clock, clock.elapsed()))
            .collect();
        let workers = outcomes
            .iter()
            .filter(|o| o.timing.worker.is_some())
            .count();
        BATCHES
            .lock()
            .unwrap()
            .push((self.name, clock.traces(), workers));
        Ok(outcomes)
    }
}

static UNTRACED: Steady = Steady("steady-untraced");
static TRACED: Steady = Steady("steady-traced");

fn run(model: &'static Steady, trace: bool) -> Vec<CellResult> {
    let plan = Plan {
        entries: vec![PlanEntry::new(
            WorkloadSpec::new("sum", 6).with("n", 1000),
            &[2],
        )],
        models: vec![model],
        repeat: 5,
        warmup: 2,
        order: CellOrder::Fixed,
        sampling: Sampling {
            min_sample_s: 0.0,
            max_samples: 5,
            target_half_width: 0.5,
            measure_s: 0.0,
        },
        task_timeout: None,
        trace,
    };
    let workloads = prepare(&plan, &BuildContext::default()).unwrap();
    run_plan(&plan, &workloads, &mut |_: &CellResult| Ok(())).unwrap()
}

#[test]
fn tracing_adds_one_untimed_batch_and_changes_no_timed_figure() {
    let plain = run(&UNTRACED, false);
    let traced = run(&TRACED, true);
    let mine = |cells: &[CellResult], name: &str| -> CellResult {
        cells.iter().find(|c| c.model == name).cloned().unwrap()
    };
    let (a, b) = (mine(&plain, UNTRACED.0), mine(&traced, TRACED.0));
    assert_eq!(a.time.samples_s, b.time.samples_s, "the same timed samples");
    assert!(!a.time.samples_s.is_empty());
    assert_eq!(a.plan.batches_per_sample, b.plan.batches_per_sample);
    assert_eq!(a.outcome.verified, b.outcome.verified);
    assert!(b.outcome.verified);
    assert!(a.per_task.trace.is_none());

    let batches = BATCHES.lock().unwrap().clone();
    let of = |name: &str| -> Vec<(bool, usize)> {
        batches
            .iter()
            .filter(|b| b.0 == name)
            .map(|b| (b.1, b.2))
            .collect()
    };
    let (untraced, with_trace) = (of(UNTRACED.0), of(TRACED.0));
    assert_eq!(with_trace.len(), untraced.len() + 3, "three batches more");
    assert!(untraced.iter().all(|&(t, w)| !t && w == 0));
    let (timed, last) = with_trace.split_at(untraced.len());
    assert!(
        last.iter().all(|&b| b == (true, 6)),
        "the last three traced every task"
    );
    assert!(timed.iter().all(|&(t, w)| !t && w == 0), "{timed:?}");

    let trace = b.per_task.trace.as_ref().unwrap();
    let mut tasks: Vec<usize> = trace.spans.iter().map(|s| s.task()).collect();
    tasks.sort_unstable();
    assert_eq!(tasks, (0..6).collect::<Vec<_>>());
    assert_eq!(trace.lanes.len(), 1, "one caller thread");
    assert_eq!(trace.lanes[0].workers, [poolbench_core::os_thread_id()]);
}
