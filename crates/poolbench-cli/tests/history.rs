//! `poolbench history` as a CI job uses it: add runs (idempotently), list them, check for a
//! regression (exit 1) or none (exit 0), chart them; a damaged database is a clear error.

mod common;

use std::path::PathBuf;

use common::{history, history_runs, poolbench, Fixture};
use predicates::prelude::*;
use serde_json::Value;

fn runs(f: &Fixture, count: usize, slow_from: usize, factor: f64) -> Vec<PathBuf> {
    history_runs(f, "c", count, slow_from, factor)
}

#[test]
fn adding_the_same_run_twice_keeps_one_and_list_shows_the_runs() {
    let f = Fixture::new();
    let db = f.dir.path().join("h.db");
    let files = runs(&f, 3, 99, 1.0);
    history(&db).arg("add").args(&files).assert().success();
    history(&db)
        .arg("add")
        .arg(&files[1])
        .assert()
        .success()
        .stdout(predicate::str::contains("already in the history"));
    history(&db)
        .arg("list")
        .assert()
        .success()
        .stdout(predicate::str::contains("3 runs in"))
        .stdout(predicate::str::contains("c01"));
}

#[test]
fn check_exits_1_on_a_recent_regression_and_0_on_a_steady_history() {
    let f = Fixture::new();
    let steady = f.dir.path().join("steady.db");
    history(&steady)
        .arg("add")
        .args(runs(&f, 12, 99, 1.0))
        .assert()
        .success();
    history(&steady)
        .arg("check")
        .assert()
        .success()
        .stdout(predicate::str::contains("0 regressed"));

    let f = Fixture::new();
    let slowed = f.dir.path().join("slowed.db");
    history(&slowed)
        .arg("add")
        .args(runs(&f, 12, 8, 1.3))
        .assert()
        .success();
    history(&slowed)
        .arg("check")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("1 regressed"))
        .stdout(predicate::str::contains("sum[n=1000]/N=4/rayon/W=2"))
        .stdout(predicate::str::contains("from c08"));
    history(&slowed)
        .args(["check", "--no-fail"])
        .assert()
        .success();
    let output = history(&slowed)
        .args(["check", "--format", "json", "--no-fail"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json: Value = serde_json::from_slice(&output).unwrap();
    let rayon = json
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["model"] == "rayon")
        .unwrap();
    assert_eq!(rayon["regressed"], true);
    assert_eq!(rayon["changes"][0]["git_commit"], "c08");
    assert_eq!(rayon["changes"][0]["direction"], "regression");

    // The same verdict as a failed JUnit test case of the newest run.
    let output = poolbench()
        .arg("export")
        .arg(f.dir.path().join("c11.json"))
        .args(["--format", "junit", "--history"])
        .arg(&slowed)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let junit = String::from_utf8(output).unwrap();
    assert!(junit.contains("failures=\"1\""), "{junit}");
    assert!(junit.contains("type=\"regression\""), "{junit}");
    assert!(junit.contains("from c08"), "{junit}");
}

#[test]
fn chart_writes_a_page_with_a_chart_per_group() {
    let f = Fixture::new();
    let db = f.dir.path().join("h.db");
    history(&db)
        .arg("add")
        .args(runs(&f, 10, 6, 1.4))
        .assert()
        .success();
    let out = f.dir.path().join("history");
    history(&db)
        .args(["chart", "--out"])
        .arg(&out)
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("regression"), "{html}");
    let mut charts: Vec<String> = std::fs::read_dir(out.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    charts.sort();
    // The sequential cell (seconds) and rayon at W = 2 (relative): two groups, SVG + PNG each.
    assert_eq!(charts.len(), 4, "{charts:?}");
    for chart in &charts {
        assert!(html.contains(&chart.replace(".svg", ".png")), "{chart}");
        let bytes = std::fs::read(out.join("charts").join(chart)).unwrap();
        if chart.ends_with(".png") {
            assert!(bytes.starts_with(b"\x89PNG"));
        } else {
            assert!(String::from_utf8(bytes).unwrap().contains("<svg"));
        }
    }
}

#[test]
fn a_damaged_or_missing_database_is_a_clear_error_and_is_not_touched() {
    let f = Fixture::new();
    let db = f.dir.path().join("h.db");
    let notes = b"not a database\n".repeat(300);
    std::fs::write(&db, &notes).unwrap();
    let files = runs(&f, 1, 99, 1.0);
    for args in [
        vec!["add", files[0].to_str().unwrap()],
        vec!["check"],
        vec!["list"],
    ] {
        history(&db)
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "is not a usable poolbench history",
            ))
            .stderr(predicate::str::contains("h.db"));
    }
    assert_eq!(std::fs::read(&db).unwrap(), notes);
    history(f.dir.path().join("none.db"))
        .arg("check")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no history here"));
}
