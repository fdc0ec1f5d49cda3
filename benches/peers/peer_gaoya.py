"""Near-duplicate clusters with gaoya's MinHashStringIndex, through its bulk APIs.

Reads the corpus, normalizes and shingles each document like reprint (common.py), and per
batch of documents calls `MinHashStringIndex.par_bulk_insert_docs` then `par_bulk_query` (so
each pair is found once the later of its two documents is inserted). Writes the connected
components of the candidate pairs.

Choices, all within gaoya's documented Python API:
* banding: `num_hashes=NUM_PERM` with `num_bands=None, band_size=None`, so gaoya derives
  bands and rows from the threshold itself (42 x 3 = 126 hashes for 128 at t = 0.5);
* `--tokenizer native` (what the scale benchmark uses): gaoya's own Rust tokenizer,
  `analyzer='word'`, `ngram_range=(5, 5)`, `lowercase=True`, on the raw texts — gaoya's fastest
  path. It does not fold Arabic letters, digits or marks as reprint does, and it gives every
  document with fewer than five words the same signature (all short documents collide), so its
  pairs differ a little from the other tools';
* `--tokenizer port` (the default of the peer table): `analyzer` is a callable returning the
  document's shingles as reprint's normalization (ported to Python, common.py) makes them, so
  every tool sees the same shingles;
* `id_container='smallvec'`, which gaoya recommends when near duplicates are few;
* `hash_size=32`.

Unlike datasketch and rensa, gaoya's query filters LSH candidates by the Jaccard similarity
*estimated from the signatures* (>= threshold). That is not an exact verification, so the
pairs are still reported as unverified.

    python peer_gaoya.py CORPUS --out clusters.json [--threshold 0.5] [--num-perm 128]
                         [--tokenizer port|native]
"""

import sys
import time
from importlib.metadata import version

from gaoya.minhash import MinHashStringIndex

import common


def identity(doc):
    return doc


def main() -> None:
    args = common.peer_args(__doc__.splitlines()[0], tokenizer=True)
    native = args.tokenizer == "native"
    t0 = time.perf_counter()
    analysis = dict(analyzer="word", ngram_range=(5, 5), lowercase=True) if native else dict(analyzer=identity)
    index = MinHashStringIndex(
        hash_size=32,
        jaccard_threshold=args.threshold,
        num_bands=None,
        band_size=None,
        num_hashes=args.num_perm,
        id_container="smallvec",
        **analysis,
    )
    # "MinHashIndex<u32> { threshold = 0.5, num_hashes = 126, bands = 42, rows_per_band = 3, ...}"
    desc = str(index)
    try:
        bands = int(desc.split(" bands = ")[1].split(",")[0])
        rows = int(desc.split("rows_per_band = ")[1].split(",")[0])
    except (IndexError, ValueError):
        bands = rows = 0  # unknown: only shown in the report

    pairs: set[tuple[int, int]] = set()
    t_index = 0.0
    batches = common.TextBatches(args.corpus, args.batch) if native else common.Batches(args.corpus, args.batch)
    for start, batch in batches:
        a = time.perf_counter()
        index.par_bulk_insert_docs(list(range(start, start + len(batch))), batch)
        found = index.par_bulk_query(batch)
        pairs.update(common.pairs_from_candidates(zip(range(start, start + len(batch)), found)))
        t_index += time.perf_counter() - a
    ids, documents, empty = batches.ids, batches.documents, batches.empty
    t1 = time.perf_counter()

    common.write_clusters(
        args.out,
        {"name": "gaoya", "version": version("gaoya")},
        {"threshold": args.threshold, "num_perm": args.num_perm, "hashes_used": bands * rows,
         "bands": bands, "rows": rows,
         "api": ("MinHashStringIndex(analyzer='word', ngram_range=(5, 5))" if native
                 else "MinHashStringIndex(analyzer=callable)") + ".par_bulk_insert_docs + par_bulk_query",
         "tokenizer": args.tokenizer,
         "verified": False, "filtered_by_estimated_jaccard": True},
        ids, pairs, documents, empty,
    )
    t2 = time.perf_counter()
    print(f"gaoya: {documents} docs ({empty} empty), bands {bands}x{rows}, {len(pairs)} candidate "
          f"pairs; total read+sketch+lsh {t1 - t0:.1f}s (gaoya insert+query {t_index:.1f}s), "
          f"write {t2 - t1:.1f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
