//! What to use: the terminal's decisions and table, `verdicts[]` in results.json, and the
//! warning for more workers than tasks.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn run(out: &Path) -> (String, String) {
    let output = Command::cargo_bin("poolbench")
        .unwrap()
        .args([
            "run",
            "--workloads",
            "sum,sleep",
            "--models",
            "tokio,rayon,process",
        ])
        .args(["--workers", "2,8", "--tasks", "4", "--repeat", "2"])
        .args([
            "--measure-time",
            "0",
            "--set",
            "sum.n=1000",
            "--set",
            "sleep.delay_ms=2",
        ])
        .args(["--order", "shuffled", "--seed", "5", "--out"])
        .arg(out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_run_decides_says_why_sorts_its_rows_and_records_its_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (stdout, stderr) = run(&out);

    // W = 8 on 4 tasks: one warning per workload, with the fix.
    for workload in ["sum", "sleep"] {
        let warning = format!(
            "warning: {workload} has 4 tasks, so at W = 8 at most 4 are ever in flight: add \
             --tasks 32 (or more)"
        );
        assert_eq!(stderr.matches(&warning).count(), 1, "{stderr}");
    }

    // Rows: workload by workload, the registry's model order, then W.
    let rows: Vec<(String, String, usize)> = stdout
        .lines()
        .filter(|l| l.starts_with("sum ") || l.starts_with("sleep "))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f[0].to_owned(), f[1].to_owned(), f[2].parse().unwrap())
        })
        .collect();
    let expected: Vec<(String, String, usize)> = ["sum", "sleep"]
        .iter()
        .flat_map(|w| {
            [
                ("sequential", 1),
                ("rayon", 2),
                ("rayon", 8),
                ("tokio", 2),
                ("tokio", 8),
            ]
            .into_iter()
            .chain([("process", 2), ("process", 8)])
            .map(move |(m, n)| ((*w).to_owned(), m.to_owned(), n))
        })
        .collect();
    assert_eq!(rows, expected, "{stdout}");

    // "What to use": one line per workload, after the table, with a reason.
    let (_, after) = stdout
        .split_once("What to use")
        .expect("a What to use section");
    for label in ["sum · 4 tasks · n=1000: ", "sleep · 4 tasks · delay 2 ms: "] {
        let line = after
            .lines()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("no line for {label}: {after}"));
        assert!(line.contains(" at W = ") && line.contains(" — "), "{line}");
    }

    // verdicts[] in results.json: overall and per W, with the figures they used.
    let text = std::fs::read_to_string(out.join("results.json")).unwrap();
    let json: Value = serde_json::from_str(&text).unwrap();
    let verdicts = json["verdicts"].as_array().expect("verdicts[]");
    for workload in ["sum", "sleep"] {
        let overall: Vec<&Value> = verdicts
            .iter()
            .filter(|v| v["workload"] == workload && v.get("workers").is_none())
            .collect();
        assert_eq!(overall.len(), 1, "{workload}: {verdicts:?}");
        let v = overall[0];
        assert!(!v["fastest"].as_array().unwrap().is_empty());
        assert!(v["recommended"]["model"].is_string() && v["why"].is_string());
        assert_eq!(
            v["costs"].as_array().unwrap().len(),
            v["fastest"].as_array().unwrap().len()
        );
        assert!(v["costs"][0]["threads"].is_u64(), "{v}");
        for w in [2, 8] {
            assert!(
                verdicts
                    .iter()
                    .any(|v| v["workload"] == workload && v["workers"] == w),
                "{workload} at W = {w}"
            );
        }
    }
    // The report reads them back, warning about the workers too.
    Command::cargo_bin("poolbench")
        .unwrap()
        .args(["report", "--out"])
        .arg(dir.path().join("again"))
        .arg(out.join("results.json"))
        .assert()
        .success();
    let readme = std::fs::read_to_string(dir.path().join("again/README.md")).unwrap();
    assert!(readme.contains("## What to use"), "{readme}");
    assert!(readme.contains("What to use at each W"), "{readme}");
    assert!(readme.contains("sum has 4 tasks, so at W = 8"), "{readme}");
    // Headings name only the parameters that differ from the defaults.
    assert!(readme.contains("\n## sum · 4 tasks · n=1000\n"), "{readme}");
}
