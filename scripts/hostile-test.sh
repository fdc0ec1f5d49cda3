#!/usr/bin/env bash
# Hostile use at scale (issue 10), measured with /usr/bin/time -v. Each check prints ok or FAIL:
#   identical   100,000 records with the same text: `cluster` and `dedup` finish, clusters.json
#               under 50 MB, peak memory under 1 GB
#   junk        a 1 MB gzip of one document and 1 GB of `x` lines: bounded memory, a summary of
#               skips, exit 3
#   big-doc     one 100 MB document of `a a a ...`: peak under 1 GB; two of them (different,
#               or identical copies): under 2 GB
#   stdout      /dev/full and a closed stdout: exit 2, no outputs under their final names
#   concurrent  two runs on the same --out at once: one completes, the other fails with a
#               clear message and removes nothing of the first
#
#   bash scripts/hostile-test.sh [CHECK...]     (default: all)
set -uo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=$PWD/target/release/reprint
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
checks=("$@")
[ ${#checks[@]} -gt 0 ] || checks=(identical junk big-doc stdout concurrent)
fail=0
verdict() { # name condition-status details
  if [ "$2" = 0 ]; then echo "hostile test: $1: $3: ok"; else echo "hostile test: $1: $3: FAIL"; fail=1; fi
}
peak() { # command... -> "seconds peak_MB exit"; stderr of the command in $work/time
  /usr/bin/time -v "$@" >"$work/stdout" 2>"$work/time" && rc=0 || rc=$?
  local kb secs
  kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time")
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time")
  echo "$secs $((kb / 1024)) $rc"
}
size_mb() { echo $(( $(stat -c %s "$1") / 1000000 )); }

for check in "${checks[@]}"; do
  case $check in
  identical)
    python3 -c '
import json
t = "the quick brown fox jumps over the lazy dog near the river bank on a cold morning"
with open("'"$work"'/same.jsonl", "w") as f:
    for i in range(100000):
        f.write(json.dumps({"id": f"d{i:06}", "text": t}) + "\n")'
    read -r secs mb rc < <(peak "$bin" cluster -q --out "$work/o-same" "$work/same.jsonl")
    js=$(size_mb "$work/o-same/clusters.json" 2>/dev/null || echo 999)
    [ "$rc" = 0 ] && [ "$mb" -lt 1024 ] && [ "$js" -lt 50 ]
    verdict identical $? "cluster 100,000 identical: exit $rc, ${secs} wall, peak ${mb} MB, clusters.json ${js} MB"
    read -r secs mb rc < <(peak "$bin" dedup -q --out "$work/d-same" "$work/same.jsonl")
    kept=$(wc -l <"$work/d-same/kept.jsonl" 2>/dev/null || echo ?)
    [ "$rc" = 0 ] && [ "$mb" -lt 1024 ] && [ "$kept" = 1 ]
    verdict identical $? "dedup 100,000 identical: exit $rc, ${secs} wall, peak ${mb} MB, kept $kept"
    ;;
  junk)
    # One readable document first: a run where no document can be read is an error (exit 2).
    { echo '{"id": "ok", "text": "one readable document"}'; yes x | head -c 1G; } | gzip -9 >"$work/junk.jsonl.gz"
    read -r secs mb rc < <(peak "$bin" cluster -q --out "$work/o-junk" "$work/junk.jsonl.gz")
    lines=$(grep -c '^reprint: ' "$work/time")
    [ "$rc" = 3 ] && [ "$mb" -lt 512 ] && [ "$lines" -lt 30 ] && grep -q "536870912 records skipped" "$work/time"
    verdict junk $? "1 GB of junk lines ($(size_mb "$work/junk.jsonl.gz") MB gzip): exit $rc, ${secs} wall, peak ${mb} MB, $lines message lines"
    ;;
  big-doc)
    mkdir -p "$work/big1" "$work/big2"
    yes a | tr '\n' ' ' | head -c 100000000 >"$work/big1/a.txt"
    cp "$work/big1/a.txt" "$work/big2/a.txt"
    yes 'b a' | tr '\n' ' ' | head -c 100000000 >"$work/big2/b.txt"
    read -r secs mb rc < <(peak "$bin" cluster -q --out "$work/o-big1" "$work/big1")
    [ "$rc" = 0 ] && [ "$mb" -lt 1024 ]
    verdict big-doc $? "one 100 MB document of 'a a a': exit $rc, ${secs} wall, peak ${mb} MB"
    read -r secs mb rc < <(peak "$bin" cluster -q --out "$work/o-big2" "$work/big2")
    [ "$rc" = 0 ] && [ "$mb" -lt 2048 ]
    verdict big-doc $? "two different 100 MB documents: exit $rc, ${secs} wall, peak ${mb} MB"
    # Two identical copies: one cluster, one verbatim passage of the whole text.
    mkdir -p "$work/big3"
    mv "$work/big1/a.txt" "$work/big3/a.txt"
    cp "$work/big3/a.txt" "$work/big3/c.txt"
    read -r secs mb rc < <(peak "$bin" cluster -q --out "$work/o-big3" "$work/big3")
    [ "$rc" = 0 ] && [ "$mb" -lt 2048 ] && grep -q '"words":50000000,"exact":1.0' "$work/o-big3/overlaps.jsonl"
    verdict big-doc $? "two identical 100 MB documents: exit $rc, ${secs} wall, peak ${mb} MB"
    ;;
  stdout)
    "$bin" cluster --out "$work/o-full" seeds >/dev/full 2>"$work/err"; rc=$?
    [ "$rc" = 2 ] && [ ! -e "$work/o-full/clusters.json" ] && grep -q "standard output" "$work/err"
    verdict stdout $? "cluster > /dev/full: exit $rc, $(head -c 200 "$work/err")"
    "$bin" cluster --out "$work/o-closed" seeds >&- 2>"$work/err"; rc=$?
    [ "$rc" = 2 ] && [ ! -e "$work/o-closed/clusters.json" ]
    verdict stdout $? "cluster with stdout closed: exit $rc, $(head -c 200 "$work/err")"
    "$bin" compare seeds/000_19cceab3956b993e.txt seeds/002_f827d458276c570b.txt --json >/dev/full 2>"$work/err"; rc=$?
    [ "$rc" = 2 ]
    verdict stdout $? "compare --json > /dev/full: exit $rc"
    ;;
  concurrent)
    corpus=../shared/data/saudinewsnet.jsonl.gz
    [ -f "$corpus" ] || { echo "hostile test: concurrent: $corpus not found, skipped"; continue; }
    "$bin" cluster -q --out "$work/o-conc" "$corpus" 2>"$work/err1" & p1=$!
    sleep 0.3
    "$bin" cluster -q --out "$work/o-conc" "$corpus" 2>"$work/err2" & p2=$!
    wait $p1; rc1=$?; wait $p2; rc2=$?
    ok=1
    if [ "$rc1" = 0 ] && [ "$rc2" = 2 ] && grep -q "another reprint run" "$work/err2" \
      && python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$work/o-conc/clusters.json" \
      && [ -f "$work/o-conc/manifest.json" ]; then ok=0; fi
    verdict concurrent $ok "two runs on one --out: exits $rc1 and $rc2; $(head -c 200 "$work/err2")"
    ;;
  *) echo "unknown check $check"; exit 2 ;;
  esac
done
[ "$fail" = 0 ] && echo "hostile test: all checks held" || { echo "hostile test: FAILED"; exit 1; }
