#!/usr/bin/env bash
# Installs what building, running and testing Aether Ingest needs, from
# Debian 12's own packages. Safe to run again.
set -euo pipefail

packages=(
    cmake ninja-build g++ pkg-config
    qt6-base-dev qt6-httpserver-dev qt6-websockets-dev libqt6sql6-sqlite libgl-dev
    libhiredis-dev libpoppler-qt6-dev libgumbo-dev libzip-dev libuchardet-dev
    libtesseract-dev tesseract-ocr-eng # OCR of scanned PDF pages and images
    libmd4c-dev libgmime-3.0-dev libstemmer-dev # Markdown, e-mail, Snowball stemming
    libsystemd-dev # sd_notify: the service tells systemd when it is ready, stopping, alive
    redis-server
    qpdf # tests: makes encrypted PDF fixtures
    zlib1g-dev # URL bodies decoded as they stream (core/fetch/bodydecoder.cpp); tests: a gzip bomb
    poppler-utils libfaiss-dev # benchmarks: pdftotext and FAISS baselines
    python3-rq python3-redis # tests: RQ's own tools read the queue (tst_ingestd_rq_compat, the README)
    wrk sqlite3 python3-fastapi python3-uvicorn python3-multipart # benchmarks: load, the peer
    curl # tests: runs the README's curl examples
    chromium # tests: the web dashboard in a real browser (tests/browser, with playwright-core from npm)
    prometheus # tests: promtool check metrics and a real scrape of /metrics (tst_metricsprometheus)
    dpkg-dev fakeroot lintian desktop-file-utils appstream help2man man-db systemd # packages and their checks
    clang libclang-rt-14-dev # fuzz targets (libFuzzer, sanitizers)
)

# Node.js and npm drive the browser test; a machine that has them (Node.js 20
# from elsewhere) keeps its own, since Debian's npm would replace them.
if ! command -v npm >/dev/null; then packages+=(nodejs npm); fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
