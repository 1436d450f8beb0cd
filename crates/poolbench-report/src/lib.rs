//! Reports from `results.json`: what an educator puts on a slide and an engineer reads.
//!
//! A report is a folder: `index.html` (self-contained, charts inline), `README.md` (the same in
//! Markdown, so a report folder renders on a code-hosting site), `results.csv` (one row per
//! repetition) and `charts/` with every chart as SVG and PNG. Everything is rendered in memory
//! first, then written to a staging folder that is exchanged for the old one in one step
//! ([`write`]), so a failed report never leaves a half-written file or a half-replaced report
//! behind.
//!
//! Several results files (e.g. a 2-core laptop and a 16-core server) make one merged report:
//! each (model, machine) pair is a series of its own, labelled by machine.

pub mod articles;
mod chart;
pub mod cluster;
mod drawable;
mod history;
mod summary;
mod swap;
mod text;

use poolbench_compare::decide;
use poolbench_core::WorkloadRole;

pub use chart::{render, Figure, Rendered, Trend, TrendChange, TrendPoint, TrendSeries, SIZE};
pub use history::trend_page;
pub use poolbench_compare::{group, Input, Machine, ModelBook, Point, Series, WorkloadGroup};
pub use swap::{write, Replaced};

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("results of {label}: {message}")]
    BadValue { label: String, message: String },
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

/// A workload's part of the report: its group and its charts.
#[derive(Debug)]
pub struct Section<'a> {
    pub group: &'a WorkloadGroup,
    pub charts: Vec<Rendered>,
    /// Its timelines ("How each model scheduled the work"): Rust's, then Python's.
    pub timelines: Vec<Rendered>,
}

/// Which picture files a report holds besides the HTML and Markdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    /// Each chart as a PNG too (the SVG is always written: the HTML shows it). A report to
    /// commit can leave them out: a chart is then stored once.
    pub png: bool,
}

impl Default for Formats {
    fn default() -> Self {
        Self { png: true }
    }
}

/// Renders every file of the report for `inputs` (one results file, or several to merge),
/// drawing the models in the order and styles the files record ([`ModelBook::of`]): `index.html` (which
/// shows `charts/*.svg`), `README.md` (which shows the PNGs, or the SVGs without them),
/// `results.csv` and the charts.
pub fn build(inputs: &[Input]) -> Result<Vec<ReportFile>, ReportError> {
    build_with(inputs, Formats::default())
}

/// [`build`] with a choice of picture files.
pub fn build_with(inputs: &[Input], formats: Formats) -> Result<Vec<ReportFile>, ReportError> {
    let inputs = &*drawable::drawable(inputs);
    // Values no chart can draw honestly (a negative or absurd time) are refused, not drawn.
    for input in inputs {
        poolbench_results::check_results(&input.results).map_err(|message| {
            ReportError::BadValue {
                label: input.label.clone(),
                message,
            }
        })?;
    }
    let groups = group(inputs);
    let conditions = summary::conditions(inputs);
    let mut sections = Vec::with_capacity(groups.len());
    for g in &groups {
        sections.push(Section {
            group: g,
            charts: charts_for(g, &conditions)?,
            timelines: timelines_for(g, &conditions)?,
        });
    }
    let decisions = decide::decide_all(&groups);
    let advice = decide::what_to_use(&groups, &decisions);
    let (article_files, article_charts) = articles::pages(inputs, &sections, &conditions)?;
    let has_articles = !article_files.is_empty();
    let (cluster_files, cluster_charts) = cluster::pages(inputs, &conditions)?;
    let mut markdown = text::markdown(inputs, &sections, (&advice, &decisions), formats);
    let mut index = text::html(inputs, &sections, (&advice, &decisions), has_articles);
    if !cluster_files.is_empty() {
        markdown.insert_str(
            markdown.find("\n\n").map_or(0, |i| i + 2),
            "**[Cluster engines](cluster.md)**: what a task costs Dask and Ray beside Python's \
             pools, and from which task length each keeps up with multiprocessing.Pool.\n\n",
        );
        if let Some(at) = index.find("<nav>") {
            index.insert_str(
                at,
                "<p><b><a href=\"cluster.html\">Cluster engines</a></b>: what a task costs \
                 Dask and Ray beside Python's pools, and from which task length each keeps up \
                 with multiprocessing.Pool.</p>",
            );
        }
    }
    if has_articles {
        markdown.insert_str(
            markdown.find("\n\n").map_or(0, |i| i + 2),
            "**[The articles, re-measured](articles.md)**: each seed experiment with its \
             article's figure, Python's pools and the Rust models.\n\n",
        );
    }
    let mut files = vec![
        ReportFile {
            path: "index.html".into(),
            bytes: index.into_bytes(),
        },
        ReportFile {
            path: "README.md".into(),
            bytes: markdown.into_bytes(),
        },
        ReportFile {
            path: "results.csv".into(),
            bytes: poolbench_compare::csv::csv(inputs).into_bytes(),
        },
    ];
    files.extend(article_files);
    files.extend(cluster_files);
    for chart in sections
        .into_iter()
        .flat_map(|s| s.charts.into_iter().chain(s.timelines))
        .chain(article_charts)
        .chain(cluster_charts)
    {
        files.extend(chart.into_files(formats)?);
    }
    Ok(files)
}

impl Rendered {
    /// The chart as `charts/NAME.svg` and, with `formats.png`, `charts/NAME.png`.
    pub fn into_files(self, formats: Formats) -> Result<Vec<ReportFile>, chart::ChartError> {
        let png = formats.png.then(|| self.png()).transpose()?;
        let mut files = vec![ReportFile {
            path: format!("charts/{}.svg", self.name),
            bytes: self.svg.into_bytes(),
        }];
        if let Some(png) = png {
            files.push(ReportFile {
                path: format!("charts/{}.png", self.name),
                bytes: png,
            });
        }
        Ok(files)
    }
}

/// The charts of one workload: every kind of [`chart::SECTION_CHARTS`] that has something to
/// show for it (none for a testing aid, or a group with no W).
fn charts_for(g: &WorkloadGroup, conditions: &str) -> Result<Vec<Rendered>, ReportError> {
    if g.worker_counts().is_empty() || g.role == WorkloadRole::TestingAid {
        return Ok(Vec::new());
    }
    chart::SECTION_CHARTS
        .iter()
        .filter_map(|section| section(g, conditions))
        .map(|chart| chart.map_err(ReportError::from))
        .collect()
}

/// The timelines of one measured workload: one chart per language with a traced cell.
fn timelines_for(g: &WorkloadGroup, conditions: &str) -> Result<Vec<Rendered>, ReportError> {
    if g.worker_counts().is_empty() || g.role != WorkloadRole::Measured {
        return Ok(Vec::new());
    }
    chart::TIMELINE_LANGUAGES
        .into_iter()
        .map(|language| chart::Timeline::new(g, language, conditions.to_owned()))
        .filter(chart::Timeline::has_data)
        .map(|chart| render(&chart).map_err(ReportError::from))
        .collect()
}
