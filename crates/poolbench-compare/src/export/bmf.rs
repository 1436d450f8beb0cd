//! Bencher Metric Format: `{name: {"latency": {value, lower_value, upper_value}}}`, in
//! nanoseconds (Bencher's built-in `latency` measure).

use poolbench_results::ResultsFile;
use serde_json::{json, Map, Value};

use super::{pretty, timed, Exporter, Regressions, NANOS};

#[derive(Debug)]
pub struct Bmf;

impl Exporter for Bmf {
    fn name(&self) -> &'static str {
        "bmf"
    }

    fn about(&self) -> &'static str {
        "Bencher Metric Format: latency in ns, the 95 % interval as lower/upper value"
    }

    fn export(&self, results: &ResultsFile, _: &Regressions) -> String {
        bmf(results)
    }
}

fn bmf(results: &ResultsFile) -> String {
    let mut out = Map::new();
    for (name, median, ci) in timed(results) {
        let mut latency = json!({ "value": median * NANOS });
        if let Some([low, high]) = ci {
            latency["lower_value"] = json!(low * NANOS);
            latency["upper_value"] = json!(high * NANOS);
        }
        out.insert(name, json!({ "latency": latency }));
    }
    pretty(&Value::Object(out))
}
