//! The workloads: what every model is asked to run.
//!
//! Each module holds one workload and a [`WorkloadInfo`] entry describing it. A workload is
//! built from a [`WorkloadSpec`] (name, task count, JSON parameters), so a worker in another
//! process can rebuild exactly the same one from the spec alone. Building prepares inputs
//! (images on disk, a large array in memory) once, outside any timed region.
//!
//! `poolbench list` prints each with its summary and parameters; each module's docs say what
//! a task does and why.
//!
//! Adding a workload is one module plus one line in [`WORKLOADS`] (`docs/extending.md`). A user's own workloads
//! join the same registry at run time ([`register`], called by the `poolbench` facade's
//! harness), so plans, `--workloads` and worker processes find them by name alike.

mod fault;
mod http;
mod manifest;
mod noop;
mod photos;
mod py_task;
mod sleep;
pub mod slowdown;
mod sum;
mod sum_mem;
mod thumbnail;

use std::path::PathBuf;
use std::sync::{Arc, PoisonError, RwLock};

pub use poolbench_core::WorkloadOrigin;
use poolbench_core::{Language, WorkKind, Workload, WorkloadError, WorkloadRole, WorkloadSpec};
use serde::Serialize;
use serde_json::{Map, Value};

pub use photos::synthetic_photo;

/// Where workloads may keep prepared inputs between runs and write their outputs.
#[derive(Debug, Clone)]
pub struct BuildContext {
    /// Root of the input cache (generated images are kept here, keyed by their parameters).
    pub cache_dir: PathBuf,
}

/// Environment variable naming the input cache folder (inherited by worker processes).
pub const CACHE_DIR_VAR: &str = "POOLBENCH_CACHE_DIR";

impl Default for BuildContext {
    /// `$POOLBENCH_CACHE_DIR`, else `poolbench-cache` in the system's temporary folder.
    fn default() -> Self {
        let cache_dir = std::env::var_os(CACHE_DIR_VAR)
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| std::env::temp_dir().join("poolbench-cache"));
        Self { cache_dir }
    }
}

/// How a registry entry builds its workload from a spec. A reference to a function or to a
/// closure leaked once: built-in entries are constants, entries a user registers
/// ([`register`]) hold their own code.
pub type Builder = &'static (dyn Fn(&WorkloadSpec, &BuildContext) -> Result<Arc<dyn Workload>, WorkloadError>
              + Send
              + Sync);

/// How a registry entry checks a spec without building it.
pub type Checker =
    &'static (dyn Fn(&WorkloadSpec) -> Result<Footprint, WorkloadError> + Send + Sync);

/// A registry entry's parameters with their default values.
pub type Defaults = &'static (dyn Fn() -> Map<String, Value> + Send + Sync);

/// What a workload will hold in memory, known from its spec alone, so that a plan too big for
/// the machine is refused before anything is built.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Footprint {
    /// Inputs the built workload keeps in memory, in every process that builds it, bytes.
    pub inputs_bytes: u64,
    /// Memory one running task uses (decoded images, buffers), bytes.
    pub task_bytes: u64,
}

/// A workload's entry in the registry: what `poolbench list` shows and how to build it.
#[derive(Clone, Copy)]
pub struct WorkloadInfo {
    pub name: &'static str,
    pub kind: WorkKind,
    /// What the workload is for: measured work, an overhead probe or a testing aid.
    pub role: WorkloadRole,
    /// Whether its tasks talk to an HTTP server (`poolbench run` starts its mock server for
    /// them, or points them at `--url`).
    pub needs_server: bool,
    /// The one language whose models can run it, for a workload that is code in that language
    /// (a Python function: `--py-task`); `None`: Rust's models run it, and Python's too where
    /// the helper implements it. The run's oracle is that language's one-at-a-time model.
    pub only_in: Option<Language>,
    /// Where it comes from: poolbench itself, or the user's own crate.
    pub origin: WorkloadOrigin,
    pub summary: &'static str,
    pub default_tasks: usize,
    pub default_params: Defaults,
    pub check: Checker,
    pub build: Builder,
}

impl std::fmt::Debug for WorkloadInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkloadInfo")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("role", &self.role)
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

impl WorkloadInfo {
    /// The parameters with their default values.
    pub fn default_params(&self) -> Map<String, Value> {
        (self.default_params)()
    }

    /// A spec for this workload with default parameters and task count.
    pub fn default_spec(&self) -> WorkloadSpec {
        WorkloadSpec::new(self.name, self.default_tasks)
    }
}

/// poolbench's own workloads, in the order reports list them.
pub static WORKLOADS: &[WorkloadInfo] = &[
    sleep::INFO,
    sum::INFO,
    sum_mem::INFO,
    thumbnail::INFO,
    http::INFO,
    noop::INFO,
    fault::INFO,
    py_task::INFO,
];

/// The workloads a user's crate registered, in registration order.
static REGISTERED: RwLock<Vec<&'static WorkloadInfo>> = RwLock::new(Vec::new());

/// Adds a workload to the registry of this process, so that plans, `--workloads` and worker
/// processes find it by name like a built-in one. Its name must be new. Called by the
/// `poolbench` facade's harness for the user's workloads, in the bench binary and in every
/// worker process that binary becomes (each registers the same list first).
pub fn register(info: WorkloadInfo) -> Result<&'static WorkloadInfo, WorkloadError> {
    let mut registered = REGISTERED.write().unwrap_or_else(PoisonError::into_inner);
    let taken = WORKLOADS
        .iter()
        .chain(registered.iter().copied())
        .any(|w| w.name == info.name);
    if taken {
        return Err(WorkloadError::Duplicate {
            name: info.name.to_owned(),
        });
    }
    let info: &'static WorkloadInfo = Box::leak(Box::new(info));
    registered.push(info);
    Ok(info)
}

/// Every workload: poolbench's own, then those registered by the user's crate.
pub fn all_workloads() -> Vec<&'static WorkloadInfo> {
    let registered = REGISTERED.read().unwrap_or_else(PoisonError::into_inner);
    WORKLOADS.iter().chain(registered.iter().copied()).collect()
}

/// The workloads registered by the user's crate ([`register`]).
pub fn user_workloads() -> Vec<&'static WorkloadInfo> {
    REGISTERED
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
}

/// Names of all workloads, comma-separated, for error messages and `--help`.
pub fn workload_names() -> String {
    all_workloads()
        .iter()
        .map(|w| w.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The registry entry called `name`.
pub fn find_workload(name: &str) -> Result<&'static WorkloadInfo, WorkloadError> {
    all_workloads()
        .into_iter()
        .find(|w| w.name == name)
        .ok_or_else(|| WorkloadError::Unknown {
            name: name.to_owned(),
            accepted: workload_names(),
        })
}

/// Checks `spec` as [`build`] would — name, parameters, sizes — without building anything,
/// and says what the workload will hold in memory.
pub fn check(spec: &WorkloadSpec) -> Result<Footprint, WorkloadError> {
    (find_workload(&spec.name)?.check)(spec)
}

/// Builds (and prepares the inputs of) the workload `spec` names.
pub fn build(spec: &WorkloadSpec, ctx: &BuildContext) -> Result<Arc<dyn Workload>, WorkloadError> {
    (find_workload(&spec.name)?.build)(spec, ctx)
}

/// `check` for a workload whose parameters need no more checking than their types and which
/// keeps nothing in memory.
fn params_only<P: serde::de::DeserializeOwned>(
    spec: &WorkloadSpec,
) -> Result<Footprint, WorkloadError> {
    spec.parse_params::<P>()?;
    Ok(Footprint::default())
}

/// `default_params` for a parameter struct: its `Default` value as a JSON object.
fn defaults_of<P: Default + Serialize>() -> Map<String, Value> {
    match serde_json::to_value(P::default()) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parameters a workload has no usable default for, which a run fills in: where the
    /// server is (`poolbench run` starts one), which Python function (`--py-task`).
    fn given(info: &WorkloadInfo) -> &'static [&'static str] {
        if info.needs_server {
            &["url"]
        } else if info.only_in == Some(Language::Python) {
            &["module", "function"]
        } else {
            &[]
        }
    }

    /// `info`'s default spec with `tasks` tasks and the [`given`] parameters filled in.
    fn runnable(info: &WorkloadInfo, tasks: usize) -> WorkloadSpec {
        given(info)
            .iter()
            .fold(WorkloadSpec::new(info.name, tasks), |spec, &key| {
                spec.with(
                    key,
                    if key == "url" {
                        "http://127.0.0.1:9"
                    } else {
                        "m"
                    },
                )
            })
    }

    #[test]
    fn registered_workloads_are_found_built_and_never_shadow_another() {
        let built: Builder = Box::leak(Box::new(|spec: &WorkloadSpec, ctx: &BuildContext| {
            build(&WorkloadSpec::new("noop", spec.tasks), ctx)
        }));
        let info = |name: &'static str| WorkloadInfo {
            name,
            kind: WorkKind::Cpu,
            role: WorkloadRole::Measured,
            needs_server: false,
            only_in: None,
            origin: WorkloadOrigin::User,
            summary: "a test's own",
            default_tasks: 3,
            default_params: &Map::new,
            check: &|_| Ok(Footprint::default()),
            build: built,
        };
        let mine = register(info("registry-test-own")).unwrap();
        assert_eq!(mine.origin, WorkloadOrigin::User);
        assert_eq!(find_workload("registry-test-own").unwrap().name, mine.name);
        assert!(workload_names().contains("registry-test-own"));
        assert!(user_workloads().iter().any(|w| w.name == mine.name));
        let ctx = BuildContext::default();
        let workload = build(&WorkloadSpec::new("registry-test-own", 5), &ctx).unwrap();
        assert_eq!(workload.tasks(), 5);
        for taken in ["registry-test-own", "sum"] {
            let err = register(info(taken)).unwrap_err();
            assert!(matches!(err, WorkloadError::Duplicate { .. }), "{err}");
        }
    }

    #[test]
    fn every_workload_builds_from_its_default_params() {
        let ctx = BuildContext {
            cache_dir: tempfile::tempdir().unwrap().keep(),
        };
        for info in WORKLOADS {
            let workload = build(&runnable(info, 2), &ctx).unwrap();
            assert_eq!(workload.kind(), info.kind);
            let mut params = workload.spec().params.clone();
            for &key in given(info) {
                params.insert(key.into(), info.default_params()[key].clone());
            }
            assert_eq!(params, info.default_params(), "{}", info.name);
        }
        std::fs::remove_dir_all(&ctx.cache_dir).ok();
    }

    #[test]
    fn check_refuses_what_build_refuses_without_building() {
        let bad = [
            WorkloadSpec::new("sleep", 1).with("delay_ms", -1),
            WorkloadSpec::new("sum", 1).with("x", 3),
            WorkloadSpec::new("sum-mem", usize::MAX).with("elements_per_task", 2),
            WorkloadSpec::new("thumbnail", 1).with("width", 100_000),
            WorkloadSpec::new("thumbnail", 1).with("quality", 0),
            WorkloadSpec::new("http", 1).with("timeout_ms", 0),
            WorkloadSpec::new("http", 1).with("url", "ftp://x"),
            WorkloadSpec::new("fault", 1).with("sleep_ms", -2),
        ];
        for spec in bad {
            let err = check(&spec).expect_err(&format!("{spec:?}"));
            assert!(matches!(err, WorkloadError::BadParams { .. }), "{err}");
            assert!(!err.to_string().contains('\n'), "one line: {err}");
        }
        for info in WORKLOADS {
            let spec = runnable(info, info.default_tasks);
            assert!(check(&spec).is_ok(), "{}", info.name);
        }
        let py = WorkloadSpec::new("py-task", 4);
        assert!(check(&py).unwrap_err().to_string().contains("--py-task"));
        let big = check(&WorkloadSpec::new("sum-mem", 4)).unwrap();
        assert_eq!(big.inputs_bytes, 4 * (4 << 20) * 8);
        let photo = check(&WorkloadSpec::new("thumbnail", 4)).unwrap();
        assert!(photo.task_bytes >= 640 * 480 * 3, "{photo:?}");
    }

    #[test]
    fn unknown_names_and_params_are_clear_errors() {
        let ctx = BuildContext::default();
        let err = build(&WorkloadSpec::new("fib", 1), &ctx)
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("'fib'") && err.contains("thumbnail"), "{err}");
        let err = build(&WorkloadSpec::new("sleep", 1).with("delay", 1), &ctx);
        let err = err.err().unwrap().to_string();
        assert!(err.contains("sleep") && err.contains("delay"), "{err}");
    }
}
