#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Screenshots of every page of the real app under Xvfb, into docs/screenshots/.
# Usage: build-aux/screenshots.sh [BUILDDIR]
set -e
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build}
out=$src/docs/screenshots
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

# A big generated takeout, so the import page is on screen long enough
"$build/tests/gpm-takeout-gen-tool" -n 20000 --no-bad -f zip "$tmp/big" >/dev/null
big=$(ls "$tmp"/big/*.zip | head -1)
# A small one with unreadable files, for the problems bar and dialog
"$build/tests/gpm-takeout-gen-tool" -n 30 -f folder "$tmp/bad" >/dev/null

# The background notification needs a notification daemon (Xvfb has none):
# GNOME's fallback one draws it as a desktop does (apt install notification-daemon)
for d in /usr/lib/notification-daemon/notification-daemon /usr/libexec/notification-daemon; do
  [ -x "$d" ] && export GPM_NOTIFICATION_DAEMON="$d" && break
done
[ -n "$GPM_NOTIFICATION_DAEMON" ] || echo "notification-daemon not installed: no notification.png" >&2

# No accessibility bus: with it, WebKit paints a freshly loaded preview later
# than the shot is taken in this headless session (the app is the same)
export GSETTINGS_SCHEMA_DIR="$build/data" GSETTINGS_BACKEND=memory GDK_BACKEND=x11 LANG=C.UTF-8 GTK_A11Y=none
# The app's icon from the source tree, as an installed app's is found (the notification's)
export XDG_DATA_DIRS="$src/data:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}"
# run-with-keyring.sh: a private session bus and an unlocked throw-away keyring
xvfb-run -a -s "-screen 0 1280x800x24" "$src/tests/run-with-keyring.sh" \
  "$build/tests/gpm-screenshots" "$out" "$src/data/demo/takeout-demo.zip" "$big" "$tmp/bad"
