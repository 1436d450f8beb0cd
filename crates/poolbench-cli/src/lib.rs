//! `poolbench`'s command line, as a library: the `poolbench` binary calls [`main`], and a
//! user's own bench binary (the `poolbench` facade's `main!`) calls [`bench_main`], which runs
//! the user's workloads with the same flags, files and report as `poolbench run`.
//!
//! The command line is deliberately thin: it parses arguments, hands a plan to
//! `poolbench-runner`, prints rows as cells finish and saves `results.json` after each one.
//! Errors are printed once, with their causes; bad input exits with code 2, a failed run with
//! code 1.

mod args;
mod bench;
mod cluster;
mod describe;
mod export;
mod history;
mod list;
mod live;
mod mock;
mod own;
mod plan;
mod report;
mod run;
mod serve;
mod stop;

pub use bench::bench_main;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};

/// The hidden subcommand that turns this program into a process-pool worker.
const WORKER_SUBCOMMAND: &str = "__worker";

/// The hidden subcommand that turns this program into the mock HTTP server a run starts
/// (`serve`'s flags): a bench binary has no `serve` of its own.
const SERVE_SUBCOMMAND: &str = "__serve";

/// Input the user must fix (exit code 2), as opposed to a run that failed (exit code 1).
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Exit status when results or a report could not be written (a full disk, a folder that
/// became read-only): not the 1 of a failed verification.
pub const EXIT_CANNOT_WRITE: u8 = 4;

/// A results file or report that could not be written (exit code [`EXIT_CANNOT_WRITE`]).
#[derive(Debug)]
pub struct CannotWrite(pub String);

impl std::fmt::Display for CannotWrite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CannotWrite {}

/// The `poolbench` program: every subcommand, with errors printed once and the exit codes
/// above.
pub fn main() -> ExitCode {
    run_with_args(std::env::args())
}

/// The `poolbench` program run with `args` (the program's name first), in this process: what
/// [`main`] does with the process's own arguments. Tests of a user's crate call it to run
/// `compare`, `history` or `export` on their bench's results.
pub fn run_with_args(args: impl IntoIterator<Item = String>) -> ExitCode {
    let args: Vec<String> = args.into_iter().collect();
    if let Some(code) = hidden_role(&args) {
        return code;
    }
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(error) => return argument_error(error),
    };
    let result = match cli.command {
        Command::Run(args) => run::run(*args, None),
        Command::List => list::list(),
        Command::Serve(args) => serve::serve(args),
        Command::Report(args) => report::report(args),
        Command::Repro(args) => report::repro(args),
        Command::Compare(args) => report::compare(args),
        Command::Export(args) => export::run(args),
        Command::History(args) => history::run(args),
    };
    exit_code(result)
}

/// What this program is asked to be besides itself: a process pool's worker or a run's mock
/// server, when it was started as one (the exit code of that life); else `None`, after
/// registering this program as the one worker processes are started from.
pub(crate) fn hidden_role(args: &[String]) -> Option<ExitCode> {
    match args.get(1).map(String::as_str) {
        // The process-pool models exec this same program as their workers.
        Some(WORKER_SUBCOMMAND) => Some(poolbench_process::worker_main(&args[2..])),
        Some(SERVE_SUBCOMMAND) => {
            let serve = args::ServeOnly::try_parse_from(
                std::iter::once("poolbench serve").chain(args[2..].iter().map(String::as_str)),
            );
            Some(match serve {
                Ok(parsed) => exit_code(serve::serve(parsed.args)),
                Err(error) => argument_error(error),
            })
        }
        _ => {
            if let Ok(program) = std::env::current_exe() {
                poolbench_process::set_worker_command(poolbench_process::WorkerCommand {
                    program,
                    args: vec![WORKER_SUBCOMMAND.to_owned()],
                });
            }
            None
        }
    }
}

/// Prints an error once, with its causes; exit code 2 for input the user must fix, 4 when
/// results could not be written, 1 else.
pub(crate) fn exit_code(result: anyhow::Result<ExitCode>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("poolbench: error: {error:#}");
            if is_usage_error(&error) {
                ExitCode::from(2)
            } else if cannot_write(&error) {
                ExitCode::from(EXIT_CANNOT_WRITE)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// `--help` and `--version` print as clap prints them; a mistake is one line and exit 2.
pub(crate) fn argument_error(error: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        error.exit();
    }
    let text = error.to_string();
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let message = first.strip_prefix("error: ").unwrap_or(first);
    eprintln!("poolbench: error: {message} (see --help)");
    ExitCode::from(2)
}

/// Whether `error` is, or carries, a [`CannotWrite`] (the run's observer returns it inside
/// the runner's error).
fn cannot_write(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause.is::<CannotWrite>()
            || matches!(
                cause.downcast_ref::<poolbench_runner::RunError>(),
                Some(poolbench_runner::RunError::Callback(inner)) if inner.is::<CannotWrite>()
            )
    })
}

fn is_usage_error(error: &anyhow::Error) -> bool {
    use poolbench_core::WorkloadError;
    error.chain().any(|cause| {
        cause.is::<UsageError>()
            || cause.is::<poolbench_runner::PlanError>()
            || matches!(
                cause.downcast_ref::<WorkloadError>(),
                Some(WorkloadError::Unknown { .. } | WorkloadError::BadParams { .. })
            )
            || matches!(
                cause.downcast_ref::<poolbench_runner::RunError>(),
                Some(poolbench_runner::RunError::Plan(_))
                    | Some(poolbench_runner::RunError::Workload(
                        WorkloadError::Unknown { .. } | WorkloadError::BadParams { .. }
                    ))
            )
    })
}
