//! Every axis of every chart carries numbers a reader can read a point against: at least three
//! tick labels, written with one precision per axis, and worker axes labelled at exactly the
//! worker counts that ran; and no legend sits on the plot. Checked on the rendered SVGs, parsed as XML: plotters writes a
//! y-axis tick label right-aligned (`text-anchor="end"`) at the axis's x, and an x-axis tick
//! label centred on one row under the plot.

use std::collections::BTreeMap;

mod common;

use common::{fixture, one};

/// One `<text>` element: where it is anchored and what it says.
#[derive(Debug)]
struct Text {
    x: String,
    y: String,
    anchor: String,
    content: String,
}

fn texts(svg: &str) -> Vec<Text> {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| Text {
            x: n.attribute("x").unwrap_or_default().to_owned(),
            y: n.attribute("y").unwrap_or_default().to_owned(),
            anchor: n.attribute("text-anchor").unwrap_or_default().to_owned(),
            content: n.text().unwrap_or_default().trim().to_owned(),
        })
        .collect()
}

/// The tick labels of the y axis (the largest column of right-aligned texts) and of the x axis
/// (the largest row of centred texts).
fn axis_labels(svg: &str) -> (Vec<String>, Vec<String>) {
    let mut columns: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut rows: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for text in texts(svg) {
        match text.anchor.as_str() {
            "end" => columns.entry(text.x).or_default().push(text.content),
            "middle" => rows.entry(text.y).or_default().push(text.content),
            _ => {}
        }
    }
    let largest = |groups: BTreeMap<String, Vec<String>>| {
        groups
            .into_values()
            .max_by_key(Vec::len)
            .unwrap_or_default()
    };
    (largest(columns), largest(rows))
}

/// The decimals of a label's number (`1.5 ms` → 1, `20 ms` → 0, `0.25×` → 2).
fn decimals(label: &str) -> Option<usize> {
    let number: String = label
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    number.parse::<f64>().ok()?;
    Some(number.split_once('.').map_or(0, |(_, d)| d.len()))
}

fn assert_readable(chart: &str, axis: &str, labels: &[String]) {
    assert!(
        labels.len() >= 3,
        "{chart}: the {axis} axis has {} tick labels: {labels:?}",
        labels.len()
    );
    let precisions: Vec<Option<usize>> = labels.iter().map(|l| decimals(l)).collect();
    assert!(
        precisions
            .iter()
            .all(|p| p.is_some() && *p == precisions[0]),
        "{chart}: the {axis} axis mixes precisions: {labels:?}"
    );
}

#[test]
fn every_numeric_axis_has_three_labels_in_one_precision() {
    let mut files = poolbench_report::build(&one(fixture())).unwrap();
    files.extend(poolbench_report::build(&one(common::seeds_fixture())).unwrap());
    let mut checked = 0;
    for file in files.iter().filter(|f| f.path.ends_with(".svg")) {
        let svg = String::from_utf8(file.bytes.clone()).unwrap();
        let (y, x) = axis_labels(&svg);
        let chart = file.path.as_str();
        // Bar charts have the models on their y axis; every other axis is numeric.
        let categories = chart.contains("models-at")
            || chart.contains("overhead-per-task")
            || chart.contains("phases-")
            || chart.contains("timeline-");
        if !categories {
            assert_readable(chart, "y", &y);
        }
        assert_readable(chart, "x", &x);
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} charts");
}

#[test]
fn worker_axes_are_labelled_at_the_worker_counts_that_ran() {
    let files = poolbench_report::build(&one(fixture())).unwrap();
    for file in files.iter().filter(|f| {
        f.path.ends_with(".svg")
            && (f.path.contains("time-vs-workers") || f.path.contains("speedup-vs-workers"))
    }) {
        let svg = String::from_utf8(file.bytes.clone()).unwrap();
        let (_, x) = axis_labels(&svg);
        // The fixture runs W = 1, 2 and 4.
        assert_eq!(x, ["1", "2", "4"], "{}", file.path);
    }
}

#[test]
fn time_axes_give_each_label_its_unit() {
    let files = poolbench_report::build(&one(fixture())).unwrap();
    let svg = String::from_utf8(
        files
            .iter()
            .find(|f| f.path == "charts/time-vs-workers-sum.svg")
            .expect("the sum chart")
            .bytes
            .clone(),
    )
    .unwrap();
    let (y, _) = axis_labels(&svg);
    assert!(
        y.iter().all(|l| ["ns", "µs", "ms", "s"]
            .iter()
            .any(|u| l.ends_with(&format!(" {u}")))),
        "{y:?}"
    );
}

#[test]
fn legends_sit_beside_the_plot_not_on_it() {
    let files = poolbench_report::build(&one(fixture())).unwrap();
    let mut checked = 0;
    for file in files.iter().filter(|f| {
        f.path.ends_with(".svg")
            && [
                "time-vs-workers",
                "speedup-vs",
                "latency-cdf",
                "cpu-vs-wall",
            ]
            .iter()
            .any(|kind| f.path.contains(kind))
    }) {
        let svg = String::from_utf8(file.bytes.clone()).unwrap();
        let all = texts(&svg);
        let (_, x_ticks) = axis_labels(&svg);
        // The plot ends where its rightmost x tick label is centred, or further right.
        let plot_right = all
            .iter()
            .filter(|t| t.anchor == "middle" && x_ticks.contains(&t.content))
            .filter_map(|t| t.x.parse::<f64>().ok())
            .fold(0.0, f64::max);
        let entries: Vec<&Text> = all
            .iter()
            .filter(|t| t.anchor == "start" && common::MODELS.contains(&t.content.as_str()))
            .collect();
        assert!(!entries.is_empty(), "{}: no legend entries", file.path);
        for entry in entries {
            let x: f64 = entry.x.parse().unwrap();
            assert!(
                x > plot_right,
                "{}: legend entry {} at x = {x}, inside the plot (to x ≥ {plot_right})",
                file.path,
                entry.content
            );
        }
        checked += 1;
    }
    assert!(checked >= 6, "only {checked} line charts");
}

#[test]
fn bars_start_at_a_labelled_zero_and_log_axes_draw_dots() {
    let files = poolbench_report::build(&one(fixture())).unwrap();
    let svg_of = |path: &str| {
        String::from_utf8(
            files
                .iter()
                .find(|f| f.path == path)
                .unwrap_or_else(|| panic!("{path} missing"))
                .bytes
                .clone(),
        )
        .unwrap()
    };
    // The fixture's sum medians are within 20× of each other: bars on a linear axis from 0.
    let (_, x) = axis_labels(&svg_of("charts/models-at-w2-sum.svg"));
    assert!(
        x.first().is_some_and(|l| l.starts_with("0 ")),
        "the bar axis does not start at a labelled zero: {x:?}"
    );
    // Per-task overhead is on a log axis, which has no zero: a dot per model, no bar.
    let overhead = svg_of("charts/overhead-per-task-w2-noop.svg");
    let doc = roxmltree::Document::parse(&overhead).unwrap();
    let circles = doc
        .descendants()
        .filter(|n| n.has_tag_name("circle"))
        .count();
    let bars = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect"))
        .filter(|n| n.attribute("height").and_then(|h| h.parse::<f64>().ok()) < Some(100.0))
        .count();
    assert!(circles > common::MODELS.len(), "{circles} dots");
    assert_eq!(bars, 0, "bars on a log axis");
}

/// A text element's box, estimated from its anchor, font size and length (DejaVu Sans
/// averages about 0.6 em a character).
fn text_box(node: &roxmltree::Node) -> Option<[f64; 4]> {
    if node.attribute("transform").is_some() {
        return None; // the rotated axis title, alone at the left edge
    }
    let x: f64 = node.attribute("x")?.parse().ok()?;
    let y: f64 = node.attribute("y")?.parse().ok()?;
    let size: f64 = node.attribute("font-size")?.parse().ok()?;
    let chars = node.text()?.trim().chars().count() as f64;
    let width = 0.6 * size * chars;
    let left = match node.attribute("text-anchor") {
        Some("middle") => x - width / 2.0,
        Some("end") => x - width,
        _ => x,
    };
    // `dy="0.76em"` puts the top of the text at y; without it, y is the baseline.
    let top = if node.attribute("dy").is_some() {
        y
    } else {
        y - 0.76 * size
    };
    Some([left, top, left + width, top + size])
}

#[test]
fn no_two_texts_overlap() {
    let mut files = poolbench_report::build(&one(fixture())).unwrap();
    files.extend(poolbench_report::build(&one(common::seeds_fixture())).unwrap());
    for file in files.iter().filter(|f| f.path.ends_with(".svg")) {
        let svg = String::from_utf8(file.bytes.clone()).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let boxes: Vec<(String, [f64; 4])> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| Some((n.text()?.trim().to_owned(), text_box(&n)?)))
            .collect();
        for (i, (a, p)) in boxes.iter().enumerate() {
            for (b, q) in &boxes[i + 1..] {
                let overlap = p[0] < q[2] && q[0] < p[2] && p[1] < q[3] && q[1] < p[3];
                assert!(!overlap, "{}: '{a}' {p:?} overlaps '{b}' {q:?}", file.path);
            }
        }
    }
}
