"""Compare `reprint query` output with the cross pairs of `reprint cluster`'s overlaps.jsonl.

    python3 benches/index/compare.py QUERY_OUTPUT.jsonl OVERLAPS.jsonl QUERIES.jsonl

Prints how many cross pairs each has, how many are equal in every field, how many equal in
every field but `relation`/`linked_by` (what roundup pruning and the story split change), and
exits 1 when the pairs or their scores and passages differ.
"""
import json
import sys
from collections import Counter

query_out, overlaps, queries = sys.argv[1:4]
qids = {json.loads(l)["id"] for l in open(queries, encoding="utf-8") if l.strip()}


def oriented(p):
    if p["a"] in qids:
        return p
    o = dict(p)
    for x, y in (("a", "b"), ("containment_a_in_b", "containment_b_in_a"), ("coverage_a", "coverage_b"), ("meta_a", "meta_b")):
        if x in p or y in p:
            o.pop(x, None), o.pop(y, None)
            if y in p:
                o[x] = p[y]
            if x in p:
                o[y] = p[x]
    if "passages" in p:
        o["passages"] = sorted((dict(q, a=q["b"], b=q["a"]) for q in p["passages"]), key=lambda q: (q["a"], q["b"]))
    return o


def key(p):
    return (p["a"], p["b"])


batch = {}
for l in open(overlaps, encoding="utf-8"):
    p = json.loads(l)
    if (p["a"] in qids) != (p["b"] in qids):
        p = oriented(p)
        batch[key(p)] = p
got = {}
for l in open(query_out, encoding="utf-8"):
    r = json.loads(l)
    for m in r["matches"]:
        m = dict(m)
        m.pop("id")
        got[key(m)] = m


def scores(p):
    return {k: v for k, v in p.items() if k not in ("relation", "linked_by")}


both = batch.keys() & got.keys()
same = sum(batch[k] == got[k] for k in both)
same_scores = sum(scores(batch[k]) == scores(got[k]) for k in both)
changes = Counter((batch[k]["relation"], got[k]["relation"]) for k in both if batch[k]["relation"] != got[k]["relation"])
print(f"cross pairs: batch {len(batch)}, query {len(got)}, in both {len(both)}")
print(f"equal in every field: {same}; equal but for relation/linked_by: {same_scores - same}")
for (b, q), n in sorted(changes.items()):
    print(f"  batch {b} / query {q}: {n}")
ok = len(both) == len(batch) == len(got) and same_scores == len(both)
print("pairs, scores and passages: " + ("EQUAL" if ok else "DIFFERENT"))
sys.exit(0 if ok else 1)
