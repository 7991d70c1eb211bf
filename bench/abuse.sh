#!/usr/bin/env bash
# The two memory attacks of the hardening work, each against a fresh daemon:
# 50 keyless 100 MB uploads (bench/abuse_keyless.sh) and 4 URL jobs whose
# servers send an endless body (bench/abuse_endless.sh). Prints each attack's
# peak RSS beside the daemon's base and the bound it must stay under, and one
#   RESULT abuse keyless_peak_mb=.. keyless_base_mb=.. keyless_limit_mb=..
#                endless_peak_mb=.. endless_base_mb=.. endless_limit_mb=..
#   [BUILD_DIR=build] bench/abuse.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export BUILD_DIR="${BUILD_DIR:-build}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

field() { # $1: file, $2: key -> the value of key= on its RESULT line
    awk -v key="$2" '$1 == "RESULT" { for (i = 2; i <= NF; i++) { split($i, p, "="); if (p[1] == key) print p[2] } }' "$1"
}

bench/abuse_keyless.sh | tee "$work/keyless.log"
bench/abuse_endless.sh | tee "$work/endless.log"

kp=$(field "$work/keyless.log" keyless_upload_peak_rss_mb)
kb=$(field "$work/keyless.log" base_mb)
kl=$(field "$work/keyless.log" limit_mb)
ep=$(field "$work/endless.log" endless_body_peak_rss_mb)
eb=$(field "$work/endless.log" base_mb)
el=$(field "$work/endless.log" limit_mb)
echo "keyless uploads: peak RSS $kp MB (base $kb MB, must stay under $kl MB)"
echo "endless bodies:  peak RSS $ep MB (base $eb MB, must stay under $el MB)"
echo "RESULT abuse keyless_peak_mb=$kp keyless_base_mb=$kb keyless_limit_mb=$kl" \
    "endless_peak_mb=$ep endless_base_mb=$eb endless_limit_mb=$el"
