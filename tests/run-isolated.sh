#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs one test with a home and XDG base directories of its own, removed at the
# end: the journals, the autostart file, caches and anything else a test (or a
# library it uses) writes there never land in the developer's own, and no
# test sees what another one left. meson's default test setup
# (tests/meson.build) puts it in front of every test. Usage:
# run-isolated.sh PROGRAM [ARGS…]. meson refuses `meson test --wrapper` beside
# it: GPM_TEST_WRAPPER (e.g. "valgrind -q") goes in front of PROGRAM instead.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gpm-test-home.XXXXXX") || exit 1
cleanup () {
  # a test may leave a directory read-only (the unwritable-journal tests)
  chmod -R u+w "$tmp" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

export HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config" \
       XDG_CACHE_HOME="$tmp/cache" XDG_STATE_HOME="$tmp/state"
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME" || exit 1

# With a session bus (meson test under dbus-run-session, as CI runs it), a
# bus of the test's own: the services it starts (the accessibility bus
# WebKit asks for, dconf) then also write into the home above, not into the
# one of whoever started the outer bus. The bus and its services write to
# stderr: the test's stdout (the TAP stream) goes on fd 3.
# shellcheck disable=SC2086 # the wrapper's words are meant to split
if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] && command -v dbus-run-session >/dev/null 2>&1; then
  dbus-run-session -- sh -c 'exec "$@" >&3 3>&-' sh ${GPM_TEST_WRAPPER:-} "$@" 3>&1 1>&2
else
  ${GPM_TEST_WRAPPER:-} "$@"
fi
