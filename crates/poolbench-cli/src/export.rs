//! `poolbench export`: a results file in the format a CI tracker reads.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use poolbench_compare::compare::{self, Verdict};
use poolbench_compare::export::{Exporter, Regressions, EXPORTERS};

use poolbench_history::check::{check, CheckSettings, DEFAULT_LAST};

use crate::args::parse_percent;
use crate::report::read_results;
use crate::UsageError;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The results.json to export.
    #[arg(value_name = "RESULTS.json")]
    pub results: PathBuf,

    /// The tracker's format (see --compare for regressions). Cell names are stable across
    /// runs.
    #[arg(long, value_parser = format_parser())]
    pub format: &'static dyn Exporter,

    /// Compare with this base run first (as `poolbench compare` does): a cell it calls
    /// regressed is a failed test case in junit and has its reason in csv.
    #[arg(long, value_name = "BASE.json")]
    pub compare: Option<PathBuf>,

    /// With --compare: the smallest change, in per cent, that counts [default: from the noise,
    /// as `poolbench compare`].
    #[arg(long, value_parser = parse_percent, value_name = "PERCENT", requires = "compare")]
    pub threshold: Option<f64>,

    /// With --compare: compare raw medians, not relative to each run's sequential cell.
    #[arg(long, requires = "compare")]
    pub absolute: bool,

    /// Check this history, an SQLite file or a postgres:// URL (as `poolbench history check`
    /// does, with its defaults, on this file's machine) first: a cell whose newest change is a
    /// regression is a failed test case in junit and has its reason in csv.
    #[arg(long, value_name = "HISTORY.db|URL")]
    pub history: Option<std::ffi::OsString>,

    /// With --history: the machine series to check, as `history add --machine` named it
    /// [default: this file's CPU, cores and host].
    #[arg(long, requires = "history", value_name = "NAME")]
    pub machine: Option<String>,

    /// Write here (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `--format`'s values: the names (and help) of every exporter in the registry.
fn format_parser() -> impl clap::builder::TypedValueParser<Value = &'static dyn Exporter> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    let values = EXPORTERS
        .iter()
        .map(|e| PossibleValue::new(e.name()).help(e.about()));
    PossibleValuesParser::new(values).map(|name: String| {
        poolbench_compare::export::find_exporter(&name).expect("a listed format")
    })
}

pub fn run(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let results = read_results(&args.results)?;
    let keeper = "the export, which keys cells by name,";
    if let Some(note) = poolbench_compare::identity::shared_names_note(&results, keeper) {
        eprintln!("note: {}: {note}", args.results.display());
    }
    let mut regressions = Regressions::new();
    if let Some(base_path) = &args.compare {
        let base = read_results(base_path)?;
        let comparison = compare::compare(&base, &results, args.threshold, !args.absolute);
        for cell in comparison.cells {
            if cell.verdict == Verdict::Regressed {
                let change = cell
                    .change
                    .map(|c| format!(" ({:+.1} %)", c * 100.0))
                    .unwrap_or_default();
                regressions.insert(
                    cell.name,
                    format!(
                        "regressed against {}: {}{change}",
                        base_path.display(),
                        cell.why
                    ),
                );
            }
        }
    }
    if let Some(db) = &args.history {
        let usage = |e: poolbench_history::HistoryError| UsageError(e.to_string());
        let location = poolbench_history::Location::parse(db);
        let mut history = poolbench_history::History::open_at(&location, false).map_err(usage)?;
        let series = history.series(Some(DEFAULT_LAST)).map_err(usage)?;
        let machine = args
            .machine
            .clone()
            .unwrap_or_else(|| poolbench_history::machine(&results));
        let checks = check(&series, &CheckSettings::default());
        for cell in checks
            .into_iter()
            .filter(|c| c.regressed && c.machine == machine)
        {
            regressions.entry(cell.name).or_insert_with(|| {
                format!(
                    "history check of {}: {}",
                    location.describe(),
                    cell.why.unwrap_or_default()
                )
            });
        }
    }
    let text = args.format.export(&results, &regressions);
    match &args.out {
        Some(path) => poolbench_runner::write_atomic(path, text.as_bytes())
            .map_err(|e| UsageError(format!("cannot write {}: {e}", path.display())))?,
        None => std::io::stdout().write_all(text.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}
