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

pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use poolbench_core::{WorkKind, WorkloadRole};

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
