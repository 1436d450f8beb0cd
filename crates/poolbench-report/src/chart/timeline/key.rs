//! The key under a timeline, and the colours of its tasks.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::MARGIN;

/// The key under the chart: the colour ramp from the first task to the last, the idle grey
/// and the batch's end.
pub(super) fn draw_key<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    tasks: usize,
    y: i32,
    font: &TextStyle,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let mut x = MARGIN;
    root.draw_text("task 1", font, (x, y)).map_err(err)?;
    x += 70;
    for k in 0..20 {
        root.draw(&Rectangle::new(
            [(x + 8 * k, y + 2), (x + 8 * k + 8, y + 16)],
            ramp(f64::from(k) / 19.0).filled(),
        ))
        .map_err(err)?;
    }
    x += 170;
    root.draw_text(&format!("task {tasks}"), font, (x, y))
        .map_err(err)?;
    x += 130;
    root.draw(&Rectangle::new(
        [(x, y + 2), (x + 30, y + 16)],
        RGBColor(236, 236, 236).filled(),
    ))
    .map_err(err)?;
    root.draw_text("worker idle", font, (x + 38, y))
        .map_err(err)?;
    x += 170;
    root.draw(&Rectangle::new(
        [(x, y - 2), (x + 2, y + 20)],
        BLACK.filled(),
    ))
    .map_err(err)?;
    root.draw_text("last task finished", font, (x + 10, y))
        .map_err(err)?;
    Ok(())
}

/// A colour from dark purple (0) through teal to yellow (1): viridis, read in order and in
/// grey alike.
pub(super) fn ramp(at: f64) -> RGBColor {
    const STOPS: [(f64, [f64; 3]); 5] = [
        (0.00, [68.0, 1.0, 84.0]),
        (0.25, [59.0, 82.0, 139.0]),
        (0.50, [33.0, 145.0, 140.0]),
        (0.75, [94.0, 201.0, 98.0]),
        (1.00, [253.0, 231.0, 37.0]),
    ];
    let at = if at.is_finite() {
        at.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let i = STOPS
        .windows(2)
        .position(|w| at <= w[1].0)
        .unwrap_or(STOPS.len() - 2);
    let ((a, ca), (b, cb)) = (STOPS[i], STOPS[i + 1]);
    let f = (at - a) / (b - a);
    let mix = |k: usize| (ca[k] + (cb[k] - ca[k]) * f).round() as u8;
    RGBColor(mix(0), mix(1), mix(2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ramp_runs_dark_to_bright() {
        assert_eq!(ramp(0.0), RGBColor(68, 1, 84));
        assert_eq!(ramp(1.0), RGBColor(253, 231, 37));
        assert_eq!(ramp(f64::NAN), ramp(0.0));
        let luma =
            |c: RGBColor| 0.3 * f64::from(c.0) + 0.59 * f64::from(c.1) + 0.11 * f64::from(c.2);
        assert!(
            (0..10).all(|k| luma(ramp(f64::from(k) / 10.0)) < luma(ramp(f64::from(k + 1) / 10.0)))
        );
    }
}
