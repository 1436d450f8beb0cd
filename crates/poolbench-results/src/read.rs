//! Reading a results file back, totally: whatever the file holds, the reader answers in
//! bounded time with the file or one clear line, and nothing downstream can panic or loop on
//! what it let through.
//!
//! A results file is input like any other: hand-edited, truncated, from another version, or a
//! device such as `/dev/zero`. So the reader refuses files over [`MOST_RESULTS_BYTES`] (it
//! reads at most one byte more, never the whole of an endless stream), and [`check`] refuses
//! values the charts and tables cannot honestly draw — a negative time, a time over
//! [`MOST_SECONDS`], a zero worker count — naming the cell and the field. Text is cut to a
//! bounded length as it is read ([`crate::long_text`]): a name no longer than
//! [`crate::long_text::MOST_NAME_CHARS`] characters, other text no longer than
//! [`crate::long_text::MOST_TEXT_CHARS`].

use std::io::Read;
use std::path::Path;

use crate::long_text::MOST_NAME_CHARS;
use crate::upgrade::{upgrade_v1, SCHEMA_V1};
use crate::{CellResult, ResultsFile, SCHEMA};

/// The largest results file read: far above any real run's (the full preset writes ~3 MB).
pub const MOST_RESULTS_BYTES: u64 = 256 << 20;

/// The longest time a results file may hold, seconds (about 32 years).
pub const MOST_SECONDS: f64 = 1e9;

/// Why a results file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is over {} MiB: not a poolbench results file", MOST_RESULTS_BYTES >> 20)]
    TooBig { path: String },
    #[error("{path} is not a poolbench results file: {message}")]
    NotResults { path: String, message: String },
    #[error("{path} has schema '{found}'; this poolbench reads '{SCHEMA}' and '{SCHEMA_V1}'")]
    Schema { path: String, found: String },
    #[error("{path}: {message}")]
    BadValue { path: String, message: String },
}

impl ResultsFile {
    /// Reads and checks the results file at `path` (see the module docs).
    pub fn read(path: &Path) -> Result<Self, ReadError> {
        let name = path.display().to_string();
        let io = |source| ReadError::Io {
            path: name.clone(),
            source,
        };
        let file = std::fs::File::open(path).map_err(io)?;
        let mut bytes = Vec::new();
        file.take(MOST_RESULTS_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
        if bytes.len() as u64 > MOST_RESULTS_BYTES {
            return Err(ReadError::TooBig { path: name });
        }
        Self::from_json(&bytes, &name)
    }

    /// Parses and checks a results file's bytes; `path` names it in errors. A file of the
    /// previous schema, `poolbench/1`, is read into today's shape (see [`crate::upgrade`]).
    pub fn from_json(bytes: &[u8], path: &str) -> Result<Self, ReadError> {
        let not_results = |e: serde_json::Error| ReadError::NotResults {
            path: path.to_owned(),
            message: e.to_string(),
        };
        /// Only the schema string, so that the file is parsed the right way.
        #[derive(serde::Deserialize)]
        struct Schema {
            schema: String,
        }
        let found = serde_json::from_slice::<Schema>(bytes)
            .map_err(not_results)?
            .schema;
        if found != SCHEMA && found != SCHEMA_V1 {
            return Err(ReadError::Schema {
                path: path.to_owned(),
                found,
            });
        }
        let short = crate::long_text::longest_string_bytes(bytes) <= MOST_NAME_CHARS;
        let results: ResultsFile = if short && found == SCHEMA {
            // No string can be over any limit: read straight into the schema.
            serde_json::from_slice(bytes).map_err(not_results)?
        } else {
            let mut value: serde_json::Value =
                serde_json::from_slice(bytes).map_err(not_results)?;
            crate::long_text::cut_long_text(&mut value);
            if found == SCHEMA_V1 {
                upgrade_v1(&mut value);
            }
            serde_json::from_value(value).map_err(not_results)?
        };
        check(&results).map_err(|message| ReadError::BadValue {
            path: path.to_owned(),
            message,
        })?;
        Ok(results)
    }
}

/// Checks every cell's counts and numbers: counts at least 1, times between 0 and
/// [`MOST_SECONDS`], ratios finite and not negative. The error names the cell and the field.
pub fn check(results: &ResultsFile) -> Result<(), String> {
    for (index, cell) in results.results.iter().enumerate() {
        check_cell(cell).map_err(|why| {
            format!(
                "cell {index} ({} on {} at W = {}): {why}",
                cell.workload, cell.model, cell.workers
            )
        })?;
    }
    Ok(())
}

fn check_cell(cell: &CellResult) -> Result<(), String> {
    for (field, count) in [
        ("workers", cell.workers),
        ("tasks", cell.tasks),
        ("cores", cell.plan.cores),
    ] {
        if count == 0 {
            return Err(format!("{field} is 0; it must be at least 1"));
        }
    }
    let percentiles = |p: &Option<crate::Percentiles>| {
        p.map_or_else(Vec::new, |p| vec![p.p50, p.p90, p.p99, p.max])
    };
    let times: [(&str, Vec<f64>); 8] = [
        ("samples_s", cell.time.samples_s.clone()),
        (
            "latency_samples_s",
            cell.per_task.latency_samples_s.clone().unwrap_or_default(),
        ),
        (
            "median_s, min_s, max_s, mean_s or stddev_s",
            [
                cell.time.median_s,
                cell.time.min_s,
                cell.time.max_s,
                cell.time.mean_s,
                cell.time.stddev_s,
            ]
            .into_iter()
            .flatten()
            .collect(),
        ),
        (
            "ideal_s, startup_s or median_ci_s",
            [cell.scaling.ideal_s, cell.cost.startup_s]
                .into_iter()
                .flatten()
                .chain(cell.time.median_ci_s.into_iter().flatten())
                .collect(),
        ),
        (
            "cpu_s, cpu_user_s, cpu_system_s or child_cpu_s",
            [
                cell.cost.cpu_s,
                cell.cost.cpu_user_s,
                cell.cost.cpu_system_s,
                cell.cost.child_cpu_s,
            ]
            .into_iter()
            .flatten()
            .collect(),
        ),
        ("queue_wait_s", percentiles(&cell.per_task.queue_wait_s)),
        ("service_s", percentiles(&cell.per_task.service_s)),
        ("latency_s", percentiles(&cell.per_task.latency_s)),
    ];
    for (field, values) in &times {
        if let Some(bad) = values.iter().find(|v| !(0.0..=MOST_SECONDS).contains(*v)) {
            let why = if *bad < 0.0 {
                "a time cannot be negative".to_owned()
            } else {
                format!("times are at most {MOST_SECONDS:e} s")
            };
            return Err(format!("{field} holds {}: {why}", number(*bad)));
        }
    }
    let switches = cell
        .cost
        .context_switches
        .map_or_else(Vec::new, |c| vec![c.voluntary, c.involuntary]);
    let ratios = [
        cell.scaling.speedup,
        cell.scaling.efficiency,
        cell.cost.steal_fraction,
        cell.time.ci_level,
    ];
    for value in ratios.into_iter().flatten().chain(switches) {
        if !(value.is_finite() && value >= 0.0) {
            return Err(format!(
                "a ratio or count holds {value}: it must be a finite number of at least 0"
            ));
        }
    }
    Ok(())
}

/// A number as a person would write it: plainly, or in scientific notation when far from 1.
fn number(x: f64) -> String {
    if x != 0.0 && !(1e-4..1e6).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use poolbench_core::WorkKind;

    fn file_with(cell: CellResult) -> ResultsFile {
        let environment = crate::Environment::capture(vec!["poolbench".into()]);
        let mut file = ResultsFile::new(environment, None);
        file.results.push(cell);
        file
    }

    fn cell() -> CellResult {
        let mut cell = CellResult::new("sum", WorkKind::Cpu, "rayon", 2, 8);
        cell.time.samples_s = vec![0.01, 0.011];
        cell.time.median_s = Some(0.0105);
        cell
    }

    #[test]
    fn plausible_cells_pass_and_impossible_ones_name_their_field() {
        assert_eq!(check(&file_with(cell())), Ok(()));
        let mut negative = cell();
        negative.time.samples_s[1] = -1.0;
        let e = check(&file_with(negative)).unwrap_err();
        assert!(e.contains("samples_s") && e.contains("negative"), "{e}");
        let mut huge = cell();
        huge.time.median_s = Some(1e308);
        let e = check(&file_with(huge)).unwrap_err();
        assert!(
            e.contains("cell 0 (sum on rayon at W = 2)") && e.contains("at most"),
            "{e}"
        );
        let mut no_workers = cell();
        no_workers.workers = 0;
        assert!(check(&file_with(no_workers))
            .unwrap_err()
            .contains("workers is 0"));
    }

    #[test]
    fn the_reader_refuses_what_is_not_a_results_file_in_bounded_time() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.json");
        file_with(cell()).save(&good).unwrap();
        assert_eq!(ResultsFile::read(&good).unwrap().results.len(), 1);
        let garbage = dir.path().join("garbage.json");
        std::fs::write(&garbage, b"{\"schema\": ").unwrap();
        assert!(matches!(
            ResultsFile::read(&garbage),
            Err(ReadError::NotResults { .. })
        ));
        if Path::new("/dev/zero").exists() {
            let e = ResultsFile::read(Path::new("/dev/zero")).unwrap_err();
            assert!(matches!(e, ReadError::TooBig { .. }), "{e}");
        }
    }
}
