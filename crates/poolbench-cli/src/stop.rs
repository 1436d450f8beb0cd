//! How a run ends early: on a signal, or when the runner's watchdog finds a hung task.
//!
//! The first Ctrl-C or SIGTERM asks the runner to stop after the running batch; finished
//! cells and the report are kept. If that batch does not return (a hung task on a thread
//! model), the watchdog ends the run [`STOP_GRACE`](poolbench_runner::watchdog::STOP_GRACE)
//! later, through the handler installed here, which saves the finished cells and the hung cell
//! and renders the report before the process exits. A second signal exits at once.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::Context;
use poolbench_report::Input;
use poolbench_runner::watchdog::{self, Expired, Expiry};
use poolbench_runner::ResultsFile;

/// First Ctrl-C (or SIGTERM): finish the current batch, stop, keep finished cells, reap
/// worker processes. Second: exit at once with status 130. No thread is started for this, so
/// the `process-fork` model still sees a single-threaded process.
pub fn stop_on_ctrl_c() -> anyhow::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let flag = poolbench_core::stop_flag();
    for signal in [SIGINT, SIGTERM] {
        let stopping = flag.clone();
        // Registered first, so it sees the flag as the previous signal left it.
        // SAFETY: the handler only loads an atomic, writes a constant to stderr and calls
        // `_exit`, all async-signal-safe.
        unsafe {
            signal_hook::low_level::register(signal, move || {
                if stopping.load(std::sync::atomic::Ordering::SeqCst) {
                    const SAID: &[u8] =
                        b"\npoolbench: second signal: stopping now, without saving the running workload\n";
                    libc::write(2, SAID.as_ptr().cast(), SAID.len());
                    libc::_exit(i32::from(watchdog::EXIT_INTERRUPTED));
                }
            })
        }
        .context("cannot install the Ctrl-C handler")?;
        signal_hook::flag::register(signal, flag.clone())
            .context("cannot install the Ctrl-C handler")?;
    }
    Ok(())
}

/// The finished cells so far, shared with the watchdog's handler.
pub type Finished = Arc<Mutex<ResultsFile>>;

/// Installs the watchdog's handler: it saves `finished` plus the hung cell to `path` and
/// renders the report beside it.
pub fn save_on_expiry(finished: Finished, path: PathBuf) {
    watchdog::set_handler(Box::new(move |expired: &Expired| {
        let why = expired
            .cell
            .outcome
            .model_error
            .as_deref()
            .unwrap_or_default();
        eprintln!("\npoolbench: {why}");
        let mut results = finished
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let kept = results.results.len();
        let mut cell = expired.cell.clone();
        cell.time.no_median = Some(why.to_owned());
        results.results.push(cell);
        if let Err(e) = save(&results, &path) {
            eprintln!("poolbench: error: {e:#}");
            return;
        }
        let exit = match expired.why {
            Expiry::TaskTimedOut { .. } => "task timed out",
            Expiry::StopIgnored => "interrupted",
        };
        eprintln!(
            "poolbench: {exit}: {kept} finished cells and the stopped one are saved in {} \
             (exit status {})",
            path.display(),
            expired.why.exit_code()
        );
    }));
}

fn save(results: &ResultsFile, path: &Path) -> anyhow::Result<()> {
    results
        .save(path)
        .with_context(|| format!("cannot save {}", path.display()))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    crate::report::write_report(&Input::label_all(vec![results.clone()], &[]), dir)
}
