#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The uninstalled build the README runs (`meson devenv -C build …`) speaks
# the user's language: meson devenv sets GPM_LOCALEDIR to the build tree's
# po/ (po/meson.build), which gpm_i18n_init() binds the text domain to.
# LANGUAGE=de and =fr, with the C.UTF-8 locale (glibc ignores LANGUAGE only
# under plain "C").
#
# Usage: check-devenv-i18n.sh MESON BUILD_ROOT
# Output: TAP.

set -u

meson=$1 build=$2
n=0
failed=0
ok ()     { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }

check () {
  language=$1 expect=$2
  # The CLI prints its usage to stderr and exits 2 without a command
  out=$(cd / && env -u GPM_LOCALEDIR LANG=C.UTF-8 LC_ALL= LANGUAGE="$language" \
        "$meson" devenv -C "$build" gplus-migrate-cli 2>&1)
  case $out in
    *"$expect"*) ok "LANGUAGE=$language: “$expect”" ;;
    *) not_ok "LANGUAGE=$language: no “$expect” in:"; echo "$out" | sed 's/^/# /' ;;
  esac
}

echo "1..3"
check de "Befehle:"
check fr "Commandes"

dir=$(cd / && "$meson" devenv -C "$build" sh -c 'printf %s "$GPM_LOCALEDIR"')
if [ -f "$dir/de/LC_MESSAGES/gplus-migrate.mo" ]; then
  ok "GPM_LOCALEDIR=$dir holds the built catalogs"
else
  not_ok "GPM_LOCALEDIR=$dir holds no de/LC_MESSAGES/gplus-migrate.mo"
fi

exit $failed
