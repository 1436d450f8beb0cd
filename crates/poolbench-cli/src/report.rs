//! `poolbench report`: a report from saved results files (merged when there are several), and
//! the report `run` writes.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use poolbench_report::{Formats, Input};
use poolbench_runner::ResultsFile;

use crate::args::{CompareArgs, CompareFormat, ReportArgs, ReproArgs};
use crate::UsageError;

pub fn report(args: ReportArgs) -> anyhow::Result<ExitCode> {
    for label in &args.labels {
        poolbench_runner::tidy::check_label("--labels", label).map_err(UsageError)?;
    }
    if args.labels.len() > args.results.len() {
        return Err(UsageError(format!(
            "--labels gives {} labels for {} results files",
            args.labels.len(),
            args.results.len()
        ))
        .into());
    }
    let results = args
        .results
        .iter()
        .map(|path| read_results(path))
        .collect::<Result<Vec<_>, _>>()?;
    let out = match &args.out {
        Some(dir) => dir.clone(),
        None => args.results[0]
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default(),
    };
    std::fs::create_dir_all(&out)
        .map_err(|e| UsageError(format!("cannot write to --out {}: {e}", out.display())))?;
    let inputs = Input::label_all(results, &args.labels);
    let formats = Formats { png: !args.no_png };
    write_report_as(&inputs, &out, formats)?;
    Ok(ExitCode::SUCCESS)
}

/// `poolbench compare BASE NEW`: what changed, with an exit status for CI.
pub fn compare(args: CompareArgs) -> anyhow::Result<ExitCode> {
    use poolbench_compare::compare;
    let files = args
        .files
        .iter()
        .map(|path| read_results(path))
        .collect::<Result<Vec<_>, _>>()?;
    let comparison = if args.rounds {
        if files.len() % 2 != 0 {
            return Err(UsageError(format!(
                "--rounds takes pairs of files (BASE1 NEW1 BASE2 NEW2 …), not {}",
                files.len()
            ))
            .into());
        }
        let mut files = files.into_iter();
        let mut pairs = Vec::new();
        while let (Some(base), Some(new)) = (files.next(), files.next()) {
            pairs.push((base, new));
        }
        compare::compare_rounds(&pairs, args.threshold, !args.absolute)
    } else {
        let [base, new] = <[_; 2]>::try_from(files).map_err(|files| {
            UsageError(format!(
                "compare takes BASE.json NEW.json, not {} files (interleaved rounds: --rounds)",
                files.len()
            ))
        })?;
        compare::compare(&base, &new, args.threshold, !args.absolute)
    };
    if comparison.cells.is_empty() {
        return Err(UsageError(format!(
            "{} share no cell: compare runs of the same plan",
            args.files
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .into());
    }
    match args.format {
        CompareFormat::Text => print!("{}", compare::render_text(&comparison)),
        CompareFormat::Markdown => print!("{}", compare::render_markdown(&comparison)),
        CompareFormat::Json => println!("{}", serde_json::to_string_pretty(&comparison)?),
    }
    let regressed = comparison.regressed();
    Ok(if regressed && !args.no_fail {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// `poolbench repro FIRST SECOND`: how far the second run agrees with the first.
pub fn repro(args: ReproArgs) -> anyhow::Result<ExitCode> {
    let first = read_results(&args.first)?;
    let second = read_results(&args.second)?;
    let agreement = poolbench_compare::agreement::agreement(&first, &second);
    if agreement.cells == 0 {
        return Err(UsageError(format!(
            "{} and {} share no cell with a median: compare two runs of the same plan",
            args.first.display(),
            args.second.display()
        ))
        .into());
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&agreement)?);
    } else {
        print!("{}", poolbench_compare::agreement::render_text(&agreement));
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads one results file; anything but a readable results file is a usage error. A cell
/// listed more than once is merged (the first kept), with one line saying so.
pub fn read_results(path: &Path) -> Result<ResultsFile, UsageError> {
    let mut results = ResultsFile::read(path).map_err(|e| UsageError(e.to_string()))?;
    for line in poolbench_compare::identity::merge_repeated(&mut results) {
        eprintln!("note: {}: {line}", path.display());
    }
    Ok(results)
}

/// Renders the report for `inputs` into `dir` and says where it is.
pub fn write_report(inputs: &[Input], dir: &Path) -> anyhow::Result<()> {
    write_report_as(inputs, dir, Formats::default())
}

/// [`write_report`] with a choice of picture files. The report replaces an earlier one in
/// `dir` whole; where it can only be written file by file, the PNGs an earlier report left
/// beside these charts' SVGs are removed, so none contradicts its SVG.
fn write_report_as(inputs: &[Input], dir: &Path, formats: Formats) -> anyhow::Result<()> {
    let files =
        poolbench_report::build_with(inputs, formats).context("cannot render the report")?;
    let how = poolbench_report::write(dir, &files)
        .map_err(|e| crate::CannotWrite(format!("cannot write the report: {e}")))?;
    // A whole replacement took the old report's charts with it; file by file, they stay.
    if !formats.png && how == poolbench_report::Replaced::FileByFile {
        for svg in files.iter().filter_map(|f| f.path.strip_suffix(".svg")) {
            let stale = dir.join(format!("{svg}.png"));
            match std::fs::remove_file(&stale) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(e).with_context(|| format!("cannot remove {}", stale.display()))
                }
                _ => {}
            }
        }
    }
    eprintln!(
        "report: {} ({} files)",
        dir.join("index.html").display(),
        files.len()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use poolbench_core::Marker;

    /// Files from before styles were recorded are drawn with the frozen legacy palette: it
    /// must stay a prefix of the registry, each model in the style its descriptor gives, so
    /// an old file and a new one draw the same model alike.
    #[test]
    fn the_legacy_palette_is_a_prefix_of_the_registry() {
        let registry = poolbench_models::models();
        assert!(registry.len() >= poolbench_compare::LEGACY_MODELS.len());
        for (place, (name, colour)) in poolbench_compare::LEGACY_MODELS.iter().enumerate() {
            let model = registry[place];
            assert_eq!(model.name(), *name);
            let style = poolbench_models::model_style(model);
            assert_eq!(style.colour, *colour, "{name}");
            assert_eq!(style.marker, Marker::ALL[place % 4], "{name}");
        }
    }
}
