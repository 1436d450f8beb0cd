//! What every chart has around its plot: the fonts, and the header (title, what was measured,
//! the conditions).

use plotters::coord::Shift;
use plotters::prelude::*;

/// Title font, axis-title font, label font. plotters writes an SVG font size of 0.806 × the
/// size given here, so the smallest, 20, is 16 px in the SVG: read at the HTML's width (the
/// chart at its full 1120 px), no chart text is under 16 px.
pub fn fonts() -> (TextStyle<'static>, TextStyle<'static>, TextStyle<'static>) {
    (
        ("sans-serif", 30, FontStyle::Bold).into_font().into(),
        ("sans-serif", 20).into_font().into(),
        ("sans-serif", 20).into_font().into(),
    )
}

/// Splits off the header (title, what was measured, the conditions) and returns the plotting
/// area below it. A conditions line too wide for the chart is broken at its ` · ` separators
/// onto as many lines as it needs, never cut off at the edge.
pub fn header<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    group: &poolbench_compare::WorkloadGroup,
    conditions: &str,
) -> Result<DrawingArea<DB, Shift>, String> {
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let (title_font, _, label_font) = fonts();
    let grey = label_font.color(&RGBColor(90, 90, 90));
    let room = root.dim_in_pixel().0.saturating_sub(48);
    let fits = |text: &str| {
        root.estimate_text_size(text, &label_font)
            .map_or(true, |(w, _)| w <= room)
    };
    let lines = wrap_at_separators(conditions, " · ", fits);
    // What was measured: a long parameter list wraps at its commas.
    let what = wrap_at_separators(&group.full_label(), ", ", fits);
    let extra = (lines.len().max(1) + what.len().max(1)) as u32 - 2;
    let (top, rest) = root.split_vertically(104 + 26 * extra);
    top.draw_text(title, &title_font, (24, 10))
        .map_err(|e| e.to_string())?;
    for (i, line) in what.iter().enumerate() {
        top.draw_text(line, &label_font, (24, 50 + 26 * i as i32))
            .map_err(|e| e.to_string())?;
    }
    let below = 76 + 26 * (what.len().max(1) as i32 - 1);
    for (i, line) in lines.iter().enumerate() {
        top.draw_text(line, &grey, (24, below + 26 * i as i32))
            .map_err(|e| e.to_string())?;
    }
    Ok(rest)
}

/// `text` as lines that each `fit`, broken only at `separator` (kept at the end of a line);
/// a single part too long for a line stays whole on its own.
pub(crate) fn wrap_at_separators(
    text: &str,
    separator: &str,
    fits: impl Fn(&str) -> bool,
) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for part in text.split(separator) {
        match lines.last_mut() {
            Some(line) if fits(&format!("{line}{separator}{part}")) => {
                line.push_str(separator);
                line.push_str(part);
            }
            Some(line) => {
                line.push_str(separator.trim_end());
                lines.push(part.to_owned());
            }
            None => lines.push(part.to_owned()),
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_conditions_wrap_at_their_separators() {
        let fits = |line: &str| line.chars().count() <= 12;
        assert_eq!(
            wrap_at_separators("aaa · bbb · ccc · dddd", " · ", fits),
            ["aaa · bbb ·", "ccc · dddd"]
        );
        assert_eq!(wrap_at_separators("short", " · ", fits), ["short"]);
        assert_eq!(
            wrap_at_separators("a-very-long-part · b", " · ", fits),
            ["a-very-long-part ·", "b"]
        );
    }
}
