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
    prepare, record, run_plan, CellOrder, Environment, Plan, ResultsFile, RunError, Suite,
};
use poolbench_workloads::BuildContext;

use crate::args::RunArgs;
use crate::describe::python_side;
use crate::live::{Live, Output};
use crate::mock::point_http_at_a_server;
use crate::stop::{save_on_expiry, stop_on_ctrl_c, Finished};
use crate::UsageError;

/// `poolbench run`, or a bench binary's run when `own` is its workloads' suite (used when
/// neither `--suite` nor `--preset` is given), named by its source line.
pub fn run(args: RunArgs, own: Option<(String, Suite)>) -> anyhow::Result<ExitCode> {
    let (mut plan, source) = crate::plan::plan_from(&args, own)?;
    for merged in plan.merge_duplicates() {
        if !args.quiet {
            eprintln!("note: {merged}");
        }
    }
    crate::cluster::add_named(&args, &mut plan);
    let mut python = if let Some(task) = &args.py_task {
        Some(crate::own::python_for_task(&mut plan, task)?)
    } else {
        // `--models` naming a Python model chooses Python's models too: `--with-python` then
        // adds no others (with only Rust models named, it adds all of Python's).
        let python_chosen = args
            .models
            .iter()
            .any(|m| m.language() == poolbench_core::Language::Python);
        python_side(&mut plan, args.with_python && !python_chosen)
    };
    crate::cluster::connect(&args, &mut plan, python.as_mut())?;
    // Every usage error before any side effect: no server started, nothing written.
    poolbench_runner::limits::check_plan(&plan, &Machine::this())?;
    if !args.quiet {
        say_what_runs(&args, &plan);
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
    let mut results = record::results_for(&plan, &workloads, environment, source.clone());
    // The machine first: how equal its cores are, then steal time over the whole run.
    results.noise = Some(probe::before_run());
    let steal_before = CpuTicks::now();
    if chatty {
        say_plan(&plan, &source, &results);
    }
    stop_on_ctrl_c()?;
    let finished: Finished = Arc::new(Mutex::new(results.clone()));
    save_on_expiry(Arc::clone(&finished), results_path.clone());
    let started = Instant::now();
    let mut live = Live::new(output, results, &results_path, &plan, finished);
    let outcome = run_plan(&plan, &workloads, &mut live);
    live.finish();
    let (results, groups) = finish_results(live.results, steal_before, &results_path)?;
    let mut warnings = results
        .noise
        .as_ref()
        .map(NoiseReport::warnings)
        .unwrap_or_default();
    warnings.extend(results.jpeg_caveat());
    let out_dir = results_path.parent().unwrap_or(Path::new("."));
    let cells = match outcome {
        Err(RunError::Interrupted { finished }) => {
            return interrupted(finished, results, &results_path);
        }
        other => other.context("run stopped")?,
    };

    if chatty {
        say_what_to_use(&groups, &results);
    }
    if output != Output::Json {
        for warning in &warnings {
            eprintln!("\nwarning: {warning}");
        }
    }
    if chatty {
        say_if_faster_than_ideal(&cells);
    }
    if output != Output::Json {
        say_retries(&cells);
    }
    let verdicts = results.verdicts.clone();
    crate::report::write_report(&Input::label_all(vec![results], &[]), out_dir)?;
    let seconds = started.elapsed().as_secs_f64();
    say_finished(
        output,
        &cells,
        (&warnings, &verdicts),
        seconds,
        (&results_path, &plan),
    );
    Ok(exit_status(&cells))
}

/// What the run leaves out or warns of, before anything is measured.
fn say_what_runs(args: &RunArgs, plan: &Plan) {
    if let Some(task) = &args.py_task {
        eprintln!(
            "--py-task {task}: Python's pools only (the Rust models cannot run Python code), \
             verified against py-sequential, Python's plain loop"
        );
    }
    crate::own::say_what_cannot_run(plan);
    for warning in plan.too_few_tasks() {
        eprintln!("warning: {warning}");
    }
}

/// The last line: cells, verified, where the results are (or, with --json, one object).
fn say_finished(
    output: Output,
    cells: &[poolbench_runner::CellResult],
    (warnings, verdicts): (&[String], &[poolbench_results::Verdict]),
    seconds: f64,
    (results_path, plan): (&Path, &Plan),
) {
    let out_dir = results_path.parent().unwrap_or(Path::new("."));
    let unverified: Vec<_> = cells.iter().filter(|c| !c.outcome.verified).collect();
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
            oracles(plan),
            results_path.display()
        );
    }
}

/// The headline and what the plan will do, before it runs.
fn say_plan(plan: &Plan, source: &str, results: &ResultsFile) {
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

/// The run's results completed after the last cell: the machine's noise over the run, the
/// decisions; saved when any cell was measured. Returns them with their groups.
fn finish_results(
    mut results: ResultsFile,
    steal_before: Option<CpuTicks>,
    results_path: &Path,
) -> anyhow::Result<(ResultsFile, Vec<poolbench_compare::WorkloadGroup>)> {
    if let Some(noise) = results.noise.as_mut() {
        probe::after_run(noise, steal_before, &results.results);
    }
    let groups = poolbench_report::group(&Input::label_all(vec![results.clone()], &[]));
    results.verdicts = poolbench_compare::decide::decide(&groups);
    if !results.results.is_empty() {
        results.save(results_path).map_err(|e| {
            crate::CannotWrite(format!("cannot save {}: {e}", results_path.display()))
        })?;
    }
    Ok((results, groups))
}

/// A run stopped by Ctrl-C or SIGTERM: what was saved, the report of it, exit status 130.
fn interrupted(
    finished: usize,
    results: ResultsFile,
    results_path: &Path,
) -> anyhow::Result<ExitCode> {
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
        let out_dir = results_path.parent().unwrap_or(Path::new("."));
        crate::report::write_report(&Input::label_all(vec![results], &[]), out_dir)?;
    }
    Ok(ExitCode::from(130))
}

/// The "What to use" lines, in the terminal.
fn say_what_to_use(groups: &[poolbench_compare::WorkloadGroup], results: &ResultsFile) {
    println!("\nWhat to use (among the cells the run cannot tell apart by time, the cheapest; see the report):");
    for advice in poolbench_compare::decide::what_to_use(groups, &decided(results)) {
        println!("  {}: {}", advice.about, advice.text);
    }
}

/// A note when cells beat their ideal time: the sequential reference was slow for its work.
fn say_if_faster_than_ideal(cells: &[poolbench_runner::CellResult]) {
    let beat_ideal = cells
        .iter()
        .filter(|c| c.scaling.efficiency.is_some_and(|e| e > 1.05))
        .count();
    if beat_ideal > 0 {
        println!(
            "\nnote: {beat_ideal} cells ran faster than their ideal time (efficiency > 105%): the \
             sequential reference was slow for its work. Usual causes: CPU frequency ramping up \
             during the run, or cores of unequal speed (on this kind of shared VM, vCPUs can \
             differ; compare with `taskset -c 0` vs `-c 1`)."
        );
    }
}

/// A line for each cell whose engine ran tasks again after losing a worker.
fn say_retries(cells: &[poolbench_runner::CellResult]) {
    for cell in cells.iter().filter(|c| c.outcome.retried_tasks > 0) {
        eprintln!(
            "note: {} on {} W={}: {} task runs repeated after a lost worker (the scheduler \
             reran them elsewhere); outputs {}",
            cell.model,
            cell.workload,
            cell.workers,
            cell.outcome.retried_tasks,
            if cell.outcome.verified {
                "verified"
            } else {
                "NOT verified"
            }
        );
    }
}

/// 0 when every cell verified; the watchdog's status when tasks overran their limit; else 1,
/// with each unverified cell and why.
fn exit_status(cells: &[poolbench_runner::CellResult]) -> ExitCode {
    let unverified: Vec<_> = cells.iter().filter(|c| !c.outcome.verified).collect();
    let timed_out: usize = cells.iter().map(|c| c.outcome.timed_out_tasks).sum();
    if unverified.is_empty() {
        return ExitCode::SUCCESS;
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
            "{timed_out} tasks timed out (over the task limit, --task-timeout; or, for http, a \
             request over http.timeout_ms); exit status {}",
            poolbench_runner::watchdog::EXIT_TASK_TIMED_OUT
        );
        return ExitCode::from(poolbench_runner::watchdog::EXIT_TASK_TIMED_OUT);
    }
    ExitCode::FAILURE
}

/// `results`' verdicts, for one machine (the run's).
fn decided(results: &ResultsFile) -> Vec<poolbench_compare::decide::MachineVerdict> {
    results
        .verdicts
        .iter()
        .map(|verdict| poolbench_compare::decide::MachineVerdict {
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
