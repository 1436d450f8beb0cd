#!/usr/bin/env bash
# Measures the mock server's throughput with wrk, then the best poolbench HTTP clients against
# the same server, one after the other, at zero server latency. Needs wrk (apt-get install wrk).
#   scripts/http-throughput.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
connections=${2:-64}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
cargo build --release --quiet
bin=target/release/poolbench
out=$(mktemp -d)
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$out"' EXIT
"$bin" serve --port 0 >"$out/server.log" &
server=$!
for _ in $(seq 100); do grep -q listening "$out/server.log" 2>/dev/null && break; sleep 0.05; done
url=$(sed -n 's/^listening on //p' "$out/server.log")
echo "== mock server at $url ($(nproc) cores)"
echo "== wrk -t2 -c$connections -d${seconds}s $url/item/1"
wrk -t2 -c"$connections" -d"${seconds}s" "$url/item/1" | sed -n '/Requests\/sec/p;/Latency/p'
echo "== poolbench clients, 20000 GETs at zero latency, W = 8 and 64"
"$bin" run --workloads http --url "$url" --tasks 20000 --workers 8,64 \
  --set http.latency=0 --models rayon,crossbeam,tokio,process --repeat 3 --warmup 1 \
  --out "$out/run" -q >/dev/null || true
python3 - "$out/run/results.json" <<'PY'
import json, sys
cells = json.load(open(sys.argv[1]))["results"]
for c in sorted(cells, key=lambda c: c["tasks"] / c["median_s"], reverse=True):
    print(f'{c["model"]:<15} W={c["workers"]:<3} {c["tasks"] / c["median_s"]:>9.0f} req/s  (median of {len(c["samples_s"])}, verified={c["verified"]})')
PY
