"""Near-duplicate clusters with datasketch, the way its documentation suggests.

Reads the corpus, normalizes and shingles each document like reprint (common.py), builds
MinHash signatures with `MinHash.generator` (the lazy form of `MinHash.bulk`) turned into
`LeanMinHash`, indexes them in `MinHashLSH` (banding chosen by datasketch for the threshold)
through an `insertion_session`, queries every document, and writes the connected components
of the candidate pairs. Candidates are not verified: datasketch's LSH returns them as they are.

    python peer_datasketch.py CORPUS --out clusters.json [--threshold 0.5] [--num-perm 128]
"""

import sys
import time

import datasketch
from datasketch import LeanMinHash, MinHash, MinHashLSH

import common


def main() -> None:
    args = common.peer_args(__doc__.splitlines()[0])
    t0 = time.perf_counter()
    # One document at a time: only its shingles are in memory while it is hashed.
    batches = common.Batches(args.corpus, 1)
    shingle_bytes = ([s.encode("utf-8") for s in batch[0]] for _, batch in batches)
    lean = [LeanMinHash(m) for m in MinHash.generator(shingle_bytes, num_perm=args.num_perm, seed=args.seed)]
    t1 = time.perf_counter()
    ids, documents, empty = batches.ids, batches.documents, batches.empty

    lsh = MinHashLSH(threshold=args.threshold, num_perm=args.num_perm)
    with lsh.insertion_session() as session:
        for i, m in enumerate(lean):
            session.insert(i, m, check_duplication=False)
    pairs = common.pairs_from_candidates((i, lsh.query(m)) for i, m in enumerate(lean))
    t2 = time.perf_counter()

    common.write_clusters(
        args.out,
        {"name": "datasketch", "version": datasketch.__version__},
        {"threshold": args.threshold, "num_perm": args.num_perm, "bands": lsh.b, "rows": lsh.r,
         "api": "MinHash.generator + LeanMinHash + MinHashLSH.insertion_session + query",
         "verified": False},
        ids, pairs, documents, empty,
    )
    t3 = time.perf_counter()
    print(f"datasketch: {documents} docs ({empty} empty), bands {lsh.b}x{lsh.r}, "
          f"{len(pairs)} candidate pairs; read+sketch {t1 - t0:.1f}s, lsh {t2 - t1:.1f}s, "
          f"write {t3 - t2:.1f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
