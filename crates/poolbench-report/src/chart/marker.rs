//! Each model's marker as one plotters element, so charts and legends draw the same shape
//! from the same rule instead of each repeating it.

use plotters::element::{Drawable, PointCollection};
use plotters::prelude::*;
use plotters_backend::{BackendCoord, DrawingErrorKind};

use super::{model_colour, model_index};

/// A model's marker at one point: filled circle, triangle, hollow circle or cross by its
/// registry position, in its colour.
#[derive(Debug, Clone)]
pub struct ModelMarker<Coord> {
    at: Coord,
    shape: usize,
    colour: RGBColor,
}

impl<Coord> ModelMarker<Coord> {
    pub fn new(at: Coord, model: &str) -> Self {
        Self {
            at,
            shape: model_index(model) % 4,
            colour: model_colour(model),
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
            0 => Circle::new((), 6, filled).draw(points, backend, parent),
            1 => TriangleMarker::new((), 8, filled).draw(points, backend, parent),
            2 => Circle::new((), 6, outline).draw(points, backend, parent),
            _ => Cross::new((), 6, outline).draw(points, backend, parent),
        }
    }
}
