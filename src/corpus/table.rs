//! CSV and TSV files with a header row: `--id-field` and `--text-field` name columns (and
//! `--keep earliest:FIELD` a column); every other row is one record, reported under the line
//! it starts on.
//!
//! CSV follows RFC 4180 (quoted fields may hold commas, quotes and newlines); TSV has no
//! quoting (a `"` is an ordinary character; tabs and newlines cannot occur inside a field), as
//! IANA's `text/tab-separated-values` says. A row is bounded like a JSON line: the reader never
//! holds more than `--max-doc-bytes` (and one read buffer) of one row, so a runaway quoted field
//! ends the file with a diagnostic instead of filling memory.

use super::lines::Hashing;
use super::meta::MetaColumns;
use super::reader::{RecordStream, BATCH_BYTES, BATCH_LINES};
use super::record::FieldTally;
use super::{CorpusConfig, CorpusError, Origin, RawDoc, Record, Skipped, Source};
use csv::ByteRecord;
use std::io::{self, BufRead, Read};
use std::sync::{Arc, Mutex};

/// Bytes the CSV reader buffers ahead of the row it parses.
const READ_AHEAD: usize = 64 << 10;

/// The columns read from a table, by position.
struct Columns {
    id: usize,
    text: usize,
    key: Option<usize>,
    /// Carried and display columns.
    meta: MetaColumns,
    /// How many fields the header has.
    width: usize,
}

/// A CSV or TSV file being read.
pub(super) struct TableSource {
    /// The file's name, as its documents hold it.
    name: Source,
    reader: csv::Reader<Guard>,
    columns: Columns,
    done: bool,
    /// Whether this file is a whole input (not a shard of a directory).
    whole: bool,
    /// The header's column names, until the first batch tells them to the field tally.
    names: Vec<String>,
    /// The header row as read (byte-order mark and line ending included).
    header: Vec<u8>,
}

/// Keeps the raw bytes of the current row (for its line number and checksum) and refuses to
/// read further once more than `limit` bytes were handed out past the start of the row: a row
/// longer than `--max-doc-bytes` is an I/O error, which ends the file.
struct Guard {
    inner: Box<dyn BufRead + Send>,
    /// Bytes handed out so far.
    pulled: u64,
    /// The bytes handed out from offset `raw_start` on: the current row and what the CSV
    /// reader read ahead.
    raw: Vec<u8>,
    raw_start: u64,
    limit: u64,
}

impl Guard {
    /// Forgets the bytes before offset `start`, where the next row starts.
    fn start_row(&mut self, start: u64) {
        let drop = (start.saturating_sub(self.raw_start) as usize).min(self.raw.len());
        self.raw.drain(..drop);
        self.raw_start += drop as u64;
    }

    /// The raw bytes of the row that ends at offset `end`.
    fn row(&self, end: u64) -> &[u8] {
        let len = (end.saturating_sub(self.raw_start) as usize).min(self.raw.len());
        &self.raw[..len]
    }
}

impl Read for Guard {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pulled.saturating_sub(self.raw_start) > self.limit {
            return Err(io::Error::other(TOO_LONG));
        }
        let n = self.inner.read(buf)?;
        self.pulled += n as u64;
        self.raw.extend_from_slice(&buf[..n]);
        Ok(n)
    }
}

const TOO_LONG: &str = "row longer than --max-doc-bytes";

impl TableSource {
    /// Reads the header of `reader` (the decompressed bytes of the file `name`) and finds the
    /// columns `config` names. A column that is not in the header is an error naming the
    /// columns there are: every row would lack it.
    pub(super) fn open(
        name: String,
        reader: Box<dyn BufRead + Send>,
        delimiter: u8,
        config: &CorpusConfig,
        whole: bool,
    ) -> Result<TableSource, CorpusError> {
        // The reader holds at most a row and what it read ahead: more than that past the start
        // of a row means the row is over the limit.
        let limit = (config.max_doc_bytes as u64).saturating_add(READ_AHEAD as u64);
        let guard = Guard { inner: reader, pulled: 0, raw: Vec::new(), raw_start: 0, limit };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .quoting(delimiter != b'\t')
            .flexible(true)
            .has_headers(true)
            .buffer_capacity(READ_AHEAD)
            .from_reader(guard);
        let bad =
            |reason: String| CorpusError::BadRecord { source_name: name.clone(), line: Some(1), reason };
        let header = match reader.byte_headers() {
            Ok(h) => h.clone(),
            Err(e) => return Err(bad(format!("cannot read the header row: {}", error_text(&e)))),
        };
        if header.is_empty() {
            // An empty file: no header, no rows (the reader is at its end).
            let columns = Columns { id: 0, text: 0, key: None, meta: MetaColumns::default(), width: 0 };
            let (names, header) = (Vec::new(), Vec::new());
            let name = Source::from(name);
            return Ok(TableSource { name, reader, columns, done: false, whole, names, header });
        }
        let names: Vec<String> = header.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect();
        let find = |field: &str, flag: &str| -> Result<usize, CorpusError> {
            names.iter().position(|n| n == field).ok_or_else(|| CorpusError::NoSuchColumn {
                source_name: name.clone(),
                field: field.to_owned(),
                flag: flag.to_owned(),
                columns: names.join(", "),
            })
        };
        let id = find(&config.id_field, "--id-field")?;
        let text = find(&config.text_field, "--text-field")?;
        let key = match &config.key_field {
            Some(k) => Some(find(k, "--keep")?),
            None => None,
        };
        let meta = MetaColumns::new(&names, id, text, config);
        let end = reader.position().byte();
        let header = reader.get_ref().row(end).to_vec();
        Ok(TableSource {
            name: Source::from(name),
            reader,
            columns: Columns { id, text, key, meta, width: names.len() },
            done: false,
            whole,
            names,
            header,
        })
    }

    /// The record of one row that starts on `line`; `raw` is its bytes as read.
    fn record(&self, row: &ByteRecord, raw: &[u8], line: u64, config: &CorpusConfig) -> Record {
        let skip = |reason: String, id: Option<String>| {
            Record::Skip(Skipped { source: self.name.to_string(), line: Some(line), id, reason })
        };
        let c = &self.columns;
        if row.len() != c.width {
            return skip(format!("row has {} fields, the header has {}", row.len(), c.width), None);
        }
        let field = |i: usize, what: &str| -> Result<String, String> {
            let bytes = row.get(i).unwrap_or_default();
            super::utf8_string(bytes.to_vec()).map_err(|e| {
                format!(
                    "{what} column is not valid UTF-8 (at byte {} of the field)",
                    e.utf8_error().valid_up_to()
                )
            })
        };
        let id = match field(c.id, "id") {
            Ok(id) if id.is_empty() => return skip(format!("id field `{}` is empty", config.id_field), None),
            Ok(id) => id,
            Err(reason) => return skip(reason, None),
        };
        let text = match field(c.text, "text") {
            Ok(t) => t,
            Err(reason) => return skip(reason, Some(id)),
        };
        let key = c.key.and_then(|k| field(k, "key").ok()).filter(|k| !k.is_empty());
        let meta = c.meta.of_row(|i| String::from_utf8_lossy(row.get(i).unwrap_or_default()));
        Record::Doc(RawDoc {
            id,
            text,
            origin: Origin { source: Source::clone(&self.name), line: Some(line), input: 0 },
            key,
            meta,
            record_xxh3: xxhash_rust::xxh3::xxh3_64(raw),
        })
    }
}

impl RecordStream for TableSource {
    fn next_records(
        &mut self,
        config: &CorpusConfig,
        bytes_read: &mut u64,
        hash: Option<&Arc<Mutex<Hashing>>>,
        // A table's id and text columns are checked at its header; the required fields of
        // --meta and the display flags are counted here, a column for every row.
        fields: &mut FieldTally,
    ) -> Result<Option<Vec<Record>>, CorpusError> {
        if self.done {
            return Ok(None);
        }
        if !self.names.is_empty() {
            fields.note_keys(&std::mem::take(&mut self.names));
        }
        let mut records = Vec::new();
        let mut size = 0usize;
        let mut row = ByteRecord::new();
        while size < BATCH_BYTES && records.len() < BATCH_LINES {
            let start = self.reader.position().clone();
            self.reader.get_mut().start_row(start.byte());
            match self.reader.read_byte_record(&mut row) {
                Ok(false) => {
                    self.done = true;
                    if let (true, Some(Ok(mut h))) = (self.whole, hash.map(|h| h.lock())) {
                        h.complete = true;
                    }
                    break;
                }
                Ok(true) => {
                    let end = self.reader.position().byte();
                    let len = end.saturating_sub(start.byte());
                    *bytes_read += len;
                    size += len as usize;
                    let (line, raw) = self.row_text(&start, end);
                    fields.add_row(self.columns.meta.found);
                    records.push(if raw.len() > config.max_doc_bytes {
                        Record::Skip(Skipped {
                            source: self.name.to_string(),
                            line: Some(line),
                            id: None,
                            reason: format!(
                                "row longer than --max-doc-bytes ({} bytes)",
                                config.max_doc_bytes
                            ),
                        })
                    } else {
                        self.record(&row, raw, line, config)
                    });
                }
                Err(e) => {
                    // A read error (a truncated stream, a row over the limit) ends this file;
                    // what was read before it is kept.
                    self.done = true;
                    if let Some(Ok(mut h)) = hash.map(|h| h.lock()) {
                        h.complete = false;
                    }
                    let text = error_text(&e);
                    let reason = if text.contains(TOO_LONG) {
                        format!(
                            "{TOO_LONG} ({} bytes) or an unclosed quote: rest of file not read",
                            config.max_doc_bytes
                        )
                    } else {
                        format!("input ends in a read error, rest of file not read: {text}")
                    };
                    records.push(Record::Skip(Skipped {
                        source: self.name.to_string(),
                        line: Some(start.line()),
                        id: None,
                        reason,
                    }));
                    break;
                }
            }
        }
        if records.is_empty() {
            return Ok(None);
        }
        Ok(Some(records))
    }
}

impl TableSource {
    /// The line a row that the reader read from `start` to `end` starts on, and its bytes. The
    /// reader's position is where the previous row ended: the line ending and blank lines
    /// before this row come first.
    fn row_text(&self, start: &csv::Position, end: u64) -> (u64, &[u8]) {
        let raw = self.reader.get_ref().row(end);
        let lead = raw.iter().position(|&b| b != b'\n' && b != b'\r').unwrap_or(raw.len());
        let line = start.line() + memchr::memchr_iter(b'\n', &raw[..lead]).count() as u64;
        (line, &raw[lead..])
    }

    /// The header row as read (with its byte-order mark and line ending).
    pub(super) fn header(&self) -> &[u8] {
        &self.header
    }

    /// The header's column names (before the first batch is read).
    pub(super) fn columns(&self) -> &[String] {
        &self.names
    }

    /// Calls `f(line, row)` for every row, with the line it starts on and its bytes as read
    /// (numbered as [`RecordStream::next_records`] numbers them); a row over `--max-doc-bytes`
    /// gives `None`. A read error ends the table (its rows were not analysed either).
    pub(super) fn for_each_row(
        &mut self,
        config: &CorpusConfig,
        mut f: impl FnMut(u64, Option<&[u8]>) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut row = ByteRecord::new();
        loop {
            let start = self.reader.position().clone();
            self.reader.get_mut().start_row(start.byte());
            match self.reader.read_byte_record(&mut row) {
                Ok(true) => {
                    let end = self.reader.position().byte();
                    let (line, raw) = self.row_text(&start, end);
                    f(line, (raw.len() <= config.max_doc_bytes).then_some(raw))?;
                }
                Ok(false) | Err(_) => return Ok(()),
            }
        }
    }
}

/// A CSV error without the position the reader adds (reports give their own file and line).
fn error_text(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Io(io) => io.to_string(),
        csv::ErrorKind::Utf8 { err, .. } => err.to_string(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every record of a table written by `bytes`, as (id, text, line) or a skip reason.
    fn read(bytes: Vec<u8>, delimiter: u8, max: usize) -> Vec<Result<(String, String, u64), String>> {
        let config = CorpusConfig { max_doc_bytes: max, ..CorpusConfig::default() };
        let reader: Box<dyn BufRead + Send> = Box::new(io::Cursor::new(bytes));
        let mut table = TableSource::open("t".into(), reader, delimiter, &config, true).unwrap();
        let mut out = Vec::new();
        while let Some(batch) = table.next_records(&config, &mut 0, None, &mut FieldTally::default()).unwrap()
        {
            out.extend(batch.into_iter().map(|r| match r {
                Record::Doc(d) => Ok((d.id, d.text, d.origin.line.unwrap())),
                Record::Skip(s) => Err(format!("{}: {}", s.line.unwrap_or(0), s.reason)),
            }));
        }
        out
    }

    proptest! {
        /// Fuzz target: rows written by a CSV writer (quotes, commas, line breaks inside
        /// fields, CRLF or LF, blank lines between rows) come back with their texts and the
        /// line each starts on.
        #[test]
        fn rows_come_back_with_their_lines(
            rows in prop::collection::vec(("[a-z0-9]{1,6}", "[a-z ,\"\r\n]{0,20}", 0usize..3), 0..20),
            crlf in any::<bool>(),
        ) {
            let end: &[u8] = if crlf { b"\r\n" } else { b"\n" };
            let mut bytes = Vec::new();
            bytes.extend_from_slice(b"id,text");
            bytes.extend_from_slice(end);
            let mut want = Vec::new();
            for (k, (id, text, blank)) in rows.iter().enumerate() {
                for _ in 0..*blank {
                    bytes.extend_from_slice(end);
                }
                let line = 1 + memchr::memchr_iter(b'\n', &bytes).count() as u64;
                let mut w = csv::WriterBuilder::new()
                    .terminator(if crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') })
                    .from_writer(Vec::new());
                let id = format!("{id}{k}");
                w.write_record([id.as_str(), text.as_str()]).unwrap();
                bytes.extend_from_slice(&w.into_inner().unwrap());
                want.push(Ok((id, text.clone(), line)));
            }
            prop_assert_eq!(read(bytes, b',', 1 << 20), want);
        }
    }

    #[test]
    fn tsv_has_no_quoting_and_rows_are_bounded() {
        let got = read(b"id\ttext\na\t\"quoted\" and \"more\nb\tx\n".to_vec(), b'\t', 100);
        assert_eq!(
            got,
            [Ok(("a".into(), "\"quoted\" and \"more".into(), 2)), Ok(("b".into(), "x".into(), 3))]
        );
        // A row over the limit is skipped; the next one is read.
        let long = format!("id,text\na,{}\nb,short\n", "w".repeat(500));
        assert_eq!(
            read(long.into_bytes(), b',', 100),
            [
                Err("2: row longer than --max-doc-bytes (100 bytes)".into()),
                Ok(("b".into(), "short".into(), 3))
            ]
        );
        // An unclosed quote that runs past the limit and the read-ahead ends the file.
        let runaway = format!("id,text\na,ok\nb,\"{}", "w".repeat(READ_AHEAD * 3));
        assert_eq!(
            read(runaway.into_bytes(), b',', 100),
            [
                Ok(("a".into(), "ok".into(), 2)),
                Err("3: row longer than --max-doc-bytes (100 bytes) or an unclosed quote: rest of file not read".into())
            ]
        );
        // An empty file has no rows.
        assert_eq!(read(Vec::new(), b',', 100), []);
    }
}
