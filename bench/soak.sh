#!/usr/bin/env bash
# Load soak: wrk at -c64 for 60 s on POST /knowledge/ingest-text-async while the daemon's
# own workers drain the queue. Passes when
#   - no request failed (every answer 2xx with a job_id; no wrk socket error or timeout),
#   - no job was lost (every accepted job_id ends `finished`; nothing failed or canceled;
#     the store holds one document per finished job: each request sends a new text),
#   - memory is stable (daemon RSS at the end of wrk and after the drain within 20% of the
#     RSS after the warm-up),
#   - the status endpoint (GET /ops/queue, polled once a second during the soak) always
#     answered 200 with its counts,
#   - the daemon stayed up and exits 0 on SIGTERM afterwards.
# It starts its own redis-server (free port, temp dir, no persistence) and aether-ingestd
# (free port, temp data dir and store, WORKERS worker threads), and stops both on exit.
# Needs a build (cmake --build build), wrk, redis-server, redis-cli, curl, sqlite3.
#   bench/soak.sh [seconds] [connections]          (defaults 60, 64)
# Environment: BUILD_DIR (build), WORKERS (2), WARMUP (10 s of the same load first),
#   THREADS (wrk threads, 2), WRK_TIMEOUT (2s: a slower answer counts as an error),
#   DRAIN_TIMEOUT (1800 s to wait for the backlog after wrk), RSS_LIMIT_PCT (20),
#   KEEP=1 keeps the temp dir (kept anyway on failure; the daemon log is there).
# Prints a summary, a machine-readable `RESULT soak ...` line and `SOAK PASS` (exit 0) or
# `SOAK FAIL: <reasons>` (exit 1).
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
root="$PWD"
seconds="${1:-60}"
conns="${2:-64}"
build="${BUILD_DIR:-build}"
case "$build" in /*) ;; *) build="$root/$build" ;; esac
daemon="$build/app/aether-ingestd"
workers="${WORKERS:-2}"
warmup="${WARMUP:-10}"
threads="${THREADS:-2}"
wrk_timeout="${WRK_TIMEOUT:-2s}"
drain_timeout="${DRAIN_TIMEOUT:-1800}"
rss_limit="${RSS_LIMIT_PCT:-20}"
admin_key="admin-secret-123" # the development admin key (no keys configured, loopback)

for tool in wrk redis-server redis-cli curl sqlite3; do
    command -v "$tool" >/dev/null || { echo "soak: $tool is not installed" >&2; exit 2; }
done
[ -x "$daemon" ] || { echo "soak: no $daemon (build first, or set BUILD_DIR)" >&2; exit 2; }
[ "$threads" -le "$conns" ] || threads="$conns"

work="$(mktemp -d /tmp/aether-soak.XXXXXX)"
pids=()
daemon_pid=""
redis_pid=""
keep="${KEEP:-0}"
cleanup() {
    local pid
    touch "$work/stop" 2>/dev/null || true
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ "$keep" = 1 ]; then echo "soak: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
source bench/common.sh
trap 'exit 130' INT TERM
trap 'echo "soak: unexpected failure at line $LINENO (temp dir kept)" >&2; keep=1' ERR

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$daemon_pid/status" 2>/dev/null || echo 0; }
alive() { kill -0 "$daemon_pid" 2>/dev/null; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", (a - b) * 100 / b; else print "nan" }'; }
# "key=value" from a line of "k=v k=v ..."
field() { awk -v k="$2=" '{ for (i = 1; i <= NF; i++) if (index($i, k) == 1) { print substr($i, length(k) + 1); exit } }' <<<"$1"; }
num() { local v; v=$(field "$1" "$2"); echo "${v:-0}"; } # a numeric field, 0 when missing
# counts from a GET /ops/queue body: "queued started scheduled finished failed canceled"
queue_counts() {
    { grep -o '"counts":{[^}]*}' "$1" 2>/dev/null || true; } | awk '{
        n = split($0, parts, /[{},]/)
        for (i = 1; i <= n; i++) if (split(parts[i], kv, ":") == 2) { gsub(/"/, "", kv[1]); c[kv[1]] = kv[2]; seen = 1 }
    }
    END { if (seen) printf "%d %d %d %d %d %d\n", c["queued"], c["started"], c["scheduled"], c["finished"], c["failed"], c["canceled"]
          else print "- - - - - -" }'
}

# ---- private redis-server --------------------------------------------------------------
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" \
    --daemonize no >"$work/redis.log" 2>&1 &
redis_pid=$!; pids+=("$redis_pid")
rcli() { redis-cli -p "$redis_port" "$@"; }
for _ in $(seq 100); do [ "$(rcli PING 2>/dev/null)" = PONG ] && break; sleep 0.05; done
[ "$(rcli PING 2>/dev/null)" = PONG ] || { echo "soak: redis-server did not start" >&2; exit 2; }

# ---- aether-ingestd ----------------------------------------------------------------------
port=$(free_port)
base="http://127.0.0.1:$port"
: >"$work/empty.conf" # no settings file of the user's
env -u API_KEYS -u ADMIN_KEY -u WEBHOOK_URLS -u WATCH_FOLDERS -u EMBED_PROVIDER \
    REDIS_URL="redis://127.0.0.1:$redis_port/0" WORKERS="$workers" AETHER_HOST=127.0.0.1 \
    AETHER_PORT="$port" AETHER_DATA_DIR="$work/data" DATABASE_URL="sqlite:///$work/knowledge.db" \
    RESULT_TTL=86400 SHUTDOWN_GRACE=10 \
    "$daemon" --config "$work/empty.conf" 2>"$work/daemon.log" &
daemon_pid=$!; pids+=("$daemon_pid")
for _ in $(seq 200); do curl -s -o /dev/null "$base/healthz" && break; sleep 0.05; done
curl -s -o /dev/null "$base/healthz" || { echo "soak: aether-ingestd did not answer" >&2; tail "$work/daemon.log" >&2; exit 2; }

echo "== soak: aether-ingestd (WORKERS=$workers) on $base, redis on :$redis_port, temp $work"
echo "   wrk -t$threads -c$conns: ${warmup}s warm-up, then ${seconds}s soak on POST /knowledge/ingest-text-async"

# ---- RSS sampler: "<unix time> <phase> <VmRSS kB>" every 2 s -------------------------------
echo warm >"$work/phase"
(
    while [ ! -e "$work/stop" ] && kill -0 "$daemon_pid" 2>/dev/null; do
        echo "$(date +%s) $(cat "$work/phase") $(rss_kb)" >>"$work/rss.log"
        sleep 2
    done
) &
pids+=($!)

run_wrk() { # $1 phase, $2 seconds -> the WRKSOAK line; wrk's report in $work/wrk-$1.txt
    wrk -t"$threads" -c"$conns" -d"$2s" --timeout "$wrk_timeout" --latency -s bench/soak.lua \
        "$base" -- "$1" "$work/ids-$1" >"$work/wrk-$1.txt" 2>&1 || true
    grep '^WRKSOAK ' "$work/wrk-$1.txt" || echo "WRKSOAK failed=1"
}

# ---- warm-up ------------------------------------------------------------------------------
rss_start=$(rss_kb)
warm=$(run_wrk warm "$warmup")
rss_warm=$(rss_kb)
echo "   warm-up: $(field "$warm" requests) requests, $(field "$warm" rps) req/s, accepted $(field "$warm" accepted); RSS ${rss_start} kB at start, ${rss_warm} kB after warm-up"

# ---- soak, with the status endpoint polled once a second ------------------------------------
echo soak >"$work/phase"
(
    # "<unix time> <curl rc> <http code> <seconds> <ok 0|1> <queued> <started> <finished>"
    i=0
    t_start=$(now)
    while [ ! -e "$work/stop-poll" ] && [ ! -e "$work/stop" ]; do
        rc=0
        out=$(curl -s -o "$work/poll.json" -w '%{http_code} %{time_total}' --max-time 5 \
            -H "x-admin-key: $admin_key" "$base/ops/queue") || rc=$?
        [ -n "$out" ] || out="000 0"
        ok=0; grep -q '"ok":true' "$work/poll.json" 2>/dev/null && grep -q '"counts":{' "$work/poll.json" && ok=1
        read -r q s _ f _ _ < <(queue_counts "$work/poll.json") || true
        echo "$(date +%s.%N) $rc $out $ok ${q:-0} ${s:-0} ${f:-0}" >>"$work/status.log"
        rm -f "$work/poll.json"
        i=$((i + 1))
        sleep "$(awk -v t0="$t_start" -v i="$i" -v t="$(now)" 'BEGIN { d = t0 + i - t; print (d > 0 ? d : 0) }')"
    done
) &
poller_pid=$!; pids+=("$poller_pid")
soak=$(run_wrk soak "$seconds")
rss_end=$(rss_kb)
touch "$work/stop-poll"; wait "$poller_pid" 2>/dev/null || true
up_after_wrk=1; alive || up_after_wrk=0
echo "   soak: $(field "$soak" requests) requests, $(field "$soak" rps) req/s; RSS ${rss_end} kB at the end of wrk"

# ---- drain --------------------------------------------------------------------------------
echo drain >"$work/phase"
echo "   waiting for the workers to drain the backlog (at most ${drain_timeout} s)"
drained=0
t0=$(now); last_print=0; prev_fin=""
while alive; do
    elapsed=$(awk -v a="$(now)" -v b="$t0" 'BEGIN { printf "%d", a - b }')
    curl -s --max-time 5 -o "$work/drain.json" -H "x-admin-key: $admin_key" "$base/ops/queue" || true
    read -r q s sch f fl c < <(queue_counts "$work/drain.json") || true
    if [ "${q:--}" != - ]; then
        if [ $((q + s + sch)) -eq 0 ]; then drained=1; break; fi
        if [ "$elapsed" -ge $((last_print + 10)) ] || [ "$last_print" -eq 0 ]; then
            rate=""
            [ -n "$prev_fin" ] && rate=", $(( (f - prev_fin) / (elapsed - last_print > 0 ? elapsed - last_print : 1) )) jobs/s"
            echo "     ${elapsed}s: queued $q, started $s, scheduled $sch, finished $f, failed $fl, canceled $c$rate"
            last_print=$elapsed; [ "$last_print" -eq 0 ] && last_print=1; prev_fin=$f
        fi
    fi
    [ "$elapsed" -ge "$drain_timeout" ] && break
    sleep 1
done
drain_s=$(awk -v a="$(now)" -v b="$t0" 'BEGIN { printf "%.1f", a - b }')
sleep 3 # let the last settlements and the allocator settle before the RSS sample
rss_drain=$(rss_kb)
up_after_drain=1; alive || up_after_drain=0
echo "   drained: $([ $drained = 1 ] && echo yes || echo NO) after ${drain_s} s; RSS ${rss_drain} kB"

# ---- accounting: every accepted job_id must have ended `finished` -------------------------
{ cat "$work"/ids-warm.* "$work"/ids-soak.* 2>/dev/null || true; } | sort >"$work/accepted.all"
accepted_lines=$(wc -l <"$work/accepted.all")
sort -u "$work/accepted.all" >"$work/accepted"
accepted=$(wc -l <"$work/accepted")
dup_ids=$((accepted_lines - accepted))
rcli ZRANGE aether:finished:ingest 0 -1 | { grep -v '^$' || true; } | sort -u >"$work/finished"
rcli ZRANGE aether:failed:ingest 0 -1 | { grep -v '^$' || true; } | sort -u >"$work/failed"
rcli ZRANGE aether:canceled:ingest 0 -1 | { grep -v '^$' || true; } | sort -u >"$work/canceled"
finished=$(wc -l <"$work/finished")
failed=$(wc -l <"$work/failed")
canceled=$(wc -l <"$work/canceled")
jobs_total=$(rcli ZCARD aether:jobs:ingest)
comm -23 "$work/accepted" "$work/finished" >"$work/lost"
lost=$(wc -l <"$work/lost")
extra=$(comm -13 "$work/accepted" "$work/finished" | wc -l) # created, answer not seen by wrk (in flight at its stop)
lost_detail=""
if [ "$lost" -gt 0 ]; then
    lost_detail=$(head -5 "$work/lost" | while read -r id; do
        printf ' %s=%s' "$id" "$(rcli HGET "rq:job:$id" status)"; done)
fi
documents=$(sqlite3 "$work/knowledge.db" 'SELECT count(*) FROM documents' 2>/dev/null || echo "?")
queued_left=$(( $(rcli LLEN rq:queue:ingest) + $(rcli LLEN rq:queue:ingest:high) + $(rcli LLEN rq:queue:ingest:low) + $(rcli ZCARD aether:leases:ingest) + $(rcli ZCARD rq:scheduled:ingest) ))
# WARN/ERROR lines of the daemon, but the expected one about the development keys
problems() { grep -E ' (WARN|ERROR|FATAL|CRIT)' "$work/daemon.log" | grep -v 'no API keys configured' || true; }
log_problems=$(problems | wc -l)

# ---- stop the daemon: SIGTERM, it should exit 0 ---------------------------------------------
daemon_rc="?"
if alive; then
    kill -TERM "$daemon_pid"
    for _ in $(seq 300); do alive || break; sleep 0.1; done
    if alive; then kill -KILL "$daemon_pid" 2>/dev/null || true; fi
fi
daemon_rc=0; wait "$daemon_pid" 2>/dev/null || daemon_rc=$?

# ---- figures ----------------------------------------------------------------------------------
req=$(field "$soak" requests); rps=$(field "$soak" rps)
p50=$(field "$soak" p50_ms); p99=$(field "$soak" p99_ms); pmax=$(field "$soak" max_ms)
non2xx=$(( $(num "$soak" non2xx) + $(num "$warm" non2xx) ))
nojobid=$(( $(num "$soak" nojobid) + $(num "$warm" nojobid) ))
sock=0
for k in sock_connect sock_read sock_write sock_timeout; do
    sock=$(( sock + $(num "$soak" $k) + $(num "$warm" $k) ))
done
wrk_failed=0; { [ -z "$req" ] || [ -z "$(field "$warm" requests)" ]; } && wrk_failed=1
req=${req:-0}; rps=${rps:-0}
errors=$((non2xx + nojobid + sock))
warm_accepted=$(num "$warm" accepted)
soak_accepted=$(num "$soak" accepted)

# status endpoint: latency p50 / p99 / max (ms), failures (curl error, non-200, body without counts)
st_n=$(wc -l <"$work/status.log" 2>/dev/null || echo 0)
st_fail=$(awk '$2 != 0 || $3 != 200 || $5 != 1 { n++ } END { print n + 0 }' "$work/status.log" 2>/dev/null || echo 0)
read -r st_p50 st_p99 st_max < <(awk '$2 == 0 && $3 == 200 && $5 == 1 { printf "%.3f\n", $4 * 1000 }' "$work/status.log" 2>/dev/null |
    sort -n | awk '{ ms[++m] = $1 } END {
        if (m == 0) { print "nan nan nan"; exit }
        i = int(m * 0.99 + 0.999); if (i > m) i = m
        printf "%.1f %.1f %.1f\n", ms[int((m + 1) / 2)], ms[i], ms[m] }') || true
rss_max_soak=$(awk '$2 == "soak" && $3 > m { m = $3 } END { print m + 0 }' "$work/rss.log" 2>/dev/null || echo 0)
rss_change=$(pct "$rss_end" "$rss_warm")
rss_change_drain=$(pct "$rss_drain" "$rss_warm")
rss_change_max=$(pct "$rss_max_soak" "$rss_warm")

reasons=()
[ "$wrk_failed" = 1 ] && reasons+=("wrk did not report (see $work/wrk-*.txt)")
[ "$errors" -gt 0 ] && reasons+=("$errors request errors (non-2xx $non2xx, 2xx without job_id $nojobid, socket $sock)")
[ "$dup_ids" -gt 0 ] && reasons+=("$dup_ids job_ids answered twice")
[ "$drained" = 1 ] || reasons+=("queue not drained after ${drain_s} s")
[ "$lost" -gt 0 ] && reasons+=("$lost accepted jobs not finished:$lost_detail")
[ "$failed" -gt 0 ] && reasons+=("$failed jobs failed")
[ "$canceled" -gt 0 ] && reasons+=("$canceled jobs canceled")
[ "$queued_left" -gt 0 ] && reasons+=("$queued_left jobs still queued/started/scheduled in Redis")
[ "$documents" != "$finished" ] && reasons+=("store holds $documents documents for $finished finished jobs")
[ "$jobs_total" != "$finished" ] && reasons+=("$jobs_total jobs in aether:jobs:ingest but $finished finished")
[ "$st_n" -lt $((seconds / 2)) ] && reasons+=("status endpoint polled only $st_n times")
[ "$st_fail" -gt 0 ] && reasons+=("status endpoint failed $st_fail of $st_n polls")
awk -v c="$rss_change" -v l="$rss_limit" 'BEGIN { exit !(c == "nan" || c > l || c < -l) }' &&
    reasons+=("RSS at the end of wrk ${rss_end} kB is ${rss_change}% from ${rss_warm} kB after warm-up (limit ${rss_limit}%)")
awk -v c="$rss_change_drain" -v l="$rss_limit" 'BEGIN { exit !(c == "nan" || c > l || c < -l) }' &&
    reasons+=("RSS after the drain ${rss_drain} kB is ${rss_change_drain}% from ${rss_warm} kB after warm-up (limit ${rss_limit}%)")
[ "$up_after_wrk" = 1 ] && [ "$up_after_drain" = 1 ] || reasons+=("aether-ingestd died (see $work/daemon.log)")
[ "$daemon_rc" = 0 ] || reasons+=("aether-ingestd exited $daemon_rc on SIGTERM")

echo "== soak summary (wrk -t$threads -c$conns -d${seconds}s, WORKERS=$workers)"
printf '  requests        %s in %s s, %s req/s; latency p50 %s ms, p99 %s ms, max %s ms\n' \
    "$req" "$(field "$soak" duration_s)" "$rps" "$p50" "$p99" "$pmax"
printf '  status codes    soak %s; warm-up %s\n' "$(field "$soak" codes)" "$(field "$warm" codes)"
printf '  errors          %d (non-2xx %d, 2xx without job_id %d, socket connect/read/write/timeout %d), warm-up included\n' \
    "$errors" "$non2xx" "$nojobid" "$sock"
printf '  jobs            accepted %d (warm-up %s + soak %s), finished %d, failed %d, canceled %d, lost %d\n' \
    "$accepted" "$warm_accepted" "$soak_accepted" "$finished" "$failed" "$canceled" "$lost"
printf '                  %d jobs created in all, %d of them in flight when wrk stopped (answer not counted); %s documents in the store; drained in %s s\n' \
    "$jobs_total" "$extra" "$documents" "$drain_s"
printf '  status endpoint GET /ops/queue polled %d times under load: p50 %s ms, p99 %s ms, max %s ms, %d failures\n' \
    "$st_n" "$st_p50" "$st_p99" "$st_max" "$st_fail"
printf '  RSS (kB)        start %s, after warm-up %s, end of wrk %s (%s%%), max during soak %s (%s%%), after drain %s (%s%%)\n' \
    "$rss_start" "$rss_warm" "$rss_end" "$rss_change" "$rss_max_soak" "$rss_change_max" "$rss_drain" "$rss_change_drain"
printf '  daemon          exit %s on SIGTERM; %s WARN/ERROR lines in its log (besides the development-keys notice)\n' "$daemon_rc" "$log_problems"
[ "$log_problems" -gt 0 ] && problems | head -5 | sed 's/^/                  /'
echo "RESULT soak requests=$req rps=$rps errors=$errors non2xx=$non2xx socket_errors=$sock accepted=$accepted finished=$finished failed=$failed lost=$lost p50_ms=$p50 p99_ms=$p99 rss_warm_kb=$rss_warm rss_end_kb=$rss_end rss_drain_kb=$rss_drain rss_change_pct=$rss_change rss_drain_change_pct=$rss_change_drain status_polls=$st_n status_failures=$st_fail status_p50_ms=$st_p50 status_max_ms=$st_max"
if [ "${#reasons[@]}" -eq 0 ]; then
    echo "SOAK PASS"
    exit 0
fi
keep=1
echo "SOAK FAIL: $(IFS=';'; echo "${reasons[*]}" | sed 's/;/; /g')"
exit 1
