#!/usr/bin/env bash
# Builds the packages of a configured and built tree and checks them the way a
# user and an operator meet them:
#  - lintian -I --pedantic: no error, no warning, no hardening tag, on both;
#  - aether-ingestd depends on no Qt Widgets and no platform plugins;
#  - unpacked: the programs run, desktop entry, AppStream, icons, manual pages
#    (every setting of --help in ENVIRONMENT; FILES; EXIT STATUS);
#  - the units: systemd-analyze verify, and security at most 2.5;
#  - installed for real (as root, on a machine without an aether-ingest
#    install): the generated keys (mode 0640, root:aether-ingest) kept on
#    upgrade, the installed service refusing test-key and serving with its
#    keys, then purge leaving no file, user, group or data behind.
# Run by CTest (label "package"); usage: check-package.sh <build-dir>
set -euo pipefail

build=$(realpath "${1:?usage: check-package.sh <build-dir>}")
here=$(dirname "$(realpath "$0")")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "check-package: $*" >&2; exit 1; }
for tool in cpack dpkg-deb lintian desktop-file-validate appstreamcli systemd-analyze man curl; do
    command -v "$tool" >/dev/null || fail "$tool is missing: run installer/install-build-deps.sh"
done
[ -f "$build/CPackConfig.cmake" ] || fail "no CPackConfig.cmake in $build (configure it first)"

echo "== cpack (two DEB, one TGZ)"
(cd "$work" && cpack --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1) ||
    { cat "$work/cpack.log"; fail "cpack failed"; }
daemon_deb=$(ls "$work"/out/aether-ingestd_*.deb)
tgz=$(ls "$work"/out/aether-ingest_*.tar.gz)
version=$(dpkg-deb --field "$daemon_deb" Version)
desktop_deb=""
if [ -x "$build/app/aether-ingest" ]; then
    desktop_deb="$work/out/aether-ingest_${version}_amd64.deb"
    [ -f "$desktop_deb" ] || fail "the desktop program is built but $desktop_deb was not made"
fi
for deb in "$daemon_deb" $desktop_deb; do
    dpkg-deb --field "$deb" Package Version Section Depends Recommends Breaks
    echo
done

echo "== aether-ingestd pulls in no desktop"
depends=$(dpkg-deb --field "$daemon_deb" Depends)
if echo "$depends" | grep -E 'libqt6widgets6|qt6-qpa-plugins'; then
    fail "aether-ingestd depends on Qt Widgets or the platform plugins"
fi

echo "== lintian -I --pedantic"
for deb in "$daemon_deb" $desktop_deb; do
    lintian --allow-root -I --pedantic "$deb" >"$work/lintian.log" 2>&1 || true
    cat "$work/lintian.log"
    if grep -E '^(E|W):|hardening' "$work/lintian.log"; then
        fail "lintian: errors, warnings or hardening tags in $(basename "$deb")"
    fi
done

echo "== unpacked into a scratch root"
root="$work/root"
for deb in "$daemon_deb" $desktop_deb; do dpkg-deb -x "$deb" "$root"; done
out=$("$root/usr/bin/aether-ingestd" --version)
echo "$out"
[ "$out" = "aether-ingestd ${version%-*}" ] || fail "aether-ingestd --version printed '$out'"
for file in lib/systemd/system/aether-ingestd.service lib/systemd/system/aether-ingestd-worker@.service \
    usr/lib/sysusers.d/aether-ingest.conf usr/lib/tmpfiles.d/aether-ingest.conf \
    usr/share/aether-ingest/aether-ingestd.env usr/share/doc/aether-ingestd/copyright; do
    [ -f "$root/$file" ] || fail "aether-ingestd has no /$file"
done
[ ! -e "$root/etc/aether-ingest" ] || fail "/etc/aether-ingest is the postinst's to write, not a packaged file"

check_manpage() { # program: the page renders cleanly and documents every setting
    local program=$1 page="$root/usr/share/man/man1/$1.1.gz" text
    [ -f "$page" ] || fail "no manual page for $program"
    text=$(MANWIDTH=200 man --warnings -E UTF-8 -l "$page" 2>"$work/man.err")
    [ ! -s "$work/man.err" ] || { cat "$work/man.err"; fail "man warns about $program.1"; }
    for section in ENVIRONMENT FILES "EXIT STATUS" "SEE ALSO"; do
        grep -q "^$section" <<<"$text" || fail "$program.1 has no $section section"
    done
    local environment
    environment=$(echo "$text" | sed -n '/^ENVIRONMENT/,/^FILES/p')
    # --help wraps "[env NAME]" across lines: join them first.
    local names
    names=$(QT_QPA_PLATFORM=offscreen "$root/usr/bin/$program" --help | tr -s ' \n' ' ' |
        grep -o '\[env [A-Z_]*\]' | sed 's/\[env \(.*\)\]/\1/')
    [ -n "$names" ] || fail "$program --help names no environment variable"
    for name in $names; do
        grep -Eq "^ {7}$name( |\$)" <<<"$environment" || fail "$program.1: $name is not in ENVIRONMENT"
    done
    echo "$program.1: ENVIRONMENT has all $(echo "$names" | wc -l) settings of --help; FILES, EXIT STATUS"
}
check_manpage aether-ingestd

if [ -n "$desktop_deb" ]; then
    help=$(QT_QPA_PLATFORM=offscreen "$root/usr/bin/aether-ingest" --help) ||
        fail "aether-ingest --help failed"
    echo "${help%%$'\n'*}"
    grep >/dev/null -- '--headless' <<<"$help" || fail "aether-ingest --help lists no --headless"
    check_manpage aether-ingest
    desktop-file-validate "$root/usr/share/applications/aether-ingest.desktop"
    appstreamcli validate --no-net --pedantic --explain \
        "$root/usr/share/metainfo/io.github.aetheringest.AetherIngest.metainfo.xml" ||
        fail "appstreamcli validate failed"
    for size in 16 22 24 32 48 64 128 256; do
        [ -f "$root/usr/share/icons/hicolor/${size}x${size}/apps/aether-ingest.png" ] ||
            fail "no ${size}x${size} icon"
    done
    [ -f "$root/usr/share/icons/hicolor/scalable/apps/aether-ingest.svg" ] || fail "no SVG icon"
    [ "$(dpkg-deb -c "$daemon_deb" | grep -c 'usr/bin/aether-ingest$')" = 0 ] ||
        fail "aether-ingestd holds the desktop program"
fi

echo "== systemd-analyze security (at most 2.5)"
for unit in aether-ingestd.service aether-ingestd-worker@.service; do
    systemd-analyze security --offline=true --threshold=25 "$root/lib/systemd/system/$unit" >"$work/security.log" 2>&1 ||
        { cat "$work/security.log"; fail "$unit is exposed beyond 2.5"; }
    tail -n 1 "$work/security.log"
done

echo "== tar.gz"
tar -tzf "$tgz" | grep >/dev/null 'usr/bin/aether-ingestd$' || fail "the .tar.gz has no usr/bin/aether-ingestd"

if [ "$(id -u)" -ne 0 ]; then
    echo "check-package: OK, without the install (not root): $(cd "$work/out" && ls ./*.deb ./*.tar.gz | tr '\n' ' ')"
    exit 0
fi
"$here/check-package-install.sh" "$daemon_deb" "$desktop_deb"
echo "check-package: OK ($(cd "$work/out" && ls ./*.deb ./*.tar.gz | tr '\n' ' '))"
