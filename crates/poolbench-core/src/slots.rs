//! One slot per task, filled once from any thread: how models return outcomes in input order
//! and how a lost or duplicated result is reported instead of silently dropped.

use std::sync::{Mutex, OnceLock, PoisonError};

use crate::{ModelError, TaskOutcome};

/// A fixed set of N slots, each filled exactly once, from any thread.
#[derive(Debug)]
pub struct OutcomeSlots {
    slots: Vec<OnceLock<TaskOutcome>>,
    misuse: Mutex<Vec<String>>,
}

impl OutcomeSlots {
    /// N empty slots.
    pub fn new(tasks: usize) -> Self {
        Self {
            slots: (0..tasks).map(|_| OnceLock::new()).collect(),
            misuse: Mutex::new(Vec::new()),
        }
    }

    /// Stores task `index`'s outcome. A second outcome for the same task, or an index out of
    /// range, is a model bug: it is kept aside and reported by [`OutcomeSlots::into_outcomes`].
    pub fn put(&self, index: usize, outcome: TaskOutcome) {
        let problem = match self.slots.get(index) {
            None => format!("task index {index} is out of range 0..{}", self.slots.len()),
            Some(slot) => match slot.set(outcome) {
                Ok(()) => return,
                Err(_) => format!("task {index} reported twice"),
            },
        };
        self.misuse
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(problem);
    }

    /// Stores every `(index, outcome)` pair received, e.g. from a channel, and returns the
    /// outcomes in input order. The iterator may end early (a sender went away): the missing
    /// tasks are then reported, never hung on.
    pub fn collect(
        tasks: usize,
        received: impl IntoIterator<Item = (usize, TaskOutcome)>,
    ) -> Result<Vec<TaskOutcome>, ModelError> {
        let slots = Self::new(tasks);
        for (index, outcome) in received.into_iter().take(tasks) {
            slots.put(index, outcome);
        }
        slots.into_outcomes()
    }

    /// All outcomes in input order, or an error naming the empty slots or the misuse seen.
    pub fn into_outcomes(self) -> Result<Vec<TaskOutcome>, ModelError> {
        let misuse = self
            .misuse
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        if !misuse.is_empty() {
            return Err(ModelError::Internal {
                message: misuse.join("; "),
            });
        }
        let mut missing = Vec::new();
        let mut outcomes = Vec::with_capacity(self.slots.len());
        for (index, slot) in self.slots.into_iter().enumerate() {
            match slot.into_inner() {
                Some(outcome) => outcomes.push(outcome),
                None => missing.push(index),
            }
        }
        if missing.is_empty() {
            Ok(outcomes)
        } else {
            Err(ModelError::LostTasks { missing })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{TaskOutput, TaskTiming};

    fn outcome(checksum: u64) -> TaskOutcome {
        TaskOutcome {
            result: Ok(TaskOutput { checksum }),
            timing: TaskTiming::default(),
        }
    }

    #[test]
    fn returns_input_order_whatever_the_fill_order() {
        let received = [2, 0, 1].map(|i| (i, outcome(i as u64)));
        let sums: Vec<_> = OutcomeSlots::collect(3, received)
            .unwrap()
            .into_iter()
            .map(|o| o.result.unwrap().checksum)
            .collect();
        assert_eq!(sums, [0, 1, 2]);
    }

    #[test]
    fn a_missing_task_is_reported_not_dropped() {
        match OutcomeSlots::collect(3, [(1, outcome(1))]) {
            Err(ModelError::LostTasks { missing }) => assert_eq!(missing, [0, 2]),
            other => panic!("expected LostTasks, got {other:?}"),
        }
    }

    #[test]
    fn double_and_out_of_range_puts_are_errors() {
        let twice = [(0, outcome(0)), (0, outcome(0))];
        let slots = OutcomeSlots::new(2);
        for (i, o) in twice {
            slots.put(i, o);
        }
        assert!(matches!(
            slots.into_outcomes(),
            Err(ModelError::Internal { .. })
        ));
        let slots = OutcomeSlots::new(1);
        slots.put(5, outcome(0));
        let err = slots.into_outcomes().unwrap_err();
        assert!(err.to_string().contains("out of range"), "{err}");
    }
}
