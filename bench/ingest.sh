#!/usr/bin/env bash
# End-to-end ingest of a large plain-text corpus: MB files of 100-500 KB are
# uploaded with curl (4 at a time) to a fresh aether-ingestd (its own private
# Redis, default workers, a temporary data dir, a free port), which extracts,
# chunks, embeds and stores them. Prints MB/s and chunks/s from the first
# upload to the last job's end, and how many jobs failed.
#   bench/ingest.sh [build-dir] [MB]   (defaults: build, 50)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
megabytes="${2:-50}"
daemon="$(realpath "$build")/app/aether-ingestd"
py=/usr/bin/python3
helper="$PWD/bench/ingest_helper.py"
work="$(mktemp -d)"
daemon_pid=""
cleanup() {
    if [ -n "$daemon_pid" ]; then
        kill "$daemon_pid" 2>/dev/null || true # SIGTERM: it stops its private Redis too
        for _ in $(seq 150); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$daemon_pid" 2>/dev/null || true
        wait "$daemon_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
[ -x "$daemon" ] || { echo "no $daemon: build it first (cmake --build $build --target aether-ingestd)" >&2; exit 1; }

free_port() { $py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 300); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer from $1" >&2; return 1; }
now() { date +%s.%N; }

echo "== corpus: ${megabytes} MB of plain text in files of 100-500 KB"
mkdir -p "$work/corpus"
$py "$helper" make-corpus "$work/corpus" "$megabytes"
files=$(find "$work/corpus" -type f | wc -l)
bytes=$(du -cb "$work/corpus"/* | awk 'END {print $1}')
echo "  $files files, $bytes bytes"

port=$(free_port)
base="http://127.0.0.1:$port"
echo "== aether-ingestd: private Redis, WORKERS=${WORKERS:-default (cores)}, port $port"
env -u REDIS_URL AETHER_PORT="$port" AETHER_DATA_DIR="$work/data" DATABASE_URL="sqlite:///$work/knowledge.db" \
    XDG_CONFIG_HOME="$work" "$daemon" 2>"$work/daemon.log" &
daemon_pid=$!
wait_http "$base/healthz" || { tail -20 "$work/daemon.log" >&2; exit 1; }

echo "== upload with curl (4 in parallel), then wait for every job to end"
upload() { # prints the job id of one file
    curl -sf -X POST "$1/knowledge/ingest-file-async" -H "x-api-key: test-key" -H "x-role: editor" \
        -F "file=@$2;type=text/plain" -F "source=bench" | grep -o '"job_id":"[^"]*"' | cut -d'"' -f4
}
export -f upload
start=$(now)
find "$work/corpus" -type f -print0 | xargs -0 -P 4 -I{} bash -c 'upload "$0" "$1"' "$base" {} > "$work/ids" || true
uploaded=$(now)
accepted=$(wc -l < "$work/ids")
[ "$accepted" -eq "$files" ] || echo "  only $accepted of $files uploads were accepted" >&2
end=$($py "$helper" wait "$base" "$accepted")
read -r chunks failed < <($py "$helper" summary "$base" "$work/ids")

echo "== result"
awk -v b="$bytes" -v f="$files" -v c="$chunks" -v x="$failed" -v r="$((files - accepted))" -v s="$start" -v u="$uploaded" -v e="$end" 'BEGIN {
    printf "  uploads: %d files in %.2f s (%.1f MB/s accepted)\n", f, u - s, b / 1e6 / (u - s)
    printf "  ingest: %.1f MB in %.2f s from first upload to last job end: %.1f MB/s, %.0f chunks/s (%d chunks)\n", b / 1e6, e - s, b / 1e6 / (e - s), c / (e - s), c
    printf "  failed: %d jobs, %d uploads refused\n", x, r
}'
