//! The conformance suite: every model, every workload, checked against the sequential oracle.
//!
//! Written once (in `common`) and instantiated per model by `conformance!`, so covering a new
//! model is one line below; `every_registered_model_is_covered` fails until that line exists.
//! `process-fork` is covered by `fork_single_threaded.rs`: it refuses to fork inside this
//! multi-threaded test harness, by design.

mod common;

use common::{check_matches_oracle, check_panic, check_timing};
use poolbench_core::Model;
use poolbench_models::*;

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
    process_forkserver => ProcessModel::FORKSERVER,
    process_spawn => ProcessModel::SPAWN,
}

/// Covered by `fork_single_threaded.rs`.
const COVERED_ELSEWHERE: &[&str] = &["process-fork"];

#[test]
fn every_registered_model_is_covered() {
    let mut covered = covered();
    covered.extend(COVERED_ELSEWHERE);
    covered.sort_unstable();
    let mut registered: Vec<_> = MODELS.iter().map(|m| m.name()).collect();
    registered.sort_unstable();
    assert_eq!(
        covered, registered,
        "add the new model to conformance! above"
    );
}
