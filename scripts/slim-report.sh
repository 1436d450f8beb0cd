#!/usr/bin/env bash
# Slims a report folder for committing: every results*.json rewritten as compact JSON (the same
# data, about half the bytes: the pretty-printed form puts each latency sample on a line of its
# own). `python3 -m json.tool DIR/results.json` shows it pretty-printed again.
# Usage: scripts/slim-report.sh DIR [DIR ...]
set -euo pipefail
if [ $# -eq 0 ]; then
    echo "usage: scripts/slim-report.sh DIR [DIR ...]" >&2
    exit 2
fi
if ! command -v python3 >/dev/null; then
    echo "slim-report: skipped: no python3 to rewrite the JSON with" >&2
    exit 0
fi
for dir in "$@"; do
    if [ ! -d "$dir" ]; then
        echo "slim-report: $dir is not a folder" >&2
        exit 2
    fi
    for json in "$dir"/results*.json; do
        [ -e "$json" ] || continue
        tmp="$json.slim.$$"
        python3 -m json.tool --compact --no-ensure-ascii "$json" > "$tmp"
        # A trailing newline, as poolbench writes.
        echo >> "$tmp"
        mv "$tmp" "$json"
    done
    echo "slim-report: $dir: $(du -sh --apparent-size "$dir" | cut -f1)"
done
