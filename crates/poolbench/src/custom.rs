//! [`Definition`]: a workload as poolbench's registry holds it — from [`Tasks`](crate::Tasks),
//! or from your own [`Workload`] implementation ([`Definition::custom`]).

use std::sync::Arc;

use poolbench_core::{
    WorkKind, Workload, WorkloadError, WorkloadOrigin, WorkloadRole, WorkloadSpec,
};
use poolbench_workloads::{BuildContext, Footprint, WorkloadInfo};
use serde::Serialize;
use serde_json::{Map, Value};

/// Builds the workload from its spec (task count, parameters), in every process that runs it.
type Build = Box<dyn Fn(&WorkloadSpec) -> Result<Arc<dyn Workload>, WorkloadError> + Send + Sync>;

/// Checks a spec without building it.
type Check = Box<dyn Fn(&WorkloadSpec) -> Result<(), WorkloadError> + Send + Sync>;

/// One workload for [`main!`](crate::main): its name, its kind, its default task count and
/// how to build it from a spec. Made from a [`Tasks`](crate::Tasks) (`.into()`, which
/// `main!` does), or from your own [`Workload`] with [`Definition::custom`].
pub struct Definition {
    name: String,
    kind: WorkKind,
    default_tasks: usize,
    summary: Option<String>,
    needs_server: bool,
    defaults: Map<String, Value>,
    check: Check,
    build: Build,
}

impl std::fmt::Debug for Definition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Definition")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("default_tasks", &self.default_tasks)
            .finish_non_exhaustive()
    }
}

impl Definition {
    pub(crate) fn new(
        name: String,
        kind: WorkKind,
        default_tasks: usize,
        build: impl Fn(&WorkloadSpec) -> Result<Arc<dyn Workload>, WorkloadError>
            + Send
            + Sync
            + 'static,
    ) -> Self {
        Self {
            name,
            kind,
            default_tasks,
            summary: None,
            needs_server: false,
            defaults: Map::new(),
            check: Box::new(|_| Ok(())),
            build: Box::new(build),
        }
    }

    /// Your own [`Workload`]: `build` makes it from a spec — the name, the task count
    /// (`default_tasks` unless `--tasks` says otherwise) and the parameters given with
    /// `--set NAME.KEY=VALUE` (parse them with [`WorkloadSpec::parse_params`]; declare their
    /// defaults with [`Definition::params`]). `build` runs before any timing, in the bench
    /// process and in every worker process of the `process` and `process-spawn` models, so
    /// it must build the same workload from the same spec every time. The workload's own
    /// [`Workload::spec`] is what worker processes are sent: put every value a worker needs
    /// there (see [`WorkloadSpec::normalised`]).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::time::Duration;
    /// use poolbench::{
    ///     checksum_of, ideal_from_serial, Definition, IdealInput, TaskOutput, TaskResult,
    ///     WorkKind, Workload, WorkloadError, WorkloadSpec,
    /// };
    ///
    /// #[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
    /// #[serde(default, deny_unknown_fields)]
    /// struct Params {
    ///     rounds: u32,
    /// }
    ///
    /// struct Mix {
    ///     spec: WorkloadSpec,
    ///     rounds: u32,
    /// }
    ///
    /// impl Workload for Mix {
    ///     fn spec(&self) -> &WorkloadSpec {
    ///         &self.spec
    ///     }
    ///     fn kind(&self) -> WorkKind {
    ///         WorkKind::Cpu
    ///     }
    ///     fn run_blocking(&self, index: usize) -> TaskResult {
    ///         let mut x = index as u64;
    ///         for _ in 0..self.rounds {
    ///             x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    ///         }
    ///         Ok(TaskOutput { checksum: checksum_of(index, &x) })
    ///     }
    ///     fn ideal(&self, input: IdealInput) -> Option<Duration> {
    ///         ideal_from_serial(WorkKind::Cpu, self.tasks(), input)
    ///     }
    /// }
    ///
    /// let mix = Definition::custom("lcg", WorkKind::Cpu, 16, |spec: &WorkloadSpec| {
    ///     let params: Params = spec.parse_params()?;
    ///     let rounds = if params.rounds == 0 { 100_000 } else { params.rounds };
    ///     let params = Params { rounds };
    ///     Ok::<_, WorkloadError>(Mix { spec: spec.normalised(&params), rounds })
    /// })
    /// .params::<Params>()
    /// .summary("a linear congruential generator, ROUNDS steps a task");
    /// let workload = mix.workload(2).unwrap();
    /// assert_eq!(workload.spec().params["rounds"], 100_000, "defaults recorded");
    /// assert!(workload.run_blocking(1).is_ok());
    /// ```
    pub fn custom<W, F>(
        name: impl Into<String>,
        kind: WorkKind,
        default_tasks: usize,
        build: F,
    ) -> Self
    where
        W: Workload,
        F: Fn(&WorkloadSpec) -> Result<W, WorkloadError> + Send + Sync + 'static,
    {
        Self::new(name.into(), kind, default_tasks, move |spec| {
            build(spec).map(|w| Arc::new(w) as Arc<dyn Workload>)
        })
    }

    /// Declares the parameters `build` parses, as their type's defaults: `--list` shows them,
    /// and a run checks `--set` values by parsing `P` before anything is built (use
    /// `#[serde(default, deny_unknown_fields)]` to refuse unknown keys).
    pub fn params<P>(mut self) -> Self
    where
        P: Default + Serialize + serde::de::DeserializeOwned + 'static,
    {
        if let Ok(Value::Object(defaults)) = serde_json::to_value(P::default()) {
            self.defaults = defaults;
        }
        self.check = Box::new(|spec| spec.parse_params::<P>().map(|_| ()));
        self
    }

    /// One line for `--list` and the report.
    pub fn summary(mut self, summary: impl Into<String>) -> Self {
        self.summary = Some(summary.into());
        self
    }

    /// The tasks talk to an HTTP server: a run sets the workload's `url` parameter to the
    /// `--url` it was given or to poolbench's own mock server, which it starts (see
    /// [`Tasks::needs_server`](crate::Tasks::needs_server)).
    pub fn needs_server(mut self) -> Self {
        self.needs_server = true;
        self
    }

    /// Builds the workload with `tasks` tasks and its default parameters, as a run would:
    /// for a unit test of your own that calls a task directly, before you run the bench.
    ///
    /// ```
    /// use poolbench::{Definition, Tasks, WorkKind};
    ///
    /// let doubled = Definition::from(Tasks::new("double", WorkKind::Cpu, |i| 2 * i));
    /// let workload = doubled.workload(4).unwrap();
    /// assert_eq!(workload.tasks(), 4);
    /// assert_eq!(
    ///     workload.run_blocking(3).unwrap().checksum,
    ///     poolbench::checksum_of(3, &6usize),
    /// );
    /// ```
    pub fn workload(&self, tasks: usize) -> Result<Arc<dyn Workload>, WorkloadError> {
        let spec = WorkloadSpec::new(self.name.clone(), tasks);
        (self.check)(&spec)?;
        (self.build)(&spec)
    }

    pub(crate) fn with_defaults(mut self, defaults: Map<String, Value>) -> Self {
        self.defaults = defaults;
        self
    }

    /// Adds the workload to this process's registry (see [`crate::run`]).
    pub(crate) fn register(self) -> Result<(), WorkloadError> {
        let Self {
            name,
            kind,
            default_tasks,
            summary,
            needs_server,
            defaults,
            check,
            build,
        } = self;
        // The registry keeps its entries for the life of the process, which this is.
        let name: &'static str = Box::leak(name.into_boxed_str());
        let summary: &'static str = Box::leak(
            summary
                .unwrap_or_else(|| format!("{name} ({kind}-bound, your own)"))
                .into_boxed_str(),
        );
        poolbench_workloads::register(WorkloadInfo {
            name,
            kind,
            role: WorkloadRole::Measured,
            needs_server,
            only_in: None,
            origin: WorkloadOrigin::User,
            summary,
            default_tasks,
            default_params: Box::leak(Box::new(move || defaults.clone())),
            check: Box::leak(Box::new(move |spec: &WorkloadSpec| {
                check(spec).map(|()| Footprint::default())
            })),
            build: Box::leak(Box::new(move |spec: &WorkloadSpec, _: &BuildContext| {
                build(spec)
            })),
        })
        .map(|_| ())
    }
}
