//! Each model's marker as one plotters element, so charts and legends draw the same shape
//! from the same rule instead of each repeating it.

use plotters::element::{Drawable, PointCollection};
use plotters::prelude::*;
use plotters_backend::{BackendCoord, DrawingErrorKind};

use poolbench_core::Marker;

use poolbench_core::ModelStyle;

/// A model's marker at one point, in its colour and of its shape (see
/// [`poolbench_core::ModelStyle`]): filled circle, triangle, ring, cross, square or diamond.
#[derive(Debug, Clone)]
pub struct ModelMarker<Coord> {
    at: Coord,
    shape: Marker,
    colour: RGBColor,
}

impl<Coord> ModelMarker<Coord> {
    pub fn new(at: Coord, style: ModelStyle) -> Self {
        Self {
            at,
            shape: style.marker,
            colour: super::colour(style),
        }
    }
}

impl<'a, Coord> PointCollection<'a, Coord> for &'a ModelMarker<Coord> {
    type Point = &'a Coord;
    type IntoIter = std::iter::Once<&'a Coord>;

    fn point_iter(self) -> Self::IntoIter {
        std::iter::once(&self.at)
    }
}

impl<Coord, DB: DrawingBackend> Drawable<DB> for ModelMarker<Coord> {
    fn draw<I: Iterator<Item = BackendCoord>>(
        &self,
        points: I,
        backend: &mut DB,
        parent: (u32, u32),
    ) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        let (filled, outline) = (self.colour.filled(), self.colour.stroke_width(3));
        match self.shape {
            Marker::Circle => Circle::new((), 6, filled).draw(points, backend, parent),
            Marker::Triangle => TriangleMarker::new((), 8, filled).draw(points, backend, parent),
            Marker::Ring => Circle::new((), 6, outline).draw(points, backend, parent),
            Marker::Cross => Cross::new((), 6, outline).draw(points, backend, parent),
            Marker::Square => {
                for (x, y) in points {
                    backend.draw_rect((x - 5, y - 5), (x + 5, y + 5), &filled, true)?;
                }
                Ok(())
            }
            Marker::Diamond => {
                for (x, y) in points {
                    let corners = [(x, y - 7), (x + 7, y), (x, y + 7), (x - 7, y)];
                    backend.fill_polygon(corners, &filled)?;
                }
                Ok(())
            }
        }
    }
}
