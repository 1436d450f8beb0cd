//! Property test (issue 26): whatever a model, an experiment or a machine is called, the report,
//! `compare`'s Markdown and the JUnit export stay valid. Every SVG and the JUnit file parse as
//! XML, and the HTML and the Markdown keep the shape they have with plain names: the same tags in the same order, the
//! same headings and the same table columns. A name can add text, never markup.
//!
//! (Labels a person types, in a suite or on the command line, are refused before anything runs
//! when too long or holding a control character: `crates/poolbench-cli/tests/hostile.rs`. A
//! results file is not checked that way; its names are cut as it is read and escaped as they
//! are written, which is what this test exercises: any string at all.)

mod common;

use common::fixture;
use poolbench_report::{Formats, Input, ReportFile};
use proptest::prelude::*;

/// `results` with `rayon` renamed `model`, sum's cells under the experiment `experiment`, and the
/// machine labelled `machine`.
fn named(model: &str, experiment: &str, machine: &str) -> Vec<Input> {
    let mut results = fixture();
    for cell in &mut results.results {
        if cell.model == "rayon" {
            cell.model = model.to_owned();
        }
        if cell.workload == "sum" {
            cell.experiment = Some(experiment.to_owned());
        }
    }
    Input::label_all(vec![results], &[machine.to_owned()])
}

fn report(inputs: &[Input]) -> Vec<ReportFile> {
    poolbench_report::build_with(inputs, Formats { png: false }).unwrap()
}

fn text<'a>(files: &'a [ReportFile], path: &str) -> &'a str {
    let file = files.iter().find(|f| f.path == path).unwrap();
    std::str::from_utf8(&file.bytes).unwrap()
}

/// The tags of an HTML page, in order (`<` followed by a letter, `/` or `!`, and the name).
fn tags(html: &str) -> Vec<&str> {
    html.match_indices('<')
        .filter_map(|(at, _)| {
            let rest = &html[at + 1..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '/' || c == '!'))
                .unwrap_or(rest.len());
            (end > 0).then(|| &rest[..end])
        })
        .collect()
}

/// Each Markdown line's shape: a heading or not, its unescaped table bars, its raw HTML tags,
/// a fence.
fn shape(markdown: &str) -> Vec<(bool, usize, Vec<&str>, bool)> {
    markdown
        .lines()
        .map(|line| {
            let bars = line
                .match_indices('|')
                .filter(|(at, _)| *at == 0 || line.as_bytes()[at - 1] != b'\\');
            (
                line.starts_with('#'),
                bars.count(),
                tags(line),
                line.starts_with("```"),
            )
        })
        .collect()
}

/// Any text: markup, table bars, newlines, control characters, quotes, wide characters.
fn any_name() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("<script>alert(1)</script>".to_owned()),
        Just("<img src=x onerror=alert(1)>".to_owned()),
        Just("|".to_owned()),
        Just("\n## heading\n".to_owned()),
        Just("&amp;".to_owned()),
        Just("\"'`".to_owned()),
        Just("]]>".to_owned()),
        Just("\u{1b}[31m".to_owned()),
        Just("\u{0}\u{1}\u{7f}".to_owned()),
        Just("—ü漢🙂".to_owned()),
        "\\PC{0,12}",
        any::<char>().prop_map(String::from),
    ];
    // A prefix keeps every name apart from the names the fixture and the seeds use.
    prop::collection::vec(pieces, 0..6).prop_map(|parts| format!("≈{}", parts.concat()))
}

proptest! {
    // Each case renders two reports without PNGs: 48 cases here;
    // `PROPTEST_CASES=1000 cargo test --release -p poolbench-report --test any_name` runs more.
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_name_adds_text_never_markup(
        model in any_name(),
        experiment in any_name(),
        machine in any_name(),
    ) {
        let plain = report(&named("≈plain", "≈plain", "≈plain"));
        let hostile = report(&named(&model, &experiment, &machine));
        for file in hostile.iter().filter(|f| f.path.ends_with(".svg")) {
            let svg = std::str::from_utf8(&file.bytes).unwrap();
            let parsed = roxmltree::Document::parse(svg);
            prop_assert!(parsed.is_ok(), "{} is not XML: {:?}", file.path, parsed.err());
        }
        prop_assert_eq!(tags(text(&hostile, "index.html")), tags(text(&plain, "index.html")));
        prop_assert_eq!(shape(text(&hostile, "README.md")), shape(text(&plain, "README.md")));
        let compared = |inputs: Vec<Input>| {
            let results = &inputs[0].results;
            let comparison = poolbench_compare::compare::compare(results, results, None, true);
            poolbench_compare::compare::render_markdown(&comparison)
        };
        let (plain_md, hostile_md) = (
            compared(named("≈plain", "≈plain", "≈plain")),
            compared(named(&model, &experiment, &machine)),
        );
        prop_assert_eq!(shape(&hostile_md), shape(&plain_md));
        let junit = poolbench_compare::export::find_exporter("junit").unwrap();
        let results = &named(&model, &experiment, &machine)[0].results;
        let xml = junit.export(results, &Default::default());
        let parsed = roxmltree::Document::parse(&xml);
        prop_assert!(parsed.is_ok(), "JUnit is not XML: {:?}", parsed.err());
    }
}
