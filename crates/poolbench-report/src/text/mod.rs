//! The report's words and tables: Markdown (`README.md`), HTML (`index.html`) and CSV.

use std::fmt::Write;

use crate::summary::{conditions, summary, warnings};
use crate::Section;

mod html;
mod schedule;

pub use html::html;
pub(crate) use html::page_head;
use poolbench_compare::decide::MachineVerdict;
use poolbench_compare::decide::{headings_at_each_w, rows_at_each_w, Advice};
use poolbench_compare::{Input, Point, Series, WorkloadGroup};

pub(crate) use poolbench_compare::fmt::{escape, md as md_safe, secs};

/// One table row per cell of `g`, series by series.
fn rows(g: &WorkloadGroup, row: impl Fn(&Series, &Point) -> Vec<String>) -> Vec<Vec<String>> {
    g.series
        .iter()
        .flat_map(|s| s.points.iter().map(move |p| (s, p)))
        .map(|(s, p)| row(s, p))
        .collect()
}

/// A series' name in a table: marked with [`BLOCKING_MARK`] when an async model ran the
/// workload's blocking form (see [`blocking_note`]).
fn row_label(g: &WorkloadGroup, s: &Series) -> String {
    if g.ran_blocking_form(s) {
        format!("{} {BLOCKING_MARK}", s.label)
    } else {
        s.label.clone()
    }
}

/// How the "What to use" lines decide, under them.
const WHAT_TO_USE_NOTE: &str = "How these are decided: among the cells whose 95 % intervals \
     overlap the fastest one's (the one whose interval ends lowest), the one that adds the \
     fewest OS threads (worker processes \
     count), then uses the least memory, then the least CPU per task, then (I/O) has the \
     shortest p99 task time — each within 10 % of the least counting as the least — and if \
     several are still left, the fastest median of them. results.json records every decision \
     with its figures (verdicts).";

/// The mark beside an async model that ran the blocking form.
const BLOCKING_MARK: &str = "†";

/// The note under a table with [`BLOCKING_MARK`]ed rows, if it has any.
fn blocking_note(g: &WorkloadGroup) -> Option<String> {
    let marked: Vec<&str> = g
        .series
        .iter()
        .filter(|s| g.ran_blocking_form(s))
        .map(|s| s.model.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    (!marked.is_empty()).then(|| {
        format!(
            "{BLOCKING_MARK} {} ran the blocking form: {} has no async form, so each task ran \
             inline on one of the runtime's threads, holding it for the whole task (fine for \
             computing, wrong for blocking waits).",
            marked.join(", "),
            g.workload
        )
    })
}

fn table_rows(g: &WorkloadGroup) -> Vec<Vec<String>> {
    rows(g, |s, p| {
        vec![
            row_label(g, s),
            p.workers.to_string(),
            secs(p.median),
            ci_text(p),
            samples_text(p),
            format!("{} – {}", secs(p.min), secs(p.max)),
            p.speedup.map_or("–".into(), |x| format!("{x:.2}x")),
            p.efficiency
                .map_or("–".into(), |e| format!("{:.0}%", e * 100.0)),
            if p.verified {
                "yes".into()
            } else {
                format!("NO ({} failed)", p.failed)
            },
        ]
    })
}

/// The samples behind a median, and how many of them lie beyond Tukey's fences.
fn samples_text(p: &Point) -> String {
    let (n, severe) = (p.outliers.total(), p.outliers.severe());
    let outliers = if n == 1 { "outlier" } else { "outliers" };
    match severe {
        _ if n == 0 => p.samples.to_string(),
        0 => format!("{} ({n} {outliers})", p.samples),
        s => format!("{} ({n} {outliers}, {s} severe)", p.samples),
    }
}

/// The interval, with its level when it is below 95 % (too few samples).
fn ci_text(p: &Point) -> String {
    let range = format!("{} – {}", secs(p.ci.0), secs(p.ci.1));
    if poolbench_results::below_ci_level(p.ci_level) {
        format!("{range} (only {:.1} %)", p.ci_level * 100.0)
    } else {
        range
    }
}

const HEADINGS: [&str; 9] = [
    "model",
    "W",
    "median",
    "95% CI of median",
    "samples",
    "min – max",
    "speedup",
    "efficiency",
    "verified",
];

/// The per-task view of each cell: throughput, overhead, waits, run times, resources.
fn detail_rows(g: &WorkloadGroup) -> Vec<Vec<String>> {
    let dash = || "–".to_owned();
    let pair = |p: Option<poolbench_results::Percentiles>| {
        p.map_or_else(dash, |p| format!("{} / {}", secs(p.p50), secs(p.p99)))
    };
    rows(g, |s, p| {
        vec![
            row_label(g, s),
            p.workers.to_string(),
            format!("{:.0}", p.throughput),
            p.overhead_per_task.map_or_else(dash, signed_secs),
            pair(p.queue_wait),
            pair(p.service),
            p.cpu.map_or_else(dash, secs),
            p.cpu_user_system
                .map_or_else(dash, |(u, s)| format!("{} / {}", secs(u), secs(s))),
            p.context_switches.map_or_else(dash, |(v, i)| {
                let tasks = g.tasks.max(1) as f64;
                format!("{:.2} / {:.2}", v / tasks, i / tasks)
            }),
            p.peak_threads.map_or_else(dash, |t| t.to_string()),
            p.startup.map_or_else(dash, secs),
            p.self_peak_rss_bytes.map_or_else(dash, mib),
            p.peak_rss_bytes.map_or_else(dash, mib),
        ]
    })
}

const DETAIL_HEADINGS: [&str; 13] = [
    "model",
    "W",
    "tasks/s",
    "overhead per task",
    "queue wait p50 / p99",
    "run time p50 / p99",
    "CPU per batch (with workers)",
    "poolbench CPU user / sys",
    "context switches per task (voluntary / involuntary)",
    "threads added",
    "startup",
    "poolbench peak RSS",
    "worker peak RSS",
];

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / 1048576.0)
}

/// A duration that may be negative (a cell faster than its ideal).
fn signed_secs(s: f64) -> String {
    if s <= -0.5e-9 {
        format!("−{}", secs(-s))
    } else {
        secs(s)
    }
}

fn chart_names<'a>(section: &'a Section<'_>) -> impl Iterator<Item = &'a str> {
    section.charts.iter().map(|c| c.name.as_str())
}

/// `README.md`: the report in Markdown, charts as PNG beside it.
pub fn markdown(
    inputs: &[Input],
    sections: &[Section],
    (advice, decisions): (&[Advice], &[MachineVerdict]),
    formats: crate::Formats,
) -> String {
    let picture = if formats.png { "png" } else { "svg" };
    let mut md = String::new();
    let _ = writeln!(
        md,
        "# poolbench report\n\n{}\n",
        md_safe(&conditions(inputs))
    );
    let _ = writeln!(md, "## What to use\n");
    for a in advice {
        let _ = writeln!(md, "- **{}**: {}", md_safe(&a.about), md_safe(&a.text));
    }
    let _ = writeln!(md, "\n{WHAT_TO_USE_NOTE}\n");
    for line in summary(inputs, sections) {
        let _ = writeln!(md, "{}\n", md_safe(&line));
    }
    for warning in warnings(inputs) {
        let _ = writeln!(md, "> **Warning — {}**\n", md_safe(&warning));
    }
    for input in inputs {
        let _ = writeln!(
            md,
            "Command{}: `{}`\n",
            merged_suffix(inputs, input),
            input.results.environment.command_line.join(" ")
        );
    }
    for section in sections {
        let g = section.group;
        let _ = writeln!(md, "\n## {}\n", md_safe(&g.label()));
        let _ = writeln!(md, "Parameters: {}\n", md_safe(&g.params));
        for name in chart_names(section) {
            let _ = writeln!(md, "![{name}](charts/{name}.{picture})\n");
        }
        markdown_table(&mut md, &HEADINGS, &table_rows(g));
        if let Some(note) = blocking_note(g) {
            let _ = writeln!(md, "\n{note}");
        }
        let at_each_w = rows_at_each_w(g, decisions);
        if !at_each_w.is_empty() {
            let _ = writeln!(md, "\nWhat to use at each W:\n");
            markdown_table(&mut md, &headings_at_each_w(g), &at_each_w);
        }
        let _ = writeln!(md, "\nPer task:\n");
        markdown_table(&mut md, &DETAIL_HEADINGS, &detail_rows(g));
        if !section.timelines.is_empty() {
            let _ = writeln!(md, "\n### {}\n\n{}\n", schedule::HEADING, schedule::INTRO);
            for chart in &section.timelines {
                let _ = writeln!(md, "![{0}](charts/{0}.{picture})\n", chart.name);
            }
            markdown_table(&mut md, &schedule::HEADINGS, &schedule::rows(g));
            if let Some(finding) = schedule::finding(g) {
                let _ = writeln!(md, "\n{}", md_safe(&finding));
            }
        }
    }
    let _ = writeln!(md, "\n## Environment\n");
    for input in inputs {
        let env_json = serde_json::to_string_pretty(&input.results.environment).unwrap_or_default();
        let _ = writeln!(
            md,
            "{}```json\n{env_json}\n```\n",
            merged_heading(inputs, input)
        );
    }
    let _ = writeln!(
        md,
        "Raw data: [results.csv](results.csv) (one row per sample, with its round and place in the round){}. Charts are in \
         `charts/` as {}.",
        if inputs.len() == 1 {
            format!(
                " and [results.json](results.json) (every sample, schema `{}`)",
                inputs[0].results.schema
            )
        } else {
            String::new()
        },
        if formats.png { "SVG and PNG" } else { "SVG" }
    );
    md
}

fn markdown_table(md: &mut String, headings: &[&str], rows: &[Vec<String>]) {
    let _ = writeln!(md, "| {} |", headings.join(" | "));
    let _ = writeln!(md, "|{}", "---|".repeat(headings.len()));
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| md_safe(c)).collect();
        let _ = writeln!(md, "| {} |", cells.join(" | "));
    }
}

/// `, on machine` in a merged report, nothing otherwise.
fn merged_suffix(inputs: &[Input], input: &Input) -> String {
    if inputs.len() > 1 {
        format!(", on {}", input.label)
    } else {
        String::new()
    }
}

fn merged_heading(inputs: &[Input], input: &Input) -> String {
    if inputs.len() > 1 {
        format!("### {}\n\n", input.label)
    } else {
        String::new()
    }
}
