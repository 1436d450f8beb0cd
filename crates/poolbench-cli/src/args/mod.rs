//! Command-line arguments, and the parsers that turn bad values into clear errors (exit 2).

mod parse;

use parse::*;
pub use parse::{parse_percent, Setting};

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use poolbench_core::Model;

#[derive(Debug, Parser)]
#[command(
    name = "poolbench",
    version,
    about = "Which concurrency model should run this work? Runs the same verified workloads on \
             every model and compares them.",
    after_help = "Start with `poolbench run` (the quick preset, under a minute on 2 cores), \
                  then `poolbench list` to see what else there is."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run workloads on models, verify outputs, print a table and write results.json.
    Run(Box<RunArgs>),
    /// List the models, workloads (with their parameters) and presets.
    List,
    /// Run the mock HTTP server in the foreground (`run` starts its own when it needs one).
    Serve(ServeArgs),
    /// How far a rerun agrees: compare two results files of the same plan, per workload (share
    /// of second medians inside the first run's intervals, |Δ| of medians, interval widths,
    /// whether the verdict holds). `scripts/reproducibility.sh` runs the plan twice and calls it.
    Repro(ReproArgs),
    /// Compare a new run with a base run, cell by cell: the change of each median with its
    /// interval, and a verdict (regressed, improved, unchanged) that needs both significance
    /// and a change beyond the threshold. Exit 0: nothing regressed; 1: something did; 2: bad
    /// input. For CI: `poolbench compare base.json reports/latest/results.json --format markdown`.
    Compare(CompareArgs),
    /// Write a results file for a CI tracker: Bencher (bmf), github-action-benchmark, JUnit XML
    /// (one test case per cell; unverified or regressed cells fail) or CSV.
    Export(crate::export::ExportArgs),
    /// Keep runs in an SQLite history (add, list), find change points over commits (check:
    /// exit 1 when a cell's newest change is a regression) and chart them.
    History(crate::history::HistoryArgs),
    /// Re-render a report (HTML, Markdown, CSV, charts) from saved results files; several
    /// files (e.g. from a laptop and a server) merge into one comparison, labelled by machine.
    Report(ReportArgs),
}

#[derive(Debug, Args)]
pub struct ReproArgs {
    /// The first run's results.json (its intervals are the yardstick).
    #[arg(value_name = "FIRST.json")]
    pub first: PathBuf,

    /// The second run's results.json.
    #[arg(value_name = "SECOND.json")]
    pub second: PathBuf,

    /// Print the comparison as one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// BASE.json NEW.json: the base run's results (e.g. from the main branch) and the new
    /// run's. With --rounds: BASE1 NEW1 BASE2 NEW2 … in the order they ran.
    #[arg(value_name = "FILE", num_args = 2.., required = true)]
    pub files: Vec<PathBuf>,

    /// The files are interleaved rounds (base, new, base, new, …) of the same plan on one
    /// machine: each cell's change is the geometric mean of its per-round new ÷ base ratios,
    /// with a t interval over the rounds (at least 3) made simultaneous for all cells
    /// (Bonferroni), so machine drift between rounds cancels. `scripts/ci-regression.sh` runs
    /// and compares them.
    #[arg(long)]
    pub rounds: bool,

    /// Smallest change of a median, in per cent, that can count as a regression or an
    /// improvement [default: twice the median interval half-width of the compared cells, at
    /// least 5; the output says which].
    #[arg(long, value_parser = parse_percent, value_name = "PERCENT")]
    pub threshold: Option<f64>,

    /// Output: a terminal table, Markdown (a CI job summary or pull-request comment) or JSON.
    #[arg(long, value_enum, default_value = "text")]
    pub format: CompareFormat,

    /// Report regressions but exit 0 anyway.
    #[arg(long)]
    pub no_fail: bool,

    /// Compare every cell's raw median. By default a model's cell is compared relative to its
    /// own run's sequential cell, which divides out the machine drifting between runs (the
    /// sequential cells themselves are compared raw).
    #[arg(long)]
    pub absolute: bool,
}

/// `compare --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CompareFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Results files written by `poolbench run`; with more than one, the report compares
    /// the machines they came from.
    #[arg(value_name = "RESULTS.json", required = true)]
    pub results: Vec<PathBuf>,

    /// Folder for the report (default: the folder of the first RESULTS.json). Every file is
    /// rendered before any is written, and written atomically.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Machine labels for the merged report, one per results file, comma-separated
    /// (default: each file's host name and core count).
    #[arg(long, value_delimiter = ',', value_name = "LABEL,...")]
    pub labels: Vec<String>,

    /// Write each chart as SVG only (the HTML and Markdown show the SVGs), and remove the
    /// PNGs of these charts a previous report left in the folder: for reports kept in git,
    /// where every chart is then stored once.
    #[arg(long)]
    pub no_png: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Named suite to start from (see `poolbench list`); the flags below override parts of it.
    /// [default: quick; in your own bench binary, your workloads]
    #[arg(long, value_parser = parse_preset)]
    pub preset: Option<String>,

    /// Your own suite instead of a preset: a TOML file of [[workload]] tables (see
    /// docs/suite-format.md). Mistakes are reported with their line, before anything runs.
    #[arg(long, value_name = "FILE.toml", conflicts_with = "preset")]
    pub suite: Option<PathBuf>,

    /// Models to compare, comma-separated (default: all). `sequential` always runs: it is the
    /// oracle every model is verified against and the baseline for speedups.
    #[arg(long, value_delimiter = ',', value_parser = parse_model, value_name = "MODEL,...")]
    pub models: Vec<&'static dyn Model>,

    /// Workloads to run, comma-separated (default: the preset's).
    #[arg(long, value_delimiter = ',', value_parser = parse_workload, value_name = "NAME,...")]
    pub workloads: Vec<String>,

    /// Also run Python's own pools (the `py-…` models: multiprocessing.Pool, its thread twin,
    /// imap_unordered and concurrent.futures' executors) on the workloads Python implements,
    /// interleaved with the Rust cells and verified against the same oracle. Needs the
    /// environment `scripts/python-setup.sh` makes (or $POOLBENCH_PYTHON); without it one line
    /// says so and the Rust side runs alone. The cluster engines (py-dask, py-ray-pool) run
    /// only when named in --models (or the cluster preset): each starts a cluster per cell
    #[arg(long)]
    pub with_python: bool,

    /// Run `py-dask` on the Dask cluster whose scheduler is at this address instead of a local
    /// one (added to the models if --models left it out). W is then the cluster's worker
    /// threads, asked of it before the run: a sweep over W is refused. Workloads that read
    /// local files (thumbnail) need --cache-dir on a path every worker sees. See
    /// docs/cluster.md
    #[arg(long, value_name = "tcp://HOST:PORT")]
    pub dask_scheduler: Option<String>,

    /// Run `py-ray-pool` on the Ray cluster at this address instead of starting Ray locally,
    /// as --dask-scheduler does for Dask (W is the cluster's CPUs)
    #[arg(long, value_name = "HOST:PORT")]
    pub ray_address: Option<String>,

    /// Your own Python function: run MODULE:FUNCTION(i) for every task index i on each of
    /// Python's pools, verified against Python's plain loop (py-sequential, the oracle: every
    /// return value's pickle must be the same). Implies the Python models; the Rust models
    /// cannot run Python code and are left out. FUNCTION(0) is called once first, to check
    /// that the module imports and the result pickles. See docs/own-work.md.
    #[arg(long, value_name = "MODULE:FUNCTION", conflicts_with_all = ["suite", "preset", "workloads"])]
    pub py_task: Option<String>,

    /// Folder to import --py-task's module from [default: the current folder].
    #[arg(long, value_name = "DIR", requires = "py_task")]
    pub py_path: Option<PathBuf>,

    /// Worker counts W (most tasks in flight at once), comma-separated, each at least 1.
    #[arg(long, value_delimiter = ',', value_parser = parse_positive, value_name = "W,...")]
    pub workers: Vec<usize>,

    /// Tasks per batch for every workload (default: the preset's per-workload counts).
    #[arg(long, value_parser = parse_positive, value_name = "N")]
    pub tasks: Option<usize>,

    /// Fewest timed samples per cell (default: the preset's, 6 for quick). Cells take their
    /// samples in rounds, one per round, each round in a fresh shuffled order; 6 is the fewest
    /// for which the median's interval reaches 95 % confidence.
    #[arg(long, value_parser = parse_positive, value_name = "R")]
    pub repeat: Option<usize>,

    /// Most timed samples per cell: rounds go on past --repeat only for cells whose interval
    /// is wider than --target-precision (default: the preset's, 20 for quick).
    #[arg(long, value_parser = parse_positive, value_name = "N")]
    pub max_repeat: Option<usize>,

    /// A sample times as many whole batches as it takes to last this long, so a short batch
    /// is not at the mercy of one preemption (default: the preset's, 25 ms for quick).
    #[arg(long, value_parser = parse_non_negative, value_name = "MS")]
    pub min_sample_ms: Option<f64>,

    /// Stop sampling a cell once its median's 95 % interval is within this many per cent of
    /// the median either way (default: the preset's, 2).
    #[arg(long, value_parser = parse_non_negative, value_name = "PERCENT")]
    pub target_precision: Option<f64>,

    /// Seconds of extra rounds each workload may spend, once every cell has its --repeat
    /// samples, narrowing wide intervals (default: the preset's, 7 for quick).
    #[arg(long, value_parser = parse_non_negative, value_name = "SECONDS")]
    pub measure_time: Option<f64>,

    /// Untimed warm-up batches per cell before the timed ones; the last one sizes the samples
    /// (default: the preset's).
    #[arg(long, value_name = "K")]
    pub warmup: Option<usize>,

    /// Per-task time limit, seconds [default: 60, or 20 x the workload's slowest task in the
    /// sequential reference batch if longer, times W / cores when W exceeds the cores]. A
    /// process model kills and replaces the worker and the run goes on; tokio cancels an
    /// async task; a thread cannot be stopped, so on a thread model the run stops there, keeps
    /// the finished cells and the report, and exits with status 3 (as does any run in which a
    /// task timed out).
    #[arg(long, value_parser = parse_seconds, value_name = "SECONDS")]
    pub task_timeout: Option<f64>,

    /// Skip each cell's traced batches. By default every cell ends with three more batches,
    /// untimed, in which each task records the worker that ran it; the median one is the
    /// cell's timeline in the report ("How each model scheduled the work"), with its share of
    /// idle worker-time. Timed batches never record workers either way.
    #[arg(long)]
    pub no_trace: bool,

    /// Set a workload parameter, e.g. `--set sleep.delay_ms=5 --set thumbnail.width=1280`
    /// (see `poolbench list` for each workload's parameters). Repeatable.
    #[arg(long = "set", value_parser = parse_setting, value_name = "WORKLOAD.KEY=VALUE")]
    pub settings: Vec<Setting>,

    /// Folder for results.json; created if missing. An earlier results.json there is only
    /// replaced once the first workload has been measured.
    #[arg(long, default_value = "reports/latest", value_name = "DIR")]
    pub out: PathBuf,

    /// Point the `http` workload at this server (e.g. `http://127.0.0.1:8080`) instead of
    /// starting the built-in mock server. Put `{i}` in it to request your own paths.
    #[arg(long, value_name = "BASE")]
    pub url: Option<String>,

    /// Folder where generated inputs (thumbnail photos) are cached between runs
    /// [default: $POOLBENCH_CACHE_DIR, else poolbench-cache in the temporary folder].
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Order of each round of samples (and of starting the pools): `shuffled` (a fresh seeded
    /// order every round, so a drifting machine does not favour the models that ran first) or
    /// `fixed` (registry order every round) [default: shuffled, or the suite file's].
    #[arg(long, value_enum, value_name = "ORDER")]
    pub order: Option<OrderArg>,

    /// Seed of the shuffled order (default: taken from the clock; recorded in results.json
    /// as order_seed, so an order can be repeated).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,

    /// Print only the final summary line: no table, no progress bar.
    #[arg(long, short, conflicts_with = "json")]
    pub quiet: bool,

    /// For machines: print one JSON object per line on stdout ({"event":"cell",...} as each
    /// cell finishes, then {"event":"finished",...}) instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// `--order`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OrderArg {
    Shuffled,
    Fixed,
}

/// `serve`'s flags alone, for the hidden subcommand a run starts its mock server with.
#[derive(Debug, Parser)]
pub struct ServeOnly {
    #[command(flatten)]
    pub args: ServeArgs,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. Loopback by default; anything else exposes the server.
    #[arg(long, default_value = "127.0.0.1", value_name = "IP")]
    pub bind: std::net::IpAddr,

    /// Port; 0 picks a free one. The first line printed is `listening on http://ADDR`.
    #[arg(long, default_value_t = 0)]
    pub port: u16,

    /// Latency of item responses: MS, fixed:MS, uniform:LOW:HIGH or exp:MEAN (milliseconds).
    #[arg(long, default_value = "0", value_parser = parse_latency)]
    pub latency: poolbench_server::Latency,

    /// Body size of item responses, bytes.
    #[arg(long, default_value_t = 256)]
    pub size: usize,

    /// Fraction of item requests answered 500.
    #[arg(long, default_value_t = 0.0, value_parser = parse_fraction)]
    pub fail: f64,

    /// Fraction of item requests whose connection is closed without a response.
    #[arg(long, default_value_t = 0.0, value_parser = parse_fraction)]
    pub reset: f64,

    /// Fraction of item requests never answered (until --stall-max-ms).
    #[arg(long, default_value_t = 0.0, value_parser = parse_fraction)]
    pub stall: f64,

    /// Seed of the per-item latency and fault choices.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,

    /// How long a stalled request stays unanswered, milliseconds.
    #[arg(long, default_value_t = 60_000)]
    pub stall_max_ms: u64,

    /// Clients must send their request headers within this time (slowloris guard), ms.
    #[arg(long, default_value_t = 10_000)]
    pub header_timeout_ms: u64,

    /// Most connections served at once.
    #[arg(long, default_value_t = 10_000, value_parser = parse_positive)]
    pub max_connections: usize,

    /// Runtime threads (default: the number of cores).
    #[arg(long, value_parser = parse_positive)]
    pub threads: Option<usize>,

    /// Exit when the parent process exits, and ignore Ctrl-C (for `run`'s own server).
    #[arg(long, hide = true)]
    pub exit_with_parent: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_parse_numbers_and_strings() {
        let s = parse_setting("sleep.delay_ms=2.5").unwrap();
        assert_eq!((s.workload.as_str(), s.key.as_str()), ("sleep", "delay_ms"));
        assert_eq!(s.value, serde_json::json!(2.5));
        assert_eq!(
            parse_setting("thumbnail.seed=abc").unwrap().value,
            serde_json::json!("abc")
        );
        assert!(parse_setting("sleep").is_err());
        assert!(parse_setting("nosuch.x=1")
            .unwrap_err()
            .contains("accepted"));
    }

    #[test]
    fn positive_numbers_only() {
        assert_eq!(parse_positive("4"), Ok(4));
        assert!(parse_positive("0").unwrap_err().contains("at least 1"));
        assert!(parse_positive("four")
            .unwrap_err()
            .contains("not a whole number"));
    }
}
