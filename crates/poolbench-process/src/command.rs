//! Finding the program that runs worker processes.
//!
//! Workers are started by exec'ing a program that calls [`crate::worker_main`]: the
//! `poolbench` binary itself (`poolbench __worker …`, registered by its `main`), or the small
//! `poolbench-worker` binary (what tests use, through `CARGO_BIN_EXE_poolbench-worker`).
//! Lookup order: the `POOLBENCH_WORKER` environment variable (an explicit choice wins), the
//! registered command, then a `poolbench-worker` next to the running executable (or one folder
//! up, for test binaries in `target/*/deps`).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A program plus leading arguments; `serve` or `forkserver` is appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerCommand {
    pub program: PathBuf,
    pub args: Vec<String>,
}

static REGISTERED: OnceLock<WorkerCommand> = OnceLock::new();

/// Registers the command that starts workers in this process (first call wins). Returns
/// whether this call's command is the one in effect.
pub fn set_worker_command(command: WorkerCommand) -> bool {
    REGISTERED.get_or_init(|| command.clone()) == &command
}

/// The command in effect, or a message saying how to provide one.
pub(crate) fn worker_command() -> Result<WorkerCommand, String> {
    if let Some(path) = std::env::var_os("POOLBENCH_WORKER") {
        return check(WorkerCommand {
            program: path.into(),
            args: Vec::new(),
        });
    }
    if let Some(command) = REGISTERED.get() {
        return check(command.clone());
    }
    let exe = std::env::current_exe().map_err(|e| format!("cannot locate this program: {e}"))?;
    let dirs = exe
        .parent()
        .into_iter()
        .chain(exe.parent().and_then(Path::parent));
    for dir in dirs {
        let candidate = dir.join("poolbench-worker");
        if candidate.is_file() {
            return Ok(WorkerCommand {
                program: candidate,
                args: Vec::new(),
            });
        }
    }
    Err(
        "cannot find the worker program: run the process models from `poolbench`, set \
         POOLBENCH_WORKER to a poolbench-worker binary, or build one next to this program"
            .to_owned(),
    )
}

fn check(command: WorkerCommand) -> Result<WorkerCommand, String> {
    if command.program.is_file() {
        Ok(command)
    } else {
        Err(format!(
            "the worker program {} does not exist",
            command.program.display()
        ))
    }
}
