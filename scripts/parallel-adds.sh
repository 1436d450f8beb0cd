#!/usr/bin/env bash
# Do parallel CI jobs lose runs? Starts WRITERS `poolbench history add` processes at once,
# TRIALS times, and counts the runs that did not land. Each writer adds its own run (a copy of
# RESULTS with its own commit). With an SQLite DB each trial starts a new file; with a
# postgres:// URL the trials add to one database and the expected count grows.
#
#   scripts/parallel-adds.sh                                 # 8 writers x 20 trials, SQLite
#   DB=postgres://me@127.0.0.1:5432/ci scripts/parallel-adds.sh
#   WRITERS=16 TRIALS=50 RESULTS=reports/latest/results.json scripts/parallel-adds.sh
set -euo pipefail
cd "$(dirname "$0")/.."
writers="${WRITERS:-8}"
trials="${TRIALS:-20}"
results="${RESULTS:-reports/reference-2core/results.json}"
db="${DB:-}"
bin="${POOLBENCH:-target/release/poolbench}"
[[ -x $bin ]] || cargo build --release --quiet
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
lost_total=0 failed_total=0
tag="$(date +%s)"
for ((t = 1; t <= trials; t++)); do
    target="${db:-$tmp/trial-$t.db}"
    before=0
    if [[ -n $db ]] && "$bin" history --db "$db" list > "$tmp/list" 2> /dev/null; then
        before="$(tail -n 1 "$tmp/list" | cut -d' ' -f1)"
    fi
    pids=()
    for ((w = 1; w <= writers; w++)); do
        sed -E "s/\"git_commit\": *(\"[^\"]*\"|null)/\"git_commit\": \"p$tag-$t-$w\"/" "$results" > "$tmp/run-$w.json"
    done
    for ((w = 1; w <= writers; w++)); do
        "$bin" history --db "$target" add "$tmp/run-$w.json" > /dev/null 2> "$tmp/err-$w" &
        pids+=($!)
    done
    failed=0
    for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
    after="$("$bin" history --db "$target" list | tail -n 1 | cut -d' ' -f1)"
    lost=$((before + writers - after))
    lost_total=$((lost_total + lost)) failed_total=$((failed_total + failed))
    echo "trial $t: $((after - before)) of $writers runs landed, $failed writers failed$( ((failed)) && echo ": $(cat "$tmp"/err-* | head -n 1)")"
done
echo "$trials trials x $writers writers: $lost_total runs lost, $failed_total writers failed"
(( lost_total == 0 && failed_total == 0 ))
