//! The conformance suite: every model, every workload, checked against the sequential oracle.
//!
//! Written once and instantiated per model by `conformance!`, so covering a new model is one
//! line below (and `every_registered_model_is_covered` fails until that line is added).

use std::sync::Arc;
use std::time::Duration;

use poolbench_core::{
    max_in_flight, BoxFuture, IdealInput, Model, TaskError, TaskOutcome, TaskResult, WorkKind,
    Workload, WorkloadSpec,
};
use poolbench_models::*;
use poolbench_workloads::BuildContext;

/// Small versions of every workload: quick in a debug build, same code paths as a real run.
fn small_specs() -> Vec<WorkloadSpec> {
    vec![
        WorkloadSpec::new("sleep", 7).with("delay_ms", 2.0),
        WorkloadSpec::new("sum", 9).with("n", 20_000),
        WorkloadSpec::new("sum-mem", 5).with("elements_per_task", 1_000),
        WorkloadSpec::new("thumbnail", 4)
            .with("width", 48)
            .with("height", 36),
        WorkloadSpec::new("noop", 64),
    ]
}

fn context() -> BuildContext {
    // Shared between tests: photos are written atomically, so concurrent builders agree.
    BuildContext {
        cache_dir: std::env::temp_dir().join("poolbench-test-cache"),
    }
}

fn build(spec: &WorkloadSpec) -> Arc<dyn Workload> {
    poolbench_workloads::build(spec, &context()).expect("test workloads build")
}

fn run(model: &dyn Model, workers: usize, workload: &Arc<dyn Workload>) -> Vec<TaskOutcome> {
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

fn checksums(outcomes: &[TaskOutcome]) -> Vec<Result<u64, TaskError>> {
    outcomes
        .iter()
        .map(|o| o.result.clone().map(|out| out.checksum))
        .collect()
}

/// Outputs equal the sequential oracle's, in input order, for every workload and several W,
/// and the same pool runs a second batch just as well.
fn check_matches_oracle(model: &dyn Model) {
    for spec in small_specs() {
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
                    "{} on {} with W={workers}, batch {batch}",
                    model.name(),
                    spec.name
                );
            }
        }
    }
}

/// Wraps a workload and panics in task `bad` (in both its blocking and async forms).
struct PanicsAt {
    inner: Arc<dyn Workload>,
    bad: usize,
}

impl Workload for PanicsAt {
    fn spec(&self) -> &WorkloadSpec {
        self.inner.spec()
    }
    fn kind(&self) -> WorkKind {
        self.inner.kind()
    }
    fn run_blocking(&self, index: usize) -> TaskResult {
        if index == self.bad {
            panic!("task {index} exploded on purpose");
        }
        self.inner.run_blocking(index)
    }
    fn run_async(&self, index: usize) -> Option<BoxFuture<'_, TaskResult>> {
        let inner = self.inner.run_async(index)?;
        Some(Box::pin(async move {
            if index == self.bad {
                panic!("task {index} exploded on purpose");
            }
            inner.await
        }))
    }
    fn ideal(&self, input: IdealInput) -> Option<Duration> {
        self.inner.ideal(input)
    }
}

/// One panicking task is an error carrying the panic message; every other task is correct;
/// the call returns; and the pool still works afterwards.
fn check_panic(model: &dyn Model) {
    for spec in [
        WorkloadSpec::new("sleep", 6).with("delay_ms", 1.0),
        WorkloadSpec::new("sum", 6).with("n", 1_000),
    ] {
        let inner = build(&spec);
        let oracle = checksums(&run(&Sequential, 1, &inner));
        let faulty: Arc<dyn Workload> = Arc::new(PanicsAt {
            inner: Arc::clone(&inner),
            bad: 2,
        });
        let pool = model.start(2).unwrap();
        let got = checksums(&pool.run(&faulty).unwrap());
        for (index, (have, want)) in got.iter().zip(&oracle).enumerate() {
            if index == 2 {
                match have {
                    Err(TaskError::Panicked { message }) => {
                        assert_eq!(message, "task 2 exploded on purpose", "{}", model.name())
                    }
                    other => panic!(
                        "{}: task 2 should have panicked, got {other:?}",
                        model.name()
                    ),
                }
            } else {
                assert_eq!(have, want, "{} task {index} on {}", model.name(), spec.name);
            }
        }
        assert_eq!(
            checksums(&pool.run(&inner).unwrap()),
            oracle,
            "pool usable after a panic"
        );
    }
}

/// enqueued ≤ started ≤ finished for every task; W=1 never overlaps two tasks; W=k never
/// runs more than k at once (and, for every model but the sequential one, really overlaps).
fn check_timing(model: &dyn Model) {
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

macro_rules! conformance {
    ($($module:ident => $model:expr),* $(,)?) => {
        $(
            mod $module {
                use super::*;

                #[test]
                fn outputs_match_the_sequential_oracle_in_order() {
                    check_matches_oracle(&$model);
                }

                #[test]
                fn a_panicking_task_is_an_error_and_the_rest_finish() {
                    check_panic(&$model);
                }

                #[test]
                fn timing_record_is_sane_and_respects_w() {
                    check_timing(&$model);
                }
            }
        )*

        /// The names of the models this file covers.
        fn covered() -> Vec<&'static str> {
            vec![$(Model::name(&$model)),*]
        }
    };
}

conformance! {
    sequential => Sequential,
    thread_per_task => ThreadPerTask,
    handrolled => Handrolled,
    threadpool => ThreadPoolCrate,
    rayon => Rayon,
    crossbeam => Crossbeam,
    tokio => Tokio,
    tokio_blocking => TokioBlocking,
}

#[test]
fn every_registered_model_is_covered() {
    let registered: Vec<_> = MODELS.iter().map(|m| m.name()).collect();
    assert_eq!(
        covered(),
        registered,
        "add the new model to conformance! above"
    );
}
