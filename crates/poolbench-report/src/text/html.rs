//! `index.html`: the report as one self-contained page, projector-sized type.

use std::fmt::Write;

use super::*;

/// The start of an HTML page of the report, up to and including `<body>`: its title and the
/// report's style (large type, readable on a projector).
pub(crate) fn page_head(title: &str) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title>\
         <style>body{{font-family:sans-serif;font-size:20px;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}}\
         table{{border-collapse:collapse;margin:1em 0;font-size:17px}}td,th{{border:1px solid #ccc;padding:4px 10px;text-align:right}}\
         td:first-child,th:first-child{{text-align:left}}table.text td{{text-align:left}}svg,figure img{{max-width:100%;height:auto}}figure{{margin:1em 0}}code,pre{{background:#f4f4f4}}\
         pre{{overflow-x:auto;font-size:15px}}li{{margin:.5em 0}}summary{{cursor:pointer;margin:.5em 0}}\
         nav a{{margin-right:1em}}.warning{{background:#fff3cd;border-left:6px solid #c58a00;padding:.5em 1em}}</style></head><body>",
        escape(title)
    );
    h
}

/// `index.html`: charts shown from `charts/*.svg`, readable on a projector. With
/// `articles`, a link to the seed experiments' pages.
pub fn html(
    inputs: &[Input],
    sections: &[Section],
    (advice, decisions): (&[Advice], &[MachineVerdict]),
    articles: bool,
) -> String {
    let mut h = page_head("poolbench report");
    let _ = write!(
        h,
        "<h1>poolbench report</h1><p>{}</p><h2>What to use</h2><ul>",
        escape(&conditions(inputs))
    );
    for a in advice {
        let _ = write!(
            h,
            "<li><b>{}</b>: {}</li>",
            escape(&a.about),
            escape(&a.text)
        );
    }
    let _ = write!(h, "</ul><p>{}</p>", escape(WHAT_TO_USE_NOTE));
    for line in summary(inputs, sections) {
        let _ = write!(h, "<p>{}</p>", escape(&line));
    }
    for warning in warnings(inputs) {
        let _ = write!(
            h,
            "<p class=\"warning\"><strong>Warning — {}</strong></p>",
            escape(&warning)
        );
    }
    for input in inputs {
        let _ = write!(
            h,
            "<p>Command{}: <code>{}</code></p>",
            escape(&merged_suffix(inputs, input)),
            escape(&input.results.environment.command_line.join(" "))
        );
    }
    if articles {
        let _ = write!(
            h,
            "<p><b><a href=\"articles/index.html\">The articles, re-measured</a></b>: each seed \
             experiment with its article's figure, Python's pools and the Rust models.</p>"
        );
    }
    let _ = write!(h, "<nav>");
    for section in sections {
        let _ = write!(
            h,
            "<a href=\"#{}\">{}</a>",
            section.group.slug,
            escape(&section.group.slug)
        );
    }
    let _ = write!(h, "</nav>");
    for section in sections {
        let g = section.group;
        let _ = write!(
            h,
            "<h2 id=\"{}\">{}</h2><p>Parameters: {}</p>",
            g.slug,
            escape(&g.label()),
            escape(&g.params)
        );
        for chart in &section.charts {
            figure(&mut h, chart);
        }
        html_table(&mut h, &HEADINGS, &table_rows(g));
        if let Some(note) = blocking_note(g) {
            let _ = write!(h, "<p>{}</p>", escape(&note));
        }
        let at_each_w = rows_at_each_w(g, decisions);
        if !at_each_w.is_empty() {
            let _ = write!(h, "<p>What to use at each W:</p>");
            html_table(&mut h, &headings_at_each_w(g), &at_each_w);
        }
        let _ = write!(
            h,
            "<details><summary>Per task: throughput, overhead, waits, resources</summary>"
        );
        html_table(&mut h, &DETAIL_HEADINGS, &detail_rows(g));
        let _ = write!(h, "</details>");
        if !section.timelines.is_empty() {
            let _ = write!(
                h,
                "<h3>{}</h3><p>{}</p>",
                super::schedule::HEADING,
                escape(super::schedule::INTRO)
            );
            for chart in &section.timelines {
                figure(&mut h, chart);
            }
            html_table(
                &mut h,
                &super::schedule::HEADINGS,
                &super::schedule::rows(g),
            );
            if let Some(finding) = super::schedule::finding(g) {
                let _ = write!(h, "<p>{}</p>", escape(&finding));
            }
        }
    }
    let _ = write!(h, "<h2>Environment</h2>");
    for input in inputs {
        if inputs.len() > 1 {
            let _ = write!(h, "<h3>{}</h3>", escape(&input.label));
        }
        let env_json = serde_json::to_string_pretty(&input.results.environment).unwrap_or_default();
        let _ = write!(h, "<pre>{}</pre>", escape(&env_json));
    }
    let _ = writeln!(
        h,
        "<p>Raw data: {}<a href=\"results.csv\">results.csv</a>.</p></body></html>",
        if inputs.len() == 1 {
            "<a href=\"results.json\">results.json</a>, "
        } else {
            ""
        }
    );
    h
}

/// A chart as a figure: the SVG file, not the SVG inlined (each chart is stored once in the
/// folder), at its own size.
fn figure(h: &mut String, chart: &crate::Rendered) {
    let _ = write!(
        h,
        "<figure><img src=\"charts/{0}.svg\" alt=\"{0}\" width=\"{1}\" height=\"{2}\"></figure>",
        chart.name, chart.size.0, chart.size.1
    );
}

fn html_table(h: &mut String, headings: &[&str], rows: &[Vec<String>]) {
    let _ = write!(h, "<table><tr>");
    for heading in headings {
        let _ = write!(h, "<th>{}</th>", escape(heading));
    }
    let _ = write!(h, "</tr>");
    for row in rows {
        let _ = write!(h, "<tr>");
        for cell in row {
            let _ = write!(h, "<td>{}</td>", escape(cell));
        }
        let _ = write!(h, "</tr>");
    }
    let _ = write!(h, "</table>");
}
