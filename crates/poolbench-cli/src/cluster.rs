//! `--dask-scheduler` and `--ray-address`: the cluster engines on a real cluster.
//!
//! On a local cluster poolbench chooses W like for any pool. On a real one W is what the
//! cluster has, so the run asks the cluster its worker threads before anything is measured,
//! runs every cell at that W (a sweep over W is refused with one line), and records the
//! address in results.json.

use poolbench_models::Engine;
use poolbench_results::PythonSide;
use poolbench_runner::Plan;

use crate::args::RunArgs;
use crate::UsageError;

/// Each real cluster the command line names, with its engine.
fn named(args: &RunArgs) -> Vec<(Engine, &str)> {
    [
        (Engine::Dask, args.dask_scheduler.as_deref()),
        (Engine::Ray, args.ray_address.as_deref()),
    ]
    .into_iter()
    .filter_map(|(engine, address)| Some((engine, address?)))
    .collect()
}

/// The model that drives `engine`.
fn model_of(engine: Engine) -> &'static dyn poolbench_core::Model {
    poolbench_models::PYTHON_MODELS
        .iter()
        .find(|m| m.engine() == Some(engine))
        .copied()
        .expect("every engine has a model")
}

/// Adds the model of each engine given a real cluster, if the plan left it out.
pub(crate) fn add_named(args: &RunArgs, plan: &mut Plan) {
    for (engine, _) in named(args) {
        let model = model_of(engine);
        if !plan.models.iter().any(|m| m.name() == model.name()) {
            plan.models.push(model);
        }
    }
}

/// Connects each engine given a real cluster to it: asks the cluster its worker threads (T),
/// sets every cell's W to T, and records the address. Anything in the way is a usage error,
/// before anything runs.
pub(crate) fn connect(
    args: &RunArgs,
    plan: &mut Plan,
    python: Option<&mut PythonSide>,
) -> anyhow::Result<()> {
    let named = named(args);
    if named.is_empty() {
        return Ok(());
    }
    let mut threads: Option<(usize, String)> = None;
    for (engine, address) in &named {
        let flag = engine.flag();
        let model = model_of(*engine);
        let env = poolbench_models::python_env()
            .map_err(|why| UsageError(format!("{flag} needs Python: {why}")))?;
        if !plan.models.iter().any(|m| m.name() == model.name()) {
            return Err(UsageError(format!(
                "{flag} needs {}, which {} lacks (scripts/python-setup.sh --cluster adds it)",
                engine.package(),
                env.executable
            ))
            .into());
        }
        let t = poolbench_models::cluster_threads(env, *engine, address)
            .map_err(|why| UsageError(format!("{flag} {address}: {why}")))?;
        match &threads {
            Some((other, said)) if *other != t => {
                return Err(UsageError(format!(
                    "{said} has {other} worker threads and {flag} {address} has {t}: on real \
                     clusters W is the cluster's, so both must have as many"
                ))
                .into())
            }
            _ => threads = Some((t, format!("{flag} {address}"))),
        }
        poolbench_models::use_cluster(*engine, address);
    }
    let (t, said) = threads.expect("at least one cluster");
    if !args.workers.is_empty() && args.workers != [t] {
        return Err(UsageError(format!(
            "{said} has {t} worker threads: on a real cluster W is the cluster's, so every cell \
             runs at W = {t} (--workers {t}, or leave --workers out); sweeps over W are refused"
        ))
        .into());
    }
    for entry in &mut plan.entries {
        entry.workers = vec![t];
    }
    if let Some(python) = python {
        python.clusters = named
            .iter()
            .map(|(engine, address)| format!("{} at {address} ({t} worker threads)", engine.name()))
            .collect();
    }
    if !args.quiet {
        eprintln!("{said}: {t} worker threads, so every cell runs at W = {t}");
    }
    Ok(())
}
