//! The results file reshaped for reporting: workloads, each with one series per model.

use poolbench_core::WorkKind;
use poolbench_runner::{CellResult, ResultsFile};

use crate::stats::median_ci;

/// One cell as the charts and tables see it (seconds).
#[derive(Debug, Clone)]
pub struct Point {
    pub workers: usize,
    pub median: f64,
    pub min: f64,
    pub max: f64,
    /// 95 % bootstrap interval of the median.
    pub ci: (f64, f64),
    pub speedup: Option<f64>,
    pub efficiency: Option<f64>,
    pub ideal: Option<f64>,
    /// CPU seconds per batch: this process plus worker processes.
    pub cpu: Option<f64>,
    pub verified: bool,
    pub failed: usize,
}

/// One model's cells for a workload, by increasing worker count.
#[derive(Debug, Clone)]
pub struct Series {
    pub model: String,
    pub points: Vec<Point>,
}

/// Everything measured for one workload with one set of parameters.
#[derive(Debug, Clone)]
pub struct WorkloadGroup {
    pub workload: String,
    pub kind: WorkKind,
    /// `key=value, …` of the parameters, for subtitles and tables.
    pub params: String,
    pub tasks: usize,
    pub series: Vec<Series>,
}

impl WorkloadGroup {
    /// The sequential oracle's cell, the reference line of the charts.
    pub fn sequential(&self) -> Option<&Point> {
        self.series
            .iter()
            .find(|s| s.model == "sequential")?
            .points
            .first()
    }

    /// Each model's cell at W = `workers`, with the sequential oracle's (always at W = 1)
    /// first, in registry order: the rows of the one-W comparison charts.
    pub fn at(&self, workers: usize) -> Vec<(&str, &Point)> {
        self.series
            .iter()
            .filter_map(|s| {
                let wanted = if s.model == "sequential" { 1 } else { workers };
                Some((
                    s.model.as_str(),
                    s.points.iter().find(|p| p.workers == wanted)?,
                ))
            })
            .collect()
    }

    /// Every worker count measured, ascending.
    pub fn worker_counts(&self) -> Vec<usize> {
        let mut all: Vec<usize> = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.workers))
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    }

    /// A short title like `http · 16 tasks · latency=5, size=256`.
    pub fn label(&self) -> String {
        format!("{} · {} tasks · {}", self.workload, self.tasks, self.params)
    }
}

/// Groups the cells that have timings, keeping the order in which workloads and models ran.
pub fn group(results: &ResultsFile) -> Vec<WorkloadGroup> {
    let mut groups: Vec<WorkloadGroup> = Vec::new();
    for (index, cell) in results.results.iter().enumerate() {
        let Some(point) = point(cell, index as u64) else {
            continue;
        };
        let params = params_text(cell);
        let group = match groups.iter_mut().position(|g| {
            g.workload == cell.workload && g.params == params && g.tasks == cell.tasks
        }) {
            Some(i) => &mut groups[i],
            None => {
                groups.push(WorkloadGroup {
                    workload: cell.workload.clone(),
                    kind: cell.kind,
                    params,
                    tasks: cell.tasks,
                    series: Vec::new(),
                });
                groups.last_mut().expect("just pushed")
            }
        };
        match group.series.iter_mut().find(|s| s.model == cell.model) {
            Some(series) => series.points.push(point),
            None => group.series.push(Series {
                model: cell.model.clone(),
                points: vec![point],
            }),
        }
    }
    for series in groups.iter_mut().flat_map(|g| g.series.iter_mut()) {
        series.points.sort_by_key(|p| p.workers);
    }
    groups
}

fn point(cell: &CellResult, seed: u64) -> Option<Point> {
    Some(Point {
        workers: cell.workers,
        median: cell.median_s?,
        min: cell.min_s?,
        max: cell.max_s?,
        ci: median_ci(&cell.samples_s, seed)?,
        speedup: cell.speedup,
        efficiency: cell.efficiency,
        ideal: cell.ideal_s,
        cpu: cell.cpu_s.map(|own| own + cell.child_cpu_s.unwrap_or(0.0)),
        verified: cell.verified,
        failed: cell.failed_tasks + cell.mismatched_tasks,
    })
}

/// `key=value, …` without the URL (it changes with every run's server port).
fn params_text(cell: &CellResult) -> String {
    let parts: Vec<String> = cell
        .params
        .iter()
        .filter(|(key, _)| key.as_str() != "url")
        .map(|(key, value)| match value.as_str() {
            Some(text) => format!("{key}={text}"),
            None => format!("{key}={value}"),
        })
        .collect();
    if parts.is_empty() {
        "no parameters".to_owned()
    } else {
        parts.join(", ")
    }
}
