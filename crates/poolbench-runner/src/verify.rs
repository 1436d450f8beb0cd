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
                self.failed.insert(index);
                if matches!(error, TaskError::TimedOut { .. }) {
                    self.timed_out.insert(index);
                }
                if self.errors.len() < ERRORS_KEPT {
                    self.errors.push(format!("task {index}: {error}"));
                }
            }
        }
        let expected = self.expected.get_or_insert_with(|| got.clone());
        for (index, (want, have)) in expected.iter().zip(&got).enumerate() {
            if have.is_some() && want != have {
                self.mismatched.insert(index);
            }
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
