#!/usr/bin/env bash
# Scale benchmark: reprint's default run (passages on) and --no-passages against gaoya on
# corpora of the shape benches/gen/make_corpus.py builds, and on SaudiNewsNet.
#
#   bash benches/scale/run.sh [--sizes 250000,500000,1000000] [--gen-dir target/scale]
#                             [--runs 1] [--snn-runs 3] [--build] [--no-peers] [--all-peers]
#                             [--report reports/BENCHMARKS.md]
#
#   --sizes     documents of each generated corpus (default 250000,500000,1000000): memory of
#               the default run is shown for every size, peers and --no-passages run on the
#               largest and on SaudiNewsNet
#   --gen-dir   where the generated corpora are kept (default target/scale/, git-ignored); a
#               corpus already there is reused (the generator is deterministic)
#   --runs      timed runs of each command on the generated corpora (default 1; the table
#               shows medians)
#   --snn-runs  timed runs of each command on SaudiNewsNet (default 3: its runs take seconds and
#               vary by a fifth from one run to the next on a 2-core machine), the tools
#               alternating, after the generated corpora
#   --build     cargo build --release first (otherwise only when the binary is missing)
#   --no-peers  skip gaoya (then no ratios are shown)
#   --all-peers also rensa and datasketch on the largest corpus (after gaoya; each reads,
#               normalizes and shingles in Python with reprint's normalization ported,
#               benches/peers/common.py, as they have no tokenizer of their own; on the
#               million rensa took 200 s and 4.9 GB, datasketch 479 s and 9.3 GB)
#   --report    Markdown report whose scale section is replaced (default reports/BENCHMARKS.md;
#               the section lies between "<!-- scale: begin -->" and "<!-- scale: end -->",
#               and benches/peers/run.sh keeps it when it rewrites the rest)
#
# Every command runs alone, one after another, under /usr/bin/time -v; outputs go to
# target/scale/out/o.CORPUS.TOOL.RUN, a fresh directory for every run, kept until the next
# benchmark removes them (overlaps.jsonl of the 1M corpus is about 2.5 GB, overlap/ of the
# 250k one 1.2 GB: mind the disk with --runs above 1) and waits six minutes before timing
# (see remove_outputs in benches/common.sh). gaoya runs with its own Rust tokenizer
# (benches/peers/peer_gaoya.py --tokenizer native), 128 permutations, threshold 0.5, like
# reprint's defaults.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../common.sh
source "$ROOT/benches/common.sh"
cd "$ROOT"

SIZES="250000,500000,1000000"; GEN="target/scale"; RUNS=1; SNN_RUNS=3; BUILD=0; PEERS=1; ALL_PEERS=0
REPORT="reports/BENCHMARKS.md"; SNN="../shared/data/saudinewsnet.jsonl.gz"
COMMAND_LINE="bash benches/scale/run.sh"
for a in "$@"; do COMMAND_LINE+=" $(printf '%q' "$a" | sed 's/\\,/,/g')"; done
while [[ $# -gt 0 ]]; do
    case "$1" in
        --sizes) SIZES="${2:?}"; shift 2 ;;
        --gen-dir) GEN="${2:?}"; shift 2 ;;
        --runs) RUNS="${2:?}"; shift 2 ;;
        --snn-runs) SNN_RUNS="${2:?}"; shift 2 ;;
        --build) BUILD=1; shift ;;
        --no-peers) PEERS=0; shift ;;
        --all-peers) ALL_PEERS=1; shift ;;
        --report) REPORT="${2:?}"; shift 2 ;;
        -h|--help) usage "${BASH_SOURCE[0]}"; exit 0 ;;
        *) die "unknown argument $1 (see --help)" ;;
    esac
done
need_runs "$RUNS"
need_runs "$SNN_RUNS" --snn-runs
need_time
[[ -f "$SNN" ]] || die "SaudiNewsNet not found at $SNN (../shared/data beside the repository)"

REPRINT="$ROOT/target/release/reprint"
if [[ "$BUILD" == 1 || ! -x "$REPRINT" ]]; then cargo build --release; fi
W="$ROOT/target/scale/out"; remove_outputs "$W"; mkdir -p "$W" "$GEN"
cp "$REPRINT" "$W/reprint"
R="$W/reprint"
REV="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
[[ -z "$(git status --porcelain -- src Cargo.toml Cargo.lock 2>/dev/null)" ]] || REV+=" with uncommitted changes"

PY=""
if [[ "$PEERS" == 1 ]]; then
    VENV="$ROOT/.venv-peers"
    [[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV" || die "could not create $VENV"
    PY="$VENV/bin/python"
    for peer in gaoya $([[ "$ALL_PEERS" == 1 ]] && echo rensa datasketch); do
        req="$(grep -E "^$peer" benches/peers/requirements.txt)"
        "$PY" -m pip install --quiet --disable-pip-version-check "$req" || die "pip install $req failed"
    done
fi

IFS=, read -r -a SIZE_LIST <<< "$SIZES"
LARGEST="${SIZE_LIST[-1]}"
for n in "${SIZE_LIST[@]}"; do
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "--sizes: '$n' is not a whole number"
    f="$GEN/g$n.jsonl"
    if [[ ! -f "$f" ]]; then
        echo "== generating $f"
        python3 benches/gen/make_corpus.py "$f" --docs "$n" --data ../shared/data
    fi
done

: > "$W/runs.tsv"
timed() { # label corpus tool run cmd...
    local label=$1 corpus=$2 tool=$3 run=$4; shift 4
    local t="$W/time.$label.$tool.$run" out="$W/$label.$tool.$run"
    set +e
    /usr/bin/time -v -o "$t" "$@" >"$out.stdout" 2>"$out.stderr"
    local code=$?
    set -e
    local wall rss
    wall="$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$t")"
    rss="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$t")"
    printf '   %-10s %-22s run %s: %s, %s MB, exit %s\n' "$label" "$tool" "$run" "$wall" "$(( ${rss:-0} / 1024 ))" "$code"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$corpus" "$tool" "$run" "$code" "$t" >> "$W/runs.tsv"
}
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq 1 "$RUNS"); do
    echo "== round $run"
    for n in "${SIZE_LIST[@]}"; do
        f="$GEN/g$n.jsonl"
        timed "g$n" "$f" reprint "$run" "$R" cluster "$f" --out "$W/o.g$n.reprint.$run" -q
        [[ "$n" == "$LARGEST" ]] || continue
        timed "g$n" "$f" reprint-no-passages "$run" "$R" cluster "$f" --no-passages --out "$W/o.g$n.reprint-no-passages.$run" -q
        if [[ -n "$PY" ]]; then
            timed "g$n" "$f" gaoya "$run" "$PY" benches/peers/peer_gaoya.py "$f" --tokenizer native --out "$W/o.g$n.gaoya.$run.json"
        fi
        if [[ -n "$PY" && "$ALL_PEERS" == 1 ]]; then
            for peer in rensa datasketch; do
                timed "g$n" "$f" "$peer" "$run" "$PY" "benches/peers/peer_$peer.py" "$f" --out "$W/o.g$n.$peer.$run.json"
            done
        fi
    done
done
# SaudiNewsNet last: its runs take seconds, so they are the ones most disturbed by files
# deleted before them (see remove_outputs), and they come long after the removal.
for run in $(seq 1 "$SNN_RUNS"); do
    echo "== SaudiNewsNet, round $run"
    timed snn "$SNN" reprint "$run" "$R" cluster "$SNN" --out "$W/o.snn.reprint.$run" -q
    timed snn "$SNN" reprint-no-passages "$run" "$R" cluster "$SNN" --no-passages --out "$W/o.snn.reprint-no-passages.$run" -q
    if [[ -n "$PY" ]]; then
        timed snn "$SNN" gaoya "$run" "$PY" benches/peers/peer_gaoya.py "$SNN" --tokenizer native --out "$W/o.snn.gaoya.$run.json"
    fi
done
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"

python3 benches/scale/report.py --runs "$W/runs.tsv" --report "$REPORT" --command "$COMMAND_LINE" \
    --reprint "$R" --rev "$REV" --load "$LOAD_START / $LOAD_END" --python "${PY:-}"
