//! The fixture results file the report tests draw from: one machine, sleep, sum and noop on
//! three models at W = 1, 2, 4, and the sequential oracle.
// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::time::Duration;

use poolbench_core::{TaskTiming, WorkKind};
use poolbench_report::{Input, ReportFile};
use poolbench_results::{
    CellResult, Cost, Environment, Outcome, PerTask, Plan, ResultsFile, Scaling, Timing, Trace,
};

pub const MODELS: [&str; 3] = ["rayon", "tokio", "process"];

pub fn cell(
    workload: &str,
    kind: WorkKind,
    model: &str,
    workers: usize,
    samples: &[f64],
) -> CellResult {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[sorted.len() / 2];
    CellResult {
        plan: Plan {
            cores: 2,
            warmup: 1,
            repeat: samples.len(),
            ..Plan::default()
        },
        time: Timing {
            samples_s: samples.to_vec(),
            median_s: Some(median),
            min_s: Some(sorted[0]),
            max_s: Some(sorted[sorted.len() - 1]),
            mean_s: Some(median),
            stddev_s: Some(0.0),
            ..Timing::default()
        },
        scaling: Scaling {
            ideal_s: (workload != "noop").then_some(0.08 / workers as f64),
            speedup: Some(0.08 / median),
            efficiency: Some(0.08 / workers as f64 / median),
        },
        outcome: Outcome {
            verified: true,
            ..Outcome::default()
        },
        cost: Cost {
            startup_s: Some(0.001),
            cpu_s: Some(median * 0.1),
            peak_threads: Some(workers),
            cpu_user_s: Some(median * 0.08),
            cpu_system_s: Some(median * 0.02),
            self_peak_rss_bytes: Some(20 << 20),
            ..Cost::default()
        },
        per_task: PerTask {
            max_in_flight: Some(workers),
            latency_samples_s: (kind == WorkKind::Io).then(|| {
                (0..24)
                    .map(|i| median / 8.0 * (1.0 + f64::from(i) / 50.0))
                    .collect()
            }),
            trace: Trace::of(&timings(median, workers), workers),
            ..PerTask::default()
        },
        ..CellResult::new(workload, kind, model, workers, 8)
    }
}

/// Eight tasks dealt round-robin to `workers` workers (ids 100, 101, …), each a round of the
/// batch's `median`.
pub fn timings(median: f64, workers: usize) -> Vec<TaskTiming> {
    let rounds = 8usize.div_ceil(workers);
    let d = median / rounds as f64;
    (0..8)
        .map(|i| {
            let round = (i / workers) as f64;
            TaskTiming {
                enqueued: Duration::ZERO,
                started: Duration::from_secs_f64(round * d),
                finished: Duration::from_secs_f64((round + 1.0) * d),
                worker: Some(100 + (i % workers) as u64),
            }
        })
        .collect()
}

pub fn fixture() -> ResultsFile {
    let mut environment = Environment::capture(vec!["poolbench".into(), "run".into()]);
    // The chart names below depend on the core count: fix it, whatever runs the test.
    environment.logical_cores = 2;
    let mut results = ResultsFile::new(environment, None);
    for (workload, kind) in [
        ("sleep", WorkKind::Io),
        ("sum", WorkKind::Cpu),
        ("noop", WorkKind::Cpu),
    ] {
        results.results.push(cell(
            workload,
            kind,
            "sequential",
            1,
            &[0.080, 0.081, 0.082],
        ));
        for (i, model) in MODELS.iter().enumerate() {
            for workers in [1, 2, 4] {
                let t = 0.08 / workers as f64 * (1.0 + i as f64 * 0.05);
                results.results.push(cell(
                    workload,
                    kind,
                    model,
                    workers,
                    &[t, t * 1.01, t * 1.03],
                ));
            }
        }
    }
    results
}

/// One machine's fixture as report input.
pub fn one(results: ResultsFile) -> Vec<Input> {
    Input::label_all(vec![results], &[])
}

pub fn text_of<'a>(files: &'a [ReportFile], path: &str) -> std::borrow::Cow<'a, str> {
    let file = files.iter().find(|f| f.path == path);
    String::from_utf8_lossy(&file.unwrap_or_else(|| panic!("{path} missing")).bytes)
}

/// Seed experiments measured in both languages: S2 (thumbnail, with phases) and S3 (sleep, with
/// completion orders), the Rust oracle and two Rust pools, Python's baseline loop and two
/// Python pools, each described in the file's `models`.
pub fn seeds_fixture() -> ResultsFile {
    use poolbench_core::{Language, ModelRole, ModelStyle, WorkerKind};
    use poolbench_results::{ModelInfo, PhaseMean};
    let mut results = fixture();
    results.results.clear();
    let models: [(&str, Language, ModelRole, WorkerKind, f64); 6] = [
        (
            "sequential",
            Language::Rust,
            ModelRole::Oracle,
            WorkerKind::Caller,
            1.0,
        ),
        (
            "rayon",
            Language::Rust,
            ModelRole::Model,
            WorkerKind::Threads,
            1.02,
        ),
        (
            "process",
            Language::Rust,
            ModelRole::Model,
            WorkerKind::Processes,
            1.05,
        ),
        (
            "py-sequential",
            Language::Python,
            ModelRole::Baseline,
            WorkerKind::Caller,
            1.3,
        ),
        (
            "py-dummy-pool",
            Language::Python,
            ModelRole::Model,
            WorkerKind::Threads,
            1.32,
        ),
        (
            "py-pool",
            Language::Python,
            ModelRole::Model,
            WorkerKind::Processes,
            1.35,
        ),
    ];
    for (i, (name, language, role, workers, _)) in models.iter().enumerate() {
        results.models.push(ModelInfo {
            name: (*name).into(),
            language: *language,
            role: *role,
            workers: Some(*workers),
            style: ModelStyle::generated(i),
            summary: String::new(),
        });
    }
    let phases = |scale: f64| {
        ["read", "decode", "resize", "encode", "write"]
            .iter()
            .zip([0.04e-3, 1.3e-3, 0.2e-3, 0.06e-3, 0.17e-3])
            .map(|(phase, s)| PhaseMean {
                phase: (*phase).into(),
                mean_s: s * scale,
            })
            .collect::<Vec<_>>()
    };
    for (experiment, workload, kind, base) in [
        ("S2 (32 of 6,000 images)", "thumbnail", WorkKind::Cpu, 0.055),
        (
            "S3 (completion order, pool of 5)",
            "sleep",
            WorkKind::Io,
            0.4,
        ),
    ] {
        for (name, language, role, _, factor) in models {
            let counts: &[usize] = if role == ModelRole::Model {
                &[1, 2, 4]
            } else {
                &[1]
            };
            for &w in counts {
                let t = base * factor / w as f64;
                let mut c = cell(workload, kind, name, w, &[t, t * 1.01, t * 1.02]);
                c.experiment = Some(experiment.into());
                if workload == "thumbnail" && w == 1 {
                    c.per_task.phases = Some(phases(factor));
                }
                if workload == "sleep" {
                    let mut order: Vec<usize> = (0..8).collect();
                    if role != ModelRole::Oracle {
                        order.swap(1, 4);
                        order.swap(3, 7);
                    }
                    c.per_task.completion_order = Some(order);
                    c.tasks = 8;
                }
                if language == Language::Python {
                    c.per_task.queue_wait_s = None;
                }
                results.results.push(c);
            }
        }
    }
    results
}
