#!/usr/bin/env bash
# SIMD for the Rust thumbnail workload's JPEG decoder (seed S2, like for like with Pillow).
#
# libjpeg-turbo, which mozjpeg-sys compiles from C, gets its SIMD code only when `nasm` is
# installed at build time, and cargo does not rebuild mozjpeg-sys when nasm appears later (its
# build script reruns only when its own sources change). This script installs nasm when it is
# missing (with apt-get, as root) and removes mozjpeg-sys's build, so the next `cargo build`
# (or `cargo run --release -- run`) compiles it with SIMD. `poolbench run` records which build
# ran (results.json: environment.jpeg_decoder, jpeg_decoder_simd).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v nasm >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        echo "installing nasm with apt-get ..."
        apt-get update -qq
        apt-get install -y -qq nasm >/dev/null
    else
        echo "nasm is missing: install it (apt-get install nasm, dnf install nasm, brew install nasm) and run this again" >&2
        exit 2
    fi
fi
echo "$(nasm -v)"
cargo clean -p mozjpeg-sys --release
cargo clean -p mozjpeg-sys
echo "done: the next cargo build compiles libjpeg-turbo with SIMD (cargo build --release)"
