//! The slowdown knob: a testing aid for regression tracking.
//!
//! `slowdown = 0.1` on a workload that has it (`sum`, `sleep`) makes every task do 10 % more
//! of its real work — a longer sum, a longer wait — inside the timed task, so a run with it is
//! a regression of known size. It is left out of a cell's identity, so `poolbench compare`
//! matches a slowed run with a normal one, and written to the results only when set.

use poolbench_core::WorkloadError;

/// The most a task may be slowed: ten times its work.
pub const MOST_SLOWDOWN: f64 = 10.0;

/// For `#[serde(skip_serializing_if)]`: an unset knob is not written.
pub(crate) fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

/// `slowdown` checked for `workload`.
pub(crate) fn check(workload: &str, slowdown: f64) -> Result<(), WorkloadError> {
    if (0.0..=MOST_SLOWDOWN).contains(&slowdown) {
        Ok(())
    } else {
        Err(WorkloadError::BadParams {
            workload: workload.to_owned(),
            message: format!(
                "slowdown must be between 0 and {MOST_SLOWDOWN} (a fraction of extra work), not {slowdown}"
            ),
        })
    }
}
