#!/usr/bin/env bash
# Does scripts/ci-regression.sh fail on a real regression, and only on one? Runs it TIMES times
# in each of three arms on the same build, and counts the comparisons that failed:
#   A/A:  nothing changed (every failure is a false alarm);
#   +10 % and +25 %: the new side runs `sum` and `sleep` with the slowdown knob (`slowdown`),
#   a known share of real work added to every task (every failure is a catch; the table says
#   on which of the two workloads it was caught).
# Prints a Markdown table (and the cells each failure named) for docs/ci-regression.md.
#
# A comparison also pools each workload's cells over the rounds (`workload … regressed`): the
# table counts those apart, as the verdict a per-cell interval is too wide to give.
#
#   scripts/ci-proof.sh                # TIMES=20: 60 comparisons, ~70 min on 2 cores
#   TIMES=5 ROUNDS=6 scripts/ci-proof.sh
#   ARMS="aa 10" scripts/ci-proof.sh   # some arms only
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
# Each arm: what the new side runs with, and its label in the table.
read -r -a arms <<< "${ARMS:-aa 10 25}"
declare -A args=(
    [aa]=""
    [10]="--set sum.slowdown=0.1 --set sleep.slowdown=0.1"
    [25]="--set sum.slowdown=0.25 --set sleep.slowdown=0.25"
)
declare -A label=(
    [aa]="A/A (nothing changed)"
    [10]="sum and sleep +10 %"
    [25]="sum and sleep +25 %"
)
declare -A failed=() on_sum=() on_sleep=() on_other=() pooled_sum=() pooled_sleep=() pooled_other=()
for arm in "${arms[@]}"; do
    if [[ -z ${label[$arm]:-} ]]; then
        echo "ci-proof.sh: no arm '$arm' (arms: aa 10 25)" >&2
        exit 2
    fi
    failed[$arm]=0 on_sum[$arm]=0 on_sleep[$arm]=0 on_other[$arm]=0
    pooled_sum[$arm]=0 pooled_sleep[$arm]=0 pooled_other[$arm]=0
done
for ((t = 1; t <= times; t++)); do
    for arm in "${arms[@]}"; do
        dir="$out/$arm-$t"
        status=0
        OUT="$dir" NEW_ARGS="${args[$arm]}" scripts/ci-regression.sh HEAD > "$dir.txt" 2> "$dir.err" || status=$?
        # 0 and 1 are verdicts; anything else (bad input, a failed build) stops the proof.
        if (( status != 0 && status != 1 )); then
            echo "ci-proof.sh: ci-regression.sh exited $status ($dir.err)" >&2
            exit 2
        fi
        if (( status == 1 )); then
            failed[$arm]=$((failed[$arm] + 1))
        fi
        regressed="$(grep -E ' regressed ' "$dir.txt" | awk '{print $1, $2, $3}' | paste -sd ';' || true)"
        grep -qE '^sum .* regressed ' "$dir.txt" && on_sum[$arm]=$((on_sum[$arm] + 1))
        grep -qE '^sleep .* regressed ' "$dir.txt" && on_sleep[$arm]=$((on_sleep[$arm] + 1))
        grep -E ' regressed ' "$dir.txt" | grep -qvE '^(sum|sleep|workload) ' && on_other[$arm]=$((on_other[$arm] + 1))
        grep -qE '^workload sum.* regressed ' "$dir.txt" && pooled_sum[$arm]=$((pooled_sum[$arm] + 1))
        grep -qE '^workload sleep.* regressed ' "$dir.txt" && pooled_sleep[$arm]=$((pooled_sleep[$arm] + 1))
        grep -E '^workload .* regressed ' "$dir.txt" | grep -qvE '^workload (sum|sleep)' && pooled_other[$arm]=$((pooled_other[$arm] + 1))
        echo "$arm $t exit=$status ${regressed:-}" | tee -a "$out/log.txt" >&2
    done
done
echo "| arm | comparisons that failed (exit 1) | a sum cell regressed | a sleep cell regressed | another cell regressed | sum pooled regressed | sleep pooled regressed | another workload pooled regressed |"
echo "|---|---|---|---|---|---|---|---|"
for arm in "${arms[@]}"; do
    echo "| ${label[$arm]} | ${failed[$arm]} of $times | ${on_sum[$arm]} | ${on_sleep[$arm]} | ${on_other[$arm]} | ${pooled_sum[$arm]} | ${pooled_sleep[$arm]} | ${pooled_other[$arm]} |"
done
