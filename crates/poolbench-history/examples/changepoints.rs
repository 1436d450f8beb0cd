//! How well `history check` finds change points, measured on synthetic series with known
//! steps: recall (a step of 5–30 % found at its run, ±1) and false positives (change points
//! in series of pure noise, and checks of a whole quick run's 186 series that would fail).
//!
//! `cargo run --release -p poolbench-history --example changepoints [SERIES_PER_CASE [SIGNIFICANCE]]`
//! (default 400 and `history check`'s default; deterministic: the same numbers every time).

use poolbench_history::changepoint::{change_points, Settings};

/// The noise of one run's figure, as a share of its level.
#[derive(Clone, Copy)]
enum Noise {
    /// Normal, with this standard deviation.
    Normal(f64),
    /// A 2-speed machine: normal (3 %), and one run in five 25 % slower (this VM's vCPUs
    /// switch between speeds).
    TwoSpeed,
}

impl Noise {
    fn label(self) -> String {
        match self {
            Noise::Normal(s) => format!("normal {:.0} %", s * 100.0),
            Noise::TwoSpeed => "two-speed (3 % + 1 in 5 runs 25 % slow)".to_owned(),
        }
    }

    fn draw(self, rng: &mut fastrand::Rng) -> f64 {
        let mut normal = || {
            // Box–Muller.
            let (u, v) = (rng.f64().max(1e-12), rng.f64());
            (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
        };
        match self {
            Noise::Normal(s) => 1.0 + s * normal(),
            Noise::TwoSpeed => {
                let base = 1.0 + 0.03 * normal();
                if rng.f64() < 0.2 {
                    base * 1.25
                } else {
                    base
                }
            }
        }
    }
}

fn series(
    rng: &mut fastrand::Rng,
    n: usize,
    step_at: Option<usize>,
    step: f64,
    noise: Noise,
) -> Vec<f64> {
    (0..n)
        .map(|i| {
            let level = if step_at.is_some_and(|at| i >= at) {
                1.0 + step
            } else {
                1.0
            };
            level * noise.draw(rng)
        })
        .collect()
}

fn main() {
    let per_case: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(400);
    let mut settings = Settings::default();
    if let Some(significance) = std::env::args().nth(2).and_then(|a| a.parse().ok()) {
        settings.significance = significance;
    }
    let threshold = 0.05;
    let mut rng = fastrand::Rng::with_seed(2026);
    let noises = [
        Noise::Normal(0.01),
        Noise::Normal(0.03),
        Noise::Normal(0.07),
        Noise::TwoSpeed,
    ];
    println!(
        "Settings: significance {}, at least {} runs each side, threshold {:.0} %; {per_case} series per case.\n",
        settings.significance,
        settings.min_size,
        threshold * 100.0
    );
    println!("## False positives: 30 runs of pure noise\n");
    println!("| noise | change points per series | series with a false regression (> threshold) | a 186-series check failing |");
    println!("|---|---|---|---|");
    for noise in noises {
        let (mut points, mut regressions) = (0usize, 0usize);
        for _ in 0..per_case {
            let z = series(&mut rng, 30, None, 0.0, noise);
            let changes = change_points(&z, &settings);
            points += changes.len();
            let newest = changes.iter().rev().find(|c| c.size.abs() > threshold);
            if newest.is_some_and(|c| c.size > 0.0) {
                regressions += 1;
            }
        }
        let rate = regressions as f64 / per_case as f64;
        println!(
            "| {} | {:.3} | {regressions} of {per_case} ({:.2} %) | {:.1} % |",
            noise.label(),
            points as f64 / per_case as f64,
            rate * 100.0,
            (1.0 - (1.0 - rate).powi(186)) * 100.0
        );
    }
    println!("\n## Recall: one step in 30 runs, found at its run (±1) and called a regression\n");
    println!("| noise | runs after the step | +5 % | +10 % | +20 % | +30 % |");
    println!("|---|---|---|---|---|---|");
    for noise in noises {
        for after in [3, 5, 10, 15] {
            let mut row = format!("| {} | {after} |", noise.label());
            for step in [0.05, 0.10, 0.20, 0.30] {
                let at = 30 - after;
                let mut found = 0;
                for _ in 0..per_case {
                    let z = series(&mut rng, 30, Some(at), step, noise);
                    let changes = change_points(&z, &settings);
                    let newest = changes.iter().rev().find(|c| c.size.abs() > threshold);
                    if newest.is_some_and(|c| c.size > 0.0 && c.index.abs_diff(at) <= 1) {
                        found += 1;
                    }
                }
                row.push_str(&format!(
                    " {:.0} % |",
                    100.0 * found as f64 / per_case as f64
                ));
            }
            println!("{row}");
        }
    }
}
