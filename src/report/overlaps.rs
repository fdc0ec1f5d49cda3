//! `overlaps.jsonl`: every pair of documents that shares a passage of `--min-passage` words or
//! more, whatever its coverage, with the strongest relation that holds. One JSON object per
//! line, sorted by `(a, b)` (ids, `a < b`), streamed while the run aligns its candidates:
//!
//! ```text
//! {"a": "<id>", "b": "<id>", "relation": "duplicate" | "story" | "overlap",
//!  "jaccard": x, "containment_a_in_b": x, "containment_b_in_a": x,
//!  "linked_by": "jaccard" | "passage" | "both",      // story links only
//!  "set_aside": "roundup" | "hub" | "cut",          // see below
//!  "set_aside_by": "<id>",                          // a or b: the roundup or the hub
//!  "coverage_a": x, "coverage_b": x,
//!  "passages": [ { "a": [start, end], "b": [start, end], "words": n, "exact": x } ],
//!  "meta_a": { "source": "aawsat", ... }, "meta_b": { ... } }   // carried fields (--meta)
//! ```
//!
//! `meta_a` and `meta_b` are the carried record fields of each side (`--meta`), as in
//! `clusters.json`; a side without any has none.
//!
//! The fields are those of a pair in `clusters.json` ([`super::json`]): character offsets into the
//! original texts, scores rounded to 6 decimals. A link that story clustering cut (a sparse cut
//! between two groups, [`crate::cluster::split`]) is an `overlap`, with `set_aside` `cut`; so is a
//! link that roundup or hub pruning set aside ([`crate::relation`]), with `set_aside` `roundup` or
//! `hub` and `set_aside_by` the roundup or the hub: the pair is a story (or duplicate) link on its
//! own, which `compare` and `query` report. Story links (which `clusters.json` also lists inside
//! their clusters) appear here too, so the file is the complete list of what documents share. Pairs
//! linked by Jaccard alone with no passage of `--min-passage` words (short documents) are listed as
//! well.
//!
//! Memory: overlap-only pairs go to a spill file (hidden, in the output directory) as soon as
//! they are decided; only story links are held until the end, when the two sorted streams are
//! merged into the final file, which is staged and renamed with the run's other outputs.

use super::json::pair_report_read;
use super::AtomicFile;
use crate::pipeline::{Docs, OverlapSink, Read};
use crate::verify::VerifiedPair;
use rayon::prelude::*;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

/// Writes `overlaps.jsonl` from the pairs a run streams to it.
pub struct OverlapsWriter {
    path: PathBuf,
    spill: Option<io::BufWriter<tempfile::NamedTempFile>>,
    out: Option<AtomicFile>,
    error: Option<io::Error>,
    lines: u64,
}

/// The directory of `path` (`.` for a bare file name).
fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

impl OverlapsWriter {
    /// Starts the file `path` (nothing appears under that name before the output directory's
    /// commit).
    pub fn create(path: &Path) -> io::Result<Self> {
        let dir = dir_of(path);
        // Named as a temporary file of overlaps.jsonl, so a killed run's spill is removed by the
        // next run's `OutputDir::open`.
        let spill =
            tempfile::Builder::new().prefix(".overlaps.jsonl.spill.").suffix(".tmp").tempfile_in(dir)?;
        Ok(OverlapsWriter {
            path: path.to_path_buf(),
            spill: Some(io::BufWriter::with_capacity(1 << 16, spill)),
            out: None,
            error: None,
            lines: 0,
        })
    }

    /// The directory the file is written in (where its temporary files are).
    pub fn dir(&self) -> &Path {
        dir_of(&self.path)
    }

    /// Pairs written.
    pub fn lines(&self) -> u64 {
        self.lines
    }

    /// The finished file, staged for [`super::OutputDir::adopt`]; the first error met while
    /// writing, if any.
    pub fn stage(mut self) -> io::Result<super::Staged> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        match self.out.take() {
            Some(out) => out.stage(),
            None => Err(io::Error::other("overlaps were never finished")),
        }
    }

    /// The record of `p`, its texts from `texts`.
    fn record(docs: &Docs, texts: &Read, p: &VerifiedPair) -> io::Result<Vec<u8>> {
        let mut line = serde_json::to_vec(&pair_report_read(docs, texts, p)?)?;
        let sides = [("meta_a", docs[p.a as usize].meta_json()), ("meta_b", docs[p.b as usize].meta_json())];
        if sides.iter().any(|(_, m)| m.is_some()) && line.last() == Some(&b'}') {
            // The pair's fields, then each side's carried fields as the record wrote them.
            line.pop();
            for (key, meta) in sides {
                if let Some(meta) = meta {
                    line.extend_from_slice(format!(",\"{key}\":").as_bytes());
                    line.extend_from_slice(meta.as_bytes());
                }
            }
            line.push(b'}');
        }
        line.push(b'\n');
        Ok(line)
    }

    /// Writes the record of the pair of `key` to the spill file (the first error is kept).
    fn spill(&mut self, key: (u32, u32), record: io::Result<Vec<u8>>) {
        if self.error.is_some() {
            return;
        }
        let result = record.and_then(|rec| {
            let spill = self.spill.as_mut().ok_or_else(|| io::Error::other("overlaps already finished"))?;
            write!(spill, "{} {}\t", key.0, key.1)?;
            spill.write_all(&rec)
        });
        if let Err(e) = result {
            self.error = Some(e);
        }
    }

    fn merge(&mut self, docs: &Docs, held: &[((u32, u32), VerifiedPair)]) -> io::Result<()> {
        let spill = self.spill.take().ok_or_else(|| io::Error::other("overlaps finished twice"))?;
        let spill = spill.into_inner().map_err(|e| e.into_error())?;
        let mut reader = io::BufReader::new(spill.reopen()?);
        let mut out = AtomicFile::create(&self.path)?;
        let mut held = held.iter().peekable();
        let mut line = String::new();
        loop {
            line.clear();
            let next = if reader.read_line(&mut line)? == 0 {
                None
            } else {
                let (k, json) = line.split_once('\t').ok_or_else(|| io::Error::other("bad spill line"))?;
                let (a, b) = k.split_once(' ').ok_or_else(|| io::Error::other("bad spill key"))?;
                let key: (u32, u32) =
                    (a.parse().map_err(io::Error::other)?, b.parse().map_err(io::Error::other)?);
                Some((key, json))
            };
            while let Some((k, p)) = held.peek() {
                if next.as_ref().is_some_and(|(key, _)| key < k) {
                    break;
                }
                out.write_all(&Self::record(docs, &docs.read(vec![p.a, p.b])?, p)?)?;
                self.lines += 1;
                held.next();
            }
            match next {
                Some((_, json)) => {
                    out.write_all(json.as_bytes())?;
                    self.lines += 1;
                }
                None => break,
            }
        }
        self.out = Some(out);
        Ok(())
    }
}

/// Overlap records made at a time (on all threads) before they are written in order.
const RECORD_BATCH: usize = 4_096;

impl OverlapSink for OverlapsWriter {
    fn overlap(&mut self, docs: &Docs, pair: &VerifiedPair, key: (u32, u32)) {
        if self.error.is_none() {
            let record = docs.read(vec![pair.a, pair.b]).and_then(|texts| Self::record(docs, &texts, pair));
            self.spill(key, record);
        }
    }

    fn overlaps(&mut self, docs: &Docs, pairs: &[((u32, u32), VerifiedPair)]) {
        for batch in pairs.chunks(RECORD_BATCH) {
            if self.error.is_some() {
                return;
            }
            // A document is in many pairs of a batch: its text is read once for all.
            let records: Vec<io::Result<Vec<u8>>> =
                match docs.read(batch.iter().flat_map(|(_, p)| [p.a, p.b]).collect()) {
                    Ok(texts) => batch.par_iter().map(|(_, pair)| Self::record(docs, &texts, pair)).collect(),
                    Err(e) => vec![Err(e)],
                };
            for ((key, _), record) in batch.iter().zip(records) {
                self.spill(*key, record);
            }
        }
    }

    fn finish(&mut self, docs: &Docs, held: &[((u32, u32), VerifiedPair)]) {
        if self.error.is_some() {
            return;
        }
        if let Err(e) = self.merge(docs, held) {
            self.error = Some(e);
        }
    }

    fn scratch(&self) -> Option<&Path> {
        Some(dir_of(&self.path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Params;
    use crate::corpus::Input;
    use crate::pipeline::{run, NoProgress};

    /// Hands the writer its pairs one at a time (the trait's own `overlaps`).
    struct OneAtATime(OverlapsWriter);

    impl OverlapSink for OneAtATime {
        fn overlap(&mut self, docs: &Docs, pair: &VerifiedPair, key: (u32, u32)) {
            self.0.overlap(docs, pair, key);
        }
        fn finish(&mut self, docs: &Docs, held: &[((u32, u32), VerifiedPair)]) {
            self.0.finish(docs, held);
        }
    }

    fn written(w: OverlapsWriter) -> Vec<u8> {
        match w.stage().unwrap().tmp {
            super::super::Temp::File(path) => std::fs::read(&path).unwrap(),
            other => panic!("not a file: {other:?}"),
        }
    }

    /// Two passages of 60 words, each in 80 documents of 460 words otherwise their own: 6,320
    /// overlap-only pairs (the passage covers 13 % of each document), handed over in more than
    /// one batch of records. The file equals the one written a pair at a time, and the one
    /// written with every text let go after reading (the texts read from the file of texts
    /// that the passage stage writes beside the output, in batches).
    #[test]
    fn records_made_together_are_the_records_made_one_at_a_time() {
        let dir = std::env::temp_dir().join(format!("reprint-overlaps-batch-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let words = |tag: &str, n: usize| (0..n).map(|i| format!("{tag}w{i}")).collect::<Vec<_>>().join(" ");
        let mut lines = String::new();
        for d in 0..160 {
            let own = words(&format!("d{d}x"), 400);
            let text = format!("{} {own}", words(&format!("p{}x", d % 2), 60));
            lines += &(serde_json::json!({ "id": format!("doc{d:03}"), "text": text }).to_string() + "\n");
        }
        let corpus = dir.join("corpus.jsonl");
        std::fs::write(&corpus, lines).unwrap();
        let config = Params::default().resolve().unwrap();
        let together = {
            let mut w = OverlapsWriter::create(&dir.join("a.jsonl")).unwrap();
            let result = run(vec![Input::Jsonl(corpus.clone())], &config, &NoProgress, &mut w).unwrap();
            assert_eq!((result.stats.overlap_pairs, w.lines()), (6_320, 6_320));
            written(w)
        };
        let one_at_a_time = {
            let mut w = OneAtATime(OverlapsWriter::create(&dir.join("b.jsonl")).unwrap());
            run(vec![Input::Jsonl(corpus.clone())], &config, &NoProgress, &mut w).unwrap();
            written(w.0)
        };
        let spilled = {
            let config = Params { text_memory: 0, ..Params::default() }.resolve().unwrap();
            let mut w = OverlapsWriter::create(&dir.join("c.jsonl")).unwrap();
            let result = run(vec![Input::Jsonl(corpus.clone())], &config, &NoProgress, &mut w).unwrap();
            assert!(result.docs.iter().all(|d| d.text.is_empty()), "no document holds its text");
            let spill = result.spilled.as_ref().expect("the texts of the pairs are in a file");
            assert!((0..160).all(|d| spill.has(d)));
            written(w)
        };
        assert_eq!(together.iter().filter(|&&c| c == b'\n').count(), 6_320);
        assert!(together == one_at_a_time, "the two files differ");
        assert!(together == spilled, "the file written with the texts in a file differs");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
