//! Small text helpers every output format shares.

use poolbench_results::format_duration;

/// Seconds in the unit that suits them (`0` below half a nanosecond).
pub fn secs(s: f64) -> String {
    if s < 0.5e-9 {
        return "0".to_owned();
    }
    format_duration(std::time::Duration::from_secs_f64(s))
}

/// Text made safe for HTML and XML: `&`, `<`, `>` and `"` escaped.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
