#!/usr/bin/env bash
# The packages installed for real, as an operator installs them (called by
# installer/check-package.sh as root): the postinst's generated keys, kept on
# upgrade; the installed service refusing the development keys and serving
# with its own; the units verified; purge leaving nothing behind.
# usage: check-package-install.sh <aether-ingestd.deb> [<aether-ingest.deb>]
set -euo pipefail

daemon_deb=${1:?usage: check-package-install.sh <aether-ingestd.deb> [<aether-ingest.deb>]}
desktop_deb=${2:-}
envfile=/etc/aether-ingest/aether-ingestd.env
work=$(mktemp -d)
service_pid=""
installed=no
cleanup() {
    if [ -n "$service_pid" ]; then kill -KILL "$service_pid" 2>/dev/null || true; fi
    # Never leave the test's install on the machine, whatever failed.
    if [ "$installed" = yes ]; then dpkg --purge aether-ingest aether-ingestd >/dev/null 2>&1 || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "check-package-install: $*" >&2; exit 1; }

# This installs into the machine itself: refuse to touch a real install.
if dpkg-query -W -f='${Status}' aether-ingestd aether-ingest 2>/dev/null | grep -q installed ||
    getent passwd aether-ingest >/dev/null || [ -e /var/lib/aether-ingest ] || [ -e "$envfile" ]; then
    fail "this machine has an aether-ingest install (package, user or data): the install check would replace it"
fi

echo "== dpkg -i aether-ingestd"
installed=yes
dpkg -i "$daemon_deb" | tee "$work/install.log"
grep -q "generated an admin key and an editor key in $envfile" "$work/install.log" ||
    fail "the postinst did not say where the keys are"
getent passwd aether-ingest >/dev/null || fail "no aether-ingest user"
[ "$(stat -c '%a %U:%G' "$envfile")" = "640 root:aether-ingest" ] ||
    fail "$envfile is $(stat -c '%a %U:%G' "$envfile"), not 640 root:aether-ingest"
[ "$(stat -c '%a %U:%G' /var/lib/aether-ingest)" = "750 aether-ingest:aether-ingest" ] ||
    fail "/var/lib/aether-ingest is $(stat -c '%a %U:%G' /var/lib/aether-ingest)"
admin=$(sed -n 's/^ADMIN_KEY=//p' "$envfile")
editor=$(sed -n 's/^API_KEYS=.*,\([0-9a-f]*\):editor:default$/\1/p' "$envfile")
[ ${#admin} -eq 64 ] && [ ${#editor} -eq 64 ] && [ "$admin" != "$editor" ] ||
    fail "$envfile holds no generated admin and editor keys"
grep -q "^API_KEYS=$admin:admin:\*," "$envfile" || fail "the admin key is not an admin API key"
before=$(sha256sum "$envfile")
cp /usr/share/aether-ingest/aether-ingestd.env "$work/template"

echo "== the same package again (an upgrade keeps the keys, and closes a file others could read)"
chmod 0644 "$envfile"
dpkg -i "$daemon_deb" >/dev/null
[ "$(sha256sum "$envfile")" = "$before" ] || fail "reinstalling changed $envfile"
[ "$(stat -c '%a %U:%G' "$envfile")" = "640 root:aether-ingest" ] ||
    fail "an upgrade left the keys in a file that is $(stat -c '%a %U:%G' "$envfile")"

echo "== systemd-analyze verify"
for unit in aether-ingestd.service aether-ingestd-worker@.service; do
    systemd-analyze verify "/lib/systemd/system/$unit" || fail "systemd-analyze verify $unit"
done

echo "== the installed service refuses the development keys"
set +e
refusal=$(INVOCATION_ID=check API_KEYS=test-key:admin:* ADMIN_KEY=x /usr/bin/aether-ingestd 2>&1)
code=$?
set -e
echo "$refusal"
[ $code -eq 2 ] && grep -q 'test-key: refused' <<<"$refusal" ||
    fail "the installed service ran with test-key (exit $code)"

echo "== the installed service serves with its generated keys"
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(
    set -a
    . "$envfile"
    set +a
    export AETHER_DATA_DIR=/var/lib/aether-ingest HOME=/var/lib/aether-ingest AETHER_PORT=$port
    export INVOCATION_ID=check WORKERS=1
    # setpriv execs the program itself (runuser would stay as its parent), so
    # the pid below is the service's and SIGTERM reaches it.
    exec setpriv --reuid aether-ingest --regid aether-ingest --init-groups -- /usr/bin/aether-ingestd
) >"$work/service.log" 2>&1 &
service_pid=$!
base=http://127.0.0.1:$port
for _ in $(seq 150); do
    curl -fsS "$base/healthz" >/dev/null 2>&1 && break
    kill -0 "$service_pid" 2>/dev/null || { cat "$work/service.log"; fail "the installed service exited"; }
    sleep 0.2
done
status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
[ "$(status -H "x-api-key: $admin" "$base/ops/queue")" = 200 ] || { cat "$work/service.log"; fail "the admin key was not accepted"; }
[ "$(status -H "x-api-key: $editor" "$base/ops/queue")" = 403 ] || fail "the editor key reached /ops"
[ "$(status -H "x-api-key: test-key" "$base/ops/queue")" = 401 ] || fail "test-key was accepted"
kill -TERM "$service_pid"
wait "$service_pid" || fail "the installed service did not stop cleanly: $(tail -n 5 "$work/service.log")"
service_pid=""
grep -q 'INFO  stopped$' "$work/service.log" || fail "the installed service did not log its stop"

if [ -n "$desktop_deb" ]; then
    echo "== dpkg -i aether-ingest (desktop)"
    dpkg -i "$desktop_deb" >/dev/null
    [ -x /usr/bin/aether-ingest ] || fail "no /usr/bin/aether-ingest after install"
fi

echo "== purge"
dpkg -L aether-ingestd $([ -n "$desktop_deb" ] && echo aether-ingest) | sort -u >"$work/files"
dpkg --purge aether-ingest aether-ingestd >/dev/null
installed=no
while read -r path; do
    # Shared directories stay: with others' files in them (/usr/bin), or
    # owned by another package too (hicolor-icon-theme's empty icon folders).
    [ -e "$path" ] || continue
    if [ -d "$path" ] && { [ -n "$(ls -A "$path")" ] || dpkg-query -S "$path" >/dev/null 2>&1; }; then
        continue
    fi
    fail "purge left $path"
done <"$work/files"
for path in /etc/aether-ingest /var/lib/aether-ingest /usr/share/aether-ingest /usr/share/doc/aether-ingestd; do
    [ ! -e "$path" ] || fail "purge left $path"
done
! getent passwd aether-ingest >/dev/null || fail "purge left the aether-ingest user"
! getent group aether-ingest >/dev/null || fail "purge left the aether-ingest group"

echo "== over a settings file without keys (the single package before 0.2.0-2 left one, 0644)"
mkdir -p /etc/aether-ingest
{ cat "$work/template"; echo "WORKERS=3"; } >"$envfile"
chmod 0644 "$envfile"
installed=yes
dpkg -i "$daemon_deb" >/dev/null
[ "$(stat -c '%a %U:%G' "$envfile")" = "640 root:aether-ingest" ] ||
    fail "the keys were added to a file that is $(stat -c '%a %U:%G' "$envfile")"
grep -q '^WORKERS=3$' "$envfile" || fail "the operator's own setting was lost"
grep -Eq '^ADMIN_KEY=[0-9a-f]{64}$' "$envfile" || fail "no generated keys were added"
dpkg --purge aether-ingestd >/dev/null
installed=no
[ ! -e /etc/aether-ingest ] || fail "purge left /etc/aether-ingest"
echo "check-package-install: OK (keys 0640 root:aether-ingest, kept and closed to others on upgrade, added to a keyless file; test-key refused; purge left nothing)"
