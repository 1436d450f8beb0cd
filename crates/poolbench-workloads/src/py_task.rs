//! `py-task`: the user's own Python function, `FUNCTION(index)`, run by Python's pools.
//!
//! `poolbench run --with-python --py-task MODULE:FUNCTION` asks the seed articles' question
//! of the reader's own code: which of Python's pools should run it? Rust cannot run Python
//! code, so only the Python models run this workload, and its oracle is Python's plain loop
//! (`py-sequential`): every pool's outputs must equal the loop's. The helper hashes each
//! return value's pickle (protocol 4, under a fixed `PYTHONHASHSEED`, so sets and dicts of
//! strings pickle alike in every process) into the checksum; see `docs/own-work.md`.

use std::sync::Arc;
use std::time::Duration;

use poolbench_core::{
    ideal_from_serial, IdealInput, Language, TaskError, TaskResult, WorkKind, Workload,
    WorkloadError, WorkloadSpec,
};
use serde::{Deserialize, Serialize};

use crate::{defaults_of, BuildContext, Footprint, WorkloadInfo};

pub(crate) const INFO: WorkloadInfo = WorkloadInfo {
    name: "py-task",
    kind: WorkKind::Cpu,
    role: poolbench_core::WorkloadRole::Measured,
    needs_server: false,
    only_in: Some(Language::Python),
    origin: crate::WorkloadOrigin::User,
    summary: "your Python function FUNCTION(i) on Python's pools (--py-task MODULE:FUNCTION; kind=cpu|io)",
    default_tasks: 32,
    default_params: &defaults_of::<PyTaskParams>,
    check: &|spec| parse(spec).map(|_| Footprint::default()),
    build: &build,
};

/// What `--py-task MODULE:FUNCTION [--py-path DIR]` sets.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct PyTaskParams {
    /// The module to import (`mod` or `package.mod`).
    module: String,
    /// The function of one argument, the task's index, that the module defines.
    function: String,
    /// The folder the module is imported from (put first on Python's `sys.path`).
    path: String,
    /// `cpu` (computes: the GIL matters) or `io` (waits): decides the ideal time.
    kind: WorkKind,
}

fn parse(spec: &WorkloadSpec) -> Result<PyTaskParams, WorkloadError> {
    let params: PyTaskParams = spec.parse_params()?;
    let bad = |message: String| WorkloadError::BadParams {
        workload: INFO.name.to_owned(),
        message,
    };
    let identifier = |s: &str| {
        !s.is_empty()
            && s.split('.').all(|part| {
                part.chars()
                    .next()
                    .is_some_and(|c| c.is_alphabetic() || c == '_')
                    && part.chars().all(|c| c.is_alphanumeric() || c == '_')
            })
    };
    if !identifier(&params.module) {
        return Err(bad(format!(
            "module '{}' is not a Python module name (give --py-task MODULE:FUNCTION)",
            params.module
        )));
    }
    if !identifier(&params.function) || params.function.contains('.') {
        return Err(bad(format!(
            "function '{}' is not a Python function name (give --py-task MODULE:FUNCTION)",
            params.function
        )));
    }
    Ok(params)
}

#[derive(Debug)]
struct PyTask {
    spec: WorkloadSpec,
    params: PyTaskParams,
}

fn build(spec: &WorkloadSpec, _: &BuildContext) -> Result<Arc<dyn Workload>, WorkloadError> {
    let params = parse(spec)?;
    Ok(Arc::new(PyTask {
        spec: spec.normalised(&params),
        params,
    }))
}

impl Workload for PyTask {
    fn spec(&self) -> &WorkloadSpec {
        &self.spec
    }

    fn kind(&self) -> WorkKind {
        self.params.kind
    }

    /// Never called by a plan (no Rust model runs this workload); says why if it is.
    fn run_blocking(&self, _: usize) -> TaskResult {
        Err(TaskError::failed(
            "py-task is a Python function: only the Python models (py-…) can run it",
        ))
    }

    fn foreign_form(&self) -> Option<serde_json::Value> {
        Some(serde_json::json!({
            "module": self.params.module,
            "function": self.params.function,
            "path": self.params.path,
        }))
    }

    fn ideal(&self, input: IdealInput) -> Option<Duration> {
        ideal_from_serial(self.params.kind, self.tasks(), input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_and_function_must_be_python_names() {
        let spec = |m: &str, f: &str| {
            WorkloadSpec::new("py-task", 4)
                .with("module", m)
                .with("function", f)
        };
        assert!(parse(&spec("work", "square")).is_ok());
        assert!(parse(&spec("pkg.work", "_f1")).is_ok());
        for (m, f) in [
            ("", "f"),
            ("1x", "f"),
            ("a-b", "f"),
            ("m", ""),
            ("m", "a.b"),
        ] {
            let err = parse(&spec(m, f)).unwrap_err().to_string();
            assert!(err.contains("MODULE:FUNCTION"), "{err}");
        }
        let io = parse(&spec("m", "f").with("kind", "io")).unwrap();
        assert_eq!(io.kind, WorkKind::Io);
    }
}
