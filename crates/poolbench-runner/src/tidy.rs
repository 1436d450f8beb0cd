//! What a plan must not carry: names a report cannot draw or print safely, and cells that
//! would be measured twice under one identity.
//!
//! Labels end up in terminal lines, chart text, file names and Markdown headings; a 50 MB
//! label or an escape character in one broke each of them after the whole run had been
//! measured. They are checked when the plan is made instead, with one line naming the label.
//! A worker count, model or workload listed twice would give several cells one identity, which
//! every comparison, export and history then keeps only one of: they are merged here, and the
//! run says so.

use crate::Plan;

/// The longest label (an experiment's name, a machine's), in characters.
pub const MOST_LABEL_CHARS: usize = 80;

/// Checks a label the user gave (`what` names it in the message): at most
/// [`MOST_LABEL_CHARS`] characters, none of them a control character.
pub fn check_label(what: &str, label: &str) -> Result<(), String> {
    let chars = label.chars().count();
    if chars > MOST_LABEL_CHARS {
        return Err(format!(
            "{what} label of {chars} characters: at most {MOST_LABEL_CHARS}"
        ));
    }
    if let Some(c) = label.chars().find(|c| c.is_control()) {
        return Err(format!(
            "{what} label {:?} holds the control character U+{:04X}: labels are printed, \
             drawn and used in file names",
            label.chars().take(40).collect::<String>(),
            u32::from(c)
        ));
    }
    Ok(())
}

impl Plan {
    /// Merges what is listed twice: a worker count of one workload, a model, a workload with
    /// the same parameters, tasks and experiment (their worker counts joined). Returns one
    /// line for each merge, for the run to print.
    pub fn merge_duplicates(&mut self) -> Vec<String> {
        let mut said = Vec::new();
        let mut models: Vec<&'static dyn poolbench_core::Model> = Vec::new();
        for model in std::mem::take(&mut self.models) {
            if models.iter().any(|m| m.name() == model.name()) {
                said.push(format!(
                    "model {} listed twice: measured once",
                    model.name()
                ));
            } else {
                models.push(model);
            }
        }
        self.models = models;
        let mut entries: Vec<crate::PlanEntry> = Vec::new();
        for entry in std::mem::take(&mut self.entries) {
            let same = entries
                .iter_mut()
                .find(|e| e.spec == entry.spec && e.experiment == entry.experiment);
            match same {
                Some(earlier) => {
                    said.push(format!(
                        "workload {} listed twice with the same tasks and parameters: its \
                         worker counts are measured once each",
                        entry.spec.name
                    ));
                    earlier.workers.extend(entry.workers);
                }
                None => entries.push(entry),
            }
        }
        for entry in &mut entries {
            let mut kept = Vec::with_capacity(entry.workers.len());
            let mut seen = std::collections::HashSet::with_capacity(entry.workers.len());
            for w in std::mem::take(&mut entry.workers) {
                if !seen.insert(w) {
                    let message = format!(
                        "{}: W = {w} listed more than once: measured once",
                        entry.spec.name
                    );
                    if !said.contains(&message) {
                        said.push(message);
                    }
                } else {
                    kept.push(w);
                }
            }
            entry.workers = kept;
        }
        self.entries = entries;
        said
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CellOrder, PlanEntry, Sampling};
    use poolbench_core::WorkloadSpec;

    #[test]
    fn labels_are_short_and_printable() {
        assert!(check_label("experiment", "S6 at 10 ms · scaled").is_ok());
        let long = "x".repeat(MOST_LABEL_CHARS + 1);
        assert!(check_label("experiment", &long)
            .unwrap_err()
            .contains("81 characters"));
        for bad in ["a\0b", "a\u{1}b", "a\u{1b}[31mred", "two\nlines"] {
            assert!(
                check_label("experiment", bad)
                    .unwrap_err()
                    .contains("control"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn duplicates_become_one_cell_each_and_are_named() {
        let rayon = poolbench_models::find_model("rayon").unwrap();
        let sum = WorkloadSpec::new("sum", 4);
        let mut plan = Plan {
            entries: vec![
                PlanEntry::new(sum.clone(), &[2, 2, 2, 2]),
                PlanEntry::new(sum.clone(), &[1, 2]),
                PlanEntry::new(sum.clone().with("n", 10), &[2]),
            ],
            models: vec![rayon, rayon],
            repeat: 1,
            warmup: 1,
            order: CellOrder::Fixed,
            sampling: Sampling::default(),
            task_timeout: None,
            trace: false,
        };
        let said = plan.merge_duplicates();
        assert_eq!(plan.models.len(), 1);
        assert_eq!(plan.entries.len(), 2);
        assert_eq!(plan.entries[0].workers, [2, 1]);
        assert_eq!(plan.entries[1].workers, [2]);
        assert_eq!(said.len(), 3, "{said:?}");
        assert!(said.iter().any(|s| s.contains("W = 2")));
        // The measured cells now have one identity each.
        let cells = plan.measured_cells();
        let mut ids: Vec<_> = cells
            .iter()
            .map(|c| (c.entry, c.model.name(), c.workers))
            .collect();
        let all = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), all);
    }
}
