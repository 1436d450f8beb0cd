//! A user's own bench binary: `poolbench::main!` in `benches/NAME.rs` (`harness = false`)
//! registers the user's workloads and calls [`bench_main`], which is `poolbench run` with the
//! same flags, results file and report, on those workloads by default.
//!
//! The binary is also its own worker program: the `process` and `process-spawn` models
//! re-execute it (`NAME __worker …`), and since every start registers the same workloads
//! first, a worker builds the user's workload from its spec like a built-in one. A run's mock
//! server, for workloads that declare they need one, is this binary too (`NAME __serve …`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser};

use crate::args::RunArgs;

/// A bench binary's command line: `poolbench run`'s flags, and `--list`.
#[derive(Debug, Parser)]
struct BenchCli {
    /// List this bench's workloads (kind, default tasks and parameters) and exit.
    #[arg(long)]
    list: bool,

    #[command(flatten)]
    run: RunArgs,
}

/// The `main` of a user's bench binary called `name` whose workloads are registered (see
/// `poolbench_workloads::register`): with no `--preset`, `--suite` or `--workloads`, runs each
/// of them on every model at the quick preset's worker counts for its kind, and writes
/// `results.json` and the report into `--out` (default: `target/poolbench/NAME`).
pub fn bench_main(name: &'static str) -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if let Some(code) = crate::hidden_role(&args) {
        return code;
    }
    // `cargo bench` adds --bench to the arguments it passes on; `cargo test --benches` (and
    // `--all-targets`) runs the binary with none at all: then, as criterion does, each cell
    // runs just enough to show that every model runs and verifies the workloads.
    let checking = args.len() == 1;
    let args = args.into_iter().filter(|a| a != "--bench");
    // clap keeps these for the life of the program, which this is.
    let leak = |text: String| -> &'static str { Box::leak(text.into_boxed_str()) };
    let out = leak(default_out(name).to_string_lossy().into_owned());
    let command = BenchCli::command()
        .name(name)
        .bin_name(leak(format!("cargo bench --bench {name} --")))
        .about(format!(
            "Runs {name}'s workloads on every concurrency model, verified against the \
             sequential oracle, and writes results.json and a report (poolbench run's flags)."
        ))
        .mut_arg("out", |arg| arg.default_value(out));
    let parsed = command
        .try_get_matches_from(args)
        .and_then(|matches| BenchCli::from_arg_matches(&matches));
    let mut cli = match parsed {
        Ok(cli) => cli,
        Err(error) => return crate::argument_error(error),
    };
    if checking {
        eprintln!(
            "{name}: no arguments (as `cargo test` runs it): checking that every model runs \
             and verifies each workload, one short sample a cell; `cargo bench` measures"
        );
        let run = &mut cli.run;
        run.repeat = Some(1);
        run.max_repeat = Some(1);
        run.min_sample_ms = Some(0.0);
        run.measure_time = Some(0.0);
    }
    let own = poolbench_workloads::user_workloads();
    if cli.list {
        list(name, &own);
        return ExitCode::SUCCESS;
    }
    if own.is_empty() {
        eprintln!("{name}: error: no workloads: give poolbench::main! at least one");
        return ExitCode::from(2);
    }
    let suite = poolbench_runner::own_suite(&own);
    crate::exit_code(crate::run::run(
        cli.run,
        Some((format!("bench {name}"), suite)),
    ))
}

/// `target/poolbench/NAME` in the target folder this binary was built in (it runs from
/// `target/<profile>/deps/`), else `reports/NAME`.
fn default_out(name: &str) -> PathBuf {
    let exe = std::env::current_exe().ok();
    let target = exe.as_deref().and_then(|exe| {
        let deps = exe
            .parent()
            .filter(|d| d.file_name().is_some_and(|n| n == "deps"))?;
        deps.parent()?.parent().map(Path::to_path_buf)
    });
    match target {
        Some(target) => target.join("poolbench").join(name),
        None => Path::new("reports").join(name),
    }
}

fn list(name: &str, own: &[&poolbench_workloads::WorkloadInfo]) {
    println!("{name}'s workloads (--workloads; parameters via --set WORKLOAD.KEY=VALUE):");
    crate::list::print_workloads(own.iter().copied(), 16);
    println!("\nModels (--models): {}", poolbench_models::model_names());
}
