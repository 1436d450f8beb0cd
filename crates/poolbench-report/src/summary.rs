//! The report's opening words: the conditions of every figure, what was run and whether it all
//! checked out, how far to trust the intervals, the machine's noise, and the verdict lines.

use crate::Section;
use poolbench_compare::Input;

/// One line with the conditions of every figure: the machine (or machines), build, date and
/// repetitions.
pub(crate) fn conditions(inputs: &[Input]) -> String {
    let Some(first) = inputs.first() else {
        return String::new();
    };
    let env = &first.results.environment;
    let cell = first.results.results.first();
    let runs = format!(
        "medians of at least {} samples after {} warm-up",
        cell.map_or(0, |c| c.plan.repeat),
        cell.map_or(0, |c| c.plan.warmup)
    );
    if inputs.len() > 1 {
        let machines: Vec<String> = inputs
            .iter()
            .map(|i| {
                let cpu = i.results.environment.cpu_model.as_deref();
                format!("{} ({})", i.label, cpu.unwrap_or("unknown CPU"))
            })
            .collect();
        return format!("{} · {runs}", machines.join(" vs "));
    }
    format!(
        "{} logical cores · {} · {} · poolbench {} ({}) · {} · {runs}",
        env.logical_cores,
        env.cpu_model.as_deref().unwrap_or("unknown CPU"),
        env.os,
        env.poolbench_version,
        env.build_profile,
        env.started_at.get(..10).unwrap_or(&env.started_at),
    )
}

/// `1 cell`, `2 cells`.
fn counted(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// A few sentences on what was run and whether it all checked out.
pub(crate) fn summary(inputs: &[Input], sections: &[Section]) -> Vec<String> {
    let mut lines = Vec::new();
    for input in inputs {
        let r = &input.results;
        let cells = r.results.len();
        let unverified = r.results.iter().filter(|c| !c.outcome.verified).count();
        let mut models: Vec<&str> = r.results.iter().map(|c| c.model.as_str()).collect();
        models.sort_unstable();
        models.dedup();
        let checked = if unverified == 0 {
            "every cell's outputs matched the sequential oracle".to_owned()
        } else {
            format!(
                "{} did NOT match the sequential oracle or had failed tasks (marked below)",
                counted(unverified, "cell")
            )
        };
        let interleaved = r.results.iter().any(|c| c.time.sample_order.is_some());
        let order = match (r.order_seed, interleaved) {
            (Some(seed), true) => format!(
                "each workload's cells took their samples in interleaved rounds, a fresh \
                 shuffled order each round (seed {seed})"
            ),
            (None, true) => {
                "each workload's cells took their samples in interleaved rounds, in a fixed \
                 order"
                    .to_owned()
            }
            (Some(seed), false) => format!("cells ran in a shuffled order (seed {seed})"),
            (None, false) => "cells ran in the fixed order".to_owned(),
        };
        lines.push(format!(
            "{}{} ({}) from {}, on {} logical cores; {checked}; {order}.",
            if inputs.len() > 1 {
                format!("{}: ", input.label)
            } else {
                String::new()
            },
            counted(cells, "cell"),
            counted(models.len(), "model"),
            r.preset.as_deref().unwrap_or("a custom run"),
            r.environment.logical_cores,
        ));
    }
    lines.push(format!(
        "{} workloads; times are medians of the samples (a sample: the mean time per batch over \
         enough whole batches to last the minimum sample time), with a distribution-free 95 % \
         confidence interval of the median from two order statistics of the samples; speedup \
         is against the sequential run of the same workload on the same machine.",
        sections.len()
    ));
    for input in inputs {
        let r = &input.results;
        let low: Vec<&poolbench_results::CellResult> = r
            .results
            .iter()
            .filter(|c| {
                poolbench_compare::cell_ci(c)
                    .is_some_and(|ci| poolbench_results::below_ci_level(ci.level))
            })
            .collect();
        if let Some(first) = low.first() {
            lines.push(format!(
                "{}{} had too few clean samples for a 95 % interval (fewest: {}); their \
                 intervals are min..max, at the lower confidence shown beside them.",
                prefix(inputs, input),
                counted(low.len(), "cell"),
                first.time.samples_s.len()
            ));
        }
        let no_median: Vec<String> = r
            .results
            .iter()
            .filter_map(|c| {
                let why = c.time.no_median.as_deref()?;
                Some(format!(
                    "{} on {} at W = {}: {why}",
                    c.workload, c.model, c.workers
                ))
            })
            .collect();
        if !no_median.is_empty() {
            let shown = no_median.len().min(5);
            lines.push(format!(
                "{}{} left out of the charts and tables: {}{}.",
                prefix(inputs, input),
                if no_median.len() == 1 {
                    "1 cell has no median and is".to_owned()
                } else {
                    format!("{} cells have no median and are", no_median.len())
                },
                no_median[..shown].join("; "),
                if no_median.len() > shown {
                    format!("; and {} more", no_median.len() - shown)
                } else {
                    String::new()
                }
            ));
        }
        let failed: usize = r.results.iter().map(|c| c.outcome.failed_batches).sum();
        if failed > 0 {
            lines.push(format!(
                "{}{} had a failed task: left out of every median and interval.",
                prefix(inputs, input),
                counted(failed, "timed batch")
            ));
        }
        let severe: Vec<&poolbench_results::CellResult> = r
            .results
            .iter()
            .filter(|c| poolbench_results::Outliers::of(&c.time.samples_s).severe() > 0)
            .collect();
        if !severe.is_empty() {
            lines.push(format!(
                "{}{} had a severe outlier: a sample more than 3 interquartile ranges beyond \
                 the nearer quartile (criterion's classification), as a pause of the machine \
                 or another job's burst leaves; medians and intervals stand, and the tables \
                 count each cell's outliers beside its samples.",
                prefix(inputs, input),
                counted(severe.len(), "cell")
            ));
        }
    }
    lines
}

/// The warnings of every input, each a sentence naming the figure: the machine's noise, and
/// workloads measured at more workers than they have tasks.
pub(crate) fn warnings(inputs: &[Input]) -> Vec<String> {
    inputs
        .iter()
        .flat_map(|input| {
            let mut warnings = input
                .results
                .noise
                .as_ref()
                .map(poolbench_results::noise::NoiseReport::warnings)
                .unwrap_or_default();
            warnings.extend(too_few_tasks(&input.results));
            warnings.extend(input.results.jpeg_caveat());
            warnings
                .into_iter()
                .map(move |w| format!("{}{w}.", prefix(inputs, input)))
        })
        .collect()
}

/// One warning per workload (and experiment) with cells at more workers than tasks.
fn too_few_tasks(results: &poolbench_results::ResultsFile) -> Vec<String> {
    // (workload column, tasks) -> the W over the tasks; ordered as first seen.
    let mut over: Vec<(String, usize, std::collections::BTreeSet<usize>)> = Vec::new();
    let mut place: std::collections::HashMap<(String, usize), usize> = Default::default();
    for cell in results.results.iter().filter(|c| c.workers > c.tasks) {
        let name = poolbench_results::workload_column(&cell.workload, cell.experiment.as_deref());
        let at = *place.entry((name.clone(), cell.tasks)).or_insert_with(|| {
            over.push((name, cell.tasks, Default::default()));
            over.len() - 1
        });
        over[at].2.insert(cell.workers);
    }
    over.into_iter()
        .map(|(name, tasks, workers)| {
            let workers: Vec<usize> = workers.into_iter().collect();
            poolbench_results::more_workers_than_tasks(&name, tasks, &workers)
        })
        .collect()
}

/// `machine: ` in a merged report, nothing otherwise.
fn prefix(inputs: &[Input], input: &Input) -> String {
    if inputs.len() > 1 {
        format!("{}: ", input.label)
    } else {
        String::new()
    }
}
