//! Per-task timing summaries: how long tasks waited and ran, and how many ran at once.

use poolbench_core::{max_in_flight, TaskOutcome, TaskTiming};

use crate::stats::percentile;
use crate::{CellResult, Percentiles};

/// Per-task timing summaries of one batch that took per-task readings (the last such batch's
/// are kept: the last timed batch's, or the last warm-up batch's where timed batches take none).
pub(crate) fn record_timing(cell: &mut CellResult, outcomes: &[TaskOutcome]) {
    let timings: Vec<_> = outcomes.iter().map(|o| o.timing).collect();
    cell.per_task.max_in_flight = Some(max_in_flight(&timings));
    cell.per_task.queue_wait_s = percentiles_of(
        timings
            .iter()
            .map(|t| t.queue_wait().as_secs_f64())
            .collect(),
    );
    cell.per_task.service_s =
        percentiles_of(timings.iter().map(|t| t.service().as_secs_f64()).collect());
    cell.per_task.completion_order = completion_order(&timings);
}

/// Most tasks a batch may have for its completion order to be recorded.
const MOST_ORDERED_TASKS: usize = 64;

/// The task indices in the order they finished (ties by index); `None` for a batch of more
/// than [`MOST_ORDERED_TASKS`] or one without per-task readings (every finish at zero).
fn completion_order(timings: &[TaskTiming]) -> Option<Vec<usize>> {
    if timings.len() > MOST_ORDERED_TASKS || timings.iter().all(|t| t.finished.is_zero()) {
        return None;
    }
    let mut order: Vec<usize> = (0..timings.len()).collect();
    order.sort_by_key(|&i| (timings[i].finished, i));
    Some(order)
}

/// p50/p90/p99/max of some durations (seconds); `None` for none.
fn percentiles_of(mut values: Vec<f64>) -> Option<Percentiles> {
    values.sort_by(f64::total_cmp);
    percentiles_of_sorted(&values)
}

/// [`percentiles_of`] for values already in ascending order.
pub(crate) fn percentiles_of_sorted(sorted: &[f64]) -> Option<Percentiles> {
    Some(Percentiles {
        p50: percentile(sorted, 50.0),
        p90: percentile(sorted, 90.0),
        p99: percentile(sorted, 99.0),
        max: *sorted.last()?,
    })
}
