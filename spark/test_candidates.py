"""The candidate code of reprint_spark.py against a brute-force oracle, on random sketch tables
small enough to check every pair: global numbers, active documents (empty ones and later
byte-identical copies left out, a hash collision between different texts not merged), LSH
pairs, passage pairs with the df cap and min_shared, the lsh/fps flags, and the dfs lists.

    .venv-spark/bin/python spark/test_candidates.py      (exit 0: all cases agree)

The end-to-end test (scripts/spark-test.sh) checks the same code against the binary's own
outputs on real corpora.
"""

import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reprint_spark as rs  # noqa: E402


def random_parts(rng):
    """Sketch rows of a few parts, as `reprint stage sketch` writes them."""
    parts, texts = [], []
    for k in range(rng.randint(1, 4)):
        rows = []
        for row in range(rng.randint(0, 25)):
            empty = rng.random() < 0.1
            if texts and rng.random() < 0.2:
                text = rng.choice(texts)          # a byte-identical copy of an earlier document
            else:
                text = f"text {len(texts)}"
            texts.append(text)
            # One hash for two different texts now and then: a collision must not merge them.
            text_hash = "collide" if text in ("text 3", "text 5") else f"h-{text}"
            bands = [] if empty else [rng.randint(0, 29) for _ in range(4)]
            fps = [] if empty else sorted(set(rng.randint(0, 60) for _ in range(rng.randint(0, 8))))
            rows.append(dict(part=k, row=row, id=f"d{k}-{row}", text=text, text_hash=text_hash,
                             empty=empty, words=0 if empty else 10, bands=bands, fps=fps))
        parts.append(rows)
    return parts


def oracle(parts, max_df, min_shared, passages):
    docs = [r for rows in parts for r in rows]           # reading order = global number
    first = {}
    active = []
    for n, d in enumerate(docs):
        if d["empty"]:
            continue
        if d["text"] in first:                          # a later copy: linked by the report
            continue
        first[d["text"]] = n
        active.append(n)
    pairs = {}
    for i, a in enumerate(active):
        for b in active[i + 1:]:
            lsh = any(x == y for x, y in zip(docs[a]["bands"], docs[b]["bands"]))
            if lsh:
                pairs[(a, b)] = [True, False]
    df = {}
    for a in active:
        for fp in docs[a]["fps"]:
            df[fp] = df.get(fp, 0) + 1
    if passages:
        for i, a in enumerate(active):
            for b in active[i + 1:]:
                shared = set(docs[a]["fps"]) & set(docs[b]["fps"])
                if sum(1 for fp in shared if 2 <= df[fp] <= max_df) >= max(min_shared, 1):
                    pairs.setdefault((a, b), [False, False])[1] = True
    dfs = {a: ([(fp, df[fp]) for fp in docs[a]["fps"] if df[fp] >= 2] if passages else [])
           for a in active}
    return set(active), {k: tuple(v) for k, v in pairs.items()}, dfs


def main():
    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master("local[2]").appName("reprint candidates test")
             .config("spark.sql.shuffle.partitions", "4").config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    schema = ("part INT, row LONG, id STRING, text STRING, text_hash STRING, empty BOOLEAN, "
              "words LONG, bands ARRAY<LONG>, fps ARRAY<LONG>")
    rng = random.Random(15)
    checked = pairs_seen = 0
    for case in range(4):
        parts = random_parts(rng)
        max_df, min_shared, passages = rng.randint(2, 5), rng.randint(0, 3), rng.random() < 0.8
        params = {"max_df": max_df, "min_shared": min_shared, "passages": passages}
        rows = [tuple(r[c] for c in ("part", "row", "id", "text", "text_hash", "empty", "words", "bands", "fps"))
                for rows in parts for r in rows]
        sketch = spark.createDataFrame(rows, schema)
        docs = rs.numbered(sketch, {k: len(p) for k, p in enumerate(parts)})
        active = rs.active_documents(docs)
        postings = rs.fingerprint_postings(active)
        got_active = {r["doc"] for r in active.select("doc").collect()}
        got_pairs = {(r["a"], r["b"]): (r["lsh"], r["fps"])
                     for r in rs.candidate_pairs(active, postings, params).collect()}
        got_dfs = {r["doc"]: [(x["fp"], x["n"]) for x in r["dfs"]]
                   for r in rs.document_frequencies(active, postings, passages).collect()}
        want_active, want_pairs, want_dfs = oracle(parts, max_df, min_shared, passages)
        context = f"case {case} (max_df {max_df}, min_shared {min_shared}, passages {passages})"
        assert got_active == want_active, f"{context}: active {sorted(got_active)} != {sorted(want_active)}"
        wrong = sorted(set(got_pairs.items()) ^ set(want_pairs.items()))
        assert not wrong, f"{context}: pairs (a, b), (lsh, fps) not in both the job's and the oracle's: {wrong[:20]}"
        assert got_dfs == want_dfs, f"{context}: dfs {got_dfs} != {want_dfs}"
        # The link groups hold every pair once and every document the group's pairs name.
        pairs_df = rs.candidate_pairs(active, postings, params)
        dfs_df = rs.document_frequencies(active, postings, passages)
        gp, gd = rs.link_inputs(docs, pairs_df, dfs_df, 3)
        grouped = [(r["g"], r["a"], r["b"]) for r in gp.collect()]
        assert sorted((a, b) for _, a, b in grouped) == sorted(want_pairs), f"{context}: link groups lose or repeat pairs"
        held = {(r["g"], r["doc"]) for r in gd.collect()}
        assert all((g, a) in held and (g, b) in held for g, a, b in grouped), f"{context}: a group lacks a document"
        checked += 1
        pairs_seen += len(want_pairs)
    spark.stop()
    assert pairs_seen > 50, f"the random cases proposed only {pairs_seen} pairs: the test checks too little"
    print(f"candidates: {checked} random cases agree with the oracle ({pairs_seen} pairs)")


if __name__ == "__main__":
    main()
