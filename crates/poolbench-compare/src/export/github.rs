//! github-action-benchmark's `customSmallerIsBetter`: `[{name, unit, value, range, extra}]`.

use poolbench_results::ResultsFile;
use serde_json::{json, Value};

use super::{pretty, timed, Exporter, Regressions, NANOS};

#[derive(Debug)]
pub struct GithubActionBenchmark;

impl Exporter for GithubActionBenchmark {
    fn name(&self) -> &'static str {
        "github-action-benchmark"
    }

    fn about(&self) -> &'static str {
        "github-action-benchmark's customSmallerIsBetter JSON, in ns"
    }

    fn export(&self, results: &ResultsFile, _: &Regressions) -> String {
        github_action_benchmark(results)
    }
}

fn github_action_benchmark(results: &ResultsFile) -> String {
    let entries: Vec<Value> = timed(results)
        .map(|(name, median, ci)| {
            let mut entry = json!({ "name": name, "unit": "ns", "value": median * NANOS });
            if let Some([low, high]) = ci {
                let half = (high - low) / 2.0 * NANOS;
                entry["range"] = json!(format!("± {half:.0}"));
                entry["extra"] = json!(format!(
                    "median batch time; 95 % interval {:.0} .. {:.0} ns",
                    low * NANOS,
                    high * NANOS
                ));
            }
            entry
        })
        .collect();
    pretty(&Value::Array(entries))
}
