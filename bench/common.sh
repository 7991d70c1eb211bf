# shellcheck shell=bash disable=SC2154 # $work and pids belong to the sourcing script
# Sourced by the benchmark scripts: free loopback ports, waiting for an HTTP
# server, a private redis-server, and stopping what a script started. A script
# sets $work (its temporary directory) and the array pids before using these.

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_http URL [tries of 0.1 s, default 100]
wait_http() {
    local _
    for _ in $(seq "${2:-100}"); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done
    echo "no answer from $1" >&2
    return 1
}

# start_redis PORT: no persistence, its files in $work; its pid joins pids.
start_redis() { redis-server --port "$1" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" >/dev/null & pids+=($!); sleep 0.3; }

# The usual EXIT trap: stops every pid in pids, then removes $work.
stop_started() {
    local pid
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}

now() { date +%s.%N; }
