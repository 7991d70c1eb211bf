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

# They run in this shell (not in $(...)) so that the servers they start join
# pids and are stopped.
redis_cpu() { # $1: port -> seconds of CPU Redis has used (user + system)
    redis-cli -p "$1" INFO cpu | awk -F: '/used_cpu_(sys|user):/ {s += $2} END {print s}'
}

process_cpu() { # $1: pid -> seconds of CPU it has used (utime + stime, in ticks)
    awk '{print ($14 + $15) / 100}' "/proc/$1/stat"
}

# Sets $rate (req/s) and $cpu: the CPU per accepted request (us), the API
# process's and Redis's together.
enqueue_rate() { # $1: build dir
    local redis_port api_port out requests redis_before daemon_before
    redis_port=$(free_port); start_redis "$redis_port" 2>/dev/null; api_port=$(free_port)
    REDIS_URL="redis://127.0.0.1:$redis_port/0" WORKERS=0 AETHER_PORT="$api_port" \
        AETHER_DATA_DIR="$work/e$api_port" DATABASE_URL="sqlite:///$work/e$api_port.db" \
        "$1/app/aether-ingestd" 2>"$work/e$api_port.log" & local daemon=$!
    wait_http "http://127.0.0.1:$api_port/healthz"
    redis_before=$(redis_cpu "$redis_port"); daemon_before=$(process_cpu "$daemon")
    out=$(wrk -t2 -c32 -d"${seconds}s" -s bench/enqueue.lua "http://127.0.0.1:$api_port")
    cpu=$(awk -v r0="$redis_before" -v r1="$(redis_cpu "$redis_port")" -v d0="$daemon_before" \
        -v d1="$(process_cpu "$daemon")" -v n="$(echo "$out" | awk '/requests in/ {print $1}')" \
        'BEGIN { printf "%.1f", (r1 - r0 + d1 - d0) * 1e6 / n }')
    kill "$daemon"; wait "$daemon" 2>/dev/null || true
    rate=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
}

# Each sets $rate, and the drain $cpu too: the CPU the drain took per job (us),
# Redis's and the worker process's together. The machines are noisy and busy
# neighbours slow every process alike; CPU per job shows the work a build does.
drain_rate() { # $1: build dir -> jobs/s (first start to last end)
    local redis_port api_port url busy redis_before redis_after worker_cpu
    redis_port=$(free_port); start_redis "$redis_port" 2>/dev/null; api_port=$(free_port)
    url="redis://127.0.0.1:$redis_port/0"
    REDIS_URL="$url" WORKERS=0 AETHER_PORT="$api_port" AETHER_DATA_DIR="$work/d$api_port" \
        DATABASE_URL="sqlite:///$work/d$api_port.db" "$1/app/aether-ingestd" 2>/dev/null & local api=$!
    wait_http "http://127.0.0.1:$api_port/healthz"
    $py bench/drain_helper.py fill-ours "http://127.0.0.1:$api_port" "$jobs"
    redis_before=$(redis_cpu "$redis_port")
    REDIS_URL="$url" WORKERS=2 AETHER_DATA_DIR="$work/w$api_port" \
        DATABASE_URL="sqlite:///$work/d$api_port.db" "$1/app/aether-ingestd" --no-server 2>/dev/null &
    local workers=$!
    busy=$($py bench/drain_helper.py wait-ours "$url" "$jobs")
    redis_after=$(redis_cpu "$redis_port")
    worker_cpu=$(process_cpu "$workers")
    kill "$api" "$workers"; wait "$api" "$workers" 2>/dev/null || true
    rate=$(awk -v n="$jobs" -v s="$busy" 'BEGIN { printf "%.0f", n / s }')
    cpu=$(awk -v n="$jobs" -v a="$redis_before" -v b="$redis_after" -v w="$worker_cpu" \
        'BEGIN { printf "%.0f", (b - a + w) * 1e6 / n }')
}

declare -A enqueue enqueue_cpu drain drain_cpu
for round in $(seq "$rounds"); do
    for side in 0 1; do
        enqueue_rate "${builds[$side]}"; enqueue[$side]+="$rate "; enqueue_cpu[$side]+="$cpu "
        drain_rate "${builds[$side]}"; drain[$side]+="$rate "; drain_cpu[$side]+="$cpu "
    done
    echo "round $round: enqueue A ${enqueue[0]}| B ${enqueue[1]};" \
        "enqueue CPU us/req A ${enqueue_cpu[0]}| B ${enqueue_cpu[1]};" \
        "drain A ${drain[0]}| B ${drain[1]}; drain CPU us/job A ${drain_cpu[0]}| B ${drain_cpu[1]}"
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
for side in 0 1; do
    echo "${builds[$side]}: enqueue median $(echo "${enqueue[$side]}" | median) req/s," \
        "enqueue CPU median $(echo "${enqueue_cpu[$side]}" | median) us/req (API + Redis)," \
        "drain median $(echo "${drain[$side]}" | median) jobs/s," \
        "drain CPU median $(echo "${drain_cpu[$side]}" | median) us/job (Redis + workers)"
done
