#!/usr/bin/env bash
# HTTP throughput at zero server latency, on one `poolbench serve`, in one run:
#   1. wrk (the server's ceiling),
#   2. bare clients with 8 threads (raw keep-alive, ureq, ureq with timeout_global),
#   3. poolbench's models: every thread model at W = 8, tokio at W = 8 and 64,
#   4. the bare clients again (the reference is the mean of 2 and 4, so a drift of the
#      machine's speed during the run shows as a difference between them),
# then one table: each model against bare ureq (target >= 0.8) and the best client against
# wrk (target >= 0.8). Needs wrk (apt-get install wrk) for step 1; without it, step 1 is
# skipped with one line.
#   scripts/http-throughput.sh [SECONDS] [CONNECTIONS] [REQUESTS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
connections=${2:-64}
requests=${3:-20000}
cargo build --release --quiet -p poolbench-cli -p poolbench-benches --bins
bin=target/release/poolbench
bare=target/release/bare-http
out=$(mktemp -d)
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$out"' EXIT
"$bin" serve --port 0 >"$out/server.log" &
server=$!
for _ in $(seq 100); do grep -q listening "$out/server.log" 2>/dev/null && break; sleep 0.05; done
url=$(sed -n 's/^listening on //p' "$out/server.log")
echo "== mock server at $url ($(nproc) cores), $requests GETs per client run"
if command -v wrk >/dev/null; then
  wrk -t2 -c"$connections" -d"${seconds}s" "$url/item/1?latency=0" >"$out/wrk.txt"
  sed -n 's/^Requests\/sec: *//p' "$out/wrk.txt" >"$out/wrk.rps"
else
  echo "wrk is not installed (apt-get install wrk): no server ceiling this run"
fi
"$bare" "$url" 8 "$requests" >"$out/bare-before.txt"
"$bin" run --workloads http --url "$url" --tasks "$requests" --workers 8 \
  --set http.latency=0 --models thread-per-task,handrolled,threadpool,rayon,crossbeam,tokio-blocking,tokio \
  --out "$out/run8" -q >/dev/null 2>&1 || true
"$bin" run --workloads http --url "$url" --tasks "$requests" --workers 64 \
  --set http.latency=0 --models tokio --out "$out/run64" -q >/dev/null 2>&1 || true
"$bare" "$url" 8 "$requests" >"$out/bare-after.txt"
python3 - "$out" "$connections" <<'PY'
import json, os, sys
out, connections = sys.argv[1], sys.argv[2]
def bare(name):
    rows = [dict((l.split()[0], float(l.split()[2])) for l in open(f"{out}/bare-{when}.txt"))
            for when in ("before", "after")]
    return [r[name] for r in rows]
ureq = bare("ureq")
ref = sum(ureq) / 2
print(f"\nbare clients, 8 threads (before / after the models):")
for name in ("raw-keep-alive", "ureq", "ureq-timeout-global"):
    b, a = bare(name)
    print(f"  {name:<22} {b:>9.0f} / {a:>9.0f} req/s")
print(f"\nreference: bare ureq, mean {ref:.0f} req/s (before and after differ by "
      f"{abs(ureq[0] - ureq[1]) / ref:.0%})\n")
cells = []
for run in ("run8", "run64"):
    path = f"{out}/{run}/results.json"
    if os.path.exists(path):
        cells += [c for c in json.load(open(path))["results"] if c["model"] != "sequential"]
print(f"{'model':<16}{'W':>4}{'req/s':>10}{'× bare ureq':>13}  verified")
for c in sorted(cells, key=lambda c: (c["workers"], c["model"])):
    if not c["time"].get("median_s"):
        print(f'{c["model"]:<16}{c["workers"]:>4}  no median: {c["time"].get("no_median")}')
        continue
    rps = c["tasks"] / c["time"]["median_s"]
    mark = "" if rps >= 0.8 * ref or c["workers"] != 8 else "  (< 0.8)"
    print(f'{c["model"]:<16}{c["workers"]:>4}{rps:>10.0f}{rps / ref:>13.2f}  {c["outcome"]["verified"]}{mark}')
best = max((c for c in cells if c["time"].get("median_s")),
           key=lambda c: c["tasks"] / c["time"]["median_s"], default=None)
if best and os.path.exists(f"{out}/wrk.rps"):
    wrk = float(open(f"{out}/wrk.rps").read())
    rps = best["tasks"] / best["time"]["median_s"]
    print(f'\nwrk -t2 -c{connections}: {wrk:.0f} req/s; best client {best["model"]} W={best["workers"]}: '
          f'{rps:.0f} req/s = {rps / wrk:.2f} × wrk')
PY
