//! `thumbnail` (seed S2): make a 75×75 thumbnail of each of N JPEG photos.
//!
//! A task reads one JPEG from disk, decodes it in full, resizes it to fit in `max_side` ×
//! `max_side` keeping its aspect ratio with a Lanczos3 (antialiasing) filter, encodes the
//! result as a JPEG and writes it to the output folder. Mostly CPU-bound (decoding dominates),
//! with a little file I/O. The input photos are generated once into a cache folder keyed by
//! (seed, size, quality) and reused, outside any timed region. The checksum is a hash of the
//! thumbnail's pixels (before encoding), so every model must produce identical thumbnails.
//!
//! Note for comparisons with Python: Pillow's `Image.thumbnail()` decodes JPEGs at a reduced
//! scale (draft mode, up to 1/8), which skips most of the decoding work. This workload always
//! does the full decode, so it does more work per image than the seed article's code.

use std::fs;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use image::ImageFormat;
use poolbench_core::{
    cpu_bound_ideal, fnv1a, mix, IdealInput, TaskError, TaskOutput, TaskResult, WorkKind, Workload,
    WorkloadError, WorkloadSpec,
};
use poolbench_resize::{fit_within, resize_rgb8_lanczos3};
use serde::{Deserialize, Serialize};

use crate::photos::{encode_jpeg, ensure_photos};
use crate::{defaults_of, BuildContext, Footprint, WorkloadInfo};

pub(crate) const INFO: WorkloadInfo = WorkloadInfo {
    name: "thumbnail",
    kind: WorkKind::Cpu,
    summary: "read a JPEG, decode, Lanczos3-resize to fit 75x75, encode, write (S2)",
    default_tasks: 16,
    default_params: defaults_of::<ThumbnailParams>,
    check: |spec| parsed(spec).map(|p| footprint(&p)),
    build,
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
}

impl Default for ThumbnailParams {
    fn default() -> Self {
        Self {
            width: 640,
            height: 480,
            seed: 42,
            quality: 90,
            max_side: 75,
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
        "seed{}-{}x{}-q{}",
        params.seed, params.width, params.height, params.quality
    );
    let input_dir = ctx.cache_dir.join("thumbnail-inputs").join(set);
    let inputs = ensure_photos(
        &input_dir,
        spec.tasks,
        params.seed,
        (params.width, params.height),
        params.quality,
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
        let bytes = fs::read(input)
            .map_err(|e| TaskError::failed(format!("reading {}: {e}", input.display())))?;
        let photo = image::load_from_memory_with_format(&bytes, ImageFormat::Jpeg)
            .map_err(|e| TaskError::failed(format!("decoding {}: {e}", input.display())))?
            .into_rgb8();
        let (width, height) = photo.dimensions();
        let side = self.params.max_side;
        let (thumb_w, thumb_h) = fit_within(width, height, side, side);
        let pixels = resize_rgb8_lanczos3(photo.as_raw(), width, height, thumb_w, thumb_h)
            .map_err(TaskError::failed)?;
        let jpeg = encode_jpeg(&pixels, thumb_w, thumb_h, self.params.quality)
            .map_err(TaskError::failed)?;
        let output = self.outputs.path().join(format!("{index:05}.jpg"));
        fs::write(&output, jpeg)
            .map_err(|e| TaskError::failed(format!("writing {}: {e}", output.display())))?;
        Ok(TaskOutput {
            checksum: mix(index, fnv1a(&pixels)),
        })
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
