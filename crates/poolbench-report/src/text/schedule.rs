//! "How each model scheduled the work": a workload's timelines and the figures read off them.
//!
//! The timelines are drawings; beside them the report prints, per model at the chart's W,
//! what the trace measured: how many workers ran tasks, how long the traced batch took, the
//! share of worker-time spent running tasks and the share spent idle while a task waited to
//! start (load imbalance), and, in one sentence, which model left the most worker-time idle.

use poolbench_compare::WorkloadGroup;

use crate::chart::{traced_cells, TracedCell, TIMELINE_LANGUAGES};

/// The subsection's heading.
pub const HEADING: &str = "How each model scheduled the work";

/// What the timelines show and how they were taken.
pub const INTRO: &str = "After its timed batches each cell ran three more batches, untimed, in \
    which every task also recorded the worker that ran it (an OS thread, a worker process, a \
    Python thread or process); shown is the one whose last task finished at the median time. \
    Each bar is a task on its worker's lane, coloured by its place in the \
    input; grey is a worker with nothing to run; the black tick is the batch's last finish. \
    A lane's tasks that overlap (an async runtime's thread carrying many waits) are stacked. \
    Idle: the share of the lanes' time spent idle while some task waited to start.";

/// The table's headings.
pub const HEADINGS: [&str; 6] = [
    "Model",
    "W",
    "Workers that ran tasks",
    "Traced batch",
    "Busy",
    "Idle while tasks waited",
];

/// Every model's traced cell at the chart's W (the baselines at W = 1), as the timelines show
/// them: Rust's, then Python's.
fn cells(g: &WorkloadGroup) -> Vec<TracedCell<'_>> {
    TIMELINE_LANGUAGES
        .into_iter()
        .flat_map(|language| traced_cells(g, language))
        .collect()
}

/// One row per model with a timeline.
pub fn rows(g: &WorkloadGroup) -> Vec<Vec<String>> {
    cells(g)
        .into_iter()
        .map(|p| {
            vec![
                p.series.label.clone(),
                p.workers.to_string(),
                p.trace.lanes.len().to_string(),
                crate::text::secs(p.trace.end_s),
                format!("{:.0} %", p.trace.busy * 100.0),
                format!("{:.1} %", p.trace.idle_while_waiting * 100.0),
            ]
        })
        .collect()
}

/// The finding in one sentence: the model that left the most worker-time idle while tasks
/// waited, and the one that left the least (models with more than one lane).
pub fn finding(g: &WorkloadGroup) -> Option<String> {
    let mut shares: Vec<(String, f64)> = cells(g)
        .into_iter()
        .filter(|p| p.trace.lanes.len() > 1)
        .map(|p| (p.series.label.clone(), p.trace.idle_while_waiting))
        .collect();
    if shares.len() < 2 {
        return None;
    }
    shares.sort_by(|a, b| a.1.total_cmp(&b.1));
    let (least, most) = (&shares[0], &shares[shares.len() - 1]);
    Some(format!(
        "Most worker-time idle while tasks waited: {} ({:.1} %); least: {} ({:.1} %).",
        most.0,
        most.1 * 100.0,
        least.0,
        least.1 * 100.0
    ))
}
