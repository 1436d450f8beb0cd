//! The plan of a `poolbench run`: a preset, a suite file, `--py-task` or a bench binary's own
//! workloads, with the command line's overrides applied.

use poolbench_core::WorkloadSpec;
use poolbench_runner::{CellOrder, Plan, PlanEntry, Suite};

use crate::args::{OrderArg, RunArgs, Setting};
use crate::UsageError;

/// The preset or suite file, with the command line's overrides applied, and its name for
/// the results file.
pub(crate) fn plan_from(
    args: &RunArgs,
    own: Option<(String, Suite)>,
) -> anyhow::Result<(Plan, String)> {
    let (source, suite) = match (&args.suite, &args.preset, &args.py_task, own) {
        (Some(path), ..) => {
            let suite = Suite::load(path).map_err(|e| UsageError(e.to_string()))?;
            (format!("suite {}", path.display()), suite)
        }
        (None, None, Some(task), _) => crate::own::py_task_suite(task, args.py_path.as_deref())?,
        (None, None, None, Some(own)) => own,
        (None, preset, ..) => {
            let name = preset.as_deref().unwrap_or("quick");
            let preset = poolbench_runner::find_preset(name)
                .ok_or_else(|| UsageError(format!("unknown preset '{name}'")))?;
            (format!("preset {}", preset.name), Suite::from(preset))
        }
    };
    let Suite {
        mut entries,
        workers: default_workers,
        models,
        repeat,
        warmup,
        shuffled,
        mut sampling,
        task_timeout,
    } = suite;
    if !args.workloads.is_empty() {
        entries = args
            .workloads
            .iter()
            .flat_map(|name| {
                let listed: Vec<PlanEntry> = entries
                    .iter()
                    .filter(|e| &e.spec.name == name)
                    .cloned()
                    .collect();
                if listed.is_empty() {
                    // Validated by the argument parser: the workload exists.
                    let spec = poolbench_workloads::find_workload(name)
                        .map(|info| info.default_spec())
                        .unwrap_or_else(|_| WorkloadSpec::new(name.clone(), 1));
                    vec![PlanEntry::new(spec, &default_workers)]
                } else {
                    listed
                }
            })
            .collect();
    }
    for entry in &mut entries {
        if let Some(tasks) = args.tasks {
            entry.spec.tasks = tasks;
        }
        if !args.workers.is_empty() {
            entry.workers.clone_from(&args.workers);
        }
    }
    apply_settings(&mut entries, &args.settings)?;
    let shuffled = match args.order {
        Some(order) => order == OrderArg::Shuffled,
        None => shuffled,
    };
    let order = if shuffled {
        CellOrder::Shuffled {
            seed: args.seed.unwrap_or_else(clock_seed),
        }
    } else {
        CellOrder::Fixed
    };
    let plan = Plan {
        entries,
        models: if !args.models.is_empty() {
            args.models.clone()
        } else if args.py_task.is_some() {
            // Python's local pools; a cluster engine runs a --py-task when named.
            poolbench_models::python_models()
                .into_iter()
                .filter(|m| crate::describe::engine_of(*m).is_none())
                .collect()
        } else {
            models.unwrap_or_else(poolbench_models::models)
        },
        repeat: args.repeat.unwrap_or(repeat),
        warmup: args.warmup.unwrap_or(warmup),
        order,
        sampling: {
            if let Some(n) = args.max_repeat {
                sampling.max_samples = n;
            }
            if let Some(ms) = args.min_sample_ms {
                sampling.min_sample_s = ms / 1e3;
            }
            if let Some(percent) = args.target_precision {
                sampling.target_half_width = percent / 100.0;
            }
            if let Some(seconds) = args.measure_time {
                sampling.measure_s = seconds;
            }
            sampling
        },
        task_timeout: args
            .task_timeout
            .map(std::time::Duration::from_secs_f64)
            .or(task_timeout),
        trace: !args.no_trace,
    };
    Ok((plan, source))
}

/// A seed for the cell order when the user gave none: different on every run, and recorded.
fn clock_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64 % 1_000_000_007)
}

/// Applies every `--set` to every entry of its workload.
fn apply_settings(entries: &mut [PlanEntry], settings: &[Setting]) -> anyhow::Result<()> {
    for setting in settings {
        let mut targets = entries
            .iter_mut()
            .filter(|e| e.spec.name == setting.workload)
            .peekable();
        if targets.peek().is_none() {
            return Err(UsageError(format!(
                "--set {}.{}: workload '{}' is not selected (add it to --workloads)",
                setting.workload, setting.key, setting.workload
            ))
            .into());
        }
        for entry in targets {
            entry
                .spec
                .params
                .insert(setting.key.clone(), setting.value.clone());
        }
    }
    Ok(())
}
