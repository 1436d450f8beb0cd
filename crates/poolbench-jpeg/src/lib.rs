//! JPEG in and out for the thumbnail workload: decoding at full or reduced scale, and 4:2:0
//! encoding.
//!
//! Why a crate of its own, and why this decoder. A JPEG stores 8×8 blocks of DCT
//! coefficients; a decoder can run a smaller inverse DCT on each block and get the picture at
//! 1/2, 1/4 or 1/8 of its size for almost no extra work. Pillow's `Image.thumbnail()` does
//! exactly that ("draft mode"), so a Rust thumbnail that decodes every pixel does several
//! times the work of the Python code it is compared with. [`Decode::Reduced`] gives Rust the
//! same shortcut, chosen by the same rule ([`draft_scale`]).
//!
//! The decoder is libjpeg-turbo's, as vendored by the `mozjpeg` crate: the same decoder family
//! Pillow links, compiled from C by `cc` (with SIMD when `nasm` is installed at build time;
//! without it the build still works and is slower — [`simd`] says which). The pure-Rust
//! `jpeg-decoder` also scales, but it spawns a thread per colour component inside every decode
//! of an image wider than 128 px: a "sequential" task would then run on four threads.
//!
//! Encoding goes through the pure-Rust `jpeg-encoder`, which (unlike `image`'s encoder) can
//! subsample chroma 4:2:0 as cameras and Pillow do.

use serde::{Deserialize, Serialize};

/// How much of a JPEG to decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decode {
    /// Every pixel (an 8×8 inverse DCT per block).
    Full,
    /// At the smallest of 1, 1/2, 1/4, 1/8 that still covers twice the target box, as
    /// Pillow's `thumbnail(reducing_gap=2.0)` does.
    #[default]
    Reduced,
}

impl std::fmt::Display for Decode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Decode::Full => "full",
            Decode::Reduced => "reduced",
        })
    }
}

/// Chroma subsampling of an encoded JPEG.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Subsampling {
    /// Colour at half resolution both ways: cameras', phones' and Pillow's default.
    #[default]
    #[serde(rename = "4:2:0")]
    S420,
    /// Colour at full resolution (what `image`'s own encoder writes).
    #[serde(rename = "4:4:4")]
    S444,
}

impl std::fmt::Display for Subsampling {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Subsampling::S420 => "4:2:0",
            Subsampling::S444 => "4:4:4",
        })
    }
}

/// Why a JPEG could not be decoded or encoded.
#[derive(Debug, thiserror::Error)]
pub enum JpegError {
    #[error("not a decodable JPEG: {0}")]
    Decode(String),
    #[error("cannot encode a {width}x{height} JPEG: {message}")]
    Encode {
        width: u32,
        height: u32,
        message: String,
    },
}

/// A decoded picture: RGB8, row-major.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rgb {
    pub pixels: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// The scale denominator it was decoded at: 1 (full), 2, 4 or 8.
    pub scale: u32,
    /// The JPEG's own width and height (the picture's, whatever the scale).
    pub source: (u32, u32),
}

/// The reduced-decode denominator Pillow's draft mode picks for a `width`×`height` JPEG made
/// into a thumbnail that fits `box_w`×`box_h`: the largest of 8, 4, 2, 1 not above
/// `min(width // 2·box_w, height // 2·box_h)`. (`Image.thumbnail` asks `draft` for twice the
/// box — its `reducing_gap` — and `JpegImageFile.draft` takes that integer ratio.)
pub fn draft_scale(width: u32, height: u32, box_w: u32, box_h: u32) -> u32 {
    let ratio = (width / (2 * box_w).max(1)).min(height / (2 * box_h).max(1));
    [8, 4, 2, 1].into_iter().find(|&s| ratio >= s).unwrap_or(1)
}

/// The header's width and height, without decoding.
pub fn dimensions(jpeg: &[u8]) -> Result<(u32, u32), JpegError> {
    guarded(|| {
        let d = mozjpeg::Decompress::new_mem(jpeg)?;
        Ok((d.width() as u32, d.height() as u32))
    })
}

/// Decodes `jpeg` to RGB8, in full or at the reduced scale for a thumbnail fitting `box_w` ×
/// `box_h` (ignored for [`Decode::Full`]).
pub fn decode_rgb(
    jpeg: &[u8],
    decode: Decode,
    (box_w, box_h): (u32, u32),
) -> Result<Rgb, JpegError> {
    guarded(|| {
        let mut d = mozjpeg::Decompress::new_mem(jpeg)?;
        let source = (d.width() as u32, d.height() as u32);
        let scale = match decode {
            Decode::Full => 1,
            Decode::Reduced => draft_scale(source.0, source.1, box_w, box_h),
        };
        // libjpeg scales by numerator / 8.
        d.scale((8 / scale) as u8);
        let mut started = d.rgb()?;
        let (width, height) = (started.width() as u32, started.height() as u32);
        let pixels = started.read_scanlines::<u8>()?;
        started.finish()?;
        Ok(Rgb {
            pixels,
            width,
            height,
            scale,
            source,
        })
    })
}

/// A JPEG decoder the thumbnail workload can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decoder {
    /// libjpeg-turbo's (Pillow's family), through mozjpeg: scales in the DCT domain (1/2,
    /// 1/4, 1/8) as Pillow's draft mode does; SIMD only when `nasm` was there at build time.
    LibjpegTurbo,
    /// zune-jpeg: pure Rust with SIMD intrinsics (AVX2/SSE, chosen at run time), needing
    /// nothing outside cargo; decodes every pixel (it has no scaled decode).
    Zune,
}

impl std::fmt::Display for Decoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Decoder::LibjpegTurbo => "libjpeg-turbo",
            Decoder::Zune => "zune-jpeg",
        })
    }
}

/// Decodes `jpeg` to RGB8 with `decoder`: as [`decode_rgb`] for libjpeg-turbo; zune-jpeg
/// decodes every pixel whatever `decode` asks.
pub fn decode_rgb_with(
    decoder: Decoder,
    jpeg: &[u8],
    decode: Decode,
    target: (u32, u32),
) -> Result<Rgb, JpegError> {
    match decoder {
        Decoder::LibjpegTurbo => decode_rgb(jpeg, decode, target),
        Decoder::Zune => guarded(|| {
            let mut d = zune_jpeg::JpegDecoder::new(std::io::Cursor::new(jpeg));
            let pixels = d
                .decode()
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            let (width, height) = d
                .dimensions()
                .map(|(w, h)| (w as u32, h as u32))
                .ok_or_else(|| std::io::Error::other("no picture size after decoding"))?;
            Ok(Rgb {
                pixels,
                width,
                height,
                scale: 1,
                source: (width, height),
            })
        }),
    }
}

/// Encodes RGB8 pixels as a baseline JPEG of `quality` (1–100) with the given subsampling.
pub fn encode_rgb(
    pixels: &[u8],
    width: u32,
    height: u32,
    quality: u8,
    subsampling: Subsampling,
) -> Result<Vec<u8>, JpegError> {
    let fail = |message: String| JpegError::Encode {
        width,
        height,
        message,
    };
    let (w, h) = match (u16::try_from(width), u16::try_from(height)) {
        (Ok(w), Ok(h)) => (w, h),
        _ => return Err(fail("a JPEG side is at most 65,535 pixels".into())),
    };
    let mut bytes = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut bytes, quality);
    encoder.set_sampling_factor(match subsampling {
        Subsampling::S420 => jpeg_encoder::SamplingFactor::R_4_2_0,
        Subsampling::S444 => jpeg_encoder::SamplingFactor::R_4_4_4,
    });
    encoder
        .encode(pixels, w, h, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| fail(e.to_string()))?;
    Ok(bytes)
}

/// One line for results files: which decoder the Rust side uses, and whether with SIMD.
pub fn decoder_description() -> String {
    let without = if nasm_now() {
        "without SIMD (nasm is installed now, but was not when mozjpeg-sys was built: run \
         scripts/jpeg-simd.sh, then build again)"
    } else {
        "without SIMD (nasm was missing at build time: slower; see scripts/jpeg-simd.sh)"
    };
    format!(
        "libjpeg-turbo's decoder as vendored by mozjpeg-sys 2, {}",
        if simd() { "with SIMD" } else { without }
    )
}

/// Whether `nasm` can be run now.
fn nasm_now() -> bool {
    std::process::Command::new("nasm")
        .arg("-v")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Whether the decoder was built with its SIMD code (it needs `nasm` at build time).
pub fn simd() -> bool {
    // The build script of mozjpeg-sys links `jsimd_none.c` when it could not use nasm; its
    // `jsimd_can_idct_islow` then always answers 0.
    extern "C" {
        fn jsimd_can_idct_islow() -> i32;
    }
    // SAFETY: a pure query of CPU features with no arguments, defined by the linked library.
    unsafe { jsimd_can_idct_islow() != 0 }
}

/// Runs libjpeg work, turning its errors into [`JpegError::Decode`]. libjpeg reports a damaged
/// file by unwinding out of the C code (mozjpeg's error manager panics); the panic is caught
/// here so a bad input is a task's error, not a crash.
fn guarded<T>(work: impl FnOnce() -> std::io::Result<T>) -> Result<T, JpegError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(JpegError::Decode(e.to_string())),
        Err(payload) => Err(JpegError::Decode(
            payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "libjpeg gave up on it".to_owned()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo(width: u32, height: u32) -> Vec<u8> {
        (0..width * height)
            .flat_map(|i| {
                let (x, y) = (i % width, i / width);
                [
                    (x * 255 / width) as u8,
                    (y * 255 / height) as u8,
                    ((x ^ y) & 0xff) as u8,
                ]
            })
            .collect()
    }

    #[test]
    fn draft_scale_follows_pillow() {
        // Pillow 13: Image.open(640x480).thumbnail((75, 75)) decodes at 320x240.
        assert_eq!(draft_scale(640, 480, 75, 75), 2);
        assert_eq!(draft_scale(1280, 960, 75, 75), 4);
        assert_eq!(draft_scale(1600, 1200, 75, 75), 8);
        assert_eq!(draft_scale(1200, 900, 75, 75), 4, "900 // 150 = 6");
        assert_eq!(draft_scale(200, 150, 75, 75), 1);
        assert_eq!(
            draft_scale(10, 10, 0, 0),
            8,
            "a zero box never divides by zero"
        );
    }

    #[test]
    fn reduced_decode_has_the_scaled_size_and_full_the_whole() {
        let jpeg = encode_rgb(&photo(640, 480), 640, 480, 90, Subsampling::S420).unwrap();
        assert_eq!(dimensions(&jpeg).unwrap(), (640, 480));
        let full = decode_rgb(&jpeg, Decode::Full, (75, 75)).unwrap();
        assert_eq!((full.width, full.height, full.scale), (640, 480, 1));
        assert_eq!(full.pixels.len(), 640 * 480 * 3);
        let reduced = decode_rgb(&jpeg, Decode::Reduced, (75, 75)).unwrap();
        assert_eq!(
            (reduced.width, reduced.height, reduced.scale),
            (320, 240, 2)
        );
        assert_eq!(reduced.pixels.len(), 320 * 240 * 3);
        // The reduced picture is the full one, smaller: compare a smooth corner's colour.
        let (f, r) = (&full.pixels[..3], &reduced.pixels[..3]);
        for (a, b) in f.iter().zip(r) {
            assert!(a.abs_diff(*b) < 12, "{f:?} vs {r:?}");
        }
    }

    #[test]
    fn zune_decodes_the_same_picture_in_full() {
        let jpeg = encode_rgb(&photo(640, 480), 640, 480, 90, Subsampling::S420).unwrap();
        let zune = decode_rgb_with(Decoder::Zune, &jpeg, Decode::Reduced, (75, 75)).unwrap();
        assert_eq!((zune.width, zune.height, zune.scale), (640, 480, 1));
        let turbo = decode_rgb(&jpeg, Decode::Full, (75, 75)).unwrap();
        let differences: u64 = zune
            .pixels
            .iter()
            .zip(&turbo.pixels)
            .map(|(a, b)| u64::from(a.abs_diff(*b)))
            .sum();
        let mean = differences as f64 / turbo.pixels.len() as f64;
        assert!(
            mean < 2.0,
            "the two decoders differ by {mean} levels on average"
        );
        let bad = decode_rgb_with(Decoder::Zune, b"not a jpeg", Decode::Full, (8, 8));
        assert!(matches!(bad, Err(JpegError::Decode(_))));
    }

    #[test]
    fn subsampling_shrinks_the_file() {
        let pixels = photo(64, 48);
        let s420 = encode_rgb(&pixels, 64, 48, 90, Subsampling::S420).unwrap();
        let s444 = encode_rgb(&pixels, 64, 48, 90, Subsampling::S444).unwrap();
        assert!(s420.len() < s444.len(), "{} vs {}", s420.len(), s444.len());
    }

    #[test]
    fn damaged_input_is_an_error_not_a_crash() {
        let jpeg = encode_rgb(&photo(64, 48), 64, 48, 90, Subsampling::S420).unwrap();
        for bad in [&b"not a jpeg"[..], &jpeg[..20], &[]] {
            let e = decode_rgb(bad, Decode::Full, (8, 8)).unwrap_err();
            assert!(matches!(e, JpegError::Decode(_)), "{e}");
        }
        assert!(encode_rgb(&[0; 3], 70_000, 1, 90, Subsampling::S420).is_err());
    }
}
