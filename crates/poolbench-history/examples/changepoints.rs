//! How well `history check` finds change points, measured on synthetic series with known steps
//! ([`poolbench_history::synthetic`]): recall (a step of +10 % or +15 %, 3 or 10 runs before
//! the end of 30, found at its run ±1 and called a regression) and false alarms (series with
//! no step whose newest change beyond the threshold is a regression), for every kind of noise.
//! With `--otava PYTHON`, Apache Otava's `compute_change_points` (at the same p-value) judges
//! the very same series beside it (`scripts/otava-compare.sh` installs Otava and runs this).
//!
//! `cargo run --release -p poolbench-history --example changepoints -- [--otava PYTHON] [--significance P] [--min-runs N] [--no-step-only] [SERIES_PER_CASE]`
//! (default 200; deterministic: the same numbers every time).

use std::io::Write;
use std::process::{Command, Stdio};

use poolbench_history::changepoint::Settings;
use poolbench_history::synthetic::{cases, RUNS};

const THRESHOLD: f64 = 0.05;

/// Otava's change points of each series, as (index, size).
fn otava(python: &str, series: &[Vec<f64>], max_pvalue: f64) -> Vec<Vec<(usize, f64)>> {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scripts/otava-changepoints.py"
    );
    let mut child = Command::new(python)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("starts Otava's Python");
    let request = serde_json::json!({ "max_pvalue": max_pvalue, "series": series });
    child
        .stdin
        .take()
        .unwrap()
        .write_all(request.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "Otava failed");
    serde_json::from_slice(&out.stdout).expect("Otava's answer")
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut python, mut per_case) = (None, 200usize);
    let mut settings = Settings::default();
    let mut no_step_only = false;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--otava" => python = args.next(),
            "--significance" => {
                settings.significance = args
                    .next()
                    .and_then(|p| p.parse().ok())
                    .expect("--significance P")
            }
            "--no-step-only" => no_step_only = true,
            "--min-runs" => {
                settings.min_size = args
                    .next()
                    .and_then(|p| p.parse().ok())
                    .expect("--min-runs N")
            }
            n => per_case = n.parse().expect("SERIES_PER_CASE is a number"),
        }
    }
    println!(
        "{RUNS} runs per series, {per_case} series per case; significance {}, at least {} runs each side, threshold {:.0} %.\n",
        settings.significance,
        settings.min_size,
        THRESHOLD * 100.0
    );
    let tools = if python.is_some() {
        "| noise | case | poolbench | Otava |\n|---|---|---|---|"
    } else {
        "| noise | case | poolbench |\n|---|---|---|"
    };
    println!("{tools}");
    for case in cases(per_case)
        .into_iter()
        .filter(|c| !no_step_only || c.after == 0)
    {
        let ours = case.poolbench(&settings);
        let mut row = format!(
            "| {} | {} | {} |",
            case.noise.label(),
            case.label(),
            case.count(&ours, THRESHOLD)
        );
        if let Some(python) = &python {
            let raw: Vec<Vec<f64>> = case.series.iter().map(|d| d.raw.clone()).collect();
            let theirs = otava(python, &raw, settings.significance);
            row.push_str(&format!(" {} |", case.count(&theirs, THRESHOLD)));
        }
        println!("{row}");
    }
}
