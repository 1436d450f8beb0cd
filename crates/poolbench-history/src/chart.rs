//! `history chart`: the history drawn, one chart per (machine, workload, W), and an HTML page
//! that shows them with the change points in a table.
//!
//! A chart holds what `check` follows: the models' medians ÷ the sequential median (or raw
//! medians with `absolute`); the sequential cell gets a chart of its own in seconds. Change
//! points are drawn where they happened: red when `check` calls them regressions, green for
//! improvements, grey for significant changes within the threshold.

use std::collections::BTreeMap;
use std::fmt::Write;

use poolbench_report::{
    html_escape as escape, render, slugify, unique_slug, ReportError, ReportFile, Trend,
    TrendChange, TrendPoint, TrendSeries,
};

use crate::check::{all_changes, follows_relative, short, value, CellCheck, Direction};
use crate::db::CellSeries;

/// The charts of `all`, with the change points of `checks` (matched by cell and machine).
pub fn trends(all: &[CellSeries], checks: &[CellCheck], absolute: bool) -> Vec<Trend> {
    // Group: (machine, workload, W, relative?) -> its series.
    let mut groups: BTreeMap<(String, String, usize, bool), Vec<&CellSeries>> = BTreeMap::new();
    for series in all {
        let relative = follows_relative(series, absolute);
        groups
            .entry((
                series.machine.clone(),
                series.workload_name.clone(),
                series.workers,
                relative,
            ))
            .or_default()
            .push(series);
    }
    let mut taken: Vec<String> = Vec::new();
    groups
        .into_iter()
        .map(|((machine, workload, workers, relative), members)| {
            // The x axis: every run any member has, by start time.
            let mut runs: Vec<(&str, i64, &str)> = members
                .iter()
                .flat_map(|s| {
                    s.points
                        .iter()
                        .map(|p| (p.started_at.as_str(), p.run_id, p.git_commit.as_str()))
                })
                .collect();
            runs.sort();
            runs.dedup();
            let x_of = |run_id: i64| runs.iter().position(|r| r.1 == run_id);
            let series = members
                .iter()
                .map(|s| {
                    let check = checks
                        .iter()
                        .find(|c| c.name == s.name && c.machine == s.machine);
                    let followed: Vec<_> = s
                        .points
                        .iter()
                        .filter(|p| value(s, p, absolute).is_some_and(|v| v.is_finite() && v > 0.0))
                        .collect();
                    TrendSeries {
                        label: s.model.clone(),
                        model: s.model.clone(),
                        points: followed
                            .iter()
                            .filter_map(|p| {
                                Some(TrendPoint {
                                    x: x_of(p.run_id)?,
                                    value: value(s, p, absolute)?,
                                    interval: if relative { p.relative_ci } else { p.ci_s },
                                })
                            })
                            .collect(),
                        changes: check
                            .map(|c| {
                                c.changes
                                    .iter()
                                    .filter_map(|change| {
                                        let run = followed.get(change.index)?.run_id;
                                        Some(TrendChange {
                                            x: x_of(run)?,
                                            size: change.size,
                                            regression: change.direction == Direction::Regression,
                                        })
                                    })
                                    .collect()
                            })
                            .unwrap_or_default(),
                    }
                })
                .collect();
            let name = workload.split(['[', '/']).next().unwrap_or("cell");
            let base = slugify(&format!("{name} w{workers} {}", if relative { "" } else { "seconds" }));
            let slug = unique_slug(&base, &mut taken);
            Trend {
                slug,
                title: format!("{workload}, W = {workers}"),
                subtitle: if relative {
                    format!("each model's median batch time ÷ its run's sequential median, 95 % interval; {machine}")
                } else {
                    format!("median batch time, 95 % interval; {machine}")
                },
                y_label: if relative {
                    "median ÷ sequential median (lower is better)".to_owned()
                } else {
                    "median batch time".to_owned()
                },
                seconds: !relative,
                runs: runs.iter().map(|r| short(r.2).chars().take(7).collect()).collect(),
                series,
            }
        })
        .collect()
}

/// The chart files (SVG and PNG) and `index.html` of `trends`, with the change-point table
/// of `checks`.
pub fn page(trends: &[Trend], checks: &[CellCheck]) -> Result<Vec<ReportFile>, ReportError> {
    let mut files = Vec::new();
    let mut html = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>poolbench history</title><style>body{font-family:sans-serif;max-width:1200px;\
         margin:2em auto;padding:0 1em}img{width:100%;border:1px solid #ddd;margin:1em 0}\
         table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;\
         text-align:left}.regression{color:#c81e1e}.improvement{color:#1e8c3c}</style>\
         </head><body><h1>poolbench history</h1>",
    );
    let changes = all_changes(checks);
    let regressed = checks.iter().filter(|c| c.regressed).count();
    let _ = write!(
        html,
        "<p>{} cell series; {} change points; {} cells whose newest change is a regression.</p>",
        checks.len(),
        changes.len(),
        regressed
    );
    if !changes.is_empty() {
        html.push_str("<table><tr><th>cell</th><th>machine</th><th>from commit</th><th>change</th><th>p</th><th>kind</th></tr>");
        for (check, change) in &changes {
            // Styled: the first word of the label (`regression`, `improvement`).
            let kind = change.direction.label();
            let _ = write!(
                html,
                "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{:+.1} %</td><td>{:.3}</td><td>{kind}</td></tr>",
                kind.split(' ').next().unwrap_or(""),
                escape(&check.name),
                escape(&check.machine),
                escape(short(&change.git_commit)),
                change.size * 100.0,
                change.p_value
            );
        }
        html.push_str("</table>");
    }
    for trend in trends {
        let rendered = render(trend)?;
        let _ = write!(
            html,
            "<h2>{}</h2><img src=\"charts/{}.png\" alt=\"{}\">",
            escape(&trend.title),
            rendered.name,
            escape(&trend.title)
        );
        files.extend(rendered.into_files(poolbench_report::Formats::default())?);
    }
    html.push_str("</body></html>\n");
    files.push(ReportFile {
        path: "index.html".to_owned(),
        bytes: html.into_bytes(),
    });
    Ok(files)
}
