#!/usr/bin/env bash
# Crash safety of `reprint index add`, measured: SIGKILLs an add at random moments and checks
# that the index left behind is read by `index info` and answers queries exactly as before the
# add or exactly as after it; then that the add, run again, gives the index of an uninterrupted
# add. Then the same for `reprint index compact` of the two-segment index (KILLS / 2 kill
# points): each index left answers exactly as before (compaction changes no answer), and
# compacting it again leaves one segment and no other file. Then `reprint index create`
# (KILLS / 2 kill points): what it leaves is a complete index or a directory that a create
# takes again, giving the uninterrupted create's segment. A third of each command's kill points
# are aimed at its last steps (`scripts/kill_near.py`): a moment after its new segment is renamed
# into place, before or after the manifest names it.
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
# Runs a command and SIGKILLs it after $1 milliseconds (if it is still running).
kill_after() {
  local ms=$1; shift
  "$@" > /dev/null & local pid=$!
  sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
# Fails unless $1, the time from a segment's rename to the command's exit, is a number.
check_tail() {
  [[ "$1" =~ ^[0-9]+$ ]] || { echo "index kill test: the uninterrupted run did not write its segment ($1)" >&2; exit 1; }
}
# Runs a command and SIGKILLs it up to $2 milliseconds (at random) after file $1 appears; sets
# `aimed` to what happened.
kill_aimed() {
  local watch=$1 ms=$(( RANDOM % ($2 + 1) )); shift 2
  aimed=$(python3 scripts/kill_near.py "$watch" "$ms" -- "$@")
}
# Whether `index info` reads index $1, and its answers to the queries (in answer.jsonl).
answers() {
  "$bin" index info "$1" > /dev/null && { "$bin" query "$work/queries.jsonl" --index "$1" > "$work/answer.jsonl" || true; }
}
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
# The time from the new segment's rename to the add's exit (manifest written, directory synced):
# where aimed kill points fall.
cp -a "$work/base" "$work/probe"
tail_ms=$(python3 scripts/kill_near.py "$work/probe/segment-000002.rpx" -1 -- "$bin" index add -q "$work/part3.jsonl" --index "$work/probe")
rm -rf "$work/probe"
check_tail "$tail_ms"
echo "index kill test: the add takes ${dur_ms} ms uninterrupted, ${tail_ms} ms of them after its segment is renamed"
before=0; after=0; bad=0; rerun_ok=0
for i in $(seq 1 "$kills"); do
  ix="$work/kill-$i"
  rm -rf "$ix"; cp -a "$work/base" "$ix"
  # A third of the kill points anywhere in the add, a third in its last quarter (segment and
  # manifest), a third just after its segment is renamed.
  if (( i % 3 == 1 )); then delay_ms=$(( RANDOM % (dur_ms * 11 / 10 + 1) ));
  elif (( i % 3 == 2 )); then delay_ms=$(( dur_ms * 3 / 4 + RANDOM % (dur_ms * 3 / 10 + 1) )); fi
  if (( i % 3 )); then
    kill_after "$delay_ms" "$bin" index add -q "$work/part3.jsonl" --index "$ix"
    when="at ${delay_ms} ms"
  else
    kill_aimed "$ix/segment-000002.rpx" "$tail_ms" "$bin" index add -q "$work/part3.jsonl" --index "$ix"
    when="aimed: $aimed"
  fi
  state=BAD
  if answers "$ix"; then
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
  echo "index kill test: killed $when: answers as $state; $leftovers temporary files; add again: $rerun"
  rm -rf "$ix"  # one kill point's index on disk at a time
done
echo "index kill test: $kills kill points: $before left the index as before the add, $after as after, $bad damaged; $rerun_ok/$kills adds again gave the uninterrupted add's answers"
[ "$bad" = 0 ] && [ "$rerun_ok" = "$kills" ] || exit 1

# Compaction of the index after the add (two segments).
cp -a "$work/after" "$work/compacted"
start=$(date +%s%N)
"$bin" index compact "$work/compacted" > /dev/null
dur_ms=$(( ($(date +%s%N) - start) / 1000000 ))
segments() { find "$1" -name 'segment-*.rpx' | wc -l; }
[ "$(segments "$work/compacted")" = 1 ] || { echo "index kill test: compaction left $(segments "$work/compacted") segments" >&2; exit 1; }
cp -a "$work/after" "$work/probe"
tail_ms=$(python3 scripts/kill_near.py "$work/probe/segment-000003.rpx" -1 -- "$bin" index compact "$work/probe")
rm -rf "$work/probe"
check_tail "$tail_ms"
echo "index kill test: the compaction takes ${dur_ms} ms uninterrupted, ${tail_ms} ms of them after its segment is renamed"
ckills=$(( kills / 2 )); cbad=0; cok=0; two=0; one=0
for i in $(seq 1 "$ckills"); do
  ix="$work/ckill-$i"
  rm -rf "$ix"; cp -a "$work/after" "$ix"
  if (( i % 3 )); then
    delay_ms=$(( RANDOM % (dur_ms * 11 / 10 + 1) ))
    kill_after "$delay_ms" "$bin" index compact "$ix"
    when="at ${delay_ms} ms"
  else
    kill_aimed "$ix/segment-000003.rpx" "$tail_ms" "$bin" index compact "$ix"
    when="aimed: $aimed"
  fi
  state=BAD
  if answers "$ix"; then
    cmp -s "$work/answer.jsonl" "$work/after.jsonl" && state=same
  fi
  n=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['segments']))" "$ix/index.json")
  if [ "$n" = 2 ]; then two=$((two + 1)); else one=$((one + 1)); fi
  [ "$state" = BAD ] && cbad=$((cbad + 1))
  # Again: one segment, the same answers, no file but the manifest, the segment and the lock.
  again=DIFFERENT
  if "$bin" index compact "$ix" > /dev/null; then
    "$bin" query "$work/queries.jsonl" --index "$ix" > "$work/answer.jsonl"
    files=$(find "$ix" -mindepth 1 ! -name index.json ! -name .lock ! -name 'segment-*.rpx' | wc -l)
    cmp -s "$work/answer.jsonl" "$work/after.jsonl" && [ "$(segments "$ix")" = 1 ] && [ "$files" = 0 ] && again=same
  fi
  [ "$again" = same ] && cok=$((cok + 1))
  echo "index kill test: compaction killed $when: $n segments named, answers $state; compact again: $again"
  rm -rf "$ix"
done
echo "index kill test: $ckills compaction kill points: $two left two segments, $one one, $cbad damaged; $cok/$ckills compactions again gave one segment and the same answers"
[ "$cbad" = 0 ] && [ "$cok" = "$ckills" ] || exit 1

# `index create` killed (KILLS / 2 kill points; with --text-memory 0 the texts go to a
# temporary file in the index directory while it reads): what it leaves is either a complete
# index, or a directory that `index create` takes again, giving the uninterrupted create's
# segment and no other file.
start=$(date +%s%N)
rm -rf "$work/created"
"$bin" index create -q --text-memory 0 "$work/base.jsonl" --index "$work/created"
dur_ms=$(( ($(date +%s%N) - start) / 1000000 ))
cmp -s "$work/created/segment-000001.rpx" "$work/base/segment-000001.rpx" || { echo "index kill test: create with --text-memory 0 wrote another segment" >&2; exit 1; }
rm -rf "$work/probe"
tail_ms=$(python3 scripts/kill_near.py "$work/probe/segment-000001.rpx" -1 -- "$bin" index create -q --text-memory 0 "$work/base.jsonl" --index "$work/probe")
rm -rf "$work/probe"
check_tail "$tail_ms"
echo "index kill test: the create takes ${dur_ms} ms uninterrupted, ${tail_ms} ms of them after its segment is renamed"
nkills=$(( kills / 2 )); nok=0; complete=0
for i in $(seq 1 "$nkills"); do
  ix="$work/nkill-$i"
  rm -rf "$ix"
  if (( i % 3 )); then
    delay_ms=$(( RANDOM % (dur_ms * 11 / 10 + 1) ))
    kill_after "$delay_ms" "$bin" index create -q --text-memory 0 "$work/base.jsonl" --index "$ix"
    when="at ${delay_ms} ms"
  else
    kill_aimed "$ix/segment-000001.rpx" "$tail_ms" "$bin" index create -q --text-memory 0 "$work/base.jsonl" --index "$ix"
    when="aimed: $aimed"
  fi
  state=partial
  if [ -f "$ix/index.json" ]; then
    state=complete; complete=$((complete + 1))
  elif [ -d "$ix" ]; then
    "$bin" index create -q --text-memory 0 "$work/base.jsonl" --index "$ix" || state=REFUSED
  else
    state=absent
    "$bin" index create -q --text-memory 0 "$work/base.jsonl" --index "$ix"
  fi
  files=$(find "$ix" -mindepth 1 ! -name index.json ! -name .lock ! -name 'segment-000001.rpx' | wc -l)
  result=DIFFERENT
  cmp -s "$ix/segment-000001.rpx" "$work/base/segment-000001.rpx" && [ "$files" = 0 ] && result=same
  [ "$state" != REFUSED ] && [ "$result" = same ] && nok=$((nok + 1))
  echo "index kill test: create killed $when: left $state; segment then: $result"
  rm -rf "$ix"
done
echo "index kill test: $nkills create kill points: $complete complete; $nok/$nkills gave the uninterrupted create's segment and no other file"
[ "$nok" = "$nkills" ]
