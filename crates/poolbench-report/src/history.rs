//! `poolbench history chart`'s page: every trend drawn (SVG and PNG) on one HTML page that
//! opens with the history's own summary and table of change points.

use std::fmt::Write;

use poolbench_compare::fmt::escape;
use poolbench_compare::trend::Trend;

use crate::{render, Formats, ReportError, ReportFile};

/// The chart files of `trends` and `index.html`, which shows them under `intro_html` (the
/// history's summary, already HTML).
pub fn trend_page(trends: &[Trend], intro_html: &str) -> Result<Vec<ReportFile>, ReportError> {
    let mut files = Vec::new();
    let mut html = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>poolbench history</title><style>body{font-family:sans-serif;max-width:1200px;\
         margin:2em auto;padding:0 1em}img{width:100%;border:1px solid #ddd;margin:1em 0}\
         table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;\
         text-align:left}.regression{color:#c81e1e}.improvement{color:#1e8c3c}</style>\
         </head><body><h1>poolbench history</h1>",
    );
    html.push_str(intro_html);
    for trend in trends {
        let rendered = render(trend)?;
        let _ = write!(
            html,
            "<h2>{}</h2><img src=\"charts/{}.png\" alt=\"{}\">",
            escape(&trend.title),
            rendered.name,
            escape(&trend.title)
        );
        files.extend(rendered.into_files(Formats::default())?);
    }
    html.push_str("</body></html>\n");
    files.push(ReportFile {
        path: "index.html".to_owned(),
        bytes: html.into_bytes(),
    });
    Ok(files)
}
