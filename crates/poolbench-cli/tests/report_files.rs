//! What a report folder holds: `index.html` showing each chart's SVG file (not a copy inlined),
//! `README.md`, `results.csv`, and each chart as SVG and PNG — or, with `report --no-png`, as
//! SVG only, with the PNGs an earlier report left removed.

mod common;

use std::path::Path;

use common::{poolbench, sum_run};

fn charts(dir: &Path, extension: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("charts"))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(extension))
        .collect();
    names.sort();
    names
}

#[test]
fn the_html_shows_chart_files_and_no_png_leaves_svgs_only() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    sum_run(&out);
    // `run` wrote the report with PNGs: each chart twice, the HTML pointing at the SVGs.
    let svgs = charts(&out, ".svg");
    assert!(!svgs.is_empty());
    assert_eq!(charts(&out, ".png").len(), svgs.len());
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!html.contains("<svg"), "a chart is inlined in the HTML");
    for svg in &svgs {
        assert!(
            html.contains(&format!("src=\"charts/{svg}\"")),
            "the HTML does not show {svg}"
        );
    }
    poolbench()
        .arg("report")
        .arg(out.join("results.json"))
        .arg("--no-png")
        .assert()
        .success();
    assert_eq!(charts(&out, ".svg"), svgs);
    assert!(charts(&out, ".png").is_empty(), "stale PNGs left");
    let markdown = std::fs::read_to_string(out.join("README.md")).unwrap();
    assert!(markdown.contains(".svg)") && !markdown.contains(".png)"));
}

/// A new report replaces the old one whole: an earlier report's chart that this one does not
/// draw is gone, while the results file and what a person put in the folder stay, and no
/// staging folder is left beside it.
#[test]
fn a_report_replaces_the_earlier_one_whole_and_keeps_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    sum_run(&out);
    std::fs::write(out.join("charts/from-an-older-run.svg"), "<svg/>").unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let results = std::fs::read(out.join("results.json")).unwrap();
    poolbench()
        .arg("report")
        .arg(out.join("results.json"))
        .arg("--no-png")
        .assert()
        .success();
    assert!(!out.join("charts/from-an-older-run.svg").exists());
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
    assert_eq!(std::fs::read(out.join("results.json")).unwrap(), results);
    assert!(out.join("index.html").is_file());
    let beside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(beside, ["run"], "left beside the report: {beside:?}");
}
