//! `results.csv`: every timed sample, one row each, for spreadsheets and notebooks.

use std::fmt::Write;

use crate::data::Input;

/// A CSV field, quoted (and its quotes doubled) when it holds a comma, a quote or a newline.
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// `results.csv`: one row per timed repetition, with the cell's machine and parameters.
pub fn csv(inputs: &[Input]) -> String {
    let mut out = String::from(
        "machine,experiment,workload,params,model,workers,tasks,repetition,seconds,verified,failed_tasks,round,position,batches_per_sample\n",
    );
    for input in inputs {
        for cell in &input.results.results {
            let params = serde_json::to_string(&cell.params).unwrap_or_default();
            for (repetition, seconds) in cell.time.samples_s.iter().enumerate() {
                let [round, position] = cell
                    .time
                    .sample_order
                    .as_ref()
                    .and_then(|o| o.get(repetition))
                    .map_or([String::new(), String::new()], |o| o.map(|x| x.to_string()));
                let _ = writeln!(
                    out,
                    "{},{},{},{},{},{},{},{},{},{},{},{round},{position},{}",
                    csv_field(&input.label),
                    csv_field(cell.experiment.as_deref().unwrap_or("")),
                    csv_field(&cell.workload),
                    csv_field(&params),
                    csv_field(&cell.model),
                    cell.workers,
                    cell.tasks,
                    repetition + 1,
                    seconds,
                    cell.outcome.verified,
                    cell.outcome.failed_tasks,
                    cell.plan.batches_per_sample.unwrap_or(1)
                );
            }
        }
    }
    out
}
