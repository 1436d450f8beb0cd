#!/usr/bin/env bash
# Does scripts/ci-regression.sh fail on a real regression, and only on one? Runs it TIMES times
# in each of three arms on the same build, and counts the comparisons that failed:
#   A/A:  nothing changed (every failure is a false alarm);
#   +10 % and +25 %: the new side runs `sum` with the slowdown knob (`sum.slowdown`), a known
#   share of real work added to every task (every failure is a catch).
# Prints a Markdown table (and the cells each failure named) for docs/ci-regression.md.
#
#   scripts/ci-proof.sh                # TIMES=20: 60 comparisons, ~70 min on 2 cores
#   TIMES=5 ROUNDS=6 scripts/ci-proof.sh
set -euo pipefail
cd "$(dirname "$0")/.."
times="${TIMES:-20}"
out="${OUT:-reports/ci-proof}"
if [[ -n "$(git status --porcelain --untracked-files=no)" ]]; then
    echo "ci-proof.sh: commit first: the A/A arm compares HEAD with itself (one build)" >&2
    exit 2
fi
rm -rf "$out"
mkdir -p "$out"
declare -A failed=()
for arm in aa 10 25; do
    failed[$arm]=0
done
for ((t = 1; t <= times; t++)); do
    for arm in aa 10 25; do
        case $arm in
            aa) args="" ;;
            10) args="--set sum.slowdown=0.1" ;;
            25) args="--set sum.slowdown=0.25" ;;
        esac
        dir="$out/$arm-$t"
        status=0
        OUT="$dir" NEW_ARGS="$args" scripts/ci-regression.sh HEAD > "$dir.txt" 2>/dev/null || status=$?
        if (( status == 2 )); then
            echo "ci-proof.sh: ci-regression.sh failed on bad input ($dir.txt)" >&2
            exit 2
        fi
        if (( status == 1 )); then
            failed[$arm]=$((failed[$arm] + 1))
        fi
        regressed="$(grep -E ' regressed ' "$dir.txt" | awk '{print $1, $2, $3}' | paste -sd ';' || true)"
        echo "$arm $t exit=$status ${regressed:-}" | tee -a "$out/log.txt" >&2
    done
done
echo "| arm | comparisons that failed (exit 1) |"
echo "|---|---|"
echo "| A/A (nothing changed) | ${failed[aa]} of $times |"
echo "| sum +10 % (sum.slowdown=0.1) | ${failed[10]} of $times |"
echo "| sum +25 % (sum.slowdown=0.25) | ${failed[25]} of $times |"
