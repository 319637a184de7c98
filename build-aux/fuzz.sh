#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds every libFuzzer target (tests/fuzz/fuzz-*, clang, ASan + UBSan) and
# runs each for SECONDS (default 60), seeded with the takeout generator's
# output: small archives for the archive reader, generated post JSON for the
# post parser and the converter, converted Markdown for the renderer. A crash
# fails (exit 1) and leaves the input in _build-fuzz/artifacts/.
#   build-aux/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
b=_build-fuzz

[ -f "$b/build.ninja" ] || CC=clang meson setup "$b" -Dfuzzing=true -Dgui=false \
  -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
ninja -C "$b"

corp=$b/corpora
rm -rf "$corp"
mkdir -p "$corp/takeout" "$corp/post" "$corp/render" "$b/artifacts"
gen=$b/tests/gpm-takeout-gen-tool
"$gen" --corpus "$corp/takeout" >/dev/null
"$gen" --form folder --posts 60 --seed 7 "$corp/folder" >/dev/null
find "$corp/folder" -name '*.json' -size -64k -print0 | while IFS= read -r -d '' f; do
  cp "$f" "$corp/post/$(sha1sum "$f" | cut -c1-16).json"
done
cli=$b/src/cli/gplus-migrate-cli
if "$cli" convert --help >/dev/null 2>&1; then
  /usr/bin/python3 - "$cli" "$corp/folder" "$corp/render" <<'PY'
import json, subprocess, sys, hashlib, os
cli, folder, out = sys.argv[1:]
p = subprocess.run([cli, "convert", "--jsonl", folder], capture_output=True, text=True)
for line in p.stdout.splitlines():
    try:
        md = json.loads(line)["markdown"]
    except (ValueError, KeyError, TypeError):
        continue
    name = hashlib.sha1(md.encode()).hexdigest()[:16]
    open(os.path.join(out, name + ".md"), "w", encoding="utf-8").write(md)
PY
fi
[ -d tests/fuzz/corpus-render ] && cp tests/fuzz/corpus-render/* "$corp/render/" 2>/dev/null || true
# inputs that once failed a target, kept as seeds
[ -d tests/fuzz/corpus-post ] && cp tests/fuzz/corpus-post/* "$corp/post/" 2>/dev/null || true

export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
status=0
for t in "$b"/tests/fuzz/fuzz-*; do
  [ -f "$t" ] && [ -x "$t" ] || continue
  name=${t##*/fuzz-}
  case $name in
    takeout) seeds=$corp/takeout; maxlen=65536 ;;
    render)  seeds=$corp/render;  maxlen=16384 ;;
    *)       seeds=$corp/post;    maxlen=65536 ;;
  esac
  dict=()
  [ -f "tests/fuzz/fuzz-$name.dict" ] && dict=(-dict="tests/fuzz/fuzz-$name.dict")
  work=$b/work-$name
  mkdir -p "$work"
  echo "== fuzz-$name for ${secs}s ($(ls "$seeds" | wc -l) seeds)"
  if ! "$t" "${dict[@]}" -max_total_time="$secs" -max_len="$maxlen" -timeout=20 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$b/artifacts/$name-" "$work" "$seeds" \
        > "$b/fuzz-$name.log" 2>&1; then
    echo "fuzz-$name FOUND A CRASH:"; tail -n 60 "$b/fuzz-$name.log"
    status=1
  else
    grep -E "stat::number_of_executed_units|Done [0-9]+ runs" "$b/fuzz-$name.log" | tail -n 2
  fi
done
exit $status
