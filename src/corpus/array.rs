//! A JSON array of records (`[ {...}, {...} ]`), read element by element: memory holds one
//! batch of elements, never the whole array, and an element longer than `--max-doc-bytes` is
//! skipped without being held, like an over-long JSON line.
//!
//! A scanner finds where each element ends (strings, escapes and bracket depth; no recursion),
//! then each element is parsed like a JSON line, in parallel. Elements are named by the line
//! they start on and their 0-based index: `FILE:LINE: invalid JSON: … (element [17])` (the
//! reason comes first, so skipped records count by reason, not by index). A file
//! that is cut short (the array never closed) keeps the elements read before the damage and
//! reports where it ends. serde_json's `StreamDeserializer` reads a sequence of values, not the
//! elements of one array, and stops at the first error; hence the scanner.

use super::lines::{without_bom, Hashing};
use super::reader::{RecordStream, BATCH_BYTES, BATCH_LINES};
use super::record::{parse_record, FieldTally, Fields};
use super::{CorpusConfig, CorpusError, Record, Skipped, Source};
use std::io::{self, BufRead};
use std::sync::{Arc, Mutex};

/// Whether the stream `reader` holds a JSON array: its first byte after a byte-order mark and
/// white space is `[`. Nothing is consumed but whole lines of white space at the start, whose
/// count is returned so that line numbers stay those of the file.
pub(super) fn sniff_array(reader: &mut dyn BufRead) -> io::Result<(bool, u64)> {
    let mut lines = 0u64;
    let mut first = true;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok((false, lines));
        }
        let body = if first { without_bom(buf) } else { buf };
        let skipped = buf.len() - body.len();
        if let Some(i) = body.iter().position(|b| !b.is_ascii_whitespace()) {
            return Ok((body[i] == b'[', lines));
        }
        // All white space: consume it up to its last line break (a line's leading spaces stay
        // with the line), or all of it when it has none.
        let (take, newlines) = match memchr::memrchr(b'\n', body) {
            Some(last) => (skipped + last + 1, memchr::memchr_iter(b'\n', &body[..=last]).count()),
            None => (buf.len(), 0),
        };
        reader.consume(take);
        lines += newlines as u64;
        first = false;
    }
}

/// Where the scanner stands between elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the opening bracket.
    Start,
    /// After `[` or `,`: an element (or, after `[`, the closing bracket) comes next.
    Element { after_comma: bool },
    /// After an element: `,` or `]` comes next.
    Separator,
    /// After the closing bracket, or after damage: nothing more is read.
    Done,
}

/// A JSON array file being read.
pub(super) struct ArraySource {
    name: String,
    reader: Box<dyn BufRead + Send>,
    /// The line the scanner is on (1-based).
    line: u64,
    /// Index of the next element.
    index: u64,
    state: State,
    /// Whether this file is a whole input (not a shard of a directory).
    whole: bool,
}

/// One element found by the scanner: its index, the line it starts on, its bytes in the batch
/// buffer, and whether it was over the limit (then its bytes were not kept).
struct Span {
    index: u64,
    line: u64,
    start: usize,
    end: usize,
    too_long: bool,
}

impl ArraySource {
    /// A reader of the array in `reader`, whose first `lines` lines were consumed by
    /// [`sniff_array`].
    pub(super) fn new(name: String, reader: Box<dyn BufRead + Send>, lines: u64, whole: bool) -> Self {
        ArraySource { name, reader, line: lines + 1, index: 0, state: State::Start, whole }
    }

    fn skip(&self, line: u64, reason: String) -> Skipped {
        Skipped { source: self.name.clone(), line: Some(line), id: None, reason }
    }

    /// Skips white space (and a byte-order mark at the start), counting lines, and returns the
    /// next byte without consuming it; `None` at the end of the stream.
    fn peek(&mut self) -> io::Result<Option<u8>> {
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                return Ok(None);
            }
            let bom = if self.state == State::Start && buf.starts_with(&[0xEF, 0xBB, 0xBF]) { 3 } else { 0 };
            match buf[bom..].iter().position(|b| !b.is_ascii_whitespace()) {
                Some(i) => {
                    self.line += memchr::memchr_iter(b'\n', &buf[..bom + i]).count() as u64;
                    let b = buf[bom + i];
                    self.reader.consume(bom + i);
                    return Ok(Some(b));
                }
                None => {
                    let n = buf.len();
                    self.line += memchr::memchr_iter(b'\n', buf).count() as u64;
                    self.reader.consume(n);
                }
            }
        }
    }

    /// Copies one element (from its first byte, which `peek` has seen) into `data`, up to
    /// `cap` bytes (beyond that it is consumed without being kept). Returns whether it was
    /// complete (`false`: the stream ended inside it) and whether it was over the cap.
    fn element(&mut self, data: &mut Vec<u8>, cap: usize) -> io::Result<(bool, bool)> {
        let start = data.len();
        let mut depth = 0usize;
        let mut in_string = false;
        let mut escaped = false;
        let mut too_long = false;
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                return Ok((false, too_long));
            }
            let mut end = None;
            let mut i = 0;
            while i < buf.len() {
                let b = buf[i];
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_string = false;
                    } else {
                        // Jump to the next byte that matters inside a string.
                        match memchr::memchr2(b'"', b'\\', &buf[i..]) {
                            Some(k) => {
                                i += k;
                                continue;
                            }
                            None => {
                                i = buf.len();
                                continue;
                            }
                        }
                    }
                } else {
                    match b {
                        b'"' => in_string = true,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' if depth > 0 => {
                            depth -= 1;
                            if depth == 0 {
                                end = Some(i + 1);
                                break;
                            }
                        }
                        // A scalar element (or a stray closing bracket) ends where the next
                        // separator or white space begins.
                        b',' | b']' | b' ' | b'\t' | b'\r' | b'\n' if depth == 0 => {
                            end = Some(i);
                            break;
                        }
                        _ => {}
                    }
                }
                i += 1;
            }
            let take = end.unwrap_or(buf.len());
            self.line += memchr::memchr_iter(b'\n', &buf[..take]).count() as u64;
            if !too_long {
                if data.len() - start + take > cap {
                    too_long = true;
                    data.truncate(start);
                } else {
                    data.extend_from_slice(&buf[..take]);
                }
            }
            self.reader.consume(take);
            if end.is_some() {
                return Ok((true, too_long));
            }
        }
    }

    /// Scans up to a batch of elements into `data`; a problem that ends the file becomes a
    /// skipped record in `trailer`.
    fn scan(&mut self, data: &mut Vec<u8>, spans: &mut Vec<Span>, cap: usize) -> io::Result<Option<Skipped>> {
        while data.len() < BATCH_BYTES && spans.len() < BATCH_LINES {
            let next = self.peek()?;
            match (self.state, next) {
                (State::Done, _) => return Ok(None),
                (State::Start, Some(b'[')) => {
                    self.reader.consume(1);
                    self.state = State::Element { after_comma: false };
                }
                (State::Start, _) => {
                    self.state = State::Done;
                    return Ok(Some(
                        self.skip(self.line, "expected a JSON array ([ at the start)".to_owned()),
                    ));
                }
                (State::Element { after_comma: false }, Some(b']')) | (State::Separator, Some(b']')) => {
                    self.reader.consume(1);
                    self.state = State::Done;
                    return match self.peek()? {
                        None => Ok(None),
                        Some(_) => Ok(Some(
                            self.skip(self.line, "content after the end of the array: not read".to_owned()),
                        )),
                    };
                }
                (State::Separator, Some(b',')) => {
                    self.reader.consume(1);
                    self.state = State::Element { after_comma: true };
                }
                (State::Separator, Some(_)) => {
                    self.state = State::Done;
                    let reason = format!(
                        "expected , or ] between elements: rest of file not read (after element [{}])",
                        self.index.saturating_sub(1)
                    );
                    return Ok(Some(self.skip(self.line, reason)));
                }
                (State::Element { .. }, Some(_)) => {
                    let (line, index, start) = (self.line, self.index, data.len());
                    let (complete, too_long) = self.element(data, cap)?;
                    self.index += 1;
                    if !complete {
                        data.truncate(start);
                        self.state = State::Done;
                        let reason = format!(
                            "the file ends inside an element (the array is not closed): rest of file not read (element [{index}])"
                        );
                        return Ok(Some(self.skip(line, reason)));
                    }
                    spans.push(Span { index, line, start, end: data.len(), too_long });
                    self.state = State::Separator;
                }
                (State::Element { .. } | State::Separator, None) => {
                    self.state = State::Done;
                    let reason =
                        "the file ends before the array is closed (no ]): the elements before are kept";
                    return Ok(Some(self.skip(self.line, reason.to_owned())));
                }
            }
        }
        Ok(None)
    }
}

impl ArraySource {
    /// Calls `f(line, element)` for every element, with the line it starts on and its bytes
    /// as read (as [`RecordStream::next_records`] finds them); an element over
    /// `--max-doc-bytes` gives `None`. Damage or a read error ends the array, as in the first
    /// read.
    pub(super) fn for_each_element(
        &mut self,
        config: &CorpusConfig,
        mut f: impl FnMut(u64, Option<&[u8]>) -> io::Result<()>,
    ) -> io::Result<()> {
        while self.state != State::Done {
            let (mut data, mut spans) = (Vec::new(), Vec::new());
            let ended = self.scan(&mut data, &mut spans, config.max_doc_bytes).is_err();
            for s in &spans {
                f(s.line, (!s.too_long).then(|| &data[s.start..s.end]))?;
            }
            if ended {
                break;
            }
        }
        Ok(())
    }
}

impl RecordStream for ArraySource {
    fn next_records(
        &mut self,
        config: &CorpusConfig,
        bytes_read: &mut u64,
        hash: Option<&Arc<Mutex<Hashing>>>,
        fields: &mut FieldTally,
    ) -> Result<Option<Vec<Record>>, CorpusError> {
        use rayon::prelude::*;
        if self.state == State::Done {
            return Ok(None);
        }
        let mut data = Vec::with_capacity(BATCH_BYTES + (64 << 10));
        let mut spans = Vec::new();
        let trailer = match self.scan(&mut data, &mut spans, config.max_doc_bytes) {
            Ok(t) => t,
            Err(e) => {
                // A read error (a truncated or corrupt compressed stream) ends this file; the
                // elements before it are kept.
                self.state = State::Done;
                if let Some(Ok(mut h)) = hash.map(|h| h.lock()) {
                    h.complete = false;
                }
                Some(self.skip(self.line, format!("input ends in a read error, rest of file not read: {e}")))
            }
        };
        if self.state == State::Done && trailer.is_none() && self.whole {
            if let Some(Ok(mut h)) = hash.map(|h| h.lock()) {
                h.complete = true;
            }
        }
        *bytes_read += data.len() as u64;
        if spans.is_empty() && trailer.is_none() {
            return Ok(None);
        }
        let name = self.name.as_str();
        let source = Source::from(name);
        let data = &data;
        let parsed: Vec<(Record, Fields)> = spans
            .into_par_iter()
            .filter_map(|s| {
                if s.too_long {
                    let reason = format!(
                        "element longer than --max-doc-bytes ({} bytes); not read (element [{}])",
                        config.max_doc_bytes, s.index
                    );
                    let skip = Skipped { source: name.to_owned(), line: Some(s.line), id: None, reason };
                    return Some((Record::Skip(skip), Fields::default()));
                }
                // The line given is never 1 for the byte-order mark's sake: the mark was before
                // the bracket.
                let (record, f) = parse_record(&source, s.line.max(2), &data[s.start..s.end], config)?;
                let record = match record {
                    Record::Doc(mut d) => {
                        d.origin.line = Some(s.line);
                        Record::Doc(d)
                    }
                    Record::Skip(k) => Record::Skip(Skipped {
                        reason: format!("{} (element [{}])", k.reason, s.index),
                        line: Some(s.line),
                        ..k
                    }),
                };
                Some((record, f))
            })
            .collect();
        let mut records = Vec::with_capacity(parsed.len() + 1);
        for (record, f) in parsed {
            fields.add(&f);
            records.push(record);
        }
        records.extend(trailer.map(Record::Skip));
        Ok(Some(records))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every record of the JSON text `bytes`, read in batches through a 7-byte buffer: (id,
    /// line) or (reason, line).
    fn read(bytes: &[u8], max: usize) -> Vec<Result<(String, u64), (String, u64)>> {
        let config = CorpusConfig { max_doc_bytes: max, ..CorpusConfig::default() };
        let mut reader: Box<dyn BufRead + Send> =
            Box::new(io::BufReader::with_capacity(7, io::Cursor::new(bytes.to_vec())));
        let (array, lines) = sniff_array(&mut reader).unwrap();
        assert!(array, "not an array: {:?}", String::from_utf8_lossy(bytes));
        let mut src = ArraySource::new("a.json".into(), reader, lines, true);
        let mut out = Vec::new();
        while let Some(batch) = src.next_records(&config, &mut 0, None, &mut FieldTally::default()).unwrap() {
            out.extend(batch.into_iter().map(|r| match r {
                Record::Doc(d) => Ok((d.id, d.origin.line.unwrap())),
                Record::Skip(s) => Err((s.reason, s.line.unwrap())),
            }));
        }
        out
    }

    fn ok(id: &str, line: u64) -> Result<(String, u64), (String, u64)> {
        Ok((id.to_owned(), line))
    }

    fn err(reason: &str, line: u64) -> Result<(String, u64), (String, u64)> {
        Err((reason.to_owned(), line))
    }

    #[test]
    fn elements_are_read_with_their_index_and_line() {
        let text = "\u{feff}\n\n  [\n  {\"id\": \"a\", \"text\": \"x ] } [ {\\\" \\\\\"},\n   {\"id\": 2,\n \"text\": \"y\"}, 7,\n{\"text\": \"no id\"}\n]\n";
        assert_eq!(
            read(text.as_bytes(), 1000),
            [
                ok("a", 4),
                ok("2", 5),
                err("expected a JSON object, found a number (element [2])", 6),
                err("no id field `id` (see --id-field) (element [3])", 7),
            ]
        );
        assert_eq!(read(b"[]", 10), []);
        assert_eq!(read(b" [ ] \n", 10), []);
    }

    #[test]
    fn damage_is_named_and_what_came_before_is_kept() {
        let a = r#"{"id": "a", "text": "x"}"#;
        // Cut inside the second element.
        assert_eq!(
            read(format!("[{a},\n{{\"id\": \"b\", \"te").as_bytes(), 1000),
            [ok("a", 1), err("the file ends inside an element (the array is not closed): rest of file not read (element [1])", 2)]
        );
        // Cut after a whole element.
        assert_eq!(
            read(format!("[{a},\n").as_bytes(), 1000),
            [
                ok("a", 1),
                err("the file ends before the array is closed (no ]): the elements before are kept", 2)
            ]
        );
        // A missing comma.
        assert_eq!(
            read(format!("[{a}\n{a}]").as_bytes(), 1000),
            [
                ok("a", 1),
                err("expected , or ] between elements: rest of file not read (after element [0])", 2)
            ]
        );
        // Something after the array.
        assert_eq!(
            read(format!("[{a}] x").as_bytes(), 1000),
            [ok("a", 1), err("content after the end of the array: not read", 1)]
        );
        // An element over the limit is skipped without being kept; the next one is read.
        let long = format!(r#"{{"id": "long", "text": "{}"}}"#, "w".repeat(500));
        assert_eq!(
            read(format!("[{long},\n{a}]").as_bytes(), 100),
            [err("element longer than --max-doc-bytes (100 bytes); not read (element [0])", 1), ok("a", 2)]
        );
    }

    proptest! {
        /// Fuzz target: arbitrary bytes after `[` never panic, and every document read has an id.
        #[test]
        fn arbitrary_arrays_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
            let text = [b"[".to_vec(), bytes].concat();
            for r in read(&text, 64).into_iter().flatten() {
                prop_assert!(!r.0.is_empty());
            }
        }

        /// Fuzz target: arrays written by serde_json, compact or pretty, come back whole and
        /// in order, with the line each element starts on.
        #[test]
        fn written_arrays_come_back_whole(
            texts in prop::collection::vec("[a-z \"\\\\\\]\\[{},\n]{0,12}", 0..12),
            pretty in any::<bool>(),
        ) {
            let values: Vec<serde_json::Value> = texts
                .iter()
                .enumerate()
                .map(|(i, t)| serde_json::json!({"id": format!("d{i}"), "text": t, "n": [1, {"x": "]"}]}))
                .collect();
            let text = if pretty { serde_json::to_string_pretty(&values) } else { serde_json::to_string(&values) }.unwrap();
            let got = read(text.as_bytes(), 1 << 20);
            let ids: Vec<String> = got.iter().map(|r| r.clone().map(|(id, _)| id).unwrap_or_else(|(e, _)| e)).collect();
            let want: Vec<String> = (0..texts.len()).map(|i| format!("d{i}")).collect();
            prop_assert_eq!(ids, want);
            if pretty {
                // serde_json puts each element's `{` on a line of its own, from line 2 on.
                let lines: Vec<u64> = text.lines().enumerate().filter(|(_, l)| *l == "  {").map(|(k, _)| k as u64 + 1).collect();
                prop_assert_eq!(got.iter().map(|r| r.clone().map(|(_, l)| l).unwrap_or(0)).collect::<Vec<_>>(), lines);
            }
        }
    }
}
