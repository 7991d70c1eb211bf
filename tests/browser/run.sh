#!/usr/bin/env bash
# The web dashboard in a real browser (CTest label "browser"): installs the
# pinned playwright-core from the npm registry into the build tree (once; its
# own browser download is never used) and runs dashboard.test.mjs, which
# starts redis-server and aether-ingestd on free ports and drives Debian's
# chromium headless through the page.
# usage: run.sh <build-dir>   (AETHER_INGESTD, AETHER_REDIS_SERVER; optional
#        AETHER_SCREENSHOT_DIR: where the README's screenshots are written)
set -euo pipefail

here=$(dirname "$(realpath "$0")")
work="$(realpath "${1:?usage: run.sh <build-dir>}")/tests/browser"
mkdir -p "$work"
command -v chromium >/dev/null || { echo "no chromium: run installer/install-build-deps.sh" >&2; exit 1; }
if ! cmp -s "$here/package-lock.json" "$work/package-lock.json" || [ ! -d "$work/node_modules/playwright-core" ]; then
    cp "$here/package.json" "$here/package-lock.json" "$work/"
    (cd "$work" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi
cp "$here/dashboard.test.mjs" "$work/"
cd "$work" && exec node dashboard.test.mjs
