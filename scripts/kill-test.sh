#!/usr/bin/env bash
# Crash safety, measured: SIGKILLs `reprint cluster` and `reprint dedup` at random moments of a
# large run and checks that every output under its final name is either absent or
# byte-identical to the output of an uninterrupted run, and that rerunning in the same
# directory gives the uninterrupted run's outputs.
#
#   bash scripts/kill-test.sh [CORPUS] [KILLS_PER_COMMAND]
#   (defaults: ../shared/data/saudinewsnet.jsonl.gz, 12 — 24 kill points in all)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/data/saudinewsnet.jsonl.gz}
kills=${2:-12}
[ -f "$corpus" ] || { echo "kill test: corpus $corpus not found" >&2; exit 2; }
cargo build --release --quiet
bin=$PWD/target/release/reprint
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

declare -A outputs=(
  [cluster]="clusters.json overlap.html"
  [dedup]="kept.jsonl.gz removed.jsonl"
)
total=0; absent=0; complete=0; partial=0; some=0; rerun_ok=0; mid_write=0
for cmd in cluster dedup; do
  ref="$work/ref-$cmd"
  start=$(date +%s%N)
  "$bin" "$cmd" "$corpus" -q --out "$ref"
  dur_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  echo "kill test: $cmd takes ${dur_ms} ms uninterrupted"
  for i in $(seq 1 "$kills"); do
    out="$work/$cmd-$i"
    # Half the kill points anywhere in the run, half in its last quarter, where the outputs
    # are being written.
    if (( i % 2 )); then
      delay_ms=$(( RANDOM % (dur_ms * 11 / 10 + 1) ))
    else
      delay_ms=$(( dur_ms * 3 / 4 + RANDOM % (dur_ms * 3 / 10 + 1) ))
    fi
    "$bin" "$cmd" "$corpus" -q --out "$out" & pid=$!
    sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    total=$((total + 1))
    present=0; bad=0
    for f in ${outputs[$cmd]} manifest.json; do
      [ -e "$out/$f" ] || continue
      present=$((present + 1))
      if [ "$f" = manifest.json ]; then
        python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$out/$f" || bad=1
      elif ! cmp -s "$out/$f" "$ref/$f"; then
        echo "PARTIAL: $cmd killed at ${delay_ms} ms left $f differing from the uninterrupted run"
        bad=1
      fi
    done
    if [ "$bad" = 1 ]; then partial=$((partial + 1));
    elif [ "$present" = 0 ]; then absent=$((absent + 1));
    elif [ "$present" = $(( $(wc -w <<<"${outputs[$cmd]}") + 1 )) ]; then complete=$((complete + 1));
    else some=$((some + 1)); fi
    # Temporary files left behind mean the kill landed while an output was being written.
    tmps=$(find "$out" -name '.*.tmp' 2>/dev/null | wc -l)
    [ "$tmps" -gt 0 ] && mid_write=$((mid_write + 1))
    # Rerun in the same directory: the result must be the uninterrupted run's.
    "$bin" "$cmd" "$corpus" -q --out "$out"
    same=1
    for f in ${outputs[$cmd]}; do cmp -s "$out/$f" "$ref/$f" || same=0; done
    leftovers=$(find "$out" -name '.*.tmp' | wc -l)
    [ "$leftovers" = 0 ] || same=0
    [ "$same" = 1 ] && rerun_ok=$((rerun_ok + 1)) || echo "RERUN DIFFERS: $cmd kill $i"
    echo "kill test: $cmd killed at ${delay_ms} ms: $present final files present, $tmps temporary; rerun $([ $same = 1 ] && echo identical || echo DIFFERENT)"
    rm -rf "$out"  # each kill point's outputs go once read: the disk holds one at a time
  done
done
echo "kill test: $total kill points ($mid_write while an output was being written): $absent left no output, $some left some complete outputs, $complete left every output complete, $partial left a partial file; $rerun_ok/$total reruns identical to the uninterrupted run"
[ "$partial" = 0 ] && [ "$rerun_ok" = "$total" ]
