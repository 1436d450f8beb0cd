//! The comparison as people read it: a terminal table, or Markdown for a CI job summary.

use std::fmt::Write;

use super::{Comparison, Verdict};
use crate::fmt::{md, printable};

fn percent(x: Option<f64>) -> String {
    x.map_or("–".to_owned(), |x| format!("{:+.1} %", x * 100.0))
}

fn interval(x: Option<[f64; 2]>) -> String {
    x.map_or("–".to_owned(), |[l, h]| {
        format!("{:+.1} % .. {:+.1} %", l * 100.0, h * 100.0)
    })
}

fn seconds(x: Option<f64>) -> String {
    x.map_or("–".to_owned(), crate::fmt::secs)
}

/// The one-line summary both formats start with.
fn headline(c: &Comparison) -> String {
    let basis = if c.relative {
        "model cells relative to their run's sequential cell"
    } else {
        "raw medians (--absolute)"
    };
    let rounds = c
        .rounds
        .map(|r| format!(", paired over {r} interleaved rounds"))
        .unwrap_or_default();
    let workloads = if c.workloads.is_empty() {
        String::new()
    } else {
        let count = |v: Verdict| c.workloads.iter().filter(|w| w.verdict == v).count();
        format!(
            "; {} workloads pooled: {} regressed, {} improved",
            c.workloads.len(),
            count(Verdict::Regressed),
            count(Verdict::Improved)
        )
    };
    format!(
        "{} cells compared: {} regressed, {} improved, {} unchanged{workloads} (threshold \
         {:.1} %: {}; changes of {basis}{rounds})",
        c.cells.len(),
        c.count(Verdict::Regressed),
        c.count(Verdict::Improved),
        c.count(Verdict::Unchanged),
        c.threshold * 100.0,
        c.threshold_source
    )
}

/// Each pooled workload as a row: name, cells slower, change, interval, verdict, why.
fn workload_rows(c: &Comparison) -> Vec<[String; 6]> {
    c.workloads
        .iter()
        .map(|w| {
            [
                printable(&w.workload),
                format!("{} of {}", w.slower_cells, w.cells),
                percent(w.change),
                interval(w.interval),
                format!("{:?}", w.verdict).to_lowercase(),
                printable(&w.why),
            ]
        })
        .collect()
}

fn rows(c: &Comparison) -> Vec<[String; 7]> {
    c.cells
        .iter()
        .map(|cell| {
            [
                printable(&format!(
                    "{} {} W={}",
                    cell.workload, cell.model, cell.workers
                )),
                seconds(cell.base_median_s),
                seconds(cell.new_median_s),
                percent(cell.change),
                interval(cell.interval),
                format!("{:?}", cell.verdict).to_lowercase(),
                printable(&cell.why),
            ]
        })
        .collect()
}

const HEADER: [&str; 7] = [
    "cell", "base", "new", "change", "interval", "verdict", "why",
];

/// A plain-text table for the terminal.
pub fn render_text(c: &Comparison) -> String {
    let rows = rows(c);
    let mut widths = HEADER.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |cells: &[String]| {
        cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_owned()
    };
    let _ = writeln!(out, "{}", line(&HEADER.map(String::from)));
    for row in &rows {
        let _ = writeln!(out, "{}", line(row));
    }
    if !c.workloads.is_empty() {
        let _ = writeln!(out, "\nworkloads, every cell pooled over the rounds:");
        for [name, slower, change, interval, verdict, why] in workload_rows(c) {
            let _ = writeln!(
                out,
                "workload {name}  {slower} cells slower  {change}  {interval}  {verdict}  {why}"
            );
        }
    }
    let _ = writeln!(out, "\n{}", headline(c));
    extras(c, &mut out);
    out
}

/// A Markdown report: a CI job summary or a pull-request comment.
pub fn render_markdown(c: &Comparison) -> String {
    let mut out = format!("### poolbench compare\n\n{}\n\n", headline(c));
    let _ = writeln!(out, "| {} |", HEADER.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(HEADER.len()));
    // Regressions first: they are what a reviewer needs.
    let mut rows = rows(c);
    rows.sort_by_key(|r| match r[5].as_str() {
        "regressed" => 0,
        "improved" => 1,
        _ => 2,
    });
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| md(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out.push('\n');
    if !c.workloads.is_empty() {
        out.push_str("Workloads, every cell pooled over the rounds:\n\n");
        out.push_str("| workload | cells slower | change | interval | verdict | why |\n");
        out.push_str("|---|---|---|---|---|---|\n");
        for row in workload_rows(c) {
            let cells: Vec<String> = row.iter().map(|c| md(c)).collect();
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
        out.push('\n');
    }
    extras(c, &mut out);
    out
}

/// The most added or missing cells named one by one; `--format json` lists them all.
const MOST_NAMED: usize = 12;

/// Added and missing cells (the first [`MOST_NAMED`] of each, then a count), and machine
/// warnings.
fn extras(c: &Comparison, out: &mut String) {
    for (what, cells) in [
        ("added (only in the new file)", &c.added),
        ("missing (only in the base file)", &c.missing),
    ] {
        if cells.is_empty() {
            continue;
        }
        let named = printable(&cells[..cells.len().min(MOST_NAMED)].join(", "));
        let _ = match cells.len().checked_sub(MOST_NAMED) {
            Some(more) if more > 0 => writeln!(
                out,
                "{what}, {}: {named} and {more} more (--format json lists every one)",
                cells.len()
            ),
            _ => writeln!(out, "{what}: {named}"),
        };
    }
    for warning in &c.machine_warnings {
        let _ = writeln!(
            out,
            "warning: {warning}: times from different machines are not comparable"
        );
    }
}
