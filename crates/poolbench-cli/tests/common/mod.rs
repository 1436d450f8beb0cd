//! What the CLI tests of faults and limits share: the binary under a time bound, a short run,
//! its results, and a child process that cannot outlive a failed test.

// Each test crate that includes this module uses only part of it.
#![allow(dead_code)]

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
        Self {
            base: sum_run(&dir.path().join("base")),
            dir,
        }
    }

    pub fn write(&self, name: &str, edit: &dyn Fn(&mut Value)) -> PathBuf {
        let mut json = self.base.clone();
        edit(&mut json);
        let path = self.dir.path().join(name);
        std::fs::write(&path, serde_json::to_vec(&json).unwrap()).unwrap();
        path
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
