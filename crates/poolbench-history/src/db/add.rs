//! Adding a run: one write transaction in whichever store; the same run twice is kept once,
//! and another run with its key is an error naming both files.

use poolbench_results::ResultsFile;

use super::rows::{rows, AddAs, Stored};
use super::{Added, Conflict, History, HistoryError};

impl History {
    /// Adds one run under its commit (`commit`, else the one it was built from, else
    /// `unknown`) and [`super::machine`]; see [`History::add_as`].
    pub fn add(
        &mut self,
        results: &ResultsFile,
        commit: Option<&str>,
    ) -> Result<Added, HistoryError> {
        let how = AddAs {
            commit: commit.map(str::to_owned),
            ..AddAs::default()
        };
        self.add_as(results, &how)
    }

    /// Adds one run filed `how`, keyed by commit, start time, machine and host. A run already
    /// there with the same figures is left as it is ([`Added::new`] is false); one with other
    /// figures is [`HistoryError::Conflict`]. Cells are keyed by
    /// [`poolbench_compare::identity::cell_name`]: of two that share one (the same cell under
    /// two experiments), the first is stored, and [`Added::cells`] counts what was stored.
    pub fn add_as(&mut self, results: &ResultsFile, how: &AddAs) -> Result<Added, HistoryError> {
        let (run, cells) = rows(results, how);
        let stored = self.store.add(&run, &cells)?;
        let (run_id, new, cells) = match stored {
            Stored::New { run_id, cells } => (run_id, true, cells),
            Stored::Existing {
                run_id,
                cells,
                fingerprint,
                source,
            } => {
                // A run added before fingerprints were kept cannot be told apart: it is taken
                // to be the same one.
                if fingerprint.is_some_and(|f| f != run.fingerprint) {
                    return Err(HistoryError::Conflict(Box::new(Conflict {
                        place: self.place(),
                        run_id,
                        new: how.source.clone().unwrap_or_else(|| "this run".to_owned()),
                        stored: source
                            .unwrap_or_else(|| "a file whose name was not kept".to_owned()),
                        git_commit: run.git_commit,
                        started_at: run.started_at,
                        machine: run.machine,
                        hostname: run.hostname,
                    })));
                }
                (run_id, false, cells)
            }
        };
        Ok(Added {
            run_id,
            new,
            git_commit: run.git_commit,
            machine: run.machine,
            cells,
        })
    }
}
