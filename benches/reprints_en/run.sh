#!/usr/bin/env bash
# Accuracy on English reprint sets built like the Arabic development sets from other sources:
# `benches/gen/make_reprints_en.py` (BBC News stories reprinted with Reuters lead-ins and tails,
# paragraphs dropped and reworded; with --confounders also boilerplate, templates and roundups),
# scored by `reprint eval` with the default settings.
#
#   bash benches/reprints_en/run.sh [--seeds "1 2 3"] [--data ../shared/data] [--work DIR]
#
#   --seeds  the seeds of the sets (default "1 2 3"); each gives one set without and one with
#            confounders
#   --data   the public corpora (default ../shared/data)
#   --work   where the sets and eval outputs go (default a fresh temporary directory, removed
#            at the end)
#
# Prints one line per set: documents, clusters, pairwise precision, recall, F1 and ARI.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../common.sh
source "$ROOT/benches/common.sh"
cd "$ROOT"
SEEDS="1 2 3"; DATA="../shared/data"; WORK=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --seeds) SEEDS="${2:?}"; shift 2 ;;
        --data) DATA="${2:?}"; shift 2 ;;
        --work) WORK="${2:?}"; shift 2 ;;
        -h|--help) usage "${BASH_SOURCE[0]}"; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
done
[[ -f "$DATA/bbc_news.jsonl.gz" && -f "$DATA/reuters21578.jsonl.gz" ]] \
    || die "$DATA must hold bbc_news.jsonl.gz and reuters21578.jsonl.gz"
if [[ -z "$WORK" ]]; then
    WORK="$(mktemp -d)"
    trap 'rm -rf "$WORK"' EXIT
fi
cargo build --release --quiet
for seed in $SEEDS; do
    for kind in plain confounders; do
        set_dir="$WORK/$kind-$seed"
        flag=(); [[ "$kind" == confounders ]] && flag=(--confounders)
        python3 benches/gen/make_reprints_en.py "$set_dir" --seed "$seed" --data "$DATA" "${flag[@]}" > /dev/null
        line="$(./target/release/reprint eval "$set_dir/docs.jsonl" --labels "$set_dir/labels.jsonl" \
            --out "$set_dir/eval" 2>/dev/null | grep ' ARI ')" || die "reprint eval failed on $set_dir"
        echo "seed $seed, $kind: $line"
    done
done
