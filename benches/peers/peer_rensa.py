"""Near-duplicate clusters with rensa (R-MinHash + RMinHashLSH), through its batch APIs.

Reads the corpus, normalizes and shingles each document like reprint (common.py), and per
batch of documents builds full-set R-MinHash sketches with `RMinHash.from_token_sets`,
inserts them with `RMinHashLSH.insert_many` and queries them with `query_all` (so each pair is
found once the later of its two documents has been inserted). Writes the connected components
of the candidate pairs; candidates are not verified.

rensa has no default banding: `RMinHashLSH` takes `num_bands`, which must divide `num_perm`.
We pick it the way rensa's own LSH benchmark does (benchmarks/lsh_benchmark.py,
`calculate_optimal_num_bands`): the divisor b whose S-curve 1 - (1 - t^r)^b is closest to 0.5
at the threshold t. For 128 permutations and t = 0.5 that is 32 bands of 4 rows.

    python peer_rensa.py CORPUS --out clusters.json [--threshold 0.5] [--num-perm 128]
"""

import sys
import time
from importlib.metadata import version

from rensa import RMinHash, RMinHashLSH

import common


def optimal_num_bands(threshold: float, num_perm: int) -> int:
    """rensa's benchmark rule: the divisor of num_perm with P(candidate | J = t) closest to 0.5."""
    best, best_err = 1, float("inf")
    for b in range(1, num_perm + 1):
        if num_perm % b:
            continue
        r = num_perm // b
        err = abs(1 - (1 - threshold**r) ** b - 0.5)
        if err < best_err:
            best, best_err = b, err
    return best


def main() -> None:
    args = common.peer_args(__doc__.splitlines()[0])
    t0 = time.perf_counter()
    bands = optimal_num_bands(args.threshold, args.num_perm)
    lsh = RMinHashLSH(threshold=args.threshold, num_perm=args.num_perm, num_bands=bands)
    pairs: set[tuple[int, int]] = set()
    t_sketch = t_lsh = 0.0
    batches = common.Batches(args.corpus, args.batch)
    for start, batch in batches:
        a = time.perf_counter()
        sketches = RMinHash.from_token_sets(batch, num_perm=args.num_perm, seed=args.seed)
        b = time.perf_counter()
        lsh.insert_many(sketches, start_key=start)
        found = lsh.query_all(sketches)
        pairs.update(common.pairs_from_candidates(zip(range(start, start + len(batch)), found)))
        t_sketch += b - a
        t_lsh += time.perf_counter() - b
    ids, documents, empty = batches.ids, batches.documents, batches.empty
    t1 = time.perf_counter()

    common.write_clusters(
        args.out,
        {"name": "rensa", "version": version("rensa")},
        {"threshold": args.threshold, "num_perm": args.num_perm, "bands": bands,
         "rows": args.num_perm // bands,
         "api": "RMinHash.from_token_sets + RMinHashLSH.insert_many + query_all",
         "verified": False},
        ids, pairs, documents, empty,
    )
    t2 = time.perf_counter()
    print(f"rensa: {documents} docs ({empty} empty), bands {bands}x{args.num_perm // bands}, "
          f"{len(pairs)} candidate pairs; total read+sketch+lsh {t1 - t0:.1f}s "
          f"(sketch {t_sketch:.1f}s, lsh {t_lsh:.1f}s), write {t2 - t1:.1f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
