//! The fastest model of each workload, and those the run cannot tell apart from it: what `repro`
//! compares between two runs (does the second run's fastest fall among the first's?).
//!
//! For each workload: each model's best cell (its fastest verified median over W), the fastest
//! of those, and every model whose best cell's 95 % interval overlaps the fastest one's — those
//! are indistinguishable, not losers. (What to *use* among them is `decide`'s question.)

use poolbench_core::WorkloadRole;

use crate::data::{Point, Series, WorkloadGroup};
use crate::stats::overlap;

/// The fastest model of one workload, and those the run cannot tell apart from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Fastest {
    pub workload: String,
    /// The machine, in a merged report (each machine gets its own verdict).
    pub machine: Option<String>,
    pub fastest: String,
    pub workers: usize,
    pub median: f64,
    /// Models whose best cell cannot be told apart from the fastest one.
    pub indistinguishable: Vec<String>,
}

/// One verdict per workload and machine that has verified cells (the `fault` testing aid is
/// left out).
pub fn fastest_groups(groups: &[WorkloadGroup]) -> Vec<Fastest> {
    groups
        .iter()
        .filter(|g| g.role != WorkloadRole::TestingAid)
        .flat_map(|g| {
            (0..g.machines.len()).filter_map(move |machine| {
                let one = g.for_machine(machine);
                let mut v = fastest_of(&one)?;
                if g.is_merged() {
                    v.machine = Some(one.machines[0].label.clone());
                }
                Some(v)
            })
        })
        .collect()
}

fn best(points: &[Point]) -> Option<&Point> {
    points
        .iter()
        .filter(|p| p.verified)
        .min_by(|a, b| a.median.total_cmp(&b.median))
}

fn fastest_of(g: &WorkloadGroup) -> Option<Fastest> {
    // On no-op tasks the sequential loop trivially wins (it dispatches nothing): compare pools.
    let probe = g.role == WorkloadRole::OverheadProbe;
    let contenders = g.series.iter().filter(|s| !probe || !s.oracle);
    let bests: Vec<(&Series, &Point)> = contenders
        .filter_map(|s| Some((s, best(&s.points)?)))
        .collect();
    let &(fastest_series, winner) = bests
        .iter()
        .min_by(|a, b| a.1.median.total_cmp(&b.1.median))?;
    let fastest = fastest_series.model.as_str();
    let indistinguishable = bests
        .iter()
        .filter(|(s, p)| s.model != fastest && overlap(p.ci, winner.ci))
        .map(|(s, _)| s.model.clone())
        .collect();
    Some(Fastest {
        workload: g.label(),
        machine: None,
        fastest: fastest.to_owned(),
        workers: winner.workers,
        median: winner.median,
        indistinguishable,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn point(workers: usize, median: f64, ci: (f64, f64)) -> Point {
        Point {
            workers,
            median,
            min: ci.0,
            max: ci.1,
            ci,
            ci_level: 0.95,
            samples: 6,
            outliers: Default::default(),
            context_switches: None,
            speedup: None,
            efficiency: None,
            ideal: None,
            cpu: None,
            verified: true,
            failed: 0,
            throughput: 0.0,
            overhead_per_task: None,
            queue_wait: None,
            service: None,
            latency: None,
            startup: None,
            peak_threads: None,
            peak_rss_bytes: None,
            cpu_user_system: None,
            self_peak_rss_bytes: None,
            phases: None,
            completion_order: None,
            trace: None,
        }
    }

    fn group(series: Vec<(&str, Vec<Point>)>) -> WorkloadGroup {
        WorkloadGroup {
            workload: "sum".into(),
            kind: poolbench_core::WorkKind::Cpu,
            role: WorkloadRole::Measured,
            async_form: None,
            changed: None,
            param_values: Default::default(),
            experiment: None,
            params: "n=1".into(),
            tasks: 8,
            slug: "sum".into(),
            book: Default::default(),
            machines: vec![crate::data::Machine {
                label: "here".into(),
                cores: 2,
            }],
            series: series
                .into_iter()
                .map(|(m, points)| Series {
                    model: m.into(),
                    machine: 0,
                    label: m.into(),
                    oracle: m == "sequential",
                    language: poolbench_core::Language::Rust,
                    role: poolbench_core::ModelRole::Model,
                    worker_kind: None,
                    style: poolbench_core::ModelStyle::generated(0),
                    points,
                })
                .collect(),
        }
    }

    #[test]
    fn overlapping_intervals_are_reported_as_indistinguishable() {
        let g = group(vec![
            ("sequential", vec![point(1, 10.0, (9.5, 10.5))]),
            (
                "rayon",
                vec![point(1, 10.0, (9.8, 10.2)), point(2, 5.0, (4.8, 5.3))],
            ),
            ("tokio", vec![point(2, 5.1, (5.0, 5.4))]),
            ("crossbeam", vec![point(2, 6.0, (5.9, 6.1))]),
        ]);
        let v = &fastest_groups(&[g])[0];
        assert_eq!((v.fastest.as_str(), v.workers), ("rayon", 2));
        assert_eq!(
            v.indistinguishable,
            ["tokio"],
            "crossbeam is clearly slower"
        );
    }

    #[test]
    fn noop_compares_pools_not_the_sequential_loop() {
        let mut g = group(vec![
            ("sequential", vec![point(1, 0.1, (0.1, 0.1))]),
            ("rayon", vec![point(2, 0.4, (0.39, 0.41))]),
            ("tokio", vec![point(2, 2.0, (1.9, 2.1))]),
        ]);
        g.workload = "noop".into();
        g.role = WorkloadRole::OverheadProbe;
        assert_eq!(fastest_groups(&[g])[0].fastest, "rayon");
    }

    #[test]
    fn a_winner_is_never_claimed_over_an_overlapping_interval() {
        let mut rng = fastrand::Rng::with_seed(5);
        let models = ["handrolled", "threadpool", "rayon", "crossbeam", "tokio"];
        for _ in 0..500 {
            let series = models
                .iter()
                .map(|m| {
                    let points = [1, 2, 4]
                        .into_iter()
                        .map(|w| {
                            let median = 1.0 + rng.f64();
                            let half = rng.f64() * 0.3;
                            point(w, median, (median - half, median + half))
                        })
                        .collect();
                    (*m, points)
                })
                .collect();
            let g = group(series);
            let v = &fastest_groups(std::slice::from_ref(&g))[0];
            let best_ci = |model: &str| {
                let s = g.series.iter().find(|s| s.model == model).unwrap();
                best(&s.points).unwrap().ci
            };
            let winner = best_ci(&v.fastest);
            for model in models.iter().filter(|m| **m != v.fastest) {
                let listed = v.indistinguishable.iter().any(|m| m == model);
                assert_eq!(
                    listed,
                    overlap(best_ci(model), winner),
                    "{model} vs {}",
                    v.fastest
                );
            }
        }
    }

    #[test]
    fn unverified_cells_never_win() {
        let mut fast = point(2, 1.0, (0.9, 1.1));
        fast.verified = false;
        let g = group(vec![
            ("rayon", vec![fast]),
            ("tokio", vec![point(2, 5.0, (4.9, 5.1))]),
        ]);
        assert_eq!(fastest_groups(&[g])[0].fastest, "tokio");
    }
}
