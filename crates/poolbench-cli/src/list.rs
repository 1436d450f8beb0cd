//! `poolbench list`: what can be run, one line each.

use std::process::ExitCode;

pub fn list() -> anyhow::Result<ExitCode> {
    println!("Models (--models):");
    for model in poolbench_models::models() {
        println!("  {:<16} {}", model.name(), model.summary());
    }
    let python = match poolbench_models::python_env() {
        Ok(env) => format!("ready: {}", env.describe()),
        Err(why) => format!("not available: {why}"),
    };
    println!("\nPython models (--with-python, or by name in --models; {python}):");
    for model in poolbench_models::python_models() {
        println!("  {:<20} {}", model.name(), model.summary());
    }
    println!(
        "  (they run {}; each beside the Rust models, verified against the same oracle; the \
         cluster engines py-dask and py-ray-pool run only when named, need \
         scripts/python-setup.sh --cluster, and take --dask-scheduler / --ray-address for a \
         real cluster)",
        poolbench_models::PYTHON_WORKLOADS.join(", ")
    );
    println!("\nWorkloads (--workloads; parameters via --set WORKLOAD.KEY=VALUE):");
    print_workloads(poolbench_workloads::WORKLOADS.iter(), 10);
    println!("\nPresets (--preset):");
    for preset in poolbench_runner::PRESETS {
        println!("  {:<10} {}", preset.name, preset.summary);
    }
    Ok(ExitCode::SUCCESS)
}

/// Two lines for each of `workloads`: name, kind and summary; default task count and
/// parameters. Names get `width` columns.
pub(crate) fn print_workloads<'a>(
    workloads: impl Iterator<Item = &'a poolbench_workloads::WorkloadInfo>,
    width: usize,
) {
    for info in workloads {
        let params: Vec<String> = info
            .default_params()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        println!("  {:<width$} {:<4} {}", info.name, info.kind, info.summary);
        println!(
            "  {:<width$} {:<4} default tasks={}{}{}",
            "",
            "",
            info.default_tasks,
            if params.is_empty() { "" } else { ", " },
            params.join(", ")
        );
    }
}
