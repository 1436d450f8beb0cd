//! `history chart`'s data: one trend per (machine, workload, W), which `poolbench-report`
//! draws, on a page that opens with [`crate::render::html`]'s summary.
//!
//! A chart holds what `check` follows: the models' medians ÷ the sequential median (or raw
//! medians with `absolute`); the sequential cell gets a chart of its own in seconds. Change
//! points are drawn where they happened: red when `check` calls them regressions, green for
//! improvements, grey for significant changes within the threshold.

use std::collections::BTreeMap;

use poolbench_compare::trend::{Trend, TrendChange, TrendPoint, TrendSeries};
use poolbench_compare::{slugify, unique_slug};

use crate::check::{follows_relative, short, value, CellCheck, Direction};
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
