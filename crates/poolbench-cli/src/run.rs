//! `poolbench run`: build the plan from a preset or suite file and the flags, run it, show and
//! save results, render the report.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::Context;
use poolbench_report::Input;
use poolbench_runner::limits::Machine;
use poolbench_runner::probe::{self, CpuTicks, NoiseReport};
use poolbench_runner::{
    prepare, run_plan, CellOrder, Environment, Plan, ResultsFile, RunError, Suite,
};
use poolbench_workloads::BuildContext;

use crate::args::RunArgs;
use crate::describe::{model_records, python_side, workload_records};
use crate::live::{Live, Output};
use crate::mock::point_http_at_a_server;
use crate::stop::{save_on_expiry, stop_on_ctrl_c, Finished};
use crate::UsageError;

/// `poolbench run`, or a bench binary's run when `own` is its workloads' suite (used when
/// neither `--suite` nor `--preset` is given), named by its source line.
pub fn run(args: RunArgs, own: Option<(String, Suite)>) -> anyhow::Result<ExitCode> {
    let (mut plan, source) = crate::plan::plan_from(&args, own)?;
    let python = if let Some(task) = &args.py_task {
        Some(crate::own::python_for_task(&mut plan, task)?)
    } else {
        python_side(&mut plan, args.with_python)
    };
    // Every usage error before any side effect: no server started, nothing written.
    poolbench_runner::limits::check_plan(&plan, &Machine::this())?;
    if let (Some(task), false) = (&args.py_task, args.quiet) {
        eprintln!(
            "--py-task {task}: Python's pools only (the Rust models cannot run Python code), \
             verified against py-sequential, Python's plain loop"
        );
    }
    if !args.quiet {
        crate::own::say_what_cannot_run(&plan);
        for warning in plan.too_few_tasks() {
            eprintln!("warning: {warning}");
        }
    }
    if let Some(dir) = &args.cache_dir {
        writable_dir(dir, "cannot use --cache-dir")?;
    }
    let output = if args.json {
        Output::Json
    } else if args.quiet {
        Output::Quiet
    } else {
        Output::Table
    };
    let chatty = output == Output::Table;
    let results_path = prepare_out_dir(&args.out)?;
    // Kept alive until the run ends; dropping it stops the server.
    let _mock_server = point_http_at_a_server(&mut plan, args.url.as_deref(), chatty)?;
    if let Some(dir) = &args.cache_dir {
        // Through the environment, so worker processes build from the same cache. This
        // process is still single-threaded here, which makes changing it safe.
        std::env::set_var(poolbench_workloads::CACHE_DIR_VAR, dir);
    }
    let ctx = BuildContext::default();
    if chatty {
        eprintln!("preparing inputs in {} ...", ctx.cache_dir.display());
    }
    let workloads = prepare(&plan, &ctx)?;

    let mut environment = Environment::capture(std::env::args().collect());
    environment.jpeg_decoder = Some(poolbench_jpeg::decoder_description());
    environment.jpeg_decoder_simd = Some(poolbench_jpeg::simd());
    environment.python = python;
    let mut results = ResultsFile::new(environment, Some(source.clone()));
    results.model_order = poolbench_models::all_models()
        .into_iter()
        .map(|m| m.name().to_owned())
        .collect();
    results.models = model_records(&plan);
    results.workloads = workload_records(&plan, &workloads);
    if let CellOrder::Shuffled { seed } = plan.order {
        results.order_seed = Some(seed);
    }
    results.sampling = Some(plan.sampling);
    // The machine first: how equal its cores are, then steal time over the whole run.
    results.noise = Some(probe::before_run());
    let steal_before = CpuTicks::now();
    if chatty {
        println!("{}", results.environment.headline());
        let order = match plan.order {
            CellOrder::Shuffled { seed } => format!("shuffled order (--seed {seed})"),
            CellOrder::Fixed => "fixed order".to_owned(),
        };
        let sampling = &plan.sampling;
        println!(
            "{source}: {} cells, {} warm-up batch then {} to {} samples each (a sample: whole \
             batches for >= {:.0} ms; more samples while the 95 % interval is wider than \
             ±{:.1} %, for up to {:.1} s a workload), taken in rounds, {order}\n",
            plan.cell_count(),
            plan.warmup,
            plan.repeat,
            sampling.max_samples.max(plan.repeat),
            sampling.min_sample_s * 1e3,
            sampling.target_half_width * 100.0,
            sampling.measure_s,
        );
    }
    stop_on_ctrl_c()?;
    let finished: Finished = Arc::new(Mutex::new(results.clone()));
    save_on_expiry(Arc::clone(&finished), results_path.clone());
    let started = Instant::now();
    let mut live = Live::new(output, results, &results_path, &plan, finished);
    let outcome = run_plan(&plan, &workloads, &mut live);
    live.finish();
    let mut results = live.results;
    if let Some(noise) = results.noise.as_mut() {
        probe::after_run(noise, steal_before, &results.results);
    }
    let groups = poolbench_report::group(&Input::label_all(vec![results.clone()], &[]));
    results.verdicts = poolbench_report::decide::decide(&groups);
    if !results.results.is_empty() {
        results
            .save(&results_path)
            .with_context(|| format!("cannot save {}", results_path.display()))?;
    }
    let mut warnings = results
        .noise
        .as_ref()
        .map(NoiseReport::warnings)
        .unwrap_or_default();
    warnings.extend(results.jpeg_caveat());
    let out_dir = results_path.parent().unwrap_or(Path::new("."));
    let cells = match outcome {
        Err(RunError::Interrupted { finished }) => {
            if finished == 0 {
                eprintln!(
                    "\npoolbench: interrupted before any cell was measured; {} was not written \
                     (if it exists, it holds an earlier run)",
                    results_path.display()
                );
            } else {
                eprintln!(
                    "\npoolbench: interrupted; {finished} measured cells are saved in {} (those \
                     of the workload that was running have fewer samples than planned and are \
                     marked interrupted)",
                    results_path.display()
                );
            }
            if finished > 0 {
                crate::report::write_report(&Input::label_all(vec![results], &[]), out_dir)?;
            }
            return Ok(ExitCode::from(130));
        }
        other => other.context("run stopped")?,
    };

    if chatty {
        println!("\nWhat to use (among the cells the run cannot tell apart by time, the cheapest; see the report):");
        for advice in poolbench_report::advice::what_to_use(&groups, &decided(&results)) {
            println!("  {}: {}", advice.about, advice.text);
        }
    }
    let beat_ideal = cells
        .iter()
        .filter(|c| c.scaling.efficiency.is_some_and(|e| e > 1.05))
        .count();
    if output != Output::Json {
        for warning in &warnings {
            eprintln!("\nwarning: {warning}");
        }
    }
    if beat_ideal > 0 && chatty {
        println!(
            "\nnote: {beat_ideal} cells ran faster than their ideal time (efficiency > 105%): the \
             sequential reference was slow for its work. Usual causes: CPU frequency ramping up \
             during the run, or cores of unequal speed (on this kind of shared VM, vCPUs can \
             differ; compare with `taskset -c 0` vs `-c 1`)."
        );
    }
    let verdicts = results.verdicts.clone();
    crate::report::write_report(&Input::label_all(vec![results], &[]), out_dir)?;
    let unverified: Vec<_> = cells.iter().filter(|c| !c.outcome.verified).collect();
    let seconds = started.elapsed().as_secs_f64();
    if output == Output::Json {
        println!(
            "{}",
            serde_json::json!({
                "event": "finished",
                "cells": cells.len(),
                "verified": cells.len() - unverified.len(),
                "warnings": warnings,
                "verdicts": verdicts,
                "seconds": seconds,
                "results": results_path,
                "report": out_dir.join("index.html"),
            })
        );
    } else {
        println!(
            "\n{} cells in {seconds:.1} s; {} verified against {}; results in {}",
            cells.len(),
            cells.len() - unverified.len(),
            oracles(&plan),
            results_path.display()
        );
    }
    let timed_out: usize = cells.iter().map(|c| c.outcome.timed_out_tasks).sum();
    if unverified.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    for cell in &unverified {
        let why = cell
            .outcome
            .model_error
            .clone()
            .unwrap_or_else(|| cell.outcome.errors.join("; "));
        eprintln!(
            "not verified: {} on {} W={}: {why}",
            cell.workload, cell.model, cell.workers
        );
    }
    if timed_out > 0 {
        eprintln!(
            "{timed_out} tasks overran the task timeout (see --task-timeout); exit status {}",
            poolbench_runner::watchdog::EXIT_TASK_TIMED_OUT
        );
        return Ok(ExitCode::from(
            poolbench_runner::watchdog::EXIT_TASK_TIMED_OUT,
        ));
    }
    Ok(ExitCode::FAILURE)
}

/// `results`' verdicts, for one machine (the run's).
fn decided(results: &ResultsFile) -> Vec<poolbench_report::decide::MachineVerdict> {
    results
        .verdicts
        .iter()
        .map(|verdict| poolbench_report::decide::MachineVerdict {
            machine: None,
            verdict: verdict.clone(),
        })
        .collect()
}

/// Creates the output folder and proves it is writable before anything runs, so that a bad
/// `--out` fails at once and an earlier results.json is left untouched.
fn prepare_out_dir(out: &Path) -> anyhow::Result<PathBuf> {
    writable_dir(out, "cannot write to --out")?;
    Ok(out.join("results.json"))
}

/// Creates `dir` if missing and proves it writable (a temporary file, removed at once); a
/// failure is a usage error starting with `what`.
fn writable_dir(dir: &Path, what: &str) -> anyhow::Result<()> {
    let fail = |e: std::io::Error| UsageError(format!("{what} {}: {e}", dir.display()));
    std::fs::create_dir_all(dir).map_err(fail)?;
    tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    Ok(())
}

/// What the cells were verified against: "the sequential oracle", or the oracles by name when
/// a workload has another (Python's plain loop for a `--py-task` function).
fn oracles(plan: &Plan) -> String {
    let mut names: Vec<&str> = plan
        .entries
        .iter()
        .map(|e| poolbench_runner::oracle_for(e).name())
        .collect();
    names.sort_unstable();
    names.dedup();
    if names == [poolbench_runner::ORACLE] {
        "the sequential oracle".to_owned()
    } else {
        format!("the oracle ({})", names.join(", "))
    }
}
