//! `poolbench history`: runs kept in an SQLite file, change points found over them, charts.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use poolbench_history::changepoint::Settings;
use poolbench_history::check::{check, short, CellCheck, CheckSettings, DEFAULT_LAST};
use poolbench_history::render::{self, Style};
use poolbench_history::trend::trends;
use poolbench_history::{AddAs, CellSeries, History, Location};

use crate::args::parse_percent;
use crate::report::read_results;
use crate::UsageError;

/// The history file when neither --db nor `POOLBENCH_HISTORY` names one.
pub const DEFAULT_DB: &str = "poolbench-history.db";

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The history: an SQLite file, or a PostgreSQL database shared by a team's runners
    /// (postgres://user:password@host:port/db) [default: $POOLBENCH_HISTORY, else
    /// ./poolbench-history.db]. docs/history-format.md documents the tables.
    #[arg(long, global = true, value_name = "FILE|URL")]
    pub db: Option<OsString>,

    #[command(subcommand)]
    pub command: HistoryCommand,
}

#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// Add runs (results.json files), keyed by commit, start time, machine and host; adding a
    /// run that is already there changes nothing, and another run with its key is an error
    /// (exit 2). Creates the history if there is none. Parallel adds queue; none is lost.
    Add(AddArgs),
    /// List the runs in the history, oldest first.
    List,
    /// Find change points in every cell's series (E-divisive means, t-tested as Otava does but
    /// robust to outlying runs) and
    /// exit 1 when a cell's newest change is a regression beyond the threshold, or its newest
    /// run did not verify.
    Check(CheckArgs),
    /// Draw every cell group's series over commits (SVG and PNG) with its change points, and
    /// an HTML page with the change-point table.
    Chart(ChartArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Results files written by `poolbench run`.
    #[arg(value_name = "RESULTS.json", required = true)]
    pub results: Vec<PathBuf>,

    /// The commit to file the runs under [default: the commit poolbench was built from, as
    /// recorded in the results file].
    #[arg(long, value_name = "SHA")]
    pub commit: Option<String>,

    /// The series the runs' times belong to [default: "CPU × N cores on HOST"]. A fleet of
    /// identical, short-lived CI runners (a new host name each job) names one, e.g.
    /// --machine gha-ubuntu-2core; `check` follows each machine's series on its own.
    #[arg(long, value_name = "NAME", value_parser = parse_machine)]
    pub machine: Option<String>,
}

fn parse_machine(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() || text.len() > 120 || text.chars().any(char::is_control) {
        Err("a machine name is 1 to 120 printable characters".to_owned())
    } else {
        Ok(text.to_owned())
    }
}

#[derive(Debug, Args)]
pub struct Judging {
    /// Smallest change, in per cent, that counts as a regression or an improvement.
    #[arg(long, value_parser = parse_percent, value_name = "PERCENT", default_value = "5")]
    pub threshold: f64,

    /// Largest p-value of a change point (t-test of outlier-clipped runs, which a rank test
    /// must back).
    #[arg(long, default_value_t = Settings::default().significance, value_parser = parse_significance)]
    pub significance: f64,

    /// Fewest runs on either side of a change point.
    #[arg(long, default_value_t = Settings::default().min_size as u64, value_parser = clap::value_parser!(u64).range(2..=1000))]
    pub min_runs: u64,

    /// Only the newest N runs of each machine.
    #[arg(long, default_value_t = DEFAULT_LAST as u64, value_parser = clap::value_parser!(u64).range(4..=100_000))]
    pub last: u64,

    /// Follow every cell's raw median; by default a model's cell is followed relative to its
    /// run's sequential cell (machine drift divides out).
    #[arg(long)]
    pub absolute: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub judging: Judging,

    /// Output: text, markdown (a CI job summary) or json.
    #[arg(long, value_enum, default_value = "text")]
    pub format: crate::args::CompareFormat,

    /// Report regressions but exit 0 anyway.
    #[arg(long)]
    pub no_fail: bool,
}

#[derive(Debug, Args)]
pub struct ChartArgs {
    #[command(flatten)]
    pub judging: Judging,

    /// Folder for index.html and charts/.
    #[arg(long, default_value = "reports/history", value_name = "DIR")]
    pub out: PathBuf,
}

fn parse_significance(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(p) if p > 0.0 && p < 1.0 => Ok(p),
        _ => Err(format!("'{text}' is not a p-value between 0 and 1")),
    }
}

impl Judging {
    fn settings(&self) -> CheckSettings {
        CheckSettings {
            changepoint: Settings {
                significance: self.significance,
                min_size: self.min_runs as usize,
            },
            threshold: self.threshold,
            absolute: self.absolute,
        }
    }
}

fn location(args: &HistoryArgs) -> Location {
    let text = args
        .db
        .clone()
        .or_else(|| std::env::var_os("POOLBENCH_HISTORY").filter(|v| !v.is_empty()))
        .unwrap_or_else(|| OsString::from(DEFAULT_DB));
    Location::parse(&text)
}

pub fn run(args: HistoryArgs) -> anyhow::Result<ExitCode> {
    let path = location(&args);
    let usage = |e: poolbench_history::HistoryError| UsageError(e.to_string());
    match args.command {
        HistoryCommand::Add(add) => {
            // Every file is read and checked before the first is added.
            let files = add
                .results
                .iter()
                .map(|p| read_results(p).map(|r| (p, r)))
                .collect::<Result<Vec<_>, _>>()?;
            let mut history = History::open_at(&path, true).map_err(usage)?;
            for (file, results) in files {
                let keeper = "the history, which keys cells by name,";
                if let Some(note) = poolbench_compare::identity::shared_names_note(&results, keeper)
                {
                    eprintln!("note: {}: {note}", file.display());
                }
                let how = AddAs {
                    commit: add.commit.clone(),
                    machine: add.machine.clone(),
                    source: Some(file.display().to_string()),
                };
                let added = history.add_as(&results, &how).map_err(usage)?;
                println!(
                    "{}: {} run {} of commit {} on {} ({} cells) in {}",
                    file.display(),
                    if added.new {
                        "added as"
                    } else {
                        "already in the history as"
                    },
                    added.run_id,
                    short(&added.git_commit),
                    added.machine,
                    added.cells,
                    path.describe()
                );
            }
        }
        HistoryCommand::List => {
            let mut history = History::open_at(&path, false).map_err(usage)?;
            let runs = history.runs().map_err(usage)?;
            println!(
                "{:>5}  {:<10}  {:<20}  {:>5}  {:>10}  machine",
                "run", "commit", "started", "cells", "unverified"
            );
            for run in &runs {
                println!(
                    "{:>5}  {:<10}  {:<20}  {:>5}  {:>10}  {}",
                    run.id,
                    short(&run.git_commit),
                    run.started_at,
                    run.cells,
                    run.unverified,
                    run.machine
                );
            }
            println!("{} runs in {}", runs.len(), path.describe());
        }
        HistoryCommand::Check(c) => {
            let (_, checks) = load(&path, &c.judging)?;
            match c.format {
                crate::args::CompareFormat::Json => {
                    println!("{}", serde_json::to_string_pretty(&checks)?)
                }
                crate::args::CompareFormat::Markdown => {
                    print!(
                        "{}",
                        render::text(&checks, &c.judging.settings(), Style::Markdown)
                    )
                }
                crate::args::CompareFormat::Text => {
                    print!(
                        "{}",
                        render::text(&checks, &c.judging.settings(), Style::Terminal)
                    )
                }
            }
            if checks.iter().any(|c| c.regressed) && !c.no_fail {
                return Ok(ExitCode::FAILURE);
            }
        }
        HistoryCommand::Chart(c) => {
            let (series, checks) = load(&path, &c.judging)?;
            let intro = render::html(&checks, poolbench_compare::fmt::escape);
            let trends = trends(&series, &checks, c.judging.absolute);
            let files = poolbench_report::trend_page(&trends, &intro)?;
            std::fs::create_dir_all(&c.out).map_err(|e| {
                UsageError(format!("cannot write to --out {}: {e}", c.out.display()))
            })?;
            poolbench_report::write(&c.out, &files)?;
            eprintln!(
                "history chart: {} ({} charts)",
                c.out.join("index.html").display(),
                (files.len() - 1) / 2
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Every cell's series in the history at `path` (the newest `--last` runs), and its check.
fn load(
    path: &Location,
    judging: &Judging,
) -> Result<(Vec<CellSeries>, Vec<CellCheck>), UsageError> {
    let usage = |e: poolbench_history::HistoryError| UsageError(e.to_string());
    let mut history = History::open_at(path, false).map_err(usage)?;
    let series = history.series(Some(judging.last as usize)).map_err(usage)?;
    let checks = check(&series, &judging.settings());
    Ok((series, checks))
}
