#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Indexing benchmark (issue 3 §8): a generated 20,000-post takeout zip with
# about 1 GB of media; gpm_takeout_load() against
# `unzip -p TAKEOUT.zip '*.json' > /dev/null`, and its peak memory.
# Targets: time ratio <= 2, peak RSS < 150 MB.
#
#   bench/bench-takeout.sh [BUILDDIR]      (default: build)
#   POSTS=… MEDIA_BYTES=… RUNS=… to change the size and repetitions.
# The generated takeout is cached in bench/out/ (git-ignored).
set -eu

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build}
case $BUILD in /*) ;; *) BUILD=$SRC/$BUILD ;; esac
POSTS=${POSTS:-20000}
MEDIA_BYTES=${MEDIA_BYTES:-1000000000}
RUNS=${RUNS:-3}
GEN=$BUILD/tests/gpm-takeout-gen-tool
BENCH=$BUILD/bench/bench-takeout
DIR=$SRC/bench/out/takeout-$POSTS-$MEDIA_BYTES
ZIP=$DIR/takeout-20181025T123456Z-001.zip

for tool in "$GEN" "$BENCH" /usr/bin/time unzip; do
  command -v "$tool" >/dev/null || { echo "missing: $tool (build with the benchmarks first: meson configure $BUILD -Dbenchmarks=true && ninja -C $BUILD)" >&2; exit 2; }
done

if [ ! -f "$DIR/.done" ]; then
  echo "generating $POSTS posts with $MEDIA_BYTES bytes of media in $DIR …"
  rm -rf "$DIR"
  "$GEN" --seed 42 --posts "$POSTS" --media-bytes "$MEDIA_BYTES" --no-bad --form zip "$DIR" >/dev/null
  touch "$DIR/.done"
fi
ls -l "$ZIP"

# Warm the page cache so both sides read from memory.
cat "$ZIP" >/dev/null

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# best_of NAME CMD…: best wall time and its peak RSS (KiB) over $RUNS runs.
best_of () {
  name=$1; shift
  best=""
  for i in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %M' -o "$TMP/$name.$i" "$@" >/dev/null 2>"$TMP/$name.err" || {
      cat "$TMP/$name.err" >&2; exit 1; }
  done
  sort -n "$TMP/$name".* | head -n 1
}

set -- $(best_of unzip sh -c "unzip -p '$ZIP' '*.json' > /dev/null")
UNZIP_S=$1 UNZIP_KB=$2
set -- $(best_of load "$BENCH" "$ZIP")
LOAD_S=$1 LOAD_KB=$2

"$BENCH" -r "$ZIP"
awk -v u="$UNZIP_S" -v l="$LOAD_S" -v ukb="$UNZIP_KB" -v lkb="$LOAD_KB" 'BEGIN {
  ratio = (u > 0) ? l / u : 0
  printf "unzip -p *.json : %6.2f s  peak %6.1f MB\n", u, ukb / 1024
  printf "gpm_takeout_load: %6.2f s  peak %6.1f MB\n", l, lkb / 1024
  printf "time ratio      : %6.2f  (target <= 2)\n", ratio
  printf "peak memory     : %6.1f MB (target < 150 MB)\n", lkb / 1024
  exit !(ratio <= 2 && lkb / 1024 < 150)
}'
