//! Reading one batch ahead: the reader runs on a thread of its own, so that decompressing and
//! splitting lines (sequential work) overlaps with the caller's work on the previous batch.

use super::{CorpusError, CorpusReader, Record};
use std::ops::ControlFlow;

/// Batches the reader may have ready before the caller takes them.
const AHEAD: usize = 2;

impl CorpusReader {
    /// Hands `each` every batch of records in order, reading the next ones on another thread
    /// meanwhile. Stops at the end of the inputs, at the reader's first error (returned), or
    /// when `each` fails or breaks; the reader thread then stops too (it never waits for a
    /// caller that has gone). Returns the reader, for its sums and counts.
    pub fn read_ahead<E: From<CorpusError>>(
        self,
        mut each: impl FnMut(Vec<Record>) -> Result<ControlFlow<()>, E>,
    ) -> Result<CorpusReader, E> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Vec<Record>, CorpusError>>(AHEAD);
        let mut reader = self;
        std::thread::scope(|scope| {
            // Owned here, so that leaving early drops it: the reader's next send fails and it
            // stops, instead of waiting forever on a full channel while the scope waits for it.
            let rx = rx;
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
                reader
            });
            for batch in rx.iter() {
                if each(batch?)?.is_break() {
                    break;
                }
            }
            drop(rx);
            Ok(handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{CorpusConfig, Input};

    fn jsonl(lines: usize) -> (tempfile::TempDir, Input) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.jsonl");
        let text: String = (0..lines)
            .map(|i| format!("{{\"id\":\"d{i}\",\"text\":\"{}\"}}\n", "word ".repeat(200)))
            .collect();
        std::fs::write(&path, text).unwrap();
        (dir, Input::Jsonl(path))
    }

    fn docs(batch: &[Record]) -> usize {
        batch.iter().filter(|r| matches!(r, Record::Doc(_))).count()
    }

    #[test]
    fn every_batch_in_order_then_the_reader_back() {
        let (_dir, input) = jsonl(30_000);
        let mut seen = Vec::new();
        let reader = CorpusReader::new(vec![input], CorpusConfig::default())
            .read_ahead(|batch| -> Result<_, CorpusError> {
                seen.extend(batch.into_iter().filter_map(|r| match r {
                    Record::Doc(raw) => Some(raw.id),
                    Record::Skip(_) => None,
                }));
                Ok(ControlFlow::Continue(()))
            })
            .unwrap();
        let want: Vec<String> = (0..30_000).map(|i| format!("d{i}")).collect();
        assert_eq!(seen, want);
        assert_eq!(reader.sums().len(), 1);
    }

    /// Breaking (or failing) after the first of many batches ends the call at once: the reader
    /// thread, blocked on a full channel, stops instead of holding the scope open.
    #[test]
    fn breaking_or_failing_early_ends_the_reading() {
        let (_dir, input) = jsonl(60_000);
        let mut batches = 0;
        let reader = CorpusReader::new(vec![input.clone()], CorpusConfig::default());
        reader
            .read_ahead(|batch| -> Result<_, CorpusError> {
                assert!(docs(&batch) > 0);
                batches += 1;
                Ok(ControlFlow::Break(()))
            })
            .unwrap();
        assert_eq!(batches, 1);
        let failed = CorpusReader::new(vec![input], CorpusConfig::default())
            .read_ahead(|_| Err::<ControlFlow<()>, _>(CorpusError::NoInput));
        assert!(failed.is_err());
    }
}
