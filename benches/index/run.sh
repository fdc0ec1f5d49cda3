#!/usr/bin/env bash
# The index measured on a corpus with a `date` field (default SaudiNewsNet): build time and size
# per document against `reprint cluster` on the whole corpus, the equivalence of the answers to
# the cross pairs of `reprint cluster --cluster components --no-prune` (the relations of pairs
# alone) and how they differ from those of `--cluster components` (roundup pruning on), and
# query latency one document at a time through a pipe with the query process's peak memory.
#
#   bash benches/index/run.sh [CORPUS.jsonl.gz] [QUERIES_FOR_LATENCY]
#   (defaults: ../shared/data/saudinewsnet.jsonl.gz, 1000)
set -euo pipefail
cd "$(dirname "$0")/../.."
corpus=${1:-../shared/data/saudinewsnet.jsonl.gz}
n=${2:-1000}
cargo build --release --quiet
bin=$PWD/target/release/reprint
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 benches/index/split.py "$corpus" "$work"
secs() { /usr/bin/time -f "%e s, peak %M KB" "$@" 2>&1 >/dev/null | tail -1; }
echo "cluster, whole corpus (date order):       $(secs "$bin" cluster "$work/all.jsonl" -q --out "$work/cluster")"
echo "cluster --cluster components:             $(secs "$bin" cluster "$work/all.jsonl" -q --cluster components --out "$work/components")"
echo "cluster --cluster components --no-prune:  $(secs "$bin" cluster "$work/all.jsonl" -q --cluster components --no-prune --out "$work/no-prune")"
echo "index create, whole corpus:               $(secs "$bin" index create -q "$work/all.jsonl" --index "$work/ix-all")"
docs=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['documents'])" "$work/ix-all/index.json")
bytes=$(du -sb "$work/ix-all" | cut -f1)
echo "index size: $bytes bytes for $docs documents: $((bytes / docs)) bytes per document"
echo "index create, first half:                 $(secs "$bin" index create -q "$work/first.jsonl" --index "$work/ix")"
echo "query, second half (one batch):           $(secs "$bin" query "$work/second.jsonl" --index "$work/ix" -q)"
"$bin" query "$work/second.jsonl" --index "$work/ix" > "$work/answers.jsonl"
echo "against cluster --cluster components --no-prune:"
python3 benches/index/compare.py "$work/answers.jsonl" "$work/no-prune/overlaps.jsonl" "$work/second.jsonl" || true
echo "against cluster --cluster components (roundup pruning on):"
python3 benches/index/compare.py "$work/answers.jsonl" "$work/components/overlaps.jsonl" "$work/second.jsonl" || true
python3 benches/index/latency.py "$bin" "$work/ix" "$work/second.jsonl" "$n"
