//! Python beside Rust for one workload group: the fastest of each language at each W, each
//! Python model's time, and what the numbers say in words.

use poolbench_core::{Language, ModelRole, WorkKind, WorkerKind};

use poolbench_compare::fmt::secs;
use poolbench_compare::{Series, WorkloadGroup};

/// One worker count's row.
#[derive(Debug, Clone)]
pub struct Row {
    pub workers: usize,
    /// The fastest verified Rust pool at this W (a one-at-a-time loop is not a pool), and its
    /// time.
    pub best_rust: Option<(String, f64)>,
    /// Each Python model's time at this W, in [`Comparison::python_models`] order.
    pub python: Vec<Option<f64>>,
    /// The fastest Python pool's time at this W.
    pub best_python: Option<f64>,
}

/// What one group says about Python and Rust.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    pub python_models: Vec<String>,
    pub rows: Vec<Row>,
    /// Each language's one-at-a-time loop at W = 1: (model, median).
    pub rust_loop: Option<(String, f64)>,
    pub python_loop: Option<(String, f64)>,
    /// Fastest verified pool of each language at any W: (model, W, median).
    pub best_rust: Option<(String, usize, f64)>,
    pub best_python: Option<(String, usize, f64)>,
    /// Sentences on what the numbers show.
    pub findings: Vec<String>,
    /// The article's claims this group tests, and what the intervals say of each.
    pub claims: Vec<super::claims::Outcome>,
    /// Why this group's Python ÷ Rust figures are not like for like, if they are not (its
    /// tasks decode JPEGs, and the two languages' decoders differ).
    pub caveat: Option<String>,
}

/// The median of `series`'s verified cell at W = `w`.
fn at(series: &Series, w: usize) -> Option<f64> {
    series
        .points
        .iter()
        .find(|p| p.workers == w && p.verified)
        .map(|p| p.median)
}

/// Whether `series` runs one task at a time (a loop: the oracle, or Python's baseline).
fn is_loop(series: &Series) -> bool {
    matches!(series.role, ModelRole::Oracle | ModelRole::Baseline)
        || series.worker_kind == Some(WorkerKind::Caller)
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

/// Python and Rust side by side for `g` (its first machine), like for like: pools against
/// pools at the same W, each language's loop against the other's; and whether `article`'s
/// claims held (an experiment about the order tasks finish in counts the tasks out of turn).
pub fn compare(
    g: &WorkloadGroup,
    article: &super::Article,
    jpeg_mismatch: Option<&str>,
) -> Comparison {
    let about_order = article.about_order;
    let series: Vec<&Series> = g.series.iter().filter(|s| s.machine == 0).collect();
    let of = |language: Language, pools: bool| {
        series
            .iter()
            .copied()
            .filter(move |s| s.language == language && is_loop(s) != pools)
    };
    let python_models: Vec<String> = series
        .iter()
        .filter(|s| s.language == Language::Python)
        .map(|s| s.model.clone())
        .collect();
    let rows = g
        .worker_counts_on(0)
        .into_iter()
        .map(|w| Row {
            workers: w,
            best_rust: of(Language::Rust, true)
                .filter_map(|s| Some((s.model.clone(), at(s, w)?)))
                .min_by(|a, b| a.1.total_cmp(&b.1)),
            python: series
                .iter()
                .filter(|s| s.language == Language::Python)
                .map(|s| at(s, w))
                .collect(),
            best_python: of(Language::Python, true)
                .filter_map(|s| at(s, w))
                .reduce(f64::min),
        })
        .collect();
    let a_loop = |language| {
        of(language, false)
            .filter_map(|s| Some((s.model.clone(), at(s, 1)?)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
    };
    let mut c = Comparison {
        python_models,
        rows,
        rust_loop: a_loop(Language::Rust),
        python_loop: a_loop(Language::Python),
        best_rust: fastest(of(Language::Rust, true)),
        best_python: fastest(of(Language::Python, true)),
        findings: Vec::new(),
        claims: Vec::new(),
        caveat: None,
    };
    let decodes = series.iter().any(|s| {
        s.points
            .iter()
            .flat_map(|p| p.phases.iter().flatten())
            .any(|p| p.phase == "decode")
    });
    c.caveat = jpeg_mismatch
        .filter(|_| decodes && c.best_python.is_some())
        .map(str::to_owned);
    c.findings = findings(g, &series, &c, about_order);
    if let Some(caveat) = &c.caveat {
        c.findings
            .insert(0, format!("Every Python ÷ Rust figure here is {caveat}."));
    }
    for claim in article.claims {
        if let Some((outcome, sentence)) = super::claims::check(claim, g) {
            c.claims.push(outcome);
            c.findings.push(sentence);
        }
    }
    c
}

impl Comparison {
    pub fn best_rust_text(&self) -> String {
        self.best_rust.as_ref().map_or("-".into(), |(m, w, t)| {
            format!("{m} at W = {w}: {}", secs(*t))
        })
    }

    /// What the article's claims came to here: `held`, `did not hold here`, `no difference
    /// within the intervals`, or `-` when the group tests none.
    pub fn claims_text(&self) -> String {
        if self.claims.is_empty() {
            return "-".into();
        }
        let texts: Vec<&str> = self.claims.iter().map(|c| c.text()).collect();
        texts.join("; ")
    }

    pub fn best_python_text(&self) -> String {
        self.best_python
            .as_ref()
            .map_or("not measured".into(), |(m, w, t)| {
                format!("{m} at W = {w}: {}", secs(*t))
            })
    }

    /// Python pool ÷ Rust pool at each W both ran, and loop ÷ loop: `pools at W = 1: 1.30,
    /// W = 4: 70.1; loops: 25.3`. Every ratio compares the same kind of model at the same W.
    pub fn ratio_text(&self) -> String {
        let text = self.plain_ratio_text();
        match &self.caveat {
            Some(_) if text != "-" => format!("{text} (not like for like: see the page)"),
            _ => text,
        }
    }

    fn plain_ratio_text(&self) -> String {
        let mut parts: Vec<String> = self
            .rows
            .iter()
            .filter_map(|row| {
                let python = row.best_python?;
                let (_, rust) = row.best_rust.as_ref()?;
                Some(format!("W = {}: {}", row.workers, ratio(python / rust)))
            })
            .collect();
        if !parts.is_empty() {
            parts[0] = format!("pools at {}", parts[0]);
        }
        if let (Some((_, python)), Some((_, rust))) = (&self.python_loop, &self.rust_loop) {
            parts.push(format!("loops: {}", ratio(python / rust)));
        }
        if parts.is_empty() {
            "-".into()
        } else {
            parts.join("; ")
        }
    }

    /// The table: W, fastest Rust pool, each Python model, and fastest Python pool ÷ fastest
    /// Rust pool at that W; then a row for the loops.
    pub fn table(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let mut headings = vec!["W".to_owned(), "fastest Rust pool".to_owned()];
        headings.extend(self.python_models.iter().cloned());
        headings.push(if self.caveat.is_some() {
            "fastest Python pool ÷ fastest Rust pool (same W; not like for like)".to_owned()
        } else {
            "fastest Python pool ÷ fastest Rust pool (same W)".to_owned()
        });
        let mut rows: Vec<Vec<String>> = self
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
                cells.push(match (row.best_python, &row.best_rust) {
                    (Some(p), Some((_, r))) => ratio(p / r),
                    _ => "-".into(),
                });
                cells
            })
            .collect();
        if let (Some((pm, pt)), Some((rm, rt))) = (&self.python_loop, &self.rust_loop) {
            let mut cells = vec![
                "1 (loops)".to_owned(),
                format!("{} ({rm}, a loop)", secs(*rt)),
            ];
            cells.extend(self.python_models.iter().map(|m| {
                if m == pm {
                    secs(*pt)
                } else {
                    "-".into()
                }
            }));
            cells.push(format!("{} ({pm} ÷ {rm})", ratio(pt / rt)));
            rows.push(cells);
        }
        (headings, rows)
    }
}

/// A ratio to three significant digits: `0.870`, `1.30`, `70.1`, `652`.
fn ratio(r: f64) -> String {
    if r >= 100.0 {
        format!("{r:.0}")
    } else if r >= 10.0 {
        format!("{r:.1}")
    } else {
        format!("{r:.2}")
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
            "Fastest Rust pool: {rm} at W = {rw}, {}. Fastest Python pool: {pm} at W = {pw}, \
             {}. Each at its own best W (Python W = {pw}, Rust W = {rw}), Python takes {}x \
             Rust's time; pool against pool at the same W: {}.",
            secs(*rt),
            secs(*pt),
            ratio(pt / rt),
            c.plain_ratio_text()
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
