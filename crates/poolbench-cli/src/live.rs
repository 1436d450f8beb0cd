//! What a user sees while a run goes on: the table, a progress bar, or JSON lines, and the
//! results file saved after every cell.
//!
//! The progress bar is drawn on stderr only when both stdout and stderr are terminals (so a
//! redirected or piped run, and CI logs, get plain rows), and never with `--quiet` or
//! `--json`. It is redrawn from the runner's own thread on every batch: indicatif's steady
//! tick would start a thread, and the `process-fork` model needs a single-threaded process.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::PoisonError;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use poolbench_results::workload_column;
use poolbench_runner::{
    BoxError, CellId, CellResult, Observer, Plan, PlanEntry, ResultsFile, Table,
};
use serde_json::json;

use crate::stop::Finished;

/// How results are shown as they come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// The table, with a progress bar on a terminal.
    Table,
    /// Nothing until the final line.
    Quiet,
    /// One JSON object per line on stdout.
    Json,
}

/// The run's observer: shows each cell and saves the results file after each one.
#[derive(Debug)]
pub struct Live {
    output: Output,
    bar: Option<ProgressBar>,
    /// Progress units per cell: one for starting it, one per planned sample.
    units_per_cell: u64,
    position: u64,
    /// Planned samples of the workloads already finished.
    rounds_base: u64,
    /// What the bar says about the current cell.
    cell_label: String,
    table: Table,
    pub results: ResultsFile,
    path: PathBuf,
    /// A copy of `results` for the watchdog's handler, updated after every cell.
    finished: Finished,
}

impl Live {
    /// Starts showing a run of `cells` cells of `units_per_cell` progress units each (one to
    /// start the cell, one per planned sample).
    pub fn new(
        output: Output,
        results: ResultsFile,
        path: &Path,
        plan: &Plan,
        finished: Finished,
    ) -> Self {
        let cells = plan.cell_count();
        let units_per_cell = 1 + plan.repeat;
        let columns: Vec<String> = plan
            .entries
            .iter()
            .map(|e| workload_column(&e.spec.name, e.experiment.as_deref()))
            .collect();
        let table = Table::for_workloads(columns.iter().map(String::as_str));
        let terminal = std::io::stdout().is_terminal() && std::io::stderr().is_terminal();
        let bar = (output == Output::Table && terminal).then(|| {
            let bar = ProgressBar::with_draw_target(
                Some((cells * units_per_cell) as u64),
                ProgressDrawTarget::stderr(),
            );
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:20.cyan/blue} {percent:>3}% ETA {eta:<4} {wide_msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        });
        if output == Output::Table && bar.is_none() {
            println!("{}", table.header());
        }
        Self {
            output,
            bar,
            units_per_cell: units_per_cell as u64,
            position: 0,
            rounds_base: 0,
            cell_label: String::new(),
            table,
            results,
            path: path.to_owned(),
            finished,
        }
    }

    /// Clears the progress bar before the final lines.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    /// Progress units done: a start for each cell before the current one, the planned samples
    /// of finished workloads, and `more`.
    fn units_done(&self, more: u64) -> u64 {
        self.position + self.rounds_base + more
    }

    /// Prints `line` on stdout above the progress bar.
    fn print(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| println!("{line}")),
            None => println!("{line}"),
        }
    }
}

impl Observer for Live {
    fn cell_started(&mut self, position: usize, total: usize, cell: &CellId, entry: &PlanEntry) {
        self.position = position as u64;
        if let Some(bar) = &self.bar {
            if position == 0 {
                bar.suspend(|| println!("{}", self.table.header()));
            }
            self.cell_label = format!(
                "cell {}/{total}: {} on {} W={}",
                position + 1,
                entry.spec.name,
                cell.model.name(),
                cell.workers
            );
            bar.set_position(self.units_done(0));
            bar.set_message(format!("{} · warm-up", self.cell_label));
        }
    }

    fn batch_finished(&mut self, done: usize, of: usize) {
        if let Some(bar) = &self.bar {
            bar.set_message(format!(
                "{} · warm-up {}/{of}",
                self.cell_label,
                (done + 1).min(of)
            ));
        }
    }

    fn sampled(&mut self, entry: &PlanEntry, round: usize, done: usize, planned: usize) {
        if let Some(bar) = &self.bar {
            bar.set_position(self.units_done(1 + done.min(planned) as u64));
            bar.set_message(format!(
                "{}: round {} · {done} of at least {planned} samples of its cells",
                workload_column(&entry.spec.name, entry.experiment.as_deref()),
                round + 1
            ));
        }
    }

    fn cell_finished(&mut self, cell: &CellResult) -> Result<(), BoxError> {
        self.rounds_base += self.units_per_cell.saturating_sub(1);
        match self.output {
            Output::Table => self.print(&self.table.row(cell)),
            Output::Json => println!("{}", json!({ "event": "cell", "cell": cell })),
            Output::Quiet => {}
        }
        self.results.results.push(cell.clone());
        self.results
            .save(&self.path)
            .map_err(|e| crate::CannotWrite(format!("cannot save {}: {e}", self.path.display())))?;
        *self.finished.lock().unwrap_or_else(PoisonError::into_inner) = self.results.clone();
        Ok(())
    }
}
