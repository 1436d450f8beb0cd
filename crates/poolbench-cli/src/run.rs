//! `poolbench run`: build the plan from the preset and flags, run it, print and save results.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use poolbench_core::WorkloadSpec;
use poolbench_runner::{
    prepare, run_plan, Environment, Plan, Preset, ResultsFile, RunError, Table,
};
use poolbench_workloads::BuildContext;

use crate::args::{RunArgs, Setting};
use crate::mock::{check_url, MockServer};
use crate::UsageError;

pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let preset = poolbench_runner::find_preset(&args.preset)
        .ok_or_else(|| UsageError(format!("unknown preset '{}'", args.preset)))?;
    let mut plan = plan_from(preset, &args)?;
    plan.validate()?;
    // Kept alive until the run ends; dropping it stops the server.
    let _mock_server = point_http_at_a_server(&mut plan, args.url.as_deref())?;
    let results_path = prepare_out_dir(&args.out)?;
    if let Some(dir) = &args.cache_dir {
        // Through the environment, so worker processes build from the same cache. This
        // process is still single-threaded here, which makes changing it safe.
        std::env::set_var(poolbench_workloads::CACHE_DIR_VAR, dir);
    }
    let ctx = BuildContext::default();
    if !args.quiet {
        eprintln!("preparing inputs in {} ...", ctx.cache_dir.display());
    }
    let workloads = prepare(&plan, &ctx)?;

    let environment = Environment::capture(std::env::args().collect());
    let mut results = ResultsFile::new(environment, Some(preset.name.to_owned()));
    let table = Table;
    if !args.quiet {
        println!("{}", results.environment.headline());
        println!(
            "preset {}: {} cells, {} timed repetitions each after {} warm-up\n",
            preset.name,
            plan.cell_count(),
            plan.repeat,
            plan.warmup
        );
        println!("{}", table.header());
    }
    stop_on_ctrl_c()?;
    let started = Instant::now();
    let outcome = run_plan(&plan, &workloads, |cell| {
        if !args.quiet {
            println!("{}", table.row(cell));
        }
        results.results.push(cell.clone());
        results
            .save(&results_path)
            .with_context(|| format!("cannot save {}", results_path.display()))?;
        Ok(())
    });
    let out_dir = results_path.parent().unwrap_or(Path::new("."));
    let cells = match outcome {
        Err(RunError::Interrupted { finished }) => {
            eprintln!(
                "\npoolbench: interrupted; {finished} finished cells are saved in {}",
                results_path.display()
            );
            if finished > 0 {
                crate::report::write_report(&results, out_dir)?;
            }
            return Ok(ExitCode::from(130));
        }
        other => other.context("run stopped")?,
    };

    let beat_ideal = cells
        .iter()
        .filter(|c| c.efficiency.is_some_and(|e| e > 1.05))
        .count();
    if beat_ideal > 0 {
        println!(
            "\nnote: {beat_ideal} cells ran faster than their ideal time (efficiency > 105%): the \
             sequential reference was slow for its work. Usual causes: CPU frequency ramping up \
             during the run, or cores of unequal speed (on this kind of shared VM, vCPUs can \
             differ; compare with `taskset -c 0` vs `-c 1`)."
        );
    }
    crate::report::write_report(&results, out_dir)?;
    let unverified: Vec<_> = cells.iter().filter(|c| !c.verified).collect();
    println!(
        "\n{} cells in {:.1} s; {} verified against the sequential oracle; results in {}",
        cells.len(),
        started.elapsed().as_secs_f64(),
        cells.len() - unverified.len(),
        results_path.display()
    );
    if unverified.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    for cell in &unverified {
        let why = cell
            .model_error
            .clone()
            .unwrap_or_else(|| cell.errors.join("; "));
        eprintln!(
            "not verified: {} on {} W={}: {why}",
            cell.workload, cell.model, cell.workers
        );
    }
    Ok(ExitCode::FAILURE)
}

/// The preset, with the command line's overrides applied.
fn plan_from(preset: &Preset, args: &RunArgs) -> anyhow::Result<Plan> {
    let preset_specs = (preset.workloads)();
    let mut workloads: Vec<WorkloadSpec> = if args.workloads.is_empty() {
        preset_specs
    } else {
        args.workloads
            .iter()
            .map(|name| {
                preset_specs
                    .iter()
                    .find(|s| &s.name == name)
                    .cloned()
                    .unwrap_or_else(|| {
                        // Validated by the argument parser: the workload exists.
                        poolbench_workloads::find_workload(name)
                            .map(|info| info.default_spec())
                            .unwrap_or_else(|_| WorkloadSpec::new(name.clone(), 1))
                    })
            })
            .collect()
    };
    for spec in &mut workloads {
        if let Some(tasks) = args.tasks {
            spec.tasks = tasks;
        }
    }
    apply_settings(&mut workloads, &args.settings)?;
    Ok(Plan {
        workloads,
        models: if args.models.is_empty() {
            poolbench_models::MODELS.to_vec()
        } else {
            args.models.clone()
        },
        workers: if args.workers.is_empty() {
            preset.workers.to_vec()
        } else {
            args.workers.clone()
        },
        repeat: args.repeat.unwrap_or(preset.repeat),
        warmup: args.warmup.unwrap_or(preset.warmup),
    })
}

fn apply_settings(workloads: &mut [WorkloadSpec], settings: &[Setting]) -> anyhow::Result<()> {
    for setting in settings {
        let spec = workloads
            .iter_mut()
            .find(|s| s.name == setting.workload)
            .ok_or_else(|| {
                UsageError(format!(
                    "--set {}.{}: workload '{}' is not selected (add it to --workloads)",
                    setting.workload, setting.key, setting.workload
                ))
            })?;
        spec.params
            .insert(setting.key.clone(), setting.value.clone());
    }
    Ok(())
}

/// Creates the output folder and proves it is writable before anything runs, so that a bad
/// `--out` fails at once and an earlier results.json is left untouched.
fn prepare_out_dir(out: &Path) -> anyhow::Result<PathBuf> {
    let unwritable =
        |e: std::io::Error| UsageError(format!("cannot write to --out {}: {e}", out.display()));
    std::fs::create_dir_all(out).map_err(unwritable)?;
    tempfile::NamedTempFile::new_in(out).map_err(unwritable)?;
    Ok(out.join("results.json"))
}

/// First Ctrl-C (or SIGTERM): finish the current batch, stop, keep finished cells, reap
/// worker processes. Second: exit at once with status 130. No thread is started for this, so
/// the `process-fork` model still sees a single-threaded process.
fn stop_on_ctrl_c() -> anyhow::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let flag = poolbench_core::stop_flag();
    for signal in [SIGINT, SIGTERM] {
        signal_hook::flag::register_conditional_shutdown(signal, 130, flag.clone())
            .context("cannot install the Ctrl-C handler")?;
        signal_hook::flag::register(signal, flag.clone())
            .context("cannot install the Ctrl-C handler")?;
    }
    Ok(())
}

/// Gives every `http` workload a server: the user's `--url` (checked first), or a mock server
/// started for this run, unless `--set http.url=…` already chose one.
fn point_http_at_a_server(
    plan: &mut Plan,
    url: Option<&str>,
) -> anyhow::Result<Option<MockServer>> {
    let mut http: Vec<&mut WorkloadSpec> = plan
        .workloads
        .iter_mut()
        .filter(|s| s.name == "http")
        .collect();
    if http.is_empty() {
        if url.is_some() {
            return Err(UsageError(
                "--url is for the http workload: add http to --workloads".into(),
            )
            .into());
        }
        return Ok(None);
    }
    let (url, server) = match url {
        Some(url) => {
            check_url(url)?;
            (url.to_owned(), None)
        }
        None if http.iter().all(|s| s.params.contains_key("url")) => return Ok(None),
        None => {
            let server = MockServer::start()?;
            eprintln!("started the mock HTTP server at {}", server.url);
            (server.url.clone(), Some(server))
        }
    };
    for spec in &mut http {
        spec.params
            .entry("url")
            .or_insert_with(|| url.clone().into());
    }
    Ok(server)
}
