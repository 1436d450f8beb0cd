//! A cell group's figures over commits, as data: what `poolbench-history` computes and
//! `poolbench-report` draws (one line per model, each point a run's median with its interval,
//! each change point where it happened).

/// One chart of the history.
#[derive(Debug, Clone, PartialEq)]
pub struct Trend {
    /// File stem: `trend-{slug}`.
    pub slug: String,
    pub title: String,
    /// What is plotted, and on which machine.
    pub subtitle: String,
    pub y_label: String,
    /// Whether the values are seconds (else plain ratios).
    pub seconds: bool,
    /// The x axis, oldest first: one label per run (a short commit id).
    pub runs: Vec<String>,
    pub series: Vec<TrendSeries>,
}

/// One model's line.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendSeries {
    pub label: String,
    pub model: String,
    pub points: Vec<TrendPoint>,
    pub changes: Vec<TrendChange>,
}

/// One run's value: `x` indexes [`Trend::runs`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrendPoint {
    pub x: usize,
    pub value: f64,
    pub interval: Option<[f64; 2]>,
}

/// A change point: the first run after it, and its size (after ÷ before − 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrendChange {
    pub x: usize,
    pub size: f64,
    pub regression: bool,
}
