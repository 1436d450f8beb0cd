//! A report from a fixture results file: every file, every chart kind, readable SVG and PNG.

use poolbench_core::WorkKind;
use poolbench_report::{Input, ReportFile};
use poolbench_results::{Environment, ResultsFile};

mod common;

use common::{cell, fixture, one, text_of, MODELS};

#[test]
fn report_has_every_file_and_chart_kind() {
    let files = poolbench_report::build(&one(fixture())).unwrap();
    let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for expected in [
        "index.html",
        "README.md",
        "results.csv",
        "charts/time-vs-workers-sleep.svg",
        "charts/speedup-vs-workers-sum.png",
        "charts/models-at-w2-sum.svg",
        "charts/overhead-per-task-w2-noop.png",
        "charts/latency-cdf-sleep.svg",
        "charts/cpu-vs-wall-sleep.svg",
        "charts/timeline-rust-sleep.svg",
        "charts/timeline-rust-sum.png",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    for file in files.iter().filter(|f| f.path.ends_with(".svg")) {
        let svg = String::from_utf8(file.bytes.clone()).unwrap();
        let doc = roxmltree::Document::parse(&svg)
            .unwrap_or_else(|e| panic!("{} is not well-formed SVG: {e}", file.path));
        assert_eq!(doc.root_element().tag_name().name(), "svg", "{}", file.path);
        let texts = doc.descendants().filter(|n| n.has_tag_name("text")).count();
        assert!(texts > 10, "{}: only {texts} text elements", file.path);
        if !file.path.contains("cpu-vs-wall") {
            for model in MODELS {
                assert!(svg.contains(model), "{} does not name {model}", file.path);
            }
        }
    }
    for file in files.iter().filter(|f| f.path.ends_with(".png")) {
        let png = image::load_from_memory(&file.bytes).unwrap();
        if file.path.contains("timeline-") {
            // As wide as every chart, as tall as its lanes need.
            assert_eq!(png.width(), poolbench_report::SIZE.0, "{}", file.path);
            assert!((400..2000).contains(&png.height()), "{}", file.path);
            continue;
        }
        assert_eq!(
            (png.width(), png.height()),
            poolbench_report::SIZE,
            "{}",
            file.path
        );
    }
    // A timeline for each measured workload (sleep, sum), none for the overhead probe (noop).
    assert!(!names.iter().any(|n| n.contains("timeline-rust-noop")));
    let csv = &files
        .iter()
        .find(|f| f.path == "results.csv")
        .unwrap()
        .bytes;
    let rows = String::from_utf8_lossy(csv).lines().count();
    assert_eq!(
        rows,
        1 + 3 * (1 + 3 * 3) * 3,
        "header + one row per repetition"
    );
    let readme =
        String::from_utf8_lossy(&files.iter().find(|f| f.path == "README.md").unwrap().bytes)
            .to_string();
    assert!(readme.contains("## What to use"));
    assert!(readme.contains("![time-vs-workers-sleep](charts/time-vs-workers-sleep.png)"));
}

#[test]
fn writing_leaves_only_the_report_files() {
    let dir = tempfile::tempdir().unwrap();
    let files = poolbench_report::build(&one(fixture())).unwrap();
    poolbench_report::write(dir.path(), &files).unwrap();
    poolbench_report::write(dir.path(), &files).unwrap();
    let top = std::fs::read_dir(dir.path()).unwrap().count();
    let charts = std::fs::read_dir(dir.path().join("charts"))
        .unwrap()
        .count();
    assert_eq!(
        top + charts,
        files.len() + 1,
        "no temporary files, charts/ counted once"
    );
}

#[test]
fn html_and_markdown_hold_every_section_and_the_per_task_table() {
    let files = poolbench_report::build(&one(fixture())).unwrap();
    let html = text_of(&files, "index.html");
    assert!(html.starts_with("<!doctype html>") && html.trim_end().ends_with("</html>"));
    assert_eq!(html.matches("<svg").count(), html.matches("</svg>").count());
    for needle in [
        "What to use",
        "tasks/s",
        "queue wait p50 / p99",
        "every cell&#39;s outputs matched",
        "Environment",
    ] {
        let needle = needle.replace("&#39;", "'");
        assert!(html.contains(&needle), "index.html lacks {needle}");
    }
    let md = text_of(&files, "README.md");
    assert!(md.contains("Per task:"));
    assert!(md.contains("![latency-cdf-sleep](charts/latency-cdf-sleep.png)"));
}

#[test]
fn a_merged_report_labels_every_machine() {
    let laptop = fixture();
    let mut server = fixture();
    server.environment.logical_cores = 16;
    for cell in &mut server.results {
        cell.plan.cores = 16;
    }
    let inputs = Input::label_all(vec![laptop, server], &["laptop".into(), "server".into()]);
    let files = poolbench_report::build(&inputs).unwrap();
    let md = text_of(&files, "README.md");
    assert!(md.contains("On laptop: "), "{md}");
    assert!(md.contains("On server: "), "{md}");
    assert!(md.contains("| rayon · server |"));
    // Charts name each model and each machine once, in a legend column.
    let svg = text_of(&files, "charts/time-vs-workers-sleep.svg");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(str::trim)
        .collect();
    for label in ["rayon", "tokio", "laptop", "server"] {
        let count = texts.iter().filter(|t| **t == label).count();
        assert_eq!(count, 1, "the chart names {label} once: {texts:?}");
    }
    let bars = text_of(&files, "charts/models-at-cores-sum.svg");
    assert!(bars.contains("rayon · server (W=4)") && bars.contains("rayon · laptop (W=2)"));
    assert!(
        files
            .iter()
            .any(|f| f.path == "charts/models-at-cores-sum.png"),
        "bars compare each machine at its own core count"
    );
    let csv = text_of(&files, "results.csv");
    assert!(csv.lines().skip(1).any(|l| l.starts_with("server,")));
    assert!(csv.lines().skip(1).any(|l| l.starts_with("laptop,")));
}

#[test]
fn same_machine_twice_gets_distinct_labels() {
    let inputs = Input::label_all(vec![fixture(), fixture()], &[]);
    assert_ne!(inputs[0].label, inputs[1].label);
    assert!(inputs[1].label.ends_with("#2"), "{}", inputs[1].label);
}

#[test]
fn a_failed_write_leaves_the_earlier_report_whole() {
    let dir = tempfile::tempdir().unwrap();
    let files = poolbench_report::build(&one(fixture())).unwrap();
    poolbench_report::write(dir.path(), &files).unwrap();
    let before = std::fs::read(dir.path().join("index.html")).unwrap();
    // A new report whose last file cannot be written (its folder is a plain file).
    let mut newer = files.clone();
    newer[0].bytes = b"<!doctype html>newer".to_vec();
    newer.push(ReportFile {
        path: "index.html/impossible".into(),
        bytes: Vec::new(),
    });
    assert!(poolbench_report::write(dir.path(), &newer).is_err());
    assert_eq!(
        std::fs::read(dir.path().join("index.html")).unwrap(),
        before
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .chain(std::fs::read_dir(dir.path().join("charts")).unwrap())
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".poolbench-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

/// Two cells whose recorded intervals overlap: no winner is claimed between them, and the
/// report says so. The intervals come from `median_ci_s`, not from recomputing the samples.
#[test]
fn recorded_overlapping_intervals_yield_no_winner() {
    let mut results = ResultsFile::new(
        Environment::capture(vec!["poolbench".into(), "run".into()]),
        None,
    );
    let with_ci = |model: &str, median: f64, ci: [f64; 2]| {
        let mut cell = cell("sum", WorkKind::Cpu, model, 2, &[median; 6]);
        cell.time.median_ci_s = Some(ci);
        cell.time.ci_level = Some(0.968_75);
        cell
    };
    results.results = vec![
        cell("sum", WorkKind::Cpu, "sequential", 1, &[0.2; 6]),
        with_ci("rayon", 0.100, [0.090, 0.120]),
        with_ci("tokio", 0.105, [0.095, 0.130]),
        with_ci("process", 0.150, [0.140, 0.160]),
    ];
    let inputs = one(results);
    let verdicts = poolbench_compare::fastest_groups(&poolbench_report::group(&inputs));
    let sum = &verdicts[0];
    assert_eq!(sum.fastest, "rayon");
    assert_eq!(sum.indistinguishable, ["tokio"], "{sum:?}");
    let files = poolbench_report::build(&inputs).unwrap();
    let md = text_of(&files, "README.md");
    // No cost figures recorded: nothing separates the two, and the reason says so.
    assert!(
        md.contains("- **sum · 8 tasks · no parameters**: rayon at W = 2 — as fast as 1 other within the 95 % intervals, and no cost"),
        "{md}"
    );
    // The table shows the recorded interval.
    assert!(md.contains("90.0 ms – 120 ms"), "{md}");

    // With costs: tokio adds 2 threads where rayon adds 8, so tokio is the one to use.
    let mut results = inputs[0].results.clone();
    for cell in &mut results.results {
        cell.cost.peak_threads = Some(if cell.model == "tokio" { 2 } else { 8 });
    }
    let groups = poolbench_report::group(&one(results.clone()));
    let decisions = poolbench_compare::decide::decide(&groups);
    let overall = decisions.iter().find(|v| v.workers.is_none()).unwrap();
    assert_eq!(overall.recommended.model, "tokio");
    assert_eq!(overall.decided_by, poolbench_results::DecidedBy::Threads);
    let fastest: Vec<&str> = overall.fastest.iter().map(|p| p.model.as_str()).collect();
    assert_eq!(fastest, ["rayon", "tokio"]);
    assert!(
        overall.why.contains("2 OS threads where 1 of them takes 8"),
        "{}",
        overall.why
    );
    let costs = &overall.costs[1];
    assert_eq!((costs.model.as_str(), costs.threads), ("tokio", Some(2)));

    // A single fastest cell is recommended alone.
    results.results.retain(|c| c.model != "tokio");
    let groups = poolbench_report::group(&one(results));
    let overall = poolbench_compare::decide::decide(&groups).remove(0);
    assert_eq!(overall.recommended.model, "rayon");
    assert_eq!(overall.decided_by, poolbench_results::DecidedBy::Alone);
    assert!(
        overall
            .why
            .starts_with("the fastest (100 ms): no other cell's 95 % interval overlaps"),
        "{}",
        overall.why
    );
}

/// A cell with too few samples shows its interval's real level; the machine's noise is a
/// warning at the top of the report, naming the figure.
#[test]
fn low_confidence_and_machine_noise_are_said() {
    let mut results = fixture();
    results.results[1].time.samples_s.truncate(3);
    results.results[1].time.median_ci_s = None;
    results.results[1].time.ci_level = None;
    let mut broken = cell("sum", WorkKind::Cpu, "rayon", 8, &[1.0]);
    broken.time.samples_s.clear();
    broken.time.median_s = None;
    broken.outcome.failed_batches = 6;
    broken.time.no_median = Some("every timed batch had a failed task".into());
    results.results.push(broken);
    results.noise = Some(poolbench_results::noise::NoiseReport {
        core_speeds: vec![],
        core_speed_ratio: None,
        steal_fraction: Some(0.05),
        sequential_spread: None,
    });
    let files = poolbench_report::build(&one(results)).unwrap();
    let md = text_of(&files, "README.md");
    assert!(md.contains("(only 75.0 %)"), "{md}");
    assert!(
        md.contains("too few clean samples for a 95 % interval"),
        "{md}"
    );
    assert!(
        md.contains("Warning — noisy machine: the hypervisor stole 5.0 %"),
        "{md}"
    );
    let html = text_of(&files, "index.html");
    assert!(html.contains("class=\"warning\""));
}

/// `repro`'s comparison: cells matched by identity (the mock server's URL aside), the share of
/// second medians inside the first intervals, and whether the verdict held.
#[test]
fn agreement_counts_cells_inside_and_checks_the_verdict() {
    let first = fixture();
    let mut second = fixture();
    for cell in &mut second.results {
        cell.params
            .insert("url".into(), "http://127.0.0.1:1/".into());
        let shift = if cell.model == "tokio" { 2.0 } else { 1.0 };
        for s in &mut cell.time.samples_s {
            *s *= shift;
        }
        cell.time.median_s = cell.time.median_s.map(|m| m * shift);
    }
    let a = poolbench_compare::agreement::agreement(&first, &second);
    assert_eq!(a.unmatched, 0);
    assert_eq!(a.cells, first.results.len());
    // Every tokio cell doubled: those are the cells outside.
    let tokio = first.results.iter().filter(|c| c.model == "tokio").count();
    assert_eq!(a.inside, a.cells - tokio);
    for w in &a.workloads {
        assert!(w.delta_p90 > 0.5, "{w:?}");
        assert_eq!(w.verdict_agrees(), Some(true), "{w:?}");
    }
    let text = poolbench_compare::agreement::render_text(&a);
    assert!(text.contains("had the second median inside the first run's interval"));
}

#[test]
fn a_model_the_registry_does_not_know_still_charts_in_its_recorded_place() {
    let mut results = fixture();
    for cell in &mut results.results {
        if cell.model == "tokio" {
            cell.model = "my-pool".into();
        }
    }
    results.model_order = ["sequential", "my-pool", "rayon"]
        .map(String::from)
        .to_vec();
    let inputs = Input::label_all(vec![results], &[]);
    // The recorded order, then the file's other models.
    assert_eq!(
        poolbench_compare::model_order(&inputs),
        ["sequential", "my-pool", "rayon", "process"]
    );
    let files = poolbench_report::build(&inputs).unwrap();
    let html = files.iter().find(|f| f.path == "index.html").unwrap();
    assert!(String::from_utf8_lossy(&html.bytes).contains("my-pool"));
    // Without a recorded order, poolbench's own applies and unknown models come last.
    let inputs = Input::label_all(vec![fixture()], &[]);
    let order = poolbench_compare::model_order(&inputs);
    assert_eq!(order, poolbench_compare::legacy_order());
}

/// The stroke colours of a chart's lines (`<polyline stroke="#rrggbb">`).
fn line_colours(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    let mut colours: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .filter_map(|n| n.attribute("stroke").map(str::to_owned))
        .collect();
    colours.sort();
    colours.dedup();
    colours
}

#[test]
fn models_no_registry_knows_render_in_distinct_styles() {
    let mut results = fixture();
    results.model_order.clear();
    results.models.clear();
    let renamed = ["py-a", "py-b", "py-c", "py-d", "py-e", "py-f", "py-g"];
    // Seven unknown models beside the oracle: each of the fixture's models, and copies.
    let mut extra = Vec::new();
    for cell in &results.results {
        if let Some(i) = MODELS.iter().position(|m| *m == cell.model) {
            for k in (i..renamed.len()).step_by(MODELS.len()) {
                let mut copy = cell.clone();
                copy.model = renamed[k].into();
                copy.time.median_s = copy.time.median_s.map(|m| m * (1.0 + k as f64 / 10.0));
                extra.push(copy);
            }
        }
    }
    results.results.retain(|c| c.model == "sequential");
    results.results.extend(extra);
    let book = poolbench_compare::ModelBook::of(&one(results.clone()));
    let styles: Vec<_> = renamed.iter().map(|m| book.style(m)).collect();
    for (i, a) in styles.iter().enumerate() {
        for b in &styles[i + 1..] {
            assert_ne!(a.colour, b.colour, "{styles:?}");
        }
    }
    let files = poolbench_report::build(&one(results)).unwrap();
    let svg = text_of(&files, "charts/time-vs-workers-sum.svg");
    let colours = line_colours(&svg);
    assert!(colours.len() >= renamed.len(), "{colours:?}");
}

#[test]
fn a_recorded_style_and_role_are_what_the_report_uses() {
    use poolbench_core::{Language, Marker, ModelRole, ModelStyle};
    let mut results = fixture();
    for cell in &mut results.results {
        if cell.model == "tokio" {
            cell.model = "py-pool".into();
        }
    }
    results.models = vec![poolbench_results::ModelInfo {
        name: "py-pool".into(),
        language: Language::Python,
        role: ModelRole::Model,
        workers: None,
        style: ModelStyle::new([1, 2, 3], Marker::Diamond),
        summary: "a Python pool".into(),
    }];
    let files = poolbench_report::build(&one(results)).unwrap();
    let svg = text_of(&files, "charts/time-vs-workers-sum.svg");
    assert!(
        line_colours(&svg).contains(&"#010203".to_owned()),
        "recorded colour"
    );
    assert!(svg.contains("#010203"));
}
