//! A [`Tasks`](super::Tasks) once built: an ordinary [`Workload`], the prepared input shared by
//! every task.

use std::sync::Arc;
use std::time::Duration;

use poolbench_core::{
    ideal_from_serial, BoxFuture, IdealInput, TaskResult, WorkKind, Workload, WorkloadSpec,
};

use super::{Async, Blocking};

/// A built [`Tasks`]: the prepared input and the forms of a task.
pub(super) struct Built<I> {
    pub(super) spec: WorkloadSpec,
    pub(super) kind: WorkKind,
    pub(super) input: Arc<I>,
    pub(super) blocking: Blocking<I>,
    pub(super) asynchronous: Option<Async<I>>,
}

impl<I: Send + Sync + 'static> Workload for Built<I> {
    fn spec(&self) -> &WorkloadSpec {
        &self.spec
    }

    fn kind(&self) -> WorkKind {
        self.kind
    }

    fn run_blocking(&self, index: usize) -> TaskResult {
        (self.blocking)(&self.input, index)
    }

    fn has_async_form(&self) -> bool {
        self.asynchronous.is_some()
    }

    fn run_async(&self, index: usize) -> Option<BoxFuture<'_, TaskResult>> {
        let form = self.asynchronous.as_ref()?;
        Some(form(Arc::clone(&self.input), index))
    }

    /// The serial time spread evenly over the tasks (see [`ideal_from_serial`]).
    fn ideal(&self, input: IdealInput) -> Option<Duration> {
        ideal_from_serial(self.kind, self.tasks(), input)
    }
}
