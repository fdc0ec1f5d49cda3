"""Turns the runs recorded by run.sh into one Markdown table and reports/BENCHMARKS.md.

For every tool it reads the `/usr/bin/time -v` output of each run (wall time, peak resident
memory) and the clusters JSON of its first successful run, and scores the pairs that run
reported against the exact answer (`reprint cluster --candidates exact`: every pair whose
word-5-gram Jaccard reaches the threshold):

* pairs reported: LSH candidate pairs for the peers (none of them verified), linked pairs for
  reprint (verified; with passages on, also passage links below the threshold), each star of
  copies equal after normalization expanded into the pairs it implies (for the exact answer too);
* pairs with J >= T: reported pairs whose exact Jaccard, computed here with the Python port
  of reprint's normalization (common.py), reaches the threshold;
* recall: share of the exact pair set among them;
* false positives: reported pairs below the threshold (unverified candidates);
* clusters after exact verification: connected components of the pairs with J >= T.

It also re-checks the normalization port on the whole corpus: every exact pair's Python
Jaccard must equal reprint's (to 6 decimals).

    python evaluate.py --work DIR --corpus CORPUS --threshold T --num-perm P --runs N \\
        --report reports/BENCHMARKS.md --command "bash benches/peers/run.sh ..." [--note TEXT]
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import json
import os
import platform
import re
import statistics
import subprocess
import sys

import common

# Rows of the table, in order: key, label, kind.
TOOLS = [
    ("reprint", "reprint, whole-document (`--no-passages`)", "reprint"),
    ("reprint-passages", "reprint, with passage detection", "reprint"),
    ("reprint-exact", "reprint `--candidates exact` (the exact answer)", "reprint"),
    ("datasketch", "datasketch", "peer"),
    ("rensa", "rensa", "peer"),
    ("gaoya", "gaoya", "peer"),
    ("gaoya-native", "gaoya, own tokenizer (not reprint's normalization)", "peer"),
    ("prep", "Python read + normalize + shingle only (floor under every peer)", "baseline"),
]
BASE = "reprint"
# reprint writes Jaccard rounded to 6 decimals: a difference up to half a unit (plus float noise)
# is rounding, anything larger a real disagreement.
ROUNDING = 6e-7


def parse_time_v(path: str) -> tuple[float | None, float | None, float | None]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MB) from `/usr/bin/time -v`."""
    wall = rss = cpu = None
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return None, None, None
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text)
    if m:
        parts = [float(x) for x in m.group(1).split(":")]
        wall = 0.0
        for p in parts:
            wall = wall * 60 + p
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if m:
        rss = int(m.group(1)) / 1024
    user = re.search(r"User time \(seconds\): ([\d.]+)", text)
    system = re.search(r"System time \(seconds\): ([\d.]+)", text)
    if user and system:
        cpu = float(user.group(1)) + float(system.group(1))
    return wall, cpu, rss


def read_runs(work: str) -> dict[str, list[dict]]:
    runs: dict[str, list[dict]] = {}
    path = os.path.join(work, "runs.tsv")
    if not os.path.exists(path):
        return runs
    with open(path, encoding="utf-8") as f:
        for line in f:
            key, run, code, time_file, out, cmd = line.rstrip("\n").split("\t")
            wall, cpu, rss = parse_time_v(time_file)
            runs.setdefault(key, []).append({
                "run": int(run), "code": int(code), "wall": wall, "cpu": cpu, "rss": rss,
                "out": None if out == "-" else out, "cmd": cmd,
            })
    return runs


def read_status(work: str) -> dict[str, str]:
    status = {}
    path = os.path.join(work, "status.tsv")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                key, msg = line.rstrip("\n").split("\t", 1)
                status[key] = msg
    return status


def pairs_of(report: dict) -> list[tuple[str, str]]:
    out = []
    for c in report["clusters"]:
        for p in c.get("pairs", []):
            a, b = p["a"], p["b"]
            out.append((a, b) if a < b else (b, a))
    return out


def groups(pairs) -> list[list[str]]:
    """The connected components of `pairs`, each as the list of its documents."""
    index: dict[str, int] = {}
    for a, b in pairs:
        index.setdefault(a, len(index))
        index.setdefault(b, len(index))
    uf = common.UnionFind(len(index))
    for a, b in pairs:
        uf.union(index[a], index[b])
    out: dict[int, list[str]] = {}
    for d, i in index.items():
        out.setdefault(uf.find(i), []).append(d)
    return list(out.values())


def components(pairs) -> int:
    return len(groups(pairs))


def fmt_int(n) -> str:
    return "—" if n is None else f"{n:,}"


def fmt_f(x, digits=2) -> str:
    return "—" if x is None else f"{x:,.{digits}f}"


def sh(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def machine_facts() -> list[str]:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "unknown"
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("MemTotal"):
                    mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                    break
    except OSError:
        pass
    return [
        f"`nproc`: {sh(['nproc'])}",
        f"CPU: {cpu}",
        f"memory: {mem}",
        f"OS: {platform.system()} {platform.release()} ({platform.machine()})",
    ]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--work", required=True)
    p.add_argument("--corpus", required=True)
    p.add_argument("--corpus-label", help="how to name the corpus in the report (default: its path)")
    p.add_argument("--threshold", type=float, required=True)
    p.add_argument("--num-perm", type=int, required=True)
    p.add_argument("--runs", type=int, required=True)
    p.add_argument("--report", required=True)
    p.add_argument("--command", required=True)
    p.add_argument("--reprint", required=True, help="reprint binary (for its version)")
    p.add_argument("--reprint-info", default="", help="where the binary came from (for the report)")
    p.add_argument("--python", required=True, help="the venv's python (for versions)")
    p.add_argument("--load-start", default="")
    p.add_argument("--load-end", default="")
    p.add_argument("--note", action="append", default=[])
    args = p.parse_args()
    t = args.threshold

    runs = read_runs(args.work)
    status = read_status(args.work)

    # --- the exact answer ---------------------------------------------------------------------
    exact_run = next((r for r in runs.get("reprint-exact", []) if r["code"] in (0, 3) and r["out"]), None)
    if exact_run is None:
        sys.exit("error: no successful `reprint --candidates exact` run; cannot score recall")
    with open(exact_run["out"], encoding="utf-8") as f:
        exact_report = json.load(f)
    exact_values = {}
    for c in exact_report["clusters"]:
        for pr in c["pairs"]:
            a, b = sorted((pr["a"], pr["b"]))
            exact_values[(a, b)] = pr["jaccard"]
    exact = set(exact_values)

    # --- the pairs each tool reported (first successful run) -----------------------------------
    reports: dict[str, dict] = {}
    reported: dict[str, list[tuple[str, str]]] = {}
    pair_counts: dict[str, set[int]] = {}
    for key, _label, kind in TOOLS:
        if kind == "baseline":
            continue
        for r in runs.get(key, []):
            if r["code"] not in (0, 3) or not r["out"] or not os.path.exists(r["out"]):
                continue
            with open(r["out"], encoding="utf-8") as f:
                rep = json.load(f)
            pair_counts.setdefault(key, set()).add(len(pairs_of(rep)))
            if key not in reports:
                reports[key] = rep
                reported[key] = pairs_of(rep)

    # --- exact Jaccard of every pair anyone reported, with the Python port ---------------------
    needed = set()
    for prs in list(reported.values()) + [list(exact)]:
        for a, b in prs:
            needed.add(a)
            needed.add(b)
    sets: dict[str, set[str]] = {}
    documents = empty = 0
    raw_bytes = 0
    opener = gzip.open if args.corpus.endswith(".gz") else open
    with opener(args.corpus, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            raw_bytes += len(chunk)
    for doc_id, text in common.read_corpus(args.corpus):
        documents += 1
        if doc_id in needed:
            sets[doc_id] = common.shingle_set(text)
        elif not common.tokens(text):
            empty += 1
    empty += sum(1 for s in sets.values() if not s)
    jac: dict[tuple[str, str], float] = {}

    def j(pair):
        if pair not in jac:
            a, b = pair
            jac[pair] = common.jaccard(sets.get(a, set()), sets.get(b, set()))
        return jac[pair]

    port_bad = sum(1 for pr, v in exact_values.items() if abs(j(pr) - v) > ROUNDING)

    # --- copies listed as a star, expanded -------------------------------------------------------
    # reprint links the documents whose shingle sets are equal (copies equal after normalization)
    # to the first of them and lets only that one into the candidate stages (README, "many
    # documents with the same text"), so its reports list each such copy's pair with the first
    # copy and not its pairs with the other copies or with the first copy's partners. Every pair
    # it implies has the same exact Jaccard as a listed one: expanded here, for the exact answer
    # and every reprint row alike, so that recall counts every pair with J >= T.
    same: list[tuple[str, str]] = []
    for key, _label, kind in TOOLS:
        if kind == "reprint" and key in reported:
            same += [pr for pr in reported[key] if sets.get(pr[0]) and j(pr) == 1.0]
    same += [pr for pr in exact if sets.get(pr[0]) and j(pr) == 1.0]
    copies = {d: g for g in groups(same) for d in g}

    def expand(prs) -> list[tuple[str, str]]:
        out = set()
        for a, b in prs:
            for x in copies.get(a, [a]):
                for y in copies.get(b, [b]):
                    if x != y:
                        out.add((x, y) if x < y else (y, x))
        return sorted(out)

    listed_exact = len(exact)
    exact = set(expand(exact))
    for key, _label, kind in TOOLS:
        if kind == "reprint" and key in reported:
            reported[key] = expand(reported[key])

    # --- rows -----------------------------------------------------------------------------------
    mb = raw_bytes / 1e6
    base_runs = [r for r in runs.get(BASE, []) if r["code"] in (0, 3) and r["wall"] is not None]
    base_wall = statistics.median(r["wall"] for r in base_runs) if base_runs else None
    base_best = min(r["wall"] for r in base_runs) if base_runs else None
    base_rss = statistics.median(r["rss"] for r in base_runs) if base_runs else None
    header = ("| tool | banding (b×r) | wall s, median of {n} (range) | × reprint time, median (best run) | CPU s (user+sys) | peak RSS MB | × reprint RSS "
              "| docs/s | MB/s | pairs reported | of which unverified | pairs with J ≥ T | recall | "
              "false positives (J < T) | clusters as reported | clusters after exact verification |").format(n=args.runs)
    ncols = header.count("|") - 1
    lines = [header, "|" + "---|" * ncols]
    notes_runs = []
    for key, label, kind in TOOLS:
        rs = runs.get(key, [])
        ok = [r for r in rs if r["code"] in (0, 3) and r["wall"] is not None]
        failed = [r for r in rs if r["code"] not in (0, 3)]
        name = label
        if kind == "peer":
            rep = reports.get(key)
            ver = rep["tool"]["version"] if rep else None
            name = f"{label} {ver}" if ver else label
        if not ok:
            why = status.get(key.removesuffix("-native")) or (f"failed (exit {failed[0]['code']})" if failed else "not run")
            lines.append(f"| {name} | " + " | ".join([why] + ["—"] * (ncols - 2)) + " |")
            continue
        wall = statistics.median(r["wall"] for r in ok)
        best = min(r["wall"] for r in ok)
        worst = max(r["wall"] for r in ok)
        rss = statistics.median(r["rss"] for r in ok)
        cells = [name]
        rep = reports.get(key)
        params = rep.get("params", {}) if rep else {}
        if params.get("bands"):
            cells.append(f"{params['bands']}×{params['rows']}")
        elif key == "reprint-exact":
            cells.append("none (prefix-filtered join)")
        else:
            cells.append("—")
        cells += [
            fmt_f(wall) + (f" ({best:.2f}–{worst:.2f})" if len(ok) > 1 else ""),
            (f"{wall / base_wall:.2f}× ({best / base_best:.2f}×)" if len(ok) > 1 else f"{wall / base_wall:.2f}×")
            if base_wall else "—",
            fmt_f(statistics.median(r["cpu"] for r in ok)) if all(r["cpu"] is not None for r in ok) else "—",
            fmt_f(rss, 0),
            fmt_f(rss / base_rss) + "×" if base_rss else "—",
            fmt_f(documents / wall, 0),
            fmt_f(mb / wall, 1),
        ]
        if len(ok) < len(rs):
            notes_runs.append(f"{label}: {len(rs) - len(ok)} of {len(rs)} runs failed; medians over the rest.")
        if kind == "baseline" or rep is None:
            cells += ["—"] * 7
        else:
            prs = reported[key]
            good = [pr for pr in prs if j(pr) >= t]
            below = len(prs) - len(good)
            found = set(good) & exact
            recall = len(found) / len(exact) if exact else None
            if kind == "reprint":
                unverified = 0
                if key == "reprint-passages":
                    fp = f"0 (+{below:,} passage links below T)"
                else:
                    fp = fmt_int(below)
                clusters = rep["summary"]["clusters"]
                after = components(good) if key == "reprint-passages" else clusters
            else:
                unverified = len(prs)
                fp = fmt_int(below)
                clusters = rep["summary"]["clusters"]
                after = components(good)
            cells += [fmt_int(len(prs)), fmt_int(unverified), fmt_int(len(good)),
                      fmt_f(recall, 4) if recall is not None else "—", fp, fmt_int(clusters), fmt_int(after)]
            extra = set(good) - exact
            if extra:
                notes_runs.append(f"{label}: {len(extra)} pairs reach J ≥ T in Python but are not in the "
                                  "exact set (normalization port disagreement).")
        if len(pair_counts.get(key, set())) > 1:
            lo, hi = min(pair_counts[key]), max(pair_counts[key])
            notes_runs.append(f"{label}: pairs reported varied across runs ({lo:,}–{hi:,}); "
                              "quality columns are from the first run.")
        lines.append("| " + " | ".join(cells) + " |")
    table = "\n".join(lines)

    # --- versions -------------------------------------------------------------------------------
    versions = [f"reprint: `{sh([args.reprint, '--version'])}`" + (f" ({args.reprint_info})" if args.reprint_info else ""),
                f"rustc: `{sh(['rustc', '--version'])}`"]
    versions.append("Python: `" + sh([args.python, "-c", "import sys; print(sys.version.split()[0])"]) + "`")
    freeze = sh([args.python, "-m", "pip", "freeze", "--disable-pip-version-check"])
    versions.append("peer venv (`pip freeze`): " + (", ".join(f"`{x}`" for x in freeze.split()) or "unknown"))
    for key in ("datasketch", "rensa", "gaoya"):
        if key in status:
            versions.append(f"{key}: {status[key]}")

    sample = {}
    for key, _l, _k in TOOLS:
        if runs.get(key):
            sample[key] = runs[key][0]["cmd"]

    exact_sum = exact_report["summary"]
    r_lsh = reports.get("reprint", {}).get("summary", {})
    r_pass = reports.get("reprint-passages", {}).get("summary", {})
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    md = [
        "# Peer benchmarks: reprint vs datasketch, rensa, gaoya",
        "",
        f"Generated by `benches/peers/run.sh` on {now}. Rerun the command below to refresh it; "
        "hand edits are overwritten.",
        "",
        "## Command",
        "",
        "```",
        args.command,
        "```",
        "",
        "Per tool (each was run " + f"{args.runs}" + " time(s), one process at a time, under "
        "`/usr/bin/time -v`, rounds interleaved so background load hits every tool alike, after one untimed "
        "round of every tool):",
        "",
        "```",
        *[sample[k] for k in sample],
        "```",
        "",
        "## Machine",
        "",
        *[f"- {x}" for x in machine_facts()],
        f"- load average before the runs: {args.load_start or 'unknown'}; after: {args.load_end or 'unknown'}",
        "",
        "## Versions",
        "",
        *[f"- {x}" for x in versions],
        "",
        "## Corpus and settings",
        "",
        f"- corpus: `{args.corpus_label or args.corpus}`: {documents:,} documents ({empty:,} without any word, skipped by every tool), "
        f"{raw_bytes / 1e6:.1f} MB of JSON Lines ({os.path.getsize(args.corpus) / 1e6:.1f} MB on disk)",
        f"- word 5-gram shingles after reprint's default normalization (ported to Python for the peers), "
        f"MinHash with {args.num_perm} permutations, Jaccard threshold T = {t}",
        f"- exact answer: {len(exact):,} pairs with J ≥ {t} (`reprint --candidates exact`: {listed_exact:,} listed, "
        "the rest pairs of copies equal after normalization, which it lists as a star around the first; "
        f"see *How to read this*), {exact_sum.get('clusters', 0):,} clusters",
        f"- normalization port check on the whole corpus: {listed_exact - port_bad:,} of {listed_exact:,} listed exact pairs "
        "get the same Jaccard (6 decimals) from the Python port" + (" — MISMATCHES, see evaluate.py" if port_bad else ""),
        "",
        "## Results",
        "",
        table,
        "",
        "## How to read this",
        "",
        f"- Times are end to end for one process: reading the gzipped JSONL, normalizing, shingling, hashing, "
        f"LSH, clustering and writing the outputs: a clusters JSON for the peers; for reprint also its clusters CSV, "
        f"manifest and the report's pages, and with passages aligning and `overlaps.jsonl`. docs/s counts all {documents:,} documents; MB/s is the "
        f"uncompressed JSONL size ({raw_bytes / 1e6:.1f} MB) over the median wall time. × columns divide by "
        "the `reprint --no-passages` row; in brackets, the ratio of the fastest runs, which is less "
        "sensitive to other load on the machine (it slows the multi-threaded reprint more than the "
        "mostly single-threaded peers). CPU s above wall s means the tool used several cores: reprint "
        "uses one thread per core by default, gaoya's bulk calls and rensa's batch sketching may use "
        "threads too, datasketch runs on one.",
        "- Peers run as Python processes that read the corpus, apply the same normalization and shingles as "
        "reprint (benches/peers/common.py), call the library, and take connected components of the LSH "
        "candidate pairs. They do **not** verify candidates against the exact Jaccard, so every pair they "
        "report is unverified; *false positives* are those below T, and *clusters after exact verification* "
        "shows what they would give after such a step (computed by this evaluator, not timed).",
        "- *gaoya, own tokenizer* is gaoya's fastest path (`peer_gaoya.py --tokenizer native`: its Rust "
        "tokenizer on the raw texts, lowercased word 5-grams), the one the scale section times. It does not "
        "fold Arabic letters, digits or marks as reprint does, and gives every document of fewer than five "
        "words the same signature, so its pairs differ from the others'; its quality columns still score "
        "them with reprint's shingles. Compare speed against this row: the Python port of the normalization "
        "is most of the other peers' time (last row).",
        "- The last row times only the Python reading, normalization and shingling the peer scripts share; "
        "the rest of a peer's time is the library's own.",
        "- reprint lists the copies of a document that are equal after normalization as a star around the "
        "first copy (only that one enters the candidate stages); this evaluator expands each star into every "
        "pair it implies (same shingle set, so same Jaccard with every partner) for the exact answer and the "
        "reprint rows alike, so *pairs reported* of a reprint row counts the pairs its output implies.",
        "- reprint verifies every LSH candidate (exact Jaccard on its shingle sets) before linking, so it reports "
        f"no false positive. Internally its LSH produced {fmt_int(r_lsh.get('candidate_pairs'))} candidates "
        f"for {fmt_int(r_lsh.get('verified_pairs'))} verified pairs. With passage detection on (the default) its "
        "clusters JSON holds the story and duplicate links: "
        f"{fmt_int(r_pass.get('passage_links'))} of them linked by passages (partial reprints, almost all below T by "
        f"design) from {fmt_int(r_pass.get('passage_candidates'))} passage candidates. The "
        f"{fmt_int(r_pass.get('overlap_pairs'))} overlaps (a passage too small a part of a document, or too common, "
        f"for a story; among them {fmt_int(r_pass.get('pruned_links'))} links set aside at roundups and hubs of "
        f"boilerplate and {fmt_int(r_pass.get('split_links'))} across sparse cuts) are in `overlaps.jsonl`, not "
        "scored here: that is why the row misses a few pairs with J ≥ T.",
        "- Banding differs by tool: datasketch picks (b, r) for the threshold itself; gaoya derives it from "
        f"`num_hashes` (using b·r ≤ {args.num_perm} hashes); rensa needs `num_bands` dividing {args.num_perm}, chosen by the rule of "
        "rensa's own LSH benchmark; reprint picks its own from the threshold. Recall and false positives "
        "follow from that choice as much as from the library.",
        "- gaoya's query already drops candidates whose *signature-estimated* Jaccard is below T, so it "
        "reports fewer false positives than the other peers, but that estimate is not an exact check.",
        "- Peak RSS is the process's maximum resident set size; for the peers it includes the Python "
        "interpreter and numpy/scipy where imported.",
        *[f"- {n}" for n in notes_runs],
        *[f"- Note: {n}" for n in args.note],
        "",
    ]
    os.makedirs(os.path.dirname(os.path.abspath(args.report)), exist_ok=True)
    # Other scripts own the sections between "<!-- NAME: begin -->" and "<!-- NAME: end -->"
    # (benches/scale/run.sh, benches/index/run.sh): keep them.
    kept = ""
    if os.path.exists(args.report):
        with open(args.report, encoding="utf-8") as f:
            old = f.read()
        for m in re.finditer(r"<!-- ([a-z]+): begin -->.*?<!-- \1: end -->", old, re.S):
            kept += "\n" + m.group(0) + "\n"
    tmp = args.report + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("\n".join(md) + kept)
    os.replace(tmp, args.report)
    print(table)
    if notes_runs:
        print("\n".join(notes_runs))
    if port_bad:
        print(f"warning: normalization port disagrees with reprint on {port_bad} exact pairs", file=sys.stderr)
    print(f"\nwrote {args.report}")


if __name__ == "__main__":
    main()
