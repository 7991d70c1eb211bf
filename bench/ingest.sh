#!/usr/bin/env bash
# End-to-end ingest of a large plain-text corpus: MB files of 100-500 KB are
# uploaded by one curl process (4 at a time) to a fresh aether-ingestd (its own private
# Redis, default workers, a temporary data dir, a free port), which extracts,
# chunks, embeds and stores them. Prints MB/s and chunks/s from the first
# upload to the last job's end, and how many jobs failed; then the store's
# ceiling for the same corpus (aether-bench-store-ceiling) and ours as a share of it.
# Then the same corpus, uploaded the same way, through the reference peer
# (../shared/peer: FastAPI + RQ, as many SimpleWorker processes as ours has
# worker threads), timed the same way. The peer needs
#   apt-get install python3-rq python3-fastapi python3-uvicorn python3-multipart
# and is skipped with a note when they are missing, or with INGEST_PEER=0.
# The last line, "RESULT ingest ...", is for bench/report.sh.
#   bench/ingest.sh [build-dir] [MB]   (defaults: build, 50)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
megabytes="${2:-50}"
daemon="$(realpath "$build")/app/aether-ingestd"
peer_dir="$(realpath -m "${PEER_DIR:-$PWD/../shared/peer}")"
workers="${WORKERS:-$(nproc)}" # aether-ingestd's default: one worker thread per core
py=/usr/bin/python3
helper="$PWD/bench/ingest_helper.py"
work="$(mktemp -d)"
daemon_pid=""
peer_pids=()
# SIGTERM, then SIGKILL if it has not ended within 30 s.
stop() {
    kill "$1" 2>/dev/null || true
    for _ in $(seq 150); do kill -0 "$1" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
stop_daemon() { # SIGTERM: it stops its private Redis too
    [ -z "$daemon_pid" ] || stop "$daemon_pid"
    daemon_pid=""
}
cleanup() {
    stop_daemon
    local i # the peer's workers and API first, its Redis last
    for ((i = ${#peer_pids[@]} - 1; i >= 0; i--)); do stop "${peer_pids[i]}"; done
    rm -rf "$work"
}
trap cleanup EXIT
source bench/common.sh
[ -x "$daemon" ] || { echo "no $daemon: build it first (cmake --build $build --target aether-ingestd)" >&2; exit 1; }

# One curl process sends every file, 4 at a time over kept-alive connections:
# a curl process per file costs ~30 ms of CPU to start, which on 2 cores took
# more CPU than the server it measured.
upload_corpus() { # $1: base URL; job ids to $work/ids-$2
    local config="$work/uploads-$2.curl" answers="$work/answers-$2" i=0 file
    mkdir -p "$answers"
    : > "$config"
    while IFS= read -r -d '' file; do
        [ "$i" -eq 0 ] || echo "next" >> "$config"
        i=$((i + 1))
        cat >> "$config" <<CONFIG
url = "$1/knowledge/ingest-file-async"
header = "x-api-key: test-key"
header = "x-role: editor"
form = "file=@$file;type=text/plain"
form = "source=bench"
output = "$answers/$i.json"
CONFIG
    done < <(find "$work/corpus" -type f -print0)
    curl -s -Z --parallel-max 4 -K "$config" || true
    cat "$answers"/*.json 2>/dev/null | grep -o '"job_id":"[^"]*"' | cut -d'"' -f4 > "$work/ids-$2" || true
    local accepted
    accepted=$(wc -l < "$work/ids-$2")
    [ "$accepted" -eq "$files" ] || echo "  only $accepted of $files uploads were accepted" >&2
}

echo "== corpus: ${megabytes} MB of plain text in files of 100-500 KB"
mkdir -p "$work/corpus"
$py "$helper" make-corpus "$work/corpus" "$megabytes"
files=$(find "$work/corpus" -type f | wc -l)
bytes=$(du -cb "$work/corpus"/* | awk 'END {print $1}')
echo "  $files files, $bytes bytes"

port=$(free_port)
base="http://127.0.0.1:$port"
echo "== aether-ingestd: private Redis, WORKERS=$workers, port $port"
env -u REDIS_URL WORKERS="$workers" AETHER_PORT="$port" AETHER_DATA_DIR="$work/data" \
    DATABASE_URL="sqlite:///$work/knowledge.db" XDG_CONFIG_HOME="$work" "$daemon" 2>"$work/daemon.log" &
daemon_pid=$!
wait_http "$base/healthz" 300 || { tail -20 "$work/daemon.log" >&2; exit 1; }

echo "== upload with one curl (4 transfers at a time), then wait for every job to end"
start=$(now)
upload_corpus "$base" ours
uploaded=$(now)
accepted=$(wc -l < "$work/ids-ours")
end=$($py "$helper" wait "$base" "$accepted")
read -r chunks failed < <($py "$helper" summary "$base" "$work/ids-ours")
stop_daemon # so that it takes no CPU from the peer

echo "== result"
awk -v b="$bytes" -v f="$files" -v c="$chunks" -v x="$failed" -v r="$((files - accepted))" -v s="$start" -v u="$uploaded" -v e="$end" 'BEGIN {
    printf "  uploads: %d files in %.2f s (%.1f MB/s accepted)\n", f, u - s, b / 1e6 / (u - s)
    printf "  ingest: %.1f MB in %.2f s from first upload to last job end: %.1f MB/s, %.0f chunks/s (%d chunks)\n", b / 1e6, e - s, b / 1e6 / (e - s), c / (e - s), c
    printf "  failed: %d jobs, %d uploads refused\n", x, r
}'
result=$(awk -v b="$bytes" -v f="$files" -v c="$chunks" -v x="$((failed + files - accepted))" -v s="$start" -v e="$end" 'BEGIN {
    printf "mb=%.1f files=%d ours_mb_per_s=%.2f ours_chunks_per_s=%.0f ours_failed=%d", b / 1e6, f, b / 1e6 / (e - s), c / (e - s), x }')

# The store's ceiling for this corpus (bench/storeceiling): its chunks and
# vectors inserted straight into the schema by one writer.
ceiling_program="$(realpath "$build")/bench/storeceiling/aether-bench-store-ceiling"
if [ -x "$ceiling_program" ]; then
    echo "== store ceiling: the same corpus chunked and embedded first, then only inserted"
    "$ceiling_program" "$work/corpus" "$work" | tee "$work/ceiling.log" | sed 's/^/  /'
    ceiling=$(sed -n 's/^RESULT store_ceiling mb_per_s=\([0-9.]*\).*/\1/p' "$work/ceiling.log")
    ours=$(echo "$result" | grep -o 'ours_mb_per_s=[0-9.]*' | cut -d= -f2)
    awk -v o="$ours" -v c="$ceiling" 'BEGIN { printf "  end to end is %.0f %% of the ceiling (%.2f of %.2f MB/s)\n", 100 * o / c, o, c }'
    result="$result ceiling_mb_per_s=$ceiling"
else
    echo "== store ceiling skipped: no $ceiling_program (cmake --build $build --target aether-bench-store-ceiling)"
fi

# Why the peer cannot run here, or nothing.
peer_missing() {
    [ "${INGEST_PEER:-1}" != 0 ] || { echo "INGEST_PEER=0"; return; }
    [ -f "$peer_dir/app.py" ] || { echo "no peer in $peer_dir"; return; }
    command -v redis-server >/dev/null || { echo "no redis-server"; return; }
    $py -c 'import rq, fastapi, uvicorn, multipart' 2>/dev/null ||
        echo "the peer needs python3-rq python3-fastapi python3-uvicorn python3-multipart"
}
start_peer() { # redis, the API and $workers SimpleWorkers, all ready
    local redis_port api_port
    redis_port=$(free_port)
    redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" >/dev/null &
    peer_pids+=($!)
    peer_redis="redis-cli -p $redis_port"
    for _ in $(seq 50); do $peer_redis PING >/dev/null 2>&1 && break; sleep 0.1; done
    api_port=$(free_port)
    peer_base="http://127.0.0.1:$api_port"
    (cd "$peer_dir" && REDIS_URL="redis://127.0.0.1:$redis_port/0" exec $py -m uvicorn app:app \
        --host 127.0.0.1 --port "$api_port" --log-level warning) >"$work/peer-api.log" 2>&1 &
    peer_pids+=($!)
    for i in $(seq "$workers"); do
        (cd "$peer_dir" && PEER_DB="$work/peer.db" exec $py -m rq.cli worker ingest -q \
            --url "redis://127.0.0.1:$redis_port/0" -w rq.worker.SimpleWorker) >"$work/peer-worker-$i.log" 2>&1 &
        peer_pids+=($!)
    done
    wait_http "$peer_base/docs" 300
    for _ in $(seq 300); do [ "$($peer_redis SCARD rq:workers:ingest)" -ge "$workers" ] && return 0; sleep 0.1; done
    echo "the peer's workers did not start" >&2
    return 1
}
# The peer is RQ itself: its ended jobs are in RQ's own registries.
peer_ended() { echo $(( $($peer_redis ZCARD rq:finished:ingest) + $($peer_redis ZCARD rq:failed:ingest) )); }

why=$(peer_missing)
if [ -n "$why" ]; then
    echo "== reference peer skipped: $why"
    echo "RESULT ingest $result"
    exit 0
fi
echo "== reference peer (FastAPI + RQ, $workers SimpleWorker processes): same corpus, same uploads"
start_peer
start=$(now)
upload_corpus "$peer_base" peer
uploaded=$(now)
peer_accepted=$(wc -l < "$work/ids-peer")
while [ "$(peer_ended)" -lt "$peer_accepted" ]; do
    [ "$($peer_redis SCARD rq:workers:ingest)" -gt 0 ] || { echo "the peer's workers died" >&2; exit 1; }
    sleep 0.05
done
end=$(now)
peer_failed=$(( $($peer_redis ZCARD rq:failed:ingest) + files - peer_accepted ))
peer_chunks=$($py -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from chunks").fetchone()[0])' "$work/peer.db")
awk -v b="$bytes" -v c="$peer_chunks" -v x="$peer_failed" -v s="$start" -v u="$uploaded" -v e="$end" 'BEGIN {
    printf "  uploads: %.2f s (%.1f MB/s accepted)\n", u - s, b / 1e6 / (u - s)
    printf "  ingest: %.1f MB in %.2f s from first upload to last job end: %.1f MB/s, %.0f chunks/s (%d chunks of its own chunker)\n", b / 1e6, e - s, b / 1e6 / (e - s), c / (e - s), c
    printf "  failed: %d (jobs and refused uploads)\n", x
}'
echo "RESULT ingest $result $(awk -v b="$bytes" -v x="$peer_failed" -v w="$workers" -v s="$start" -v e="$end" 'BEGIN {
    printf "peer_mb_per_s=%.2f peer_failed=%d peer_workers=%d", b / 1e6 / (e - s), x, w }')"
