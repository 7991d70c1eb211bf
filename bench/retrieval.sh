#!/usr/bin/env bash
# Search quality, for bench/report.sh: the retrieval test set's figures
# (tests/core/search/tst_retrieval.cpp). Precision: 20 queries whose answer is
# one document among 500 unrelated notes, counted clean when hybrid search
# returns the answer first and nothing unrelated; recall: the paraphrase
# queries' top-3 hit rate. Prints "RESULT retrieval key=value ...".
#   bench/retrieval.sh [build-dir]
set -euo pipefail
build="${1:-${BUILD_DIR:-build}}"
test_program="$build/tests/core/search/tst_retrieval"
[ -x "$test_program" ] || { echo "no $test_program (cmake --build $build --target tst_retrieval)" >&2; exit 2; }
output=$("$test_program" oneAnswerQueriesReturnNoUnrelatedDocument 2>&1) || { echo "$output"; exit 1; }
echo "$output" | sed -n 's/.*\(RESULT retrieval .*\)$/\1/p'
