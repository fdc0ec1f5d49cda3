#!/usr/bin/env bash
# Peer comparison: reprint vs datasketch, rensa and gaoya on one corpus.
#
#   bash benches/peers/run.sh [CORPUS] [--threshold T] [--runs N] [--num-perm P]
#                             [--build] [--report PATH] [--note TEXT]
#
#   CORPUS        JSON Lines (.jsonl or .jsonl.gz) with fields id and text
#                 (default: ../shared/data/saudinewsnet.jsonl.gz, relative to the repo root)
#   --threshold   Jaccard threshold for every tool (default 0.5)
#   --runs        timed runs per tool; the table shows medians (default 3)
#   --num-perm    MinHash permutations (default 128)
#   --build       run `cargo build --release` even if target/release/reprint exists
#                 (without it, the binary is built only when missing)
#   --report      Markdown report to write (default reports/BENCHMARKS.md)
#   --note        a line added to the report's notes (repeatable)
#
# What it does:
#   1. creates .venv-peers/ (git-ignored) and pip-installs the pinned peers from
#      benches/peers/requirements.txt, one by one: a peer that fails to install is reported in
#      the table and skipped;
#   2. builds reprint with `cargo build --release` if needed;
#   3. checks that the Python port of reprint's normalization matches reprint on seeds/;
#   4. runs every tool once untimed (a warm-up), then, one process at a time and round-robin,
#      each tool N times under /usr/bin/time -v:
#      reprint (--no-passages), reprint with passages, reprint --candidates exact (the exact
#      answer), each peer script (gaoya twice: with the Python port of reprint's normalization,
#      and with its own Rust tokenizer, its fastest path), and the Python-only preprocessing
#      baseline;
#   5. scores every tool's pairs against the exact answer and writes the table (evaluate.py).
#
# Outputs of the runs (clusters JSON, logs, time files) go to target/peer-bench/ (git-ignored),
# and the runs use a copy of target/release/reprint taken there at the start.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../common.sh
source "$ROOT/benches/common.sh"
HERE="$ROOT/benches/peers"
cd "$ROOT"

# ---- arguments ---------------------------------------------------------------------------------
CORPUS="../shared/data/saudinewsnet.jsonl.gz"
THRESHOLD="0.5"
RUNS=3
NUM_PERM=128
BUILD=0
REPORT="reports/BENCHMARKS.md"
NOTES=()
COMMAND_LINE="bash benches/peers/run.sh"  # as given, for the report
for a in "$@"; do COMMAND_LINE+=" $(printf '%q' "$a")"; done
while [[ $# -gt 0 ]]; do
    case "$1" in
        --threshold) THRESHOLD="${2:?--threshold needs a value}"; shift 2 ;;
        --runs) RUNS="${2:?--runs needs a value}"; shift 2 ;;
        --num-perm) NUM_PERM="${2:?--num-perm needs a value}"; shift 2 ;;
        --build) BUILD=1; shift ;;
        --report) REPORT="${2:?--report needs a value}"; shift 2 ;;
        --note) NOTES+=("${2:?--note needs a value}"); shift 2 ;;
        -h|--help) usage "${BASH_SOURCE[0]}"; exit 0 ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) CORPUS="$1"; shift ;;
    esac
done
need_runs "$RUNS"
[[ "$NUM_PERM" =~ ^[1-9][0-9]*$ ]] || die "--num-perm must be a positive whole number, got '$NUM_PERM'"
awk -v t="$THRESHOLD" 'BEGIN { exit !(t + 0 > 0 && t + 0 <= 1) }' \
    || die "--threshold must be a number in (0, 1], got '$THRESHOLD'"

[[ -f "$CORPUS" ]] || die "corpus not found: $CORPUS (give a JSONL or JSONL.gz file; the default \
../shared/data/saudinewsnet.jsonl.gz is looked up relative to the repo root $ROOT)"
CORPUS="$(cd "$(dirname "$CORPUS")" && pwd)/$(basename "$CORPUS")"
CORPUS_SHOW="$(realpath --relative-to="$ROOT" "$CORPUS" 2>/dev/null || echo "$CORPUS")"  # for the report

command -v python3 >/dev/null || die "python3 not found"
need_time
python3 -c 'import sys; sys.exit(sys.version_info < (3, 9))' || die "Python 3.9 or newer is needed"

WORK="$ROOT/target/peer-bench"
set_aside_outputs "$WORK"
mkdir -p "$WORK/out" "$WORK/time" "$WORK/log"
: > "$WORK/runs.tsv"
: > "$WORK/status.tsv"

# ---- 1. peers' virtual environment -------------------------------------------------------------
VENV="$ROOT/.venv-peers"
if [[ ! -x "$VENV/bin/python" ]]; then
    echo "== creating $VENV"
    python3 -m venv "$VENV" || die "could not create a virtual environment (Debian: apt-get install python3-venv)"
fi
PY="$VENV/bin/python"
"$PY" -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true

declare -A PEER_OK=()
echo "== installing peers (benches/peers/requirements.txt)"
while read -r req; do
    req="${req%%#*}"; req="${req//[[:space:]]/}"
    [[ -z "$req" ]] && continue
    name="${req%%[=<>!~]*}"
    if "$PY" -m pip install --quiet --disable-pip-version-check "$req" >"$WORK/log/pip-$name.log" 2>&1 \
        && "$PY" -c "import $name" 2>>"$WORK/log/pip-$name.log"; then
        PEER_OK[$name]=1
        printf '%s\t%s\n' "$name" "installed \`$req\`" >> "$WORK/status.tsv"
        echo "   $req: ok"
    else
        printf '%s\t%s\n' "$name" "install failed (\`pip install $req\`, see target/peer-bench/log/pip-$name.log)" >> "$WORK/status.tsv"
        echo "   $req: FAILED (see $WORK/log/pip-$name.log); it will be reported and skipped" >&2
    fi
done < "$HERE/requirements.txt"

# ---- 2. reprint --------------------------------------------------------------------------------
REPRINT="$ROOT/target/release/reprint"
if [[ "$BUILD" == 1 || ! -x "$REPRINT" ]]; then
    echo "== cargo build --release"
    command -v cargo >/dev/null || die "cargo not found; install Rust to build reprint"
    cargo build --release || die "cargo build --release failed"
else
    newer="$(find src Cargo.toml Cargo.lock -newer "$REPRINT" -print -quit 2>/dev/null || true)"
    if [[ -n "$newer" ]]; then
        echo "warning: $REPRINT is older than $newer; using it as is (pass --build to rebuild)" >&2
    fi
fi
[[ -x "$REPRINT" ]] || die "reprint binary missing after the build: $REPRINT"
# Time a snapshot of the binary, so a rebuild during the runs cannot mix two versions.
cp "$REPRINT" "$WORK/reprint"
REPRINT_INFO="binary built $(date -u -r "$REPRINT" '+%Y-%m-%d %H:%M UTC'), git $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git status --porcelain -- src Cargo.toml Cargo.lock 2>/dev/null)" ]]; then
    REPRINT_INFO+=" with uncommitted changes in src/"
fi
REPRINT="$WORK/reprint"

# ---- 3. the normalization port must match reprint ----------------------------------------------
echo "== checking the Python port of reprint's normalization on seeds/"
"$PY" "$HERE/check_normalization.py" "$REPRINT" "$ROOT/seeds" "$WORK" \
    || die "the Python normalization does not match reprint; peers would not see the same shingles"

# ---- 4. timed runs -----------------------------------------------------------------------------
# tool_cmd KEY OUT: sets CMD to the command line of one tool, writing its result to OUT (a
# directory for reprint, a file for the peers). Arrays keep paths with spaces intact.
R="$REPRINT"
VPY=".venv-peers/bin/python"
KEYS=(reprint reprint-passages reprint-exact datasketch rensa gaoya gaoya-native prep)
tool_cmd() {
    local key="$1" out="$2"
    case "$key" in
        reprint) CMD=("$R" cluster "$CORPUS" --no-passages --threshold "$THRESHOLD" --num-perm "$NUM_PERM" --out "$out" -q) ;;
        reprint-passages) CMD=("$R" cluster "$CORPUS" --threshold "$THRESHOLD" --num-perm "$NUM_PERM" --out "$out" -q) ;;
        reprint-exact) CMD=("$R" cluster "$CORPUS" --no-passages --candidates exact --threshold "$THRESHOLD" --out "$out" -q) ;;
        datasketch|rensa|gaoya) CMD=("$VPY" "benches/peers/peer_$key.py" "$CORPUS" --threshold "$THRESHOLD" --num-perm "$NUM_PERM" --out "$out") ;;
        gaoya-native) CMD=("$VPY" benches/peers/peer_gaoya.py "$CORPUS" --threshold "$THRESHOLD" --num-perm "$NUM_PERM" --tokenizer native --out "$out") ;;
        prep) CMD=("$VPY" benches/peers/prep_only.py "$CORPUS") ;;
    esac
}

# not_installed KEY: whether KEY is a peer whose package failed to install (then it is skipped).
not_installed() {
    case "$1" in
        datasketch|rensa|gaoya|gaoya-native) [[ -z "${PEER_OK[${1%-native}]:-}" ]] ;;
        *) return 1 ;;
    esac
}

# One untimed round first: the first report a run writes after a benchmark's outputs were
# replaced can take several times longer to create its files (benches/common.sh); every tool
# gets the round, so caches are warm alike.
echo "== one untimed round (warm-up)"
for key in "${KEYS[@]}"; do
    not_installed "$key" && continue
    case "$key" in
        reprint*) out="$WORK/out/$key.warm-up" ;;
        prep) out="-" ;;
        *) out="$WORK/out/$key.warm-up.json" ;;
    esac
    tool_cmd "$key" "$out"
    code=0
    "${CMD[@]}" >"$WORK/log/$key.warm-up.out" 2>&1 || code=$?
    if [[ "$code" != 0 && "$code" != 3 ]]; then
        echo "   warm-up of $key failed (exit $code; see $WORK/log/$key.warm-up.out)" >&2
    fi
done

LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
echo "== $RUNS timed round(s) on $CORPUS (threshold $THRESHOLD, $NUM_PERM permutations; load average $LOAD_START)"
for run in $(seq 1 "$RUNS"); do
    for key in "${KEYS[@]}"; do
        not_installed "$key" && continue
        case "$key" in
            reprint*) out="$WORK/out/$key.$run"; result="$out/clusters.json" ;;
            prep) out="-"; result="-" ;;
            *) out="$WORK/out/$key.$run.json"; result="$out" ;;
        esac
        tool_cmd "$key" "$out"
        tfile="$WORK/time/$key.$run.txt"
        set +e
        /usr/bin/time -v -o "$tfile" "${CMD[@]}" >"$WORK/log/$key.$run.out" 2>"$WORK/log/$key.$run.err"
        code=$?
        set -e
        wall="$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tfile" 2>/dev/null)"
        rss="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tfile" 2>/dev/null)"
        if [[ "$code" == 0 || "$code" == 3 ]]; then
            printf '   run %s  %-17s %9s  %7s MB\n' "$run" "$key" "$wall" "$(( ${rss:-0} / 1024 ))"
        else
            printf '   run %s  %-17s FAILED (exit %s, see %s)\n' "$run" "$key" "$code" "$WORK/log/$key.$run.err" >&2
            tail -n 5 "$WORK/log/$key.$run.err" >&2 || true
        fi
        tool_cmd "$key" "OUT"
        CMD=("${CMD[@]/#$CORPUS/$CORPUS_SHOW}")
        CMD=("${CMD[@]/#$REPRINT/target/release/reprint}")
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$key" "$run" "$code" "$tfile" "$result" "${CMD[*]}" >> "$WORK/runs.tsv"
    done
done
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
remove_set_aside "$WORK"

# ---- 5. score and report -----------------------------------------------------------------------
echo "== scoring against the exact answer and writing $REPORT"
NOTE_ARGS=()
for n in "${NOTES[@]+"${NOTES[@]}"}"; do NOTE_ARGS+=(--note "$n"); done
"$PY" "$HERE/evaluate.py" \
    --work "$WORK" --corpus "$CORPUS" --corpus-label "$CORPUS_SHOW" --threshold "$THRESHOLD" --num-perm "$NUM_PERM" --runs "$RUNS" \
    --report "$REPORT" --reprint "$REPRINT" --reprint-info "$REPRINT_INFO" --python "$PY" \
    --command "$COMMAND_LINE" \
    --load-start "$LOAD_START" --load-end "$LOAD_END" "${NOTE_ARGS[@]+"${NOTE_ARGS[@]}"}"
