#!/usr/bin/env python3
"""Builds a labelled English reprint set in the shape of `reprints_dev_ar` (and, with
`--confounders`, of `reprints_dev_ar_v2`), from BBC News and Reuters-21578 in DATA.

    python3 benches/gen/make_reprints_en.py OUT_DIR [--seed 7] [--confounders]
                                            [--data ../shared/data]

Writes OUT_DIR/docs.jsonl (`{"id", "text"}`) and OUT_DIR/labels.jsonl (`{"id", "cluster"}`;
unlisted documents are singletons), for `reprint eval OUT_DIR/docs.jsonl --labels
OUT_DIR/labels.jsonl`.

Shape:
* BBC articles that share text with another BBC article (three or more word 8-grams: the
  corpus's near copies and its several articles on one event) are left out, so that no
  relation goes unlabelled;
* 200 stories, each a BBC article of seven or more paragraphs, reprinted in clusters of 2 to 7
  documents (34, 51, 44, 32, 26 and 13 clusters of each size): the article itself (title and
  body) and variants of its body: zero to two paragraphs dropped, three in ten cut to their
  first 50-90%, six paragraphs in ten lightly reworded (British/American spellings, "said" →
  "stated", "million" → "mln" and the like; about 2% of words deleted and 1.5% inserted),
  half of them with a lead-in of one or two Reuters paragraphs, half with a tail of one to
  three Reuters paragraphs;
* 1,250 other BBC articles as singletons (same topics as the stories: hard negatives);
* with `--confounders`: 20 paragraphs of 45-110 words from unused BBC articles, each added
  (before or after the text) to 5-40 documents drawn from all of them, as boilerplate; 20 more,
  each added to 5-40 documents with four of its words replaced per copy, as templates; and 60
  roundups (unlabelled) made of the first two paragraphs of 3-6 stories' articles.

The output depends only on the arguments and the files in DATA.
"""

import argparse
import gzip
import json
import os
import random
import re
from collections import defaultdict

SIZES = [2] * 34 + [3] * 51 + [4] * 44 + [5] * 32 + [6] * 26 + [7] * 13
SINGLETONS = 1250
SPELLING = {
    "organisation": "organization", "colour": "color", "centre": "center", "favour": "favor",
    "labour": "labor", "per cent": "percent", "programme": "program", "said": "stated",
    "million": "mln", "billion": "bln", "government": "govt", "Mr ": "Mr. ",
}
FILLERS = ["also", "now", "however", "reportedly"]
SLOTS = ["Monday", "Tuesday", "London", "Paris", "12", "45", "officials", "the ministry"]


def load(data, name):
    with gzip.open(os.path.join(data, name), "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def bbc_articles(data):
    """BBC articles as (id, paragraphs), exact copies and articles sharing text left out."""
    seen, articles = set(), []
    for d in load(data, "bbc_news.jsonl.gz"):
        if d["text"] in seen:
            continue
        seen.add(d["text"])
        paras = [p.strip() for p in d["text"].split("\n\n") if p.strip()]
        articles.append((d["id"], paras))
    grams = defaultdict(set)
    for k, (_, paras) in enumerate(articles):
        words = " ".join(paras[1:]).lower().split()
        for j in range(len(words) - 7):
            grams[tuple(words[j:j + 8])].add(k)
    shared = defaultdict(int)
    for ks in grams.values():
        if 1 < len(ks) <= 5:
            ks = sorted(ks)
            for x in range(len(ks)):
                for y in range(x + 1, len(ks)):
                    shared[(ks[x], ks[y])] += 1
    related = {k for pair, n in shared.items() if n >= 3 for k in pair}
    return [a for k, a in enumerate(articles) if k not in related]


def reuters_paragraphs(data):
    """Reuters stories of 60+ words as lists of paragraphs."""
    out = []
    for d in load(data, "reuters21578.jsonl.gz"):
        text = re.sub(r"\s*Reuter\s*&#3;\s*$", "", d["text"])
        paras = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n {3,}", text) if p.strip()]
        if sum(len(p.split()) for p in paras) >= 60:
            out.append(paras)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--confounders", action="store_true")
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "../../../shared/data"))
    args = ap.parse_args()
    rng = random.Random(args.seed)
    bbc, reuters = bbc_articles(args.data), reuters_paragraphs(args.data)
    rng.shuffle(bbc)
    rng.shuffle(reuters)
    long = [a for a in bbc if len(a[1]) >= 7]
    stories = long[: len(SIZES)]
    taken = {a[0] for a in stories}
    rest = [a for a in bbc if a[0] not in taken]
    singletons, unused = rest[:SINGLETONS], rest[SINGLETONS:]

    def reword(p):
        for old, new in SPELLING.items():
            if rng.random() < 0.5:
                p = p.replace(old, new)
        out = []
        for w in p.split():
            r = rng.random()
            if r < 0.02:
                continue
            out.append(w)
            if r > 0.985:
                out.append(rng.choice(FILLERS))
        return " ".join(out)

    docs, labels = [], {}

    def add(paras, cluster=None):
        docs.append({"id": None, "text": "\n\n".join(paras)})
        if cluster:
            labels[len(docs) - 1] = cluster
        return len(docs) - 1

    firsts = []
    for (sid, paras), n in zip(stories, SIZES):
        firsts.append(add(paras, "S" + sid))
        for _ in range(n - 1):
            ps = list(paras[1:])
            for _ in range(rng.randint(0, 2)):
                if len(ps) > 4:
                    ps.pop(rng.randrange(1, len(ps)))
            if rng.random() < 0.3:
                ps = ps[: max(4, int(len(ps) * rng.uniform(0.5, 0.9)))]
            ps = [reword(p) if rng.random() < 0.6 else p for p in ps]
            if rng.random() < 0.5:
                ps = rng.choice(reuters)[: rng.randint(1, 2)] + ps
            if rng.random() < 0.5:
                ps = ps + rng.choice(reuters)[-rng.randint(1, 3):]
            add(ps, "S" + sid)
    for _, paras in singletons:
        add(paras)
    if args.confounders:
        pool = [p for _, ps in unused for p in ps if 45 <= len(p.split()) <= 110]
        rng.shuffle(pool)
        targets = list(range(len(docs)))
        for p in pool[:20]:
            for k in rng.sample(targets, rng.randint(5, 40)):
                t = docs[k]["text"]
                docs[k]["text"] = t + "\n\n" + p if rng.random() < 0.5 else p + "\n\n" + t
        for p in pool[20:40]:
            for k in rng.sample(targets, rng.randint(5, 40)):
                w = p.split()
                for _ in range(4):
                    w[rng.randrange(len(w))] = rng.choice(SLOTS)
                docs[k]["text"] += "\n\n" + " ".join(w)
        for _ in range(60):
            parts = []
            for k in rng.sample(firsts, rng.randint(3, 6)):
                parts += docs[k]["text"].split("\n\n")[:2]
            add(parts)
    order = list(range(len(docs)))
    rng.shuffle(order)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "docs.jsonl"), "w", encoding="utf-8") as f, \
            open(os.path.join(args.out, "labels.jsonl"), "w", encoding="utf-8") as g:
        for n, k in enumerate(order):
            doc_id = "en%05d" % n
            f.write(json.dumps({"id": doc_id, "text": docs[k]["text"]}, ensure_ascii=False) + "\n")
            if k in labels:
                g.write(json.dumps({"id": doc_id, "cluster": labels[k]}) + "\n")
    print(f"{args.out}: {len(docs)} documents, {len(labels)} in {len(stories)} stories")


if __name__ == "__main__":
    main()
