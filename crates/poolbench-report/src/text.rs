//! The report's words and tables: Markdown (`README.md`), HTML (`index.html`) and CSV.

use std::fmt::Write;

use poolbench_runner::{format_duration, ResultsFile};

use crate::chart::Rendered;
use crate::data::WorkloadGroup;
use crate::verdict::Verdict;

fn secs(s: f64) -> String {
    format_duration(std::time::Duration::from_secs_f64(s.max(0.0)))
}

/// One line with the conditions of every figure.
pub fn conditions(results: &ResultsFile) -> String {
    let env = &results.environment;
    let first = results.results.first();
    format!(
        "{} logical cores · {} · {} · poolbench {} ({}) · {} · median of {} runs after {} warm-up",
        env.logical_cores,
        env.cpu_model.as_deref().unwrap_or("unknown CPU"),
        env.os,
        env.poolbench_version,
        env.build_profile,
        env.started_at.get(..10).unwrap_or(&env.started_at),
        first.map_or(0, |c| c.repeat),
        first.map_or(0, |c| c.warmup),
    )
}

fn verdict_line(v: &Verdict) -> String {
    let ties = if v.indistinguishable.is_empty() {
        "no other model within its 95% interval".to_owned()
    } else {
        format!(
            "indistinguishable within 95% intervals: {}",
            v.indistinguishable.join(", ")
        )
    };
    format!(
        "fastest median: {} at W = {} ({}); {}. {}",
        v.fastest,
        v.workers,
        secs(v.median),
        ties,
        v.reason
    )
}

fn table_rows(g: &WorkloadGroup) -> Vec<[String; 8]> {
    g.series
        .iter()
        .flat_map(|s| {
            s.points.iter().map(move |p| {
                [
                    s.model.clone(),
                    p.workers.to_string(),
                    secs(p.median),
                    format!("{} – {}", secs(p.ci.0), secs(p.ci.1)),
                    format!("{} – {}", secs(p.min), secs(p.max)),
                    p.speedup.map_or("–".into(), |x| format!("{x:.2}x")),
                    p.efficiency
                        .map_or("–".into(), |e| format!("{:.0}%", e * 100.0)),
                    if p.verified {
                        "yes".into()
                    } else {
                        format!("NO ({} failed)", p.failed)
                    },
                ]
            })
        })
        .collect()
}

const HEADINGS: [&str; 8] = [
    "model",
    "W",
    "median",
    "95% CI of median",
    "min – max",
    "speedup",
    "efficiency",
    "verified",
];

/// `README.md`: the report in Markdown, charts as PNG beside it.
pub fn markdown(
    results: &ResultsFile,
    groups: &[WorkloadGroup],
    verdicts: &[Verdict],
    charts: &[Rendered],
) -> String {
    let mut md = String::new();
    let env = &results.environment;
    let _ = writeln!(md, "# poolbench report\n\n{}\n", conditions(results));
    let _ = writeln!(md, "Command: `{}`\n", env.command_line.join(" "));
    let _ = writeln!(md, "## Which model for which work\n");
    for v in verdicts {
        let _ = writeln!(md, "- **{}** — {}", v.workload, verdict_line(v));
    }
    for g in groups {
        let _ = writeln!(md, "\n## {}\n", g.label());
        for chart in charts
            .iter()
            .filter(|c| c.name.ends_with(&format!("-{}", g.workload)))
        {
            let _ = writeln!(md, "![{0}](charts/{0}.png)\n", chart.name);
        }
        if g.workload == "noop" {
            for chart in charts.iter().filter(|c| c.name.starts_with("overhead-")) {
                let _ = writeln!(md, "![{0}](charts/{0}.png)\n", chart.name);
            }
        }
        let _ = writeln!(md, "| {} |", HEADINGS.join(" | "));
        let _ = writeln!(md, "|{}", "---|".repeat(HEADINGS.len()));
        for row in table_rows(g) {
            let _ = writeln!(md, "| {} |", row.join(" | "));
        }
    }
    let env_json = serde_json::to_string_pretty(env).unwrap_or_default();
    let _ = writeln!(md, "\n## Environment\n\n```json\n{env_json}\n```\n");
    let _ = writeln!(
        md,
        "Raw data: [results.json](results.json) (every sample, schema `{}`) and \
         [results.csv](results.csv) (one row per timed repetition). Charts are in `charts/` as SVG and PNG.",
        results.schema
    );
    md
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `index.html`: self-contained (charts inline as SVG), readable on a projector.
pub fn html(
    results: &ResultsFile,
    groups: &[WorkloadGroup],
    verdicts: &[Verdict],
    charts: &[Rendered],
) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>poolbench report</title>\
         <style>body{{font-family:sans-serif;font-size:20px;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}}\
         table{{border-collapse:collapse;margin:1em 0;font-size:17px}}td,th{{border:1px solid #ccc;padding:4px 10px;text-align:right}}\
         td:first-child,th:first-child{{text-align:left}}svg{{max-width:100%;height:auto}}code,pre{{background:#f4f4f4}}\
         li{{margin:.5em 0}}</style></head><body>"
    );
    let _ = write!(
        h,
        "<h1>poolbench report</h1><p>{}</p>",
        escape(&conditions(results))
    );
    let _ = write!(
        h,
        "<p>Command: <code>{}</code></p>",
        escape(&results.environment.command_line.join(" "))
    );
    let _ = write!(h, "<h2>Which model for which work</h2><ul>");
    for v in verdicts {
        let _ = write!(
            h,
            "<li><b>{}</b> — {}</li>",
            escape(&v.workload),
            escape(&verdict_line(v))
        );
    }
    let _ = write!(h, "</ul>");
    for g in groups {
        let _ = write!(h, "<h2>{}</h2>", escape(&g.label()));
        let wanted = |c: &&Rendered| {
            c.name.ends_with(&format!("-{}", g.workload))
                || (g.workload == "noop" && c.name.starts_with("overhead-"))
        };
        for chart in charts.iter().filter(wanted) {
            let _ = write!(h, "<figure>{}</figure>", chart.svg);
        }
        let _ = write!(h, "<table><tr>");
        for heading in HEADINGS {
            let _ = write!(h, "<th>{heading}</th>");
        }
        let _ = write!(h, "</tr>");
        for row in table_rows(g) {
            let _ = write!(h, "<tr>");
            for cell in row {
                let _ = write!(h, "<td>{}</td>", escape(&cell));
            }
            let _ = write!(h, "</tr>");
        }
        let _ = write!(h, "</table>");
    }
    let env_json = serde_json::to_string_pretty(&results.environment).unwrap_or_default();
    let _ = writeln!(
        h,
        "<h2>Environment</h2><pre>{}</pre><p>Raw data: <a href=\"results.json\">results.json</a>, \
         <a href=\"results.csv\">results.csv</a>.</p></body></html>",
        escape(&env_json)
    );
    h
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// `results.csv`: one row per timed repetition, with the cell's parameters.
pub fn csv(results: &ResultsFile) -> String {
    let mut out = String::from(
        "workload,params,model,workers,tasks,repetition,seconds,verified,failed_tasks\n",
    );
    for cell in &results.results {
        let params = serde_json::to_string(&cell.params).unwrap_or_default();
        for (repetition, seconds) in cell.samples_s.iter().enumerate() {
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{},{}",
                csv_field(&cell.workload),
                csv_field(&params),
                csv_field(&cell.model),
                cell.workers,
                cell.tasks,
                repetition + 1,
                seconds,
                cell.verified,
                cell.failed_tasks
            );
        }
    }
    out
}
