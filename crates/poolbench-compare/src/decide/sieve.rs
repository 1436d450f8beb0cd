//! The cost order as data ([`STEPS`]) and the sieve that applies it: which of the cells the
//! run cannot tell apart by time costs least, and the clause that says so.

use poolbench_core::{Language, WorkKind, WorkerKind};
use poolbench_results::{CostFigures, DecidedBy};

use super::COST_TOLERANCE;
use crate::fmt::secs;
use crate::{Point, Series};

/// What `s` at `p` costs, as the cost order weighs it.
pub(super) fn cost_figures(s: &Series, p: &Point, tasks: usize, kind: WorkKind) -> CostFigures {
    let w = p.workers;
    // Processes outside poolbench's: worker processes, and Python's helper.
    let (processes, threads_outside) = match (s.language, s.worker_kind) {
        (Language::Python, Some(WorkerKind::Processes)) => (1 + w, 1 + w),
        (Language::Python, Some(WorkerKind::Caller)) => (1, 1),
        (Language::Python, _) => (1, 1 + w),
        (_, Some(WorkerKind::Processes)) => (w, w),
        _ => (0, 0),
    };
    let p99 = match (&p.latency, &p.service) {
        (Some(samples), _) if !samples.is_empty() => {
            Some(poolbench_results::percentile(samples, 99.0))
        }
        (_, Some(service)) => Some(service.p99),
        _ => None,
    };
    CostFigures {
        model: s.model.clone(),
        workers: w,
        median_s: p.median,
        threads: p.peak_threads.map(|t| t + threads_outside),
        memory_bytes: p
            .self_peak_rss_bytes
            .map(|own| own + p.peak_rss_bytes.unwrap_or(0) * processes as u64),
        cpu_per_task_s: p.cpu.map(|cpu| cpu / tasks.max(1) as f64),
        p99_s: if kind == WorkKind::Io { p99 } else { None },
    }
}

/// One step of the cost order: its name, how to read it from the figures, how to write it.
struct Step {
    by: DecidedBy,
    value: fn(&CostFigures) -> Option<f64>,
    /// Whether values within [`COST_TOLERANCE`] of the least count as the least.
    tolerant: bool,
    text: fn(f64) -> String,
    what: &'static str,
}

const STEPS: [Step; 4] = [
    Step {
        by: DecidedBy::Threads,
        value: |c| c.threads.map(|t| t as f64),
        tolerant: false,
        text: |t| format!("{t:.0}"),
        what: "OS threads",
    },
    Step {
        by: DecidedBy::Memory,
        value: |c| c.memory_bytes.map(|b| b as f64),
        tolerant: true,
        text: |b| format!("{:.0} MiB", b / 1_048_576.0),
        what: "of memory",
    },
    Step {
        by: DecidedBy::Cpu,
        value: |c| c.cpu_per_task_s,
        tolerant: true,
        text: secs,
        what: "of CPU per task",
    },
    Step {
        by: DecidedBy::P99,
        value: |c| c.p99_s,
        tolerant: true,
        text: secs,
        what: "p99 task time",
    },
];

/// A cell (its index in the costs) with its figure on one step.
type Valued = (usize, f64);

/// Applies the cost order to `costs` (sorted by median): the index of the recommended cell,
/// the first step that separated it from others (or [`DecidedBy::Tie`]), and a clause for each
/// step that did, with its figures.
pub(super) fn sieve(costs: &[CostFigures], kind: WorkKind) -> (usize, DecidedBy, Vec<String>) {
    let mut left: Vec<usize> = (0..costs.len()).collect();
    let mut decided_by = DecidedBy::Tie;
    let mut steps = Vec::new();
    for step in &STEPS {
        if step.by == DecidedBy::P99 && kind != WorkKind::Io {
            continue;
        }
        let values: Option<Vec<f64>> = left.iter().map(|&i| (step.value)(&costs[i])).collect();
        let Some(values) = values else {
            continue;
        };
        let least = values.iter().copied().fold(f64::INFINITY, f64::min);
        let limit = if step.tolerant {
            least * (1.0 + COST_TOLERANCE)
        } else {
            least
        };
        let (kept, dropped): (Vec<Valued>, Vec<Valued>) = left
            .iter()
            .copied()
            .zip(values)
            .partition(|&(_, v)| v <= limit);
        if dropped.is_empty() {
            continue;
        }
        if decided_by == DecidedBy::Tie {
            decided_by = step.by;
        }
        let theirs = range(&dropped.iter().map(|d| d.1).collect::<Vec<_>>(), step.text);
        let best = kept.iter().map(|k| k.1).fold(f64::INFINITY, f64::min);
        steps.push(format!(
            "{} {} where {} of them {} {theirs}",
            (step.text)(best),
            what(step, best),
            dropped.len(),
            if dropped.len() == 1 { "takes" } else { "take" },
        ));
        left = kept.into_iter().map(|k| k.0).collect();
    }
    // `costs` is sorted by median: the first left is the fastest of them.
    let chosen = left[0];
    // The figures that did not decide, for context: the chosen cell's against the others'.
    let mentioned = steps.len();
    for step in STEPS.iter().skip(1) {
        if step.by == DecidedBy::P99 && kind != WorkKind::Io {
            continue;
        }
        let said = steps[..mentioned].iter().any(|s| s.contains(step.what));
        let mine = (step.value)(&costs[chosen]);
        let theirs: Vec<f64> = (0..costs.len())
            .filter(|&i| i != chosen)
            .filter_map(|i| (step.value)(&costs[i]))
            .collect();
        let most = theirs.iter().copied().fold(0.0, f64::max);
        let (Some(mine), false, false) = (mine, theirs.is_empty(), said) else {
            continue;
        };
        // Only where the others spend noticeably more: equal figures say nothing.
        if most <= mine * (1.0 + COST_TOLERANCE) {
            continue;
        }
        steps.push(format!(
            "{} {} where the others take {}",
            (step.text)(mine),
            what(step, mine),
            range(&theirs, step.text)
        ));
    }
    if left.len() > 1 && decided_by != DecidedBy::Tie {
        let names: Vec<String> = left[1..]
            .iter()
            .map(|&i| format!("{} at W = {}", costs[i].model, costs[i].workers))
            .collect();
        steps.push(format!(
            "no cost separates it from {} (it had the fastest median)",
            names.join(", ")
        ));
    }
    (chosen, decided_by, steps)
}

/// What a step's figure counts, in the number `value` needs (`1 OS thread`, `2 OS threads`).
fn what(step: &Step, value: f64) -> &'static str {
    match step.by {
        DecidedBy::Threads if value == 1.0 => "OS thread",
        _ => step.what,
    }
}

/// `low–high` of `values` as `text` writes them (one value when they print alike).
fn range(values: &[f64], text: fn(f64) -> String) -> String {
    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let high = values.iter().copied().fold(0.0, f64::max);
    if text(low) == text(high) {
        text(low)
    } else {
        format!("{}–{}", text(low), text(high))
    }
}
