#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs a test program with a private session bus and an unlocked, empty
# gnome-keyring in a throw-away home, so libsecret works without touching the
# user's keyring. Usage: run-with-keyring.sh PROGRAM [ARGS…]
if ! command -v dbus-run-session >/dev/null 2>&1 || ! command -v gnome-keyring-daemon >/dev/null 2>&1; then
  echo "1..0 # SKIP needs dbus-run-session and gnome-keyring-daemon"
  exit 0
fi
if [ -z "$GPM_KEYRING_SESSION" ]; then
  # The bus and the services it starts write to stderr: the program's
  # stdout (the TAP stream) goes on fd 3. (The accessibility registry,
  # started for test-a11y, prints a line on its stdout.)
  GPM_KEYRING_SESSION=1 exec dbus-run-session -- "$0" "$@" 3>&1 1>&2
fi

tmp=$(mktemp -d) || exit 1
export HOME="$tmp" XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config" \
       XDG_CACHE_HOME="$tmp/cache" XDG_RUNTIME_DIR="$tmp/run"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"

printf 'gpm-test' | gnome-keyring-daemon --foreground --unlock --components=secrets >"$tmp/keyring.log" 2>&1 3>&- &
keyring=$!
i=0
while [ $i -lt 100 ]; do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
       org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true; then
    break
  fi
  i=$((i + 1))
  sleep 0.1
done

"$@" >&3 3>&-
rc=$?
kill $keyring 2>/dev/null
wait $keyring 2>/dev/null
rm -rf "$tmp"
exit $rc
