//! Text a results file carries, made drawable before anything is rendered.
//!
//! A results file may come from anywhere, and its strings end up in SVG and HTML, which XML
//! forbids most control characters in: a model named with an escape character made every
//! chart an invalid SVG. Every string of every file (names, labels, the environment) has its
//! control characters other than tab and line breaks written out as `\u{1b}` before the
//! report is built; the figures are untouched.

use poolbench_compare::fmt::{drawable as escaped, undrawable};
use poolbench_compare::Input;
use serde_json::Value;

/// `inputs` with every string drawable (see the module docs); the same inputs, borrowed, when
/// none needed it. Each results file is turned into JSON values once and escaped in place;
/// only a file with a changed string is read back.
pub(crate) fn drawable(inputs: &[Input]) -> std::borrow::Cow<'_, [Input]> {
    let changed: Vec<Option<Value>> = inputs
        .iter()
        .map(|input| {
            let mut value = serde_json::to_value(&input.results).ok()?;
            escape_strings(&mut value).then_some(value)
        })
        .collect();
    let labels_clean = inputs.iter().all(|i| !i.label.chars().any(undrawable));
    if labels_clean && changed.iter().all(Option::is_none) {
        return std::borrow::Cow::Borrowed(inputs);
    }
    std::borrow::Cow::Owned(
        inputs
            .iter()
            .zip(changed)
            .map(|(input, value)| Input {
                label: escaped(&input.label),
                results: value
                    .and_then(|v| serde_json::from_value(v).ok())
                    .unwrap_or_else(|| input.results.clone()),
            })
            .collect(),
    )
}

/// Escapes every string (keys included) of `value` in place; whether any changed.
fn escape_strings(value: &mut Value) -> bool {
    match value {
        Value::String(s) if s.chars().any(undrawable) => {
            *s = escaped(s);
            true
        }
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |any, v| escape_strings(v) | any),
        Value::Object(map) => {
            if !map.keys().any(|k| k.chars().any(undrawable)) {
                return map
                    .values_mut()
                    .fold(false, |any, v| escape_strings(v) | any);
            }
            for (k, mut v) in std::mem::take(map) {
                escape_strings(&mut v);
                map.insert(escaped(&k), v);
            }
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_strings_that_need_it_change_and_the_change_is_reported() {
        let mut clean = serde_json::json!({"model": "rayon", "samples": [1.0], "w": 2});
        assert!(!escape_strings(&mut clean));
        let mut hostile = serde_json::json!({"a\u{1b}": ["x\u{0}", "fine"], "b": "two\nlines"});
        assert!(escape_strings(&mut hostile));
        assert_eq!(
            hostile,
            serde_json::json!({"a\\u{1b}": ["x\\u{0}", "fine"], "b": "two\nlines"})
        );
    }
}
