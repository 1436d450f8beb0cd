//! The conformance suite: every model, every workload, checked against the sequential oracle.
//!
//! Written once (in `common`) and run on every model of the registry, so a new model is
//! covered as soon as it is registered. `process-fork` is covered by `fork_single_threaded.rs`:
//! it refuses to fork inside this multi-threaded test harness, by design.

mod common;

use common::toy::Toy;
use common::{check_matches_oracle, check_panic, check_timing};
use poolbench_core::{Model, StartNeeds};

/// The models this suite covers: the registry, with the test-only model registered in one
/// line, less those that must fork a single-threaded caller (checked by
/// `fork_single_threaded.rs`, which has no harness threads).
fn registry() -> Vec<&'static dyn Model> {
    poolbench_models::register(&Toy).expect("test-toy registers");
    poolbench_models::models()
        .into_iter()
        .filter(|m| m.descriptor().start == StartNeeds::Nothing)
        .collect()
}

#[test]
fn outputs_match_the_sequential_oracle_in_order() {
    for model in registry() {
        check_matches_oracle(model);
    }
}

#[test]
fn a_panicking_task_is_an_error_and_the_rest_finish() {
    for model in registry() {
        check_panic(model);
    }
}

#[test]
fn timing_record_is_sane_and_respects_w() {
    for model in registry() {
        check_timing(model);
    }
}

/// The test-only model is in the suite, and charts draw it in a generated style no other
/// model has.
#[test]
fn a_model_registered_in_one_line_is_covered_and_styled() {
    let covered = registry();
    assert!(covered.iter().any(|m| m.name() == "test-toy"));
    let style = poolbench_models::model_style(&Toy);
    assert_eq!(Toy.descriptor().style, None);
    for other in poolbench_models::all_models() {
        if other.name() != "test-toy" {
            assert_ne!(
                poolbench_models::model_style(other).colour,
                style.colour,
                "{}",
                other.name()
            );
        }
    }
}

/// A model that needs a single-threaded caller cannot run in this harness: it must be in
/// `fork_single_threaded.rs`.
#[test]
fn every_model_this_harness_cannot_start_is_checked_elsewhere() {
    let elsewhere: Vec<&str> = poolbench_models::models()
        .into_iter()
        .filter(|m| m.descriptor().start == StartNeeds::SingleThreadedCaller)
        .map(|m| m.name())
        .collect();
    assert_eq!(
        elsewhere,
        ["process-fork"],
        "add the new model to fork_single_threaded.rs"
    );
}

/// Every workload a Rust model runs is in the suite: a new workload is covered as soon as it
/// is registered (at its defaults, unless `common::small_specs` gives a cheaper form).
#[test]
fn every_workload_is_covered() {
    let server = common::MockServer::start();
    let specs: Vec<String> = common::small_specs(&server)
        .into_iter()
        .map(|s| s.name)
        .collect();
    for workload in poolbench_workloads::all_workloads() {
        let rust = workload
            .only_in
            .is_none_or(|l| l == poolbench_core::Language::Rust);
        if rust && workload.role != poolbench_core::WorkloadRole::TestingAid {
            assert!(
                specs.iter().any(|s| s == workload.name),
                "{}",
                workload.name
            );
        }
    }
}
