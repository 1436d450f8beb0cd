//! What the CLI tests of faults and limits share: the binary under a time bound, a short run,
//! its results, and a child process that cannot outlive a failed test.

// Each test crate that includes this module uses only part of it.
#![allow(dead_code)]

use std::path::Path;
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
