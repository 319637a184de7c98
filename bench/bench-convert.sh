#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# How much faster `gplus-migrate-cli convert --jsonl` converts a whole takeout
# than the seed's Part III converter (tests/seed/convert_seed.py, html2text)
# looping over the same posts in one Python process.
#
#   bench/bench-convert.sh [BUILDDIR [N_POSTS]]     (defaults: build 20000)
#
# The takeout comes from the takeout generator (tests/gpm-takeout-gen-tool,
# folder form, no bad entries) or, when that was not built, from
# tests/seed/gen_posts.py. Each side runs 3 times; the best time counts.
# Prints the times and the ratios:
#   full     convert --jsonl (markdown + diaspora's HTML preview + media)
#            against the seed's whole process (start, JSON loading, conversion)
#   markdown convert --jsonl --no-html against the same
#   loop     convert --jsonl --no-html against the seed's conversion loop alone
#   converter gpm_convert_post() over every post (bench/bench-convert) against
#            the seed's conversion loop: the same work on both sides
set -eu

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$SRC/build}
N=${2:-20000}
CLI=$BUILD/src/cli/gplus-migrate-cli
GEN=$BUILD/tests/gpm-takeout-gen-tool
SEED=$SRC/tests/seed/convert_seed.py

PY=
for p in python3 /usr/bin/python3; do
  if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import html2text, dateutil' 2>/dev/null; then
    PY=$p
    break
  fi
done
if [ -z "$PY" ]; then
  echo "bench-convert: needs python3 with html2text and dateutil (python3-html2text, python3-dateutil)" >&2
  exit 77
fi
[ -x "$CLI" ] || { echo "bench-convert: build first: $CLI is missing" >&2; exit 2; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
TAKEOUT=$TMP/takeout
if [ -x "$GEN" ]; then
  "$GEN" --seed 1 --posts "$N" --form folder --no-bad --media-bytes 1000000 "$TAKEOUT" >/dev/null
else
  "$PY" "$SRC/tests/seed/gen_posts.py" "$TAKEOUT/Takeout/Google+ Stream/Posts" "$N" 1
fi
# Warm the page cache so neither side pays for the disk.
find "$TAKEOUT" -name '*.json' -exec cat {} + >/dev/null

now () { "$PY" -c 'import time; print("%.6f" % time.time())'; }
best=
time_it () {  # time_it COMMAND…: best wall-clock seconds of 3 runs, in $best
  best=
  for _ in 1 2 3; do
    t0=$(now)
    "$@" >/dev/null
    t1=$(now)
    best=$("$PY" -c "import sys; t = $t1 - $t0; b = sys.argv[1]; print('%.6f' % (t if not b or t < float(b) else float(b)))" "${best:-}")
  done
}

time_it "$CLI" convert --jsonl "$TAKEOUT"
cli_full=$best
time_it "$CLI" convert --jsonl --no-html "$TAKEOUT"
cli_md=$best
time_it "$PY" "$SEED" --loop 1 "$TAKEOUT"
seed_process=$best
seed_loop=$("$PY" "$SEED" --loop 1 "$TAKEOUT" | awk '{ print $2 }')
posts=$("$CLI" convert --jsonl --no-html "$TAKEOUT" | wc -l)
# The stages on their own, one thread (bench/bench-convert.c): the converter
# alone is what the seed's loop does.
stage_import=0 stage_attach=0 stage_convert=0 stage_render=0
if [ -x "$BUILD/bench/bench-convert" ]; then
  out=$("$BUILD/bench/bench-convert" "$TAKEOUT")
  stage_import=$(echo "$out" | awk '/^import/ { print $2 }')
  stage_attach=$(echo "$out" | awk '/^attachments/ { print $2 }')
  stage_convert=$(echo "$out" | awk '/^convert/ { print $2 }')
  stage_render=$(echo "$out" | awk '/^render/ { print $2 }')
fi

# The floor of any exact preview: markdown-it alone, no plugins, in one JavaScript loop.
floor=0
if [ -x "$BUILD/bench/bench-render" ] && [ -f "$BUILD/src/core/js/markdown-it.js" ]; then
  floor=$("$BUILD/bench/bench-render" -n "$posts" --floor "$BUILD/src/core/js/markdown-it.js" | awk '/^floor/ { print $(NF-5) }')
fi

"$PY" - "$posts" "$cli_full" "$cli_md" "$seed_process" "$seed_loop" "$stage_import" "$stage_attach" "$stage_convert" "$stage_render" "$floor" <<'PYEOF'
import sys
posts = int(sys.argv[1])
cli_full, cli_md, seed_process, seed_loop, st_import, st_attach, st_convert, st_render, floor = map(float, sys.argv[2:])
print("posts:                                  %d" % posts)
print("gplus-migrate-cli convert --jsonl:      %.3f s" % cli_full)
print("gplus-migrate-cli convert --jsonl --no-html: %.3f s" % cli_md)
print("seed converter, whole process:          %.3f s" % seed_process)
print("seed converter, conversion loop only:   %.3f s" % seed_loop)
print("ratio full     (seed process / jsonl):         %.1fx" % (seed_process / cli_full))
print("ratio markdown (seed process / jsonl no-html): %.1fx" % (seed_process / cli_md))
print("ratio loop     (seed loop / jsonl no-html):    %.1fx" % (seed_loop / cli_md))
if st_convert > 0:
    print("stages, one thread: import %.3f s, attachments %.3f s, convert %.3f s, render %.3f s"
          % (st_import, st_attach, st_convert, st_render))
    print("ratio converter (seed loop / gpm_convert_post loop): %.1fx" % (seed_loop / st_convert))
if floor > 0:
    print("markdown-it alone (no plugins, one JS loop, as many generated posts): %.3f s" % floor)
    print("  20x the seed leaves %.3f s for everything; the renderer alone caps the ratio at %.1fx"
          % (seed_process / 20, seed_process / floor))
PYEOF
