#!/usr/bin/env bash
# The Spark job against the single-machine run: spark/reprint_spark.py with --master local[2]
# on SaudiNewsNet and on the reprint development set, and `target/release/reprint` on the same
# input with the same flags; every output file must be byte-identical (`cmp`), manifest.json
# (timings, peak memory) aside. Also the candidate code against its oracle
# (spark/test_candidates.py).
#
#   bash scripts/spark-test.sh          (from the project root; after .ci/run's Spark setup)
#   REPRINT_BIN=path/to/reprint bash scripts/spark-test.sh     (that binary, not cargo's build)
#   KEEP_WORK=1 bash scripts/spark-test.sh   (keeps its files, $SPARK_TEST_DIR or
#                                             /tmp/reprint-spark-test, when all are equal too)
#
# Needs .venv-spark (pyspark) and a Java runtime. Status 0: all outputs equal; 1: a difference
# or a failed run; 2: ../shared/data is absent (nothing to compare; said loudly; under CI,
# with the environment variable CI set, that is a failure too).
set -uo pipefail
cd "$(dirname "$0")/.."

DATA=../shared/data
SNN=$DATA/saudinewsnet.jsonl.gz
DEV=$DATA/reprints_dev_ar/docs.jsonl.gz
if [ ! -f "$SNN" ] || [ ! -f "$DEV" ]; then
  # As tests/it/real_data.rs: absent data is a skip, except under CI (environment variable CI).
  if [ -n "${CI:-}" ]; then echo "spark test: FAILED, $SNN or $DEV is absent and CI is set"; exit 1; fi
  echo "spark test: SKIPPED, $SNN or $DEV is absent"
  exit 2
fi
SUBMIT=.venv-spark/bin/spark-submit
[ -x "$SUBMIT" ] || { echo "spark test: $SUBMIT missing (python3 -m venv .venv-spark && .venv-spark/bin/pip install pyspark)"; exit 1; }
if [ -n "${REPRINT_BIN:-}" ]; then
  BIN=$(realpath "$REPRINT_BIN")       # a binary built elsewhere
else
  cargo build --release --quiet || exit 1
  BIN=$(realpath target/release/reprint)
fi

W=${SPARK_TEST_DIR:-/tmp/reprint-spark-test}
rm -rf "$W"; mkdir -p "$W"
export SPARK_LOCAL_IP=127.0.0.1
# spark-submit finds pyspark through the python3 on PATH: the virtualenv's.
export PATH="$PWD/.venv-spark/bin:$PATH"
fail=0

echo "-- spark/test_candidates.py"
.venv-spark/bin/python spark/test_candidates.py 2>"$W/candidates.stderr" || {
  tail -40 "$W/candidates.stderr"; echo "FAIL candidates test"; fail=1; }

# The development set again as a directory of 4 shards (numbering across parts).
mkdir -p "$W/dev-shards"
zcat "$DEV" > "$W/dev.jsonl"
split -n l/4 -d --additional-suffix=.jsonl "$W/dev.jsonl" "$W/dev-shards/part-"
rm "$W/dev.jsonl"

# compare NAME COMMAND INPUT... -- FLAGS...: reprint COMMAND on one machine, then the Spark job,
# every output file compared.
compare() {
  local name=$1 cmd=$2; shift 2
  local args=("$@")
  local mem=$W/$name-mem spark=$W/$name-spark
  local t0=$(date +%s%N)
  "$BIN" "$cmd" "${args[@]}" --out "$mem" -q >"$W/$name-mem.stdout" 2>"$W/$name-mem.stderr"
  local rc_mem=$?
  local t1=$(date +%s%N)
  "$SUBMIT" --master 'local[2]' --driver-memory 2g \
    --conf spark.sql.shuffle.partitions=8 --conf spark.ui.enabled=false \
    --conf spark.ui.showConsoleProgress=false \
    spark/reprint_spark.py "$cmd" "${args[@]}" --out "$spark" -q \
    --reprint "$BIN" --work "$W/$name-work" --groups 4 --keep-work \
    >"$W/$name-spark.stdout" 2>"$W/$name-spark.stderr"
  local rc_spark=$?
  local t2=$(date +%s%N)
  printf -- "-- %s: reprint %s %s\n   in memory %d ms (status %s), Spark local[2] %d ms (status %s)\n" \
    "$name" "$cmd" "${args[*]}" $(((t1 - t0) / 1000000)) "$rc_mem" $(((t2 - t1) / 1000000)) "$rc_spark"
  # The job's timings (spark-submit may send the driver's stderr to stdout).
  cat "$W/$name-spark.stdout" "$W/$name-spark.stderr" | grep -A8 "stage timings" | sed 's/^/   /'
  if [ "$rc_mem" != "$rc_spark" ]; then
    echo "FAIL $name: exit status $rc_mem in memory, $rc_spark with Spark"; tail -30 "$W/$name-spark.stderr"; fail=1; return
  fi
  if [ ! -d "$mem" ] || [ ! -d "$spark" ]; then
    echo "FAIL $name: no output directory"; tail -30 "$W/$name-spark.stderr"; fail=1; return
  fi
  local files; files=$(cd "$mem" && find . -type f ! -name manifest.json | sort)
  local spark_files; spark_files=$(cd "$spark" && find . -type f ! -name manifest.json | sort)
  if [ "$files" != "$spark_files" ]; then
    echo "FAIL $name: the two runs wrote different files"; diff <(echo "$files") <(echo "$spark_files") | head; fail=1; return
  fi
  local n=0 f
  for f in $files; do
    n=$((n + 1))
    cmp "$mem/$f" "$spark/$f" || { echo "FAIL $name: $f differs"; fail=1; }
  done
  [ -n "$files" ] || { echo "FAIL $name: no output files"; fail=1; return; }
  echo "   $n files byte-identical, manifest.json aside ($(cd "$mem" && ls | grep -vx manifest.json | tr '\n' ' '))"
}

compare snn-cluster cluster "$SNN"
compare snn-dedup dedup "$SNN"
compare dev-cluster cluster "$W/dev-shards"
compare dev-dedup dedup "$W/dev-shards" --annotate
compare dev-nopassages cluster "$DEV" --no-passages --threshold 0.8 --no-html

if [ "$fail" = 0 ]; then
  echo "spark test: all outputs byte-identical"
  # Kept for reading only when something differs (or KEEP_WORK is set): over a gigabyte.
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$W"
else
  echo "spark test: FAILED (its files are in $W)"
fi
exit "$fail"
