//! `poolbench report`: a report from a saved results file, and the report `run` writes.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use poolbench_runner::{ResultsFile, SCHEMA};

use crate::args::ReportArgs;
use crate::UsageError;

pub fn report(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&args.results)
        .map_err(|e| UsageError(format!("cannot read {}: {e}", args.results.display())))?;
    let results: ResultsFile = serde_json::from_str(&text).map_err(|e| {
        UsageError(format!(
            "{} is not a poolbench results file: {e}",
            args.results.display()
        ))
    })?;
    if results.schema != SCHEMA {
        return Err(UsageError(format!(
            "{} has schema '{}'; this poolbench reads '{SCHEMA}'",
            args.results.display(),
            results.schema
        ))
        .into());
    }
    let out = match &args.out {
        Some(dir) => dir.clone(),
        None => args
            .results
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default(),
    };
    std::fs::create_dir_all(&out)
        .map_err(|e| UsageError(format!("cannot write to --out {}: {e}", out.display())))?;
    write_report(&results, &out)?;
    Ok(ExitCode::SUCCESS)
}

/// Renders the report for `results` into `dir` and says where it is.
pub fn write_report(results: &ResultsFile, dir: &Path) -> anyhow::Result<()> {
    let files = poolbench_report::build(results).context("cannot render the report")?;
    poolbench_report::write(dir, &files).context("cannot write the report")?;
    eprintln!(
        "report: {} ({} files)",
        dir.join("index.html").display(),
        files.len()
    );
    Ok(())
}
