//! Gathering cells into workload groups: one per workload, parameters, task count and
//! experiment; one series per (model, machine) in the book's order; each series' points by W.

use poolbench_core::ModelRole;
use poolbench_results::CellResult;

use crate::params::{params_text, params_text_but};
use crate::stats::cell_ci;
use crate::{Input, Machine, ModelBook, Point, Series, WorkloadGroup};

/// Groups the cells that have timings: workloads in the order they first ran (each oracle
/// runs before its workload's other cells, so this is the plan's order), series in model
/// registry order and then machine order.
pub fn group(inputs: &[Input]) -> Vec<WorkloadGroup> {
    let book = ModelBook::of(inputs);
    let machines: Vec<Machine> = inputs
        .iter()
        .map(|input| Machine {
            label: input.label.clone(),
            cores: input.results.environment.logical_cores.max(1),
        })
        .collect();
    let merged = inputs.len() > 1;
    let mut groups: Vec<WorkloadGroup> = Vec::new();
    // Each series' place in its group, by (group, model, machine): found in constant time,
    // so a file of many models groups in time linear in its cells.
    let mut places: std::collections::HashMap<(usize, String, usize), usize> =
        std::collections::HashMap::new();
    for (machine, input) in inputs.iter().enumerate() {
        for cell in &input.results.results {
            let Some(point) = point(cell) else {
                continue;
            };
            let params = params_text(cell);
            let same = |g: &WorkloadGroup| {
                g.workload == cell.workload
                    && g.params == params
                    && g.tasks == cell.tasks
                    && g.experiment == cell.experiment
            };
            let at = match groups.iter().position(same) {
                Some(i) => i,
                None => {
                    let record = input.results.workload(&cell.workload);
                    groups.push(WorkloadGroup {
                        workload: cell.workload.clone(),
                        kind: cell.kind,
                        role: input.results.workload_role(&cell.workload),
                        async_form: record.and_then(|w| w.async_form),
                        experiment: cell.experiment.clone(),
                        changed: record
                            .filter(|w| !w.defaults.is_empty())
                            .map(|w| params_text_but(cell, &w.defaults)),
                        param_values: cell.params.clone(),
                        params,
                        tasks: cell.tasks,
                        slug: String::new(),
                        machines: machines.clone(),
                        series: Vec::new(),
                        book: book.clone(),
                    });
                    groups.len() - 1
                }
            };
            let group = &mut groups[at];
            let key = (at, cell.model.clone(), machine);
            match places.get(&key) {
                Some(&place) => group.series[place].points.push(point),
                None => {
                    places.insert(key, group.series.len());
                    group.series.push(Series {
                        model: cell.model.clone(),
                        machine,
                        label: if merged {
                            format!("{} · {}", cell.model, input.label)
                        } else {
                            cell.model.clone()
                        },
                        oracle: input.results.model_role(&cell.model) == ModelRole::Oracle,
                        language: input.results.model_language(&cell.model),
                        role: input.results.model_role(&cell.model),
                        worker_kind: input.results.model_workers(&cell.model),
                        style: book.style(&cell.model),
                        points: vec![point],
                    });
                }
            }
        }
    }
    for g in &mut groups {
        g.series.sort_by_key(|s| (book.index(&s.model), s.machine));
        for series in &mut g.series {
            series.points.sort_by_key(|p| p.workers);
        }
    }
    crate::slug::assign_slugs(&mut groups);
    groups
}

fn point(cell: &CellResult) -> Option<Point> {
    let median = cell.time.median_s?;
    let tasks = cell.tasks.max(1) as f64;
    let ci = cell_ci(cell)?;
    Some(Point {
        workers: cell.workers,
        median,
        min: cell.time.min_s?,
        max: cell.time.max_s?,
        ci: (ci.low, ci.high),
        ci_level: ci.level,
        samples: cell.time.samples_s.len(),
        outliers: poolbench_results::Outliers::of(&cell.time.samples_s),
        context_switches: cell
            .cost
            .context_switches
            .map(|c| (c.voluntary, c.involuntary)),
        speedup: cell.scaling.speedup,
        efficiency: cell.scaling.efficiency,
        ideal: cell.scaling.ideal_s,
        cpu: cell
            .cost
            .cpu_s
            .map(|own| own + cell.cost.child_cpu_s.unwrap_or(0.0)),
        verified: cell.outcome.verified,
        failed: cell.outcome.failed_tasks + cell.outcome.mismatched_tasks,
        throughput: tasks / median,
        overhead_per_task: cell.scaling.ideal_s.map(|ideal| (median - ideal) / tasks),
        queue_wait: cell.per_task.queue_wait_s,
        service: cell.per_task.service_s,
        latency: cell.per_task.latency_samples_s.clone(),
        startup: cell.cost.startup_s,
        peak_threads: cell.cost.peak_threads,
        peak_rss_bytes: cell.cost.peak_rss_bytes,
        cpu_user_system: cell.cost.cpu_user_s.zip(cell.cost.cpu_system_s),
        self_peak_rss_bytes: cell.cost.self_peak_rss_bytes,
        phases: cell.per_task.phases.clone(),
        completion_order: cell.per_task.completion_order.clone(),
        trace: cell.per_task.trace.clone(),
    })
}
