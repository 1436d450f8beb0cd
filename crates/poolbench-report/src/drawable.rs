//! Text a results file carries, made drawable before anything is rendered.
//!
//! A results file may come from anywhere, and its strings end up in SVG and HTML, which XML
//! forbids most control characters in: a model named with an escape character made every
//! chart an invalid SVG. Every string of every file (names, labels, the environment) has its
//! control characters other than tab and line breaks written out as `\u{1b}` before the
//! report is built; the figures are untouched.

use poolbench_compare::Input;
use poolbench_results::ResultsFile;
use serde_json::Value;

/// `inputs` with every string drawable (see the module docs); the same inputs, borrowed, when
/// none needed it.
pub(crate) fn drawable(inputs: &[Input]) -> std::borrow::Cow<'_, [Input]> {
    let clean = |text: &str| !text.chars().any(undrawable);
    let needs = inputs.iter().any(|input| {
        !clean(&input.label)
            || serde_json::to_value(&input.results).is_ok_and(|v| !all_strings(&v, &clean))
    });
    if !needs {
        return std::borrow::Cow::Borrowed(inputs);
    }
    std::borrow::Cow::Owned(
        inputs
            .iter()
            .map(|input| Input {
                label: escaped(&input.label),
                results: serde_json::to_value(&input.results)
                    .map(|mut v| {
                        escape_strings(&mut v);
                        v
                    })
                    .ok()
                    .and_then(|v| serde_json::from_value::<ResultsFile>(v).ok())
                    .unwrap_or_else(|| input.results.clone()),
            })
            .collect(),
    )
}

/// A character XML 1.0 cannot hold (tab and line breaks it can).
fn undrawable(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if undrawable(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

fn all_strings(value: &Value, ok: &impl Fn(&str) -> bool) -> bool {
    match value {
        Value::String(s) => ok(s),
        Value::Array(items) => items.iter().all(|v| all_strings(v, ok)),
        Value::Object(map) => map.iter().all(|(k, v)| ok(k) && all_strings(v, ok)),
        _ => true,
    }
}

fn escape_strings(value: &mut Value) {
    match value {
        Value::String(s) => *s = escaped(s),
        Value::Array(items) => items.iter_mut().for_each(escape_strings),
        Value::Object(map) => {
            let entries = std::mem::take(map);
            for (k, mut v) in entries {
                escape_strings(&mut v);
                map.insert(escaped(&k), v);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_written_out_and_line_breaks_kept() {
        assert_eq!(escaped("ray\u{1b}[31mon\0"), "ray\\u{1b}[31mon\\u{0}");
        assert_eq!(escaped("two\nlines\tand tab"), "two\nlines\tand tab");
    }
}
