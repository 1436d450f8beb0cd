//! `poolbench export`: each format parsed back and checked against its documented shape.

mod common;

use common::{poolbench, slower, Fixture};
use predicates::prelude::*;
use serde_json::Value;

fn export(results: &std::path::Path, format: &str) -> Vec<u8> {
    poolbench()
        .arg("export")
        .arg(results)
        .args(["--format", format])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone()
}

const NAMES: [&str; 2] = [
    "sum[n=1000]/N=4/sequential/W=1",
    "sum[n=1000]/N=4/rayon/W=2",
];

#[test]
fn bmf_has_a_latency_in_nanoseconds_with_its_interval_per_cell() {
    let f = Fixture::new();
    let base = f.write("base.json", &|_| {});
    let json: Value = serde_json::from_slice(&export(&base, "bmf")).unwrap();
    let benchmarks = json.as_object().unwrap();
    assert_eq!(benchmarks.len(), 2);
    for name in NAMES {
        let latency = &benchmarks[name]["latency"];
        let value = latency["value"].as_f64().unwrap();
        let (low, high) = (
            latency["lower_value"].as_f64().unwrap(),
            latency["upper_value"].as_f64().unwrap(),
        );
        assert!(low <= value && value <= high, "{latency}");
        let cell = f.base["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| name.contains(c["model"].as_str().unwrap()))
            .unwrap();
        let median_ns = cell["time"]["median_s"].as_f64().unwrap() * 1e9;
        assert!(
            (value - median_ns).abs() < 1e-6 * median_ns,
            "{value} vs {median_ns}"
        );
    }
}

#[test]
fn github_action_benchmark_is_custom_smaller_is_better() {
    let f = Fixture::new();
    let base = f.write("base.json", &|_| {});
    let json: Value = serde_json::from_slice(&export(&base, "github-action-benchmark")).unwrap();
    let entries = json.as_array().unwrap();
    assert_eq!(entries.len(), 2);
    for entry in entries {
        assert!(NAMES.contains(&entry["name"].as_str().unwrap()), "{entry}");
        assert_eq!(entry["unit"], "ns");
        assert!(entry["value"].as_f64().unwrap() > 0.0);
        assert!(entry["range"].as_str().unwrap().starts_with("± "));
    }
}

/// `(testcase count, [(testcase name, failure type)])` of a JUnit file.
fn junit(bytes: &[u8]) -> (usize, Vec<(String, String)>) {
    let text = std::str::from_utf8(bytes).unwrap();
    let doc = roxmltree::Document::parse(text).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let cases: Vec<_> = root
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    let failures: Vec<(String, String)> = cases
        .iter()
        .filter_map(|case| {
            let failure = case.children().find(|n| n.has_tag_name("failure"))?;
            Some((
                case.attribute("name").unwrap().to_owned(),
                failure.attribute("type").unwrap().to_owned(),
            ))
        })
        .collect();
    assert_eq!(
        root.attribute("failures").unwrap(),
        failures.len().to_string()
    );
    assert_eq!(root.attribute("tests").unwrap(), cases.len().to_string());
    (cases.len(), failures)
}

#[test]
fn junit_fails_the_cells_that_regressed_or_stopped_verifying() {
    let f = Fixture::new();
    let base = f.write("base.json", &|_| {});
    assert_eq!(junit(&export(&base, "junit")), (2, vec![]));

    let slow = f.write("slow.json", &|json| slower(json, 1.5));
    let output = poolbench()
        .arg("export")
        .arg(&slow)
        .args(["--format", "junit", "--compare"])
        .arg(&base)
        .args(["--threshold", "10"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let (cases, failures) = junit(&output);
    assert_eq!(cases, 2);
    assert_eq!(
        failures,
        vec![("rayon W=2".to_owned(), "regression".to_owned())]
    );

    let broken = f.write("broken.json", &|json| {
        json["results"][1]["outcome"]["verified"] = false.into();
        json["results"][1]["outcome"]["errors"] =
            serde_json::json!(["task 3: <bad> & \u{1} \"quoted\""]);
    });
    let (_, failures) = junit(&export(&broken, "junit"));
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].1, "unverified");
}

#[test]
fn csv_has_one_row_per_cell_under_its_header() {
    let f = Fixture::new();
    let base = f.write("base.json", &|_| {});
    let out = f.dir.path().join("cells.csv");
    poolbench()
        .arg("export")
        .arg(&base)
        .args(["--format", "csv", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::is_empty());
    let text = std::fs::read_to_string(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(lines[0], poolbench_compare::export::CSV_HEADER);
    let columns = lines[0].split(',').count();
    for (line, name) in lines[1..].iter().zip(NAMES) {
        assert!(line.starts_with(&format!("{name},sum,")), "{line}");
        // The params column is quoted JSON with a comma-free object here.
        assert_eq!(line.split(',').count(), columns, "{line}");
    }
    assert!(lines[1].contains(",sequential,1,"), "{}", lines[1]);
    assert!(lines[2].contains(",true,0,"), "{}", lines[2]);
}

#[test]
fn bad_input_exits_2_with_one_line() {
    let f = Fixture::new();
    let base = f.write("base.json", &|_| {});
    for args in [
        vec!["--format", "yaml"],
        vec!["--format", "csv", "--threshold", "10"],
    ] {
        poolbench()
            .arg("export")
            .arg(&base)
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::starts_with("poolbench: error:"));
    }
    let junk = f.dir.path().join("junk.json");
    std::fs::write(&junk, "{\"schema\": \"other/9\"}").unwrap();
    poolbench()
        .arg("export")
        .arg(&junk)
        .args(["--format", "bmf"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("junk.json"));
}

/// `--format` takes every format of the registry, and each writes something.
#[test]
fn every_registered_format_is_accepted() {
    let f = Fixture::new();
    let base = f.write("base.json", &|_| {});
    for exporter in poolbench_compare::export::EXPORTERS {
        assert!(
            !export(&base, exporter.name()).is_empty(),
            "{}",
            exporter.name()
        );
    }
}
