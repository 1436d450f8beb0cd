//! The command line's value parsers: each turns one argument into its value or a one-line
//! error that says what is accepted.

use poolbench_core::Model;
use serde_json::Value;

pub(super) fn parse_latency(text: &str) -> Result<poolbench_server::Latency, String> {
    poolbench_server::Latency::parse(text)
}

pub(super) fn parse_fraction(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("'{text}' is not a fraction between 0 and 1")),
    }
}

/// One `--set workload.key=value`.
#[derive(Debug, Clone)]
pub struct Setting {
    pub workload: String,
    pub key: String,
    pub value: Value,
}

pub(super) fn parse_preset(name: &str) -> Result<String, String> {
    match poolbench_runner::find_preset(name) {
        Some(preset) => Ok(preset.name.to_owned()),
        None => Err(format!(
            "unknown preset '{name}' (accepted: {})",
            poolbench_runner::preset_names()
        )),
    }
}

pub(super) fn parse_model(name: &str) -> Result<&'static dyn Model, String> {
    poolbench_models::find_model(name.trim()).map_err(|e| e.to_string())
}

pub(super) fn parse_workload(name: &str) -> Result<String, String> {
    poolbench_workloads::find_workload(name.trim())
        .map(|info| info.name.to_owned())
        .map_err(|e| e.to_string())
}

pub(super) fn parse_positive(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err("must be at least 1 (got 0)".to_owned()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!(
            "'{text}' is not a whole number (expected 1, 2, 3, ...)"
        )),
    }
}

pub(super) fn parse_non_negative(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("'{text}' is not a number of at least 0")),
    }
}

/// The longest time limit accepted: a day.
const MOST_SECONDS: f64 = 86_400.0;

pub(super) fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if v > 0.0 && v <= MOST_SECONDS => Ok(v),
        _ => Err(format!(
            "'{text}' is not a number of seconds above 0 and at most {MOST_SECONDS} (a day)"
        )),
    }
}

pub fn parse_percent(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=1000.0).contains(&v) => Ok(v / 100.0),
        _ => Err(format!("'{text}' is not a percentage between 0 and 1000")),
    }
}

pub(super) fn parse_setting(text: &str) -> Result<Setting, String> {
    let usage = || format!("'{text}' is not WORKLOAD.KEY=VALUE (e.g. sleep.delay_ms=5)");
    let (target, raw) = text.split_once('=').ok_or_else(usage)?;
    let (workload, key) = target.split_once('.').ok_or_else(usage)?;
    let workload = parse_workload(workload)?;
    if key.is_empty() {
        return Err(usage());
    }
    // Numbers and booleans as JSON; anything else as a string.
    let value = serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_owned()));
    Ok(Setting {
        workload,
        key: key.to_owned(),
        value,
    })
}
