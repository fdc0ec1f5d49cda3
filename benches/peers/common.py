"""Shared helpers for the peer benchmark scripts (benches/peers/peer_*.py, evaluate.py).

Only the Python standard library is used here, so every peer script pays the same cost for
reading, normalizing and shingling, and the evaluator can run without the peers installed.

The normalization is a port of reprint's default profile (src/normalize/): per character of
the original text

  1. Unicode compatibility decomposition (NFKD),
  2. removal of combining marks (General_Category M*, which is what reprint's
     `is_combining_mark` tests), tatweel U+0640 and default-ignorable format characters,
  3. lowercase (full mapping) with 'ß' -> 'ss' and final sigma -> 'σ',
  4. Arabic letter folding (hamza-carrying alefs -> ا, ى -> ي, ة -> ه, ؤ -> و, ئ -> ي),
  5. Arabic-Indic and Extended Arabic-Indic digits -> ASCII digits,
  6. every resulting character that is not alphanumeric separates words.

reprint passes runs of letters from scripts written without spaces (ideographs, kana, Thai
and neighbours) through the UAX #29 word segmenter. This port approximates that by making
each such character a word of its own, except Katakana, whose runs stay together (UAX #29
rule WB13). The benchmark corpora are Arabic and English, where this never matters;
check_normalization.py compares the port with reprint on the seeds.

The folding is done with `str.translate` and a table that is filled lazily, one entry per
distinct character, which runs at C speed after the first few thousand characters.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
import unicodedata
from typing import Iterator

# ---------------------------------------------------------------------------------------------
# Normalization
# ---------------------------------------------------------------------------------------------

TATWEEL = "\u0640"

# Default-ignorable format characters that reprint removes inside words (src/normalize/unicode.rs).
_IGNORABLE = set(
    [0x00AD, 0x061C, 0x180E, 0xFEFF]
    + list(range(0x200B, 0x2010))
    + list(range(0x202A, 0x202F))
    + list(range(0x2060, 0x2065))
    + list(range(0x2066, 0x206A))
)

# Arabic letter folding (src/normalize/arabic.rs).
_ARABIC_FOLD = {
    "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627",  # أ إ آ -> ا
    "\u0671": "\u0627", "\u0672": "\u0627", "\u0673": "\u0627",  # ٱ ٲ ٳ -> ا
    "\u0649": "\u064A",  # ى -> ي
    "\u0629": "\u0647",  # ة -> ه
    "\u0624": "\u0648",  # ؤ -> و
    "\u0626": "\u064A",  # ئ -> ي
}
for _i in range(10):
    _ARABIC_FOLD[chr(0x0660 + _i)] = str(_i)  # Arabic-Indic digits
    _ARABIC_FOLD[chr(0x06F0 + _i)] = str(_i)  # Extended Arabic-Indic digits


def _needs_segmenter(cp: int) -> bool:
    """Scripts written without spaces (same ranges as reprint's `needs_segmenter`)."""
    return (
        0x0E00 <= cp <= 0x0EFF or 0x1000 <= cp <= 0x109F or 0x1780 <= cp <= 0x17FF
        or 0x1950 <= cp <= 0x19DF or 0x1A20 <= cp <= 0x1AAF or 0x3040 <= cp <= 0x30FF
        or 0x31F0 <= cp <= 0x31FF or 0x3400 <= cp <= 0x4DBF or 0x4E00 <= cp <= 0x9FFF
        or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x3FFFF
    )


def _is_katakana(ch: str) -> bool:
    cp = ord(ch)
    return 0x30A0 <= cp <= 0x30FF or 0x31F0 <= cp <= 0x31FF


def _is_removed(ch: str) -> bool:
    return (
        unicodedata.category(ch).startswith("M")
        or unicodedata.combining(ch) != 0
        or ch == TATWEEL
        or ord(ch) in _IGNORABLE
    )


def _case_fold(ch: str) -> str:
    if ch in ("ß", "ẞ"):
        return "ss"
    if ch == "ς":
        return "σ"
    return ch.lower()


def fold_char(ch: str) -> str:
    """What one original character becomes: word characters, with ' ' for separators."""
    out = []
    for d in unicodedata.normalize("NFKD", ch):
        if _is_removed(d):
            continue
        for lc in _case_fold(d):
            lc = _ARABIC_FOLD.get(lc, lc)
            if not lc.isalnum():
                out.append(" ")
            elif _needs_segmenter(ord(lc)) and not _is_katakana(lc):
                out.append(" " + lc + " ")  # its own word (UAX #29 approximation)
            else:
                out.append(lc)
    return "".join(out)


class _FoldTable(dict):
    """A `str.translate` table that computes and remembers each character's folding."""

    def __missing__(self, cp: int) -> str:
        value = fold_char(chr(cp))
        self[cp] = value
        return value


_TABLE = _FoldTable()
# Pre-fill ASCII: letters and digits lowercase, everything else separates.
for _cp in range(128):
    _c = chr(_cp)
    _TABLE[_cp] = _c.lower() if _c.isalnum() else " "


def tokens(text: str) -> list[str]:
    """reprint's default-profile words of `text`."""
    return text.translate(_TABLE).split()


def shingles(words: list[str], n: int = 5) -> list[str]:
    """Word n-grams as strings of words joined by one space, in document order (with repeats).

    A document with 1..n-1 words gets one shingle of all its words; one with no words gets
    none (reprint's rule in src/shingle.rs).
    """
    count = len(words)
    if count == 0:
        return []
    if count < n:
        return [" ".join(words)]
    return [" ".join(words[i:i + n]) for i in range(count - n + 1)]


def shingle_set(text: str, n: int = 5) -> set[str]:
    """The shingle set of `text`: what Jaccard similarity (and MinHash) is computed on."""
    return set(shingles(tokens(text), n))


def shingle_list(text: str, n: int = 5) -> list[str]:
    """The distinct shingles of `text` as a list (what the peers are fed), [] for no words."""
    return list(dict.fromkeys(shingles(tokens(text), n)))


def jaccard(a: set, b: set) -> float:
    if not a and not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


# ---------------------------------------------------------------------------------------------
# Corpus
# ---------------------------------------------------------------------------------------------


def _lookup(value, dotted: str):
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def read_corpus(path: str, id_field: str = "id", text_field: str = "text") -> Iterator[tuple[str, str]]:
    """Yields (id, text) from a JSON Lines file, gzipped if the name ends in .gz.

    Records reprint would skip (bad JSON, missing or non-string text, missing id) are skipped
    here too; numeric ids become strings as in reprint.
    """
    if not os.path.isfile(path):
        sys.exit(f"error: corpus not found: {path}")
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue
            doc_id = _lookup(rec, id_field)
            text = _lookup(rec, text_field)
            if isinstance(doc_id, bool) or not isinstance(doc_id, (str, int, float)) or doc_id == "":
                continue
            if not isinstance(text, str):
                continue
            yield str(doc_id), text


# ---------------------------------------------------------------------------------------------
# Clusters
# ---------------------------------------------------------------------------------------------


class UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if ra < rb:
                self.parent[rb] = ra
            else:
                self.parent[ra] = rb


def write_clusters(path: str, tool: dict, params: dict, ids: list[str], pairs: set[tuple[int, int]],
                   documents: int, empty: int) -> None:
    """Writes a clusters JSON shaped like a small subset of reprint's clusters.json.

    `pairs` are the LSH candidate pairs (document indexes, a < b): every one is reported, none
    verified, and clusters are the connected components of those pairs.
    """
    uf = UnionFind(len(ids))
    for a, b in pairs:
        uf.union(a, b)
    groups: dict[int, list[int]] = {}
    for a, b in pairs:
        groups.setdefault(uf.find(a), [])
    for i in range(len(ids)):
        r = uf.find(i)
        if r in groups:
            groups[r].append(i)
    by_root: dict[int, list[tuple[int, int]]] = {r: [] for r in groups}
    for a, b in sorted(pairs):
        by_root[uf.find(a)].append((a, b))
    clusters = []
    for n, root in enumerate(sorted(groups, key=lambda r: groups[r][0]), start=1):
        members = groups[root]
        clusters.append({
            "id": n,
            "size": len(members),
            "members": [ids[i] for i in members],
            "pairs": [{"a": ids[a], "b": ids[b], "verified": False} for a, b in by_root[root]],
        })
    out = {
        "tool": tool,
        "params": params,
        "input": {"documents": documents, "empty": empty},
        "summary": {
            "candidate_pairs": len(pairs),
            "clusters": len(clusters),
            "clustered_documents": sum(c["size"] for c in clusters),
        },
        "clusters": clusters,
    }
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False)
    os.replace(tmp, path)


class Batches:
    """The non-empty documents of a corpus as batches of shingle lists, for bulk APIs.

    Iterating yields (index of the batch's first document, shingle lists); afterwards `ids`
    holds the ids of the yielded documents in order, `documents` counts every document read
    and `empty` those without words (never yielded).
    """

    def __init__(self, path: str, size: int) -> None:
        self.path, self.size = path, size
        self.ids: list[str] = []
        self.documents = self.empty = 0

    def __iter__(self) -> Iterator[tuple[int, list[list[str]]]]:
        batch: list[list[str]] = []
        for doc_id, text in read_corpus(self.path):
            self.documents += 1
            sh = shingle_list(text)
            if not sh:
                self.empty += 1
                continue
            self.ids.append(doc_id)
            batch.append(sh)
            if len(batch) >= self.size:
                yield len(self.ids) - len(batch), batch
                batch = []
        if batch:
            yield len(self.ids) - len(batch), batch


class TextBatches(Batches):
    """Like `Batches`, but yields the raw texts, for a library's own tokenizer; documents with
    no non-space character count as empty (the library sees nothing else of reprint's rules)."""

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        batch: list[str] = []
        for doc_id, text in read_corpus(self.path):
            self.documents += 1
            if not text.strip():
                self.empty += 1
                continue
            self.ids.append(doc_id)
            batch.append(text)
            if len(batch) >= self.size:
                yield len(self.ids) - len(batch), batch
                batch = []
        if batch:
            yield len(self.ids) - len(batch), batch


def pairs_from_candidates(candidate_lists) -> set[tuple[int, int]]:
    """Turns per-document candidate lists (query results by document index) into pairs a < b."""
    pairs = set()
    for i, cands in candidate_lists:
        for j in cands:
            j = int(j)
            if j != i:
                pairs.add((i, j) if i < j else (j, i))
    return pairs


def peer_args(description: str, tokenizer: bool = False):
    """Command line shared by the peer scripts (`tokenizer`: offer --tokenizer port|native)."""
    import argparse

    p = argparse.ArgumentParser(description=description)
    p.add_argument("corpus", help="JSON Lines (.jsonl or .jsonl.gz) with fields id and text")
    p.add_argument("--out", required=True, help="clusters JSON to write")
    p.add_argument("--threshold", type=float, default=0.5, help="Jaccard threshold (default 0.5)")
    p.add_argument("--num-perm", type=int, default=128, help="MinHash permutations (default 128)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--batch", type=int, default=2000, help="documents per batch (bounds memory)")
    if tokenizer:
        p.add_argument("--tokenizer", choices=("port", "native"), default="port",
                       help="port: reprint's normalization in Python; native: the library's own tokenizer")
    return p.parse_args()
