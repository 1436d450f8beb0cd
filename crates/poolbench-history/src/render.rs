//! A check as people read it: a terminal table, Markdown for a CI job summary, or the HTML
//! that opens `history chart`'s page. One summary, one list of regressions, one table of
//! change points, in each format.

use std::fmt::Write;

use poolbench_compare::fmt::{md as escape_md, printable};

use crate::check::{all_changes, short, CellCheck, CheckSettings};

/// The format of [`text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// A terminal: aligned columns.
    Terminal,
    /// Markdown: headings and a table.
    Markdown,
}

/// The one-line summary every format starts with.
fn summary(checks: &[CellCheck], settings: &CheckSettings) -> String {
    let changes = all_changes(checks).len();
    let regressed = checks.iter().filter(|c| c.regressed).count();
    format!(
        "{} cell series, {changes} change points, {regressed} regressed (threshold {:.1} %, p ≤ {}, at least {} runs each side{})",
        checks.len(),
        settings.threshold * 100.0,
        settings.changepoint.significance,
        settings.changepoint.min_size,
        if settings.absolute {
            ", raw medians"
        } else {
            ", models relative to sequential"
        }
    )
}

/// One change point's columns: cell, commit, size, p, kind.
fn columns(c: &CellCheck, change: &crate::check::ChangeReport) -> [String; 5] {
    [
        c.name.clone(),
        short(&change.git_commit).to_owned(),
        format!("{:+.1} %", change.size * 100.0),
        format!("{:.3}", change.p_value),
        change.direction.label().to_owned(),
    ]
}

/// The check as a terminal table or Markdown: the summary, regressions first, then every
/// change point.
pub fn text(checks: &[CellCheck], settings: &CheckSettings, style: Style) -> String {
    let md = style == Style::Markdown;
    let mut out = String::new();
    let lead = if md {
        "**poolbench history check:** "
    } else {
        ""
    };
    let _ = writeln!(out, "{lead}{}", summary(checks, settings));
    let regressed: Vec<&CellCheck> = checks.iter().filter(|c| c.regressed).collect();
    if !regressed.is_empty() {
        let _ = writeln!(out, "\n{}regressed:", if md { "### " } else { "" });
        for c in &regressed {
            let bullet = if md { "- " } else { "  " };
            let why = c.why.as_deref().unwrap_or("");
            let line = format!("{} on {}: {why}", c.name, c.machine);
            let line = if md {
                escape_md(&line)
            } else {
                printable(&line)
            };
            let _ = writeln!(out, "{bullet}{line}");
        }
    }
    let changes = all_changes(checks);
    if !changes.is_empty() {
        let _ = writeln!(out, "\n{}change points:", if md { "### " } else { "" });
        if md {
            let _ = writeln!(
                out,
                "| cell | from commit | change | p | kind |\n|---|---|---|---|---|"
            );
        }
        for (c, change) in changes {
            let [name, commit, size, p, kind] = columns(c, change);
            let name = if md {
                escape_md(&name)
            } else {
                printable(&name)
            };
            if md {
                let _ = writeln!(out, "| {name} | {commit} | {size} | {p} | {kind} |");
            } else {
                let _ = writeln!(
                    out,
                    "  {name:<60} from {commit:<10} {size:>9}  p = {p}  {kind}"
                );
            }
        }
    }
    out
}

/// The HTML that opens `history chart`'s page: counts and the table of change points
/// (`escape` makes text safe for HTML).
pub fn html(checks: &[CellCheck], escape: impl Fn(&str) -> String) -> String {
    let changes = all_changes(checks);
    let regressed = checks.iter().filter(|c| c.regressed).count();
    let mut html = format!(
        "<p>{} cell series; {} change points; {regressed} cells whose newest change is a regression.</p>",
        checks.len(),
        changes.len()
    );
    if !changes.is_empty() {
        html.push_str("<table><tr><th>cell</th><th>machine</th><th>from commit</th><th>change</th><th>p</th><th>kind</th></tr>");
        for (check, change) in &changes {
            let [name, commit, size, p, kind] = columns(check, change);
            // Styled by the first word of the kind (`regression`, `improvement`).
            let class = kind.split(' ').next().unwrap_or("");
            let _ = write!(
                html,
                "<tr class=\"{class}\"><td>{}</td><td>{}</td><td>{}</td><td>{size}</td><td>{p}</td><td>{kind}</td></tr>",
                escape(&name),
                escape(&check.machine),
                escape(&commit),
            );
        }
        html.push_str("</table>");
    }
    html
}
