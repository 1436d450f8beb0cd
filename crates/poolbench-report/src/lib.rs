//! Reports from `results.json`: what an educator puts on a slide and an engineer reads.
//!
//! A report is a folder: `index.html` (self-contained, charts inline), `README.md` (the same in
//! Markdown, so a report folder renders on a code-hosting site), `results.csv` (one row per
//! repetition) and `charts/` with every chart as SVG and PNG. Everything is rendered in memory
//! first and then each file is written atomically, so a failed report never leaves a
//! half-written file behind.

mod chart;
mod data;
mod stats;
mod text;
mod verdict;

use std::path::Path;

use poolbench_runner::{write_atomic, ResultsFile};

pub use chart::{render, Figure, Rendered, SIZE};
pub use data::{group, Point, Series, WorkloadGroup};
pub use stats::{median_ci, overlap};
pub use verdict::{verdicts, Verdict};

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Chart(#[from] chart::ChartError),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

/// One file of a report, relative to the report folder.
#[derive(Debug, Clone)]
pub struct ReportFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Renders every file of the report for `results`.
pub fn build(results: &ResultsFile) -> Result<Vec<ReportFile>, ReportError> {
    let groups = group(results);
    let cores = results.environment.logical_cores.max(1);
    let conditions = text::conditions(results);
    let mut charts = Vec::new();
    for g in &groups {
        let workers = g.worker_counts();
        if workers.is_empty() || g.workload == "fault" {
            continue;
        }
        let conditions = conditions.clone();
        charts.push(render(&chart::TimeVsWorkers {
            group: g,
            conditions: conditions.clone(),
        })?);
        if g.workload == "noop" {
            let w = workers
                .iter()
                .copied()
                .find(|&w| w >= 2)
                .unwrap_or(workers[0]);
            charts.push(render(&chart::Overhead {
                group: g,
                workers: w,
                conditions,
            })?);
            continue;
        }
        charts.push(render(&chart::SpeedupVsWorkers {
            group: g,
            conditions: conditions.clone(),
        })?);
        let at = if workers.contains(&cores) {
            cores
        } else {
            workers
                .iter()
                .copied()
                .filter(|&w| w <= cores)
                .max()
                .unwrap_or(workers[0])
        };
        charts.push(render(&chart::BarsAtW {
            group: g,
            workers: at,
            conditions: conditions.clone(),
        })?);
        if g.kind == poolbench_core::WorkKind::Io {
            charts.push(render(&chart::CpuVsWall {
                group: g,
                cores,
                conditions,
            })?);
        }
    }
    let verdicts = verdicts(&groups, cores);
    let mut files = vec![
        ReportFile {
            path: "index.html".into(),
            bytes: text::html(results, &groups, &verdicts, &charts).into_bytes(),
        },
        ReportFile {
            path: "README.md".into(),
            bytes: text::markdown(results, &groups, &verdicts, &charts).into_bytes(),
        },
        ReportFile {
            path: "results.csv".into(),
            bytes: text::csv(results).into_bytes(),
        },
    ];
    for chart in charts {
        files.push(ReportFile {
            path: format!("charts/{}.svg", chart.name),
            bytes: chart.svg.into_bytes(),
        });
        files.push(ReportFile {
            path: format!("charts/{}.png", chart.name),
            bytes: chart.png,
        });
    }
    Ok(files)
}

/// Writes `files` into `dir` (creating `dir/charts`), each file atomically.
pub fn write(dir: &Path, files: &[ReportFile]) -> Result<(), ReportError> {
    for file in files {
        let path = dir.join(&file.path);
        let fail = |source| ReportError::Write {
            path: path.display().to_string(),
            source,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(fail)?;
        }
        write_atomic(&path, &file.bytes).map_err(fail)?;
    }
    Ok(())
}
