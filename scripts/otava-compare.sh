#!/usr/bin/env bash
# poolbench's `history check` change points beside Apache Otava's, on the same synthetic
# series (same seeds): recall and false alarms for every kind of noise. Otava is installed in a
# throwaway virtual environment ($OTAVA_VENV, default under /tmp); it is not a dependency.
#
#   scripts/otava-compare.sh            # 200 series per case
#   scripts/otava-compare.sh 100        # fewer
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${OTAVA_VENV:-${TMPDIR:-/tmp}/poolbench-otava-venv}"
if [[ ! -x $venv/bin/python ]] || ! "$venv/bin/python" -c 'import otava' 2> /dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "apache-otava==0.8.0"
fi
cargo run --release --quiet -p poolbench-history --example changepoints -- \
    --otava "$venv/bin/python" "$@"
