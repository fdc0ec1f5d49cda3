"""Writes the scale section of the benchmark report from the runs of benches/scale/run.sh."""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess

BEGIN, END = "<!-- scale: begin -->", "<!-- scale: end -->"
TOOLS = [("reprint", "reprint (default: passages on)"),
         ("reprint-no-passages", "reprint `--no-passages`"),
         ("gaoya", "gaoya, own tokenizer"),
         ("rensa", "rensa, reprint's normalization in Python"),
         ("datasketch", "datasketch, reprint's normalization in Python")]


def time_v(path):
    wall = rss = cpu = None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if line.startswith("Elapsed (wall clock) time"):
                v = line.rsplit(": ", 1)[1].split(":")
                wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(v)))
            elif line.startswith("Maximum resident set size"):
                rss = int(line.rsplit(": ", 1)[1]) / 1024
            elif line.startswith("User time") or line.startswith("System time"):
                cpu = (cpu or 0) + float(line.rsplit(": ", 1)[1])
    return wall, cpu, rss


def sh(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "unknown"


def version(python, peer):
    """The `Version:` line of `pip show PEER` in the environment of `python`."""
    out = sh([python, "-m", "pip", "show", peer]).splitlines() if python else []
    return next((line for line in out if line.startswith("Version:")), "not run")


def main():
    ap = argparse.ArgumentParser()
    for a in ("--runs", "--report", "--command", "--reprint", "--rev", "--load", "--python"):
        ap.add_argument(a, default="")
    args = ap.parse_args()
    work = os.path.dirname(args.runs)
    runs = {}
    last = {}  # (label, tool) -> the number of its last successful run, whose outputs are read
    corpora = []
    with open(args.runs, encoding="utf-8") as f:
        for line in f:
            label, corpus, tool, run, code, tfile = line.rstrip("\n").split("\t")
            if label not in [c[0] for c in corpora]:
                corpora.append((label, corpus))
            if code in ("0", "3"):
                runs.setdefault((label, tool), []).append(time_v(tfile))
                last[(label, tool)] = run
            else:
                runs.setdefault((label, tool), [])
    corpora.sort(key=lambda c: c[0] != "snn")  # SaudiNewsNet first, as it runs last
    rows = ["| corpus | documents | MB | tool | wall s (median) | CPU s | peak RSS MB | gaoya time ÷ tool time "
            "| tool RSS ÷ gaoya RSS | passage candidates | links | overlaps | stage seconds |",
            "|" + "---|" * 13]
    for label, corpus in corpora:
        size_mb = os.path.getsize(corpus) / 1e6
        g = runs.get((label, "gaoya"), [])
        gw = statistics.median(r[0] for r in g) if g else None
        gr = statistics.median(r[2] for r in g) if g else None
        for tool, name in TOOLS:
            rs = runs.get((label, tool))
            if rs is None:
                continue
            if not rs:
                rows.append(f"| {label} | | {size_mb:,.0f} | {name} | failed | | | | | | | | |")
                continue
            wall = statistics.median(r[0] for r in rs)
            cpu = statistics.median(r[1] for r in rs)
            rss = statistics.median(r[2] for r in rs)
            docs = cands = links = overlaps = stages = ""
            man = os.path.join(work, f"o.{label}.{tool}.{last[(label, tool)]}", "manifest.json")
            if tool.startswith("reprint") and os.path.exists(man):
                with open(man, encoding="utf-8") as f:
                    m = json.load(f)
                c = m["counts"]
                docs = f"{c['documents']:,}"
                cands = f"{c['passage_candidates']:,}"
                links = f"{c['linked_pairs']:,}"
                overlaps = f"{c['overlap_pairs']:,}"
                stages = ", ".join(f"{k} {v / 1000:.1f}" for k, v in m["timings_ms"].items())
            else:
                out = os.path.join(work, f"o.{label}.{tool}.{last[(label, tool)]}.json")
                if os.path.exists(out):
                    with open(out, encoding="utf-8") as f:
                        rep = json.load(f)
                    n = rep.get("summary", {}).get("documents")
                    docs = f"{n:,}" if n else ""
            ratio_t = f"{gw / wall:.2f}×" if gw else "—"
            ratio_m = f"{rss / gr:.2f}×" if gr else "—"
            rows.append(f"| {label} | {docs} | {size_mb:,.0f} | {name} | {wall:.1f} | {cpu:.1f} | {rss:,.0f} | "
                        f"{ratio_t} | {ratio_m} | {cands} | {links} | {overlaps} | {stages} |")
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    md = [
        BEGIN,
        "## Scale: the default run on a million documents with shared paragraphs",
        "",
        f"Generated by `{args.command}` on {now}; rerun it to refresh this section (it replaces only "
        "the text between its markers).",
        "",
        f"- reprint: `{sh([args.reprint, '--version'])}` (git {args.rev}); " + "; ".join(
            f"{peer}: `{version(args.python, peer)}`" for peer in ("gaoya", "rensa", "datasketch")
            if peer == "gaoya" or any(t == peer for _, t in runs)),
        f"- machine: {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
        f"load average before / after: {args.load}",
        "- corpora: `snn` is SaudiNewsNet (`../shared/data/saudinewsnet.jsonl.gz`); `gN` is N documents "
        "from `benches/gen/make_corpus.py --docs N` (real paragraph chunks shared by about ten "
        "documents each, 10% near-duplicate copies).",
        "- every tool: word 5-grams, 128 permutations, threshold 0.5; gaoya with its own Rust tokenizer "
        "(`benches/peers/peer_gaoya.py --tokenizer native`); rensa and datasketch, when run (`--all-peers`, on "
        "the largest corpus), read, normalize and shingle in Python with reprint's normalization ported "
        "(`benches/peers/common.py`), as they have no tokenizer of their own; whole process under "
        "`/usr/bin/time -v`.",
        "",
        *rows,
        "",
        END,
    ]
    section = "\n".join(md)
    old = ""
    if os.path.exists(args.report):
        with open(args.report, encoding="utf-8") as f:
            old = f.read()
    b, e = old.find(BEGIN), old.find(END)
    new = old[:b] + section + old[e + len(END):] if 0 <= b < e else old.rstrip("\n") + "\n\n" + section + "\n"
    tmp = args.report + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(new)
    os.replace(tmp, args.report)
    print("\n".join(rows))
    print(f"\nwrote the scale section of {args.report}")


if __name__ == "__main__":
    main()
