//! The results files reshaped for reporting: workloads, each with one series per model and
//! machine.
//!
//! A report usually shows one results file. Given several (a laptop and a server, say), it
//! merges them: cells of the same workload, parameters and task count fall in one group, and
//! each (model, machine) pair becomes its own series, labelled `model · machine`, so one chart
//! compares machines as well as models.

use poolbench_core::{Language, ModelRole, ModelStyle, WorkKind, WorkerKind, WorkloadRole};
use poolbench_results::{Percentiles, PhaseMean, ResultsFile};

use crate::ModelBook;

/// One results file and the name its machine goes by in a merged report.
#[derive(Debug, Clone)]
pub struct Input {
    pub label: String,
    pub results: ResultsFile,
}

impl Input {
    /// Labels each results file with `labels` (by position), else with its machine's host
    /// name and core count; repeated labels get `#2`, `#3`, … so every input stays apart.
    pub fn label_all(results: Vec<ResultsFile>, labels: &[String]) -> Vec<Input> {
        let mut inputs: Vec<Input> = Vec::with_capacity(results.len());
        for (i, results) in results.into_iter().enumerate() {
            let base = labels
                .get(i)
                .cloned()
                .unwrap_or_else(|| results.environment.machine_label());
            let mut label = base.clone();
            let mut n = 1;
            while inputs.iter().any(|input| input.label == label) {
                n += 1;
                label = format!("{base} #{n}");
            }
            inputs.push(Input { label, results });
        }
        inputs
    }
}

/// A machine whose cells a group holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Machine {
    pub label: String,
    pub cores: usize,
}

/// One cell as the charts and tables see it (seconds).
#[derive(Debug, Clone)]
pub struct Point {
    pub workers: usize,
    pub median: f64,
    pub min: f64,
    pub max: f64,
    /// Distribution-free interval of the median (two order statistics of the samples).
    pub ci: (f64, f64),
    /// The interval's actual confidence level (below 0.95 only with too few samples).
    pub ci_level: f64,
    /// Clean samples behind the median.
    pub samples: usize,
    /// Those of them beyond Tukey's fences (the median and its interval stay as they are).
    pub outliers: poolbench_results::Outliers,
    /// Median context switches per batch (voluntary, involuntary), workers included.
    pub context_switches: Option<(f64, f64)>,
    pub speedup: Option<f64>,
    pub efficiency: Option<f64>,
    pub ideal: Option<f64>,
    /// CPU seconds per batch: this process plus worker processes.
    pub cpu: Option<f64>,
    pub verified: bool,
    pub failed: usize,
    /// Tasks per second at the median.
    pub throughput: f64,
    /// (median − ideal) / tasks: what each task cost beyond the work itself.
    pub overhead_per_task: Option<f64>,
    pub queue_wait: Option<Percentiles>,
    pub service: Option<Percentiles>,
    /// I/O workloads: every request's latency, ascending.
    pub latency: Option<Vec<f64>>,
    pub startup: Option<f64>,
    pub peak_threads: Option<usize>,
    pub peak_rss_bytes: Option<u64>,
    /// poolbench's own user and system CPU seconds per batch (workers not included).
    pub cpu_user_system: Option<(f64, f64)>,
    /// poolbench's own peak resident set during the cell.
    pub self_peak_rss_bytes: Option<u64>,
    /// Each phase's mean time per task (thumbnail: read, decode, resize, encode, write).
    pub phases: Option<Vec<PhaseMean>>,
    /// Task indices in the order they finished, in one batch (batches of up to 64 tasks).
    pub completion_order: Option<Vec<usize>>,
    /// The cell's traced batch: every task on the worker that ran it (its timeline).
    pub trace: Option<poolbench_results::Trace>,
}

/// One model's cells on one machine, by increasing worker count.
#[derive(Debug, Clone)]
pub struct Series {
    pub model: String,
    /// Index into the group's machines.
    pub machine: usize,
    /// The model's name, followed by ` · machine` in a merged report.
    pub label: String,
    /// Whether the model is the run's oracle (the sequential reference, at W = 1 only).
    pub oracle: bool,
    /// The language the model's tasks run in.
    pub language: Language,
    /// Its role (oracle, another language's one-at-a-time baseline, or a model).
    pub role: ModelRole,
    /// What runs its tasks, when the results file says.
    pub worker_kind: Option<WorkerKind>,
    /// How charts draw it (the group's book's style for the model).
    pub style: ModelStyle,
    pub points: Vec<Point>,
}

/// Everything measured for one workload with one set of parameters.
#[derive(Debug, Clone)]
pub struct WorkloadGroup {
    pub workload: String,
    pub kind: WorkKind,
    /// What the workload is for (measured work, overhead probe, testing aid).
    pub role: WorkloadRole,
    /// Whether it has an async form (`None` in files from before it was recorded). Without
    /// one, the async models ran its blocking form.
    pub async_form: Option<bool>,
    /// The experiment the cells replicate, e.g. `S6 (scaled 10x)`.
    pub experiment: Option<String>,
    /// `key=value, …` of the parameters, for subtitles and tables.
    pub params: String,
    /// The parameters as the cells record them.
    pub param_values: serde_json::Map<String, serde_json::Value>,
    /// `key=value, …` of the parameters that differ from the workload's defaults, for
    /// headings (`None` when the file does not record the defaults: headings then show all).
    pub changed: Option<String>,
    pub tasks: usize,
    /// Unique among a report's groups; names its chart files.
    pub slug: String,
    pub machines: Vec<Machine>,
    pub series: Vec<Series>,
    /// How the report orders and draws the models of these series (the same for every group
    /// of one report).
    pub book: ModelBook,
}

impl WorkloadGroup {
    /// Whether the group compares more than one machine.
    pub fn is_merged(&self) -> bool {
        self.machines.len() > 1
    }

    /// Whether `series` ran this workload's blocking form although it is an async model: the
    /// workload has no async form, so its tasks ran inline on the runtime's threads.
    pub fn ran_blocking_form(&self, series: &Series) -> bool {
        self.async_form == Some(false) && series.worker_kind == Some(WorkerKind::AsyncTasks)
    }

    /// The sequential oracle's cell on `machine`, the reference line of the charts.
    pub fn sequential(&self, machine: usize) -> Option<&Point> {
        self.series
            .iter()
            .find(|s| s.oracle && s.machine == machine)?
            .points
            .first()
    }

    /// Each series' cell at the worker count `workers_for` picks for its machine, the
    /// sequential oracle's (always at W = 1) included, in registry order: the rows of the
    /// one-W comparison charts.
    /// `workers_for` is asked once per machine, however many series there are.
    pub fn at(&self, workers_for: impl Fn(usize) -> usize) -> Vec<(&Series, &Point)> {
        let wanted_on: Vec<usize> = (0..self.machines.len().max(1)).map(&workers_for).collect();
        self.series
            .iter()
            .filter_map(|s| {
                let wanted = if s.oracle {
                    1
                } else {
                    wanted_on
                        .get(s.machine)
                        .copied()
                        .unwrap_or_else(|| workers_for(s.machine))
                };
                Some((s, s.points.iter().find(|p| p.workers == wanted)?))
            })
            .collect()
    }

    /// The worker count to compare models at on `machine`. For I/O work, the largest
    /// measured (where waiting tasks overlap most and models differ most). For CPU work, the
    /// machine's core count if measured, else the nearest count above it, else the largest
    /// below it. The sequential oracle's W = 1 does not count as measured.
    pub fn comparison_workers(&self, machine: usize) -> usize {
        let cores = self.machines.get(machine).map_or(1, |m| m.cores);
        let counts = counts(
            self.series
                .iter()
                .filter(|s| s.machine == machine && !s.oracle),
        );
        let largest = counts.last().copied().unwrap_or(1);
        if self.kind == WorkKind::Io {
            return largest;
        }
        if counts.contains(&cores) {
            return cores;
        }
        counts
            .iter()
            .copied()
            .find(|&w| w > cores)
            .unwrap_or(largest)
    }

    /// Every worker count measured, ascending.
    pub fn worker_counts(&self) -> Vec<usize> {
        counts(self.series.iter())
    }

    /// Every worker count measured on `machine`, ascending.
    pub fn worker_counts_on(&self, machine: usize) -> Vec<usize> {
        counts(self.series.iter().filter(|s| s.machine == machine))
    }

    /// A short title like `S6 (scaled 10x): sleep · 5 tasks · delay 200 ms`.
    /// The heading of the group: its experiment, workload, task count and the parameters
    /// that differ from the defaults (`defaults` when none does).
    pub fn label(&self) -> String {
        let params = match self.changed.as_deref() {
            Some("no parameters") => "defaults",
            Some(changed) => changed,
            None => &self.params,
        };
        self.labelled(params)
    }

    /// [`WorkloadGroup::label`] with every parameter, for chart subtitles.
    pub fn full_label(&self) -> String {
        self.labelled(&self.params)
    }

    fn labelled(&self, params: &str) -> String {
        let what = format!("{} · {} tasks · {params}", self.workload, self.tasks);
        match &self.experiment {
            Some(experiment) => format!("{experiment}: {what}"),
            None => what,
        }
    }

    /// The same group with only `machine`'s series (and that machine alone).
    pub fn for_machine(&self, machine: usize) -> WorkloadGroup {
        let mut one = self.clone();
        one.series = self
            .series
            .iter()
            .filter(|s| s.machine == machine)
            .cloned()
            .map(|mut s| {
                s.machine = 0;
                s.label.clone_from(&s.model);
                s
            })
            .collect();
        one.machines = self.machines.get(machine).cloned().into_iter().collect();
        one
    }
}

fn counts<'a>(series: impl Iterator<Item = &'a Series>) -> Vec<usize> {
    let mut all: Vec<usize> = series
        .flat_map(|s| s.points.iter().map(|p| p.workers))
        .collect();
    all.sort_unstable();
    all.dedup();
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(model: &str, workers: &[usize]) -> Series {
        Series {
            model: model.into(),
            machine: 0,
            label: model.into(),
            oracle: model == "sequential",
            language: Language::Rust,
            role: ModelRole::Model,
            worker_kind: None,
            style: poolbench_core::ModelStyle::generated(0),
            points: workers
                .iter()
                .map(|&w| crate::verdict::tests::point(w, 1.0, (1.0, 1.0)))
                .collect(),
        }
    }

    #[test]
    fn models_are_compared_where_they_differ() {
        let mut g = WorkloadGroup {
            workload: "sum".into(),
            kind: WorkKind::Cpu,
            role: WorkloadRole::Measured,
            async_form: None,
            experiment: None,
            changed: None,
            param_values: Default::default(),
            params: String::new(),
            tasks: 4,
            slug: "sum".into(),
            book: Default::default(),
            machines: vec![Machine {
                label: "here".into(),
                cores: 2,
            }],
            series: vec![series("sequential", &[1]), series("rayon", &[1, 2, 4])],
        };
        assert_eq!(g.comparison_workers(0), 2, "CPU work: at the core count");
        g.series[1] = series("rayon", &[1, 4]);
        assert_eq!(
            g.comparison_workers(0),
            4,
            "else the nearest count above it"
        );
        g.series[1] = series("rayon", &[3]);
        assert_eq!(g.comparison_workers(0), 3, "not the oracle's W = 1");
        g.series[1] = series("rayon", &[1]);
        assert_eq!(g.comparison_workers(0), 1);
        g.kind = WorkKind::Io;
        g.series[1] = series("rayon", &[1, 2, 8]);
        assert_eq!(g.comparison_workers(0), 8, "I/O work: the widest");
    }
}
