#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds every libFuzzer target (tests/fuzz/fuzz-*, clang, ASan + UBSan) and
# runs it, seeded with the takeout generator's output (small archives for the
# archive reader, generated post JSON for the post parser and the converter,
# converted Markdown for the renderer) plus tests/fuzz/corpus-NAME/, the inputs
# that once failed target NAME.
#
#   build-aux/fuzz.sh             what CI runs: the same verdict for the same
#                                 commit, every time. Each target first replays
#                                 its whole corpus file by file, then fuzzes
#                                 with a fixed -seed and a fixed -runs count
#                                 (FUZZ_RUNS=N overrides the count for all).
#   build-aux/fuzz.sh --explore SECONDS
#                                 open-ended search outside CI: a random seed,
#                                 SECONDS per target, a work corpus kept in
#                                 _build-fuzz/work-NAME between runs.
#
# A crash fails (exit 1) and leaves the input in _build-fuzz/artifacts/; fix
# the bug and add the input to tests/fuzz/corpus-NAME/ (see tests/fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."

explore=""
if [ "${1:-}" = "--explore" ]; then
  explore=${2:?usage: build-aux/fuzz.sh [--explore SECONDS]}
elif [ $# -gt 0 ]; then
  echo "usage: build-aux/fuzz.sh [--explore SECONDS]" >&2
  exit 2
fi
b=_build-fuzz

[ -f "$b/build.ninja" ] || CC=clang meson setup "$b" -Dfuzzing=true -Dgui=false \
  -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
ninja -C "$b"

# Seeds: everything here is generated with fixed seeds, so it is the same
# bytes on every machine (the CI verdict depends on it).
corp=$b/corpora
rm -rf "$corp" "$b/artifacts"
mkdir -p "$corp/takeout" "$corp/post" "$corp/render" "$b/artifacts"
gen=$b/tests/gpm-takeout-gen-tool
"$gen" --corpus "$corp/takeout" >/dev/null
"$gen" --form folder --posts 60 --seed 7 "$corp/folder" >/dev/null
find "$corp/folder" -name '*.json' -size -64k -print0 | while IFS= read -r -d '' f; do
  cp "$f" "$corp/post/$(sha1sum "$f" | cut -c1-16).json"
done
/usr/bin/python3 - "$b/src/cli/gplus-migrate-cli" "$corp/folder" "$corp/render" <<'PY'
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

export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
status=0
for t in "$b"/tests/fuzz/fuzz-*; do
  [ -f "$t" ] && [ -x "$t" ] || continue
  name=${t##*/fuzz-}
  # seed corpus, -max_len, and CI's -runs (about 30-60 s each on CI's machine)
  case $name in
    takeout) seeds=$corp/takeout; maxlen=65536; runs=15000 ;;
    render)  seeds=$corp/render;  maxlen=16384; runs=150000 ;;
    convert) seeds=$corp/post;    maxlen=65536; runs=300000 ;;
    *)       seeds=$corp/post;    maxlen=65536; runs=2000000 ;;
  esac
  runs=${FUZZ_RUNS:-$runs}
  kept=tests/fuzz/corpus-$name
  if [ -d "$kept" ]; then
    cp "$kept"/* "$seeds/" 2>/dev/null || true
  fi
  # the post corpus's past failures seed the converter too (it reads post JSON)
  if [ "$name" = convert ] && [ -d tests/fuzz/corpus-post ]; then
    cp tests/fuzz/corpus-post/* "$seeds/" 2>/dev/null || true
  fi
  dict=()
  [ -f "tests/fuzz/fuzz-$name.dict" ] && dict=(-dict="tests/fuzz/fuzz-$name.dict")
  log=$b/fuzz-$name.log
  common=(-timeout=60 -rss_limit_mb=4096 -artifact_prefix="$b/artifacts/$name-")

  # 1. replay: every seed once, whole (no -max_len cut), in a fixed order
  mapfile -t files < <(find "$seeds" -type f | LC_ALL=C sort)
  echo "== fuzz-$name: replaying ${#files[@]} inputs"
  if ! "$t" "${common[@]}" "${files[@]}" > "$b/replay-$name.log" 2>&1; then
    echo "fuzz-$name FAILED ON A KEPT INPUT:"; tail -n 60 "$b/replay-$name.log"
    status=1
    continue
  fi

  # 2. fuzz
  if [ -n "$explore" ]; then
    work=$b/work-$name
    mkdir -p "$work"
    echo "== fuzz-$name: exploring for ${explore}s"
    args=(-max_total_time="$explore" "$work" "$seeds")
  else
    work=$(mktemp -d)
    echo "== fuzz-$name: $runs runs with -seed=1"
    args=(-seed=1 -runs="$runs" "$work" "$seeds")
  fi
  if ! "$t" "${dict[@]}" "${common[@]}" -max_len="$maxlen" -print_final_stats=1 "${args[@]}" \
        > "$log" 2>&1; then
    echo "fuzz-$name FOUND A CRASH:"; tail -n 60 "$log"
    echo "reproduce: $t $(ls "$b"/artifacts/"$name"-* 2>/dev/null | head -n 1)"
    status=1
  else
    grep -E "stat::number_of_executed_units|Done [0-9]+ runs" "$log" | tail -n 2
  fi
  [ -n "$explore" ] || rm -rf "$work"
done
exit $status
