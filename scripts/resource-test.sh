#!/usr/bin/env bash
# Resource limits, measured with /usr/bin/time -v:
#   1. one 100 MB document (as a .txt file and as one JSON line): peak memory must stay under 1 GB;
#   2. 1,000,000 short documents (built from SaudiNewsNet sentences with edits and copies):
#      peak memory and time reported;
#   3. --max-doc-bytes below the document size: the document is skipped with a diagnostic.
#
#   bash scripts/resource-test.sh [DOCS]     (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
n_docs=${1:-1000000}
cargo build --release --quiet
bin=$PWD/target/release/reprint
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0

peak() { # command... -> prints "seconds peak_MB exit"
  /usr/bin/time -v "$@" >"$work/stdout" 2>"$work/time" && rc=0 || rc=$?
  local kb secs
  kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time")
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time")
  echo "$secs $((kb / 1024)) $rc"
}

# 1. One 100 MB document.
python3 - "$work" <<'PY'
import json, os, sys
work = sys.argv[1]
seeds = sorted(f for f in os.listdir("seeds") if f.endswith(".txt"))
base = "\n".join(open(os.path.join("seeds", f), encoding="utf-8").read() for f in seeds)
parts, size, k = [], 0, 0
while size < 100_000_000:
    chunk = base.replace("طالبان", f"طالبان{k % 97}")  # vary the text so shingles differ
    parts.append(chunk); size += len(chunk.encode()); k += 1
text = "".join(parts)
os.makedirs(f"{work}/big", exist_ok=True)
open(f"{work}/big/one.txt", "w", encoding="utf-8").write(text)
with open(f"{work}/big.jsonl", "w", encoding="utf-8") as f:
    f.write(json.dumps({"id": "big", "text": text}, ensure_ascii=False) + "\n")
print(f"resource test: built a {len(text.encode()) / 1e6:.1f} MB document")
PY
for input in "$work/big" "$work/big.jsonl"; do
  read -r secs mb rc < <(peak "$bin" cluster "$input" -q --out "$work/out-big")
  verdict=ok; { [ "$rc" = 0 ] && [ "$mb" -lt 1024 ]; } || { verdict=FAIL; fail=1; }
  echo "resource test: 100 MB document ($(basename "$input")): ${secs} wall, peak ${mb} MB, exit $rc: $verdict"
done

# 3. --max-doc-bytes below the document size: skipped with a diagnostic, exit status 3.
read -r secs mb rc < <(peak "$bin" cluster "$work/big.jsonl" --max-doc-bytes 50000000 --out "$work/out-cap")
if [ "$rc" = 3 ] && grep -q "line longer than --max-doc-bytes" "$work/time"; then
  echo "resource test: --max-doc-bytes 50000000 skips the 100 MB line (peak ${mb} MB, exit 3): ok"
else
  echo "resource test: --max-doc-bytes did not skip the document (exit $rc): FAIL"; fail=1
fi

# 2. A million short documents.
corpus=../shared/data/saudinewsnet.jsonl.gz
if [ -f "$corpus" ]; then
  python3 - "$corpus" "$work/million.jsonl" "$n_docs" <<'PY'
import gzip, json, random, re, sys
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(7)
sentences = []
with gzip.open(src, "rt", encoding="utf-8") as f:
    for line in f:
        for s in re.split(r"[.\n،]", json.loads(line)["text"]):
            w = s.split()
            if 8 <= len(w) <= 40:
                sentences.append(w)
docs = []
with open(out, "w", encoding="utf-8") as f:
    for i in range(n):
        if docs and rng.random() < 0.1:      # a copy of an earlier document, lightly edited
            w = list(rng.choice(docs))
            if w:
                w[rng.randrange(len(w))] = "تعديل"
        else:
            w = rng.choice(sentences) + rng.choice(sentences)
            if len(docs) < 50000:
                docs.append(w)
        f.write(json.dumps({"id": f"m{i}", "text": " ".join(w)}, ensure_ascii=False) + "\n")
print(f"resource test: built {n} short documents")
PY
  read -r secs mb rc < <(peak "$bin" cluster "$work/million.jsonl" --no-html --out "$work/out-million")
  docs=$(python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print(m['counts']['documents'], m['counts']['clusters'])" "$work/out-million/manifest.json" 2>/dev/null || echo "? ?")
  [ "$rc" = 0 ] || fail=1
  echo "resource test: $n_docs short documents: ${secs} wall, peak ${mb} MB, exit $rc (documents, clusters: $docs)"
else
  echo "resource test: $corpus not found; the 1M-document run is skipped"
fi
[ "$fail" = 0 ] && echo "resource test: all limits held" || { echo "resource test: FAILED"; exit 1; }
