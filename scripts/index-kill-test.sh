#!/usr/bin/env bash
# Crash safety of `reprint index add`, measured: SIGKILLs an add at random moments and checks
# that the index left behind is read by `index info` and answers queries exactly as before the
# add or exactly as after it; then that the add, run again, gives the index of an uninterrupted
# add.
#
#   bash scripts/index-kill-test.sh [CORPUS.jsonl.gz] [KILLS]
#   (defaults: ../shared/data/saudinewsnet.jsonl.gz, 24)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/data/saudinewsnet.jsonl.gz}
kills=${2:-24}
[ -f "$corpus" ] || { echo "index kill test: corpus $corpus not found" >&2; exit 2; }
cargo build --release --quiet
bin=$PWD/target/release/reprint
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 benches/index/split.py "$corpus" "$work" >/dev/null
head -n 400 "$work/second.jsonl" > "$work/queries.jsonl"
cat "$work/part1.jsonl" "$work/part2.jsonl" > "$work/base.jsonl"
"$bin" index create -q "$work/base.jsonl" --index "$work/base"
"$bin" query "$work/queries.jsonl" --index "$work/base" > "$work/before.jsonl"
cp -a "$work/base" "$work/after"
start=$(date +%s%N)
"$bin" index add -q "$work/part3.jsonl" --index "$work/after"
dur_ms=$(( ($(date +%s%N) - start) / 1000000 ))
"$bin" query "$work/queries.jsonl" --index "$work/after" > "$work/after.jsonl"
cmp -s "$work/before.jsonl" "$work/after.jsonl" && { echo "index kill test: the add changes no answer; pick other parts" >&2; exit 2; }
echo "index kill test: the add takes ${dur_ms} ms uninterrupted"
before=0; after=0; bad=0; rerun_ok=0
for i in $(seq 1 "$kills"); do
  ix="$work/kill-$i"
  rm -rf "$ix"; cp -a "$work/base" "$ix"
  # Half the kill points anywhere in the add, half in its last quarter (segment and manifest).
  if (( i % 2 )); then delay_ms=$(( RANDOM % (dur_ms * 11 / 10 + 1) ));
  else delay_ms=$(( dur_ms * 3 / 4 + RANDOM % (dur_ms * 3 / 10 + 1) )); fi
  "$bin" index add -q "$work/part3.jsonl" --index "$ix" & pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  state=BAD
  if "$bin" index info "$ix" > /dev/null; then
    "$bin" query "$work/queries.jsonl" --index "$ix" > "$work/answer.jsonl" || true
    if cmp -s "$work/answer.jsonl" "$work/before.jsonl"; then state=before; before=$((before + 1));
    elif cmp -s "$work/answer.jsonl" "$work/after.jsonl"; then state=after; after=$((after + 1)); fi
  fi
  [ "$state" = BAD ] && bad=$((bad + 1))
  leftovers=$(find "$ix" -name '.*.tmp' | wc -l)
  # Again: an index left as it was takes the add; one left after it refuses the ids (status 2).
  rerun=same
  if [ "$state" = before ]; then
    "$bin" index add -q "$work/part3.jsonl" --index "$ix"
    "$bin" query "$work/queries.jsonl" --index "$ix" > "$work/answer.jsonl"
    cmp -s "$work/answer.jsonl" "$work/after.jsonl" || rerun=DIFFERENT
    [ "$(find "$ix" -name '.*.tmp' | wc -l)" = 0 ] || rerun=LEFTOVERS
  fi
  [ "$rerun" = same ] && rerun_ok=$((rerun_ok + 1))
  echo "index kill test: killed at ${delay_ms} ms: answers as $state; $leftovers temporary files; add again: $rerun"
done
echo "index kill test: $kills kill points: $before left the index as before the add, $after as after, $bad damaged; $rerun_ok/$kills adds again gave the uninterrupted add's answers"
[ "$bad" = 0 ] && [ "$rerun_ok" = "$kills" ]
