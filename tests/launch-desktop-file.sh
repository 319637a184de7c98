#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Start the installed app the way a desktop does: `gio launch` on its desktop
# entry, which (DBusActivatable=true) asks the session bus to start the D-Bus
# service file's program. Waits (bounded) for the app's name on the bus, then
# asks it to quit through its "quit" action.
#
# Run it on a private bus and display whose service directories include
# PREFIX/share, e.g.
#   XDG_DATA_DIRS=PREFIX/share:/usr/share xvfb-run -a dbus-run-session -- \
#     launch-desktop-file.sh PREFIX APP_ID [FILE]
# Exit status 0 when the app came up and went away again.

set -u
prefix=$1 app_id=$2
shift 2
app_path="/$(echo "$app_id" | tr . /)"

export PATH="$prefix/bin:$PATH"
export GSETTINGS_SCHEMA_DIR="$prefix/share/glib-2.0/schemas" GSETTINGS_BACKEND=memory
export NO_AT_BRIDGE=1 GTK_A11Y=none

has_owner () {
  gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
    --method org.freedesktop.DBus.NameHasOwner "$app_id" 2>/dev/null | grep -q true
}

if ! gio launch "$prefix/share/applications/$app_id.desktop" "$@"; then
  echo "gio launch failed"
  exit 1
fi

i=0
until has_owner; do
  i=$((i + 1))
  if [ $i -gt 300 ]; then
    echo "$app_id did not appear on the session bus within 30 s"
    exit 1
  fi
  sleep 0.1
done

pid=$(gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
        --method org.freedesktop.DBus.GetConnectionUnixProcessID "$app_id" 2>/dev/null \
      | sed -n 's/^(uint32 \([0-9]*\),)$/\1/p')
exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
echo "$app_id is running as pid $pid ($exe)"
case "$exe" in
  "$prefix"/bin/*) ;;
  *) echo "but not from $prefix/bin"; kill "$pid" 2>/dev/null; exit 1 ;;
esac

gdbus call --session --dest "$app_id" --object-path "$app_path" \
  --method org.freedesktop.Application.ActivateAction quit '[]' '{}' >/dev/null
i=0
while has_owner; do
  i=$((i + 1))
  if [ $i -gt 100 ]; then
    echo "$app_id did not quit through its quit action"
    kill "$pid" 2>/dev/null
    exit 1
  fi
  sleep 0.1
done
echo "$app_id quit"
exit 0
