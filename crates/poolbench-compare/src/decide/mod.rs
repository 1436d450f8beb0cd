//! What to use: a decision per workload, not a list.
//!
//! Time alone rarely decides on a shared machine: many models' intervals overlap the fastest
//! one's, and a run cannot tell them apart. What does set them apart is what each costs. So
//! among the cells whose 95 % intervals overlap the fastest cell's — the one whose interval
//! ends lowest, surely fast — the recommended one is found by this **cost order**, each step
//! keeping the cells that do best on it:
//!
//! 1. **OS threads added** — fewest (threads seen in poolbench's process, plus one per worker
//!    process, plus Python's helper process): a thread holds a stack and a kernel task for
//!    every task in flight, which is what sets async apart on I/O;
//! 2. **peak memory** — within 10 % of the least (poolbench's own peak during the workload,
//!    plus every worker process's, counted at the largest worker's peak);
//! 3. **CPU seconds per task** (user + system, worker processes included) — within 10 % of
//!    the least;
//! 4. for I/O work, **the 99th percentile of a task's time** — within 10 % of the least;
//! 5. if several cells are still left, no cost separates them: the one with the fastest
//!    median, and the reason says they tie.
//!
//! A decision covers one workload with one parameter set and one language's models (Python's
//! pools run Python's form of the work, not the same code): across every W that ran — the
//! "what to use" line — and among the cells at each W. Overhead probes (no-op tasks) leave
//! out the one-at-a-time loops, which dispatch nothing; testing aids get no decision.

use poolbench_core::{Language, WorkKind, WorkerKind, WorkloadRole};
use poolbench_results::{CostFigures, DecidedBy, Pick, Verdict};

use crate::fmt::secs;
use crate::overlap;
use crate::{Point, Series, WorkloadGroup};

mod advice;
mod sieve;

pub use advice::{headings_at_each_w, rows_at_each_w, what_to_use, Advice};
use sieve::{cost_figures, sieve};

/// How close to the least a figure may be and still count as the least (10 %).
pub const COST_TOLERANCE: f64 = 0.10;

/// The decisions for `groups` (one machine's): per workload and language, across every W and
/// then at each W where more than one cell ran.
pub fn decide(groups: &[WorkloadGroup]) -> Vec<Verdict> {
    let mut verdicts = Vec::new();
    for g in groups.iter().filter(|g| g.role != WorkloadRole::TestingAid) {
        let mut languages: Vec<Language> = g.series.iter().map(|s| s.language).collect();
        languages.dedup();
        languages.sort_by_key(|l| *l != Language::Rust);
        languages.dedup();
        for language in languages {
            let cells = candidates(g, language);
            verdicts.extend(verdict(g, language, None, &cells));
            // The cells at each W, gathered in one pass (a group may hold thousands of W).
            let mut by_w: std::collections::BTreeMap<usize, Vec<(&Series, &Point)>> =
                std::collections::BTreeMap::new();
            for &(s, p) in &cells {
                by_w.entry(p.workers).or_default().push((s, p));
            }
            for (w, at) in by_w {
                if at.len() > 1 {
                    verdicts.extend(verdict(g, language, Some(w), &at));
                }
            }
        }
    }
    verdicts
}

/// The verified cells of `language` that may be recommended for `g`.
fn candidates(g: &WorkloadGroup, language: Language) -> Vec<(&Series, &Point)> {
    let probe = g.role == WorkloadRole::OverheadProbe;
    g.series
        .iter()
        .filter(|s| s.language == language)
        // On no-op tasks a loop trivially wins (it dispatches nothing): compare pools.
        .filter(|s| !probe || !(s.oracle || s.worker_kind == Some(WorkerKind::Caller)))
        .flat_map(|s| s.points.iter().filter(|p| p.verified).map(move |p| (s, p)))
        .collect()
}

/// The decision among `cells` (at least one), or `None` if there are none.
fn verdict(
    g: &WorkloadGroup,
    language: Language,
    workers: Option<usize>,
    cells: &[(&Series, &Point)],
) -> Option<Verdict> {
    // The anchor is the cell surely fast: the lowest upper bound of an interval. (The lowest
    // median would do on a quiet machine, but a noisy cell with a low median and a wide
    // interval would then overlap, and so pull in, even the slowest cells.)
    let &(_, winner) = cells.iter().min_by(|a, b| a.1.ci.1.total_cmp(&b.1.ci.1))?;
    let mut fastest: Vec<(&Series, &Point)> = cells
        .iter()
        .copied()
        .filter(|(_, p)| overlap(p.ci, winner.ci))
        .collect();
    fastest.sort_by(|a, b| a.1.median.total_cmp(&b.1.median));
    let costs: Vec<CostFigures> = fastest
        .iter()
        .map(|(s, p)| cost_figures(s, p, g.tasks, g.kind))
        .collect();
    let (recommended, decided_by, why) = if fastest.len() == 1 {
        let next = cells
            .iter()
            .filter(|(s, p)| !(s.model == fastest[0].0.model && p.workers == fastest[0].1.workers))
            .min_by(|a, b| a.1.median.total_cmp(&b.1.median));
        let why = match next {
            Some((s, p)) => format!(
                "the fastest ({}): no other cell's 95 % interval overlaps its own; the next, \
                 {} at W = {}, took {}",
                secs(winner.median),
                s.model,
                p.workers,
                longer(p.median / winner.median)
            ),
            None => format!("the only verified cell ({})", secs(winner.median)),
        };
        (0, DecidedBy::Alone, why)
    } else {
        let (index, decided_by, steps) = sieve(&costs, g.kind);
        let others = fastest.len() - 1;
        let mut why = format!(
            "as fast as {others} other{} within the 95 % intervals ({}); {}",
            if others == 1 { "" } else { "s" },
            secs(fastest[index].1.median),
            steps.join("; ")
        );
        if decided_by == DecidedBy::Tie {
            why = format!(
                "as fast as {others} other{} within the 95 % intervals, and no cost in the \
                 order used (threads, memory, CPU per task{}) separates it from them; it had \
                 the fastest median ({})",
                if others == 1 { "" } else { "s" },
                if g.kind == WorkKind::Io {
                    ", p99 task time"
                } else {
                    ""
                },
                secs(fastest[index].1.median)
            );
        }
        (index, decided_by, why)
    };
    let mut why = why;
    if cells
        .iter()
        .any(|(_, p)| poolbench_results::below_ci_level(p.ci_level))
    {
        why.push_str(
            " (some intervals are below 95 % confidence: too few samples to tell the cells \
             apart reliably)",
        );
    }
    let pick = |(s, p): &(&Series, &Point)| Pick {
        model: s.model.clone(),
        workers: p.workers,
    };
    Some(Verdict {
        workload: g.workload.clone(),
        params: g.param_values.clone(),
        tasks: g.tasks,
        experiment: g.experiment.clone(),
        language,
        workers,
        fastest: fastest.iter().map(pick).collect(),
        recommended: pick(&fastest[recommended]),
        decided_by,
        why,
        costs,
    })
}

/// How much longer a time `ratio` × another is: `4.1 % longer`, or `1.52× its time`.
fn longer(ratio: f64) -> String {
    if ratio < 1.1 {
        format!("{:.1} % longer", (ratio - 1.0) * 100.0)
    } else {
        format!("{ratio:.2}× its time")
    }
}

/// A decision and the machine it is for (in a merged report).
#[derive(Debug, Clone, PartialEq)]
pub struct MachineVerdict {
    /// The machine's label in a merged report; `None` for a single results file.
    pub machine: Option<String>,
    pub verdict: Verdict,
}

/// The decisions for every group, machine by machine (see [`decide`]).
pub fn decide_all(groups: &[WorkloadGroup]) -> Vec<MachineVerdict> {
    let machines = groups.iter().map(|g| g.machines.len()).max().unwrap_or(0);
    let merged = machines > 1;
    let mut all = Vec::new();
    for machine in 0..machines {
        let one: Vec<WorkloadGroup> = groups
            .iter()
            .filter(|g| machine < g.machines.len())
            .map(|g| g.for_machine(machine))
            .collect();
        let label = one
            .iter()
            .find_map(|g| g.machines.first())
            .map(|m| m.label.clone());
        all.extend(decide(&one).into_iter().map(|verdict| MachineVerdict {
            machine: label.clone().filter(|_| merged),
            verdict,
        }));
    }
    all
}

/// Whether `v` decides for the cells of `g`.
pub fn is_for(v: &Verdict, g: &WorkloadGroup) -> bool {
    v.workload == g.workload
        && v.tasks == g.tasks
        && v.experiment == g.experiment
        && v.params == g.param_values
}

/// The one-line form of `v`: `tokio at W = 8 — as fast as …`.
pub fn line(v: &Verdict) -> String {
    format!("{} — {}", v.recommended, v.why)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cost(model: &str, threads: usize, mib: u64, cpu_ms: f64, p99_ms: f64) -> CostFigures {
        CostFigures {
            model: model.into(),
            workers: 8,
            median_s: 0.01,
            threads: Some(threads),
            memory_bytes: Some(mib << 20),
            cpu_per_task_s: Some(cpu_ms / 1e3),
            p99_s: Some(p99_ms / 1e3),
        }
    }

    #[test]
    fn fewest_threads_decide_first_and_the_reason_names_the_figures() {
        let costs = [
            cost("rayon", 8, 20, 1.0, 11.0),
            cost("tokio", 2, 20, 1.0, 11.0),
            cost("threadpool", 9, 20, 1.0, 11.0),
        ];
        let (chosen, by, steps) = sieve(&costs, WorkKind::Io);
        assert_eq!(
            (costs[chosen].model.as_str(), by),
            ("tokio", DecidedBy::Threads)
        );
        assert_eq!(steps, ["2 OS threads where 2 of them take 8–9"]);
        // Figures that did not decide are given where the others spend more.
        let mut costs = costs;
        costs[0].memory_bytes = Some(60 << 20);
        let (_, _, steps) = sieve(&costs, WorkKind::Io);
        assert_eq!(
            steps[1],
            "20 MiB of memory where the others take 20 MiB–60 MiB"
        );
    }

    #[test]
    fn memory_then_cpu_break_ties_within_ten_per_cent() {
        let costs = [
            cost("process", 2, 60, 1.0, 1.0),
            cost("rayon", 2, 20, 1.3, 1.0),
            cost("crossbeam", 2, 21, 1.0, 1.0),
        ];
        let (chosen, by, steps) = sieve(&costs, WorkKind::Cpu);
        assert_eq!(
            (costs[chosen].model.as_str(), by),
            ("crossbeam", DecidedBy::Memory)
        );
        assert_eq!(steps.len(), 2, "{steps:?}");
        assert!(steps[0].starts_with("20 MiB of memory where 1 of them takes 60 MiB"));
        assert!(steps[1].contains("of CPU per task where 1 of them takes 1.30 ms"));
    }

    #[test]
    fn equal_costs_tie_and_the_fastest_median_is_named() {
        let costs = [
            cost("rayon", 2, 20, 1.0, 1.0),
            cost("crossbeam", 2, 20, 1.0, 1.0),
        ];
        let (chosen, by, steps) = sieve(&costs, WorkKind::Cpu);
        assert_eq!((chosen, by), (0, DecidedBy::Tie));
        assert!(steps.is_empty());
    }
}
