//! A workload's parameters as a person writes them, for titles and tables.

use poolbench_results::CellResult;

/// `key=value, …` without the URL (it changes with every run's server port), as a reader
/// writes them: a parameter in milliseconds or seconds (`delay_ms`, `timeout_ms`, `…_s`) with
/// its unit (`delay 10 ms`, `timeout 5 s`), a whole number without `.0`.
pub fn params_text(cell: &CellResult) -> String {
    params_text_but(cell, &serde_json::Map::new())
}

/// [`params_text`] of only the parameters whose values differ from `defaults` (a number
/// equal as a number counts as the same: `10` and `10.0`); `no parameters` when none do.
pub fn params_text_but(
    cell: &CellResult,
    defaults: &serde_json::Map<String, serde_json::Value>,
) -> String {
    let same = |key: &str, value: &serde_json::Value| {
        defaults.get(key).is_some_and(|default| {
            default == value
                || default
                    .as_f64()
                    .zip(value.as_f64())
                    .is_some_and(|(a, b)| a == b)
        })
    };
    let parts: Vec<String> = cell
        .params
        .iter()
        .filter(|(key, value)| key.as_str() != "url" && !same(key, value))
        .map(|(key, value)| match cell.param_units.get(key) {
            Some(unit) => with_unit(key, value, unit),
            None => param_text(key, value),
        })
        .collect();
    if parts.is_empty() {
        "no parameters".to_owned()
    } else {
        parts.join(", ")
    }
}

/// A parameter whose unit the workload gave: `latency 5 ms`, `size 256 bytes`.
fn with_unit(key: &str, value: &serde_json::Value, unit: &str) -> String {
    let value = match (value.as_str(), value.as_f64()) {
        (Some(text), _) => text.to_owned(),
        (None, Some(number)) => compact(number),
        (None, None) => value.to_string(),
    };
    format!("{key} {value} {unit}")
}

/// One parameter as [`params_text`] writes it.
fn param_text(key: &str, value: &serde_json::Value) -> String {
    let Some(number) = value.as_f64() else {
        return match value.as_str() {
            Some(text) => format!("{key}={text}"),
            None => format!("{key}={value}"),
        };
    };
    let seconds = [("_ms", 1e-3), ("_s", 1.0)]
        .into_iter()
        .find_map(|(suffix, scale)| Some((key.strip_suffix(suffix)?, number * scale)));
    match seconds {
        Some((name, s)) if s >= 0.0 => {
            let (value, unit) =
                poolbench_results::in_unit(std::time::Duration::from_secs_f64(s.min(1e9)));
            format!("{name} {} {unit}", compact(value))
        }
        _ => format!("{key}={}", compact(number)),
    }
}

/// A number to 3 significant digits, without trailing zeros (`10`, `1.5`, `0.25`).
fn compact(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 {
        return format!("{x:.0}");
    }
    let decimals = (2 - x.abs().log10().floor() as i32).clamp(0, 9) as usize;
    let text = format!("{x:.decimals$}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_read_with_their_units_and_without_spurious_decimals() {
        use serde_json::json;
        assert_eq!(param_text("delay_ms", &json!(10.0)), "delay 10 ms");
        assert_eq!(param_text("timeout_ms", &json!(5000.0)), "timeout 5 s");
        assert_eq!(param_text("delay_ms", &json!(1.5)), "delay 1.5 ms");
        assert_eq!(param_text("fail", &json!(0.0)), "fail=0");
        assert_eq!(param_text("fail", &json!(0.125)), "fail=0.125");
        assert_eq!(param_text("n", &json!(1000000)), "n=1000000");
        assert_eq!(
            param_text("latency", &json!("uniform:5:15")),
            "latency=uniform:5:15"
        );
        assert_eq!(param_text("verify", &json!(true)), "verify=true");
        assert_eq!(with_unit("latency", &json!("5"), "ms"), "latency 5 ms");
        assert_eq!(
            with_unit("latency", &json!("uniform:5:15"), "ms"),
            "latency uniform:5:15 ms"
        );
        assert_eq!(with_unit("size", &json!(256), "bytes"), "size 256 bytes");
    }
}
