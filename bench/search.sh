#!/usr/bin/env bash
# Search latency (p50, p99, mean) at 10,000 and 100,000 chunks of 384
# dimensions: HybridSearch (hybrid, vector, keyword), the bare VectorIndex scan
# and FAISS IndexFlatIP (1 thread and OpenMP's default) over the same vectors
# and queries in the same run, with the top-10 agreement against FAISS. Needs
# a build with libfaiss-dev installed (the target aether-bench-search).
#   bench/search.sh [build-dir] [program options, e.g. --sizes 10000 --queries 500]
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
shift || true
program="$build/bench/search/aether-bench-search"
if [ ! -x "$program" ]; then
    echo "no $program: install libfaiss-dev, then cmake --build $build --target aether-bench-search" >&2
    exit 1
fi
echo "== $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
exec "$program" "$@"
