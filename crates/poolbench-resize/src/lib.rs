//! Lanczos3 resizing of RGB8 pixel buffers, behind one non-generic function.
//!
//! Why a crate of its own: `fast_image_resize` is several times faster than `image`'s own
//! resize, but every crate that instantiates its generic `Resizer::resize` pays ~30 s of
//! compile time. Wrapping it once here, with plain slices in and a `Vec` out, means it is
//! compiled once for the whole workspace. Its `rayon` feature stays off: parallelism belongs
//! to the concurrency models being measured, not to the resize inside one task.

use fast_image_resize::{
    images::{Image, ImageRef},
    FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer,
};

/// Why a resize could not run.
#[derive(Debug, thiserror::Error)]
pub enum ResizeError {
    /// The buffer is shorter than `width * height * 3` bytes.
    #[error("pixel buffer of {len} bytes is too small for a {width}x{height} RGB8 image")]
    BufferTooSmall { len: usize, width: u32, height: u32 },
    /// A zero width or height was asked for.
    #[error("cannot resize to or from an empty image ({width}x{height})")]
    Empty { width: u32, height: u32 },
    /// The resizer itself failed.
    #[error("resize failed: {0}")]
    Resize(String),
}

/// The largest size that fits in `max_w` x `max_h` and keeps the aspect ratio of
/// `width` x `height` (what Pillow's `Image.thumbnail` computes; never upscales).
pub fn fit_within(width: u32, height: u32, max_w: u32, max_h: u32) -> (u32, u32) {
    if width <= max_w && height <= max_h {
        return (width.max(1), height.max(1));
    }
    let scale = f64::min(max_w as f64 / width as f64, max_h as f64 / height as f64);
    let w = ((width as f64 * scale).round() as u32).clamp(1, max_w);
    let h = ((height as f64 * scale).round() as u32).clamp(1, max_h);
    (w, h)
}

/// Resizes an RGB8 image (`width * height * 3` bytes, row-major) to `dst_width` x
/// `dst_height` with a Lanczos3 (antialiasing) convolution, returning the new pixels.
pub fn resize_rgb8_lanczos3(
    pixels: &[u8],
    width: u32,
    height: u32,
    dst_width: u32,
    dst_height: u32,
) -> Result<Vec<u8>, ResizeError> {
    for (w, h) in [(width, height), (dst_width, dst_height)] {
        if w == 0 || h == 0 {
            return Err(ResizeError::Empty {
                width: w,
                height: h,
            });
        }
    }
    let needed = width as usize * height as usize * 3;
    if pixels.len() < needed {
        return Err(ResizeError::BufferTooSmall {
            len: pixels.len(),
            width,
            height,
        });
    }
    let src = ImageRef::new(width, height, &pixels[..needed], PixelType::U8x3)
        .map_err(|e| ResizeError::Resize(e.to_string()))?;
    let mut dst = Image::new(dst_width, dst_height, PixelType::U8x3);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new()
        .resize(&src, &mut dst, &options)
        .map_err(|e| ResizeError::Resize(e.to_string()))?;
    Ok(dst.into_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_keeps_aspect_ratio_and_never_upscales() {
        assert_eq!(fit_within(640, 480, 75, 75), (75, 56));
        assert_eq!(fit_within(480, 640, 75, 75), (56, 75));
        assert_eq!(fit_within(50, 20, 75, 75), (50, 20));
        assert_eq!(fit_within(10_000, 1, 75, 75), (75, 1));
    }

    #[test]
    fn uniform_image_stays_uniform() {
        let src = [200u8, 100, 50].repeat(64 * 48);
        let out = resize_rgb8_lanczos3(&src, 64, 48, 16, 12).unwrap();
        assert_eq!(out.len(), 16 * 12 * 3);
        for px in out.chunks(3) {
            assert_eq!(px, [200, 100, 50]);
        }
    }

    #[test]
    fn bad_sizes_are_errors() {
        assert!(matches!(
            resize_rgb8_lanczos3(&[0; 10], 4, 4, 2, 2),
            Err(ResizeError::BufferTooSmall { .. })
        ));
        assert!(matches!(
            resize_rgb8_lanczos3(&[0; 48], 4, 4, 0, 2),
            Err(ResizeError::Empty { .. })
        ));
    }
}
