#!/usr/bin/env bash
# Builds the packages of a configured and built tree and checks them the way a
# user meets them: lintian without errors, the .deb unpacked into a scratch
# root whose programs run (aether-ingestd --version, aether-ingest --help
# offscreen), the desktop entry and the AppStream metadata valid, the .tar.gz
# complete. Run by CTest (label "package"); usage: check-package.sh <build-dir>
set -euo pipefail

build=$(realpath "${1:?usage: check-package.sh <build-dir>}")
here=$(dirname "$(realpath "$0")")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "check-package: $*" >&2; exit 1; }
for tool in cpack dpkg-deb dpkg-shlibdeps lintian desktop-file-validate appstreamcli; do
    command -v "$tool" >/dev/null || fail "$tool is missing: run installer/install-build-deps.sh"
done

version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/CPackConfig.cmake")
[ -n "$version" ] || fail "no CPackConfig.cmake in $build (configure it first)"

echo "== cpack (DEB, TGZ) version $version"
(cd "$work" && cpack --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1) ||
    { cat "$work/cpack.log"; fail "cpack failed"; }
deb=$(ls "$work"/out/aether-ingest_*.deb)
tgz=$(ls "$work"/out/aether-ingest_*.tar.gz)
dpkg-deb --field "$deb" Package Version Section Maintainer Depends Recommends

echo "== lintian"
lintian --allow-root --fail-on error --display-level '>=warning' "$deb" | tee "$work/lintian.log" || {
    fail "lintian found errors"
}
echo "lintian: $(grep -c '^E:' "$work/lintian.log" || true) errors, $(grep -c '^W:' "$work/lintian.log" || true) warnings"

echo "== unpacked into a scratch root"
root="$work/root"
dpkg-deb -x "$deb" "$root"
out=$("$root/usr/bin/aether-ingestd" --version)
echo "$out"
[ "$out" = "aether-ingestd $version" ] || fail "aether-ingestd --version printed '$out'"
[ -f "$root/lib/systemd/system/aether-ingestd.service" ] || fail "no aether-ingestd.service"
[ -f "$root/lib/systemd/system/aether-ingestd-worker@.service" ] || fail "no worker unit"
[ -f "$root/etc/aether-ingest/aether-ingestd.env" ] || fail "no /etc/aether-ingest/aether-ingestd.env"
dpkg-deb --ctrl-tarfile "$deb" | tar -t | grep >/dev/null conffiles || fail "no conffiles"

if [ -x "$build/app/aether-ingest" ]; then
    [ -x "$root/usr/bin/aether-ingest" ] || fail "the desktop program is built but not packaged"
    help=$(QT_QPA_PLATFORM=offscreen "$root/usr/bin/aether-ingest" --help) ||
        fail "aether-ingest --help failed"
    echo "${help%%$'\n'*}"
    echo "$help" | grep >/dev/null -- '--headless' || fail "aether-ingest --help lists no --headless"
    desktop-file-validate "$root/usr/share/applications/aether-ingest.desktop"
    appstreamcli validate --no-net --pedantic --explain \
        "$root/usr/share/metainfo/io.github.aetheringest.AetherIngest.metainfo.xml" ||
        fail "appstreamcli validate failed"
    for size in 16 22 24 32 48 64 128 256; do
        [ -f "$root/usr/share/icons/hicolor/${size}x${size}/apps/aether-ingest.png" ] ||
            fail "no ${size}x${size} icon"
    done
    [ -f "$root/usr/share/icons/hicolor/scalable/apps/aether-ingest.svg" ] || fail "no SVG icon"
else
    echo "(no desktop program in $build: desktop entry, icons and AppStream checked from the source)"
    desktop-file-validate "$here/aether-ingest.desktop"
    appstreamcli validate --no-net --explain "$here/io.github.aetheringest.AetherIngest.metainfo.xml"
fi

echo "== tar.gz"
tar -tzf "$tgz" | grep >/dev/null 'usr/bin/aether-ingestd$' || fail "the .tar.gz has no usr/bin/aether-ingestd"
echo "check-package: OK ($(basename "$deb"), $(basename "$tgz"))"
