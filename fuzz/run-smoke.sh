#!/usr/bin/env bash
# Builds the fuzz targets with clang (libFuzzer + ASan + UBSan) and runs each
# for a while on a copy of its seeds in fuzz/corpus/<target>/. Exits non-zero
# when a target finds a crash, a leak, undefined behaviour or a timeout; the
# input that did it is left in the work directory (crash-*, leak-*, timeout-*).
#   fuzz/run-smoke.sh [seconds per target, default 30] [build dir, default build-fuzz]
# A longer run, e.g. an hour each:  fuzz/run-smoke.sh 3600
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
build="${2:-build-fuzz}"
targets=(fuzz_multipart fuzz_jsonrequest fuzz_httpframing fuzz_html fuzz_textformats fuzz_office fuzz_redisurl fuzz_chunker)

CC=clang CXX=clang++ cmake -S fuzz -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo > "$build.configure.log" 2>&1 ||
    { cat "$build.configure.log"; exit 1; }
cmake --build "$build" --target "${targets[@]}"
build="$(realpath "$build")"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Qt's own allocations at exit are not ours to chase.
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
status=0
for target in "${targets[@]}"; do
    mkdir -p "$work/$target"
    cp fuzz/corpus/"$target"/* "$work/$target/"
    # The HTML extractor's test pages are seeds too (not copied into the repo twice).
    if [ "$target" = fuzz_html ]; then cp tests/core/extract/htmlcorpus/*.html "$work/$target/"; fi
    echo "== $target: ${seconds} s"
    if ! (cd "$work" && "$build/$target" -max_total_time="$seconds" -timeout=10 \
            -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 "$target" \
            > "$work/$target.log" 2>&1); then
        status=1
        tail -40 "$work/$target.log"
        mkdir -p fuzz/findings && cp "$work"/crash-* "$work"/leak-* "$work"/timeout-* fuzz/findings/ 2>/dev/null || true
        echo "!! $target failed; the input is in fuzz/findings/"
    else
        grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work/$target.log" | tr '\n' ' '
        echo
    fi
done
exit $status
