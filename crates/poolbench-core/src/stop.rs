//! A process-wide "please stop" flag, set by the CLI's Ctrl-C handler.
//!
//! Long-running loops (the runner between batches, the process pool while it waits for its
//! workers) check it and wind down cleanly: finished results are kept, children are reaped.
//! It is an `Arc<AtomicBool>` so that signal handlers (e.g. `signal-hook`'s) can set it
//! without allocating or locking.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

static STOP: OnceLock<Arc<AtomicBool>> = OnceLock::new();

/// The flag itself, for registering with a signal handler.
pub fn stop_flag() -> Arc<AtomicBool> {
    Arc::clone(STOP.get_or_init(|| Arc::new(AtomicBool::new(false))))
}

/// Whether a stop has been requested.
pub fn stop_requested() -> bool {
    STOP.get().is_some_and(|flag| flag.load(Ordering::Relaxed))
}

/// Requests a stop (what Ctrl-C does).
pub fn request_stop() {
    stop_flag().store(true, Ordering::Relaxed);
}
