//! Which cell is which across runs: the identity `compare`, `export` and `history` match on.
//!
//! A cell is the same experiment in two runs when its workload, parameters, task count, model
//! and worker count are the same. Two parameters are left out on purpose (see
//! [`NOT_IDENTITY`]). The identity is also written out as a stable, readable name
//! ([`cell_name`]): trackers key their series by it, so it must not change from run to run.

use std::collections::HashMap;

use poolbench_core::ModelRole;
use poolbench_results::{CellResult, ResultsFile};
use serde_json::{Map, Value};

/// The name of the model every other is verified against, as cell names write it (the
/// history keys its series by these names). In a results file, the oracle is the model with
/// the oracle role ([`is_oracle`]).
pub const SEQUENTIAL: &str = "sequential";

/// Whether `cell` is its file's oracle (by the role the file records; by name in files from
/// before roles were recorded).
pub fn is_oracle(results: &ResultsFile, cell: &CellResult) -> bool {
    results.model_role(&cell.model) == ModelRole::Oracle
}

/// Every oracle cell of `results`, by [`workload_name`]: the reference of each workload.
pub fn references(results: &ResultsFile) -> HashMap<String, &CellResult> {
    results
        .results
        .iter()
        .filter(|c| is_oracle(results, c))
        .map(|c| (workload_name(c), c))
        .collect()
}

/// Parameters that are not part of a cell's identity: `url` (each run starts its own mock
/// server on a free port) and `slowdown` (a testing aid, compared against the unslowed run).
pub const NOT_IDENTITY: [&str; 2] = ["url", "slowdown"];

/// The parameters that identify a cell's workload.
fn identity_params(cell: &CellResult) -> Map<String, Value> {
    let mut params = cell.params.clone();
    for name in NOT_IDENTITY {
        params.remove(name);
    }
    params
}

/// The identity of a cell's workload across runs: name, parameters (less [`NOT_IDENTITY`]),
/// tasks, written as `sum[n=1000000]/N=32` (no brackets when there are no parameters).
pub fn workload_name(cell: &CellResult) -> String {
    let params: Vec<String> = identity_params(cell)
        .iter()
        .map(|(key, value)| match value.as_str() {
            Some(text) => format!("{key}={text}"),
            None => format!("{key}={value}"),
        })
        .collect();
    let params = if params.is_empty() {
        String::new()
    } else {
        format!("[{}]", params.join(","))
    };
    format!("{}{params}/N={}", cell.workload, cell.tasks)
}

/// The identity of a cell across runs, as a stable name:
/// `sum[n=1000000]/N=32/rayon/W=2`.
pub fn cell_name(cell: &CellResult) -> String {
    format!("{}/{}/W={}", workload_name(cell), cell.model, cell.workers)
}

/// Merges the cells of `results` listed more than once (the same experiment and [`cell_name`],
/// as a hand-made file or one from before runs merged duplicates can hold): the first is
/// kept. Returns one line for each name listed more than once, for the caller to print.
pub fn merge_repeated(results: &mut ResultsFile) -> Vec<String> {
    let mut seen: HashMap<(Option<String>, String), usize> = HashMap::new();
    let mut order = Vec::new();
    results.results.retain(|cell| {
        let key = (cell.experiment.clone(), cell_name(cell));
        let count = seen.entry(key.clone()).or_insert(0);
        *count += 1;
        if *count == 2 {
            order.push(key);
        }
        *count == 1
    });
    order
        .into_iter()
        .map(|key| {
            let times = seen[&key];
            let experiment = key.0.map(|e| format!(" of {e}")).unwrap_or_default();
            format!(
                "cell {}{experiment} is listed {times} times: the first is kept",
                key.1
            )
        })
        .collect()
}

/// How many cells of `results` share their [`cell_name`] with an earlier cell (of another
/// experiment): trackers and the history, which key cells by that name, hold one of them.
pub fn shared_names(results: &ResultsFile) -> usize {
    let mut names = std::collections::HashSet::new();
    results
        .results
        .iter()
        .filter(|c| !names.insert(cell_name(c)))
        .count()
}

/// One line saying that cells of `results` share a name, ending with what `keeper` (the
/// history, a tracker) does about it; `None` when none do.
pub fn shared_names_note(results: &ResultsFile, keeper: &str) -> Option<String> {
    let shared = shared_names(results);
    let cells = if shared == 1 {
        "1 cell has".to_owned()
    } else {
        format!("{shared} cells have")
    };
    (shared > 0).then(|| {
        format!("{cells} the name of a cell of another experiment; {keeper} keeps the first")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use poolbench_core::WorkKind;

    #[test]
    fn names_are_stable_readable_and_leave_out_the_url_and_the_slowdown() {
        let mut cell = CellResult::new("http", WorkKind::Io, "rayon", 8, 64);
        cell.params.insert("latency_ms".into(), 5.into());
        cell.params
            .insert("url".into(), "http://127.0.0.1:4242/".into());
        cell.params.insert("path".into(), "/item".into());
        assert_eq!(
            cell_name(&cell),
            "http[latency_ms=5,path=/item]/N=64/rayon/W=8"
        );
        cell.params
            .insert("url".into(), "http://127.0.0.1:5151/".into());
        cell.params.insert("slowdown".into(), 0.1.into());
        assert_eq!(
            cell_name(&cell),
            "http[latency_ms=5,path=/item]/N=64/rayon/W=8"
        );
        let bare = CellResult::new("noop", WorkKind::Cpu, "sequential", 1, 10);
        assert_eq!(cell_name(&bare), "noop/N=10/sequential/W=1");
    }

    #[test]
    fn repeated_cells_are_merged_and_named_once() {
        let env = poolbench_results::Environment::capture(vec![]);
        let mut results = ResultsFile::new(env, None);
        for workers in [2, 2, 2, 4] {
            results
                .results
                .push(CellResult::new("sum", WorkKind::Cpu, "rayon", workers, 8));
        }
        let mut other = CellResult::new("sum", WorkKind::Cpu, "rayon", 4, 8);
        other.experiment = Some("S2".into());
        results.results.push(other);
        let said = merge_repeated(&mut results);
        assert_eq!(
            said,
            ["cell sum/N=8/rayon/W=2 is listed 3 times: the first is kept"]
        );
        assert_eq!(results.results.len(), 3, "W=2, W=4 and S2's W=4");
        assert_eq!(shared_names(&results), 1, "S2's W=4 shares its name");
        assert_eq!(
            shared_names_note(&results, "the history").unwrap(),
            "1 cell has the name of a cell of another experiment; the history keeps the first"
        );
        assert!(merge_repeated(&mut results).is_empty());
    }
}
