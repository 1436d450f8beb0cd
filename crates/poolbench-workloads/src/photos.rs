//! Deterministic synthetic "photos" for the thumbnail workload (seed S2's images are unknown).
//!
//! Flat colours compress far better than photographs, which would make decoding unrealistically
//! cheap. These images mix a smooth gradient, a few soft shapes and seeded per-pixel noise, so
//! the JPEG encoder sees photo-like entropy. They are encoded with 4:2:0 chroma subsampling by
//! default (colour at half resolution both ways), as cameras and Pillow write JPEGs; 4:4:4
//! files carry twice the colour data and decode slower.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use poolbench_jpeg::{encode_rgb, Subsampling};

use crate::manifest::{Manifest, MANIFEST};

/// The RGB8 pixels (row-major, `width * height * 3` bytes) of synthetic photo `index` of the
/// set made from `seed`: same arguments, same pixels, on every machine.
pub fn synthetic_photo(seed: u64, index: usize, width: u32, height: u32) -> Vec<u8> {
    let mut rng =
        fastrand::Rng::with_seed(seed ^ (index as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let (w, h) = (width.max(1) as f32, height.max(1) as f32);
    let tint = [rng.f32(), rng.f32(), rng.f32()];
    let blobs: Vec<(f32, f32, f32, [f32; 3])> = (0..4)
        .map(|_| {
            (
                rng.f32() * w,
                rng.f32() * h,
                (0.1 + rng.f32() * 0.3) * w,
                [rng.f32(), rng.f32(), rng.f32()],
            )
        })
        .collect();
    let mut pixels = Vec::with_capacity(width as usize * height as usize * 3);
    for y in 0..height {
        for x in 0..width {
            let (fx, fy) = (x as f32, y as f32);
            for (channel, &t) in tint.iter().enumerate() {
                let mut v = 40.0 + 150.0 * (fy / h) * t + 40.0 * (fx / w);
                for &(cx, cy, r, colour) in &blobs {
                    let d2 = ((fx - cx).powi(2) + (fy - cy).powi(2)) / (r * r);
                    v += 90.0 * colour[channel] * (-d2).exp();
                }
                v += rng.f32() * 36.0 - 18.0;
                pixels.push(v.clamp(0.0, 255.0) as u8);
            }
        }
    }
    pixels
}

/// Makes sure `dir` holds photos `0..count` of the set, each verified against the folder's
/// manifest (see [`crate::manifest`]): a missing, damaged or foreign file is generated again.
/// Each file is written to a temporary name and renamed into place, so a crash or a concurrent
/// run never leaves a truncated image behind. Fails only when a file cannot be (re)written,
/// saying which.
pub(crate) fn ensure_photos(
    dir: &Path,
    count: usize,
    seed: u64,
    (width, height): (u32, u32),
    quality: u8,
    subsampling: Subsampling,
) -> Result<Vec<PathBuf>, String> {
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut manifest = Manifest::load(dir);
    let mut changed = false;
    let paths = (0..count)
        .map(|index| {
            let name = format!("{index:05}.jpg");
            let path = dir.join(&name);
            let trusted = fs::read(&path).is_ok_and(|bytes| manifest.matches(&name, &bytes));
            if !trusted {
                let pixels = synthetic_photo(seed, index, width, height);
                let bytes = encode_rgb(&pixels, width, height, quality, subsampling)
                    .map_err(|e| e.to_string())?;
                let replace = |e: String| {
                    if path.exists() {
                        format!(
                            "cached input {} is damaged or foreign (it does not match {}) and \
                             cannot be replaced: {e}",
                            path.display(),
                            dir.join(MANIFEST).display()
                        )
                    } else {
                        e
                    }
                };
                let mut file = tempfile::NamedTempFile::new_in(dir)
                    .map_err(|e| replace(format!("cannot write in {}: {e}", dir.display())))?;
                file.write_all(&bytes).map_err(|e| replace(e.to_string()))?;
                file.persist(&path)
                    .map_err(|e| replace(format!("cannot write {}: {e}", path.display())))?;
                manifest.record(&name, &bytes);
                changed = true;
            }
            Ok(path)
        })
        .collect::<Result<Vec<_>, String>>()?;
    if changed {
        manifest.save(dir)?;
    }
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos_are_deterministic_and_distinct() {
        let a = synthetic_photo(7, 0, 32, 24);
        assert_eq!(a.len(), 32 * 24 * 3);
        assert_eq!(a, synthetic_photo(7, 0, 32, 24));
        assert_ne!(a, synthetic_photo(7, 1, 32, 24));
        assert_ne!(a, synthetic_photo(8, 0, 32, 24));
    }

    #[test]
    fn cache_generates_missing_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let paths = ensure_photos(dir.path(), 3, 1, (16, 12), 90, Subsampling::S420).unwrap();
        assert_eq!(paths.len(), 3);
        let first = fs::metadata(&paths[0]).unwrap().modified().unwrap();
        let again = ensure_photos(dir.path(), 4, 1, (16, 12), 90, Subsampling::S420).unwrap();
        assert_eq!(fs::metadata(&again[0]).unwrap().modified().unwrap(), first);
        assert!(again[3].is_file());
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            5,
            "four photos and the manifest, no temporary files left"
        );
    }

    #[test]
    fn damaged_or_swapped_files_are_generated_again() {
        let dir = tempfile::tempdir().unwrap();
        let paths = ensure_photos(dir.path(), 3, 1, (16, 12), 90, Subsampling::S420).unwrap();
        let clean: Vec<Vec<u8>> = paths.iter().map(|p| fs::read(p).unwrap()).collect();
        let truncated = &clean[0][..clean[0].len() / 2];
        fs::write(&paths[0], truncated).unwrap();
        let mut flipped = clean[1].clone();
        let middle = flipped.len() / 2;
        flipped[middle] ^= 0x10;
        fs::write(&paths[1], flipped).unwrap();
        fs::copy(&paths[0], &paths[2]).unwrap();
        fs::write(&paths[2], &clean[1]).unwrap();
        ensure_photos(dir.path(), 3, 1, (16, 12), 90, Subsampling::S420).unwrap();
        for (path, bytes) in paths.iter().zip(&clean) {
            assert_eq!(&fs::read(path).unwrap(), bytes, "{}", path.display());
        }
    }

    #[test]
    fn a_damaged_file_that_cannot_be_replaced_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let paths = ensure_photos(dir.path(), 2, 1, (16, 12), 90, Subsampling::S420).unwrap();
        // A folder where photo 1 should be: unreadable as a photo, and no file can replace it.
        fs::remove_file(&paths[1]).unwrap();
        fs::create_dir(&paths[1]).unwrap();
        fs::write(paths[1].join("keep"), b"x").unwrap();
        let e = ensure_photos(dir.path(), 2, 1, (16, 12), 90, Subsampling::S420).unwrap_err();
        assert!(
            e.contains("00001.jpg is damaged or foreign") && e.contains("cannot be replaced"),
            "{e}"
        );
    }

    #[test]
    fn a_file_the_manifest_does_not_list_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let paths = ensure_photos(dir.path(), 2, 1, (16, 12), 90, Subsampling::S420).unwrap();
        let clean = fs::read(&paths[1]).unwrap();
        fs::remove_file(dir.path().join(MANIFEST)).unwrap();
        fs::write(&paths[1], b"not a jpeg").unwrap();
        ensure_photos(dir.path(), 2, 1, (16, 12), 90, Subsampling::S420).unwrap();
        assert_eq!(fs::read(&paths[1]).unwrap(), clean);
    }
}
