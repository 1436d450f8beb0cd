//! The [`Workload`] trait: a batch of N tasks that every model runs identically.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::TaskResult;

/// A boxed, sendable future: the async form of a task.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Whether a workload's tasks wait (I/O) or compute (CPU). It decides the ideal-time formula
/// and how the async models run it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum WorkKind {
    Io,
    #[default]
    Cpu,
}

impl std::fmt::Display for WorkKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `pad`, so that widths in tables (`{:<4}`) apply.
        f.pad(match self {
            WorkKind::Io => "io",
            WorkKind::Cpu => "cpu",
        })
    }
}

/// Everything needed to rebuild a workload, in this process or another one: its name, its
/// task count and its parameters. It is what `results.json` records for each cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkloadSpec {
    pub name: String,
    pub tasks: usize,
    #[serde(default)]
    pub params: Map<String, Value>,
}

impl WorkloadSpec {
    /// A spec with no parameter overrides.
    pub fn new(name: impl Into<String>, tasks: usize) -> Self {
        Self {
            name: name.into(),
            tasks,
            params: Map::new(),
        }
    }

    /// Sets one parameter (builder style).
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.params.insert(key.to_owned(), value.into());
        self
    }

    /// Parses the parameters into a workload's typed parameter struct; unknown keys and wrong
    /// types become [`WorkloadError::BadParams`] naming the workload.
    pub fn parse_params<P: DeserializeOwned>(&self) -> Result<P, WorkloadError> {
        serde_json::from_value(Value::Object(self.params.clone())).map_err(|e| {
            WorkloadError::BadParams {
                workload: self.name.clone(),
                message: e.to_string(),
            }
        })
    }

    /// The same spec with its parameters replaced by the complete, typed set actually used
    /// (defaults filled in), so reports show every parameter.
    pub fn normalised<P: Serialize>(&self, params: &P) -> Self {
        let params = match serde_json::to_value(params) {
            Ok(Value::Object(map)) => map,
            _ => self.params.clone(),
        };
        Self {
            name: self.name.clone(),
            tasks: self.tasks,
            params,
        }
    }
}

/// What the ideal-time formula needs to know about a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdealInput {
    /// W: the most tasks in flight at once.
    pub workers: usize,
    /// C: logical cores of the machine.
    pub cores: usize,
    /// The sequential model's median time for the same spec, when it is known.
    pub serial: Option<Duration>,
}

/// Why a workload could not be built.
#[derive(Debug, thiserror::Error)]
pub enum WorkloadError {
    #[error("unknown workload '{name}' (accepted: {accepted})")]
    Unknown { name: String, accepted: String },
    #[error("bad parameters for workload '{workload}': {message}")]
    BadParams { workload: String, message: String },
    #[error("could not prepare inputs for '{workload}': {message}")]
    Prepare { workload: String, message: String },
    #[error("a workload called '{name}' already exists: give yours another name")]
    Duplicate { name: String },
}

/// A named, parameterised batch of N tasks addressed by index `0..N`.
///
/// Building a workload prepares its inputs (deterministically, from its parameters); running a
/// task must not depend on which thread or process runs it, nor on the order of tasks.
pub trait Workload: Send + Sync + 'static {
    /// The complete spec this workload was built from (defaults filled in).
    fn spec(&self) -> &WorkloadSpec;

    /// I/O-bound or CPU-bound.
    fn kind(&self) -> WorkKind;

    /// The units of the parameters whose names do not say them, as (parameter, unit): a
    /// report writes `latency 5 ms` rather than a bare `latency=5`. (A name like `delay_ms`
    /// says its unit itself.)
    fn param_units(&self) -> &'static [(&'static str, &'static str)] {
        &[]
    }

    /// N, the number of tasks.
    fn tasks(&self) -> usize {
        self.spec().tasks
    }

    /// Runs task `index` on the calling thread, blocking it until done.
    fn run_blocking(&self, index: usize) -> TaskResult;

    /// The async form of task `index`, for workloads whose waiting can yield to an executor.
    /// `None` (the default) means "no async form": async models run the blocking form.
    fn run_async(&self, index: usize) -> Option<BoxFuture<'_, TaskResult>> {
        let _ = index;
        None
    }

    /// Whether [`Workload::run_async`] gives an async form. Reports say beside the async
    /// models' cells when they ran the blocking form instead. (Asked of the workload rather
    /// than found by calling `run_async`, which may only be called inside a runtime.)
    fn has_async_form(&self) -> bool {
        false
    }

    /// The per-phase totals of the tasks run since the last call (resetting them), for a
    /// workload whose tasks time their phases (see [`crate::PhaseTimes`]); `None` otherwise.
    fn take_phases(&self) -> Option<crate::PhaseTimes> {
        None
    }

    /// A description of the tasks a program in another language can run and check: what
    /// each task reads, computes or fetches, with every value it needs already worked out (the
    /// Python helper's input; see `python/poolbench_helper.py`). `None` (the default) when the
    /// workload has no such form.
    fn foreign_form(&self) -> Option<serde_json::Value> {
        None
    }

    /// The best time a zero-overhead scheduler could achieve, or `None` where no meaningful
    /// ideal exists (or it needs the serial time and that is not known).
    fn ideal(&self, input: IdealInput) -> Option<Duration>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
    #[serde(default, deny_unknown_fields)]
    struct Params {
        delay_ms: f64,
        label: String,
    }

    #[test]
    fn params_parse_with_defaults_and_normalise() {
        let spec = WorkloadSpec::new("x", 4).with("delay_ms", 2.5);
        let p: Params = spec.parse_params().unwrap();
        assert_eq!(
            p,
            Params {
                delay_ms: 2.5,
                label: String::new()
            }
        );
        let full = spec.normalised(&p);
        assert_eq!(full.params.len(), 2);
        assert_eq!(full.tasks, 4);
    }

    #[test]
    fn unknown_or_mistyped_params_name_the_workload() {
        let err = WorkloadSpec::new("x", 1)
            .with("nope", 1)
            .parse_params::<Params>()
            .unwrap_err();
        assert!(
            err.to_string().contains("'x'") && err.to_string().contains("nope"),
            "{err}"
        );
        let err = WorkloadSpec::new("x", 1)
            .with("delay_ms", "slow")
            .parse_params::<Params>();
        assert!(err.is_err());
    }
}
