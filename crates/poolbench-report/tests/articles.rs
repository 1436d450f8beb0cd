//! "The articles, re-measured": a page per seed experiment, with Python beside Rust.

mod common;

use common::{fixture, one, seeds_fixture, text_of};

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
        "fastest Python ÷ fastest Rust",
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
