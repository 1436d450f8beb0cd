//! `thumbnail` (seed S2): make a 75×75 thumbnail of each of N JPEG photos.
//!
//! A task reads one JPEG from disk, decodes it, resizes it to fit in `max_side` × `max_side`
//! keeping its aspect ratio with a Lanczos3 (antialiasing) filter, encodes the result as a
//! JPEG and writes it to the output folder. Mostly CPU-bound (decoding dominates), with a
//! little file I/O. The input photos are generated once into a cache folder keyed by (seed,
//! size, quality, subsampling) and reused, outside any timed region: 4:2:0 by default, as
//! cameras and Pillow write them.
//!
//! `decode` chooses how much of each JPEG is decoded. `reduced` (the default) decodes at the
//! smallest of 1/2, 1/4, 1/8 that still covers twice the box, by the rule Pillow's
//! `Image.thumbnail()` uses (its "draft mode"; see `poolbench_jpeg::draft_scale`), so Rust
//! and Python do the same work; `full` decodes every pixel, as an implementation without
//! that shortcut would.
//!
//! Each task times its phases (read, decode, resize, encode, write; six clock readings
//! against ~2 ms of work) so a report can show where a thumbnail's time goes.
//!
//! The checksum is one both languages compute identically: the CRC-32 of the input file's
//! bytes (the right photo was read, whole) with the thumbnail's width and height. Pixels
//! cannot be compared across decoders and resizers, so they are not in it; the tests compare
//! them within a tolerance instead.

use std::fs;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use poolbench_core::{
    cpu_bound_ideal, mix, IdealInput, PhaseClock, PhaseTimes, TaskError, TaskOutput, TaskResult,
    WorkKind, Workload, WorkloadError, WorkloadSpec,
};
use poolbench_jpeg::{decode_rgb, encode_rgb, Decode, Subsampling};
use poolbench_resize::{fit_within, resize_rgb8_lanczos3};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::photos::ensure_photos;
use crate::{defaults_of, BuildContext, Footprint, WorkloadInfo};

pub(crate) const INFO: WorkloadInfo = WorkloadInfo {
    name: "thumbnail",
    kind: WorkKind::Cpu,
    role: poolbench_core::WorkloadRole::Measured,
    needs_server: false,
    only_in: None,
    origin: crate::WorkloadOrigin::BuiltIn,
    summary: "read a JPEG, decode (reduced scale, as Pillow, or full), Lanczos3-resize to fit 75x75, encode, write (S2)",
    default_tasks: 16,
    default_params: &defaults_of::<ThumbnailParams>,
    check: &|spec| parsed(spec).map(|p| footprint(&p)),
    build: &build,
};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ThumbnailParams {
    /// Width of the generated input photos, pixels.
    width: u32,
    /// Height of the generated input photos, pixels.
    height: u32,
    /// Seed of the generated photos.
    seed: u64,
    /// JPEG quality of inputs and thumbnails (1–100).
    quality: u8,
    /// Thumbnails fit in max_side x max_side.
    max_side: u32,
    /// `reduced` (DCT-domain, Pillow's draft rule) or `full` decoding.
    decode: Decode,
    /// Chroma subsampling of the generated inputs and of the thumbnails.
    subsampling: Subsampling,
}

impl Default for ThumbnailParams {
    fn default() -> Self {
        Self {
            width: 640,
            height: 480,
            seed: 42,
            quality: 90,
            max_side: 75,
            decode: Decode::Reduced,
            subsampling: Subsampling::S420,
        }
    }
}

#[derive(Debug)]
struct Thumbnail {
    spec: WorkloadSpec,
    params: ThumbnailParams,
    inputs: Vec<PathBuf>,
    /// Removed when the workload is dropped.
    outputs: tempfile::TempDir,
    phases: PhaseClock,
}

/// The phases a task times, in the order it runs them.
const PHASES: &[&str] = &["read", "decode", "resize", "encode", "write"];

/// The value a thumbnail task's checksum mixes with its index, computed alike in every
/// language: the input file's CRC-32 (IEEE), the thumbnail's width (bits 32–47) and height
/// (bits 48–63).
pub fn thumbnail_value(input: &[u8], width: u32, height: u32) -> u64 {
    u64::from(crc32fast::hash(input)) | (u64::from(width) << 32) | (u64::from(height) << 48)
}

/// Largest input side, pixels (JPEG's own limit is 65,535).
const MOST_SIDE: u32 = 16_384;

/// Largest input, pixels: a 50-megapixel camera's photo. A task holds it decoded, and a
/// larger one decoded by every worker at once would exhaust memory.
const MOST_PIXELS: u64 = 50_000_000;

/// The parameters, checked.
fn parsed(spec: &WorkloadSpec) -> Result<ThumbnailParams, WorkloadError> {
    let params: ThumbnailParams = spec.parse_params()?;
    let bad = |message: String| WorkloadError::BadParams {
        workload: spec.name.clone(),
        message,
    };
    if params.width == 0 || params.height == 0 || params.max_side == 0 {
        return Err(bad("width, height and max_side must be at least 1".into()));
    }
    if params.width.max(params.height).max(params.max_side) > MOST_SIDE {
        return Err(bad(format!(
            "width, height and max_side must be at most {MOST_SIDE} pixels (got {}x{}, \
             max_side {})",
            params.width, params.height, params.max_side
        )));
    }
    let pixels = u64::from(params.width) * u64::from(params.height);
    if pixels > MOST_PIXELS {
        return Err(bad(format!(
            "a {}x{} photo has {pixels} pixels, over the limit of {MOST_PIXELS} (50 MP)",
            params.width, params.height
        )));
    }
    if !(1..=100).contains(&params.quality) {
        return Err(bad("quality must be between 1 and 100".into()));
    }
    Ok(params)
}

/// A running task holds the decoded photo (3 bytes a pixel) and about as much again for the
/// resize's intermediate rows and the encoder.
fn footprint(params: &ThumbnailParams) -> Footprint {
    Footprint {
        inputs_bytes: 0,
        task_bytes: u64::from(params.width) * u64::from(params.height) * 3 * 2,
    }
}

fn build(spec: &WorkloadSpec, ctx: &BuildContext) -> Result<Arc<dyn Workload>, WorkloadError> {
    let params = parsed(spec)?;
    let prepare = |message: String| WorkloadError::Prepare {
        workload: spec.name.clone(),
        message,
    };
    let set = format!(
        "seed{}-{}x{}-q{}-{}",
        params.seed,
        params.width,
        params.height,
        params.quality,
        params.subsampling.to_string().replace(':', "")
    );
    let input_dir = ctx.cache_dir.join("thumbnail-inputs").join(set);
    let inputs = ensure_photos(
        &input_dir,
        spec.tasks,
        params.seed,
        (params.width, params.height),
        params.quality,
        params.subsampling,
    )
    .map_err(prepare)?;
    fs::create_dir_all(&ctx.cache_dir).map_err(|e| prepare(e.to_string()))?;
    let outputs = tempfile::Builder::new()
        .prefix("thumbnails-")
        .tempdir_in(&ctx.cache_dir)
        .map_err(|e| prepare(format!("cannot create an output folder: {e}")))?;
    Ok(Arc::new(Thumbnail {
        spec: spec.normalised(&params),
        params,
        inputs,
        outputs,
        phases: PhaseClock::new(PHASES),
    }))
}

impl Workload for Thumbnail {
    fn spec(&self) -> &WorkloadSpec {
        &self.spec
    }

    fn kind(&self) -> WorkKind {
        WorkKind::Cpu
    }

    fn run_blocking(&self, index: usize) -> TaskResult {
        let input = &self.inputs[index];
        let side = self.params.max_side;
        let t0 = Instant::now();
        let bytes = fs::read(input)
            .map_err(|e| TaskError::failed(format!("reading {}: {e}", input.display())))?;
        let t1 = Instant::now();
        let photo = decode_rgb(&bytes, self.params.decode, (side, side))
            .map_err(|e| TaskError::failed(format!("decoding {}: {e}", input.display())))?;
        let t2 = Instant::now();
        // Sized from the picture's own size, whatever scale it was decoded at (as Pillow).
        let (thumb_w, thumb_h) = fit_within(photo.source.0, photo.source.1, side, side);
        let pixels =
            resize_rgb8_lanczos3(&photo.pixels, photo.width, photo.height, thumb_w, thumb_h)
                .map_err(TaskError::failed)?;
        let t3 = Instant::now();
        let jpeg = encode_rgb(
            &pixels,
            thumb_w,
            thumb_h,
            self.params.quality,
            self.params.subsampling,
        )
        .map_err(TaskError::failed)?;
        let t4 = Instant::now();
        let output = self.outputs.path().join(format!("{index:05}.jpg"));
        fs::write(&output, jpeg)
            .map_err(|e| TaskError::failed(format!("writing {}: {e}", output.display())))?;
        let t5 = Instant::now();
        self.phases
            .record(&[t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4]);
        Ok(TaskOutput {
            checksum: mix(index, thumbnail_value(&bytes, thumb_w, thumb_h)),
        })
    }

    fn take_phases(&self) -> Option<PhaseTimes> {
        self.phases.take()
    }

    fn foreign_form(&self) -> Option<serde_json::Value> {
        Some(json!({
            "inputs": self.inputs,
            "out_dir": self.outputs.path(),
            "max_side": self.params.max_side,
            "quality": self.params.quality,
            "decode": self.params.decode,
        }))
    }

    fn ideal(&self, input: IdealInput) -> Option<Duration> {
        Some(cpu_bound_ideal(
            self.tasks(),
            input.workers,
            input.cores,
            input.serial?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_decodable_thumbnail_that_fits() {
        let ctx = BuildContext {
            cache_dir: tempfile::tempdir().unwrap().keep(),
        };
        let spec = WorkloadSpec::new("thumbnail", 2)
            .with("width", 160)
            .with("height", 120);
        let workload = build(&spec, &ctx).unwrap();
        let first = workload.run_blocking(1).unwrap();
        assert_eq!(workload.run_blocking(1).unwrap(), first, "deterministic");
        assert_ne!(workload.run_blocking(0).unwrap(), first);
        let out = fs::read_dir(&ctx.cache_dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .find(|e| e.file_name().to_string_lossy().starts_with("thumbnails-"))
            .unwrap()
            .path()
            .join("00001.jpg");
        let thumb = image::open(&out).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (75, 56));
        drop(workload);
        std::fs::remove_dir_all(&ctx.cache_dir).ok();
    }
}
