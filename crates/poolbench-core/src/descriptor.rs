//! What a model *is*, said once: the [`Descriptor`] every [`crate::Model`] returns.
//!
//! A model used to answer half a dozen yes/no questions (`uses_processes`,
//! `ignores_workers`, `needs_single_threaded_start`…), each a trait method with a default,
//! and a name-keyed table elsewhere said how to draw it. Adding a model meant finding them
//! all, and one flag ended up meaning two things (Python's *thread* pools said they "used
//! processes" because the watchdog cannot see into the helper). A descriptor is one value,
//! each field one fact, and everything the runner and the reports need is derived from it.

use crate::{Language, ModelRole, ModelStyle, WorkerKind};

/// Where a model's tasks run, and so what the runner's in-process watchdog can see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskPlace {
    /// On threads of the runner's own process: the watchdog sees a hung task there.
    ThisProcess,
    /// In other processes (worker processes, or a Python helper): the pool enforces the time
    /// limit itself, and every such process may hold its own copy of the inputs.
    OtherProcesses,
}

/// What starting a pool asks of the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartNeeds {
    /// Nothing: a pool may start at any time.
    Nothing,
    /// A caller with no other thread alive (`fork()` copies only the calling thread): the
    /// runner starts such pools before any threaded one.
    SingleThreadedCaller,
}

/// Everything a model says of itself: name, summary, language, role, what runs its tasks,
/// where, what starting it needs and how charts draw it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Descriptor {
    /// Short name used on the command line and in results (`rayon`, `tokio-blocking`…).
    pub name: &'static str,
    /// One line for `poolbench list`.
    pub summary: &'static str,
    /// The language its tasks run in.
    pub language: Language,
    /// Its part by nature: the oracle of its language, a plain loop (a baseline), or a
    /// model being compared. A plain loop runs once, at W = 1, whatever the plan's W.
    pub role: ModelRole,
    /// What runs its tasks: the caller, threads, async tasks or processes.
    pub workers: WorkerKind,
    /// Where its tasks run.
    pub place: TaskPlace,
    /// What starting a pool needs.
    pub start: StartNeeds,
    /// How charts draw it; `None`: a style generated from its place in the registry.
    pub style: Option<ModelStyle>,
}

impl Descriptor {
    /// A Rust model compared like any other: threads of this process, no start constraint, a
    /// generated style. The `const` setters below say what differs.
    pub const fn new(name: &'static str, summary: &'static str) -> Self {
        Self {
            name,
            summary,
            language: Language::Rust,
            role: ModelRole::Model,
            workers: WorkerKind::Threads,
            place: TaskPlace::ThisProcess,
            start: StartNeeds::Nothing,
            style: None,
        }
    }

    pub const fn language(self, language: Language) -> Self {
        Self { language, ..self }
    }

    pub const fn role(self, role: ModelRole) -> Self {
        Self { role, ..self }
    }

    /// What runs the tasks. Processes also move the tasks out of this process.
    pub const fn workers(self, workers: WorkerKind) -> Self {
        let place = match workers {
            WorkerKind::Processes => TaskPlace::OtherProcesses,
            _ => self.place,
        };
        Self {
            workers,
            place,
            ..self
        }
    }

    pub const fn place(self, place: TaskPlace) -> Self {
        Self { place, ..self }
    }

    pub const fn start(self, start: StartNeeds) -> Self {
        Self { start, ..self }
    }

    pub const fn style(self, style: ModelStyle) -> Self {
        Self {
            style: Some(style),
            ..self
        }
    }

    /// Whether it runs one task at a time whatever W (the oracle, a plain loop): plans
    /// measure it once, at W = 1.
    pub fn ignores_workers(&self) -> bool {
        self.role != ModelRole::Model
    }

    /// Whether the runner's in-process watchdog can see a hung task of this model.
    pub fn watchdog_sees_tasks(&self) -> bool {
        self.place == TaskPlace::ThisProcess
    }

    /// Whether any process besides the runner holds the inputs (each worker process, or a
    /// helper): the memory a plan needs is then counted per process.
    pub fn copies_inputs(&self) -> bool {
        self.place == TaskPlace::OtherProcesses
    }

    /// How many worker processes a pool of `workers` keeps alive (the runner caps how many
    /// are alive at once).
    pub fn worker_processes(&self, workers: usize) -> usize {
        match (self.workers, self.place) {
            (WorkerKind::Processes, _) => workers,
            (_, TaskPlace::OtherProcesses) => 1,
            (_, TaskPlace::ThisProcess) => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Marker;

    #[test]
    fn processes_run_tasks_elsewhere_and_count_per_worker() {
        let d = Descriptor::new("p", "s").workers(WorkerKind::Processes);
        assert_eq!(d.place, TaskPlace::OtherProcesses);
        assert!(!d.watchdog_sees_tasks() && d.copies_inputs());
        assert_eq!(d.worker_processes(4), 4);
    }

    #[test]
    fn a_helpers_threads_are_one_process_the_watchdog_cannot_see() {
        let d = Descriptor::new("py", "s")
            .language(Language::Python)
            .place(TaskPlace::OtherProcesses);
        assert_eq!(d.workers, WorkerKind::Threads);
        assert!(!d.watchdog_sees_tasks());
        assert_eq!(d.worker_processes(8), 1);
    }

    #[test]
    fn defaults_are_a_compared_rust_thread_model() {
        let d = Descriptor::new("t", "s");
        assert!(d.watchdog_sees_tasks() && !d.ignores_workers());
        assert_eq!(d.worker_processes(8), 0);
        assert_eq!(d.style, None);
        let styled = d.style(ModelStyle::new([1, 2, 3], Marker::Ring));
        assert_eq!(styled.style.unwrap().colour, [1, 2, 3]);
        assert!(Descriptor::new("o", "s")
            .role(ModelRole::Oracle)
            .ignores_workers());
    }
}
