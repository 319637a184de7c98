#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs the whole test suite: installs the Debian packages if missing, builds
# in _build-test, and runs `meson test` under Xvfb with a private D-Bus session
# (the UI tests need a display; the keyring tests a session bus).
set -euo pipefail
cd "$(dirname "$0")/.."
build-aux/install-deps.sh

builddir=${BUILDDIR:-_build-test}
[ -f "$builddir/build.ninja" ] || meson setup "$builddir" ${MESON_ARGS:-}
meson compile -C "$builddir"

status=0
xvfb-run -a -s "-screen 0 1280x1024x24" dbus-run-session -- \
  meson test -C "$builddir" --print-errorlogs --num-processes 2 ${MESON_TEST_ARGS:-} || status=$?

# One plain summary line, whatever the runner printed above.
python3 - "$builddir/meson-logs/testlog.json" <<'PY'
import json, sys
counts = {"OK": 0, "FAIL": 0, "SKIP": 0, "TIMEOUT": 0, "EXPECTEDFAIL": 0, "UNEXPECTEDPASS": 0, "ERROR": 0}
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    counts[r["result"]] = counts.get(r["result"], 0) + 1
passed = counts["OK"] + counts["EXPECTEDFAIL"]
failed = counts["FAIL"] + counts["TIMEOUT"] + counts["UNEXPECTEDPASS"] + counts["ERROR"]
print(f"{passed} passed, {failed} failed, {counts['SKIP']} skipped")
PY
exit $status
