//! "Cluster engines": when the step from `multiprocessing.Pool` to Dask or Ray pays off.
//!
//! Written when a report's cells carry the cluster preset's labels
//! ([`poolbench_core::experiments`]). Two questions, read from the data:
//! - **What one task costs** each pool and engine: the median batch time of no-op tasks at
//!   W = 2, per task, beside Python's `Pool` and the Rust process pool.
//! - **From which task length an engine keeps up with `Pool`** (its break-even): `sum` over
//!   decades of task length at W = 2; the task length is Python's own time per task (the plain
//!   loop's median over the batch's tasks), and an engine breaks even at the shortest length
//!   from which on its median is within 10 % of `Pool`'s (at that length and every longer one
//!   measured). Its chart: each pool's efficiency (the
//!   plain loop's time over W, divided by the pool's time) against task length.
//!
//! Pages: `cluster.md` and `cluster.html`, linked from the report's first lines.

use std::collections::BTreeMap;
use std::fmt::Write;

use poolbench_compare::fmt::{escape, md, secs};
use poolbench_compare::{Input, ModelBook};
use poolbench_core::experiments::{CLUSTER_BREAK_EVEN, CLUSTER_OVERHEAD};
use poolbench_results::CellResult;

use crate::chart::{render, BreakEvenChart, EfficiencyLine, Rendered};
use crate::text::page_head;
use crate::{ReportError, ReportFile};

/// The reference every engine is held against, and the baseline task lengths come from.
const POOL: &str = "py-pool";
const PLAIN_LOOP: &str = "py-sequential";

/// Within this fraction of `Pool`'s median, an engine keeps up.
pub const BREAK_EVEN_MARGIN: f64 = 0.10;

/// One model's cost of a task.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskCost {
    pub model: String,
    pub per_task_s: f64,
}

/// One model's break-even: the shortest task length from which on (that one and every longer
/// one measured) it is within the margin of `Pool`, if there is one.
#[derive(Debug, Clone, PartialEq)]
pub struct BreakEven {
    pub model: String,
    pub at_s: Option<f64>,
    /// Its median over `Pool`'s at each task length measured.
    pub ratios: Vec<(f64, f64)>,
}

/// What the cluster cells of one results file say.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterFindings {
    pub costs: Vec<TaskCost>,
    pub break_evens: Vec<BreakEven>,
    /// Each model's efficiency at each task length (for the chart).
    pub efficiency: BTreeMap<String, Vec<(f64, f64)>>,
}

/// The findings of the first input with cluster cells; `None` when none has any.
pub fn findings(inputs: &[Input]) -> Option<(ClusterFindings, &Input)> {
    inputs
        .iter()
        .find_map(|input| Some((findings_of(&input.results)?, input)))
}

/// Whether `model` belongs in the cost table: Python's pools and engines, and the Rust
/// models that run tasks in worker processes (from the file's own description of each).
fn compared(results: &poolbench_results::ResultsFile, model: &str) -> bool {
    model.starts_with("py-")
        || results.models.iter().any(|m| {
            m.name == model
                && (m.language == poolbench_core::Language::Python
                    || m.workers == Some(poolbench_core::WorkerKind::Processes))
        })
}

fn findings_of(results: &poolbench_results::ResultsFile) -> Option<ClusterFindings> {
    let cells = &results.results[..];
    fn labelled<'c>(
        cells: &'c [CellResult],
        label: &'static str,
    ) -> impl Iterator<Item = &'c CellResult> {
        cells
            .iter()
            .filter(move |c| c.experiment.as_deref() == Some(label) && c.outcome.verified)
    }
    let mut costs: Vec<TaskCost> = labelled(cells, CLUSTER_OVERHEAD)
        .filter(|c| compared(results, &c.model))
        .filter_map(|c| {
            Some(TaskCost {
                model: c.model.clone(),
                per_task_s: c.time.median_s? / c.tasks as f64,
            })
        })
        .collect();
    costs.sort_by(|a, b| a.per_task_s.total_cmp(&b.per_task_s));
    // The break-even cells by task size (each `sum` n is one row of the sweep).
    let mut sweep: BTreeMap<String, Vec<&CellResult>> = BTreeMap::new();
    for cell in labelled(cells, CLUSTER_BREAK_EVEN) {
        sweep
            .entry(serde_json::to_string(&cell.params).unwrap_or_default())
            .or_default()
            .push(cell);
    }
    let median = |row: &[&CellResult], model: &str| {
        row.iter()
            .find(|c| c.model == model)
            .and_then(|c| Some((c.time.median_s?, c.workers, c.tasks)))
    };
    let mut efficiency: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    let mut ratios: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    for row in sweep.values() {
        let Some((plain, _, tasks)) = median(row, PLAIN_LOOP) else {
            continue;
        };
        let length = plain / tasks as f64;
        let pool = median(row, POOL).map(|(t, ..)| t);
        for cell in row.iter().filter(|c| c.model.starts_with("py-")) {
            let (Some(t), false) = (cell.time.median_s, cell.model == PLAIN_LOOP) else {
                continue;
            };
            let ideal = plain / cell.workers.max(1) as f64;
            efficiency
                .entry(cell.model.clone())
                .or_default()
                .push((length, ideal / t));
            if let (Some(pool), false) = (pool, cell.model == POOL) {
                ratios
                    .entry(cell.model.clone())
                    .or_default()
                    .push((length, t / pool));
            }
        }
    }
    for points in efficiency.values_mut().chain(ratios.values_mut()) {
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    let break_evens = ratios
        .into_iter()
        .map(|(model, ratios)| BreakEven {
            // From there on: that length and every longer one within the margin (one close
            // median among slower ones is the noise, not a break-even).
            at_s: ratios
                .iter()
                .enumerate()
                .find(|(i, _)| {
                    ratios[*i..]
                        .iter()
                        .all(|(_, r)| *r <= 1.0 + BREAK_EVEN_MARGIN)
                })
                .map(|(_, (l, _))| *l),
            model,
            ratios,
        })
        .collect();
    if costs.is_empty() && efficiency.is_empty() {
        return None;
    }
    Some(ClusterFindings {
        costs,
        break_evens,
        efficiency,
    })
}

/// The pages and their chart; nothing when no cell is the cluster preset's.
pub(crate) fn pages(
    inputs: &[Input],
    conditions: &str,
) -> Result<(Vec<ReportFile>, Vec<Rendered>), ReportError> {
    let Some((found, input)) = findings(inputs) else {
        return Ok((Vec::new(), Vec::new()));
    };
    let book = ModelBook::of(std::slice::from_ref(input));
    let mut charts = Vec::new();
    if !found.efficiency.is_empty() {
        let chart = BreakEvenChart {
            lines: found
                .efficiency
                .iter()
                .map(|(model, points)| EfficiencyLine {
                    model: model.clone(),
                    style: book.style(model),
                    points: points.clone(),
                })
                .collect(),
            conditions: conditions.to_owned(),
        };
        charts.push(render(&chart)?);
    }
    let chart = charts.first().map(|c| c.name.clone());
    let files = vec![
        ReportFile {
            path: "cluster.md".into(),
            bytes: markdown(&found, chart.as_deref(), conditions).into_bytes(),
        },
        ReportFile {
            path: "cluster.html".into(),
            bytes: html(&found, chart.as_deref(), conditions).into_bytes(),
        },
    ];
    Ok((files, charts))
}

/// The cost table's rows: model, per task, times `Pool`'s.
fn cost_rows(found: &ClusterFindings) -> Vec<[String; 3]> {
    let pool = found
        .costs
        .iter()
        .find(|c| c.model == POOL)
        .map(|c| c.per_task_s);
    found
        .costs
        .iter()
        .map(|c| {
            [
                c.model.clone(),
                secs(c.per_task_s),
                pool.filter(|p| *p > 0.0)
                    .map_or("–".to_owned(), |p| times(c.per_task_s / p)),
            ]
        })
        .collect()
}

/// A ratio with two significant digits: `0.31×`, `5.3×`, `108×`.
fn times(ratio: f64) -> String {
    if ratio >= 100.0 {
        format!("{ratio:.0}×")
    } else if ratio >= 1.0 {
        format!("{ratio:.1}×")
    } else {
        format!("{ratio:.2}×")
    }
}

/// The break-even rows: model, break-even task length, its time over `Pool`'s at each length.
fn break_even_rows(found: &ClusterFindings) -> Vec<[String; 3]> {
    found
        .break_evens
        .iter()
        .map(|b| {
            let at = match b.at_s {
                Some(at) => format!("tasks of {} or longer", secs(at)),
                None => "not within the lengths measured".to_owned(),
            };
            let ratios: Vec<String> = b
                .ratios
                .iter()
                .map(|(l, r)| format!("{}: {r:.2}×", secs(*l)))
                .collect();
            [b.model.clone(), at, ratios.join(", ")]
        })
        .collect()
}

const TITLE: &str = "Cluster engines: when Dask or Ray pays off";

const HOW: &str = "What one no-op task costs each pool at W = 2 (the median batch time over \
     the tasks), and from which task length each engine keeps up with Python's \
     multiprocessing.Pool: within 10 % of its median time at the same W, at that task length and \
     every longer one measured, on sum tasks whose length is Python's own time per task (the \
     plain loop's). The medians hold to their intervals, not closer: on a noisy machine, read \
     the break-even as the decade it falls in. On one machine an engine can only \
     match Pool; it pays off when the work needs more cores than one machine has, and this \
     says how long each task must be for its overhead to disappear.";

fn markdown(found: &ClusterFindings, chart: Option<&str>, conditions: &str) -> String {
    let mut m = format!("# {TITLE}\n\n{}\n\n{}\n\n", md(conditions), md(HOW));
    let table = |m: &mut String, head: [&str; 3], rows: Vec<[String; 3]>| {
        let _ = writeln!(m, "| {} |\n|---|---|---|", head.join(" | "));
        for row in rows {
            let cells: Vec<String> = row.iter().map(|c| md(c)).collect();
            let _ = writeln!(m, "| {} |", cells.join(" | "));
        }
        m.push('\n');
    };
    if !found.costs.is_empty() {
        m.push_str("## What one task costs (no-op tasks, W = 2)\n\n");
        table(&mut m, ["model", "per task", "× Pool's"], cost_rows(found));
    }
    if !found.break_evens.is_empty() {
        m.push_str("## Break-even against multiprocessing.Pool (sum, W = 2)\n\n");
        if let Some(chart) = chart {
            let _ = writeln!(m, "![{chart}](charts/{chart}.svg)\n");
        }
        table(
            &mut m,
            [
                "model",
                "within 10 % of Pool from",
                "time ÷ Pool's, by task length",
            ],
            break_even_rows(found),
        );
    }
    m
}

fn html(found: &ClusterFindings, chart: Option<&str>, conditions: &str) -> String {
    let mut h = page_head(TITLE);
    let _ = write!(
        h,
        "<h1>{}</h1><p><a href=\"index.html\">Full report</a></p><p>{}</p><p>{}</p>",
        escape(TITLE),
        escape(conditions),
        escape(HOW)
    );
    let table = |h: &mut String, head: [&str; 3], rows: Vec<[String; 3]>| {
        h.push_str("<table><tr>");
        for cell in head {
            let _ = write!(h, "<th>{}</th>", escape(cell));
        }
        h.push_str("</tr>");
        for row in rows {
            h.push_str("<tr>");
            for cell in row {
                let _ = write!(h, "<td>{}</td>", escape(&cell));
            }
            h.push_str("</tr>");
        }
        h.push_str("</table>");
    };
    if !found.costs.is_empty() {
        h.push_str("<h2>What one task costs (no-op tasks, W = 2)</h2>");
        table(&mut h, ["model", "per task", "× Pool's"], cost_rows(found));
    }
    if !found.break_evens.is_empty() {
        h.push_str("<h2>Break-even against multiprocessing.Pool (sum, W = 2)</h2>");
        if let Some(chart) = chart {
            let _ = write!(
                h,
                "<figure><img src=\"charts/{chart}.svg\" alt=\"{chart}\"></figure>"
            );
        }
        table(
            &mut h,
            [
                "model",
                "within 10 % of Pool from",
                "time ÷ Pool's, by task length",
            ],
            break_even_rows(found),
        );
    }
    h.push_str("</body></html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use poolbench_core::WorkKind;

    fn cell(model: &str, experiment: &str, n: u64, tasks: usize, median: f64) -> CellResult {
        let mut cell = CellResult::new("sum", WorkKind::Cpu, model, 2, tasks);
        cell.experiment = Some(experiment.to_owned());
        cell.params.insert("n".into(), n.into());
        cell.time.median_s = Some(median);
        cell.outcome.verified = true;
        cell
    }

    #[test]
    fn the_break_even_is_the_shortest_length_within_ten_per_cent_of_pool() {
        let mut cells = Vec::new();
        // Python's loop: 1 ms, 10 ms and 100 ms a task, 10 tasks.
        // Ray is close at 1 ms once (0.0062 / 0.006), then slower again: no break-even there.
        for (n, plain, pool, dask, ray) in [
            (1_000, 0.01, 0.006, 0.030, 0.0062),
            (10_000, 0.1, 0.052, 0.060, 0.070),
            (100_000, 1.0, 0.51, 0.52, 0.53),
        ] {
            cells.push(cell(PLAIN_LOOP, CLUSTER_BREAK_EVEN, n, 10, plain));
            cells.push(cell(POOL, CLUSTER_BREAK_EVEN, n, 10, pool));
            cells.push(cell("py-dask", CLUSTER_BREAK_EVEN, n, 10, dask));
            cells.push(cell("py-ray-pool", CLUSTER_BREAK_EVEN, n, 10, ray));
        }
        cells.push(cell(POOL, CLUSTER_OVERHEAD, 0, 100, 0.01));
        cells.push(cell("py-dask", CLUSTER_OVERHEAD, 0, 100, 0.2));
        // A thread pool is not in the cost table.
        cells.push(cell("rayon", CLUSTER_OVERHEAD, 0, 100, 0.0001));
        let mut results = poolbench_results::ResultsFile::new(
            poolbench_results::Environment::capture(vec![]),
            None,
        );
        results.results = cells.clone();
        let found = findings_of(&results).unwrap();
        let dask = &found.break_evens[0];
        assert_eq!(dask.model, "py-dask");
        // 0.060 / 0.052 = 1.15 at 10 ms: not yet; 0.52 / 0.51 at 100 ms: within.
        assert_eq!(dask.at_s, Some(0.1));
        assert_eq!(found.break_evens[1].model, "py-ray-pool");
        assert_eq!(found.break_evens[1].at_s, Some(0.1));
        assert_eq!(found.costs[0].model, POOL);
        assert!((found.costs[1].per_task_s - 0.002).abs() < 1e-12);
        assert_eq!(found.costs.len(), 2);
        assert_eq!(cost_rows(&found)[1][2], "20.0×");
        // Efficiency: (plain / W) / time; Pool at 100 ms is 0.5 / 0.51.
        let pool = &found.efficiency[POOL];
        assert!((pool[2].1 - 0.5 / 0.51).abs() < 1e-12);
        results.results.clear();
        assert!(findings_of(&results).is_none());
    }
}
