#!/usr/bin/env bash
# How far does a poolbench figure hold up? Runs the same plan twice, back to back, and prints
# per workload: the share of cells whose second median lies inside the first run's recorded
# interval, the median and 90th percentile of |second/first - 1|, the interval half-widths of
# both runs, and whether the verdict (fastest model) holds.
#
#   scripts/reproducibility.sh                      # the quick preset, twice (~2 min on 2 cores)
#   scripts/reproducibility.sh --workloads sum      # any `poolbench run` flags
#   OUT=/tmp/repro scripts/reproducibility.sh       # where the two runs go (default: reports/repro)
#
# Both runs use the same seed unless you pass --seed (then both use yours), so they differ only
# by what the machine does. Exit status: 0 when both runs verified, else poolbench's.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-reports/repro}"
cargo build --release --quiet
bin=target/release/poolbench
seed=()
if [[ " $* " != *" --seed "* ]]; then
    seed=(--seed "${SEED:-$RANDOM}")
fi
for run in first second; do
    echo "== $run run" >&2
    "$bin" run --quiet "${seed[@]}" --out "$out/$run" "$@"
done
echo
"$bin" repro "$out/first/results.json" "$out/second/results.json"
