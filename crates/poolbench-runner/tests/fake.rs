//! The runner on a fake model: no real pool, tasks run one after another on the caller, and
//! the model misbehaves exactly as told. Each test takes milliseconds and checks one rule of
//! the measuring method: rounds cover every cell, failed batches stay out of the figures, a
//! wrong output fails verification, a hung task trips the watchdog.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use poolbench_core::watch::{current_tick, mark_task};
use poolbench_core::{
    run_task, BatchClock, Descriptor, Model, ModelError, Pool, TaskError, TaskOutcome, Workload,
    WorkloadSpec,
};
use poolbench_runner::{prepare, run_plan, CellOrder, CellResult, Plan, PlanEntry, Sampling};
use poolbench_workloads::BuildContext;

/// How the fake model misbehaves.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Misbehaviour {
    /// None: it runs every task faithfully.
    None,
    /// Every `n`-th batch, task 0 fails.
    FailEvery(usize),
    /// Task 1's output is off by one.
    WrongOutput,
    /// Task 0 never returns (it is marked running, as a thread model's task is).
    Hang,
}

/// A model whose pool runs the tasks on the caller, misbehaving as told.
#[derive(Debug)]
struct Fake {
    name: &'static str,
    misbehaviour: Misbehaviour,
}

impl Model for Fake {
    fn descriptor(&self) -> Descriptor {
        Descriptor::new(self.name, "a fake model for the runner's tests")
    }

    fn start(&self, workers: usize) -> Result<Box<dyn Pool>, ModelError> {
        ModelError::check_workers(workers)?;
        Ok(Box::new(FakePool {
            misbehaviour: self.misbehaviour,
            batches: AtomicUsize::new(0),
        }))
    }
}

struct FakePool {
    misbehaviour: Misbehaviour,
    batches: AtomicUsize,
}

impl Pool for FakePool {
    fn run(&self, workload: &Arc<dyn Workload>) -> Result<Vec<TaskOutcome>, ModelError> {
        let batch = self.batches.fetch_add(1, Ordering::Relaxed) + 1;
        let clock = BatchClock::start();
        if self.misbehaviour == Misbehaviour::Hang {
            let _mark = mark_task(0, current_tick());
            loop {
                std::thread::sleep(Duration::from_secs(1));
            }
        }
        let mut outcomes: Vec<TaskOutcome> = (0..workload.tasks())
            .map(|i| run_task(workload.as_ref(), i, &clock, clock.elapsed()))
            .collect();
        match self.misbehaviour {
            Misbehaviour::FailEvery(n) if batch.is_multiple_of(n) => {
                outcomes[0].result = Err(TaskError::failed("fails on purpose"));
            }
            Misbehaviour::WrongOutput => {
                if let Ok(output) = &mut outcomes[1].result {
                    output.checksum = output.checksum.wrapping_add(1);
                }
            }
            _ => {}
        }
        Ok(outcomes)
    }
}

static FAITHFUL: Fake = Fake {
    name: "fake",
    misbehaviour: Misbehaviour::None,
};
static TWIN: Fake = Fake {
    name: "fake-twin",
    misbehaviour: Misbehaviour::None,
};
static FLAKY: Fake = Fake {
    name: "fake-flaky",
    misbehaviour: Misbehaviour::FailEvery(2),
};
static WRONG: Fake = Fake {
    name: "fake-wrong",
    misbehaviour: Misbehaviour::WrongOutput,
};
static HUNG: Fake = Fake {
    name: "fake-hung",
    misbehaviour: Misbehaviour::Hang,
};

/// `repeat` samples per cell of one batch each, at W = 1 and 2, on `noop` tasks.
fn plan(models: &[&'static dyn Model], repeat: usize, order: CellOrder) -> Plan {
    Plan {
        entries: vec![PlanEntry::new(WorkloadSpec::new("noop", 4), &[1, 2])],
        models: models.to_vec(),
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

fn run(plan: &Plan) -> Vec<CellResult> {
    let workloads = prepare(plan, &BuildContext::default()).unwrap();
    run_plan(plan, &workloads, &mut |_: &CellResult| Ok(())).unwrap()
}

#[test]
fn every_round_covers_every_cell_once() {
    let cells = run(&plan(
        &[&FAITHFUL, &TWIN],
        4,
        CellOrder::Shuffled { seed: 3 },
    ));
    // The oracle at W = 1, then two models at W = 1 and 2.
    assert_eq!(cells.len(), 5);
    let mut rounds: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for cell in &cells {
        assert_eq!(
            cell.time.samples_s.len(),
            4,
            "{} W={}",
            cell.model,
            cell.workers
        );
        assert!(cell.outcome.verified, "{}", cell.model);
        for [round, position] in cell.time.sample_order.as_ref().unwrap() {
            rounds.entry(*round).or_default().push(*position);
        }
    }
    assert_eq!(rounds.len(), 4);
    for (round, mut positions) in rounds {
        positions.sort_unstable();
        assert_eq!(positions, [0, 1, 2, 3, 4], "round {round}");
    }
}

#[test]
fn failed_batches_stay_out_of_the_figures() {
    let cells = run(&plan(&[&FLAKY], 6, CellOrder::Fixed));
    for cell in cells.iter().filter(|c| c.model == "fake-flaky") {
        assert_eq!(cell.time.samples_s.len() + cell.outcome.failed_batches, 6);
        assert!(cell.outcome.failed_batches >= 2, "{:?}", cell.outcome);
        assert_eq!(
            cell.time.sample_order.as_ref().map_or(0, Vec::len),
            cell.time.samples_s.len()
        );
        assert!(!cell.outcome.verified);
        let error = cell.outcome.first_batch_error.as_deref().unwrap();
        assert!(error.contains("fails on purpose"), "{error}");
        assert!(cell.time.median_s.is_some());
    }
}

#[test]
fn a_wrong_output_fails_verification() {
    let cells = run(&plan(&[&WRONG, &FAITHFUL], 2, CellOrder::Fixed));
    for cell in &cells {
        let wrong = cell.model == "fake-wrong";
        assert_eq!(cell.outcome.verified, !wrong, "{}", cell.model);
        if wrong {
            assert!(cell.outcome.mismatched_tasks >= 1, "{:?}", cell.outcome);
        }
    }
}

/// Set in the child process that runs the hung plan.
const HANG_CHILD: &str = "POOLBENCH_TEST_HANG_CHILD";

/// In the child: a plan whose model hangs, with a 200 ms task limit. The watchdog calls the
/// handler (which prints what it was given) and ends the process; returning is a failure.
#[test]
fn hung_child() {
    if std::env::var_os(HANG_CHILD).is_none() {
        return;
    }
    poolbench_runner::watchdog::set_handler(Box::new(|expired| {
        println!("expired: {:?} in {}", expired.why, expired.cell.model);
    }));
    let mut plan = plan(&[&HUNG], 1, CellOrder::Fixed);
    plan.task_timeout = Some(Duration::from_millis(200));
    run(&plan);
    panic!("the hung plan returned");
}

#[test]
fn a_hung_task_trips_the_watchdog() {
    let started = std::time::Instant::now();
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "hung_child",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env(HANG_CHILD, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(i32::from(poolbench_runner::watchdog::EXIT_TASK_TIMED_OUT)),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("expired: TaskTimedOut { task: 0") && stdout.contains("fake-hung"),
        "{stdout}"
    );
    assert!(started.elapsed() < Duration::from_secs(20));
}
