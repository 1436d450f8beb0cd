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
