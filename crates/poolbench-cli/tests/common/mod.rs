//! What the CLI tests of faults and limits share: the binary under a time bound, a short run,
//! its results, and a child process that cannot outlive a failed test.

// Each test crate that includes this module uses only part of it.
#![allow(dead_code)]

pub mod postgres;

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

pub fn poolbench() -> Command {
    let mut cmd = Command::cargo_bin("poolbench").expect("the poolbench binary is built");
    cmd.timeout(Duration::from_secs(120));
    cmd
}

/// A short run of `workloads` on `models`: one warm-up batch, two samples.
pub fn short_run(models: &str, workloads: &str, out: &Path) -> Command {
    let mut cmd = poolbench();
    cmd.args(["run", "--models", models, "--workloads", workloads])
        .args(["--tasks", "4", "--workers", "2", "--repeat", "2"])
        .args(["--warmup", "1", "--measure-time", "0", "-q", "--out"])
        .arg(out);
    cmd
}

/// The cells of the results file in `out`.
pub fn results(out: &Path) -> Vec<Value> {
    results_file(out)["results"]
        .as_array()
        .expect("a results array")
        .clone()
}

/// The whole results file in `out`.
pub fn results_file(out: &Path) -> Value {
    let text = std::fs::read_to_string(out.join("results.json")).expect("results.json");
    serde_json::from_str(&text).expect("valid JSON")
}

/// A short verified run of `sum` on rayon into `out`, as a base to edit: its whole file.
pub fn sum_run(out: &Path) -> Value {
    short_run("rayon", "sum", out)
        .args(["--set", "sum.n=1000"])
        .assert()
        .success();
    results_file(out)
}

/// A child process killed if the test fails before it ends.
pub struct KillOnDrop(pub std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A base run, and a way to write variants of it.
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub base: Value,
}

impl Fixture {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut base = sum_run(&dir.path().join("base"));
        steady(&mut base);
        Self { base, dir }
    }

    pub fn write(&self, name: &str, edit: &dyn Fn(&mut Value)) -> PathBuf {
        let mut json = self.base.clone();
        edit(&mut json);
        let path = self.dir.path().join(name);
        std::fs::write(&path, serde_json::to_vec(&json).unwrap()).unwrap();
        path
    }
}

/// Each cell's samples replaced by ones within ±1 % of its median (as many, in the same
/// order): the tests built on a fixture check what a tool does with a known change, which a
/// real run's noise on a loaded test machine must not blur.
pub fn steady(json: &mut Value) {
    for cell in json["results"].as_array_mut().unwrap() {
        let time = &mut cell["time"];
        let Some(median) = time["median_s"].as_f64() else {
            continue;
        };
        let samples = time["samples_s"].as_array_mut().unwrap();
        let n = samples.len();
        for (i, x) in samples.iter_mut().enumerate() {
            let offset = if n > 1 {
                i as f64 / (n - 1) as f64 - 0.5
            } else {
                0.0
            };
            *x = (median * (1.0 + 0.02 * offset)).into();
        }
        time["min_s"] = (median * 0.99).into();
        time["max_s"] = (median * 1.01).into();
        time["mean_s"] = median.into();
        if n > 1 {
            time["median_ci_s"] = serde_json::json!([median * 0.99, median * 1.01]);
        }
    }
}

/// Every time of the rayon cell multiplied by `factor`.
pub fn slower(json: &mut Value, factor: f64) {
    slower_cells(json, factor, &|cell| cell["model"] == "rayon");
}

/// Every time of the cells `which` picks multiplied by `factor`.
pub fn slower_cells(json: &mut Value, factor: f64, which: &dyn Fn(&Value) -> bool) {
    for cell in json["results"].as_array_mut().unwrap() {
        if !which(cell) {
            continue;
        }
        let time = &mut cell["time"];
        for key in ["median_s", "min_s", "max_s", "mean_s"] {
            time[key] = (time[key].as_f64().unwrap() * factor).into();
        }
        for list in ["samples_s", "median_ci_s"] {
            for x in time[list].as_array_mut().unwrap() {
                *x = (x.as_f64().unwrap() * factor).into();
            }
        }
    }
}

/// `count` runs of the fixture for a history, one per commit `{tag}00`, `{tag}01`, … (in
/// files of the same names), a day apart; the runs from `slow_from` on have the rayon cell
/// `factor` times slower. Each run's times get a little noise (±1 %, alternating) so the
/// series are not constant.
pub fn history_runs(
    f: &Fixture,
    tag: &str,
    count: usize,
    slow_from: usize,
    factor: f64,
) -> Vec<PathBuf> {
    (0..count)
        .map(|i| {
            f.write(&format!("{tag}{i:02}.json"), &|json: &mut Value| {
                json["environment"]["started_at"] =
                    format!("2026-11-{:02}T00:00:00Z", i + 1).into();
                json["environment"]["git_commit"] = format!("{tag}{i:02}").into();
                let wobble = if i % 2 == 0 { 0.99 } else { 1.01 };
                slower(json, wobble * if i >= slow_from { factor } else { 1.0 });
            })
        })
        .collect()
}

/// `poolbench history --db DB` (a file or a postgres:// URL).
pub fn history(db: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut cmd = poolbench();
    cmd.arg("history").arg("--db").arg(db);
    cmd
}
