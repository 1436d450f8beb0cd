//! The vocabulary every other poolbench crate speaks.
//!
//! poolbench runs the *same* batch of tasks on several concurrency models and compares them.
//! Two traits make that possible:
//!
//! - [`Workload`]: a named, parameterised batch of N tasks addressed by index. It prepares its
//!   inputs when it is built (never inside a timed region), runs task `i` in a blocking form and,
//!   for I/O work, an async form, and returns a checksum per task so every model's outputs can
//!   be compared with the sequential oracle's.
//! - [`Model`]: a way to run those N tasks with at most W in flight. [`Model::start`] builds a
//!   [`Pool`] (threads, a runtime…) outside the timed region; [`Pool::run`] runs one batch and
//!   returns one [`TaskOutcome`] per task, in input order, each with its enqueue, start and
//!   finish instants.
//!
//! The helpers here ([`run_task`], [`OutcomeSlots`], [`BatchClock`]) are what every model uses
//! to time a task, turn a panic into an error, and make sure no result is lost.

mod checksum;
mod clock;
mod descriptor;
mod execute;
pub mod experiments;
mod ideal;
mod item;
mod model;
mod outcome;
mod phases;
mod roles;
mod slots;
mod stop;
mod system;
mod trace;
pub mod watch;
mod workload;

pub use checksum::{checksum_of, fnv1a, mix, StableHasher};
pub use clock::{without_task_stamps, BatchClock, NoTaskStamps};
pub use descriptor::{Descriptor, StartNeeds, TaskPlace};
pub use execute::{panic_message, run_task};
pub use ideal::{cpu_bound_ideal, ideal_from_serial, io_bound_ideal, rounds};
pub use item::{item_body, ItemBody};
pub use model::{ChildUsage, Model, ModelError, Pool};
pub use outcome::{max_in_flight, TaskError, TaskOutcome, TaskOutput, TaskResult, TaskTiming};
pub use phases::{PhaseClock, PhaseTimes, MOST_PHASES};
pub use roles::{
    Language, Marker, ModelRole, ModelStyle, WorkerKind, WorkloadOrigin, WorkloadRole,
};
pub use slots::OutcomeSlots;
pub use stop::{request_stop, stop_flag, stop_requested};
pub use system::{
    is_worker_process, logical_cores, mark_worker_process, peak_rss_bytes, reset_own_peak_rss,
    thread_count,
};
pub use trace::{os_thread_id, traced, tracing, Traced};
pub use workload::{BoxFuture, IdealInput, WorkKind, Workload, WorkloadError, WorkloadSpec};
