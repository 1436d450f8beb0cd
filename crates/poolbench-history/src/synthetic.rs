//! Series with known steps, drawn from the kinds of noise CI machines have: how change-point
//! detection is measured (`examples/changepoints`, and the tests that pin its counts).
//!
//! Each series is one cell's figure over `runs` runs; from run `runs - after` on, the model got
//! `step` slower. Every draw is seeded, so the same seed gives the same series on any machine,
//! and another tool (Apache Otava, in `scripts/otava-changepoints.py`) can be given exactly
//! the series poolbench was.

/// The noise of one run's figure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Noise {
    /// Each run's figure is off by a normal error with this relative standard deviation.
    Normal(f64),
    /// Heavy-tailed, per cell: 3 % normal, and one run in five 25 % slower (the slow vCPU of a
    /// two-speed machine, drawn for each cell on its own).
    HeavyTail,
    /// Common to a whole run: the run is 3 % normal and one in five 25 % slower, *for every
    /// cell of it*; each cell adds 1 % of its own. Poolbench follows the model ÷ the same
    /// run's sequential cell; a tool that follows raw medians sees the run's noise.
    RunCommon,
}

impl Noise {
    /// How tables name it.
    pub fn label(self) -> String {
        match self {
            Noise::Normal(s) => format!("normal {:.0} % per run", s * 100.0),
            Noise::HeavyTail => "heavy-tailed per cell (3 % + 1 run in 5 25 % slow)".to_owned(),
            Noise::RunCommon => "common to a run (3 % + 1 run in 5 25 % slow)".to_owned(),
        }
    }

    /// Every kind the measurements cover.
    pub const ALL: [Noise; 5] = [
        Noise::Normal(0.01),
        Noise::Normal(0.03),
        Noise::Normal(0.07),
        Noise::HeavyTail,
        Noise::RunCommon,
    ];
}

/// One drawn series, as each kind of tool sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawn {
    /// What poolbench follows: the model's figure ÷ the same run's sequential figure.
    pub relative: Vec<f64>,
    /// The model's raw figure.
    pub raw: Vec<f64>,
}

fn normal(rng: &mut fastrand::Rng) -> f64 {
    // Box–Muller.
    let (u, v) = (rng.f64().max(1e-12), rng.f64());
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// The two-speed factor: 3 % normal, and one time in five 25 % slower.
fn two_speed(rng: &mut fastrand::Rng) -> f64 {
    let base = 1.0 + 0.03 * normal(rng);
    if rng.f64() < 0.2 {
        base * 1.25
    } else {
        base
    }
}

/// A series of `runs` runs with `noise`; the last `after` runs are `step` slower (`after` = 0:
/// no step).
pub fn draw(rng: &mut fastrand::Rng, noise: Noise, runs: usize, after: usize, step: f64) -> Drawn {
    let mut drawn = Drawn {
        relative: Vec::with_capacity(runs),
        raw: Vec::with_capacity(runs),
    };
    for i in 0..runs {
        let level = if i + after >= runs && after > 0 {
            1.0 + step
        } else {
            1.0
        };
        let (raw, sequential) = match noise {
            Noise::Normal(s) => (level * (1.0 + s * normal(rng)), 1.0),
            Noise::HeavyTail => (level * two_speed(rng), 1.0),
            Noise::RunCommon => {
                let run = two_speed(rng);
                (
                    level * run * (1.0 + 0.01 * normal(rng)),
                    run * (1.0 + 0.01 * normal(rng)),
                )
            }
        };
        drawn.raw.push(raw);
        drawn.relative.push(raw / sequential);
    }
    drawn
}

/// Whether a series' newest change beyond `threshold` is a regression (a slowdown).
pub fn regression(changes: &[(usize, f64)], threshold: f64) -> Option<usize> {
    changes
        .iter()
        .rev()
        .find(|(_, size)| size.abs() > threshold)
        .filter(|(_, size)| *size > 0.0)
        .map(|(index, _)| *index)
}

/// Whether a step at `at` was caught: the newest change beyond `threshold` is a regression
/// at `at` or one run off.
pub fn caught(changes: &[(usize, f64)], at: usize, threshold: f64) -> bool {
    regression(changes, threshold).is_some_and(|index| index.abs_diff(at) <= 1)
}

/// Runs per series in the measured cases.
pub const RUNS: usize = 30;

/// The measured cases for each kind of noise: (step, runs after it); `after` = 0 is no step.
pub const CASES: [(f64, usize); 5] = [(0.0, 0), (0.10, 3), (0.10, 10), (0.15, 3), (0.15, 10)];

/// One measured case: its noise, step and runs after it, and its series.
#[derive(Debug, Clone)]
pub struct Case {
    pub noise: Noise,
    pub step: f64,
    pub after: usize,
    pub series: Vec<Drawn>,
}

impl Case {
    /// How tables name it.
    pub fn label(&self) -> String {
        if self.after == 0 {
            "no step: false alarms".to_owned()
        } else {
            format!(
                "+{:.0} %, {} runs after: caught",
                self.step * 100.0,
                self.after
            )
        }
    }

    /// poolbench's change points (index, size) of each series, as `history check` follows it.
    pub fn poolbench(&self, settings: &crate::changepoint::Settings) -> Vec<Vec<(usize, f64)>> {
        self.series
            .iter()
            .map(|d| {
                crate::changepoint::change_points(&d.relative, settings)
                    .iter()
                    .map(|c| (c.index, c.size))
                    .collect()
            })
            .collect()
    }

    /// Of each series' change points (index, size), how many were caught (with a step) or were
    /// a false alarm (without one).
    pub fn count(&self, found: &[Vec<(usize, f64)>], threshold: f64) -> usize {
        let at = RUNS - self.after;
        found
            .iter()
            .filter(|changes| {
                if self.after == 0 {
                    regression(changes, threshold).is_some()
                } else {
                    caught(changes, at, threshold)
                }
            })
            .count()
    }
}

/// Every kind of noise × every case, `per_case` series each, drawn from one seed in one order:
/// the same series every time.
pub fn cases(per_case: usize) -> Vec<Case> {
    let mut rng = fastrand::Rng::with_seed(2026);
    Noise::ALL
        .iter()
        .flat_map(|&noise| CASES.iter().map(move |&(step, after)| (noise, step, after)))
        .map(|(noise, step, after)| Case {
            noise,
            step,
            after,
            series: (0..per_case)
                .map(|_| draw(&mut rng, noise, RUNS, after, step))
                .collect(),
        })
        .collect()
}
