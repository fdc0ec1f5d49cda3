"""reprint on Apache Spark: the pipeline of `reprint cluster` / `reprint dedup` as stages over
Parquet, run in parallel by Spark, with the same outputs as the single-machine run.

    spark-submit spark/reprint_spark.py cluster INPUT... --out DIR [reprint flags] [job options]
    spark-submit spark/reprint_spark.py dedup   INPUT... --out DIR [reprint flags] [job options]

Job options (everything else is a reprint flag, passed on to the stage commands):

    --reprint PATH   the reprint binary, at the same path on every executor, or shipped with
                     `spark-submit --files PATH` (default: `reprint` on PATH, else
                     target/release/reprint of this repository)
    --work DIR       intermediate Parquet (sketch/, pairs/, docs/, links/); on a cluster a
                     directory every executor and the driver see at the same path
                     (default: DIR.work next to --out, removed after a successful run)
    --keep-work      keep --work after a successful run
    --groups N       link tasks (default: 4 per default parallelism)

The stages (`reprint stage ...` are commands of the binary; the rest is Spark code below):

    parts      reprint stage parts INPUT...           the inputs' parts, in reading order (driver)
    sketch     reprint stage sketch PART --part K     one task per part, sketch/part-K.parquet
    check      reprint stage check sketch/*.parquet   same parameters everywhere; max_df, min_shared
    candidates Spark SQL (candidate_pairs below)      pairs/g=G/, docs/g=G/ (G: link group)
    link       reprint stage link --pairs --docs      one task per group, links/links-G.parquet
    report     reprint cluster|dedup --links links/   the outputs, on the driver

Any failure of the binary stops the job with its stderr: a non-zero status, except 3 (records
skipped, named on stderr) from sketch and the report; the report's status (3, or 1 for
`dedup --check`) is the job's. The time of each
stage is printed at the end.
"""

import json
import os
import shutil
import subprocess
import sys
import time

# Flags of reprint that take no value. Every other flag takes exactly one (`--flag VALUE` or
# `--flag=VALUE`); that is how inputs are told from flag values.
BOOLEAN_FLAGS = {
    "--no-passages", "--allow-empty", "--no-html", "--annotate", "--check", "--quiet", "-q",
}
# Flags of the report commands that the other stages do not take.
REPORT_ONLY = {"--out", "-o", "--no-html", "--html-max-pairs", "--annotate", "--check",
               "--copy-to", "--quiet", "-q", "--threads", "-j"}
JOB_FLAGS = {"--reprint", "--work", "--groups"}


class JobError(Exception):
    """A failure that stops the job, with a message for the user."""


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------

def parse_args(argv):
    """Splits the job's command line into (command, inputs, reprint flags as (flag, value|None)
    pairs, job options)."""
    if not argv or argv[0] not in ("cluster", "dedup"):
        raise JobError("usage: reprint_spark.py cluster|dedup INPUT... --out DIR [reprint flags] "
                       "[--reprint PATH] [--work DIR] [--keep-work] [--groups N]")
    command, rest = argv[0], argv[1:]
    inputs, flags = [], []
    job = {"reprint": None, "work": None, "groups": None, "keep_work": False}
    i = 0
    while i < len(rest):
        arg = rest[i]
        if arg == "--keep-work":
            job["keep_work"] = True
            i += 1
            continue
        if arg == "-":
            raise JobError("standard input cannot be read by Spark tasks: give files or directories")
        if not arg.startswith("-"):
            inputs.append(arg)
            i += 1
            continue
        name, eq, value = arg.partition("=")
        if name == "--against":
            raise JobError("--against is not supported by the Spark job (the stages number the "
                           "inputs only); run `reprint dedup --against` on one machine")
        if name in BOOLEAN_FLAGS:
            if eq:
                raise JobError(f"{name} takes no value")
            flags.append((name, None))
            i += 1
            continue
        if not eq:
            if i + 1 >= len(rest):
                raise JobError(f"{name} needs a value")
            value = rest[i + 1]
            i += 2
        else:
            i += 1
        if name in JOB_FLAGS:
            job[name[2:]] = value
        else:
            flags.append((name, value))
    if not inputs:
        raise JobError("no INPUT given")
    given = dict(flags)
    out = given.get("--out", given.get("-o"))
    if out is None:
        raise JobError("--out DIR is required")
    method = given.get("--method", "minhash")
    candidates = given.get("--candidates", "lsh")
    if method != "minhash" or candidates != "lsh":
        raise JobError(f"the Spark job runs --method minhash --candidates lsh only (given: "
                       f"--method {method} --candidates {candidates}); run other modes with "
                       f"`reprint {command}` on one machine")
    if job["groups"] is not None:
        try:
            job["groups"] = int(job["groups"])
        except ValueError:
            raise JobError(f"--groups must be a positive number, not {job['groups']!r}")
        if job["groups"] < 1:
            raise JobError("--groups must be at least 1")
    return command, inputs, flags, job, out


def flat(flags, drop=()):
    """The flags as arguments, without those named in `drop`."""
    out = []
    for name, value in flags:
        if name in drop:
            continue
        out.append(name)
        if value is not None:
            out.append(value)
    return out


def find_reprint(given):
    if given:
        return os.path.abspath(given) if os.path.exists(given) else given
    on_path = shutil.which("reprint")
    if on_path:
        return on_path
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target", "release", "reprint")
    if os.path.exists(here):
        return os.path.abspath(here)
    raise JobError("no reprint binary: give --reprint PATH (or put reprint on PATH)")


def run_binary(argv, what, env=None):
    """Runs the binary; returns its stdout. Fails loudly (with stderr) on a non-zero exit."""
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    if p.returncode != 0:
        raise JobError(f"{what} failed with status {p.returncode}: {' '.join(argv)}\n"
                       f"{p.stderr.decode('utf-8', 'replace')}")
    return p.stdout.decode("utf-8")


def parquet_files(directory):
    """The Parquet files Spark wrote into `directory`, named one by one."""
    return sorted(os.path.join(directory, f) for f in os.listdir(directory) if f.endswith(".parquet"))


def executor_task(binary, threads):
    """A function for executors: runs one stage command, returns (key, status, stderr, seconds).
    The binary is taken at `binary`, or from the files shipped with --files."""
    def run(job):
        key, argv = job
        path = binary
        if not os.path.exists(path):
            from pyspark import SparkFiles
            path = SparkFiles.get(os.path.basename(binary))
            if os.path.exists(path) and not os.access(path, os.X_OK):
                os.chmod(path, 0o755)
        env = dict(os.environ, RAYON_NUM_THREADS=str(threads))
        t = time.time()
        p = subprocess.run([path] + argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        return key, p.returncode, p.stderr.decode("utf-8", "replace"), time.time() - t
    return run


def run_on_executors(sc, binary, jobs, what, ok=(0,)):
    """Runs `jobs` ((key, argv) pairs) as one Spark task each; fails on any status not in `ok`."""
    if not jobs:
        return []
    threads = int(sc.getConf().get("spark.task.cpus", "1"))
    results = sc.parallelize(jobs, len(jobs)).map(executor_task(binary, threads)).collect()
    failed = [r for r in results if r[1] not in ok]
    if failed:
        key, status, stderr, _ = failed[0]
        raise JobError(f"{what} {key} failed with status {status} ({len(failed)} of {len(jobs)} "
                       f"tasks failed); its stderr:\n{stderr}")
    return results


# ---------------------------------------------------------------------------------------------
# Candidates: the Spark side of the pipeline. Each function takes and returns DataFrames; the
# semantics are those of the single-machine run (src/pipeline/identical.rs, candidates.rs,
# src/lsh/banding.rs, src/lsh/winnow.rs), which the CI test checks end to end.
# ---------------------------------------------------------------------------------------------

def numbered(sketch, counts):
    """The sketch rows with `doc`, the document's global number: documents are numbered in
    reading order, part by part, so doc = (documents in parts 0..K-1) + row. `counts` is
    {part: number of documents}, collected from the (small) per-part counts."""
    from pyspark.sql import functions as F
    offsets, total = [], 0
    for k in sorted(counts):
        offsets.append((k, total))
        total += counts[k]
    spark = sketch.sparkSession
    table = spark.createDataFrame(offsets, "part INT, offset LONG")
    return (sketch.join(F.broadcast(table), "part")
            .withColumn("doc", F.col("offset") + F.col("row")).drop("offset"))


def active_documents(docs):
    """The documents that enter candidates: not empty, and the first (smallest number) of their
    group of byte-identical texts. Later copies are linked to that first one by the report
    stage. Grouping is by `text_hash` (xxh3-128) and, within a hash held by several documents,
    by the text itself, so that a hash collision never merges different texts (as
    src/pipeline/identical.rs). Only the hashes held twice or more have their texts shuffled."""
    from pyspark.sql import functions as F, Window
    words = docs.filter(~F.col("empty"))
    repeated = words.groupBy("text_hash").count().filter(F.col("count") >= 2).select("text_hash")
    copies = words.join(repeated, "text_hash", "left_semi")
    first = (copies.withColumn("first", F.min("doc").over(Window.partitionBy("text_hash", "text")))
             .filter(F.col("doc") != F.col("first")).select("doc"))
    return words.join(first, "doc", "left_anti")


def lsh_pairs(active):
    """MinHash LSH: two active documents sharing the key of one band. In SQL:

        WITH b AS (SELECT doc, pos AS band, key FROM active
                   LATERAL VIEW posexplode(bands) AS pos, key)
        SELECT DISTINCT x.doc AS a, y.doc AS b
        FROM b x JOIN b y ON x.band = y.band AND x.key = y.key AND x.doc < y.doc
    """
    from pyspark.sql import functions as F
    b = active.select("doc", F.posexplode("bands").alias("band", "key"))
    x, y = b.alias("x"), b.alias("y")
    return (x.join(y, (F.col("x.band") == F.col("y.band")) & (F.col("x.key") == F.col("y.key"))
                   & (F.col("x.doc") < F.col("y.doc")))
            .select(F.col("x.doc").alias("a"), F.col("y.doc").alias("b")).distinct())


def fingerprint_postings(active):
    """(doc, fp, df) for every fingerprint of an active document held by 2 or more active
    documents; df = the number of active documents holding it (fps are distinct within a
    document, so a count of rows is a count of documents):

        WITH p AS (SELECT doc, fp FROM active LATERAL VIEW explode(fps) AS fp)
        SELECT doc, fp, df FROM p JOIN (SELECT fp, count(*) AS df FROM p GROUP BY fp
                                        HAVING count(*) >= 2) USING (fp)
    """
    from pyspark.sql import functions as F
    p = active.select("doc", F.explode("fps").alias("fp"))
    df = p.groupBy("fp").agg(F.count(F.lit(1)).alias("df")).filter(F.col("df") >= 2)
    return p.join(df, "fp")


def passage_pairs(postings, max_df, min_shared):
    """Pairs of active documents sharing at least max(min_shared, 1) fingerprints held by 2 to
    max_df active documents (a fingerprint held by more is boilerplate and proposes nothing):

        WITH q AS (SELECT doc, fp FROM postings WHERE df <= :max_df)
        SELECT x.doc AS a, y.doc AS b FROM q x JOIN q y ON x.fp = y.fp AND x.doc < y.doc
        GROUP BY x.doc, y.doc HAVING count(*) >= greatest(:min_shared, 1)
    """
    from pyspark.sql import functions as F
    q = postings.filter(F.col("df") <= max_df).select("doc", "fp")
    x, y = q.alias("x"), q.alias("y")
    return (x.join(y, (F.col("x.fp") == F.col("y.fp")) & (F.col("x.doc") < F.col("y.doc")))
            .groupBy(F.col("x.doc").alias("a"), F.col("y.doc").alias("b"))
            .agg(F.count(F.lit(1)).alias("shared"))
            .filter(F.col("shared") >= max(min_shared, 1)).select("a", "b"))


def candidate_pairs(active, postings, params):
    """The pair table: the union of the LSH pairs and (with passages) the passage pairs, with
    `lsh` and `fps` saying which proposed each pair:

        SELECT a, b, bool_or(lsh) AS lsh, bool_or(fps) AS fps FROM (
            SELECT a, b, true AS lsh, false AS fps FROM lsh_pairs
            UNION ALL SELECT a, b, false, true FROM passage_pairs) GROUP BY a, b
    """
    from pyspark.sql import functions as F
    pairs = lsh_pairs(active).select("a", "b", F.lit(True).alias("lsh"), F.lit(False).alias("fps"))
    if params["passages"]:
        by_fps = passage_pairs(postings, int(params["max_df"]), int(params["min_shared"]))
        pairs = pairs.unionByName(by_fps.select("a", "b", F.lit(False).alias("lsh"), F.lit(True).alias("fps")))
    return pairs.groupBy("a", "b").agg(F.max("lsh").alias("lsh"), F.max("fps").alias("fps"))


def document_frequencies(active, postings, passages):
    """(doc, dfs): for every active document, its fingerprints held by 2 or more active
    documents with their df (not capped by max_df: the link stage needs the true df), sorted
    by fingerprint; an empty list without passages or when none is shared."""
    from pyspark.sql import functions as F
    empty = F.array().cast("array<struct<fp:bigint,n:bigint>>")
    if not passages:
        return active.select("doc", empty.alias("dfs"))
    lists = (postings.groupBy("doc")
             .agg(F.array_sort(F.collect_list(F.struct(F.col("fp").cast("bigint").alias("fp"),
                                                       F.col("df").cast("bigint").alias("n")))).alias("dfs")))
    return (active.select("doc").join(lists, "doc", "left")
            .select("doc", F.coalesce("dfs", empty).alias("dfs")))


def link_inputs(docs, pairs, dfs, groups):
    """The pairs split into `groups` link groups by a hash of `a`, and for each group the
    documents its pairs name (id, text, dfs): (pairs with g, docs with g)."""
    from pyspark.sql import functions as F
    grouped = pairs.withColumn("g", F.pmod(F.xxhash64("a"), F.lit(groups)).cast("int"))
    needed = (grouped.select("g", F.col("a").alias("doc"))
              .unionByName(grouped.select("g", F.col("b").alias("doc"))).distinct())
    group_docs = (needed.join(docs.select("doc", "id", "text"), "doc")
                  .join(dfs, "doc").select("g", "doc", "id", "text", "dfs"))
    return grouped, group_docs


# ---------------------------------------------------------------------------------------------
# The job
# ---------------------------------------------------------------------------------------------

class Timer:
    def __init__(self):
        self.rows = []

    def stage(self, name):
        timer = self

        class Stage:
            def __enter__(self):
                self.t = time.time()
                print(f"reprint-spark: {name} ...", file=sys.stderr, flush=True)

            def __exit__(self, *exc):
                timer.rows.append((name, time.time() - self.t))
        return Stage()

    def table(self):
        total = sum(s for _, s in self.rows)
        lines = ["stage            seconds"]
        lines += [f"  {n:<14} {s:8.2f}" for n, s in self.rows]
        lines.append(f"  {'total':<14} {total:8.2f}")
        return "\n".join(lines)


def main(argv):
    command, inputs, flags, job, out = parse_args(argv)
    binary = find_reprint(job["reprint"])
    work = os.path.abspath(job["work"] or (os.path.abspath(out).rstrip("/") + ".work"))
    stage_flags = flat(flags, drop=REPORT_ONLY)
    timer = Timer()

    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.appName(f"reprint {command}")
             .config("spark.log.level", os.environ.get("REPRINT_SPARK_LOG_LEVEL", "WARN")).getOrCreate())
    sc = spark.sparkContext
    groups = job["groups"] or 4 * sc.defaultParallelism
    if os.path.exists(work):
        shutil.rmtree(work)
    os.makedirs(work)
    sketch_dir, pairs_dir, docs_dir, links_dir = (os.path.join(work, d) for d in ("sketch", "pairs", "docs", "links"))
    for d in (sketch_dir, links_dir):
        os.makedirs(d)

    with timer.stage("parts"):
        listing = run_binary([binary, "stage", "parts"] + inputs + stage_flags, "reprint stage parts")
        parts = [line for line in listing.split("\n") if line]
        if not parts:
            raise JobError("reprint stage parts listed no part")

    with timer.stage("sketch"):
        sketch_files = [os.path.join(sketch_dir, f"part-{k:06d}.parquet") for k in range(len(parts))]
        jobs = [(k, ["stage", "sketch", part, "--part", str(k), "--out", sketch_files[k]] + stage_flags)
                for k, part in enumerate(parts)]
        # Status 3: records skipped (named on stderr); the report skips them too and exits 3.
        sketched = run_on_executors(sc, binary, jobs, "reprint stage sketch of part", ok=(0, 3))
        for key, status, stderr, _ in sketched:
            if status == 3:
                sys.stderr.write(f"reprint stage sketch of part {key} ({parts[key]}):\n{stderr}")

    with timer.stage("check"):
        params = json.loads(run_binary([binary, "stage", "check"] + sketch_files + stage_flags,
                                       "reprint stage check"))

    with timer.stage("candidates"):
        from pyspark.sql import functions as F
        sketch = spark.read.parquet(*("file://" + f for f in sketch_files))
        counts = {r["part"]: (r["n"], r["rows"]) for r in
                  sketch.groupBy("part").agg(F.count(F.lit(1)).alias("n"),
                                             (F.max("row") + 1).alias("rows")).collect()}
        for k, (n, rows) in counts.items():
            if n != rows:
                raise JobError(f"sketch of part {k} has {n} rows numbered up to {rows - 1}: rows must be 0..n-1")
        docs = numbered(sketch, {k: counts.get(k, (0, 0))[0] for k in range(len(parts))})
        active = active_documents(docs).select("doc", "bands", "fps").cache()
        postings = fingerprint_postings(active).cache()
        pairs = candidate_pairs(active, postings, params).cache()
        dfs = document_frequencies(active, postings, params["passages"])
        group_pairs, group_docs = link_inputs(docs, pairs, dfs, groups)
        # One file per group (repartition by g), so that a link task reads one file of each.
        group_pairs.repartition("g").write.partitionBy("g").parquet("file://" + pairs_dir)
        group_docs.repartition("g").write.partitionBy("g").parquet("file://" + docs_dir)
        present = sorted(int(name[2:]) for name in os.listdir(pairs_dir) if name.startswith("g="))
        if not present:
            # No candidate pair: one link task over empty tables, so that the links directory
            # holds a file as in every other run.
            group_pairs.drop("g").coalesce(1).write.mode("overwrite").parquet("file://" + os.path.join(pairs_dir, "g=0"))
            group_docs.drop("g").coalesce(1).write.mode("overwrite").parquet("file://" + os.path.join(docs_dir, "g=0"))
            present = [0]
        summary = pairs.agg(
            F.count(F.lit(1)).alias("pairs"), F.sum(F.col("lsh").cast("long")).alias("lsh"),
            F.sum(F.col("fps").cast("long")).alias("fps")).collect()[0]
        ndocs = sum(n for n, _ in counts.values())
        print(f"reprint-spark: {ndocs} documents in {len(parts)} parts, {summary['pairs']} candidate "
              f"pairs ({summary['lsh'] or 0} by LSH, {summary['fps'] or 0} by fingerprints) in "
              f"{len(present)} link groups", file=sys.stderr)

    with timer.stage("link"):
        jobs = [(g, ["stage", "link", "--pairs"] + parquet_files(os.path.join(pairs_dir, f"g={g}"))
                 + ["--docs"] + parquet_files(os.path.join(docs_dir, f"g={g}"))
                 + ["--out", os.path.join(links_dir, f"links-{g:06d}.parquet")] + stage_flags)
                for g in present]
        run_on_executors(sc, binary, jobs, "reprint stage link of group")

    with timer.stage("report"):
        argv = [binary, command] + inputs + ["--links", links_dir] + flat(flags)
        report = subprocess.run(argv)
        status = report.returncode
        if status not in (0, 1, 3):
            raise JobError(f"reprint {command} --links failed with status {status}: {' '.join(argv)}")

    spark.stop()
    if not job["keep_work"]:
        shutil.rmtree(work)
    print(f"reprint-spark {command}: stage timings\n{timer.table()}", file=sys.stderr)
    return status


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except JobError as e:
        print(f"reprint-spark: error: {e}", file=sys.stderr)
        sys.exit(2)
