#!/usr/bin/env bash
# Four URL jobs at once on bodies that never end: a tiny stdlib Python server on
# loopback streams text forever (no Content-Length), a fresh aether-ingestd (its
# own Redis, 4 workers, URL_ALLOW_PRIVATE=1, a free port) fetches it. Each job
# must fail TooLarge at the 50 MB cap; the daemon's resident size is sampled
# from /proc/<pid>/status (VmRSS, and VmHWM reset first) and printed beside the
# base and the bound the issue sets (base + 4 x 50 MB + 64 MB).
# The last line, "RESULT endless_body_peak_rss_mb=<n> base_mb=<n> limit_mb=<n>", is for scripts.
#   bench/abuse_endless.sh [build-dir]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
daemon="$(realpath "$build")/app/aether-ingestd"
jobs=4
cap_mb=50 # UrlFetchOptions::maxBytes
work="$(mktemp -d)"
pids=()
source bench/common.sh
trap stop_started EXIT
[ -x "$daemon" ] || { echo "no $daemon: build it first (cmake --build $build --target aether-ingestd)" >&2; exit 1; }

rss_kb() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }

web_port=$(free_port)
/usr/bin/python3 - "$web_port" <<'EOF' &
import http.server, random, sys
chunk = bytes(random.Random(14).choice(b"abcdefghijklmnopqrstuvwxyz ") for _ in range(65536))
class Endless(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        try:
            while True:
                self.wfile.write(chunk)
        except OSError:
            pass
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Endless).serve_forever()
EOF
pids+=($!)

redis_port=$(free_port)
start_redis "$redis_port"
api_port=$(free_port)
AETHER_PORT=$api_port REDIS_URL="redis://127.0.0.1:$redis_port/0" WORKERS=$jobs \
    URL_ALLOW_PRIVATE=1 AETHER_DATA_DIR="$work/data" \
    DATABASE_URL="sqlite://$work/knowledge.db" XDG_CONFIG_HOME="$work" "$daemon" >"$work/daemon.log" 2>&1 &
daemon_pid=$!
pids+=("$daemon_pid")
api="http://127.0.0.1:$api_port"
wait_http "$api/healthz"
sleep 1

base_kb=$(rss_kb "$daemon_pid" VmRSS)
echo 5 > "/proc/$daemon_pid/clear_refs" # VmHWM starts from here
ids=()
for n in $(seq "$jobs"); do
    ids+=("$(curl -sf -X POST "$api/knowledge/ingest-url-async" -H "x-api-key: test-key" \
        -H "x-role: editor" -H "Content-Type: application/json" \
        -d "{\"url\":\"http://127.0.0.1:$web_port/endless?n=$n\"}" |
        grep -o '"job_id":"[^"]*"' | cut -d'"' -f4)")
done
peak_kb=$base_kb
start=$(now)
while :; do
    rss=$(rss_kb "$daemon_pid" VmRSS)
    [ "$rss" -gt "$peak_kb" ] && peak_kb=$rss
    ended=0
    for id in "${ids[@]}"; do
        curl -sf "$api/ops/jobs/$id" -H "x-admin-key: admin-secret-123" | grep -q '"status":"failed"\|"status":"finished"' && ended=$((ended + 1))
    done
    [ "$ended" -eq "$jobs" ] && break
    if (($(echo "$(now) - $start > 300" | bc))); then echo "jobs did not end within 300 s" >&2; break; fi
    sleep 0.1
done
seconds=$(echo "$(now) - $start" | bc)
hwm_kb=$(rss_kb "$daemon_pid" VmHWM)
[ "$hwm_kb" -gt "$peak_kb" ] && peak_kb=$hwm_kb
sleep 2
after_kb=$(rss_kb "$daemon_pid" VmRSS)
for id in "${ids[@]}"; do
    curl -sf "$api/ops/jobs/$id" -H "x-admin-key: admin-secret-123" | sed -n 's/.*"error":"\([^"]*\)".*/job error: \1/p'; echo
done
base_mb=$((base_kb / 1024))
peak_mb=$((peak_kb / 1024))
limit_mb=$((base_mb + jobs * cap_mb + 64))
printf '%d jobs ended in %.1f s; RSS base %d MB, peak %d MB, bound %d MB, 2 s later %d MB\n' \
    "$jobs" "$seconds" "$base_mb" "$peak_mb" "$limit_mb" "$((after_kb / 1024))"
echo "RESULT endless_body_peak_rss_mb=$peak_mb base_mb=$base_mb limit_mb=$limit_mb"
