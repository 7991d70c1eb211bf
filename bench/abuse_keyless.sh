#!/usr/bin/env bash
# Memory under keyless uploads: 50 clients at once, no API key, each
# declaring a 100 MB body and sending it as fast as the connection takes it
# (stopping when answered, as a client reading while it writes does). Prints
# the daemon's resident size before (base) and its peak meanwhile, beside the
# limit the issue sets (base + 64 MB). Needs a build (cmake --build build).
# The last line, "RESULT keyless_upload_peak_rss_mb=...", is for the report.
#   [BUILD_DIR=build] bench/abuse_keyless.sh
set -euo pipefail
cd "$(dirname "$0")/.."
daemon="$(realpath "${BUILD_DIR:-build}")/app/aether-ingestd"
work="$(mktemp -d)"
pids=()
source bench/common.sh
trap stop_started EXIT

redis_port=$(free_port); start_redis "$redis_port"
api_port=$(free_port)
# MAX_UPLOAD_MB above 100: the bodies are refused for the missing key, not their size.
REDIS_URL="redis://127.0.0.1:$redis_port/0" WORKERS=0 MAX_UPLOAD_MB=200 AETHER_PORT="$api_port" \
    AETHER_DATA_DIR="$work/api" DATABASE_URL="sqlite:///$work/ours.db" "$daemon" 2>"$work/api.log" & pids+=($!)
daemon_pid=$!
wait_http "http://127.0.0.1:$api_port/healthz"

echo "== 50 keyless clients x 100 MB against aether-ingestd (pid $daemon_pid)"
/usr/bin/python3 - "$api_port" "$daemon_pid" <<'PY'
import selectors, socket, sys, time

port, pid = int(sys.argv[1]), int(sys.argv[2])
clients, declared, piece = 50, 100 * 1024 * 1024, b"a" * (256 * 1024)

def rss_kb():
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0

head = (b"POST /knowledge/ingest-file-async HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/octet-stream\r\nContent-Length: " + str(declared).encode() + b"\r\n\r\n")
base = rss_kb()
peak = base
selector = selectors.DefaultSelector()
state = {}
for _ in range(clients):
    s = socket.create_connection(("127.0.0.1", port))
    s.setblocking(False)
    s.send(head)
    state[s] = {"sent": 0, "answer": b""}
    selector.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
sent_total, statuses, deadline = 0, {}, time.time() + 300
# Past 1 GB over base the point is made; stop before the machine suffers.
while state and time.time() < deadline and peak - base < 1024 * 1024:
    for key, events in selector.select(timeout=0.02):
        s, st = key.fileobj, state[key.fileobj]
        done = False
        if events & selectors.EVENT_READ:
            try:
                data = s.recv(65536)
            except OSError:
                data = b""
            st["answer"] += data
            done = not data or b"\r\n\r\n" in st["answer"]
        if not done and events & selectors.EVENT_WRITE and st["sent"] < declared:
            try:
                n = s.send(piece[: declared - st["sent"]])
                st["sent"] += n
                sent_total += n
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:
                done = True
        if not done and st["sent"] >= declared and events & selectors.EVENT_WRITE:
            selector.modify(s, selectors.EVENT_READ)  # all sent: wait for the answer
        if done:
            code = st["answer"][9:12].decode(errors="replace") or "none"
            statuses[code] = statuses.get(code, 0) + 1
            selector.unregister(s)
            s.close()
            del state[s]
    peak = max(peak, rss_kb())
for s in list(state):
    s.close()
peak = max(peak, rss_kb())
print(f"  answers: {statuses}; sent {sent_total // (1024 * 1024)} MB in all")
print(f"  RSS base {base // 1024} MB, peak {peak // 1024} MB (limit {base // 1024 + 64} MB)")
print(f"RESULT keyless_upload_peak_rss_mb={peak // 1024} base_mb={base // 1024} limit_mb={base // 1024 + 64}")
PY
