#!/usr/bin/env bash
# Enqueue throughput: wrk -c32 against aether-ingestd (WORKERS=0) and against the
# reference peer (FastAPI + RQ, ../shared/peer) in the same run, on the same
# machine; prints both figures and the ratio. Needs a build (cmake --build build)
# and, for the peer: apt-get install python3-rq python3-fastapi python3-uvicorn
# python3-multipart wrk. The last line, "RESULT enqueue ...", is for bench/report.sh.
#   [BUILD_DIR=build] bench/enqueue.sh [duration_seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-15}"
root="$PWD"
peer_dir="${PEER_DIR:-$root/../shared/peer}"
daemon="$(realpath "${BUILD_DIR:-build}")/app/aether-ingestd"
work="$(mktemp -d)"
pids=()
source bench/common.sh
trap stop_started EXIT


# wrk's summary -> "requests_per_second p99_ms"
run_wrk() {
    wrk -t2 -c32 -d"${duration}s" --latency -s bench/enqueue.lua "$1" > "$work/wrk.txt"
    local rps p99 errors
    rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
    p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' "$work/wrk.txt")
    errors=$(awk '/Non-2xx|Socket errors/ {print}' "$work/wrk.txt")
    [ -n "$errors" ] && echo "  wrk reported: $errors" >&2
    echo "$rps $p99"
}

echo "== aether-ingestd (WORKERS=0), wrk -t2 -c32 -d${duration}s"
ours_redis=$(free_port); start_redis "$ours_redis"
ours_port=$(free_port)
REDIS_URL="redis://127.0.0.1:$ours_redis/0" WORKERS=0 AETHER_PORT="$ours_port" AETHER_DATA_DIR="$work/ours" \
    DATABASE_URL="sqlite:///$work/ours.db" "$daemon" 2>"$work/ours.log" & pids+=($!)
wait_http "http://127.0.0.1:$ours_port/healthz"
read -r ours_rps ours_p99 < <(run_wrk "http://127.0.0.1:$ours_port")
ours_queued=$(redis-cli -p "$ours_redis" LLEN rq:queue:ingest)
echo "  ${ours_rps} req/s, p99 ${ours_p99} ms, ${ours_queued} jobs queued"

echo "== reference peer (FastAPI + RQ, uvicorn), same wrk"
peer_redis=$(free_port); start_redis "$peer_redis"
peer_port=$(free_port)
(cd "$peer_dir" && REDIS_URL="redis://127.0.0.1:$peer_redis/0" exec /usr/bin/python3 -m uvicorn app:app \
    --host 127.0.0.1 --port "$peer_port" --log-level warning) 2>"$work/peer.log" & pids+=($!)
wait_http "http://127.0.0.1:$peer_port/docs"
read -r peer_rps peer_p99 < <(run_wrk "http://127.0.0.1:$peer_port")
peer_queued=$(redis-cli -p "$peer_redis" LLEN rq:queue:ingest)
echo "  ${peer_rps} req/s, p99 ${peer_p99} ms, ${peer_queued} jobs queued"

echo "== result"
awk -v a="$ours_rps" -v b="$peer_rps" -v pa="$ours_p99" -v pb="$peer_p99" 'BEGIN {
    printf "  aether-ingestd %.0f req/s (p99 %.2f ms) vs peer %.0f req/s (p99 %.2f ms): %.1fx the throughput\n", a, pa, b, pb, a / b
    printf "  targets: >= 10x the peer (%s), p99 <= 5 ms (%s)\n", (a >= 10 * b ? "met" : "NOT met"), (pa <= 5 ? "met" : "NOT met")
}'
echo "RESULT enqueue seconds=$duration ours_rps=$ours_rps ours_p99_ms=$ours_p99 peer_rps=$peer_rps peer_p99_ms=$peer_p99"

