//! "The articles, re-measured": a page per seed experiment, with the article's own figure
//! beside Python and Rust measured on this machine, in the same run, on the same inputs.
//!
//! Written when a report's cells carry experiment labels of the seed articles (the `seeds`
//! preset): `articles/index.html` lists the experiments, `articles/s1.html` … hold one each,
//! and `articles.md` holds them all for code-hosting sites. The pages reuse the report's
//! charts and add two of their own: where a thumbnail's time goes in each language (S2), and
//! the order tasks finish in (S3).

mod claims;
mod compare;
mod seeds;

use poolbench_compare::fmt::md;
use std::fmt::Write;

use crate::chart::{render, CompletionOrder, Rendered};
use crate::text::{escape, page_head};
use crate::{ReportError, ReportFile, Section};
use poolbench_compare::{Input, WorkloadGroup};

pub use compare::{compare, Comparison, Row};

pub use seeds::{article_of, Article, ARTICLES};

/// One experiment's page: its article, and each of its workload groups with their charts.
struct Page<'a> {
    article: &'static Article,
    parts: Vec<Part<'a>>,
}

/// One workload group of an experiment.
struct Part<'a> {
    group: &'a WorkloadGroup,
    comparison: Comparison,
    /// Chart files (under `charts/`) to show, in order, with their sizes.
    charts: Vec<(String, (u32, u32))>,
}

/// The pages, their own charts and `articles.md`; nothing when no cell replicates a seed
/// experiment.
pub(crate) fn pages(
    inputs: &[Input],
    sections: &[Section],
    conditions: &str,
) -> Result<(Vec<ReportFile>, Vec<Rendered>), ReportError> {
    let mut pages: Vec<Page> = Vec::new();
    let mut extra = Vec::new();
    for section in sections {
        let g = section.group;
        let Some(article) = g.experiment.as_deref().and_then(article_of) else {
            continue;
        };
        let mut charts: Vec<(String, (u32, u32))> = section
            .charts
            .iter()
            .map(|c| (c.name.clone(), c.size))
            .collect();
        if article.about_scheduling {
            // Python's and Rust's timelines, one under the other, first on the page.
            let timelines = section.timelines.iter().rev();
            for chart in timelines {
                charts.insert(0, (chart.name.clone(), chart.size));
            }
        }
        let order = CompletionOrder {
            group: g,
            conditions: conditions.to_owned(),
        };
        if article.about_order && order.has_data() {
            let chart = render(&order)?;
            charts.insert(0, (chart.name.clone(), chart.size));
            extra.push(chart);
        }
        let mismatch = inputs
            .first()
            .and_then(|i| i.results.environment.jpeg_mismatch());
        let part = Part {
            group: g,
            comparison: compare(g, article, mismatch.as_deref()),
            charts,
        };
        match pages.iter_mut().find(|p| p.article.id == article.id) {
            Some(page) => page.parts.push(part),
            None => pages.push(Page {
                article,
                parts: vec![part],
            }),
        }
    }
    if pages.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    pages.sort_by_key(|p| ARTICLES.iter().position(|a| a.id == p.article.id));
    let mut files = vec![ReportFile {
        path: "articles/index.html".into(),
        bytes: index_html(inputs, &pages).into_bytes(),
    }];
    for page in &pages {
        files.push(ReportFile {
            path: format!("articles/{}.html", page.article.id.to_lowercase()),
            bytes: page_html(inputs, page).into_bytes(),
        });
    }
    files.push(ReportFile {
        path: "articles.md".into(),
        bytes: markdown(inputs, &pages).into_bytes(),
    });
    Ok((files, extra))
}

/// Who measured: the machine, the Python and the JPEG decoder of each results file.
fn on_this_machine(inputs: &[Input]) -> Vec<String> {
    let mut lines = vec![crate::summary::conditions(inputs)];
    for input in inputs {
        let env = &input.results.environment;
        match &env.python {
            Some(py) => lines.push(format!(
                "Python: {} {} ({}), Pillow {} with libjpeg-turbo {}, multiprocessing start \
                 method {}",
                if py.implementation == "cpython" {
                    "CPython"
                } else {
                    &py.implementation
                },
                py.version,
                py.executable,
                py.pillow.as_deref().unwrap_or("missing"),
                py.libjpeg_turbo.as_deref().unwrap_or("?"),
                py.start_method
            )),
            None => lines.push(
                "Python: not measured in this run (run with --with-python after \
                 scripts/python-setup.sh)"
                    .to_owned(),
            ),
        }
        if let Some(jpeg) = &env.jpeg_decoder {
            lines.push(format!("Rust's JPEG decoder: {jpeg}"));
        }
    }
    lines
}

fn index_html(inputs: &[Input], pages: &[Page]) -> String {
    let mut h = page_head("The articles, re-measured");
    let _ = write!(
        h,
        "<h1>The articles, re-measured</h1><p><a href=\"../index.html\">Full report</a></p>\
         <p>Four Python articles on thread and process pools made the claims below. Each \
         experiment ran here in both languages, in the same run, on the same inputs, every \
         output verified against one sequential oracle.</p>"
    );
    for line in on_this_machine(inputs) {
        let _ = write!(h, "<p>{}</p>", escape(&line));
    }
    let _ = write!(
        h,
        "<table class=\"text\"><tr><th>experiment</th><th>the article says</th><th>the claim here</th>\
         <th>fastest Python pool here</th><th>fastest Rust pool here</th>\
         <th>Python ÷ Rust, like for like</th></tr>"
    );
    for page in pages {
        for part in &page.parts {
            let c = &part.comparison;
            let _ = write!(
                h,
                "<tr><td><a href=\"{}.html\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                page.article.id.to_lowercase(),
                escape(&part.group.label()),
                escape(page.article.published),
                escape(&c.claims_text()),
                escape(&c.best_python_text()),
                escape(&c.best_rust_text()),
                escape(&c.ratio_text()),
            );
        }
    }
    let _ = write!(h, "</table></body></html>");
    h
}

fn page_html(inputs: &[Input], page: &Page) -> String {
    let a = page.article;
    let mut h = page_head(&format!("{}: {}", a.id, a.experiment));
    let _ = write!(
        h,
        "<h1>{}: {}</h1><p><a href=\"index.html\">All experiments</a> · \
         <a href=\"../index.html\">Full report</a></p><h2>The article</h2><table class=\"text\">",
        a.id,
        escape(a.experiment)
    );
    for (what, text) in [
        ("source", a.source),
        ("published figure", a.published),
        ("what it uses", a.article_models),
        ("re-run here as", a.here),
    ] {
        let _ = write!(h, "<tr><th>{what}</th><td>{}</td></tr>", escape(text));
    }
    let _ = write!(h, "</table><h2>On this machine</h2>");
    for line in on_this_machine(inputs) {
        let _ = write!(h, "<p>{}</p>", escape(&line));
    }
    for part in &page.parts {
        let _ = write!(h, "<h3>{}</h3><ul>", escape(&part.group.label()));
        for finding in &part.comparison.findings {
            let _ = write!(h, "<li>{}</li>", escape(finding));
        }
        let _ = write!(h, "</ul>");
        let (headings, rows) = part.comparison.table();
        let _ = write!(h, "<table><tr>");
        for heading in &headings {
            let _ = write!(h, "<th>{}</th>", escape(heading));
        }
        let _ = write!(h, "</tr>");
        for row in rows {
            let _ = write!(h, "<tr>");
            for cell in row {
                let _ = write!(h, "<td>{}</td>", escape(&cell));
            }
            let _ = write!(h, "</tr>");
        }
        let _ = write!(h, "</table>");
        for (chart, (width, height)) in &part.charts {
            let _ = write!(
                h,
                "<figure><img src=\"../charts/{chart}.svg\" alt=\"{chart}\" width=\"{width}\" height=\"{height}\"></figure>",
            );
        }
    }
    let _ = write!(h, "</body></html>");
    h
}

fn markdown(inputs: &[Input], pages: &[Page]) -> String {
    let mut m = String::from("# The articles, re-measured\n\n");
    m.push_str(
        "Four Python articles on thread and process pools made the claims below. Each \
         experiment ran here in both languages, in the same run, on the same inputs, every \
         output verified against one sequential oracle. ([Full report](README.md))\n\n",
    );
    for line in on_this_machine(inputs) {
        let _ = writeln!(m, "- {}", md(&line));
    }
    m.push_str(
        "\n| experiment | the article says | the claim here | fastest Python pool here | fastest Rust pool here | Python ÷ Rust, like for like |\n|---|---|---|---|---|---|\n",
    );
    for page in pages {
        for part in &page.parts {
            let c = &part.comparison;
            let _ = writeln!(
                m,
                "| {} | {} | {} | {} | {} | {} |",
                part.group.label(),
                page.article.published,
                c.claims_text(),
                c.best_python_text(),
                c.best_rust_text(),
                c.ratio_text()
            );
        }
    }
    for page in pages {
        let a = page.article;
        let _ = write!(
            m,
            "\n## {}: {}\n\n- **Source:** {}\n- **Published figure:** {}\n- **What it uses:** \
             {}\n- **Re-run here as:** {}\n",
            a.id, a.experiment, a.source, a.published, a.article_models, a.here
        );
        for part in &page.parts {
            let _ = write!(m, "\n### {}\n\n", md(&part.group.label()));
            for finding in &part.comparison.findings {
                let _ = writeln!(m, "- {}", md(finding));
            }
            let (headings, rows) = part.comparison.table();
            let _ = writeln!(m, "\n| {} |", headings.join(" | "));
            let _ = writeln!(m, "|{}", "---|".repeat(headings.len()));
            for row in rows {
                let cells: Vec<String> = row.iter().map(|c| md(c)).collect();
                let _ = writeln!(m, "| {} |", cells.join(" | "));
            }
            m.push('\n');
            for (chart, _) in &part.charts {
                let _ = writeln!(m, "![{chart}](charts/{chart}.svg)\n");
            }
        }
    }
    m
}
