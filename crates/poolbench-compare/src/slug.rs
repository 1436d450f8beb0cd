//! Names for chart files: safe in a file name, unique within a report.

use crate::data::WorkloadGroup;

/// File-name-safe, unique names: the workload's name, prefixed by its experiment if any,
/// with `-2`, `-3`, … where two groups would still share one.
pub(crate) fn assign_slugs(groups: &mut [WorkloadGroup]) {
    let mut taken: Vec<String> = Vec::new();
    for g in groups.iter_mut() {
        // An experiment's first word is its id (`S6 (scaled 10x)` -> `s6-sleep`).
        let id = g
            .experiment
            .as_deref()
            .and_then(|e| e.split_whitespace().next());
        let base = match id {
            Some(id) => slugify(&format!("{id} {}", g.workload)),
            None => slugify(&g.workload),
        };
        g.slug = unique_slug(&base, &mut taken);
    }
}

/// `base`, or `base-2`, `base-3`, … if `taken` has it already; the result is added to `taken`.
pub fn unique_slug(base: &str, taken: &mut Vec<String>) -> String {
    let mut slug = base.to_owned();
    let mut n = 1;
    while taken.contains(&slug) {
        n += 1;
        slug = format!("{base}-{n}");
    }
    taken.push(slug.clone());
    slug
}

/// The longest slug: chart file names are `{kind}-{slug}.svg`, and a file name may not pass
/// 255 bytes.
pub const MOST_SLUG_CHARS: usize = 64;

/// `text` as lowercase ASCII letters, digits and single dashes; a text that would make a
/// longer slug than [`MOST_SLUG_CHARS`] is cut, and a hash of the whole text keeps it apart
/// from others that start alike.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.len() <= MOST_SLUG_CHARS {
        return slug.to_owned();
    }
    let hash = poolbench_core::fnv1a(text.as_bytes());
    let head = slug[..MOST_SLUG_CHARS - 9].trim_end_matches('-');
    format!("{head}-{:08x}", hash as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use poolbench_core::{WorkKind, WorkloadRole};

    #[test]
    fn long_texts_make_short_slugs_that_stay_apart() {
        let a = slugify(&format!("{} a", "S".repeat(300)));
        let b = slugify(&format!("{} b", "S".repeat(300)));
        assert!(
            a.len() <= MOST_SLUG_CHARS && b.len() <= MOST_SLUG_CHARS,
            "{a}"
        );
        assert_ne!(a, b);
    }

    #[test]
    fn slugs_are_safe_and_unique() {
        assert_eq!(slugify("S1 (scaled 20x) http"), "s1-scaled-20x-http");
        assert_eq!(slugify("sum-mem"), "sum-mem");
        let group = |workload: &str, experiment: Option<&str>| WorkloadGroup {
            workload: workload.into(),
            kind: WorkKind::Io,
            role: WorkloadRole::Measured,
            async_form: None,
            changed: None,
            param_values: Default::default(),
            experiment: experiment.map(str::to_owned),
            params: String::new(),
            tasks: 1,
            slug: String::new(),
            book: Default::default(),
            machines: Vec::new(),
            series: Vec::new(),
        };
        let mut groups = vec![
            group("http", None),
            group("http", None),
            group("http", Some("S4 (3 pages)")),
        ];
        crate::slug::assign_slugs(&mut groups);
        let slugs: Vec<&str> = groups.iter().map(|g| g.slug.as_str()).collect();
        assert_eq!(slugs, ["http", "http-2", "s4-http"]);
    }
}
