#!/usr/bin/env python3
"""Derive `reprint eval --labels` files from corpora that carry their truth in other forms.

  derive.py clough INPUT.jsonl.gz OUT.jsonl
      Clough-Stevenson: every answer derived from a source (category cut, light or heavy)
      shares the cluster of its source document (`source_doc`); the sources (`orig`) head
      their clusters; independent answers (`non`) are singletons.

  derive.py exact-copies INPUT.jsonl.gz OUT.jsonl
      Exact copies: documents with byte-identical text share a cluster (named after the
      first of them); every other document is a singleton.

Standard library only. Writes JSON Lines {"id": ..., "cluster": ...}, one per document.
"""
import gzip
import json
import sys


def records(path):
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    with opener(path, "rt", encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as e:
                    sys.exit(f"{path}:{n}: invalid JSON: {e}")


def clough(path):
    for r in records(path):
        cat = r.get("category")
        if cat in ("cut", "light", "heavy"):
            yield r["id"], "src:" + r["source_doc"]
        elif cat == "orig":
            yield r["id"], "src:" + r["id"]
        else:
            yield r["id"], "single:" + r["id"]


def exact_copies(path):
    first = {}
    for r in records(path):
        cluster = first.setdefault(r["text"], r["id"])
        yield r["id"], "copy:" + cluster


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("clough", "exact-copies"):
        sys.exit(__doc__)
    kind, src, out = sys.argv[1:]
    derive = clough if kind == "clough" else exact_copies
    with open(out, "w", encoding="utf-8") as f:
        for doc_id, cluster in derive(src):
            f.write(json.dumps({"id": doc_id, "cluster": cluster}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
