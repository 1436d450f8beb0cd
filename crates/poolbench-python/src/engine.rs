//! Cluster engines: Dask and Ray, the step a reader of the seed articles takes when one
//! machine's `multiprocessing.Pool` is not enough.
//!
//! Each engine is a Python model like the others (`py-dask`, `py-ray-pool`): the helper starts
//! it outside the timed batches, and its tasks return the checksums every model's do. What
//! sets an engine apart is data, here: the package it needs (optional: `scripts/python-setup.sh
//! --cluster` installs it; without it the model is skipped with one line), and the setting
//! that points it at a real cluster instead of a local one (`--dask-scheduler`,
//! `--ray-address`). On a real cluster W is not poolbench's to choose: it is the cluster's
//! worker threads, asked of the cluster before the run ([`cluster_threads`]).

use std::sync::Mutex;
use std::time::Duration;

use crate::PythonEnv;

/// A cluster engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Engine {
    /// Dask's distributed scheduler (`distributed.Client`).
    Dask,
    /// Ray (`ray.util.multiprocessing.Pool`).
    Ray,
}

impl Engine {
    /// Every engine.
    pub const ALL: [Engine; 2] = [Engine::Dask, Engine::Ray];

    /// Its name in messages and in the helper (`size ENGINE`).
    pub fn name(self) -> &'static str {
        match self {
            Engine::Dask => "dask",
            Engine::Ray => "ray",
        }
    }

    /// The package `pip` installs for it.
    pub fn package(self) -> &'static str {
        match self {
            Engine::Dask => "dask[distributed]",
            Engine::Ray => "ray",
        }
    }

    /// Its version in `env`, or `None` when it is not installed there.
    pub fn version(self, env: &PythonEnv) -> Option<&str> {
        match self {
            Engine::Dask => env.dask.as_deref(),
            Engine::Ray => env.ray.as_deref(),
        }
    }

    /// The command-line option that points it at a real cluster.
    pub fn flag(self) -> &'static str {
        match self {
            Engine::Dask => "--dask-scheduler",
            Engine::Ray => "--ray-address",
        }
    }

    /// The environment variable the helper reads that address from.
    pub fn address_var(self) -> &'static str {
        match self {
            Engine::Dask => "POOLBENCH_DASK_SCHEDULER",
            Engine::Ray => "POOLBENCH_RAY_ADDRESS",
        }
    }
}

/// The real clusters this process runs engines on, set before the run ([`use_cluster`]).
static CLUSTERS: Mutex<Vec<(Engine, String)>> = Mutex::new(Vec::new());

/// Runs `engine`'s model on the cluster at `address` from now on, instead of a local one.
pub fn use_cluster(engine: Engine, address: &str) {
    let mut clusters = CLUSTERS.lock().unwrap_or_else(|e| e.into_inner());
    clusters.retain(|(e, _)| *e != engine);
    clusters.push((engine, address.to_owned()));
}

/// The environment every helper is started with: each real cluster's address.
pub(crate) fn cluster_env() -> Vec<(&'static str, String)> {
    let clusters = CLUSTERS.lock().unwrap_or_else(|e| e.into_inner());
    clusters
        .iter()
        .map(|(engine, address)| (engine.address_var(), address.clone()))
        .collect()
}

/// How long asking a cluster its size may take (connecting, and Ray's start-up).
pub const SIZE_LIMIT: Duration = Duration::from_secs(90);

/// The worker threads of the `engine` cluster at `address` (every worker's threads, summed),
/// asked of the cluster by the helper; one line saying why when it cannot be reached.
pub fn cluster_threads(env: &PythonEnv, engine: Engine, address: &str) -> Result<usize, String> {
    let output = crate::env::run_helper(
        std::path::Path::new(&env.executable),
        &["size", engine.name()],
        &[(engine.address_var(), address.to_owned())],
        SIZE_LIMIT,
    )?;
    #[derive(serde::Deserialize)]
    struct Size {
        threads: usize,
    }
    let size: Size = serde_json::from_slice(&output).map_err(|e| {
        format!(
            "the {} cluster at {address} answered oddly: {e}",
            engine.name()
        )
    })?;
    if size.threads == 0 {
        return Err(format!(
            "the {} cluster at {address} has no workers",
            engine.name()
        ));
    }
    Ok(size.threads)
}
