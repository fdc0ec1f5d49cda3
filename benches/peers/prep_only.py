"""Baseline: only the Python work every peer script does before it calls its library.

Reads the corpus, normalizes and shingles every document exactly as the peer scripts do
(common.shingle_list), and throws the shingles away. Its time is the floor under each peer's
time: what is left above it is the peer library's own cost (hashing, LSH, output).

    python prep_only.py CORPUS
"""

import sys

import common


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: prep_only.py CORPUS")
    documents = empty = shingles = 0
    for _doc_id, text in common.read_corpus(sys.argv[1]):
        documents += 1
        sh = common.shingle_list(text)
        shingles += len(sh)
        empty += not sh
    print(f"prep: {documents} docs ({empty} empty), {shingles} distinct shingles in total", file=sys.stderr)


if __name__ == "__main__":
    main()
