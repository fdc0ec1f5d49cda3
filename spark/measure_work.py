"""Sizes of a Spark run's intermediate Parquet, for docs/SCALING.md: bytes per document of each
stage's files, what a document holds (words, band keys, fingerprints, text bytes), the rows the
candidate joins produce before DISTINCT / GROUP BY, and how often the link inputs repeat a
document.

    spark-submit spark/reprint_spark.py cluster INPUT --out DIR --work WORK --keep-work
    .venv-spark/bin/python spark/measure_work.py WORK MAX_DF

Prints one JSON object.
"""

import json
import os
import sys


def size(path):
    total = 0
    for root, _, files in os.walk(path):
        total += sum(os.path.getsize(os.path.join(root, f)) for f in files if f.endswith(".parquet"))
    return total


def main(work, max_df):
    from pyspark.sql import SparkSession, functions as F
    spark = (SparkSession.builder.master("local[2]").appName("reprint measure")
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.shuffle.partitions", "8").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    sketch = spark.read.parquet("file://" + os.path.join(work, "sketch"))
    docs = sketch.count()
    count_column = "words" if "words" in sketch.columns else "shingles"
    s = sketch.agg(F.sum(count_column).alias("words"), F.sum(F.size("bands")).alias("bands"),
                   F.sum(F.size("fps")).alias("fps"), F.sum(F.length("text")).alias("chars"),
                   F.sum(F.octet_length("text")).alias("text_bytes"),
                   F.sum(F.col("empty").cast("long")).alias("empty")).collect()[0]
    # Rows of the LSH self-join before DISTINCT: sum over (band, key) buckets of C(n, 2).
    buckets = (sketch.filter(~F.col("empty")).select(F.posexplode("bands").alias("band", "key"))
               .groupBy("band", "key").count())
    lsh_rows = buckets.agg(F.sum(F.col("count") * (F.col("count") - 1) / 2)).collect()[0][0] or 0
    # Rows of the fingerprint self-join before GROUP BY: sum over fingerprints with
    # 2 <= df <= max_df of C(df, 2) (upper bound: copies are counted as active here).
    dfs = sketch.filter(~F.col("empty")).select(F.explode("fps").alias("fp")).groupBy("fp").count()
    fp_rows = (dfs.filter((F.col("count") >= 2) & (F.col("count") <= max_df))
               .agg(F.sum(F.col("count") * (F.col("count") - 1) / 2)).collect()[0][0] or 0)
    shared_fps = dfs.filter(F.col("count") >= 2).agg(F.sum("count")).collect()[0][0] or 0
    pairs = spark.read.parquet("file://" + os.path.join(work, "pairs"))
    p = pairs.agg(F.count(F.lit(1)).alias("pairs"), F.sum(F.col("lsh").cast("long")).alias("lsh"),
                  F.sum(F.col("fps").cast("long")).alias("fps")).collect()[0]
    link_docs = spark.read.parquet("file://" + os.path.join(work, "docs"))
    link_rows = link_docs.count()
    distinct_link_docs = link_docs.select("doc").distinct().count()
    links = spark.read.parquet("file://" + os.path.join(work, "links"))
    out = {
        "documents": docs, "empty": s["empty"], count_column: s["words"], "chars": s["chars"],
        "text_bytes": s["text_bytes"], "band_keys": s["bands"], "fingerprints": s["fps"],
        "fingerprint_postings_df_ge_2": shared_fps,
        "lsh_join_rows": int(lsh_rows), "fingerprint_join_rows": int(fp_rows),
        "pairs": p["pairs"], "pairs_lsh": p["lsh"], "pairs_fps": p["fps"],
        "link_doc_rows": link_rows, "link_docs_distinct": distinct_link_docs,
        "links": links.count(), "links_columns": links.columns,
        "bytes": {d: size(os.path.join(work, d)) for d in ("sketch", "pairs", "docs", "links")},
    }
    out["bytes_per_document"] = {d: round(b / docs, 1) for d, b in out["bytes"].items()}
    print(json.dumps(out, indent=1))
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
