#!/usr/bin/env bash
# Byte-identity check of a refactor: runs two reprint binaries (OLD, NEW) on seeds/, the
# development set and SaudiNewsNet (cluster, dedup, dedup --annotate, eval with a sweep, eval
# --clusters, compare) and compares every output file, stdout and stderr. manifest.json and
# eval.json are compared with timings and peak memory masked, eval.csv without its seconds column.
#
#   bash scripts/byte-identity.sh OLD_BINARY NEW_BINARY      (from the project root)
set -u
OLD=$(realpath "$1"); NEW=$(realpath "$2")
D=../shared/data/reprints_dev_ar
W=/tmp/bytecheck; rm -rf $W; mkdir -p $W
mask() { python3 - "$1" <<'PY'
import json,sys,re
p=sys.argv[1]
d=json.load(open(p))
def m(x):
    if isinstance(x,dict):
        return {k:(None if k in ('timings_ms','wall_ms','peak_rss_bytes','seconds') else m(v)) for k,v in x.items()}
    if isinstance(x,list): return [m(v) for v in x]
    return x
json.dump(m(d),open(p+'.masked','w'),indent=1,sort_keys=False)
PY
}
run() { # tag bin args...
  local tag=$1 bin=$2; shift 2
  rm -rf $W/out; mkdir -p $W/out
  $bin "$@" --out $W/out -q >$W/out/stdout 2>$W/out/stderr; echo "rc=$?" >> $W/out/stdout
  mv $W/out $W/$tag
}
fail=0
cmpdir() { # name
  local a=$W/old-$1 b=$W/new-$1
  for f in $(ls $a); do
    case $f in
      manifest.json|eval.json) mask $a/$f; mask $b/$f; cmp -s $a/$f.masked $b/$f.masked || { echo "DIFF $1/$f"; fail=1; } ;;
      eval.csv) cut -d, -f1-14 $a/$f > $a/$f.c; cut -d, -f1-14 $b/$f > $b/$f.c; cmp -s $a/$f.c $b/$f.c || { echo "DIFF $1/$f"; fail=1; } ;;
      *.masked|*.c) ;;
      *) if [ -d $a/$f ]; then diff -rq $a/$f $b/$f >/dev/null || { echo "DIFF $1/$f"; fail=1; }; else cmp -s $a/$f $b/$f || { echo "DIFF $1/$f"; fail=1; }; fi ;;
    esac
  done
  echo "checked $1: $(ls $a | grep -v 'masked$\|\.c$' | tr '\n' ' ')"
}
for side in old new; do
  bin=$OLD; [ $side = new ] && bin=$NEW
  run $side-seeds-cluster $bin cluster seeds
  run $side-dev-cluster $bin cluster $D/docs.jsonl.gz
  run $side-snn-cluster $bin cluster ../shared/data/saudinewsnet.jsonl.gz
  run $side-seeds-dedup $bin dedup seeds
  run $side-dev-dedup $bin dedup $D/docs.jsonl.gz
  run $side-snn-dedup $bin dedup ../shared/data/saudinewsnet.jsonl.gz
  run $side-snn-annot $bin dedup ../shared/data/saudinewsnet.jsonl.gz --annotate
  run $side-dev-eval $bin eval $D/docs.jsonl.gz --labels $D/labels.jsonl.gz --pairs $D/pairs.jsonl.gz --exact --sweep threshold=0.4:0.6:0.1
  run $side-dev-rescore $bin eval --clusters $W/$side-dev-cluster/clusters.json --labels $D/labels.jsonl.gz --pairs $D/pairs.jsonl.gz
  mkdir -p $W/$side-compare
  $bin compare seeds/000_19cceab3956b993e.txt seeds/002_f827d458276c570b.txt --json > $W/$side-compare/json 2>&1; echo "rc=$?" >> $W/$side-compare/json
  $bin compare seeds/000_19cceab3956b993e.txt seeds/002_f827d458276c570b.txt --width 120 > $W/$side-compare/term 2>&1; echo "rc=$?" >> $W/$side-compare/term
  $bin compare --in $D/docs.jsonl.gz nosuch x > $W/$side-compare/err 2>&1; echo "rc=$?" >> $W/$side-compare/err
done
sed -i "s#$W/old-dev-cluster#X#; s#$W/new-dev-cluster#X#" $W/*-dev-rescore/eval.json $W/*-dev-rescore/stdout
for t in seeds-cluster dev-cluster snn-cluster seeds-dedup dev-dedup snn-dedup snn-annot dev-eval dev-rescore compare; do cmpdir $t; done
[ $fail = 0 ] && echo "ALL IDENTICAL" || echo "DIFFERENCES FOUND"
exit $fail
