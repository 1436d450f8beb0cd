//! "The articles, re-measured": a page per seed experiment, with Python beside Rust.

mod common;

use common::{cell, fixture, one, seeds_fixture, text_of};
use poolbench_core::{Language, ModelRole, ModelStyle, WorkKind, WorkerKind};
use poolbench_results::{ModelInfo, ResultsFile};

#[test]
fn seed_experiments_get_their_pages_and_their_charts() {
    let files = poolbench_report::build(&one(seeds_fixture())).unwrap();
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for path in [
        "articles/index.html",
        "articles/s2.html",
        "articles/s3.html",
        "articles.md",
        "charts/phases-s2-thumbnail.svg",
        "charts/completion-order-s3-sleep.svg",
    ] {
        assert!(paths.contains(&path), "{path} missing from {paths:?}");
    }
    let index = text_of(&files, "articles/index.html");
    assert!(
        index.contains("27.9 s in one process"),
        "the article's figure"
    );
    let s2 = text_of(&files, "articles/s2.html");
    for expected in [
        "py-pool",
        "py-dummy-pool",
        "fastest Python pool ÷ fastest Rust pool (same W)",
        "../charts/phases-s2-thumbnail.svg",
        "Python takes",
        "GIL",
        "decode, ",
    ] {
        assert!(s2.contains(expected), "s2.html lacks {expected:?}");
    }
    let s3 = text_of(&files, "articles/s3.html");
    assert!(s3.contains("../charts/completion-order-s3-sleep.svg"));
    assert!(s3.contains("tasks finished out of their submission order"));
    // Articles that claim something about scheduling show both languages' timelines.
    for page in [&s2, &s3] {
        assert!(page.contains("../charts/timeline-rust-"), "{page}");
        assert!(page.contains("../charts/timeline-python-"), "{page}");
    }
    let md = text_of(&files, "articles.md");
    assert!(md.contains("| S2 (32 of 6,000 images)"), "{md}");
    assert!(text_of(&files, "README.md").contains("(articles.md)"));
    assert!(text_of(&files, "index.html").contains("articles/index.html"));
}

#[test]
fn a_report_without_seed_experiments_has_no_article_pages() {
    let files = poolbench_report::build(&one(fixture())).unwrap();
    assert!(!files.iter().any(|f| f.path.starts_with("articles")));
    assert!(!text_of(&files, "index.html").contains("articles/index.html"));
}

#[test]
fn the_new_charts_keep_their_text_apart_and_their_python_models_distinct() {
    let files = poolbench_report::build(&one(seeds_fixture())).unwrap();
    for name in [
        "charts/phases-s2-thumbnail.svg",
        "charts/completion-order-s3-sleep.svg",
        "charts/time-vs-workers-s2-thumbnail.svg",
    ] {
        let svg = text_of(&files, name);
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let texts: Vec<String> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| Some(n.text()?.trim().to_owned()))
            .collect();
        assert!(texts.len() > 5, "{name}: {texts:?}");
        if name.contains("completion-order") {
            for model in ["sequential", "rayon", "py-dummy-pool", "py-pool"] {
                assert!(
                    texts.iter().any(|t| t == model),
                    "{name}: no legend for {model}"
                );
            }
        }
    }
}

/// A results file of one seed experiment: `cells` of (model, W, median seconds) of `workload`,
/// each model described as the runs describe them.
fn experiment(
    label: &str,
    workload: &str,
    kind: WorkKind,
    cells: &[(&str, usize, f64)],
) -> ResultsFile {
    let mut results = fixture();
    results.results.clear();
    let describe = |name: &str| -> (Language, ModelRole, WorkerKind) {
        match name {
            "sequential" => (Language::Rust, ModelRole::Oracle, WorkerKind::Caller),
            "py-sequential" => (Language::Python, ModelRole::Baseline, WorkerKind::Caller),
            "rayon" => (Language::Rust, ModelRole::Model, WorkerKind::Threads),
            n if n.contains("thread") || n.contains("dummy") => {
                (Language::Python, ModelRole::Model, WorkerKind::Threads)
            }
            _ => (Language::Python, ModelRole::Model, WorkerKind::Processes),
        }
    };
    for (i, &(name, w, t)) in cells.iter().enumerate() {
        if !results.models.iter().any(|m| m.name == name) {
            let (language, role, workers) = describe(name);
            results.models.push(ModelInfo {
                name: name.into(),
                language,
                role,
                workers: Some(workers),
                style: ModelStyle::generated(i),
                summary: String::new(),
            });
        }
        let mut c = cell(workload, kind, name, w, &[t * 0.99, t, t * 1.01]);
        c.experiment = Some(label.into());
        results.results.push(c);
    }
    results
}

#[test]
fn python_and_rust_compare_pool_with_pool_at_the_same_w_and_loop_with_loop() {
    // S4's tiny sums: Python's Pool against Rust's plain loop would be 652x at W = 1.
    let results = experiment(
        "S4 (5 tiny tasks, 4 workers)",
        "sum",
        WorkKind::Cpu,
        &[
            ("sequential", 1, 0.000_010),
            ("rayon", 1, 0.000_050),
            ("rayon", 4, 0.000_060),
            ("py-sequential", 1, 0.000_300),
            ("py-pool", 1, 0.006_520),
            ("py-pool", 4, 0.004_200),
        ],
    );
    let files = poolbench_report::build(&one(results)).unwrap();
    let md = text_of(&files, "articles.md");
    // Pool ÷ pool at W = 1 is 6.52 ms / 50 µs = 130, at W = 4 70.0; loop ÷ loop 30.0.
    assert!(
        md.contains("pools at W = 1: 130; W = 4: 70.0; loops: 30.0"),
        "{md}"
    );
    assert!(
        md.contains("| 1 (loops) | 10.0 µs (sequential, a loop) |"),
        "{md}"
    );
    assert!(!md.contains("652"), "{md}");
    // The best of any W names both W.
    assert!(md.contains("(Python W = 4, Rust W = 1)"), "{md}");
}

#[test]
fn each_claim_ends_held_not_held_or_no_difference_from_the_intervals() {
    let s7 = |process: f64, threads: f64| {
        let results = experiment(
            "S7",
            "sum",
            WorkKind::Cpu,
            &[
                ("sequential", 1, 0.001),
                ("rayon", 3, 0.0006),
                ("py-sequential", 1, 0.090),
                ("py-thread-executor", 3, threads),
                ("py-process-executor", 3, process),
            ],
        );
        let files = poolbench_report::build(&one(results)).unwrap();
        text_of(&files, "articles/s7.html").into_owned()
    };
    let claim = "The article&#39;s claim — the process pool finishes faster than the thread pool (the GIL) — ";
    let claim = &claim.replace("&#39;", "'");
    assert!(s7(0.030, 0.090).contains(&format!("{claim}held: ")));
    assert!(s7(0.090, 0.030).contains(&format!("{claim}did not hold here: ")));
    assert!(s7(0.0300, 0.0301).contains(&format!("{claim}no difference within the intervals: ")));
    let index = {
        let results = experiment(
            "S7",
            "sum",
            WorkKind::Cpu,
            &[
                ("sequential", 1, 0.001),
                ("py-thread-executor", 3, 0.090),
                ("py-process-executor", 3, 0.030),
            ],
        );
        let files = poolbench_report::build(&one(results)).unwrap();
        text_of(&files, "articles/index.html").into_owned()
    };
    assert!(index.contains("<td>held</td>"), "{index}");
}

#[test]
fn decoders_that_differ_in_simd_mark_every_s2_figure_not_like_for_like() {
    let with = |simd: bool| {
        let mut results = seeds_fixture();
        results.environment.jpeg_decoder_simd = Some(simd);
        results.environment.python = Some(poolbench_results::PythonSide {
            executable: "python3".into(),
            version: "3.11.7".into(),
            implementation: "cpython".into(),
            start_method: "fork".into(),
            pillow: Some("13.0.0".into()),
            libjpeg_turbo: Some("3.2.0".into()),
            models: Vec::new(),
            engines: Vec::new(),
            clusters: Vec::new(),
        });
        poolbench_report::build(&one(results)).unwrap()
    };
    let files = with(false);
    let s2 = text_of(&files, "articles/s2.html");
    assert!(
        s2.contains("Every Python ÷ Rust figure here is not like for like"),
        "{s2}"
    );
    assert!(s2.contains("install nasm"), "the cure: {s2}");
    assert!(s2.contains("(same W; not like for like)"), "{s2}");
    let index = text_of(&files, "articles/index.html");
    assert!(
        index.contains("(not like for like: see the page)"),
        "{index}"
    );
    // S3 decodes nothing: its figures are not marked.
    let s3 = text_of(&files, "articles/s3.html");
    assert!(!s3.contains("not like for like"), "{s3}");
    // The report's warnings say it too.
    let readme = text_of(&files, "README.md");
    assert!(
        readme.contains("thumbnail Python ÷ Rust is not like for like"),
        "{readme}"
    );
    // With SIMD on both sides, nothing is marked.
    let files = with(true);
    assert!(!text_of(&files, "articles/s2.html").contains("not like for like"));
    assert!(!text_of(&files, "README.md").contains("not like for like"));
}
