#!/usr/bin/env bash
# Search latency (p50, p99, mean) at 10,000 and 100,000 chunks of 384
# dimensions: HybridSearch (hybrid, vector, keyword), the bare VectorIndex scan
# and FAISS IndexFlatIP (1 thread and OpenMP's default) over the same vectors
# and queries in the same run, with the top-10 agreement against FAISS. Needs
# a build with libfaiss-dev installed (the target aether-bench-search).
# Then the approximate index of large tenants (issue 17), built over the
# same store whatever its size: build time, memory, p50/p99 and recall@10
# against the exact scan (--sizes 100000,1000000 for the 1M target).
# After each size, a line "RESULT search chunks=N ..." (p50s in ms, the scan's
# top-10 agreement, the ann_* fields) for bench/report.sh.
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
# The program's table rows are "| name | p50 | p99 | mean | agreement |"; the
# line "ann: key=value ..." ends a size.
"$program" "$@" | awk -F'|' '
    { print; fflush() }
    /^## [0-9]+ chunks/ { chunks = $0; sub(/^## /, "", chunks); sub(/ .*/, "", chunks) }
    function trim(s) { gsub(/^ +| +$/, "", s); return s }
    /^\| HybridSearch, mode hybrid/ { hybrid = trim($3) }
    /^\| HybridSearch, mode vector/ { vector = trim($3) }
    /^\| HybridSearch, mode keyword/ { keyword = trim($3) }
    /^\| VectorIndex::search/ { scan = trim($3); agreement = trim($6) }
    /^\| FAISS IndexFlatIP, 1 thread/ { faiss1 = trim($3) }
    /^\| FAISS IndexFlatIP, default/ { faissn = trim($3) }
    /^ann: / {
        delete ann
        for (i = 2; i <= split($0, pairs, " "); i++) {
            split(pairs[i], pair, "=")
            ann[pair[1]] = pair[2]
        }
        printf "RESULT search chunks=%s hybrid_p50_ms=%s vector_p50_ms=%s keyword_p50_ms=%s scan_p50_ms=%s scan_agreement=%s faiss_1thread_p50_ms=%s faiss_default_p50_ms=%s ann_p50_ms=%s ann_p99_ms=%s ann_recall10=%s ann_build_s=%s ann_mb=%s ann_hybrid_p50_ms=%s ann_hybrid_p99_ms=%s ann_passages_p50_ms=%s ann_passages_recall10=%s\n", chunks, hybrid, vector, keyword, scan, agreement, faiss1, faissn, ann["p50_ms"], ann["p99_ms"], ann["recall10"], ann["build_s"], ann["mb"], ann["hybrid_p50_ms"], ann["hybrid_p99_ms"], ann["passages_p50_ms"], ann["passages_recall10"]
        fflush()
    }'
