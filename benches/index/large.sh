#!/usr/bin/env bash
# The index on a large generated corpus (benches/gen/make_corpus.py): build time, peak memory and
# size per document of `index create` on all but the last Q documents, then query latency one
# document at a time through a pipe for the last Q (which the generator's near-duplicate copies
# make likely to match), with the query process's peak memory.
#
#   bash benches/index/large.sh CORPUS.jsonl [Q]      (default Q = 1000)
set -euo pipefail
cd "$(dirname "$0")/../.."
corpus=$1
q=${2:-1000}
cargo build --release --quiet
bin=$PWD/target/release/reprint
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"
total=$(wc -l < "$corpus")
head -n $((total - q)) "$corpus" > "$work/indexed.jsonl"
tail -n "$q" "$corpus" > "$work/queries.jsonl"
rm -rf "$work/ix"
echo "corpus: $corpus, $total documents; indexing $((total - q)), querying $q"
echo "index create: $(/usr/bin/time -f "%e s, peak %M KB" "$bin" index create -q "$work/indexed.jsonl" --index "$work/ix" 2>&1 >/dev/null | tail -1)"
docs=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['documents'])" "$work/ix/index.json")
bytes=$(du -sb "$work/ix" | cut -f1)
echo "index size: $bytes bytes for $docs documents: $((bytes / docs)) bytes per document"
python3 benches/index/latency.py "$bin" "$work/ix" "$work/queries.jsonl" "$q"
rm -f "$work/indexed.jsonl"
