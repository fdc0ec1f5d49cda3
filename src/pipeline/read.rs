//! Reading and sketching: every document of the inputs is normalized, shingled and sketched
//! (MinHash signature, SimHash fingerprint, winnowing fingerprints) in parallel, batch by batch,
//! while the reader thread fetches the next batch.

use super::{Doc, Progress, RunError};
use crate::config::{Candidates, Config, OnError};
use crate::corpus::{CorpusError, CorpusReader, Input, InputSum, Record, SkipLog, Skipped};
use crate::lsh::winnow;
use crate::normalize::Normalized;
use crate::normalize::Normalizer;
use crate::shingle::{ShingleConfig, ShingleKind, Shingler};
use crate::sketch::{simhash, MinHasher, Sketch, SketchKind};
use rayon::prelude::*;

/// What reading produced besides the documents.
#[derive(Debug, Clone, Default)]
pub struct ReadSummary {
    /// Records skipped: counts by reason and a bounded sample.
    pub skipped: SkipLog,
    /// Bytes of documents read.
    pub input_bytes: u64,
    /// Size and checksum of each input, computed while reading it.
    pub inputs: Vec<InputSum>,
}

/// Reads and sketches every document of `inputs`.
pub fn read_and_sketch(
    inputs: Vec<Input>,
    config: &Config,
    progress: &dyn Progress,
) -> Result<(Vec<Doc>, ReadSummary), RunError> {
    let total = CorpusReader::total_bytes(&inputs);
    progress.start("read+sketch", (total > 0).then_some(total), "bytes");
    let mut reader = CorpusReader::new(inputs, config.corpus.clone());
    let stored = reader.stored_counter();
    let normalizer = Normalizer::new(config.normalize);
    let shingler = Shingler::new(config.shingle, config.seed);
    let sketcher = match config.sketch_kind() {
        Some(SketchKind::MinHash { num_perm, seed }) => {
            Sketcher::MinHash(MinHasher::new(num_perm, seed), seed)
        }
        Some(SketchKind::SimHash { seed }) => Sketcher::SimHash(seed),
        None => Sketcher::None,
    };
    let passage_shingler = passage_shingler(config);
    let keep_sets = config.candidates == Candidates::Exact;
    let mut docs = Vec::new();
    let mut skipped = SkipLog::default();
    // The reader runs one batch ahead on its own thread, so that decompressing and splitting
    // lines (sequential work) overlaps with sketching the previous batch (parallel work).
    let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Vec<Record>, CorpusError>>(2);
    let (bytes_read, sums) = std::thread::scope(|scope| -> Result<(u64, Vec<InputSum>), RunError> {
        let handle = scope.spawn(move || {
            loop {
                match reader.next_batch() {
                    Ok(Some(batch)) => {
                        if tx.send(Ok(batch)).is_err() {
                            break;
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        break;
                    }
                }
            }
            (reader.bytes_read(), reader.sums().to_vec())
        });
        for batch in rx.iter() {
            let batch = batch?;
            let processed: Vec<Result<Doc, Skipped>> = batch
                .into_par_iter()
                .map_init(Normalized::default, |norm, record| match record {
                    Record::Skip(s) => Err(s),
                    Record::Doc(raw) => {
                        normalizer.normalize_into(&raw.text, norm);
                        let mut shingles = Vec::new();
                        shingler.hashes_into(norm, &mut shingles);
                        let winnowed = match (&config.passages, &passage_shingler) {
                            (None, _) => Vec::new(),
                            (Some(p), None) => winnow::fingerprints(&shingles, p.window),
                            (Some(p), Some(ps)) => {
                                let mut words = Vec::new();
                                ps.hashes_into(norm, &mut words);
                                winnow::fingerprints(&words, p.window)
                            }
                        };
                        shingles.sort_unstable();
                        shingles.dedup();
                        let shingle_count = shingles.len();
                        let sketch = match (&sketcher, shingles.is_empty()) {
                            (_, true) | (Sketcher::None, _) => Sketch::None,
                            (Sketcher::MinHash(m, seed), false) => {
                                Sketch::MinHash { seed: *seed, slots: m.signature(&shingles) }
                            }
                            (Sketcher::SimHash(seed), false) => {
                                Sketch::SimHash { seed: *seed, bits: simhash(&shingles) }
                            }
                        };
                        if keep_sets {
                            // Kept for the whole run: no spare capacity.
                            shingles.shrink_to_fit();
                        } else {
                            shingles = Vec::new();
                        }
                        let chars = raw.text.chars().count();
                        Ok(Doc {
                            record_xxh3: raw.record_xxh3,
                            id: raw.id,
                            text: raw.text,
                            origin: raw.origin,
                            shingles,
                            shingle_count,
                            sketch,
                            winnowed,
                            chars,
                            key: raw.key,
                        })
                    }
                })
                .collect();
            for p in processed {
                match p {
                    Ok(d) => docs.push(d),
                    Err(s) => {
                        if config.on_error == OnError::Fail {
                            return Err(RunError::Corpus(CorpusError::BadRecord {
                                source_name: s.source,
                                line: s.line,
                                reason: s.reason,
                            }));
                        }
                        skipped.push(s)
                    }
                }
            }
            progress.set(stored.load(std::sync::atomic::Ordering::Relaxed));
        }
        handle.join().map_err(|panic| std::panic::resume_unwind(panic))
    })?;
    progress.finish();
    Ok((docs, ReadSummary { skipped, input_bytes: bytes_read, inputs: sums }))
}

/// The word shingler for passages when it differs from the main shingler (`char:N` mode).
fn passage_shingler(config: &Config) -> Option<Shingler> {
    (config.passages.is_some() && config.shingle.kind != ShingleKind::Word).then(|| {
        Shingler::new(ShingleConfig { kind: ShingleKind::Word, size: config.passage_k }, config.seed)
    })
}

/// What the read stage computes for each document's sketch.
enum Sketcher {
    None,
    MinHash(MinHasher, u64),
    SimHash(u64),
}
