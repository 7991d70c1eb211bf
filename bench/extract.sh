#!/usr/bin/env bash
# Extraction throughput (issue 4): HtmlExtractor over ~20 MB of web pages and
# PdfExtractor over a 200-page PDF, both made by aether-bench-extract, and
# pdftotext (poppler-utils) on the same PDF file in the same run; prints MB/s
# and the ratio. Needs a build (cmake --build build --target aether-bench-extract)
# and poppler-utils. The last line, "RESULT extract ...", is for bench/report.sh.
#   bench/extract.sh [build-dir] [program options, e.g. --html-mb 5 --runs 5]
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
shift || true
program="$build/bench/extract/aether-bench-extract"
if [ ! -x "$program" ]; then
    echo "no $program: cmake --build $build --target aether-bench-extract" >&2
    exit 1
fi
command -v pdftotext >/dev/null || { echo "pdftotext not found: apt-get install poppler-utils" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
runs=3

echo "== $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== aether-bench-extract (best of $runs runs)"
QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}" "$program" --work "$work" --runs "$runs" "$@" \
    > "$work/ours.txt" 2> "$work/ours.err" || { cat "$work/ours.err" >&2; exit 1; }
grep -v '=' "$work/ours.txt"
value() { awk -F= -v key="$1" '$1 == key {print $2}' "$work/ours.txt"; }
html_rate=$(value html_mb_per_s)
pdf_rate=$(value pdf_mb_per_s)
pdf_file=$(value pdf_file)
pdf_bytes=$(value pdf_bytes)
ocr_rate=$(value ocr_pages_per_s)

echo "== pdftotext $(pdftotext -v 2>&1 | head -1 | awk '{print $3}') on the same PDF (best of $runs runs)"
best=""
for _ in $(seq "$runs"); do
    start=$(date +%s.%N)
    pdftotext -enc UTF-8 "$pdf_file" "$work/pdftotext.txt"
    end=$(date +%s.%N)
    best=$(awk -v a="$start" -v b="$end" -v best="$best" 'BEGIN { t = b - a; print (best == "" || t < best) ? t : best }')
done
pdftotext_rate=$(awk -v bytes="$pdf_bytes" -v t="$best" 'BEGIN { printf "%.2f", bytes / 1048576 / t }')
awk -v bytes="$pdf_bytes" -v t="$best" -v chars="$(wc -m < "$work/pdftotext.txt")" 'BEGIN {
    printf "  pdftotext: %.2f MB in %.3f s: %.2f MB/s (%d characters)\n", bytes / 1048576, t, bytes / 1048576 / t, chars }'

echo "== result"
awk -v h="$html_rate" -v p="$pdf_rate" -v q="$pdftotext_rate" -v o="${ocr_rate:-0}" 'BEGIN {
    printf "  HTML: %.1f MB/s (main text, gumbo parse included)\n", h
    printf "  PDF: PdfExtractor %.2f MB/s vs pdftotext %.2f MB/s: %.2fx pdftotext\n", p, q, p / q
    printf "  OCR: %.2f scanned pages/s on one core\n", o
    printf "RESULT extract html_mb_per_s=%.2f pdf_mb_per_s=%.2f pdftotext_mb_per_s=%.2f ocr_pages_per_s=%.3f\n", h, p, q, o
}'
