//! What a model or workload *is*, as data: its language, its role, how charts draw it.
//!
//! Reports, verdicts and the command line used to recognise things by name (`"sequential"`,
//! `"noop"`, `"fault"`, `"http"`): every new model or workload then meant hunting for string
//! comparisons, and a results file from a model the reader's poolbench did not know could not
//! be drawn properly. These types travel in `results.json` instead, so a report draws every
//! model the file describes — a Python pool, a model from a newer poolbench — in its own
//! colour and marker, and knows which one is the oracle and which workload is a probe.

use serde::{Deserialize, Serialize};

/// Which language a model's tasks run in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Rust,
    Python,
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Language::Rust => "Rust",
            Language::Python => "Python",
        })
    }
}

/// A model's part in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ModelRole {
    /// The sequential reference: every other model's outputs are checked against its, and
    /// speedups are relative to its time. Runs at W = 1 only.
    Oracle,
    /// One task at a time in another language (a plain Python loop): that language's own
    /// sequential time. Runs at W = 1 only.
    Baseline,
    /// A model being compared.
    #[default]
    Model,
}

/// What runs a model's tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum WorkerKind {
    /// The calling thread, one task after another.
    Caller,
    /// Operating-system threads of one process (in Python: under one GIL).
    #[default]
    Threads,
    /// Async tasks multiplexed on a few threads.
    AsyncTasks,
    /// Separate processes, each with its own memory (in Python: its own interpreter and GIL).
    Processes,
}

impl std::fmt::Display for WorkerKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            WorkerKind::Caller => "the calling thread",
            WorkerKind::Threads => "threads",
            WorkerKind::AsyncTasks => "async tasks",
            WorkerKind::Processes => "processes",
        })
    }
}

/// Where a workload is defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum WorkloadOrigin {
    /// One of poolbench's own workloads.
    #[default]
    BuiltIn,
    /// The user's own: a workload of their crate (the `poolbench` facade) or a Python
    /// function (`--py-task`).
    User,
}

/// The shape a chart marks a model's points with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Marker {
    Circle,
    Triangle,
    Ring,
    Cross,
    Square,
    Diamond,
}

impl Marker {
    /// Every marker, in the order unknown models take them.
    pub const ALL: [Marker; 6] = [
        Marker::Circle,
        Marker::Triangle,
        Marker::Ring,
        Marker::Cross,
        Marker::Square,
        Marker::Diamond,
    ];
}

/// How charts draw a model: an RGB colour and a marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ModelStyle {
    pub colour: [u8; 3],
    pub marker: Marker,
}

impl ModelStyle {
    pub const fn new(colour: [u8; 3], marker: Marker) -> Self {
        Self { colour, marker }
    }

    /// A style for the `index`-th model no style was given for: hues spread by the golden
    /// angle (no two of the first dozens alike), markers in turn.
    pub fn generated(index: usize) -> Self {
        let hue = (index as f64 * 137.507_764) % 360.0;
        let (s, l) = (0.65, if index.is_multiple_of(2) { 0.38 } else { 0.5 });
        let c = (1.0 - (2.0 * l - 1.0f64).abs()) * s;
        let h = hue / 60.0;
        let x = c * (1.0 - (h % 2.0 - 1.0).abs());
        let (r, g, b) = match h as u32 {
            0 => (c, x, 0.0),
            1 => (x, c, 0.0),
            2 => (0.0, c, x),
            3 => (0.0, x, c),
            4 => (x, 0.0, c),
            _ => (c, 0.0, x),
        };
        let m = l - c / 2.0;
        let byte = |v: f64| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
        Self::new(
            [byte(r), byte(g), byte(b)],
            Marker::ALL[index % Marker::ALL.len()],
        )
    }
}

/// What a workload is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum WorkloadRole {
    /// Real work whose time is the question (sleep, sum, thumbnail, http).
    #[default]
    Measured,
    /// Tasks that do nothing, so that the time is the model's own per-task cost.
    OverheadProbe,
    /// A testing aid (injected faults): its times mean nothing.
    TestingAid,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_styles_are_distinct() {
        let styles: Vec<ModelStyle> = (0..24).map(ModelStyle::generated).collect();
        for (i, a) in styles.iter().enumerate() {
            for b in &styles[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn roles_read_as_words() {
        assert_eq!(
            serde_json::to_string(&WorkloadRole::OverheadProbe).unwrap(),
            "\"overhead-probe\""
        );
        assert_eq!(
            serde_json::to_string(&ModelRole::Oracle).unwrap(),
            "\"oracle\""
        );
        assert_eq!(
            serde_json::to_string(&Language::Python).unwrap(),
            "\"python\""
        );
    }
}
