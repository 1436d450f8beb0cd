//! `poolbench`: which concurrency model should run this work?
//!
//! The binary is deliberately thin: it parses arguments, hands a plan to `poolbench-runner`,
//! prints rows as cells finish and saves `results.json` after each one. Errors are printed once,
//! with their causes; bad input exits with code 2, a failed run with code 1.

mod args;
mod describe;
mod export;
mod history;
mod list;
mod live;
mod mock;
mod report;
mod run;
mod serve;
mod stop;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};

/// The hidden subcommand that turns this program into a process-pool worker.
const WORKER_SUBCOMMAND: &str = "__worker";

/// Input the user must fix (exit code 2), as opposed to a run that failed (exit code 1).
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

fn main() -> ExitCode {
    // The process-pool models exec this same program as their workers.
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(WORKER_SUBCOMMAND) {
        return poolbench_process::worker_main(&args[2..]);
    }
    if let Ok(program) = std::env::current_exe() {
        poolbench_process::set_worker_command(poolbench_process::WorkerCommand {
            program,
            args: vec![WORKER_SUBCOMMAND.to_owned()],
        });
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return argument_error(error),
    };
    let result = match cli.command {
        Command::Run(args) => run::run(*args),
        Command::List => list::list(),
        Command::Serve(args) => serve::serve(args),
        Command::Report(args) => report::report(args),
        Command::Repro(args) => report::repro(args),
        Command::Compare(args) => report::compare(args),
        Command::Export(args) => export::run(args),
        Command::History(args) => history::run(args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("poolbench: error: {error:#}");
            if is_usage_error(&error) {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// `--help` and `--version` print as clap prints them; a mistake is one line and exit 2.
fn argument_error(error: clap::Error) -> ExitCode {
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
