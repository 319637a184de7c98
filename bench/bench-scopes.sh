#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Whole-indexing benchmark (issue 3 §8) on a generated 20,000-post takeout
# with about 1 GB of media:
#  1. `gplus-migrate-cli scopes TAKEOUT.zip` (open, read every post JSON, parse,
#     build the scope index, print) against `unzip -p TAKEOUT.zip '*.json'`:
#     target ratio <= 1.2, peak RSS <= 150 MB (and of `select`), issue 13;
#  2. `gplus-migrate-cli scopes FOLDER` on the extracted takeout against the
#     seed's Part IV script (`ls …/*.json | filter_scopes_seed.py`): target >= 20x;
#  3. `scopes FOLDER` and `scopes < LIST` against only opening and reading the
#     files each opens (bench-read-floor: the JSON, and with --same-files the
#     sidecars and photo heads too): target <= 1.5 (issue 13).
#
#   bench/bench-scopes.sh [BUILDDIR]      (default: build)
#   POSTS=… MEDIA_BYTES=… RUNS=… change the size and repetitions.
# The generated takeout is cached in bench/out/ (git-ignored).
set -eu

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build}
case $BUILD in /*) ;; *) BUILD=$SRC/$BUILD ;; esac
POSTS=${POSTS:-20000}
MEDIA_BYTES=${MEDIA_BYTES:-1000000000}
RUNS=${RUNS:-3}
GEN=$BUILD/tests/gpm-takeout-gen-tool
CLI=$BUILD/src/cli/gplus-migrate-cli
SEED=$SRC/tests/seed/filter_scopes_seed.py
PY=$(command -v /usr/bin/python3 || command -v python3)
DIR=$SRC/bench/out/takeout-$POSTS-$MEDIA_BYTES
ZIP=$DIR/takeout-20181025T123456Z-001.zip
FOLDER=$SRC/bench/out/folder-$POSTS-$MEDIA_BYTES

FLOOR=$BUILD/bench/bench-read-floor
for tool in "$GEN" "$CLI" "$FLOOR" /usr/bin/time unzip; do
  command -v "$tool" >/dev/null || { echo "missing: $tool (build with the benchmarks first: meson configure $BUILD -Dbenchmarks=true && ninja -C $BUILD)" >&2; exit 2; }
done

if [ ! -f "$DIR/.done" ]; then
  echo "generating $POSTS posts with $MEDIA_BYTES bytes of media in $DIR …"
  rm -rf "$DIR"
  "$GEN" --seed 42 --posts "$POSTS" --media-bytes "$MEDIA_BYTES" --no-bad --form zip "$DIR" >/dev/null
  touch "$DIR/.done"
fi
if [ ! -f "$FOLDER/.done" ]; then
  echo "extracting to $FOLDER …"
  rm -rf "$FOLDER"
  mkdir -p "$FOLDER"
  unzip -q "$ZIP" -d "$FOLDER"
  touch "$FOLDER/.done"
fi
ls -l "$ZIP"
cat "$ZIP" >/dev/null

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

best_of () {
  name=$1; shift
  for i in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %M %U %S' -o "$TMP/$name.$i" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" || {
      cat "$TMP/$name.err" >&2; exit 1; }
  done
  sort -n "$TMP/$name".[0-9]* | head -n 1
}

set -- $(best_of unzip sh -c "unzip -p '$ZIP' '*.json' > /dev/null")
UNZIP_S=$1 UNZIP_CPU=$(echo "$3 + $4" | bc)
set -- $(best_of zip "$CLI" scopes "$ZIP")
ZIP_S=$1 ZIP_KB=$2 ZIP_CPU=$(echo "$3 + $4" | bc)
set -- $(best_of select "$CLI" select --public "$ZIP")
SELECT_KB=$2
set -- $(best_of folder "$CLI" scopes "$FOLDER")
FOLDER_S=$1 FOLDER_KB=$2 FOLDER_CPU=$(echo "$3 + $4" | bc)
cp "$TMP/folder.out" "$TMP/ours.txt"
find "$FOLDER" -name '*.json' | LC_ALL=C sort > "$TMP/list"
set -- $(best_of seed sh -c "'$PY' '$SEED' < '$TMP/list'")
SEED_S=$1 SEED_CPU=$(echo "$3 + $4" | bc)
cmp -s "$TMP/seed.out" "$TMP/ours.txt" && SAME=yes || SAME=NO
set -- $(best_of floor "$FLOOR" "$FOLDER")
FLOOR_S=$1 FLOOR_CPU=$(echo "$3 + $4" | bc)
# what `scopes FOLDER` opens besides the JSON: sidecars, the photos' heads
set -- $(best_of floor_all "$FLOOR" --same-files "$FOLDER")
FLOOR_ALL_S=$1 FLOOR_ALL_CPU=$(echo "$3 + $4" | bc)
# the JSON files alone, named on stdin (exit status 1: a listed file that is
# no post, such as the activity log, is a problem)
set -- $(best_of stdin sh -c "'$CLI' scopes < '$TMP/list'; [ \$? -le 1 ]")
STDIN_S=$1 STDIN_CPU=$(echo "$3 + $4" | bc)

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (wall times mean little on a busy machine; CPU seconds follow each)"
awk -v lac="$FLOOR_ALL_CPU" -v la="$FLOOR_ALL_S" -v ic="$STDIN_CPU" -v i="$STDIN_S" -v lc="$FLOOR_CPU" -v l="$FLOOR_S" -v uc="$UNZIP_CPU" -v zc="$ZIP_CPU" -v fc="$FOLDER_CPU" -v sc="$SEED_CPU" -v u="$UNZIP_S" -v z="$ZIP_S" -v zkb="$ZIP_KB" -v skb="$SELECT_KB" -v f="$FOLDER_S" -v fkb="$FOLDER_KB" -v s="$SEED_S" -v same="$SAME" -v n="$POSTS" 'BEGIN {
  r1 = (u > 0) ? z / u : 0
  r2 = (f > 0) ? s / f : 0
  printf "posts                                 : %d\n", n
  printf "unzip -p TAKEOUT.zip *.json           : %6.2f s  (CPU %5.2f s)\n", u, uc
  printf "gplus-migrate-cli scopes TAKEOUT.zip  : %6.2f s  (CPU %5.2f s)  peak %6.1f MB\n", z, zc, zkb / 1024
  printf "  ratio to unzip                      : %6.2f  (target <= 1.2)\n", r1
  printf "gplus-migrate-cli select --public ZIP : peak %6.1f MB (target <= 150)\n", skb / 1024
  printf "seed script on the extracted folder   : %6.2f s  (CPU %5.2f s)\n", s, sc
  printf "gplus-migrate-cli scopes FOLDER       : %6.2f s  (CPU %5.2f s)  peak %6.1f MB\n", f, fc, fkb / 1024
  printf "  speed-up over the seed              : %6.1fx (target >= 20)\n", r2
  printf "  output identical to the seed        : %s\n", same
  printf "only opening and reading the JSON files: %6.2f s  (CPU %5.2f s; bench-read-floor, no parsing)\n", l, lc
  printf "  the most any program could gain     : %6.1fx over the seed\n", (l > 0) ? s / l : 0
  printf "  scopes FOLDER against that floor    : %6.2f\n", (l > 0) ? f / l : 0
  printf "the same files scopes FOLDER opens    : %6.2f s  (CPU %5.2f s; bench-read-floor --same-files: sidecars, photo heads)\n", la, lac
  printf "  scopes FOLDER against that floor    : %6.2f  (target <= 1.5)\n", (la > 0) ? f / la : 0
  printf "gplus-migrate-cli scopes < JSON list  : %6.2f s  (CPU %5.2f s)\n", i, ic
  printf "  against the JSON files floor        : %6.2f  (target <= 1.5)\n", (l > 0) ? i / l : 0
  exit !(r1 <= 1.2 && zkb / 1024 <= 150 && skb / 1024 <= 150 && r2 >= 20 && same == "yes")
}'
