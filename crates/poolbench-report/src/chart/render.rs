//! Drawing a [`Figure`] into files: the SVG through plotters, the PNG from the SVG.

use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::SIZE;

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
#[error("cannot draw chart '{chart}': {message}")]
pub struct ChartError {
    pub chart: String,
    pub message: String,
}

/// A chart that can draw itself on any plotters backend.
pub trait Figure {
    /// File stem, e.g. `time-vs-workers-sleep`.
    fn name(&self) -> String;
    /// Its size in pixels: [`SIZE`] unless the chart needs another height.
    fn size(&self) -> (u32, u32) {
        SIZE
    }
    /// Draws the whole chart.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String>;
}

/// A rendered chart: its SVG (a PNG is drawn from it on demand, see [`Rendered::png`]).
#[derive(Debug, Clone)]
pub struct Rendered {
    pub name: String,
    pub svg: String,
    /// Its size in pixels.
    pub size: (u32, u32),
}

impl Rendered {
    /// The chart as a PNG (see [`rasterise`]).
    pub fn png(&self) -> Result<Vec<u8>, ChartError> {
        rasterise(&self.svg).map_err(|message| ChartError {
            chart: self.name.clone(),
            message,
        })
    }
}

/// Renders `figure` as SVG.
pub fn render(figure: &impl Figure) -> Result<Rendered, ChartError> {
    register_font();
    let name = figure.name();
    let fail = |message: String| ChartError {
        chart: name.clone(),
        message,
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, figure.size()).into_drawing_area();
        figure.draw(&root).map_err(fail)?;
        root.present().map_err(|e| fail(e.to_string()))?;
    }
    Ok(Rendered {
        name,
        svg,
        size: figure.size(),
    })
}

/// The PNG of an SVG chart, drawn by resvg with the same embedded DejaVu fonts.
///
/// plotters' bitmap backend places each glyph at a whole pixel, rounding its advance, so PNG
/// text came out unevenly spaced ("threadp ool", "Linu x"); resvg lays the text out and
/// anti-aliases it as a browser does, and the PNG is then the SVG, pixel for pixel.
pub fn rasterise(svg: &str) -> Result<Vec<u8>, String> {
    use resvg::{tiny_skia, usvg};
    static OPTIONS: std::sync::OnceLock<usvg::Options<'static>> = std::sync::OnceLock::new();
    let options = OPTIONS.get_or_init(|| {
        let mut options = usvg::Options::default();
        let fonts = options.fontdb_mut();
        fonts.load_font_data(dejavu::sans::regular().to_vec());
        fonts.load_font_data(dejavu::sans::bold().to_vec());
        fonts.set_sans_serif_family("DejaVu Sans");
        options
    });
    let tree = usvg::Tree::from_str(svg, options).map_err(|e| format!("SVG: {e}"))?;
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| format!("no {}×{} pixmap", size.width(), size.height()))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    let mut png = Vec::new();
    // Opaque (a white background under everything), so premultiplied RGBA is plain RGBA.
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut png),
        pixmap.data(),
        size.width(),
        size.height(),
        image::ExtendedColorType::Rgba8,
    )
    .map_err(|e| e.to_string())?;
    Ok(png)
}

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are a valid TrueType font shipped by the dejavu crate.
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            dejavu::sans::regular(),
        );
        let _ = plotters::style::register_font("sans-serif", FontStyle::Bold, dejavu::sans::bold());
    });
}
