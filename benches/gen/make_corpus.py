#!/usr/bin/env python3
"""Builds a large synthetic news-like corpus whose documents share real paragraphs.

    python3 benches/gen/make_corpus.py OUT.jsonl [--docs 1000000] [--seed 7]
                                       [--data ../shared/data] [--copies 0.1]

Shape (the one the scale benchmarks use):
* a pool of paragraph chunks of the public corpora in DATA (every `*.jsonl.gz` there): each
  text is split into paragraphs at line breaks, each paragraph into chunks of at most 60 words
  (as equal as possible), chunks under 8 words are dropped, and exact duplicate chunks are
  removed. The pool keeps a seeded random sample of these chunks, sized so that every chunk is
  drawn about ten times over the whole corpus;
* (1 - copies) of the documents are assembled from chunks drawn with replacement, joined by
  blank lines, until the document reaches a log-normal target length (median 180 words,
  sigma 0.6);
* the other `copies` share are near-duplicate copies of earlier documents: each word is edited
  with a probability drawn per copy from [1%, 8%] (deleted, replaced by a word of the pool, or
  followed by an inserted pool word, in equal parts). Copies are spread through the corpus.

Records are JSON Lines `{"id": "g0000001", "text": ...}`; ids are unique. The output depends
only on the arguments and the files in DATA: the same command gives byte-identical output.
Nothing of this is committed as data; rebuild it when needed (about 2.2 GB for 1M documents).
"""

import argparse
import gzip
import json
import math
import os
import random
import sys
from array import array

MAX_CHUNK = 60
MIN_CHUNK = 8
MEDIAN_WORDS = 180
SIGMA = 0.6
DRAWS_PER_CHUNK = 10


def chunks_of(text):
    for para in text.split("\n"):
        words = para.split()
        if len(words) < MIN_CHUNK:
            continue
        n = math.ceil(len(words) / MAX_CHUNK)
        size = math.ceil(len(words) / n)
        for i in range(0, len(words), size):
            piece = words[i:i + size]
            if len(piece) >= MIN_CHUNK:
                yield " ".join(piece)


def build_pool(data_dir, rng, draws):
    seen = set()
    chunks = []
    files = sorted(f for f in os.listdir(data_dir) if f.endswith(".jsonl.gz"))
    if not files:
        sys.exit(f"error: no *.jsonl.gz corpus in {data_dir}")
    for name in files:
        with gzip.open(os.path.join(data_dir, name), "rt", encoding="utf-8") as f:
            for line in f:
                text = json.loads(line).get("text")
                if not isinstance(text, str):
                    continue
                for c in chunks_of(text):
                    if c not in seen:
                        seen.add(c)
                        chunks.append(c)
    seen = None
    want = max(1, min(len(chunks), draws // DRAWS_PER_CHUNK))
    pool = rng.sample(chunks, want)
    print(f"pool: {len(pool):,} chunks sampled from {len(chunks):,} distinct chunks of "
          f"{len(files)} corpora", file=sys.stderr)
    return pool


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--copies", type=float, default=0.1)
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "../../../shared/data"))
    args = ap.parse_args()
    rng = random.Random(args.seed)

    n_copies = round(args.docs * args.copies)
    n_orig = args.docs - n_copies
    mean_words = MEDIAN_WORDS * math.exp(SIGMA * SIGMA / 2)
    # about 33 words per chunk on these corpora; the pool size only needs to be roughly right
    draws = int(n_orig * mean_words / 33)
    pool = build_pool(args.data, rng, draws)
    pool_words = [len(c.split()) for c in pool]
    vocab = [w for c in rng.sample(pool, min(len(pool), 20000)) for w in c.split()]

    # which positions hold copies: spread through the corpus, never the first document
    copy_at = set(rng.sample(range(1, args.docs), n_copies))
    docs = []  # chunk indices of each original, for copies to rebuild
    tmp = args.out + ".tmp"
    opener = gzip.open if args.out.endswith(".gz") else open
    with opener(tmp, "wt", encoding="utf-8") as out:
        for i in range(args.docs):
            if i in copy_at:
                src = docs[rng.randrange(len(docs))]
                words = "\n\n".join(pool[c] for c in src).split(" ")
                rate = rng.uniform(0.01, 0.08)
                edited = []
                for w in words:
                    if rng.random() >= rate:
                        edited.append(w)
                        continue
                    kind = rng.randrange(3)
                    if kind == 1:
                        edited.append(rng.choice(vocab))
                    elif kind == 2:
                        edited.append(w)
                        edited.append(rng.choice(vocab))
                text = " ".join(edited)
            else:
                target = max(MIN_CHUNK, int(rng.lognormvariate(math.log(MEDIAN_WORDS), SIGMA)))
                picked = array("I")
                have = 0
                while have < target:
                    c = rng.randrange(len(pool))
                    picked.append(c)
                    have += pool_words[c]
                docs.append(picked)
                text = "\n\n".join(pool[c] for c in picked)
            out.write(json.dumps({"id": f"g{i:07d}", "text": text}, ensure_ascii=False))
            out.write("\n")
            if (i + 1) % 100_000 == 0:
                print(f"{i + 1:,} documents", file=sys.stderr)
    os.replace(tmp, args.out)
    print(f"wrote {args.docs:,} documents ({n_copies:,} near-duplicate copies) to {args.out}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
