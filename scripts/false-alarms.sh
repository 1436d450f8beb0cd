#!/usr/bin/env bash
# How often does `poolbench compare` cry wolf? Runs the same plan RUNS times on the same code and
# compares each run with the next: every "regressed" or "improved" verdict is a false alarm. It
# prints each pair's counts, then the per-cell false-regression rate with its 95 % Wilson
# interval, in both modes (the default, relative to the sequential cell, and --absolute), and
# how many pairs would have failed a CI job.
#
#   scripts/false-alarms.sh                         # 4 runs of the quick preset (~5 min on 2 cores)
#   RUNS=8 scripts/false-alarms.sh --workloads sum  # more runs; any `poolbench run` flags
#   OUT=/tmp/fa scripts/false-alarms.sh             # where the runs go (default: reports/false-alarms)
#
# Each run gets its own seed, as separate CI jobs would. Needs python3 for the summary.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-reports/false-alarms}"
runs="${RUNS:-4}"
if (( runs < 2 )); then
    echo "false-alarms.sh: RUNS must be at least 2" >&2
    exit 2
fi
cargo build --release --quiet
bin=target/release/poolbench
rm -rf "$out"
mkdir -p "$out"
for ((i = 1; i <= runs; i++)); do
    echo "== run $i of $runs" >&2
    "$bin" run --quiet --out "$out/run$i" "$@" >&2
done
for ((i = 1; i < runs; i++)); do
    for mode in relative absolute; do
        flag=()
        [[ $mode == absolute ]] && flag=(--absolute)
        "$bin" compare "$out/run$i/results.json" "$out/run$((i + 1))/results.json" \
            --format json --no-fail "${flag[@]}" > "$out/pair$i-$mode.json"
    done
done
python3 - "$out" "$runs" <<'PY'
import json, math, sys
out, runs = sys.argv[1], int(sys.argv[2])

def wilson(k, n, z=1.96):
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))

print(f"{'pair':<6}{'mode':<10}{'cells':>7}{'regressed':>11}{'improved':>10}  threshold")
totals = {}
for i in range(1, runs):
    for mode in ("relative", "absolute"):
        c = json.load(open(f"{out}/pair{i}-{mode}.json"))
        verdicts = [cell["verdict"] for cell in c["cells"]]
        reg, imp = verdicts.count("regressed"), verdicts.count("improved")
        t = totals.setdefault(mode, [0, 0, 0, 0])
        t[0] += len(verdicts); t[1] += reg; t[2] += imp; t[3] += reg > 0
        print(f"{i:<6}{mode:<10}{len(verdicts):>7}{reg:>11}{imp:>10}  {c['threshold'] * 100:.1f} %")
print()
for mode, (n, reg, imp, failed) in totals.items():
    lo, hi = wilson(reg, n)
    print(f"{mode}: {reg} false regressions in {n} cell comparisons = {reg / n * 100:.2f} % "
          f"(95 % interval {lo * 100:.2f} .. {hi * 100:.2f} %); {imp} false improvements; "
          f"{failed} of {runs - 1} pairs would have failed a CI job")
PY
