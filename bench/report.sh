#!/usr/bin/env bash
# One benchmark report: every benchmark of the project, each beside its
# baseline, run one after another (never in parallel: the figures are meant for
# a 2-core machine), parsed from the "RESULT <name> key=value ..." line each
# prints, and written as one Markdown table to docs/benchmarks.md.
#   [BUILD_DIR=build] bench/report.sh [--quick]
# --quick: small sizes, a check that everything runs (a few minutes); without
# it, the sizes the scripts default to. A benchmark whose prerequisites are
# missing is reported as "skipped: <why>"; one that fails, as "failed".
# REPORT_OUT=file writes elsewhere; REPORT_LOGS=dir keeps every script's output.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${BUILD_DIR:-build}"
out="${REPORT_OUT:-docs/benchmarks.md}"
peer_dir="${PEER_DIR:-$PWD/../shared/peer}"
py=/usr/bin/python3
quick=0
case "${1:-}" in
--quick) quick=1 ;;
"") ;;
*) echo "usage: [BUILD_DIR=build] $0 [--quick]" >&2; exit 2 ;;
esac
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
logs="${REPORT_LOGS:-$work/logs}"
mkdir -p "$logs" "$(dirname "$out")"

# Arguments per benchmark: quick sizes, or the scripts' own defaults.
if [ "$quick" = 1 ]; then
    mode="quick (small sizes: a check that everything runs; the figures are indicative only)"
    limit=600
    guimodel_args=(--runs 3)
    extract_args=(--html-mb 5 --pdf-pages 20 --runs 2 --ocr-pages 2)
    search_args=(--sizes 10000 --queries 100 --warmup 5)
    batch_args=(200 3)
    enqueue_args=(5)
    drain_args=(500)
    ingest_args=(10)
else
    mode="full (the scripts' default sizes)"
    limit=3600
    guimodel_args=() extract_args=() search_args=() batch_args=() enqueue_args=() drain_args=() ingest_args=()
fi

# --- prerequisites: each prints why a benchmark cannot run, or nothing ---
need_program() { [ -x "$build/$1" ] || echo "no $build/$1 (cmake --build $build --target $(basename "$1"))"; }
need_command() { command -v "$1" >/dev/null || echo "no $1 ($2)"; }
need_python() { # $@: modules
    local modules
    modules=$(IFS=,; echo "$*")
    $py -c "import $modules" 2>/dev/null || echo "$py lacks ${*/#/python3-} (apt-get install them)"
}
need_peer() { [ -f "$peer_dir/app.py" ] || echo "no reference peer in $peer_dir"; }
first_reason() { # runs each check until one gives a reason
    local check reason
    for check in "$@"; do
        reason=$(eval "$check")
        [ -z "$reason" ] || { echo "$reason"; return; }
    done
}
search_reason() {
    [ -x "$build/bench/search/aether-bench-search" ] ||
        echo "no aether-bench-search in $build (built only with FAISS: apt-get install libfaiss-dev)"
}
reason_for() {
    local daemon="need_program app/aether-ingestd" redis="need_command redis-server redis-server"
    case "$1" in
    guimodel) first_reason "need_program bench/guimodel/aether-bench-guimodel" ;;
    extract) first_reason "need_program bench/extract/aether-bench-extract" "need_command pdftotext poppler-utils" ;;
    retrieval) first_reason "need_program tests/core/search/tst_retrieval" ;;
    search) first_reason search_reason ;;
    batch) first_reason "$daemon" "$redis" ;;
    enqueue) first_reason "$daemon" "$redis" "need_command wrk wrk" need_peer "need_python rq fastapi uvicorn multipart" ;;
    drain) first_reason "$daemon" "$redis" need_peer "need_python redis rq" ;;
    ingest) first_reason "$daemon" ;;
    abuse) first_reason "$daemon" "$redis" "need_command curl curl" ;;
    ingest_peer) first_reason need_peer "$redis" "need_python rq fastapi uvicorn multipart" ;;
    esac
}

# --- running ---
declare -A status seconds
# run_bench NAME COMMAND...: status[NAME] is ok, "skipped: why" or "failed: why".
run_bench() {
    local name="$1" reason t0 rc=0
    shift
    reason=$(reason_for "$name")
    if [ -n "$reason" ]; then
        status[$name]="skipped: $reason"
        echo "== $name: skipped: $reason"
        return
    fi
    echo "== $name: $* (output in $logs/$name.log)"
    t0=$(date +%s)
    timeout "$limit" "$@" >"$logs/$name.log" 2>&1 || rc=$?
    seconds[$name]=$(($(date +%s) - t0))
    if [ "$rc" = 0 ] && grep -q "^RESULT $name " "$logs/$name.log"; then
        status[$name]=ok
        echo "   done in ${seconds[$name]} s"
        return
    fi
    [ "$rc" = 124 ] && status[$name]="failed: timed out after $limit s" || status[$name]="failed (exit $rc)"
    echo "   ${status[$name]}; the end of its output:" >&2
    tail -15 "$logs/$name.log" | sed 's/^/   | /' >&2
}
# value NAME KEY [FILTER_KEY FILTER_VALUE]: KEY of NAME's (matching) RESULT line.
value() {
    [ -f "$logs/$1.log" ] || return 0
    awk -v name="$1" -v key="$2" -v fk="${3:-}" -v fv="${4:-}" '
        $1 == "RESULT" && $2 == name {
            delete kv
            for (i = 3; i <= NF; i++) { split($i, pair, "="); kv[pair[1]] = pair[2] }
            if (fk == "" || kv[fk] == fv) found = kv[key]
        }
        END { print found }' "$logs/$1.log"
}

# --- formatting ---
fmt() { [ -n "$2" ] && awk -v v="$2" "BEGIN { printf \"$1\", v }" || echo "–"; }
ratio() { # $1 / $2 as "N.Nx"
    awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "–"; else printf "%.1fx", a / b }'
}
target() { # $1: the target's text, $2: 1 if met
    [ "$2" = 1 ] && echo "$1: met" || echo "$1: **not met**"
}
thousands() { echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; } # 100000 -> 100,000
holds() { awk "BEGIN { exit !($*) }" 2>/dev/null && echo 1 || echo 0; } # 1 if the awk condition holds
row() { # the table's cells, in order ("|" inside a cell would split it)
    local cell line="|"
    for cell in "$@"; do line+=" ${cell//|//} |"; done
    echo "$line" >>"$work/rows.md"
}
# A benchmark that did not run: its status in place of the figures.
row_not_run() { # $1: benchmark, $2: status, $3: baseline, $4: target
    row "$1" "${2}" "$3" "–" "–" "$4"
}

# --- the table's rows, one function per benchmark ---
rows_enqueue() {
    local what="enqueue, wrk -c32, ~120-byte texts (${enqueue_args[0]:-15} s)" base="reference peer (FastAPI + RQ)"
    local goal="≥ 10x the peer; p99 ≤ 5 ms"
    [ "${status[enqueue]}" = ok ] || { row_not_run "$what" "${status[enqueue]}" "$base" "$goal"; return; }
    local o op p pp
    o=$(value enqueue ours_rps) op=$(value enqueue ours_p99_ms) p=$(value enqueue peer_rps) pp=$(value enqueue peer_p99_ms)
    row "$what" "$(fmt '%.0f req/s' "$o"), p99 $(fmt '%.2f ms' "$op")" "$base" \
        "$(fmt '%.0f req/s' "$p"), p99 $(fmt '%.1f ms' "$pp")" "$(ratio "$o" "$p")" \
        "$(target "≥ 10x the peer" "$(holds "$o >= 10 * $p")"); $(target "p99 ≤ 5 ms" "$(holds "$op <= 5")")"
}
rows_drain() {
    local what
    what="drain, $(thousands "$(value drain jobs)") small text jobs, 2 workers"
    [ "${status[drain]}" = ok ] || {
        row_not_run "drain, small text jobs" "${status[drain]}" "RQ SimpleWorker, RQ forking worker" "≥ 20x SimpleWorker"
        return
    }
    local o s f first last fork_jobs
    o=$(value drain ours_jobs_per_s) s=$(value drain simple_jobs_per_s) f=$(value drain fork_jobs_per_s)
    first=$(value drain ours_first_tenth) last=$(value drain ours_last_tenth)
    fork_jobs=$(value drain fork_jobs)
    # Older drain.sh runs have no tenths: the row then says nothing of them.
    [ -z "$first" ] || what="$what; the last tenth of the jobs at $(fmt '%.0f jobs/s' "$last"), the first at $(fmt '%.0f jobs/s' "$first")"
    row "$what" "$(fmt '%.0f jobs/s' "$o")" "RQ SimpleWorker (peer)" "$(fmt '%.0f jobs/s' "$s")" \
        "$(ratio "$o" "$s")" "$(target "≥ 20x SimpleWorker" "$(holds "$o >= 20 * $s")")${first:+; $(target "last tenth ≥ 80% of the first" "$(holds "$last >= 0.8 * $first")")}"
    row "$what" "$(fmt '%.0f jobs/s' "$o")" "RQ forking worker (peer)${fork_jobs:+, first $(thousands "$fork_jobs") jobs}" "$(fmt '%.0f jobs/s' "$f")" \
        "$(ratio "$o" "$f")" "–"
}
rows_extract() {
    if [ "${status[extract]}" != ok ]; then
        row_not_run "HTML main-text extraction" "${status[extract]}" "no baseline" "–"
        row_not_run "PDF text extraction" "${status[extract]}" "pdftotext" "–"
        row_not_run "OCR of scanned A4 pages" "${status[extract]}" "no baseline" "–"
        return
    fi
    local h p q o
    h=$(value extract html_mb_per_s) p=$(value extract pdf_mb_per_s) q=$(value extract pdftotext_mb_per_s)
    o=$(value extract ocr_pages_per_s)
    row "HTML main-text extraction" "$(fmt '%.1f MB/s' "$h")" "no baseline" "–" "–" "–"
    row "PDF text extraction" "$(fmt '%.2f MB/s' "$p")" "pdftotext (poppler-utils)" \
        "$(fmt '%.2f MB/s' "$q")" "$(ratio "$p" "$q")" "–"
    row "OCR of scanned A4 pages (300 dpi, one core)" "$(fmt '%.2f pages/s' "$o")" "no baseline" "–" "–" "–"
}
rows_search_size() { # $1: chunks
    local n="$1" label scan agree f1 fn fbest hybrid hybrid_goal
    label=$(thousands "$n")
    scan=$(value search scan_p50_ms chunks "$n") agree=$(value search scan_agreement chunks "$n")
    f1=$(value search faiss_1thread_p50_ms chunks "$n") fn=$(value search faiss_default_p50_ms chunks "$n")
    hybrid=$(value search hybrid_p50_ms chunks "$n")
    fbest=$(awk -v a="$f1" -v b="$fn" 'BEGIN { print (a < b ? a : b) }')
    row "vector scan, $label × 384, p50" "$(fmt '%.3f ms' "$scan") (top-10 agreement $agree)" \
        "FAISS IndexFlatIP" "$(fmt '%.3f ms' "$f1") 1 thread, $(fmt '%.3f ms' "$fn") $(nproc) threads" \
        "$(ratio "$fbest" "$scan")" \
        "$(target "faster than FAISS, same top-10" "$(holds "$scan < $fbest && $agree >= 0.999")")"
    hybrid_goal="–"
    [ "$n" = 100000 ] && hybrid_goal=$(target "≤ 20 ms" "$(holds "$hybrid <= 20")")
    row "hybrid search (BM25 + vectors), $label chunks, p50" "$(fmt '%.3f ms' "$hybrid")" \
        "no baseline (FAISS has no keyword search)" "–" "–" "$hybrid_goal"
}
rows_search() {
    [ "${status[search]}" = ok ] || {
        row_not_run "search latency, p50" "${status[search]}" "FAISS IndexFlatIP" "faster than FAISS, same top-10"
        return
    }
    local n
    for n in $(grep '^RESULT search ' "$logs/search.log" | grep -o 'chunks=[0-9]*' | cut -d= -f2); do
        rows_search_size "$n"
    done
}
rows_ingest() {
    local what="ingest end to end, plain text (${ingest_args[0]:-50} MB, upload to stored)"
    local base="reference peer (FastAPI + RQ, SimpleWorker per core)"
    [ "${status[ingest]}" = ok ] || { row_not_run "$what" "${status[ingest]}" "$base" "–"; return; }
    local o p failed peer_reason
    o=$(value ingest ours_mb_per_s) p=$(value ingest peer_mb_per_s) failed=$(value ingest ours_failed)
    [ "$failed" = 0 ] && failed="" || failed=" ($failed failed)"
    if [ -z "$p" ]; then
        peer_reason=$(reason_for ingest_peer)
        row "$what" "$(fmt '%.2f MB/s' "$o")$failed" "$base" "skipped: ${peer_reason:-see its output}" "–" "–"
        return
    fi
    row "$what" "$(fmt '%.2f MB/s' "$o")$failed" "$base" "$(fmt '%.2f MB/s' "$p")" "$(ratio "$o" "$p")" \
        "$(target "≥ 3x the peer" "$(awk -v a="$o" -v b="$p" 'BEGIN { print (a >= 3 * b) ? 1 : 0 }')")"
    local c
    c=$(value ingest ceiling_mb_per_s)
    if [ -n "$c" ]; then
        row "ingest end to end against the store's ceiling (same corpus)" "$(fmt '%.2f MB/s' "$o")" \
            "store ceiling: the corpus's chunks and vectors inserted straight into the schema, one writer" \
            "$(fmt '%.2f MB/s' "$c")" "$(ratio "$o" "$c")" \
            "$(target "≥ 0.7x the ceiling" "$(awk -v a="$o" -v b="$c" 'BEGIN { print (a >= 0.7 * b) ? 1 : 0 }')")"
    fi
}
rows_retrieval() {
    local precision="search precision: 20 one-answer queries among 500 unrelated notes"
    local recall="search recall: paraphrase queries, answer in the top 3"
    if [ "${status[retrieval]}" != ok ]; then
        row_not_run "$precision" "${status[retrieval]}" "no baseline" "≥ 18 of 20 clean"
        row_not_run "$recall" "${status[retrieval]}" "no baseline" "–"
        return
    fi
    local clean rate queries
    clean=$(value retrieval precision_clean) rate=$(value retrieval paraphrase_top3)
    queries=$(value retrieval paraphrase_queries)
    row "$precision" "$clean clean (the answer first, nothing unrelated)" "no baseline" "–" "–" \
        "$(target "≥ 18 of 20 clean" "$(holds "${clean%/*} >= 18")")"
    row "$recall" "$(fmt '%.2f' "$rate") of $queries" "no baseline" "–" "–" \
        "$(target "≥ 0.90" "$(holds "$rate >= 0.9")")"
}
rows_batch() {
    local what base
    what="batch enqueue, $(thousands "${batch_args[0]:-1000}") files in one request, median"
    base="no baseline (the peer has no batch endpoint)"
    [ "${status[batch]}" = ok ] || { row_not_run "$what" "${status[batch]}" "$base" "–"; return; }
    row "$what" "$(fmt '%.1f ms' "$(value batch median_ms)")" "$base" "–" "–" "–"
}
rows_abuse() {
    local keyless="50 keyless uploads declaring 100 MB each, peak RSS"
    local endless="4 URL jobs whose servers send an endless body, peak RSS"
    if [ "${status[abuse]}" != ok ]; then
        row_not_run "$keyless" "${status[abuse]}" "the daemon's base RSS" "within 64 MB of base"
        row_not_run "$endless" "${status[abuse]}" "the daemon's base RSS" "base + 4 bodies + 64 MB"
        return
    fi
    local kp kb kl ep eb el
    kp=$(value abuse keyless_peak_mb) kb=$(value abuse keyless_base_mb) kl=$(value abuse keyless_limit_mb)
    ep=$(value abuse endless_peak_mb) eb=$(value abuse endless_base_mb) el=$(value abuse endless_limit_mb)
    row "$keyless" "$(fmt '%.0f MB' "$kp")" "the daemon's base RSS" "$(fmt '%.0f MB' "$kb")" "–" \
        "$(target "≤ $(fmt '%.0f MB' "$kl")" "$(holds "$kp <= $kl")")"
    row "$endless" "$(fmt '%.0f MB' "$ep")" "the daemon's base RSS" "$(fmt '%.0f MB' "$eb")" "–" \
        "$(target "≤ $(fmt '%.0f MB' "$el")" "$(holds "$ep <= $el")")"
}
phases() { # insert ms, update ms -> "total ms (insert + update)"
    awk -v i="$1" -v u="$2" 'BEGIN { printf "%.1f ms (insert %.1f + update %.1f)", i + u, i, u }'
}
total() { awk -v i="$1" -v u="$2" 'BEGIN { print i + u }'; }
rows_guimodel() {
    local jobs what base="QStandardItemModel"
    jobs=$(thousands "$(value guimodel jobs)")
    what="job table, ${jobs:-10,000} inserts + ${jobs:-10,000} progress updates"
    [ "${status[guimodel]}" = ok ] || { row_not_run "$what" "${status[guimodel]}" "$base" "–"; return; }
    local m=() key # insert, update: ours alone, ours sorted, baseline alone, baseline sorted
    for key in ours_insert_ms ours_update_ms ours_sorted_insert_ms ours_sorted_update_ms \
        base_insert_ms base_update_ms base_sorted_insert_ms base_sorted_update_ms; do
        m+=("$(value guimodel "$key")")
    done
    row "$what, model alone" "$(phases "${m[0]}" "${m[1]}")" \
        "QStandardItemModel (QHash row lookup, setData per column)" "$(phases "${m[4]}" "${m[5]}")" \
        "$(ratio "$(total "${m[4]}" "${m[5]}")" "$(total "${m[0]}" "${m[1]}")")" "–"
    row "$what, sorted by progress (as the window)" "$(phases "${m[2]}" "${m[3]}")" \
        "QStandardItemModel + QSortFilterProxyModel" "$(phases "${m[6]}" "${m[7]}")" \
        "$(ratio "$(total "${m[6]}" "${m[7]}")" "$(total "${m[2]}" "${m[3]}")")" \
        "$(target "update burst ≤ 50 ms" "$(holds "${m[3]} <= 50")")"
}

# --- the document ---
machine() {
    local cpu ram os
    cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
    ram=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
    os=$(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-}")
    echo "$(nproc) cores, ${cpu:-unknown CPU}, $ram RAM${os:+, $os}"
}
command_line() { echo "$*"; } # no trailing space when there are no arguments
build_type() { sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt" 2>/dev/null; }
write_document() {
    {
        echo "# Benchmarks"
        echo
        echo "Written by \`bench/report.sh\`; every benchmark ran beside its baseline in the same run on"
        echo "the same machine, one after another. Rerun with \`bench/report.sh\` (\`--quick\` for small sizes)."
        echo
        echo "- Date: $run_date"
        echo "- Commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
        echo "- Machine: $(machine); load average at the start: $load"
        echo "- Build: \`$build\` ($(build_type || true))"
        echo "- Mode: $mode"
        echo
        echo "**Ratio**: how many times Aether Ingest is ahead of the baseline (throughput: ours /"
        echo "baseline; time: baseline / ours). Above 1x, Aether Ingest is faster."
        echo
        echo "| benchmark | Aether Ingest | baseline | baseline figure | ratio | target |"
        echo "|---|---|---|---|---|---|"
        cat "$work/rows.md"
        echo
        echo "## What each line measures"
        echo
        echo "- **enqueue** (\`$(command_line bench/enqueue.sh "${enqueue_args[@]}")\`): \`wrk -t2 -c32\` POSTs to"
        echo "  \`/knowledge/ingest-text-async\` of \`aether-ingestd\` (\`WORKERS=0\`) and of the peer (uvicorn)."
        echo "- **drain** (\`$(command_line bench/drain.sh "${drain_args[@]}")\`): a queued backlog run through the whole pipeline by"
        echo "  \`aether-ingestd --no-server\` (2 worker threads) and by RQ's workers over the peer's jobs."
        echo "- **extraction** (\`$(command_line bench/extract.sh "$build" "${extract_args[@]}")\`): HtmlExtractor over generated"
        echo "  web pages; PdfExtractor and \`pdftotext\` over the same generated PDF; best of the runs."
        echo "- **search** (\`$(command_line bench/search.sh "$build" "${search_args[@]}")\`): synthetic stores, k = 10;"
        echo "  the ratio is FAISS's better p50 (1 thread or all) over the VectorIndex scan's p50."
        echo "- **ingest** (\`$(command_line bench/ingest.sh "$build" "${ingest_args[@]}")\`): a plain-text corpus uploaded with curl"
        echo "  (4 at a time), first upload to last job end; the peer chunks and embeds its own way, so"
        echo "  MB/s is the comparable figure."
        echo "- **batch** (\`$(command_line bench/batch.sh "${batch_args[@]}")\`): one multipart request to"
        echo "  \`/knowledge/ingest-batch-async\`, timed by curl (\`WORKERS=0\`)."
        echo "- **job table** (\`$(command_line aether-bench-guimodel "${guimodel_args[@]}")\`): the events applied as one batch"
        echo "  each, best of the runs; the baseline finds rows through a QHash and calls setData per column."
        echo "- **search precision and recall** (\`bench/retrieval.sh\`): the retrieval test set of"
        echo "  \`tests/core/search/tst_retrieval.cpp\` (hash embedder, hybrid search, k = 10 for precision)."
        echo "- **abuse** (\`bench/abuse.sh\`): the daemon's peak RSS (VmHWM) while 50 clients without a key"
        echo "  each declare a 100 MB upload, and while 4 URL jobs fetch from servers that never end their"
        echo "  body; the bound is the one of issue 14 (base + 64 MB; base + 4 capped bodies + 64 MB)."
    } >"$out"
}

run_date=$(date -u '+%Y-%m-%d %H:%M UTC')
load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== benchmark report, $mode; build $build"
export BUILD_DIR="$build"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
run_bench guimodel "$build/bench/guimodel/aether-bench-guimodel" "${guimodel_args[@]}"
run_bench extract bench/extract.sh "$build" "${extract_args[@]}"
run_bench search bench/search.sh "$build" "${search_args[@]}"
run_bench batch bench/batch.sh "${batch_args[@]}"
run_bench enqueue bench/enqueue.sh "${enqueue_args[@]}"
run_bench drain bench/drain.sh "${drain_args[@]}"
run_bench ingest bench/ingest.sh "$build" "${ingest_args[@]}"
run_bench abuse bench/abuse.sh
run_bench retrieval bench/retrieval.sh "$build"

: >"$work/rows.md"
for name in enqueue drain ingest batch extract search retrieval guimodel abuse; do
    "rows_$name"
done
write_document
echo "== wrote $out"
cat "$work/rows.md"
