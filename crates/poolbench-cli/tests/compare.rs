//! `poolbench compare` as a CI job uses it: exit 0 when nothing regressed, 1 when something
//! did (unless --no-fail), 2 for bad input; text, Markdown and JSON output.

mod common;

use std::path::Path;

use common::{poolbench, slower, slower_cells, Fixture};
use predicates::prelude::*;
use serde_json::Value;

/// `compare` at a fixed 10 % threshold: the default follows the noise of these short runs.
fn compare(base: &Path, new: &Path) -> assert_cmd::Command {
    let mut cmd = poolbench();
    cmd.arg("compare")
        .arg(base)
        .arg(new)
        .args(["--threshold", "10"]);
    cmd
}

#[test]
fn a_run_compared_with_itself_has_nothing_regressed() {
    let f = Fixture::new();
    let base = f.write("base.json", &|_| {});
    poolbench()
        .arg("compare")
        .arg(&base)
        .arg(&base)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "0 regressed, 0 improved, 2 unchanged",
        ))
        .stdout(predicate::str::contains(
            "twice the median interval half-width",
        ));
}

#[test]
fn a_real_slowdown_fails_the_job_unless_told_not_to() {
    let f = Fixture::new();
    let base = f.write("base.json", &|_| {});
    let new = f.write("slower.json", &|j| slower(j, 3.0));
    compare(&base, &new)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("sum rayon W=2"))
        .stdout(predicate::str::contains("regressed"))
        .stdout(predicate::str::contains("+200.0 %"));
    compare(&base, &new).arg("--no-fail").assert().success();
    // A threshold above the change: significant, but not called.
    poolbench()
        .arg("compare")
        .arg(&base)
        .arg(&new)
        .args(["--threshold", "250"])
        .assert()
        .success()
        .stdout(predicate::str::contains("within the threshold"));
    let faster = f.write("faster.json", &|j| slower(j, 0.25));
    compare(&base, &faster)
        .assert()
        .success()
        .stdout(predicate::str::contains("1 improved"));
}

/// A machine that slowed down as a whole (every cell, the sequential one too) is not a
/// regression of any model: only the sequential cell, compared raw, shows it. `--absolute`
/// compares raw medians and calls every cell.
#[test]
fn machine_drift_is_divided_out_of_the_models_unless_absolute() {
    let f = Fixture::new();
    let base = f.write("base.json", &|_| {});
    let drifted = f.write("drifted.json", &|j| slower_cells(j, 3.0, &|_| true));
    let verdicts = |absolute: bool| -> Vec<(String, String)> {
        let mut cmd = compare(&base, &drifted);
        cmd.args(["--format", "json", "--no-fail"]);
        if absolute {
            cmd.arg("--absolute");
        }
        let output = cmd.assert().success().get_output().stdout.clone();
        let json: Value = serde_json::from_slice(&output).unwrap();
        json["cells"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let field = |k: &str| c[k].as_str().unwrap().to_owned();
                (field("model"), field("verdict"))
            })
            .collect()
    };
    let pair = |m: &str, v: &str| (m.to_owned(), v.to_owned());
    assert_eq!(
        verdicts(false),
        [pair("sequential", "regressed"), pair("rayon", "unchanged")]
    );
    assert_eq!(
        verdicts(true),
        [pair("sequential", "regressed"), pair("rayon", "regressed")]
    );
}

#[test]
fn markdown_and_json_carry_the_same_verdicts() {
    let f = Fixture::new();
    let base = f.write("base.json", &|_| {});
    let new = f.write("slower.json", &|j| slower(j, 3.0));
    compare(&base, &new)
        .args(["--format", "markdown", "--no-fail"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("### poolbench compare"))
        .stdout(predicate::str::contains("| cell | base | new | change |"));
    let output = compare(&base, &new)
        .args(["--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let json: Value = serde_json::from_slice(&output).unwrap();
    let verdicts: Vec<&str> = json["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["verdict"].as_str().unwrap())
        .collect();
    assert!(verdicts.contains(&"regressed"), "{verdicts:?}");
}

#[test]
fn failures_missing_cells_and_other_machines_are_reported() {
    let f = Fixture::new();
    let base = f.write("base.json", &|_| {});
    let broken = f.write("broken.json", &|j| {
        j["results"][1]["outcome"]["verified"] = false.into();
        j["results"][1]["outcome"]["failed_tasks"] = 1.into();
    });
    compare(&base, &broken)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("no longer verified"));
    let other = f.write("other.json", &|j| {
        j["environment"]["logical_cores"] = 64.into();
        j["results"].as_array_mut().unwrap().pop();
    });
    compare(&base, &other)
        .assert()
        .success()
        .stdout(
            predicate::str::is_match(r"missing \(only in the base file\): sum\[[^ ]*/rayon/W=2\n")
                .unwrap(),
        )
        .stdout(predicate::str::contains("different core counts"));
    compare(&base, Path::new("/dev/zero"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("over 256 MiB"));
    poolbench()
        .arg("compare")
        .arg(&base)
        .arg(&base)
        .args(["--threshold", "-3"])
        .assert()
        .code(2);
}

#[test]
fn a_run_with_the_slowdown_knob_is_matched_with_the_unslowed_base() {
    let f = Fixture::new();
    let base = f.write("base.json", &|_| {});
    let slowed = f.write("slowed.json", &|json| {
        for cell in json["results"].as_array_mut().unwrap() {
            cell["params"]["slowdown"] = 0.1.into();
        }
    });
    compare(&base, &slowed)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "0 regressed, 0 improved, 2 unchanged",
        ))
        .stdout(predicate::str::contains("missing").not());
}

#[test]
fn interleaved_rounds_are_compared_in_pairs() {
    let f = Fixture::new();
    // Six rounds; the machine drifts from round to round, both sides alike.
    let mut same = Vec::new();
    let mut slowed = Vec::new();
    for i in 0..6 {
        let drift = 1.0 + 0.2 * (i % 3) as f64;
        let wobble = if i % 2 == 0 { 1.01 } else { 0.99 };
        let base = f.write(&format!("base{i}.json"), &|json| {
            slower_cells(json, drift, &|_| true)
        });
        let twin = f.write(&format!("twin{i}.json"), &|json| {
            slower_cells(json, drift * wobble, &|_| true)
        });
        let slow = f.write(&format!("slow{i}.json"), &|json| {
            slower_cells(json, drift * wobble, &|_| true);
            slower(json, 1.5);
        });
        same.extend([base.clone(), twin]);
        slowed.extend([base, slow]);
    }
    poolbench()
        .args(["compare", "--rounds", "--absolute"])
        .args(&same)
        .assert()
        .success()
        .stdout(predicate::str::contains("paired over 6 interleaved rounds"))
        .stdout(predicate::str::contains("0 regressed"));
    poolbench()
        .args(["compare", "--rounds", "--absolute"])
        .args(&slowed)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("1 regressed"));
    poolbench()
        .args(["compare", "--rounds"])
        .args(&same[..3])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pairs of files"));
}

/// Eight model cells of one workload, each +18 % but each with ±30 % of its own noise from
/// round to round: no cell's interval can call it, the workload pooled over its cells does,
/// and the comparison fails.
#[test]
fn a_workload_whose_cells_all_moved_a_little_is_called_regressed() {
    let f = Fixture::new();
    let models = [
        "rayon",
        "crossbeam",
        "threadpool",
        "handrolled",
        "thread-per-task",
        "tokio",
        "tokio-blocking",
        "process",
    ];
    let many = |json: &mut Value| {
        let cells = json["results"].as_array_mut().unwrap();
        let rayon = cells
            .iter()
            .find(|c| c["model"] == "rayon")
            .unwrap()
            .clone();
        cells.retain(|c| c["model"] != "rayon");
        for model in models {
            let mut cell = rayon.clone();
            cell["model"] = model.into();
            cells.push(cell);
        }
    };
    let mut files = Vec::new();
    for round in 0..6 {
        files.push(f.write(&format!("base{round}.json"), &|json| many(json)));
        files.push(f.write(&format!("new{round}.json"), &|json| {
            many(json);
            for (c, model) in models.iter().enumerate() {
                let own = 0.3 + 0.01 * round as f64;
                let sign = if (round + c) % 2 == 0 { 1.0 } else { -1.0 };
                slower_cells(json, 1.18 * (1.0 + sign * own), &|cell| {
                    cell["model"] == *model
                });
            }
        }));
    }
    let out = poolbench()
        .args(["compare", "--rounds", "--absolute"])
        .args(&files)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("0 regressed, 0 improved, 9 unchanged"),
        "{text}"
    );
    assert!(text.contains("1 workloads pooled: 1 regressed"), "{text}");
    let line = text
        .lines()
        .find(|l| l.starts_with("workload sum"))
        .unwrap();
    assert!(
        line.contains("8 of 9 cells slower") && line.contains("regressed"),
        "{line}"
    );
}
