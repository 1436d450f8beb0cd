//! Which JPEG decoder should the thumbnail workload use? Each candidate bare, on the S2 inputs
//! (generated 640×480 photos, JPEG quality 90, 4:2:0), decode and Lanczos3-resize to fit 75×75
//! as a thumbnail task does (reading, encoding and writing are the same for every candidate
//! and left out):
//!
//! - `turbo-reduced`: libjpeg-turbo (mozjpeg) at Pillow's draft scale (1/2 here), then resize
//!   320×240 → 75×56: the same work as Pillow's `thumbnail()`;
//! - `turbo-full`: libjpeg-turbo decoding every pixel, then resize 640×480 → 75×56;
//! - `zune-full`: zune-jpeg (pure Rust, SIMD intrinsics) decoding every pixel, then resize.
//!
//! libjpeg-turbo's SIMD needs `nasm` when mozjpeg-sys is built: the bench prints which build it
//! runs. `cargo bench -p poolbench-benches --bench jpeg`; criterion reports time per image.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use poolbench_jpeg::{decode_rgb_with, encode_rgb, Decode, Decoder, Subsampling};
use poolbench_resize::{fit_within, resize_rgb8_lanczos3};

/// The S2 inputs: as many photos as a batch of the quick preset's thumbnail workload.
const IMAGES: usize = 8;
const SIDE: u32 = 75;

fn inputs() -> Vec<Vec<u8>> {
    (0..IMAGES)
        .map(|i| {
            let pixels = poolbench_workloads::synthetic_photo(2026, i, 640, 480);
            encode_rgb(&pixels, 640, 480, 90, Subsampling::S420).expect("encodes")
        })
        .collect()
}

/// One image as a thumbnail task decodes and resizes it.
fn thumbnail(jpeg: &[u8], decoder: Decoder, decode: Decode) -> Vec<u8> {
    let rgb = decode_rgb_with(decoder, jpeg, decode, (SIDE, SIDE)).expect("decodes");
    let (w, h) = fit_within(rgb.source.0, rgb.source.1, SIDE, SIDE);
    resize_rgb8_lanczos3(&rgb.pixels, rgb.width, rgb.height, w, h).expect("resizes")
}

fn decoders(c: &mut Criterion) {
    println!(
        "libjpeg-turbo build: {}",
        poolbench_jpeg::decoder_description()
    );
    let jpegs = inputs();
    let mut group = c.benchmark_group("thumbnail-decode-resize");
    group.throughput(Throughput::Elements(IMAGES as u64));
    for (name, decoder, decode) in [
        ("turbo-reduced", Decoder::LibjpegTurbo, Decode::Reduced),
        ("turbo-full", Decoder::LibjpegTurbo, Decode::Full),
        ("zune-full", Decoder::Zune, Decode::Full),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                for jpeg in &jpegs {
                    black_box(thumbnail(black_box(jpeg), decoder, decode));
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, decoders);
criterion_main!(benches);
