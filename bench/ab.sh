#!/usr/bin/env bash
# Two builds side by side, alternately, in one run: enqueue (wrk -c32 against
# aether-ingestd with WORKERS=0) and drain (a backlog of N text jobs through
# `--no-server` with 2 worker threads). For "is this change slower?": the
# machines are noisy, so each figure is taken ROUNDS times, alternating A and B.
#   bench/ab.sh OLD_BUILD_DIR NEW_BUILD_DIR [rounds=3] [enqueue_seconds=8] [drain_jobs=3000]
set -euo pipefail
cd "$(dirname "$0")/.."
builds=("$(realpath "$1")" "$(realpath "$2")")
rounds="${3:-3}"; seconds="${4:-8}"; jobs="${5:-3000}"
py=/usr/bin/python3
work="$(mktemp -d)"
pids=()
source bench/common.sh
trap stop_started EXIT

# Each sets $rate; they run in this shell (not in $(...)) so that the servers
# they start join pids and are stopped.
enqueue_rate() { # $1: build dir -> req/s
    local redis_port api_port rps
    redis_port=$(free_port); start_redis "$redis_port" 2>/dev/null; api_port=$(free_port)
    REDIS_URL="redis://127.0.0.1:$redis_port/0" WORKERS=0 AETHER_PORT="$api_port" \
        AETHER_DATA_DIR="$work/e$api_port" DATABASE_URL="sqlite:///$work/e$api_port.db" \
        "$1/app/aether-ingestd" 2>"$work/e$api_port.log" & local daemon=$!
    wait_http "http://127.0.0.1:$api_port/healthz"
    rps=$(wrk -t2 -c32 -d"${seconds}s" -s bench/enqueue.lua "http://127.0.0.1:$api_port" |
        awk '/Requests\/sec/ {print $2}')
    kill "$daemon"; wait "$daemon" 2>/dev/null || true
    rate="$rps"
}

drain_rate() { # $1: build dir -> jobs/s (first start to last end)
    local redis_port api_port url busy
    redis_port=$(free_port); start_redis "$redis_port" 2>/dev/null; api_port=$(free_port)
    url="redis://127.0.0.1:$redis_port/0"
    REDIS_URL="$url" WORKERS=0 AETHER_PORT="$api_port" AETHER_DATA_DIR="$work/d$api_port" \
        DATABASE_URL="sqlite:///$work/d$api_port.db" "$1/app/aether-ingestd" 2>/dev/null & local api=$!
    wait_http "http://127.0.0.1:$api_port/healthz"
    $py bench/drain_helper.py fill-ours "http://127.0.0.1:$api_port" "$jobs"
    REDIS_URL="$url" WORKERS=2 AETHER_DATA_DIR="$work/w$api_port" \
        DATABASE_URL="sqlite:///$work/d$api_port.db" "$1/app/aether-ingestd" --no-server 2>/dev/null &
    local workers=$!
    busy=$($py bench/drain_helper.py wait-ours "$url" "$jobs")
    kill "$api" "$workers"; wait "$api" "$workers" 2>/dev/null || true
    rate=$(awk -v n="$jobs" -v s="$busy" 'BEGIN { printf "%.0f", n / s }')
}

declare -A enqueue drain
for round in $(seq "$rounds"); do
    for side in 0 1; do
        enqueue_rate "${builds[$side]}"; enqueue[$side]+="$rate "
        drain_rate "${builds[$side]}"; drain[$side]+="$rate "
    done
    echo "round $round: enqueue A ${enqueue[0]}| B ${enqueue[1]}; drain A ${drain[0]}| B ${drain[1]}"
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
for side in 0 1; do
    echo "${builds[$side]}: enqueue median $(echo "${enqueue[$side]}" | median) req/s," \
        "drain median $(echo "${drain[$side]}" | median) jobs/s"
done
