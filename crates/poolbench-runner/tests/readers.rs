//! Property tests of the two readers of user files: whatever a results file or a suite file
//! holds, reading it returns the file or an error — never a panic — and a results file that
//! passes the reader's checks holds only values every tool downstream can use.

use poolbench_results::upgrade::{upgrade_v1, GROUPS};
use poolbench_runner::{check_results, ResultsFile, Suite};
use proptest::prelude::*;
use serde_json::{json, Value};

/// A small valid results file, as `poolbench run` wrote it in schema `poolbench/1` (flat
/// cells), or as today's `poolbench/2` (the same cell, grouped).
fn valid(grouped: bool) -> Value {
    let mut file = valid_v1();
    if grouped {
        upgrade_v1(&mut file);
    }
    file
}

/// Where `field` of a cell lies: in its group in `poolbench/2`, at the top in `poolbench/1`.
fn field_of<'a>(cell: &'a mut Value, field: &str, grouped: bool) -> &'a mut Value {
    let group = GROUPS
        .iter()
        .find(|(_, fields)| fields.contains(&field))
        .map(|(group, _)| *group);
    match group {
        Some(group) if grouped => &mut cell[group][field],
        _ => &mut cell[field],
    }
}

fn valid_v1() -> Value {
    json!({
        "schema": "poolbench/1",
        "environment": serde_json::to_value(
            poolbench_runner::Environment::capture(vec!["poolbench".into()])
        ).unwrap(),
        "preset": "quick",
        "results": [{
            "workload": "sum", "kind": "cpu", "params": {"n": 1000}, "model": "rayon",
            "workers": 2, "tasks": 4, "cores": 2, "warmup": 1, "repeat": 2,
            "samples_s": [0.01, 0.012], "median_s": 0.011, "min_s": 0.01, "max_s": 0.012,
            "mean_s": 0.011, "stddev_s": 0.001, "ideal_s": 0.005, "speedup": 1.8,
            "efficiency": 0.45, "verified": true, "failed_tasks": 0, "mismatched_tasks": 0,
            "errors": [], "startup_s": 0.001, "cpu_s": 0.02, "peak_threads": 2,
            "max_in_flight": 2, "queue_wait_s": null, "service_s": null
        }]
    })
}

/// Any JSON value, numbers of every magnitude and sign included.
fn any_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("JSON numbers are finite", |x| x.is_finite())
            .prop_map(|x| json!(x)),
        prop_oneof![Just(0.0), Just(-1.0), Just(1e-300), Just(1e308), Just(5e8)]
            .prop_map(|x| json!(x)),
        "[a-z0-9 ]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(("[a-z_]{1,8}", inner), 0..4)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// The names of a cell's fields, to aim mutations at.
const CELL_FIELDS: &[&str] = &[
    "workers",
    "tasks",
    "cores",
    "samples_s",
    "median_s",
    "min_s",
    "max_s",
    "mean_s",
    "stddev_s",
    "ideal_s",
    "speedup",
    "efficiency",
    "startup_s",
    "cpu_s",
    "median_ci_s",
    "ci_level",
    "latency_samples_s",
    "queue_wait_s",
    "service_s",
    "latency_s",
    "context_switches",
    "steal_fraction",
    "kind",
    "params",
    "model",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_bytes_are_read_or_refused_without_panicking(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = ResultsFile::from_json(&bytes, "fuzz.json");
    }

    #[test]
    fn a_mutated_field_is_read_or_refused_and_what_is_read_is_sound(
        field in prop::sample::select(CELL_FIELDS),
        value in any_value(),
        grouped in any::<bool>(),
    ) {
        let mut file = valid(grouped);
        *field_of(&mut file["results"][0], field, grouped) = value;
        let bytes = serde_json::to_vec(&file).unwrap();
        if let Ok(results) = ResultsFile::from_json(&bytes, "fuzz.json") {
            prop_assert_eq!(check_results(&results), Ok(()));
            let cell = &results.results[0];
            prop_assert!(cell.workers >= 1 && cell.tasks >= 1);
            prop_assert!(cell.time.samples_s.iter().all(|s| (0.0..=1e9).contains(s)));
        }
    }

    #[test]
    fn any_suite_text_is_read_or_refused_with_a_place(text in "[ -~\n]{0,200}") {
        if let Err(e) = Suite::parse(&text, "fuzz.toml") {
            let line_count = text.lines().count().max(1);
            prop_assert!(e.line <= line_count + 1, "{} for {:?}", e, text);
        }
    }

    #[test]
    fn suite_values_of_any_kind_are_read_or_refused(
        key in prop::sample::select(&[
            "repeat", "warmup", "max_repeat", "min_sample_ms", "target_precision",
            "measure_time_s", "task_timeout_s", "workers", "order",
        ][..]),
        workload_key in prop::sample::select(&["tasks", "workers", "params"][..]),
        value in prop_oneof![
            any::<i64>().prop_map(|n| n.to_string()),
            any::<f64>().prop_map(|x| format!("{x:?}")),
            Just("inf".to_owned()), Just("nan".to_owned()), Just("-inf".to_owned()),
            Just("[0, 100000000000]".to_owned()), Just("{ delay_ms = 1e300 }".to_owned()),
            Just("{ n = -1 }".to_owned()), Just("\"fixed\"".to_owned()),
        ],
    ) {
        let text = format!(
            "{key} = {value}\n[[workload]]\nname = \"sleep\"\n{workload_key} = {value}\n"
        );
        match Suite::parse(&text, "fuzz.toml") {
            Ok(suite) => {
                prop_assert!(suite.repeat >= 1);
                prop_assert!(suite.entries.iter().all(|e| e.spec.tasks >= 1
                    && e.workers.iter().all(|&w| w >= 1)));
            }
            Err(e) => prop_assert!((1..=4).contains(&e.line), "{} for {:?}", e, text),
        }
    }
}

#[test]
fn a_flat_v1_file_and_its_grouped_v2_twin_read_as_the_same_results() {
    let read = |grouped: bool| {
        let bytes = serde_json::to_vec(&valid(grouped)).unwrap();
        ResultsFile::from_json(&bytes, "valid.json").unwrap()
    };
    let (old, new) = (read(false), read(true));
    assert_eq!(old, new);
    assert_eq!(new.schema, poolbench_runner::SCHEMA);
    assert_eq!(new.results[0].time.median_s, Some(0.011));
    assert_eq!(new.results[0].scaling.speedup, Some(1.8));
}
