//! The decisions in words: "What to use", one line per workload, first in the report and the
//! terminal; and a row per W in each workload's section.

use poolbench_core::Language;
use poolbench_results::Verdict;

use super::{is_for, line, MachineVerdict};
use crate::WorkloadGroup;

/// One "What to use" entry: what it is about (the workload, and the language when it is not
/// Rust's) and the decision with its reason (per machine where a merged report's differ).
#[derive(Debug, Clone, PartialEq)]
pub struct Advice {
    pub about: String,
    pub text: String,
}

/// "What to use": for each workload of `groups` with a decision across every W, in report
/// order, Rust's models first. A merged report says whether the machines agree, and where
/// they differ, what each recommends.
pub fn what_to_use(groups: &[WorkloadGroup], decisions: &[MachineVerdict]) -> Vec<Advice> {
    let mut advice = Vec::new();
    for g in groups {
        for language in [Language::Rust, Language::Python] {
            let overall: Vec<&MachineVerdict> = decisions
                .iter()
                .filter(|d| {
                    d.verdict.workers.is_none()
                        && d.verdict.language == language
                        && is_for(&d.verdict, g)
                })
                .collect();
            let Some(first) = overall.first() else {
                continue;
            };
            let about = match language {
                Language::Rust => g.label(),
                Language::Python => format!("{} (Python's pools)", g.label()),
            };
            let text = if overall.len() == 1 {
                line(&first.verdict)
            } else {
                let same = overall
                    .iter()
                    .all(|d| d.verdict.recommended.model == first.verdict.recommended.model);
                let each: Vec<String> = overall
                    .iter()
                    .map(|d| {
                        format!(
                            "On {}: {}",
                            d.machine.as_deref().unwrap_or("?"),
                            line(&d.verdict)
                        )
                    })
                    .collect();
                if same {
                    format!(
                        "{} on every machine. {}.",
                        first.verdict.recommended.model,
                        each.join(". ")
                    )
                } else {
                    format!("it differs by machine. {}.", each.join(". "))
                }
            };
            advice.push(Advice { about, text });
        }
    }
    advice
}

/// The decisions at each W for `g`: rows of W, (machine,) recommended cell and why.
pub fn rows_at_each_w(g: &WorkloadGroup, decisions: &[MachineVerdict]) -> Vec<Vec<String>> {
    let mut at: Vec<&MachineVerdict> = decisions
        .iter()
        .filter(|d| d.verdict.workers.is_some() && is_for(&d.verdict, g))
        .collect();
    at.sort_by_key(|d| (d.verdict.workers, d.verdict.language != Language::Rust));
    at.iter()
        .map(|d| {
            let v: &Verdict = &d.verdict;
            let mut row = vec![v.workers.map_or_else(String::new, |w| w.to_string())];
            if g.is_merged() {
                row.push(d.machine.clone().unwrap_or_default());
            }
            row.push(v.recommended.model.clone());
            row.push(v.why.clone());
            row
        })
        .collect()
}

/// The headings of [`rows_at_each_w`].
pub fn headings_at_each_w(g: &WorkloadGroup) -> Vec<&'static str> {
    if g.is_merged() {
        vec!["W", "machine", "recommended", "why"]
    } else {
        vec!["W", "recommended", "why"]
    }
}
