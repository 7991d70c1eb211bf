#!/usr/bin/env bash
# Drain rate: a backlog of N small text jobs (queued beforehand, each text its
# own, so every one is stored) run through the whole pipeline by
# `aether-ingestd --no-server` with 2 worker threads, and the same backlog by
# RQ's SimpleWorker from ../shared/peer, in the same run on the same machine.
# Also RQ's forking worker, on the first FORK_JOBS of it only (default 2000:
# it forks a process per job, ~30 jobs/s, an hour for 100,000). Prints jobs
# per second, the ratios, and whether ours held its rate: the rate of the
# last tenth of the jobs (in the order they ended) against the first tenth's.
# Needs a build (cmake --build build) and, for the peer:
#   apt-get install python3-rq python3-fastapi python3-uvicorn python3-multipart
# The last line, "RESULT drain ...", is for bench/report.sh.
#   [BUILD_DIR=build] [FORK_JOBS=2000] bench/drain.sh [N]   (default 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
fork_jobs="${FORK_JOBS:-2000}"
[ "$fork_jobs" -le "$n" ] || fork_jobs=$n
root="$PWD"
export PEER_DIR="${PEER_DIR:-$root/../shared/peer}"
daemon="$(realpath "${BUILD_DIR:-build}")/app/aether-ingestd"
py=/usr/bin/python3
work="$(mktemp -d)"
pids=()
source bench/common.sh
trap stop_started EXIT

rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }

echo "== aether-ingestd --no-server, WORKERS=2, backlog of $n text jobs"
redis_port=$(free_port); start_redis "$redis_port"; redis_url="redis://127.0.0.1:$redis_port/0"
api_port=$(free_port)
REDIS_URL="$redis_url" WORKERS=0 AETHER_PORT="$api_port" AETHER_DATA_DIR="$work/api" \
    DATABASE_URL="sqlite:///$work/ours.db" "$daemon" 2>"$work/api.log" & pids+=($!)
wait_http "http://127.0.0.1:$api_port/healthz"
$py bench/drain_helper.py fill-ours "http://127.0.0.1:$api_port" "$n"
start=$(now)
REDIS_URL="$redis_url" WORKERS=2 AETHER_DATA_DIR="$work/workers" DATABASE_URL="sqlite:///$work/ours.db" \
    "$daemon" --no-server 2>"$work/workers.log" & pids+=($!)
read -r busy first_tenth last_tenth < <($py bench/drain_helper.py wait-ours "$redis_url" "$n")
wall=$(awk -v a="$(now)" -v b="$start" 'BEGIN { print a - b }')
ours=$(rate "$n" "$busy")
echo "  $ours jobs/s (first start to last end: ${busy} s; $(rate "$n" "$wall") jobs/s counting process start-up, ${wall} s)"
steady=$(awk -v f="$first_tenth" -v l="$last_tenth" 'BEGIN { print (l >= 0.8 * f ? "yes" : "no") }')
echo "  first tenth of the jobs $first_tenth jobs/s, last tenth $last_tenth jobs/s: held its rate (last >= 80% of first): $steady"

peer_port=$(free_port); start_redis "$peer_port"; peer_url="redis://127.0.0.1:$peer_port/0"
run_peer() { # $1: label, $2: jobs, $3...: extra rq worker arguments
    local label="$1" jobs="$2"; shift 2
    $py bench/drain_helper.py fill-peer "$peer_url" "$jobs"
    local t0 t1
    t0=$(now)
    (cd "$PEER_DIR" && PEER_DB="$work/peer.db" $py -m rq.cli worker ingest --url "$peer_url" --burst -q "$@") \
        >"$work/peer-$label.log" 2>&1
    t1=$(now)
    awk -v a="$t1" -v b="$t0" 'BEGIN { print a - b }'
}
echo "== RQ SimpleWorker (peer), same backlog"
simple_s=$(run_peer simple "$n" -w rq.worker.SimpleWorker); simple=$(rate "$n" "$simple_s")
echo "  $simple jobs/s (${simple_s} s)"
echo "== RQ forking worker (peer), the first $fork_jobs jobs of the backlog"
fork_s=$(run_peer fork "$fork_jobs"); fork=$(rate "$fork_jobs" "$fork_s")
echo "  $fork jobs/s (${fork_s} s)"

echo "== result"
awk -v o="$ours" -v s="$simple" -v f="$fork" 'BEGIN {
    printf "  aether-ingestd %d jobs/s = %.1fx SimpleWorker (%d jobs/s), %.0fx the forking worker (%d jobs/s)\n", o, o / s, s, o / f, f
    printf "  target: >= 20x SimpleWorker (%s)\n", (o >= 20 * s ? "met" : "NOT met")
}'
echo "RESULT drain jobs=$n ours_jobs_per_s=$ours simple_jobs_per_s=$simple fork_jobs_per_s=$fork fork_jobs=$fork_jobs ours_first_tenth=$first_tenth ours_last_tenth=$last_tenth steady=$steady"

