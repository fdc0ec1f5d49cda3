//! Texts on demand: a run holds at most `--text-memory` bytes of texts
//! ([`Config::text_memory`]). Past that, reading keeps what the stages need of a document (its
//! sketch, fingerprints, lengths and a 128-bit hash of its text) and lets every text go; the
//! stages that need texts (copies of a text compared byte for byte, shingle sets and alignment
//! sequences of the documents in candidate pairs, the reports) ask for them.
//! Where the run has a directory for temporary files (the sink's [`super::OverlapSink::scratch`]:
//! `--out`), reading writes the texts it lets go to a file there ([`TextSpill`]) and they are
//! read from it: no input is read again for texts, whatever it is (standard input and pipes
//! too).
//! Without one, the inputs are read again, up to the last document asked for; every record
//! read again is checked against the one read first (its id and the xxh3 of its raw bytes): an
//! input that changed during the run is an error, never a wrong result. Standard input and
//! pipes (FIFOs, process substitutions) cannot be read twice, so such a run with one of them
//! among its inputs holds every text.

use super::spill::TextSpill;
use super::{shingle_set, Doc, Progress, RunError};
use crate::config::Config;
use crate::corpus::{records_at_lines, CorpusConfig, CorpusReader, Input, RawDoc, Record};
use rayon::prelude::*;
use std::ops::ControlFlow;
use std::sync::Arc;

/// What [`Texts::load`] gives a document.
#[derive(Clone, Copy)]
pub enum Want<'c> {
    /// Its text, held from then on.
    Text,
    /// Its shingle set under the run's configuration, made from the text read again; the text
    /// is let go at once (verification scores many documents it never reports).
    Set(&'c Config),
}

/// Where the texts of a run's documents are.
#[derive(Clone)]
pub struct Texts<'a> {
    /// The inputs to read again; `None` when they cannot be (or every document holds its text).
    inputs: Option<&'a [Input]>,
    corpus: Option<&'a CorpusConfig>,
    /// Whether reading writes the texts it lets go to a file.
    to_file: bool,
    /// The file reading wrote, when it let texts go.
    spill: Option<Arc<TextSpill>>,
}

impl<'a> Texts<'a> {
    /// Every document holds its text: [`Texts::load`] has nothing to do.
    pub fn held() -> Self {
        Texts { inputs: None, corpus: None, to_file: false, spill: None }
    }

    /// Texts are read again from `inputs`, as `corpus` read them, when the stages need them;
    /// held when one of the inputs is standard input or a file that is not a regular file (a
    /// directory reads only regular files).
    pub fn reread(inputs: &'a [Input], corpus: &'a CorpusConfig) -> Self {
        let again = |i: &Input| match i {
            Input::Stdin => false,
            Input::Dir(_) => true,
            _ => i.path().and_then(|p| std::fs::metadata(p).ok()).is_some_and(|m| m.is_file()),
        };
        if !inputs.iter().all(again) {
            return Texts::held();
        }
        Texts { inputs: Some(inputs), corpus: Some(corpus), to_file: false, spill: None }
    }

    /// [`Texts::reread`], with the texts reading lets go written to a file when `to_file`, and
    /// read from there: then any input, standard input included, lets its texts go.
    pub fn in_file(inputs: &'a [Input], corpus: &'a CorpusConfig, to_file: bool) -> Self {
        Texts { to_file, ..Texts::reread(inputs, corpus) }
    }

    /// How many bytes of texts reading holds before it lets them go: `None` (all of them)
    /// when the texts let go could not be had again.
    pub fn budget(&self, config: &Config) -> Option<usize> {
        (self.inputs.is_some() || self.to_file).then_some(config.text_memory)
    }

    /// Whether a text let go can always be had again from the inputs.
    pub fn rereadable(&self) -> bool {
        self.inputs.is_some()
    }

    /// These texts, with those that reading let go in `spill`.
    pub fn with_spill(self, spill: Option<TextSpill>) -> Self {
        Texts { spill: spill.map(Arc::new), ..self }
    }

    /// The file of the texts reading let go.
    pub fn spilled(&self) -> Option<Arc<TextSpill>> {
        self.spill.clone()
    }

    /// Gives the documents `wanted` marks their texts (or their shingle sets), from the file of
    /// texts, else reading the inputs again up to the last of them that needs it; a document
    /// that holds its text is left as it is. Returns whether texts were read.
    pub fn load(
        &self,
        docs: &mut [Doc],
        wanted: &[bool],
        want: Want,
        progress: &dyn Progress,
    ) -> Result<bool, RunError> {
        // A document needs what `want` asks for when it holds no text and lacks it.
        let missing = |d: &Doc| {
            d.text.is_empty()
                && d.chars > 0
                && match want {
                    Want::Text => true,
                    Want::Set(_) => d.shingles.is_empty() && d.shingle_count > 0,
                }
        };
        let in_file = self.load_from_file(docs, wanted, &missing, want, progress)?;
        let again = self.read_again(docs, wanted, &missing, want, progress)?;
        Ok(in_file || again)
    }

    /// Gives the documents `wanted` marks that `missing` accepts theirs from the file of texts
    /// (those it has), a batch at a time. Returns whether it read any.
    fn load_from_file(
        &self,
        docs: &mut [Doc],
        wanted: &[bool],
        missing: &impl Fn(&Doc) -> bool,
        want: Want,
        progress: &dyn Progress,
    ) -> Result<bool, RunError> {
        let Some(spill) = &self.spill else { return Ok(false) };
        let places: Vec<usize> = (0..docs.len())
            .filter(|&i| wanted.get(i) == Some(&true) && spill.has(i) && missing(&docs[i]))
            .collect();
        if places.is_empty() {
            return Ok(false);
        }
        progress.start("texts", Some(places.len() as u64), "documents");
        for (n, batch) in places.chunks(FILE_BATCH).enumerate() {
            let got: Vec<(usize, String)> = batch
                .par_iter()
                .filter_map(|&i| Some(spill.text(i)?.map(|t| (i, t))))
                .collect::<Result<_, _>>()
                .map_err(|e| RunError::scratch(spill.dir(), e))?;
            give(docs, got, want);
            progress.set((n * FILE_BATCH + batch.len()) as u64);
        }
        progress.finish();
        Ok(true)
    }

    /// Reads the inputs again up to the last document `wanted` marks that `missing` accepts,
    /// and gives those documents what `want` asks for, a batch at a time. Returns whether the
    /// inputs were read.
    fn read_again(
        &self,
        docs: &mut [Doc],
        wanted: &[bool],
        missing: &impl Fn(&Doc) -> bool,
        want: Want,
        progress: &dyn Progress,
    ) -> Result<bool, RunError> {
        let (Some(inputs), Some(corpus)) = (self.inputs, self.corpus) else { return Ok(false) };
        let Some(last) = (0..docs.len()).rev().find(|&i| wanted.get(i) == Some(&true) && missing(&docs[i]))
        else {
            return Ok(false);
        };
        if inputs.iter().all(|i| matches!(i, Input::Jsonl(_))) {
            // JSON Lines: only the wanted lines are parsed, found by their line numbers.
            let places: Vec<(usize, u64, usize)> = (0..=last)
                .filter(|&i| wanted[i] && missing(&docs[i]))
                .map(|i| (docs[i].origin.input, docs[i].origin.line.unwrap_or(0), i))
                .collect();
            // Progress counts the documents given (the bytes skipped between them are not read
            // through the reader that counts bytes).
            progress.start("texts", Some(places.len() as u64), "documents");
            let mut given = 0u64;
            // Documents come in input order: one group of lines per input.
            for group in places.chunk_by(|x, y| x.0 == y.0) {
                let Some(path) = inputs.get(group[0].0).and_then(Input::path) else { continue };
                let lines: Vec<(u64, usize)> = group.iter().map(|&(_, line, i)| (line, i)).collect();
                records_at_lines(path, corpus, &lines, |batch| -> Result<(), RunError> {
                    let mut texts = Vec::with_capacity(batch.len());
                    for (i, raw) in batch {
                        texts.push((i, text_of(raw, &docs[i])?));
                    }
                    given += texts.len() as u64;
                    give(docs, texts, want);
                    progress.set(given);
                    Ok(())
                })?;
            }
            progress.finish();
            return Ok(true);
        }
        let total = CorpusReader::total_bytes(inputs);
        progress.start("texts", (total > 0).then_some(total), "bytes");
        let reader = CorpusReader::new(inputs.to_vec(), corpus.clone());
        let stored = reader.stored_counter();
        let mut i = 0usize;
        // As in reading: the reader runs a batch ahead, so that splitting lines overlaps with
        // making the previous batch's sets.
        reader.read_ahead(|batch| -> Result<ControlFlow<()>, RunError> {
            let mut texts: Vec<(usize, String)> = Vec::new();
            for record in batch {
                let Record::Doc(raw) = record else { continue };
                if i <= last && wanted[i] && missing(&docs[i]) {
                    texts.push((i, text_of(Some(raw), &docs[i])?));
                }
                i += 1;
            }
            give(docs, texts, want);
            progress.set(stored.load(std::sync::atomic::Ordering::Relaxed));
            Ok(if i > last { ControlFlow::Break(()) } else { ControlFlow::Continue(()) })
        })?;
        progress.finish();
        if i <= last {
            return Err(changed(&format!("document {} of the inputs", last + 1), &docs[last].id));
        }
        Ok(true)
    }
}

/// Texts read from the file at once: about 4,096 times the average text in memory.
const FILE_BATCH: usize = 4096;

/// Gives each document of `got` its text, or its shingle set (made in parallel) and no text.
fn give(docs: &mut [Doc], got: Vec<(usize, String)>, want: Want) {
    match want {
        Want::Text => got.into_iter().for_each(|(i, text)| docs[i].text = text),
        Want::Set(config) => {
            let sets: Vec<(usize, Vec<u64>)> =
                got.into_par_iter().map(|(i, text)| (i, shingle_set(&text, config))).collect();
            sets.into_iter().for_each(|(i, set)| docs[i].shingles = set);
        }
    }
}

/// The text of `raw`, read again for `d`, when it is the record `d` was made from (the same id
/// and raw bytes); otherwise, or when nothing was read there, the error of an input that changed.
fn text_of(raw: Option<RawDoc>, d: &Doc) -> Result<String, RunError> {
    match raw {
        Some(raw) if raw.record_xxh3 == d.record_xxh3 && raw.id == d.id => Ok(raw.text),
        Some(raw) => Err(changed(&raw.origin.to_string(), &d.id)),
        None => Err(changed(&d.origin.to_string(), &d.id)),
    }
}

fn changed(at: &str, id: &str) -> RunError {
    RunError::Changed(format!(
        "{at}: the input changed during the run (reading it again for the texts of the documents in pairs did not find the record `{id}` read first); run again on inputs that stay unchanged"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Params;
    use crate::pipeline::{read_and_sketch, run, run_on, Docs, NoOverlaps, NoProgress, OverlapSink};
    use crate::verify::VerifiedPair;
    use std::path::PathBuf;

    /// Every pair a sink saw, with the lengths of the two texts as the sink saw them.
    #[derive(Default)]
    struct Seen(Vec<(String, (usize, usize))>);

    impl OverlapSink for Seen {
        fn overlap(&mut self, docs: &Docs, p: &VerifiedPair, _: (u32, u32)) {
            let len = |d: u32| docs.text(d).unwrap().len();
            self.0.push((format!("{p:?}"), (len(p.a), len(p.b))));
        }
        fn finish(&mut self, docs: &Docs, held: &[((u32, u32), VerifiedPair)]) {
            held.iter().for_each(|(_, p)| self.overlap(docs, p, (0, 0)));
        }
    }

    /// A JSON Lines file of the seed articles, an identical copy of one, an edited copy of
    /// another and a document without words, in a fresh directory.
    fn corpus(name: &str) -> (PathBuf, Vec<(String, String)>) {
        let dir = std::env::temp_dir().join(format!("reprint-texts-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let mut docs: Vec<(String, String)> = Vec::new();
        let mut names: Vec<_> = std::fs::read_dir(&seeds).unwrap().map(|e| e.unwrap().path()).collect();
        names.sort();
        for p in names.iter().filter(|p| p.extension().is_some_and(|e| e == "txt")) {
            let id = p.file_stem().unwrap().to_string_lossy().into_owned();
            docs.push((id, std::fs::read_to_string(p).unwrap()));
        }
        docs.insert(1, ("copy".to_owned(), docs[0].1.clone()));
        docs.push(("edited".to_owned(), docs[3].1.replacen(' ', " كلمة ", 3)));
        docs.push(("blank".to_owned(), " ... ".to_owned()));
        (dir, docs)
    }

    fn write(path: &std::path::Path, docs: &[(String, String)]) {
        let lines: String = docs
            .iter()
            .map(|(id, text)| serde_json::json!({ "id": id, "text": text }).to_string() + "\n")
            .collect();
        std::fs::write(path, lines).unwrap();
    }

    /// A start of a stage (`Ok((stage, total, unit))`) or a set (`Err(done)`).
    type Event = Result<(&'static str, Option<u64>, &'static str), u64>;

    /// What a run reported as progress.
    #[derive(Default)]
    struct Reported(std::sync::Mutex<Vec<Event>>);

    impl Progress for Reported {
        fn start(&self, stage: &'static str, total: Option<u64>, unit: &'static str) {
            self.0.lock().unwrap().push(Ok((stage, total, unit)));
        }
        fn set(&self, done: u64) {
            self.0.lock().unwrap().push(Err(done));
        }
        fn finish(&self) {}
    }

    /// Reading JSON Lines again reports the documents read so far, up to the number it was
    /// asked for, batch by batch.
    #[test]
    fn reading_json_lines_again_reports_documents() {
        let (dir, docs) = corpus("progress");
        let path = dir.join("in.jsonl");
        write(&path, &docs);
        let config = Params { text_memory: 0, ..Params::default() }.resolve().unwrap();
        let reported = Reported::default();
        run(vec![Input::Jsonl(path)], &config, &reported, &mut NoOverlaps).unwrap();
        let events = reported.0.into_inner().unwrap();
        let mut loads = 0;
        for (at, e) in events.iter().enumerate() {
            let Ok(("texts", total, unit)) = e else { continue };
            assert_eq!(*unit, "documents");
            let total = total.expect("the number of documents to read is known");
            let sets: Vec<u64> = events[at + 1..].iter().map_while(|e| e.as_ref().err().copied()).collect();
            assert!(sets.windows(2).all(|w| w[0] <= w[1]), "{sets:?}");
            assert_eq!(sets.last().copied(), Some(total), "{sets:?}");
            assert!(total > 0 && total <= docs.len() as u64);
            loads += 1;
        }
        assert!(loads >= 2, "sets, texts for alignment and texts for the reports: {events:?}");
        let _ = std::fs::remove_dir_all(dir);
    }

    /// A run over a file reads texts again when it needs them; its links, clusters, overlaps
    /// and the texts its reports see are those of a run that held every text.
    #[test]
    fn texts_read_again_give_the_results_of_texts_held() {
        let (dir, docs) = corpus("same");
        let path = dir.join("in.jsonl");
        write(&path, &docs);
        // A directory of text files is read again by the reader, JSON Lines line by line.
        let txt = dir.join("txt");
        std::fs::create_dir(&txt).unwrap();
        for (id, text) in &docs {
            std::fs::write(txt.join(format!("{id}.txt")), text).unwrap();
        }
        let expected: std::collections::HashMap<&str, &str> =
            docs.iter().map(|(id, t)| (id.as_str(), t.as_str())).collect();
        // Two JSON Lines files: lines are found per input.
        let (first, second) = (dir.join("first.jsonl"), dir.join("second.jsonl"));
        write(&first, &docs[..3]);
        write(&second, &docs[3..]);
        let forms = [
            vec![Input::Jsonl(path.clone())],
            vec![Input::Dir(txt.clone())],
            vec![Input::Jsonl(first), Input::Jsonl(second)],
        ];
        let configs = [Params::default(), Params { passages: None, ..Params::default() }];
        for (form, config) in forms.iter().flat_map(|f| configs.iter().map(move |c| (f, c))) {
            let under_budget = config.clone().resolve().unwrap();
            let config = Params { text_memory: 0, ..config.clone() }.resolve().unwrap();
            let input = || form.clone();
            let (mut held_sink, mut reread_sink) = (Seen::default(), Seen::default());
            let (d, summary) = read_and_sketch(input(), &config, &NoProgress).unwrap();
            let held = run_on(d, summary, Default::default(), &config, &NoProgress, &mut held_sink).unwrap();
            let reread = run(input(), &config, &NoProgress, &mut reread_sink).unwrap();
            assert!(!held.links.is_empty() && !held_sink.0.is_empty(), "the corpus has pairs to compare");
            assert_eq!(format!("{:?}", held.links), format!("{:?}", reread.links));
            assert_eq!(format!("{:?}", held.clusters), format!("{:?}", reread.clusters));
            assert_eq!(held_sink.0, reread_sink.0);
            let linked = crate::pipeline::involved(docs.len(), reread.links.iter().map(|p| (p.a, p.b)));
            for (i, (h, r)) in held.docs.iter().zip(&reread.docs).enumerate() {
                assert_eq!(h.text, expected[h.id.trim_end_matches(".txt")]);
                if linked[i] {
                    assert_eq!(r.text, h.text, "linked document {} holds its text", r.id);
                } else if config.passages.is_none() {
                    assert!(r.text.is_empty(), "document {} is in no link and holds no text", r.id);
                } else {
                    // Aligned without a relation: its text was read for its sequence.
                    assert!(r.text.is_empty() || r.text == h.text, "{}", r.id);
                }
            }
            // Under the budget every text is held from reading; with passages on, those of
            // documents in no pair to align and no copy are let go before alignment, and the
            // results are still those of a run that held every text.
            let mut kept_sink = Seen::default();
            let kept = run(input(), &under_budget, &NoProgress, &mut kept_sink).unwrap();
            assert_eq!(format!("{:?}", held.links), format!("{:?}", kept.links));
            assert_eq!(format!("{:?}", held.clusters), format!("{:?}", kept.clusters));
            assert_eq!(held_sink.0, kept_sink.0, "the overlaps saw the same texts");
            let mut let_go = 0;
            for (i, (h, k)) in held.docs.iter().zip(&kept.docs).enumerate() {
                if linked[i] {
                    assert_eq!(k.text, h.text, "linked document {} holds its text", k.id);
                } else if k.text.is_empty() && !h.text.is_empty() {
                    let_go += 1;
                } else {
                    assert_eq!(k.text, h.text, "{}", k.id);
                }
            }
            if config.passages.is_some() {
                assert!(let_go >= 1, "the seeds hold articles in no relation: {let_go}");
            } else {
                assert_eq!(let_go, 0, "without passages every text stays held");
            }
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// [`Seen`], naming a directory for the run's temporary files.
    struct SeenIn(Seen, PathBuf);

    impl OverlapSink for SeenIn {
        fn overlap(&mut self, docs: &Docs, p: &VerifiedPair, key: (u32, u32)) {
            self.0.overlap(docs, p, key)
        }
        fn finish(&mut self, docs: &Docs, held: &[((u32, u32), VerifiedPair)]) {
            self.0.finish(docs, held)
        }
        fn scratch(&self) -> Option<&std::path::Path> {
            Some(&self.1)
        }
    }

    /// Progress that writes `docs` over the input when the stage `at` starts.
    struct Rewrite {
        at: &'static str,
        path: PathBuf,
        docs: Vec<(String, String)>,
    }

    impl Progress for Rewrite {
        fn start(&self, stage: &'static str, _: Option<u64>, _: &'static str) {
            if stage == self.at {
                write(&self.path, &self.docs);
            }
        }
        fn set(&self, _: u64) {}
        fn finish(&self) {}
    }

    /// With a directory for temporary files, the texts reading lets go are written there and
    /// read from there: the input is read once (an input changed once read changes nothing),
    /// and the results are those of a run that held every text. Without one, the same run
    /// reads the input again and finds it changed.
    #[test]
    fn texts_let_go_into_a_file_are_read_from_it_not_from_the_input() {
        let (dir, docs) = corpus("file");
        let path = dir.join("in.jsonl");
        let mut changed = docs.clone();
        changed.iter_mut().for_each(|(_, t)| t.push_str(" تعديل"));
        let input = || vec![Input::Jsonl(path.clone())];
        let rewrite = Rewrite { at: "candidates", path: path.clone(), docs: changed };
        for config in [Params::default(), Params { passages: None, ..Params::default() }] {
            let config = Params { text_memory: 0, ..config }.resolve().unwrap();
            write(&path, &docs);
            let mut held_sink = Seen::default();
            let (d, summary) = read_and_sketch(input(), &config, &NoProgress).unwrap();
            let held = run_on(d, summary, Default::default(), &config, &NoProgress, &mut held_sink).unwrap();
            assert!(!held.links.is_empty() && !held_sink.0.is_empty(), "the corpus has pairs to compare");

            let mut sink = SeenIn(Seen::default(), dir.clone());
            let filed = run(input(), &config, &rewrite, &mut sink).unwrap();
            assert!(std::fs::read_to_string(&path).unwrap().contains("تعديل"), "the input was changed");
            assert!(filed.spilled.is_some(), "the texts are in a file");
            assert_eq!(format!("{:?}", held.links), format!("{:?}", filed.links));
            assert_eq!(format!("{:?}", held.clusters), format!("{:?}", filed.clusters));
            assert_eq!(held_sink.0, sink.0 .0, "the overlaps saw the texts first read");
            let texts = filed.texts();
            for (d, (_, text)) in docs.iter().enumerate() {
                assert_eq!(texts.text(d as u32).unwrap(), text.as_str(), "document {d}");
            }

            write(&path, &docs);
            let e = run(input(), &config, &rewrite, &mut Seen::default()).unwrap_err().to_string();
            assert!(e.contains("the input changed during the run"), "{e}");
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// Reading holds texts while they take at most the budget, and lets every one go past it.
    #[test]
    fn reading_holds_texts_up_to_the_budget() {
        let (dir, docs) = corpus("budget");
        let path = dir.join("in.jsonl");
        write(&path, &docs);
        let config = Params::default().resolve().unwrap();
        let bytes: usize = docs.iter().map(|(_, t)| t.len()).sum();
        let read = |budget| {
            let inputs = vec![Input::Jsonl(path.clone())];
            super::super::read::read(inputs, &config, &NoProgress, budget, None).unwrap().0
        };
        for budget in [None, Some(bytes)] {
            assert!(read(budget).iter().zip(&docs).all(|(d, (_, t))| &d.text == t), "{budget:?}");
        }
        for budget in [Some(0), Some(bytes - 1)] {
            assert!(read(budget).iter().all(|d| d.text.is_empty()), "{budget:?}");
            // With a directory, every text let go is in the file, whenever it was let go.
            let inputs = vec![Input::Jsonl(path.clone())];
            let (read, _, spill) =
                super::super::read::read(inputs, &config, &NoProgress, budget, Some(&dir)).unwrap();
            let spill = spill.expect("a file of texts");
            assert!(read.iter().all(|d| d.text.is_empty()), "{budget:?}");
            let texts = Docs::with(&read, Some(&spill));
            for (d, (_, text)) in docs.iter().enumerate() {
                assert_eq!(texts.text(d as u32).unwrap(), text.as_str(), "{budget:?} {d}");
            }
        }
        let inputs = vec![Input::Jsonl(path.clone())];
        let (_, _, spill) =
            super::super::read::read(inputs, &config, &NoProgress, Some(bytes), Some(&dir)).unwrap();
        assert!(spill.is_none(), "under the budget, no file");
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// An input that changed between the first reading and the second is an error naming the
    /// place and the document, never a text that is not the one analysed.
    #[test]
    fn an_input_changed_during_the_run_is_an_error() {
        let (dir, mut docs) = corpus("changed");
        let path = dir.join("in.jsonl");
        write(&path, &docs);
        let config = Params::default().resolve().unwrap();
        let inputs = vec![Input::Jsonl(path.clone())];
        let all = vec![true; docs.len()];
        let read =
            || super::super::read::read(inputs.clone(), &config, &NoProgress, Some(0), None).unwrap().0;
        let texts = Texts::reread(&inputs, &config.corpus);
        let mut unchanged = read();
        assert!(unchanged.iter().all(|d| d.text.is_empty()));
        assert!(texts.load(&mut unchanged, &all, Want::Text, &NoProgress).unwrap());
        assert!(unchanged.iter().zip(&docs).all(|(d, (_, t))| &d.text == t));

        let mut first = read();
        docs[2].1.push_str(" تعديل");
        write(&path, &docs);
        let e = texts.load(&mut first, &all, Want::Text, &NoProgress).unwrap_err().to_string();
        assert!(e.starts_with(&format!("{}:3: the input changed during the run", path.display())), "{e}");
        assert!(e.contains(&format!("`{}`", docs[2].0)), "{e}");

        let mut first = read();
        docs.truncate(4);
        write(&path, &docs);
        let e = texts.load(&mut first, &all, Want::Set(&config), &NoProgress).unwrap_err().to_string();
        assert!(e.contains("the input changed during the run"), "{e}");

        // A directory, read again by the reader: a file edited, then a file removed.
        let txt = dir.join("txt");
        std::fs::create_dir(&txt).unwrap();
        for (id, text) in &docs {
            std::fs::write(txt.join(format!("{id}.txt")), text).unwrap();
        }
        let inputs = vec![Input::Dir(txt.clone())];
        let texts = Texts::reread(&inputs, &config.corpus);
        let read =
            || super::super::read::read(inputs.clone(), &config, &NoProgress, Some(0), None).unwrap().0;
        let all = vec![true; docs.len()];
        let mut first = read();
        std::fs::write(txt.join(format!("{}.txt", docs[1].0)), "another text altogether").unwrap();
        let e = texts.load(&mut first, &all, Want::Text, &NoProgress).unwrap_err().to_string();
        assert!(e.contains("the input changed during the run") && e.contains(&docs[1].0), "{e}");
        let mut first = read();
        std::fs::remove_file(txt.join(format!("{}.txt", docs[3].0))).unwrap();
        assert!(texts.load(&mut first, &all, Want::Text, &NoProgress).is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
