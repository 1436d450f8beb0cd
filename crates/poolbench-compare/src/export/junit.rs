//! JUnit XML: one `<testcase>` per cell, failing when the cell did not verify or regressed.

use std::collections::BTreeMap;
use std::fmt::Write;

use poolbench_results::{CellResult, ResultsFile};

use super::{failure, Exporter, Regressions};
use crate::fmt::escape;
use crate::identity::workload_name;

#[derive(Debug)]
pub struct Junit;

impl Exporter for Junit {
    fn name(&self) -> &'static str {
        "junit"
    }

    fn about(&self) -> &'static str {
        "JUnit XML, one test case per cell, failing when it did not verify or regressed"
    }

    fn export(&self, results: &ResultsFile, regressions: &Regressions) -> String {
        junit(results, regressions)
    }
}

/// XML 1.0 text: escaped, and without the control characters it cannot hold.
fn xml(text: &str) -> String {
    let kept: String = text
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .collect();
    escape(&kept).replace('\'', "&apos;")
}

fn junit(results: &ResultsFile, regressions: &Regressions) -> String {
    let mut suites: BTreeMap<String, Vec<&CellResult>> = BTreeMap::new();
    for cell in &results.results {
        suites.entry(workload_name(cell)).or_default().push(cell);
    }
    let failures = |cells: &[&CellResult]| {
        cells
            .iter()
            .filter(|c| failure(c, regressions).is_some())
            .count()
    };
    let seconds =
        |cells: &[&CellResult]| -> f64 { cells.iter().filter_map(|c| c.time.median_s).sum() };
    let all: Vec<&CellResult> = results.results.iter().collect();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"poolbench\" tests=\"{}\" failures=\"{}\" time=\"{:.6}\">",
        all.len(),
        failures(&all),
        seconds(&all)
    );
    for (suite, cells) in &suites {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" time=\"{:.6}\" timestamp=\"{}\">",
            xml(suite),
            cells.len(),
            failures(cells),
            seconds(cells),
            xml(&results.environment.started_at)
        );
        for cell in cells {
            let _ = write!(
                out,
                "    <testcase classname=\"poolbench.{}\" name=\"{}\" time=\"{:.6}\"",
                xml(suite),
                xml(&format!("{} W={}", cell.model, cell.workers)),
                cell.time.median_s.unwrap_or(0.0)
            );
            match failure(cell, regressions) {
                Some((kind, message)) => {
                    let _ = writeln!(
                        out,
                        ">\n      <failure type=\"{kind}\" message=\"{}\">{}</failure>\n    </testcase>",
                        xml(&message),
                        xml(&message)
                    );
                }
                None => {
                    let _ = writeln!(out, "/>");
                }
            }
        }
        let _ = writeln!(out, "  </testsuite>");
    }
    out.push_str("</testsuites>\n");
    out
}
