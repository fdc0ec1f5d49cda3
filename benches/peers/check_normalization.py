"""Checks that common.py's port of reprint's normalization gives reprint's Jaccard values.

Runs `reprint cluster SEEDS --candidates exact --threshold 0.15 --no-passages` and compares
every pair it reports with the Jaccard similarity of the Python word-5-gram sets of the same
two files, to 6 decimals. Exits 1 on any difference (or if reprint finds no pair).

    python check_normalization.py REPRINT_BINARY SEEDS_DIR WORK_DIR
"""

import json
import os
import subprocess
import sys

import common


def main() -> None:
    if len(sys.argv) != 4:
        sys.exit("usage: check_normalization.py REPRINT_BINARY SEEDS_DIR WORK_DIR")
    binary, seeds, work = sys.argv[1:]
    out = os.path.join(work, "seeds-exact")
    cmd = [binary, "cluster", seeds, "--candidates", "exact", "--threshold", "0.15",
           "--no-passages", "--out", out, "-q"]
    if subprocess.run(cmd).returncode not in (0, 3):
        sys.exit("error: reprint failed on the seeds: " + " ".join(cmd))
    with open(os.path.join(out, "clusters.json"), encoding="utf-8") as f:
        report = json.load(f)
    pairs = [p for c in report["clusters"] for p in c["pairs"]]
    if not pairs:
        sys.exit("error: reprint reported no pair on the seeds; cannot check the port")
    bad = 0
    for p in pairs:
        sets = []
        for doc_id in (p["a"], p["b"]):
            with open(os.path.join(seeds, doc_id), encoding="utf-8") as f:
                sets.append(common.shingle_set(f.read()))
        ours = common.jaccard(*sets)
        ok = abs(ours - p["jaccard"]) <= 6e-7  # reprint rounds to 6 decimals
        bad += not ok
        print(f"  {p['a']} / {p['b']}: reprint {p['jaccard']:.6f}, python {ours:.6f}"
              f"{'' if ok else '  <-- MISMATCH'}")
    if bad:
        sys.exit(f"error: the Python normalization disagrees with reprint on {bad} of {len(pairs)} seed pairs")
    print(f"normalization port agrees with reprint on {len(pairs)} seed pair(s)")


if __name__ == "__main__":
    main()
