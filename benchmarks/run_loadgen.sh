#!/usr/bin/env bash
# Load benchmark: start `otree prodserver` on benchmarks/project, run the shared black-box
# load generator against it, stop the server. Usage:
#   benchmarks/run_loadgen.sh CONFIG N THINK_MS [EXTRA prodserver ARGS...]
# e.g. benchmarks/run_loadgen.sh public_goods_simple 600 0,0
#      DATABASE_URL=postgresql://postgres@127.0.0.1/bench benchmarks/run_loadgen.sh guess_two_thirds 600 500,3000
# Results: one JSON file per run in benchmarks/results/ and the loadgen's summary line.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
config="$1"; n="$2"; think="$3"; shift 3
port="${PORT:-8877}"
work="$(mktemp -d)"
cp -r "$here/project/." "$work/"
mkdir -p "$here/results"
out="$here/results/${config}-n${n}-think${think/,/-}-$(date +%Y%m%d-%H%M%S).json"
cd "$work"
OTREE_PRODUCTION=1 "$root/.venv/bin/otree" prodserver "127.0.0.1:$port" "$@" > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/otree_version" >/dev/null && break; sleep 0.2; done
# CPU seconds (user + system) of a process and all its descendants (the workers of --workers N).
tree_cpu() {
    local total=0 pid
    for pid in "$1" $(pgrep -P "$1"); do
        [ "$pid" = "$1" ] || { total=$(echo "$total + $(tree_cpu "$pid")" | bc); continue; }
        total=$(echo "$total + $(awk '{print ($14 + $15) / 100}' "/proc/$pid/stat" 2>/dev/null || echo 0)" | bc)
    done
    echo "$total"
}
postgres_cpu() {  # the PostgreSQL server's processes (its backends persist while the pool does)
    local total=0 pid
    for pid in $(pgrep -f "^postgres"); do
        total=$(echo "$total + $(awk '{print ($14 + $15) / 100}' "/proc/$pid/stat" 2>/dev/null || echo 0)" | bc)
    done
    echo "$total"
}
server_before=$(tree_cpu "$server"); postgres_before=$(postgres_cpu); started=$(date +%s.%N)
"$root/.venv/bin/python" "$root/../shared/bench/loadgen.py" --base-url "http://127.0.0.1:$port" \
    --config "$config" -n "$n" --think-ms "$think" --ramp-s 5 --timeout-s 175 --out "$out" | tail -n 1
elapsed=$(echo "$(date +%s.%N) - $started" | bc)
# The load generator reports its own CPU share ("client cpu"); these are the server's and PostgreSQL's.
echo "cores used during the run: server $(echo "scale=2; ($(tree_cpu "$server") - $server_before) / $elapsed" | bc)," \
     "PostgreSQL $(echo "scale=2; ($(postgres_cpu) - $postgres_before) / $elapsed" | bc)"
