//! The file's tables as serde reads them, and the checks that turn them into a plan's pieces,
//! each error at the span of the value it is about.

use std::ops::Range;

use poolbench_core::WorkloadSpec;
use serde::Deserialize;
use toml::Spanned;

use super::SuiteError;
use crate::limits;
use crate::plan::PlanEntry;
use crate::Sampling;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SuiteFile {
    pub(super) repeat: Option<Spanned<usize>>,
    pub(super) warmup: Option<Spanned<usize>>,
    pub(super) min_sample_ms: Option<Spanned<f64>>,
    pub(super) max_repeat: Option<Spanned<usize>>,
    pub(super) target_precision: Option<Spanned<f64>>,
    pub(super) measure_time_s: Option<Spanned<f64>>,
    pub(super) workers: Option<Spanned<Vec<usize>>>,
    pub(super) models: Option<Vec<Spanned<String>>>,
    pub(super) order: Option<Spanned<String>>,
    pub(super) task_timeout_s: Option<Spanned<f64>>,
    #[serde(rename = "workload", default)]
    pub(super) workloads: Vec<Spanned<WorkloadTable>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WorkloadTable {
    name: Spanned<String>,
    tasks: Option<Spanned<usize>>,
    workers: Option<Spanned<Vec<usize>>>,
    experiment: Option<Spanned<String>>,
    params: Option<Spanned<toml::Table>>,
}

/// The file's sampling keys over the defaults. Each is checked alone, so an error points at
/// its own value.
pub(super) fn sampling(
    file: &SuiteFile,
    fail: &impl Fn(Option<Range<usize>>, String) -> SuiteError,
) -> Result<Sampling, SuiteError> {
    let mut sampling = Sampling::default();
    let mut apply = |span: Range<usize>, set: &dyn Fn(&mut Sampling)| {
        let mut alone = Sampling::default();
        set(&mut alone);
        alone.check().map_err(|m| fail(Some(span), m))?;
        set(&mut sampling);
        Ok::<(), SuiteError>(())
    };
    if let Some(v) = &file.min_sample_ms {
        let ms = *v.get_ref();
        apply(v.span(), &|s| s.min_sample_s = ms / 1e3)?;
    }
    if let Some(v) = &file.max_repeat {
        let most = *v.get_ref();
        limits::check_samples("max_repeat", most).map_err(|m| fail(Some(v.span()), m))?;
        apply(v.span(), &|s| s.max_samples = most)?;
    }
    if let Some(v) = &file.target_precision {
        let percent = *v.get_ref();
        apply(v.span(), &|s| s.target_half_width = percent / 100.0)?;
    }
    if let Some(v) = &file.measure_time_s {
        let seconds = *v.get_ref();
        apply(v.span(), &|s| s.measure_s = seconds)?;
    }
    Ok(sampling)
}

/// One `[[workload]]` table as a plan entry, checked against the workload registry.
pub(super) fn entry(
    table: &Spanned<WorkloadTable>,
    default_workers: &[usize],
    fail: &impl Fn(Option<Range<usize>>, String) -> SuiteError,
) -> Result<PlanEntry, SuiteError> {
    let w = table.get_ref();
    let info = poolbench_workloads::find_workload(w.name.get_ref())
        .map_err(|e| fail(Some(w.name.span()), e.to_string()))?;
    let tasks = match &w.tasks {
        Some(t) if *t.get_ref() == 0 => {
            return Err(fail(Some(t.span()), "tasks must be at least 1".to_owned()))
        }
        Some(t) => {
            limits::check_tasks(*t.get_ref()).map_err(|m| fail(Some(t.span()), m))?;
            *t.get_ref()
        }
        None => info.default_tasks,
    };
    let mut spec = WorkloadSpec::new(info.name, tasks);
    if let Some(params) = &w.params {
        let known = info.default_params();
        for (key, value) in params.get_ref() {
            if !known.contains_key(key) {
                let accepted: Vec<&str> = known.keys().map(String::as_str).collect();
                return Err(fail(
                    Some(params.span()),
                    format!(
                        "workload '{}' has no parameter '{key}' (accepted: {})",
                        info.name,
                        accepted.join(", ")
                    ),
                ));
            }
            if has_non_finite(value) {
                return Err(fail(
                    Some(params.span()),
                    format!("parameter '{key}' must be a finite number (got {value})"),
                ));
            }
            let value = serde_json::to_value(value)
                .map_err(|e| fail(Some(params.span()), format!("parameter '{key}': {e}")))?;
            spec.params.insert(key.clone(), value);
        }
    }
    let workers = match &w.workers {
        Some(list) => positive_counts(list).map_err(|m| fail(Some(list.span()), m))?,
        None => default_workers.to_vec(),
    };
    let experiment = match &w.experiment {
        Some(label) => {
            crate::tidy::check_label("experiment", label.get_ref())
                .map_err(|m| fail(Some(label.span()), m))?;
            Some(label.get_ref().clone())
        }
        None => None,
    };
    Ok(PlanEntry {
        spec,
        workers,
        experiment,
        python_models: None,
    })
}

/// Whether a TOML value is, or holds, an infinite or NaN float (JSON has no such numbers).
fn has_non_finite(value: &toml::Value) -> bool {
    match value {
        toml::Value::Float(f) => !f.is_finite(),
        toml::Value::Array(items) => items.iter().any(has_non_finite),
        toml::Value::Table(table) => table.values().any(has_non_finite),
        _ => false,
    }
}

pub(super) fn positive_counts(list: &Spanned<Vec<usize>>) -> Result<Vec<usize>, String> {
    let counts = list.get_ref();
    if counts.is_empty() {
        return Err("workers = [] lists no worker count".to_owned());
    }
    if counts.contains(&0) {
        return Err("worker counts must be at least 1".to_owned());
    }
    Ok(counts.clone())
}

/// 1-based line and column of byte `offset` in `text`.
pub(super) fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, column)
}
