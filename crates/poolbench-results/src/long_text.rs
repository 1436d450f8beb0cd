//! Text in a results file cut to a bounded length as it is read.
//!
//! Why: a name is drawn in every chart's legend, printed in every table row and written into
//! file names. A results file under the size cap can still hold a 50 MB model name, and a
//! report copied it into every page: 54 MB in, 852 MB of report and 2 GB of memory out.
//! poolbench itself writes no name over 80 characters (labels are checked before a run), so a
//! longer one was made by hand or by another tool. It is cut to [`MOST_NAME_CHARS`], keeping its
//! start and ending with a hash of the whole, so that two long names that differ only at the
//! end stay two names (and two cells). Any other text (an error message, the environment) is
//! cut the same way at [`MOST_TEXT_CHARS`]. Figures are never touched.

use serde_json::Value;

/// The longest name read (a model, workload, experiment or machine, a parameter's key), in
/// characters.
pub const MOST_NAME_CHARS: usize = 120;

/// The longest other text read (an error message, a field of the environment), in characters.
pub const MOST_TEXT_CHARS: usize = 4_000;

/// The fields whose text is a name.
const NAME_FIELDS: [&str; 7] = [
    "model",
    "workload",
    "experiment",
    "name",
    "hostname",
    "model_order",
    "label",
];

/// Cuts every over-long string of `value` in place (object keys are names); whether any was.
pub fn cut_long_text(value: &mut Value) -> bool {
    cut(value, MOST_TEXT_CHARS)
}

fn cut(value: &mut Value, most: usize) -> bool {
    match value {
        Value::String(s) => match shortened(s, most) {
            Some(short) => {
                *s = short;
                true
            }
            None => false,
        },
        Value::Array(items) => items.iter_mut().fold(false, |any, v| cut(v, most) | any),
        Value::Object(map) => {
            let limit = |key: &str| {
                if NAME_FIELDS.contains(&key) {
                    MOST_NAME_CHARS
                } else {
                    MOST_TEXT_CHARS
                }
            };
            if !map.keys().any(|k| shortened(k, MOST_NAME_CHARS).is_some()) {
                return map
                    .iter_mut()
                    .fold(false, |any, (k, v)| cut(v, limit(k)) | any);
            }
            for (key, mut v) in std::mem::take(map) {
                cut(&mut v, limit(&key));
                map.insert(shortened(&key, MOST_NAME_CHARS).unwrap_or(key), v);
            }
            true
        }
        _ => false,
    }
}

/// The length in bytes of the longest string (or key) in the JSON text `bytes`, escapes
/// counted as written: at least the characters of each. One pass, no parsing; a reader skips
/// [`cut_long_text`] (and the JSON values it needs) when no string can be too long.
pub fn longest_string_bytes(bytes: &[u8]) -> usize {
    let (mut longest, mut start, mut inside, mut escaped) = (0, 0, false, false);
    for (at, &b) in bytes.iter().enumerate() {
        if !inside {
            if b == b'"' {
                inside = true;
                start = at + 1;
            }
        } else if escaped {
            escaped = false;
        } else if b == b'\\' {
            escaped = true;
        } else if b == b'"' {
            inside = false;
            longest = longest.max(at - start);
        }
    }
    if inside {
        longest = longest.max(bytes.len() - start);
    }
    longest
}

/// `text` cut to `most` characters (its start, "…", 16 hexadecimal digits of a hash of the
/// whole), or `None` when it is short enough already.
pub fn shortened(text: &str, most: usize) -> Option<String> {
    // Counting stops at the first character past the limit: a 50 MB name is not walked whole
    // twice.
    text.chars().nth(most)?;
    let hash = poolbench_core::fnv1a(text.as_bytes());
    let start: String = text.chars().take(most.saturating_sub(17)).collect();
    Some(format!("{start}…{hash:016x}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_are_cut_with_a_hash_and_stay_distinct() {
        let a = format!("{}a", "m".repeat(500));
        let b = format!("{}b", "m".repeat(500));
        let (a, b) = (
            shortened(&a, MOST_NAME_CHARS).unwrap(),
            shortened(&b, MOST_NAME_CHARS).unwrap(),
        );
        assert_ne!(a, b);
        assert_eq!(a.chars().count(), MOST_NAME_CHARS);
        assert!(a.starts_with("mmm"));
        assert_eq!(shortened("rayon", MOST_NAME_CHARS), None);
        assert_eq!(
            shortened(&"x".repeat(MOST_NAME_CHARS), MOST_NAME_CHARS),
            None
        );
    }

    #[test]
    fn the_longest_string_is_found_through_escaped_quotes() {
        assert_eq!(longest_string_bytes(br#"{"model": "rayon", "n": 12}"#), 5);
        // An escaped quote does not end a string: 1,000 of them make one long string.
        let hostile = format!(r#"{{"model": "{}"}}"#, r#"a\""#.repeat(1_000));
        assert_eq!(longest_string_bytes(hostile.as_bytes()), 3_000);
        assert_eq!(longest_string_bytes(br#"{"cut": "abc"#), 3);
    }

    #[test]
    fn names_keys_and_other_text_have_their_own_limits() {
        let long_name = "n".repeat(MOST_NAME_CHARS + 1);
        let error = "e".repeat(1_000);
        let mut value = serde_json::json!({
            "model": long_name,
            "model_order": [long_name],
            "errors": [error],
            "params": {long_name.clone(): 1},
            "time": {"median_s": 1.5},
        });
        assert!(cut_long_text(&mut value));
        assert_eq!(value["model"].as_str().unwrap().chars().count(), 120);
        assert_eq!(value["model_order"][0], value["model"]);
        assert_eq!(value["errors"][0], error, "an error message has room");
        let key = value["params"].as_object().unwrap().keys().next().unwrap();
        assert_eq!(key.chars().count(), 120);
        assert_eq!(value["time"]["median_s"], 1.5);
        assert!(!cut_long_text(&mut value), "cutting twice changes nothing");
    }
}
