//! Every batch checked against the sequential oracle: a model that loses, duplicates or
//! corrupts a result is caught, whichever batch it happens in, warm-ups included.

use std::collections::BTreeSet;

use poolbench_core::{TaskError, TaskOutcome};

/// How many task errors a cell keeps verbatim.
const ERRORS_KEPT: usize = 5;

/// Compares every batch of a cell with the oracle (or, for the oracle itself, with its own
/// first batch) and keeps count of what went wrong.
pub(crate) struct Verifier {
    pub expected: Option<Vec<Option<u64>>>,
    pub failed: BTreeSet<usize>,
    pub timed_out: BTreeSet<usize>,
    pub mismatched: BTreeSet<usize>,
    pub errors: Vec<String>,
    batches: usize,
    /// Whether this cell is the oracle, whose first batch is its own reference.
    oracle: bool,
    /// Whether a mismatch message has said what outputs must not depend on.
    explained: bool,
}

/// What a task whose output differs from its reference is told: where the reference came
/// from and, the first time, what a task's output must not depend on.
fn mismatch_message(index: usize, oracle: bool, explain: bool) -> String {
    let what = if oracle {
        format!("task {index}: the oracle's output changed from one of its own batches to another")
    } else {
        format!("task {index}: output differs from the sequential oracle's")
    };
    if !explain {
        return what;
    }
    let why = "a task's output must depend only on its index and the workload's inputs, not \
               on where it runs (thread, process), when (time) or in what order";
    if oracle {
        format!("{what} ({why})")
    } else {
        format!("{what} ({why}; or the model lost or swapped results)")
    }
}

impl Verifier {
    pub fn new(expected: Option<Vec<Option<u64>>>) -> Self {
        Self {
            expected,
            failed: BTreeSet::new(),
            timed_out: BTreeSet::new(),
            mismatched: BTreeSet::new(),
            errors: Vec::new(),
            batches: 0,
            oracle: false,
            explained: false,
        }
    }

    pub fn check(&mut self, outcomes: &[TaskOutcome]) {
        self.batches += 1;
        let got: Vec<Option<u64>> = outcomes
            .iter()
            .map(|o| o.result.as_ref().ok().map(|out| out.checksum))
            .collect();
        for (index, outcome) in outcomes.iter().enumerate() {
            if let Err(error) = &outcome.result {
                // A task's first error is kept: the same task failing every batch says the
                // same thing again.
                if self.failed.insert(index) && self.errors.len() < ERRORS_KEPT {
                    self.errors.push(format!("task {index}: {error}"));
                }
                if matches!(error, TaskError::TimedOut { .. }) {
                    self.timed_out.insert(index);
                }
            }
        }
        // The oracle's first batch is its own reference: a later batch that differs means
        // outputs that depend on something besides the task's index.
        let own_reference = self.expected.is_none() || self.oracle;
        self.oracle = own_reference;
        let expected = self.expected.get_or_insert_with(|| got.clone());
        let mut fresh = Vec::new();
        for (index, (want, have)) in expected.iter().zip(&got).enumerate() {
            if have.is_some() && want != have && self.mismatched.insert(index) {
                fresh.push(index);
            }
        }
        for index in fresh {
            if self.errors.len() >= ERRORS_KEPT {
                break;
            }
            self.errors
                .push(mismatch_message(index, own_reference, !self.explained));
            self.explained = true;
        }
    }

    pub fn verified(&self, tasks: usize) -> bool {
        self.batches > 0
            && self.failed.is_empty()
            && self.mismatched.is_empty()
            && self
                .expected
                .as_ref()
                .is_some_and(|e| e.len() == tasks && e.iter().all(Option::is_some))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use poolbench_core::{TaskOutput, TaskTiming};

    fn batch(checksums: &[u64]) -> Vec<TaskOutcome> {
        checksums
            .iter()
            .map(|&checksum| TaskOutcome {
                result: Ok(TaskOutput { checksum }),
                timing: TaskTiming::default(),
            })
            .collect()
    }

    #[test]
    fn a_model_that_reproduces_the_oracle_is_verified() {
        let mut v = Verifier::new(Some(vec![Some(1), Some(2)]));
        v.check(&batch(&[1, 2]));
        v.check(&batch(&[1, 2]));
        assert!(v.verified(2) && v.errors.is_empty());
    }

    #[test]
    fn outputs_that_change_between_the_oracles_own_batches_are_explained() {
        let mut oracle = Verifier::new(None);
        oracle.check(&batch(&[1, 2, 3]));
        oracle.check(&batch(&[1, 5, 6]));
        assert!(!oracle.verified(3));
        assert_eq!(
            oracle.mismatched.iter().copied().collect::<Vec<_>>(),
            [1, 2]
        );
        assert!(
            oracle.errors[0].contains("oracle's output changed"),
            "{:?}",
            oracle.errors
        );
        assert!(oracle.errors[0].contains("not on where it runs"));
        // The explanation is given once.
        assert!(!oracle.errors[1].contains("where it runs"));
    }

    #[test]
    fn a_model_whose_outputs_differ_is_told_why_it_may_be() {
        let mut v = Verifier::new(Some(vec![Some(1), Some(2)]));
        v.check(&batch(&[1, 9]));
        v.check(&batch(&[1, 9]));
        assert!(!v.verified(2));
        assert_eq!(v.errors.len(), 1, "one message per task: {:?}", v.errors);
        assert!(v.errors[0].starts_with("task 1: output differs from the sequential oracle's"));
        assert!(v.errors[0].contains("not on where it runs"));
    }

    #[test]
    fn failed_tasks_are_kept_and_counted() {
        let mut v = Verifier::new(Some(vec![Some(1), Some(2)]));
        let mut outcomes = batch(&[1, 2]);
        outcomes[0].result = Err(TaskError::TimedOut { seconds: 1.0 });
        v.check(&outcomes);
        assert!(!v.verified(2));
        assert!(v.failed.contains(&0) && v.timed_out.contains(&0));
        assert!(v.errors[0].starts_with("task 0: timed out"));
        v.check(&outcomes);
        assert_eq!(v.errors.len(), 1, "a task's error once: {:?}", v.errors);
    }
}
