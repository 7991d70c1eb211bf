#!/usr/bin/env bash
# 1,000-file batch enqueue time: POST /knowledge/ingest-batch-async with 1,000
# small Markdown files in one multipart request, timed by curl (request sent
# to answer received: parsing, validation and the one Redis transaction).
# Against a running daemon:   AETHER_URL=http://127.0.0.1:8000 bench/batch.sh
# Without AETHER_URL it starts its own aether-ingestd (WORKERS=0, so only the
# enqueue is measured) on a private redis-server. Needs a build (build/ or BUILD_DIR).
# The last line, "RESULT batch ...", is for bench/report.sh.
#   bench/batch.sh [files] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
files="${1:-1000}"
runs="${2:-3}"
daemon="${BUILD_DIR:-$PWD/build}/app/aether-ingestd"
key="${AETHER_KEY:-test-key}"
work="$(mktemp -d)"
pids=()
source bench/common.sh
trap stop_started EXIT


url="${AETHER_URL:-}"
if [ -z "$url" ]; then
    redis_port=$(free_port)
    redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" >/dev/null & pids+=($!)
    sleep 0.3
    port=$(free_port)
    REDIS_URL="redis://127.0.0.1:$redis_port/0" WORKERS=0 AETHER_PORT="$port" AETHER_DATA_DIR="$work/data" \
        DATABASE_URL="sqlite:///$work/bench.db" "$daemon" 2>"$work/daemon.log" & pids+=($!)
    url="http://127.0.0.1:$port"
    wait_http "$url/healthz"
fi

mkdir -p "$work/files"
args=()
for i in $(seq 1 "$files"); do
    f="$work/files/note-$i.md"
    printf '# Note %d\n\n%s\n' "$i" "$(head -c 1500 /dev/urandom | base64 -w 100)" > "$f"
    args+=(-F "file=@$f;type=text/markdown")
done
bytes=$(du -sb "$work/files" | cut -f1)
echo "== $files files ($((bytes / 1024)) KiB) in one batch against $url, $runs runs"

times=()
for run in $(seq 1 "$runs"); do
    out=$(curl -s -o "$work/answer.json" -w '%{http_code} %{time_total}' -H "x-api-key: $key" \
        "${args[@]}" -F "source=bench" "$url/knowledge/ingest-batch-async")
    read -r status seconds <<<"$out"
    count=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("count"))' "$work/answer.json")
    ms=$(awk -v s="$seconds" 'BEGIN { printf "%.1f", s * 1000 }')
    echo "  run $run: HTTP $status, $count jobs, ${ms} ms"
    times+=("$ms")
done
printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END {
    printf "== median %.1f ms for the batch (%.3f ms per file)\n", a[int((NR + 1) / 2)], a[int((NR + 1) / 2)] / '"$files"'
    printf "RESULT batch files='"$files"' runs=%d median_ms=%.1f\n", NR, a[int((NR + 1) / 2)] }'
