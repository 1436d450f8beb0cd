//! The user's own work on the command line: a Python function (`--py-task`), and one line
//! for each workload some of the chosen models cannot run (Python code on Rust's models, a
//! user's Rust workload on Python's), so that nothing is left out silently.

use std::path::Path;

use poolbench_core::{Language, Model, WorkloadOrigin, WorkloadSpec};
use poolbench_results::PythonSide;
use poolbench_runner::{Plan, Suite};
use poolbench_workloads::BuildContext;

use crate::describe::python_record;
use crate::UsageError;

/// The plan `--py-task MODULE:FUNCTION [--py-path DIR]` starts from: the user's function as
/// the one workload, at the quick preset's CPU worker counts, and its source line.
pub(crate) fn py_task_suite(task: &str, path: Option<&Path>) -> anyhow::Result<(String, Suite)> {
    let usage = |why: String| UsageError(format!("--py-task {task}: {why}"));
    let (module, function) = task
        .split_once(':')
        .ok_or_else(|| usage("give MODULE:FUNCTION, e.g. work:square".into()))?;
    let folder = match path {
        Some(dir) => dir.to_path_buf(),
        None => std::env::current_dir().map_err(|e| usage(format!("no current folder: {e}")))?,
    };
    let folder = folder
        .canonicalize()
        .ok()
        .filter(|dir| dir.is_dir())
        .ok_or_else(|| usage(format!("{} is not a folder", folder.display())))?;
    let info = poolbench_workloads::find_workload("py-task")?;
    let spec = WorkloadSpec::new(info.name, info.default_tasks)
        .with("module", module.trim())
        .with("function", function.trim())
        .with("path", folder.to_string_lossy().into_owned());
    poolbench_workloads::check(&spec).map_err(|e| usage(e.to_string()))?;
    let mut suite = poolbench_runner::own_suite(&[info]);
    for entry in &mut suite.entries {
        entry.spec = spec.clone();
    }
    Ok((format!("--py-task {task}"), suite))
}

/// The Python side of a `--py-task` run, which cannot run without it: Python is there, some
/// chosen model is Python's, and the function imports, runs on task 0 and pickles (checked
/// once, before anything is measured). Any of these missing is a usage error.
pub(crate) fn python_for_task(plan: &mut Plan, task: &str) -> anyhow::Result<PythonSide> {
    let usage = |why: String| UsageError(format!("--py-task {task}: {why}"));
    let env =
        poolbench_models::python_env().map_err(|why| usage(format!("needs Python: {why}")))?;
    if !plan.models.iter().any(|m| m.language() == Language::Python) {
        let names: Vec<&str> = poolbench_models::python_models()
            .iter()
            .map(|m| m.name())
            .collect();
        return Err(usage(format!(
            "it runs on Python's pools, and --models names none of them ({})",
            names.join(", ")
        ))
        .into());
    }
    crate::describe::drop_missing_engines(plan, env);
    let wait = plan
        .task_timeout
        .unwrap_or(poolbench_runner::DEFAULT_TASK_TIMEOUT);
    for entry in &plan.entries {
        let workload = poolbench_workloads::build(&entry.spec, &BuildContext::default())?;
        poolbench_models::check_foreign_task(env, workload.as_ref(), wait).map_err(usage)?;
    }
    Ok(python_record(plan, env))
}

/// Prints one line for each workload of `plan` that some of its models cannot run, saying
/// which and why; those models still run every other workload.
pub(crate) fn say_what_cannot_run(plan: &Plan) {
    let mut said: Vec<String> = Vec::new();
    for entry in &plan.entries {
        let name = &entry.spec.name;
        let Ok(info) = poolbench_workloads::find_workload(name) else {
            continue;
        };
        let left_out: Vec<&dyn Model> = plan
            .models
            .iter()
            .copied()
            .filter(|m| entry.includes(*m) && !poolbench_runner::can_run(*m, entry))
            .collect();
        if left_out.is_empty() {
            continue;
        }
        let line = match info.only_in {
            Some(language) => format!(
                "{name}: left out {} — it is {language} code, which only {language}'s models \
                 run",
                group(&left_out, &plan.models)
            ),
            None => format!(
                "{name}: left out {} — {}",
                group(&left_out, &plan.models),
                why_not(left_out[0].language(), info)
            ),
        };
        if !said.contains(&line) {
            eprintln!("{line}");
            said.push(line);
        }
    }
}

/// "the Rust models" when the models left out are every one of the plan's in that language,
/// else their names.
fn group(models: &[&dyn Model], planned: &[&dyn Model]) -> String {
    let language = models[0].language();
    let all_of_language = planned.iter().filter(|m| m.language() == language).count();
    if models.len() == all_of_language && models.iter().all(|m| m.language() == language) {
        format!("the {language} models")
    } else {
        models
            .iter()
            .map(|m| m.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Why models of `language` cannot run `workload`, which is not another language's code.
fn why_not(language: Language, workload: &poolbench_workloads::WorkloadInfo) -> String {
    match (language, workload.origin) {
        (Language::Python, WorkloadOrigin::User) => {
            "it is Rust code, and Python's pools run Python code only (your own with --py-task)"
                .to_owned()
        }
        (Language::Python, WorkloadOrigin::BuiltIn) => format!(
            "Python has no form of it (Python's pools run {}, and --py-task functions)",
            poolbench_models::PYTHON_WORKLOADS
                .iter()
                .filter(|w| **w != "py-task")
                .copied()
                .collect::<Vec<_>>()
                .join(", ")
        ),
        (Language::Rust, _) => "these models cannot run it".to_owned(),
    }
}
