#!/usr/bin/env bash
# The three timelines of docs/timelines.md, each run twice, with what their traces measured.
#
#   scripts/timelines.sh               # all four (~4 min on 2 cores; the last two need Python)
#   scripts/timelines.sh uneven waits  # some of them
#   OUT=/tmp/tl scripts/timelines.sh   # where the runs go (default: reports/timelines)
#
# uneven: work stealing against FIFO queues on `sum` tasks of different lengths (sum.uneven=10)
# waits:  tokio against a thread pool on 64 jittered sleeps at W = 16
# gil:    Python's threads against its processes on `sum`
# chunks: Python's Pool.map (chunks of ceil(N / 4W) tasks per hand-over) against
#         ProcessPoolExecutor.map (one task per hand-over), both processes, on uneven `sum` tasks
# (gil and chunks need scripts/python-setup.sh; each is skipped with one line without it)
#
# Each scenario runs twice (OUT/NAME/first, OUT/NAME/second); the table prints, per model, the
# traced batch's span, busy share and idle-while-waiting share in both runs, so a reader sees
# which shapes hold. The charts are OUT/NAME/first/charts/timeline-*.png.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-reports/timelines}"
cargo build --release --quiet
bin=target/release/poolbench
scenarios=("$@")
[[ ${#scenarios[@]} -gt 0 ]] || scenarios=(uneven waits gil chunks)

args_of() {
    case "$1" in
        uneven) echo "--models rayon,crossbeam,handrolled,threadpool,process --workloads sum \
            --tasks 32 --workers 2 --set sum.n=2000000 --set sum.uneven=10" ;;
        waits) echo "--models tokio,threadpool --workloads sleep --tasks 64 --workers 16 \
            --set sleep.delay_ms=10 --set sleep.jitter=0.5" ;;
        gil) echo "--with-python --models py-thread-executor,py-process-executor,py-pool \
            --workloads sum --tasks 8 --workers 2 --set sum.n=2000000" ;;
        chunks) echo "--with-python --models py-pool,py-process-executor \
            --workloads sum --tasks 32 --workers 2 --set sum.n=200000 --set sum.uneven=10" ;;
        *) echo "unknown scenario '$1' (uneven, waits, gil, chunks)" >&2; exit 2 ;;
    esac
}

for name in "${scenarios[@]}"; do
    read -r -a args <<<"$(args_of "$name")"
    if [[ ("$name" == gil || "$name" == chunks) && -z "${POOLBENCH_PYTHON:-}" && ! -x python/.venv/bin/python ]]; then
        echo "$name: skipped: no Python environment (run scripts/python-setup.sh first)" >&2
        continue
    fi
    for run in first second; do
        echo "== $name, $run run" >&2
        "$bin" run --quiet --seed 28 --repeat 6 "${args[@]}" --out "$out/$name/$run"
    done
    python3 - "$out/$name" <<'PY'
import json, sys
base = sys.argv[1]
runs = [json.load(open(f"{base}/{r}/results.json"))["results"] for r in ("first", "second")]
print(f"\n{base}")
print(f"{'model':22} {'W':>3} {'lanes':>5}  {'traced batch':>20}  {'busy':>11}  {'idle while waiting':>18}")
for a in runs[0]:
    b = next((c for c in runs[1] if c["model"] == a["model"] and c["workers"] == a["workers"]), None)
    ta, tb = a["per_task"].get("trace"), b and b["per_task"].get("trace")
    if not ta or not tb:
        continue
    ms = lambda t: f"{t['end_s'] * 1e3:.1f}"
    pc = lambda t, k, d=0: f"{t[k] * 100:.{d}f}"
    print(f"{a['model']:22} {a['workers']:>3} {len(ta['lanes']):>5}  "
          f"{ms(ta) + ' / ' + ms(tb) + ' ms':>20}  {pc(ta, 'busy') + ' / ' + pc(tb, 'busy') + ' %':>11}  "
          f"{pc(ta, 'idle_while_waiting', 1) + ' / ' + pc(tb, 'idle_while_waiting', 1) + ' %':>18}")
PY
done
