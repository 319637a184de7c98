#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Install GPlus Migrate into a temporary prefix and check every installed file.
#
# A fresh build directory is configured with --prefix pointing into a
# temporary directory, so that the paths compiled into the binaries
# (LOCALEDIR, the D-Bus service's Exec) point at the temporary prefix and the
# installed programs can be run from there. It gets the same project options
# as the build directory the test runs from (profile, gui, script paths…), so
# it also works inside the Flatpak SDK. Post-install runs for real: the
# GSettings schemas get compiled and the icon cache gets updated.
#
# Usage: check-install.sh SOURCE_ROOT BUILD_ROOT APP_ID
# Output: TAP.

set -u

src=$1 parent_build=$2 app_id=$3
linguas=$(sed -e 's/#.*//' "$src/po/LINGUAS" | tr -s ' \n' ' ')
python3=${PYTHON3:-python3}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gpm-install-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
prefix="$tmp/prefix"
builddir="$tmp/build"

n=0
failed=0
ok ()     { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check ()  { desc=$1; shift; if "$@" >"$tmp/out" 2>&1; then ok "$desc"; else not_ok "$desc"; sed 's/^/# /' "$tmp/out"; fi; }
skip ()   { n=$((n + 1)); echo "ok $n # SKIP $1"; }

# --- build and install ------------------------------------------------------

# The parent build's project options, one -Dname=value per line.
meson introspect --buildoptions "$parent_build" >"$tmp/options.json"
"$python3" - "$tmp/options.json" >"$tmp/options" <<'PY'
import json, sys
for o in json.load(open(sys.argv[1])):
    if o['section'] != 'user':
        continue
    v = o['value']
    if isinstance(v, bool):
        v = 'true' if v else 'false'
    elif isinstance(v, list):
        v = ','.join(v)
    print(f"-D{o['name']}={v}")
PY
gui=$(sed -n 's/^-Dgui=//p' "$tmp/options")
[ -n "$gui" ] || gui=false

set --
while IFS= read -r opt; do set -- "$@" "$opt"; done <"$tmp/options"
if ! meson setup "$builddir" "$src" --prefix="$prefix" --libdir=lib "$@" \
     >"$tmp/setup.log" 2>&1; then
  echo "1..1"; echo "not ok 1 - meson setup"; sed 's/^/# /' "$tmp/setup.log"; exit 1
fi
if ! meson compile -C "$builddir" -j 2 >"$tmp/compile.log" 2>&1; then
  echo "1..1"; echo "not ok 1 - meson compile"; tail -40 "$tmp/compile.log" | sed 's/^/# /'; exit 1
fi
if ! meson install -C "$builddir" --no-rebuild >"$tmp/install.log" 2>&1; then
  echo "1..1"; echo "not ok 1 - meson install"; tail -40 "$tmp/install.log" | sed 's/^/# /'; exit 1
fi

share="$prefix/share"
desktop="$share/applications/$app_id.desktop"
metainfo="$share/metainfo/$app_id.metainfo.xml"
schema="$share/glib-2.0/schemas/$app_id.gschema.xml"
service="$share/dbus-1/services/$app_id.service"
icon="$share/icons/hicolor/scalable/apps/$app_id.svg"
symbolic="$share/icons/hicolor/symbolic/apps/$app_id-symbolic.svg"

# --- every installed file is expected ---------------------------------------

expected="$tmp/expected"
{
  echo "bin/gplus-migrate-cli"
  if [ "$gui" = true ]; then echo "bin/gplus-migrate"; fi
  echo "share/applications/$app_id.desktop"
  echo "share/metainfo/$app_id.metainfo.xml"
  echo "share/glib-2.0/schemas/$app_id.gschema.xml"
  echo "share/dbus-1/services/$app_id.service"
  echo "share/icons/hicolor/scalable/apps/$app_id.svg"
  echo "share/icons/hicolor/symbolic/apps/$app_id-symbolic.svg"
  for l in $linguas; do echo "share/locale/$l/LC_MESSAGES/gplus-migrate.mo"; done
} | sort >"$expected"

# Files made by post-install (caches) and by other parts of the project that
# install data of their own (listed in their own meson.build) are allowed.
(cd "$prefix" && find . -type f -o -type l) | sed 's|^\./||' | sort \
  | grep -v -e '^share/glib-2.0/schemas/gschemas.compiled$' \
            -e '^share/icons/hicolor/icon-theme.cache$' \
            -e '^share/applications/mimeinfo.cache$' \
            -e '^share/gplus-migrate/' \
  >"$tmp/installed"

for f in $(cat "$expected"); do
  check "installed: $f" test -s "$prefix/$f"
done
unexpected=$(comm -13 "$expected" "$tmp/installed")
if [ -z "$unexpected" ]; then
  ok "nothing unexpected is installed"
else
  not_ok "nothing unexpected is installed"
  echo "$unexpected" | sed 's/^/# unexpected: /'
fi

# --- programs -----------------------------------------------------------------

check "gplus-migrate-cli is executable" test -x "$prefix/bin/gplus-migrate-cli"
check "gplus-migrate-cli --help works" "$prefix/bin/gplus-migrate-cli" --help
if [ "$gui" = true ]; then
  check "gplus-migrate is executable" test -x "$prefix/bin/gplus-migrate"
fi

# --- desktop entry ------------------------------------------------------------

if command -v desktop-file-validate >/dev/null; then
  check "desktop entry is valid" desktop-file-validate "$desktop"
else
  skip "desktop-file-validate not found"
fi
exec_prog=$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$desktop" | head -n1)
if [ "$gui" = true ]; then
  check "desktop entry runs an installed program ($exec_prog)" test -x "$prefix/bin/$exec_prog"
else
  skip "GUI not built: desktop entry's program $exec_prog not installed"
fi
if [ "$gui" != true ]; then
  skip "GUI not built: not started from its desktop entry"
elif command -v xvfb-run >/dev/null && command -v dbus-run-session >/dev/null \
     && command -v gio >/dev/null && command -v gdbus >/dev/null; then
  check "desktop entry starts the app through D-Bus activation" \
    env XDG_DATA_DIRS="$share:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}" \
    xvfb-run -a dbus-run-session -- "$src/tests/launch-desktop-file.sh" "$prefix" "$app_id"
else
  skip "xvfb-run, dbus-run-session, gio or gdbus missing: app not started"
fi
icon_name=$(sed -n 's/^Icon=//p' "$desktop" | head -n1)
check "desktop entry's icon ($icon_name) is installed" \
  test -s "$share/icons/hicolor/scalable/apps/$icon_name.svg"
check "desktop entry is D-Bus activatable with a service file" \
  sh -c "grep -q '^DBusActivatable=true' '$desktop' && grep -q '^Name=$app_id\$' '$service'"
service_exec=$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$service")
check "D-Bus service runs $prefix/bin/gplus-migrate" test "$service_exec" = "$prefix/bin/gplus-migrate"
check "icon cache was updated" test -s "$share/icons/hicolor/icon-theme.cache"

# --- AppStream ----------------------------------------------------------------

if command -v appstreamcli >/dev/null; then
  check "metainfo is valid" appstreamcli validate --no-net "$metainfo"
else
  skip "appstreamcli not found"
fi
check "metainfo names the desktop entry" grep -q "<launchable type=\"desktop-id\">$app_id.desktop</launchable>" "$metainfo"
check "metainfo id is the app id" grep -q "<id>$app_id</id>" "$metainfo"

# --- GSettings ----------------------------------------------------------------

check "schema is valid (strict)" glib-compile-schemas --strict --dry-run "$share/glib-2.0/schemas"
check "schemas were compiled by post-install" test -s "$share/glib-2.0/schemas/gschemas.compiled"
check "installed schema is usable" \
  env GSETTINGS_SCHEMA_DIR="$share/glib-2.0/schemas" GSETTINGS_BACKEND=memory \
  gsettings get "$app_id" post-delay-seconds

# --- translations -------------------------------------------------------------

for l in $linguas; do
  check "desktop entry has a $l name and comment" \
    sh -c "grep -q '^Comment\[$l\]=' '$desktop' && grep -q '^Keywords\[$l\]=' '$desktop'"
  check "metainfo has a $l summary" grep -q "<summary xml:lang=\"$l\">" "$metainfo"
done
case " $linguas " in
  *" de "*)
    en=$(env -u LANGUAGE LC_ALL=C.UTF-8 "$prefix/bin/gplus-migrate-cli" --help 2>&1)
    de=$(env LC_ALL=C.UTF-8 LANGUAGE=de "$prefix/bin/gplus-migrate-cli" --help 2>&1)
    if [ -n "$de" ] && [ "$de" != "$en" ] && echo "$de" | grep -q 'Befehl'; then
      ok "LANGUAGE=de gplus-migrate-cli --help is German"
    else
      not_ok "LANGUAGE=de gplus-migrate-cli --help is German"
      echo "$de" | sed 's/^/# /'
    fi
    ;;
esac
case " $linguas " in
  *" fr "*)
    fr=$(env LC_ALL=C.UTF-8 LANGUAGE=fr "$prefix/bin/gplus-migrate-cli" --help 2>&1)
    if echo "$fr" | grep -q 'commande'; then
      ok "LANGUAGE=fr gplus-migrate-cli --help is French"
    else
      not_ok "LANGUAGE=fr gplus-migrate-cli --help is French"
      echo "$fr" | sed 's/^/# /'
    fi
    ;;
esac

echo "1..$n"
[ "$failed" -eq 0 ]
