//! `--suite FILE.toml`: a user's own matrix of workloads, worker counts and models.
//!
//! A suite file is the same thing as a preset, written by hand:
//!
//! ```toml
//! repeat = 6                  # fewest timed samples per cell (default 6)
//! warmup = 1                  # untimed batches first (default 1)
//! min_sample_ms = 25          # a sample times whole batches for at least this long
//! max_repeat = 20             # most samples per cell (default 20)
//! target_precision = 2.0      # % of the median: no more samples once the interval is this narrow
//! measure_time_s = 3.0        # seconds of rounds per workload once the minimum is in
//! workers = [1, 2, 4, 8]      # default worker counts for every workload
//! models = ["rayon", "tokio"] # default: every model
//! order = "shuffled"          # or "fixed" (default: shuffled)
//! task_timeout_s = 30         # per-task time limit (default: see `poolbench run --help`)
//!
//! [[workload]]
//! name = "sleep"
//! tasks = 8
//! workers = [1, 8]            # optional, overrides the default
//! experiment = "my question"  # optional label in reports
//! params = { delay_ms = 10 }
//! ```
//!
//! Every mistake a file can hold — bad TOML, an unknown key, workload, model or parameter, a
//! zero worker count — is reported once, with the file, line and column, before anything runs.

mod tables;

use std::ops::Range;
use std::path::Path;

use poolbench_core::Model;

use crate::limits::{self, EntryError, Machine};
use crate::plan::PlanEntry;
use crate::{Preset, Sampling};
use tables::{entry, line_and_column, positive_counts, sampling, SuiteFile};

/// Defaults for what a suite file leaves out.
const DEFAULT_WORKERS: &[usize] = &[1, 2, 4, 8];
const DEFAULT_REPEAT: usize = 6;
const DEFAULT_WARMUP: usize = 1;

/// What a run starts from: a suite read from a file, or a preset (see `From<&Preset>`).
#[derive(Debug, Clone)]
pub struct Suite {
    pub entries: Vec<PlanEntry>,
    /// Worker counts for a workload the suite does not list (`--workloads` adds it).
    pub workers: Vec<usize>,
    /// `None`: every model.
    pub models: Option<Vec<&'static dyn Model>>,
    pub repeat: usize,
    pub warmup: usize,
    /// `false` for `order = "fixed"`.
    pub shuffled: bool,
    pub sampling: Sampling,
    /// The per-task time limit; `None` for the default.
    pub task_timeout: Option<std::time::Duration>,
}

impl From<&Preset> for Suite {
    fn from(preset: &Preset) -> Self {
        Self {
            entries: (preset.entries)(),
            workers: preset.workers.to_vec(),
            models: None,
            repeat: preset.repeat,
            warmup: preset.warmup,
            shuffled: true,
            sampling: preset.sampling,
            task_timeout: None,
        }
    }
}

/// A suite file that cannot be used, with where the problem is.
#[derive(Debug, thiserror::Error)]
#[error("{path}{}: {message}", location(*.line, *.column))]
pub struct SuiteError {
    pub path: String,
    /// 1-based; 0 when the file could not be read at all.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// `:line:column`, or nothing when there is no line (an unreadable file).
fn location(line: usize, column: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(":{line}:{column}")
    }
}

/// The largest suite file read (1 MiB): thousands of workload tables.
pub const MOST_SUITE_BYTES: u64 = 1 << 20;

impl Suite {
    /// Reads and checks the suite file at `path`.
    /// Only a regular file of at most [`MOST_SUITE_BYTES`] is read: `/dev/zero` or a FIFO
    /// would otherwise be read without end.
    pub fn load(path: &Path) -> Result<Self, SuiteError> {
        let fail = |message: String| SuiteError {
            path: path.display().to_string(),
            line: 0,
            column: 0,
            message,
        };
        use std::io::Read;
        let cannot = |e: std::io::Error| fail(format!("cannot read the suite file: {e}"));
        let file = std::fs::File::open(path).map_err(cannot)?;
        let meta = file.metadata().map_err(cannot)?;
        if !meta.is_file() {
            return Err(fail(
                "not a regular file: a suite file is a TOML file".to_owned(),
            ));
        }
        let mut text = String::new();
        file.take(MOST_SUITE_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(cannot)?;
        if text.len() as u64 > MOST_SUITE_BYTES {
            return Err(fail(format!(
                "over {} KiB: a suite file lists workloads, it is never that large",
                MOST_SUITE_BYTES / 1024
            )));
        }
        Self::parse(&text, &path.display().to_string())
    }

    /// Parses and checks suite `text`; `path` names it in errors.
    pub fn parse(text: &str, path: &str) -> Result<Self, SuiteError> {
        let fail = |span: Option<Range<usize>>, message: String| {
            let (line, column) = span.map_or((1, 1), |s| line_and_column(text, s.start));
            SuiteError {
                path: path.to_owned(),
                line,
                column,
                message,
            }
        };
        let file: SuiteFile = toml::from_str(text).map_err(|e| {
            let message = e.message().trim_end().to_owned();
            fail(e.span(), message)
        })?;
        if file.workloads.is_empty() {
            return Err(fail(
                None,
                "no [[workload]] tables: a suite needs at least one workload".to_owned(),
            ));
        }
        let default_workers = match &file.workers {
            Some(w) => positive_counts(w).map_err(|m| fail(Some(w.span()), m))?,
            None => DEFAULT_WORKERS.to_vec(),
        };
        let repeat = match &file.repeat {
            Some(r) if *r.get_ref() == 0 => {
                return Err(fail(Some(r.span()), "repeat must be at least 1".to_owned()))
            }
            Some(r) => {
                limits::check_samples("repeat", *r.get_ref())
                    .map_err(|m| fail(Some(r.span()), m))?;
                *r.get_ref()
            }
            None => DEFAULT_REPEAT,
        };
        let warmup = match &file.warmup {
            Some(w) => {
                limits::check_samples("warmup", *w.get_ref())
                    .map_err(|m| fail(Some(w.span()), m))?;
                *w.get_ref()
            }
            None => DEFAULT_WARMUP,
        };
        let shuffled = match &file.order {
            None => true,
            Some(o) => match o.get_ref().as_str() {
                "shuffled" => true,
                "fixed" => false,
                other => {
                    return Err(fail(
                        Some(o.span()),
                        format!("unknown order '{other}' (accepted: shuffled, fixed)"),
                    ))
                }
            },
        };
        let models = file
            .models
            .as_ref()
            .map(|names| {
                names
                    .iter()
                    .map(|name| {
                        poolbench_models::find_model(name.get_ref())
                            .map_err(|e| fail(Some(name.span()), e.to_string()))
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;
        if models.as_ref().is_some_and(Vec::is_empty) {
            return Err(fail(None, "models = [] lists no model".to_owned()));
        }
        // Without a models key every model runs, the process pools included.
        let processes = models
            .as_ref()
            .is_none_or(|m| m.iter().any(|m| m.descriptor().copies_inputs()));
        let machine = Machine::this();
        let entries = file
            .workloads
            .iter()
            .map(|table| {
                let entry = entry(table, &default_workers, &fail)?;
                limits::check_entry(&entry, processes, &machine).map_err(|e| {
                    let message = match e {
                        EntryError::Limit(message) => message,
                        EntryError::Workload(e) => e.to_string(),
                    };
                    fail(Some(table.span()), message)
                })?;
                Ok(entry)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let sampling = sampling(&file, &fail)?;
        let task_timeout = match &file.task_timeout_s {
            Some(t) => Some(
                crate::limits::task_timeout(*t.get_ref()).map_err(|m| fail(Some(t.span()), m))?,
            ),
            None => None,
        };
        Ok(Self {
            entries,
            workers: default_workers,
            models,
            repeat,
            warmup,
            shuffled,
            sampling,
            task_timeout,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
repeat = 3
workers = [1, 2]
models = ["rayon", "tokio"]
order = "fixed"

[[workload]]
name = "sleep"
tasks = 4
params = { delay_ms = 5 }

[[workload]]
name = "sum"
workers = [4]
experiment = "S7-like"
params = { n = 1000 }
"#;

    #[test]
    fn a_good_file_becomes_entries_with_defaults_filled_in() {
        let suite = Suite::parse(GOOD, "good.toml").unwrap();
        assert_eq!(suite.repeat, 3);
        assert_eq!(suite.warmup, 1);
        assert!(!suite.shuffled);
        let models: Vec<&str> = suite.models.unwrap().iter().map(|m| m.name()).collect();
        assert_eq!(models, ["rayon", "tokio"]);
        assert_eq!(suite.entries.len(), 2);
        assert_eq!(suite.entries[0].workers, [1, 2]);
        assert_eq!(suite.workers, [1, 2], "the file's default worker counts");
        assert_eq!(suite.entries[0].spec.params["delay_ms"], 5);
        assert_eq!(suite.entries[1].workers, [4]);
        assert_eq!(suite.entries[1].spec.tasks, 32, "sum's default task count");
        assert_eq!(suite.entries[1].experiment.as_deref(), Some("S7-like"));
    }

    fn error(text: &str) -> SuiteError {
        Suite::parse(text, "bad.toml").unwrap_err()
    }

    #[test]
    fn mistakes_name_their_line() {
        let e = error("repeat = 3\nworkers = [1, 2\n");
        assert_eq!(e.line, 2, "{e}");
        assert!(e.to_string().starts_with("bad.toml:2:"), "{e}");

        let e = error("[[workload]]\nname = \"sleep\"\n\n[[workload]]\nname = \"slep\"\n");
        assert_eq!((e.line, e.column), (5, 8), "{e}");
        assert!(e.message.contains("accepted"), "{e}");

        let e = error("[[workload]]\nname = \"sleep\"\nparams = { delay = 5 }\n");
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("delay_ms"), "{e}");

        let e = error("models = [\"rayon\", \"nope\"]\n[[workload]]\nname = \"noop\"\n");
        assert_eq!((e.line, e.column), (1, 20), "{e}");

        let e = error("[[workload]]\nname = \"noop\"\nworkers = [0]\n");
        assert_eq!(e.line, 3, "{e}");

        let e = error("[[workload]]\nname = \"noop\"\ntaks = 3\n");
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("taks"), "{e}");

        let e = error("order = \"random\"\n[[workload]]\nname = \"noop\"\n");
        assert!(e.message.contains("shuffled, fixed"), "{e}");

        assert!(error("repeat = 2\n").message.contains("[[workload]]"));
        let unreadable = Suite::load(Path::new("no-such-suite.toml")).unwrap_err();
        assert!(
            unreadable
                .to_string()
                .starts_with("no-such-suite.toml: cannot read"),
            "{unreadable}"
        );
    }

    #[test]
    fn sampling_keys_are_read_and_checked_where_they_stand() {
        let text = format!(
            "min_sample_ms = 50\nmax_repeat = 12\ntarget_precision = 1.5\nmeasure_time_s = 9\n{}",
            "[[workload]]\nname = \"noop\"\n"
        );
        let suite = Suite::parse(&text, "s.toml").unwrap();
        assert_eq!(
            suite.sampling,
            Sampling {
                min_sample_s: 0.05,
                max_samples: 12,
                target_half_width: 0.015,
                measure_s: 9.0,
            }
        );
        let plain = Suite::parse("[[workload]]\nname = \"noop\"\n", "s.toml").unwrap();
        assert_eq!(plain.sampling, Sampling::default());
        let e = error("repeat = 6\ntarget_precision = 150\n[[workload]]\nname = \"noop\"\n");
        assert_eq!((e.line, e.column), (2, 20), "{e}");
        assert!(e.message.contains("precision"), "{e}");
        let e = error("max_repeat = 0\n[[workload]]\nname = \"noop\"\n");
        assert_eq!(e.line, 1, "{e}");
    }

    #[test]
    fn line_and_column_count_from_one() {
        assert_eq!(line_and_column("ab\ncd", 0), (1, 1));
        assert_eq!(line_and_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_and_column("ab", 99), (1, 3));
    }
}
