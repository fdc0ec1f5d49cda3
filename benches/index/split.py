"""Split a JSON Lines corpus (gzip) by its `date` field: every record in date order (ties in
file order), the first half, the second half, and the first half in three parts.

    python3 benches/index/split.py CORPUS.jsonl.gz OUTDIR [TAKE]

TAKE: only a window of that many records from the middle of the date order.
"""
import gzip
import json
import os
import sys

corpus, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
with gzip.open(corpus, "rt", encoding="utf-8") as f:
    lines = [(json.loads(l).get("date") or "", i, l) for i, l in enumerate(f) if l.strip()]
lines.sort()
if len(sys.argv) > 3:
    take = int(sys.argv[3])
    start = (len(lines) - take) // 2
    lines = lines[start : start + take]
half = len(lines) // 2
third = half // 3
parts = {
    "all.jsonl": lines,
    "first.jsonl": lines[:half],
    "second.jsonl": lines[half:],
    "part1.jsonl": lines[:third],
    "part2.jsonl": lines[third : 2 * third],
    "part3.jsonl": lines[2 * third : half],
}
for name, part in parts.items():
    with open(os.path.join(out, name), "w", encoding="utf-8") as f:
        for _, _, l in part:
            f.write(l if l.endswith("\n") else l + "\n")
print(f"{len(lines)} records: {half} to index, {len(lines) - half} to query")
