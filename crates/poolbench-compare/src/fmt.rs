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

/// Text made safe inside Markdown, in a table cell or a line: `&`, `<` and `>` as HTML
/// entities (so a name cannot open a tag), `|` escaped (so it cannot end a cell), line breaks
/// as spaces (so it cannot start a heading or a list).
pub fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' => out.push_str("\\|"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text safe to print on a terminal: control characters (an escape sequence from a hostile
/// results file could recolour or rewrite the screen) written as `\u{1b}`.
pub fn printable(text: &str) -> String {
    controls_written_out(text, |c| c.is_control())
}

/// Text that XML (SVG, HTML) can hold: the control characters it forbids written as
/// `\u{1b}`; tab and line breaks, which it allows, kept.
pub fn drawable(text: &str) -> String {
    controls_written_out(text, undrawable)
}

/// Whether XML 1.0 cannot hold `c`.
pub fn undrawable(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// `text` with every character `written_out` picks replaced by its `\u{…}` form.
fn controls_written_out(text: &str, written_out: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if written_out(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_cannot_be_injected_through_a_name() {
        assert_eq!(md("ray|on\n## X"), "ray\\|on ## X");
        assert_eq!(
            md("<script>alert(1)</script> & <img onerror=x>"),
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img onerror=x&gt;"
        );
        assert_eq!(
            md("rayon at W = 8 — 2 OS threads"),
            "rayon at W = 8 — 2 OS threads"
        );
    }

    #[test]
    fn control_characters_are_shown_not_sent() {
        assert_eq!(printable("ray\u{1b}[31mon"), "ray\\u{1b}[31mon");
        assert_eq!(printable("a\0b"), "a\\u{0}b");
        assert_eq!(printable("tokio · W = 8"), "tokio · W = 8");
        assert_eq!(drawable("ray\u{1b}[31mon\0"), "ray\\u{1b}[31mon\\u{0}");
        assert_eq!(drawable("two\nlines\tand tab"), "two\nlines\tand tab");
    }
}
