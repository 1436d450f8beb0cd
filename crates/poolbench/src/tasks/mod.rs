//! [`Tasks`]: a workload from a function of the task's index, in a few lines.

use std::convert::Infallible;
use std::fmt::Display;
use std::future::Future;
use std::hash::Hash;
use std::sync::Arc;

use poolbench_core::{
    checksum_of, BoxFuture, TaskError, TaskOutput, TaskResult, WorkKind, Workload, WorkloadError,
    WorkloadSpec,
};
use serde_json::{Map, Value};

use crate::Definition;

mod built;

use built::Built;

/// Task `i`'s blocking form, given the prepared input.
type Blocking<I> = Arc<dyn Fn(&I, usize) -> TaskResult + Send + Sync>;
/// Task `i`'s async form, given the prepared input.
type Async<I> = Arc<dyn Fn(Arc<I>, usize) -> BoxFuture<'static, TaskResult> + Send + Sync>;
/// Prepares the input from the workload's spec (task count, parameters).
type Prepare<I> = Arc<dyn Fn(&WorkloadSpec) -> Result<I, String> + Send + Sync>;

/// A workload made of a function of the task's index: N tasks, task `i` computes (or fetches)
/// something from `i` and returns a value whose [`Hash`] is compared with the sequential
/// run's. The value may be anything hashable (numbers, strings, vectors, your own
/// `#[derive(Hash)]` type); floats are not `Hash`: return their `to_bits()`.
///
/// ```
/// use poolbench::{Tasks, WorkKind};
///
/// // 64 tasks; task i hashes a 64 KiB buffer derived from i.
/// let checksums = Tasks::new("fnv-64k", WorkKind::Cpu, |i| {
///     let data: Vec<u8> = (0..65_536).map(|k| (k * 31 + i) as u8).collect();
///     poolbench::checksum_of(i, &data)
/// })
/// .tasks(64)
/// .summary("hash a 64 KiB buffer per task");
///
/// // What every model's task 5 must reproduce:
/// let workload = poolbench::Definition::from(checksums).workload(64).unwrap();
/// let first = workload.run_blocking(5).unwrap();
/// assert_eq!(workload.run_blocking(5).unwrap(), first);
/// assert_ne!(workload.run_blocking(6).unwrap(), first);
/// ```
///
/// Inputs that should be built once, outside every timed batch, go in
/// [`Tasks::with_input`]; an async form for the async models in [`Tasks::with_async`].
pub struct Tasks<I = ()> {
    name: String,
    kind: WorkKind,
    tasks: usize,
    summary: Option<String>,
    needs_server: bool,
    params: Map<String, Value>,
    prepare: Prepare<I>,
    blocking: Blocking<I>,
    asynchronous: Option<Async<I>>,
}

impl<I> std::fmt::Debug for Tasks<I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tasks")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("tasks", &self.tasks)
            .field("async_form", &self.asynchronous.is_some())
            .finish_non_exhaustive()
    }
}

/// The task count a [`Tasks`] runs unless told otherwise ([`Tasks::tasks`], `--tasks`).
pub const DEFAULT_TASKS: usize = 32;

/// A task's value as its outcome: the value's checksum, or the error's text.
fn outcome<T: Hash, E: Display>(index: usize, value: Result<T, E>) -> TaskResult {
    match value {
        Ok(value) => Ok(TaskOutput {
            checksum: checksum_of(index, &value),
        }),
        Err(error) => Err(TaskError::failed(error)),
    }
}

impl Tasks<()> {
    /// `kind` work whose task `i` is `task(i)`. A panic in `task` is that task's error.
    pub fn new<T, F>(name: impl Into<String>, kind: WorkKind, task: F) -> Self
    where
        T: Hash,
        F: Fn(usize) -> T + Send + Sync + 'static,
    {
        Self::try_new(name, kind, move |i| Ok::<_, Infallible>(task(i)))
    }

    /// Like [`Tasks::new`], for a task that can fail: an `Err` is that task's error, with the
    /// error's text.
    pub fn try_new<T, E, F>(name: impl Into<String>, kind: WorkKind, task: F) -> Self
    where
        T: Hash,
        E: Display,
        F: Fn(usize) -> Result<T, E> + Send + Sync + 'static,
    {
        Self::try_with_input(
            name,
            kind,
            |_| Ok::<_, Infallible>(()),
            move |_: &(), i| task(i),
        )
    }
}

impl<I: Send + Sync + 'static> Tasks<I> {
    /// `kind` work whose input is built once by `prepare` — before any timing, in every
    /// process that runs tasks — and whose task `i` is `task(&input, i)`. `prepare` gets the
    /// workload's spec: its task count (`spec.tasks`) and its parameters (`spec.params`, the
    /// defaults of [`Tasks::param`] with any `--set` applied). Its error stops the run
    /// before anything is measured.
    ///
    /// ```
    /// use poolbench::{Tasks, WorkKind};
    ///
    /// let sort = Tasks::with_input(
    ///     "sort-1k",
    ///     WorkKind::Cpu,
    ///     // One shuffled vector per task, built once.
    ///     |spec| {
    ///         let lists: Vec<Vec<u32>> = (0..spec.tasks as u32)
    ///             .map(|t| (0..1_000).map(|k| (k * 7_919 + t) % 1_009).collect())
    ///             .collect();
    ///         Ok::<_, String>(lists)
    ///     },
    ///     |lists, i| {
    ///         let mut list = lists[i].clone();
    ///         list.sort_unstable();
    ///         list
    ///     },
    /// );
    /// let workload = poolbench::Definition::from(sort).workload(8).unwrap();
    /// assert!(workload.run_blocking(7).is_ok());
    /// ```
    pub fn with_input<T, E, P, F>(
        name: impl Into<String>,
        kind: WorkKind,
        prepare: P,
        task: F,
    ) -> Self
    where
        T: Hash,
        E: Display,
        P: Fn(&WorkloadSpec) -> Result<I, E> + Send + Sync + 'static,
        F: Fn(&I, usize) -> T + Send + Sync + 'static,
    {
        Self::try_with_input(name, kind, prepare, move |input: &I, i| {
            Ok::<_, Infallible>(task(input, i))
        })
    }

    /// Like [`Tasks::with_input`], for a task that can fail.
    pub fn try_with_input<T, E, E2, P, F>(
        name: impl Into<String>,
        kind: WorkKind,
        prepare: P,
        task: F,
    ) -> Self
    where
        T: Hash,
        E: Display,
        E2: Display,
        P: Fn(&WorkloadSpec) -> Result<I, E> + Send + Sync + 'static,
        F: Fn(&I, usize) -> Result<T, E2> + Send + Sync + 'static,
    {
        Self {
            name: name.into(),
            kind,
            tasks: DEFAULT_TASKS,
            summary: None,
            needs_server: false,
            params: Map::new(),
            prepare: Arc::new(move |spec| prepare(spec).map_err(|e| e.to_string())),
            blocking: Arc::new(move |input, i| outcome(i, task(input, i))),
            asynchronous: None,
        }
    }

    /// The async form the async model (`tokio`) runs: `task(input, i)` returns a future whose
    /// output must equal the blocking form's. Without one, `tokio` runs the blocking form on
    /// its runtime threads, and the report says so beside its cells.
    ///
    /// ```
    /// use std::time::Duration;
    /// use poolbench::{Tasks, WorkKind};
    ///
    /// let wait = Tasks::new("wait-5ms", WorkKind::Io, |i| {
    ///     std::thread::sleep(Duration::from_millis(5));
    ///     i
    /// })
    /// .with_async(|_, i| async move {
    ///     tokio::time::sleep(Duration::from_millis(5)).await;
    ///     i
    /// });
    /// let workload = poolbench::Definition::from(wait).workload(2).unwrap();
    /// assert!(workload.has_async_form());
    /// let runtime = tokio::runtime::Runtime::new().unwrap();
    /// let asynchronous = runtime.block_on(workload.run_async(1).unwrap());
    /// assert_eq!(asynchronous, workload.run_blocking(1), "both forms agree");
    /// ```
    pub fn with_async<T, Fut, F>(self, task: F) -> Self
    where
        T: Hash,
        Fut: Future<Output = T> + Send + 'static,
        F: Fn(Arc<I>, usize) -> Fut + Send + Sync + 'static,
    {
        self.try_with_async(move |input, i| {
            let future = task(input, i);
            async move { Ok::<_, Infallible>(future.await) }
        })
    }

    /// Like [`Tasks::with_async`], for a task that can fail.
    pub fn try_with_async<T, E, Fut, F>(mut self, task: F) -> Self
    where
        T: Hash,
        E: Display,
        Fut: Future<Output = Result<T, E>> + Send + 'static,
        F: Fn(Arc<I>, usize) -> Fut + Send + Sync + 'static,
    {
        self.asynchronous = Some(Arc::new(move |input, i| {
            let future = task(input, i);
            Box::pin(async move { outcome(i, future.await) })
        }));
        self
    }

    /// How many tasks a batch has unless `--tasks` says otherwise (default 32).
    pub fn tasks(mut self, tasks: usize) -> Self {
        self.tasks = tasks;
        self
    }

    /// One line for `--list` and the report.
    pub fn summary(mut self, summary: impl Into<String>) -> Self {
        self.summary = Some(summary.into());
        self
    }

    /// A parameter `prepare` reads from `spec.params`, with its default: `--set NAME.KEY=VALUE`
    /// changes it, a key no `param` declared is refused, and results record every value.
    pub fn param(mut self, key: &str, default: impl Into<Value>) -> Self {
        self.params.insert(key.to_owned(), default.into());
        self
    }

    /// The tasks talk to an HTTP server: a run gives the workload a `url` parameter — the
    /// `--url` it was given, or poolbench's own mock server, which it starts (a separate
    /// process; `GET {url}/item/{i}?latency=MS&size=BYTES` answers after MS milliseconds with
    /// BYTES bytes). `prepare` reads it from `spec.params["url"]`.
    pub fn needs_server(mut self) -> Self {
        self.needs_server = true;
        self.params
            .entry("url")
            .or_insert_with(|| Value::String(String::new()));
        self
    }
}

/// The parameters of `spec` with `defaults` filled in: a key with no default, or a value of
/// another JSON type than its default's, is refused in one line.
pub(crate) fn merged(
    spec: &WorkloadSpec,
    defaults: &Map<String, Value>,
) -> Result<WorkloadSpec, WorkloadError> {
    let mut params = defaults.clone();
    for (key, value) in &spec.params {
        let bad = |message: String| WorkloadError::BadParams {
            workload: spec.name.clone(),
            message,
        };
        let Some(default) = defaults.get(key) else {
            let accepted: Vec<&str> = defaults.keys().map(String::as_str).collect();
            return Err(bad(if accepted.is_empty() {
                format!("unknown parameter '{key}': it takes none")
            } else {
                format!(
                    "unknown parameter '{key}' (accepted: {})",
                    accepted.join(", ")
                )
            }));
        };
        let kind = |v: &Value| std::mem::discriminant(v);
        if kind(default) != kind(value) && !default.is_null() {
            return Err(bad(format!(
                "parameter '{key}' = {value} is not of the type of its default, {default}"
            )));
        }
        params.insert(key.clone(), value.clone());
    }
    Ok(WorkloadSpec {
        name: spec.name.clone(),
        tasks: spec.tasks,
        params,
    })
}

impl<I: Send + Sync + 'static> From<Tasks<I>> for Definition {
    fn from(tasks: Tasks<I>) -> Self {
        let Tasks {
            name,
            kind,
            tasks: default_tasks,
            summary,
            needs_server,
            params,
            prepare,
            blocking,
            asynchronous,
        } = tasks;
        let defaults = params.clone();
        let summary = summary.unwrap_or_else(|| format!("{name} ({kind}-bound, your own)"));
        let mut definition = Definition::new(
            name,
            kind,
            default_tasks,
            move |spec: &WorkloadSpec| -> Result<Arc<dyn Workload>, WorkloadError> {
                let spec = merged(spec, &defaults)?;
                let input = prepare(&spec).map_err(|message| WorkloadError::Prepare {
                    workload: spec.name.clone(),
                    message,
                })?;
                Ok(Arc::new(Built {
                    spec,
                    kind,
                    input: Arc::new(input),
                    blocking: Arc::clone(&blocking),
                    asynchronous: asynchronous.clone(),
                }))
            },
        )
        .summary(summary)
        .with_defaults(params);
        if needs_server {
            definition = definition.needs_server();
        }
        definition
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(params: Value) -> WorkloadSpec {
        let Value::Object(params) = params else {
            unreachable!()
        };
        WorkloadSpec {
            name: "w".into(),
            tasks: 3,
            params,
        }
    }

    #[test]
    fn parameters_take_their_defaults_and_refuse_strangers() {
        let defaults = spec(json!({"size": 4, "mode": "fast"})).params;
        let given = merged(&spec(json!({"size": 8})), &defaults).unwrap();
        assert_eq!(
            given.params,
            spec(json!({"size": 8, "mode": "fast"})).params
        );
        let err = merged(&spec(json!({"sise": 8})), &defaults).unwrap_err();
        assert!(err.to_string().contains("accepted: mode, size"), "{err}");
        let err = merged(&spec(json!({"size": "big"})), &defaults).unwrap_err();
        assert!(err.to_string().contains("type of its default"), "{err}");
        let err = merged(&spec(json!({"x": 1})), &Map::new()).unwrap_err();
        assert!(err.to_string().contains("takes none"), "{err}");
    }

    #[test]
    fn a_task_hashes_its_value_and_reports_its_error() {
        assert_eq!(
            outcome(2, Ok::<_, String>(7u32)),
            Ok(TaskOutput {
                checksum: checksum_of(2, &7u32)
            })
        );
        assert_eq!(
            outcome(2, Err::<u32, _>("disk on fire")),
            Err(TaskError::failed("disk on fire"))
        );
    }
}
