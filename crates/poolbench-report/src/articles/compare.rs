//! Python beside Rust for one workload group: the fastest of each language at each W, each
//! Python model's time, and what the numbers say in words.

use poolbench_core::{Language, ModelRole, WorkKind, WorkerKind};

use crate::data::{Series, WorkloadGroup};
use crate::text::secs;

/// One worker count's row.
#[derive(Debug, Clone)]
pub struct Row {
    pub workers: usize,
    /// The fastest verified Rust model at this W (the oracle counts at W = 1), and its time.
    pub best_rust: Option<(String, f64)>,
    /// Each Python model's time at this W, in [`Comparison::python_models`] order.
    pub python: Vec<Option<f64>>,
}

/// What one group says about Python and Rust.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    pub python_models: Vec<String>,
    pub rows: Vec<Row>,
    /// Fastest verified cell of each language: (model, W, median).
    pub best_rust: Option<(String, usize, f64)>,
    pub best_python: Option<(String, usize, f64)>,
    /// Sentences on what the numbers show.
    pub findings: Vec<String>,
}

/// The median of `series`'s verified cell at W = `w`.
fn at(series: &Series, w: usize) -> Option<f64> {
    series
        .points
        .iter()
        .find(|p| p.workers == w && p.verified)
        .map(|p| p.median)
}

/// The fastest verified cell among `series`: (model, W, median).
fn fastest<'a>(series: impl Iterator<Item = &'a Series>) -> Option<(String, usize, f64)> {
    series
        .flat_map(|s| {
            s.points
                .iter()
                .filter(|p| p.verified)
                .map(move |p| (s.model.clone(), p.workers, p.median))
        })
        .min_by(|a, b| a.2.total_cmp(&b.2))
}

/// Python and Rust side by side for `g` (its first machine); `about_order`: the experiment is
/// about the order tasks finish in, which the findings then count.
pub fn compare(g: &WorkloadGroup, about_order: bool) -> Comparison {
    let series: Vec<&Series> = g.series.iter().filter(|s| s.machine == 0).collect();
    let rust = || {
        series
            .iter()
            .copied()
            .filter(|s| s.language == Language::Rust)
    };
    let python = || {
        series
            .iter()
            .copied()
            .filter(|s| s.language == Language::Python)
    };
    let python_models: Vec<String> = python().map(|s| s.model.clone()).collect();
    let rows = g
        .worker_counts_on(0)
        .into_iter()
        .map(|w| Row {
            workers: w,
            best_rust: rust()
                .filter_map(|s| Some((s.model.clone(), at(s, w)?)))
                .min_by(|a, b| a.1.total_cmp(&b.1)),
            python: python().map(|s| at(s, w)).collect(),
        })
        .collect();
    let mut c = Comparison {
        python_models,
        rows,
        best_rust: fastest(rust()),
        best_python: fastest(python()),
        findings: Vec::new(),
    };
    c.findings = findings(g, &series, &c, about_order);
    c
}

impl Comparison {
    pub fn best_rust_text(&self) -> String {
        self.best_rust.as_ref().map_or("-".into(), |(m, w, t)| {
            format!("{m} at W = {w}: {}", secs(*t))
        })
    }

    pub fn best_python_text(&self) -> String {
        self.best_python
            .as_ref()
            .map_or("not measured".into(), |(m, w, t)| {
                format!("{m} at W = {w}: {}", secs(*t))
            })
    }

    /// How many times the fastest Rust time the fastest Python time is.
    pub fn ratio(&self) -> Option<f64> {
        Some(self.best_python.as_ref()?.2 / self.best_rust.as_ref()?.2)
    }

    pub fn ratio_text(&self) -> String {
        self.ratio().map_or("-".into(), |r| format!("{r:.2}"))
    }

    /// The table: W, fastest Rust, each Python model, and the ratio of the fastest of each.
    pub fn table(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let mut headings = vec!["W".to_owned(), "fastest Rust model".to_owned()];
        headings.extend(self.python_models.iter().cloned());
        headings.push("fastest Python ÷ fastest Rust".to_owned());
        let rows = self
            .rows
            .iter()
            .map(|row| {
                let mut cells = vec![
                    row.workers.to_string(),
                    row.best_rust
                        .as_ref()
                        .map_or("-".into(), |(m, t)| format!("{} ({m})", secs(*t))),
                ];
                cells.extend(row.python.iter().map(|t| t.map_or("-".into(), secs)));
                let best_python = row.python.iter().flatten().copied().reduce(f64::min);
                cells.push(match (best_python, &row.best_rust) {
                    (Some(p), Some((_, r))) => format!("{:.2}", p / r),
                    _ => "-".into(),
                });
                cells
            })
            .collect();
        (headings, rows)
    }
}

/// Sentences: the fastest of each language; on CPU-bound work, what threads and processes do
/// in each language against its own one-at-a-time time (the GIL, shown); on phases, where the
/// time goes; on completion order, how far it is from submission order.
fn findings(
    g: &WorkloadGroup,
    series: &[&Series],
    c: &Comparison,
    about_order: bool,
) -> Vec<String> {
    let mut lines = Vec::new();
    match (&c.best_rust, &c.best_python) {
        (Some((rm, rw, rt)), Some((pm, pw, pt))) => lines.push(format!(
            "Fastest Rust: {rm} at W = {rw}, {}. Fastest Python: {pm} at W = {pw}, {}. Python \
             takes {:.2}x Rust's time.",
            secs(*rt),
            secs(*pt),
            pt / rt
        )),
        (Some((rm, rw, rt)), None) => lines.push(format!(
            "Fastest Rust: {rm} at W = {rw}, {} (no Python model ran this).",
            secs(*rt)
        )),
        _ => {}
    }
    if g.kind == WorkKind::Cpu {
        for language in [Language::Python, Language::Rust] {
            if let Some(line) = threads_and_processes(series, language) {
                lines.push(line);
            }
        }
    }
    if let Some(line) = phase_shares(series) {
        lines.push(line);
    }
    let python = series.iter().filter(|s| s.language == Language::Python);
    for s in python.filter(|_| about_order) {
        let Some(order) = s.points.iter().find_map(|p| p.completion_order.as_ref()) else {
            continue;
        };
        let out_of_turn = order.iter().enumerate().filter(|(k, t)| k != *t).count();
        lines.push(format!(
            "{}: {out_of_turn} of {} tasks finished out of their submission order.",
            s.model,
            order.len()
        ));
    }
    lines
}

/// On CPU-bound work: each pool of `language` at its largest W against that language's own
/// one-at-a-time time (Rust: the oracle; Python: its baseline loop).
fn threads_and_processes(series: &[&Series], language: Language) -> Option<String> {
    let mine: Vec<&&Series> = series.iter().filter(|s| s.language == language).collect();
    let alone = mine
        .iter()
        .find(|s| matches!(s.role, ModelRole::Oracle | ModelRole::Baseline))?;
    let alone_t = at(alone, 1)?;
    let mut parts = Vec::new();
    let mut threads_ratio = None;
    for kind in [WorkerKind::Threads, WorkerKind::Processes] {
        let Some((s, w, t)) = mine
            .iter()
            .filter(|s| s.worker_kind == Some(kind))
            .filter_map(|s| {
                let p = s
                    .points
                    .iter()
                    .filter(|p| p.verified)
                    .max_by_key(|p| p.workers)?;
                Some((s, p.workers, p.median))
            })
            .min_by(|a, b| a.2.total_cmp(&b.2))
        else {
            continue;
        };
        if kind == WorkerKind::Threads {
            threads_ratio = Some(t / alone_t);
        }
        parts.push(format!(
            "{} ({kind}, W = {w}) takes {:.2}x {}'s time",
            s.model,
            t / alone_t,
            alone.model
        ));
    }
    if parts.is_empty() {
        return None;
    }
    let why = match (language, threads_ratio) {
        (Language::Python, Some(r)) if r >= 0.9 => {
            " Python's threads share one GIL: while tasks run Python bytecode only one thread \
             runs, so threads do not beat the loop; processes each have their own interpreter."
        }
        (Language::Python, Some(_)) => {
            " Python's threads did beat the loop here: the work runs mostly in C code that \
             releases the GIL (as Pillow's decoding and resizing do), so threads overlap; work \
             in Python bytecode (S7's sum) cannot."
        }
        (Language::Python, None) => "",
        (Language::Rust, _) => " Rust's threads run on every core at once.",
    };
    Some(format!("{language}: {}.{why}", parts.join("; ")))
}

/// Where a task's time goes in each language, from the W = 1 cells that timed their phases.
fn phase_shares(series: &[&Series]) -> Option<String> {
    let mut parts = Vec::new();
    for s in series
        .iter()
        .filter(|s| matches!(s.role, ModelRole::Oracle | ModelRole::Baseline))
    {
        let Some(phases) = s.points.iter().find(|p| p.workers == 1)?.phases.as_ref() else {
            continue;
        };
        let total: f64 = phases.iter().map(|p| p.mean_s).sum();
        let Some(top) = phases.iter().max_by(|a, b| a.mean_s.total_cmp(&b.mean_s)) else {
            continue;
        };
        if total > 0.0 {
            parts.push(format!(
                "{} ({}): {}, {} of {} per task ({:.0} %)",
                s.model,
                s.language,
                top.phase,
                secs(top.mean_s),
                secs(total),
                top.mean_s / total * 100.0
            ));
        }
    }
    (!parts.is_empty()).then(|| format!("Where the time goes: {}.", parts.join("; ")))
}
