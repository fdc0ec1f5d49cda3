//! Parsing one JSON Lines record into a document (id, text, key field; dotted paths), and
//! small auxiliary JSON Lines files (labels, labelled pairs).

use super::lines::{open_lines, without_bom};
use super::{CorpusConfig, CorpusError, Origin, RawDoc, Record, Skipped, Source};
use serde_json::Value;
use std::io::{BufRead, Read};
use std::path::Path;

/// Longest line of an auxiliary file (labels, labelled pairs).
pub const AUX_LINE_BYTES: usize = 1 << 20;

/// A JSON object, as read from an auxiliary file.
pub type JsonObject = serde_json::Map<String, Value>;

/// One line of an auxiliary file: its number, the object, and the line as written.
#[derive(Debug, Clone)]
pub struct JsonLine {
    /// Line number (from 1).
    pub line: u64,
    /// The parsed object.
    pub object: JsonObject,
    /// The line's text (without a byte-order mark and surrounding white space).
    text: String,
}

impl JsonLine {
    /// The value of `key` as an id: a string as it is, a number as its exact JSON text (the way
    /// documents' numeric ids are read), anything else `None`.
    pub fn scalar(&self, key: &str) -> Option<String> {
        match self.object.get(key) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => {
                Some(raw_text(self.text.as_bytes(), key).unwrap_or_else(|| n.to_string()))
            }
            _ => None,
        }
    }
}

/// Reads a small JSON Lines file (plain or gzip) of auxiliary data — labels, labelled pairs —
/// into [`JsonLine`]s. Unlike documents, a bad line here is an error naming
/// the file and line: labels with holes would give wrong figures.
pub fn read_json_objects(path: &Path) -> Result<Vec<JsonLine>, CorpusError> {
    let mut reader = open_lines(path)?;
    let name = path.display().to_string();
    let bad = |line: u64, reason: String| CorpusError::BadRecord {
        source_name: name.clone(),
        line: Some(line),
        reason,
    };
    let mut out = Vec::new();
    let mut buf = Vec::new();
    for n in 1u64.. {
        // Lines are read with a cap, so a file that never ends a line (a link to /dev/zero)
        // is refused instead of filling memory.
        buf.clear();
        let read = (&mut reader)
            .take(AUX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|e| bad(n, format!("cannot read: {e}")))?;
        if read == 0 {
            break;
        }
        if buf.len() > AUX_LINE_BYTES {
            return Err(bad(
                n,
                format!("line longer than {AUX_LINE_BYTES} bytes (labels and pairs are short records); not read further"),
            ));
        }
        let raw = if n == 1 { without_bom(&buf) } else { &buf };
        let line = std::str::from_utf8(raw).map_err(|e| bad(n, format!("not valid UTF-8: {e}")))?.trim();
        if line.is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(object)) => out.push(JsonLine { line: n, object, text: line.to_owned() }),
            Ok(other) => return Err(bad(n, format!("expected a JSON object, found {}", kind(&other)))),
            Err(e) => return Err(bad(n, format!("invalid JSON: {e}"))),
        }
    }
    Ok(out)
}

/// Parses one JSON line into a record; blank lines give nothing.
#[cfg(test)]
pub(super) fn parse_line(source: &str, line: u64, bytes: &[u8], config: &CorpusConfig) -> Option<Record> {
    parse_record(&Source::from(source), line, bytes, config).map(|(r, _)| r)
}

/// How many keys of an object lacking a field [`Fields`] keeps.
const KEYS_KEPT: usize = 32;

/// Which of the fields the flags name a JSON record has: the reader's evidence, over a whole
/// input, that a field is in no record at all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Fields {
    /// The record is a JSON object (the other fields are meaningful only then).
    pub object: bool,
    /// It has the id field (whatever its value).
    pub id: bool,
    /// It has the text field (whatever its value).
    pub text: bool,
    /// Which of the fields that must be in some record ([`super::MetaConfig::required`]) it
    /// has, bit `i` for the `i`-th.
    pub found: u64,
    /// Its first keys, when it lacks the id, the text or a required field: the fields a
    /// message can list.
    pub keys: Vec<String>,
}

/// Distinct field names [`FieldTally`] keeps for a message.
const NAMES_KEPT: usize = 32;

/// The named fields over the JSON records of one input: a field that no record has is an
/// error (every record would be skipped), told at the end of the input, before the next one is
/// read and before any output is written.
#[derive(Debug, Clone, Default)]
pub(super) struct FieldTally {
    /// JSON objects read.
    objects: u64,
    with_id: u64,
    with_text: u64,
    /// Required fields found in some record (a bit each, as [`Fields::found`]).
    found: u64,
    /// Records (JSON objects and table rows) counted for the required fields.
    records: u64,
    /// Keys of the objects that lack a field, sorted, the first [`NAMES_KEPT`].
    seen: std::collections::BTreeSet<String>,
}

impl FieldTally {
    /// Counts one record.
    pub(super) fn add(&mut self, f: &Fields) {
        if !f.object {
            return;
        }
        self.objects += 1;
        self.with_id += f.id as u64;
        self.with_text += f.text as u64;
        self.found |= f.found;
        self.records += 1;
        self.note_keys(&f.keys);
    }

    /// Counts one table row with the required fields `found` (its header's columns).
    pub(super) fn add_row(&mut self, found: u64) {
        self.found |= found;
        self.records += 1;
    }

    /// Keeps field names (up to [`NAMES_KEPT`]) for a message.
    pub(super) fn note_keys(&mut self, keys: &[String]) {
        for k in keys {
            if self.seen.len() >= NAMES_KEPT {
                break;
            }
            if !self.seen.contains(k) {
                self.seen.insert(k.clone());
            }
        }
    }

    /// Adds what another input's tally saw about the required fields.
    pub(super) fn merge(&mut self, other: &FieldTally) {
        self.found |= other.found;
        self.records += other.records;
        let keys: Vec<String> = other.seen.iter().cloned().collect();
        self.note_keys(&keys);
    }

    /// An error when a required field ([`super::MetaConfig::required`]: a field `--meta`
    /// lists, a display field given explicitly) is in no record of any input (`names`); the
    /// tally is that of every input together.
    pub(super) fn check_required(&self, names: &str, config: &CorpusConfig) -> Result<(), CorpusError> {
        let required = config.meta.required();
        let missing: Vec<String> = required
            .iter()
            .enumerate()
            .filter(|(i, _)| self.found & (1 << i) == 0)
            .map(|(_, (f, flag))| format!("`{f}` ({flag})"))
            .collect();
        if missing.is_empty() || self.records == 0 {
            return Ok(());
        }
        Err(CorpusError::NoSuchMetaField {
            fields: missing.join(" and "),
            plural: missing.len() > 1,
            source_name: names.to_owned(),
            records: self.records,
            seen: self.seen_list(),
        })
    }

    fn seen_list(&self) -> String {
        let mut seen: Vec<String> = self.seen.iter().map(|k| format!("`{k}`")).collect();
        if seen.len() >= NAMES_KEPT {
            seen.push("…".to_owned());
        }
        if seen.is_empty() {
            "none".to_owned()
        } else {
            seen.join(", ")
        }
    }

    /// An error when the id or the text field is in no JSON record of the input `name`.
    pub(super) fn check(&self, name: &str, config: &CorpusConfig) -> Result<(), CorpusError> {
        if self.objects == 0 {
            return Ok(());
        }
        let mut missing = Vec::new();
        if self.with_id == 0 {
            missing.push(format!("`{}` (--id-field)", config.id_field));
        }
        if self.with_text == 0 {
            missing.push(format!("`{}` (--text-field)", config.text_field));
        }
        if missing.is_empty() {
            return Ok(());
        }
        Err(CorpusError::NoSuchField {
            fields: missing.join(" and "),
            plural: missing.len() > 1,
            source_name: name.to_owned(),
            records: self.objects,
            seen: self.seen_list(),
        })
    }
}

/// Parses one JSON line (or array element) into a record, with which of the named fields it
/// has; blank lines give nothing.
pub(super) fn parse_record(
    source: &Source,
    line: u64,
    bytes: &[u8],
    config: &CorpusConfig,
) -> Option<(Record, Fields)> {
    let raw = bytes;
    let mut bytes = if line == 1 { without_bom(bytes) } else { bytes };
    while let Some((&last, rest)) = bytes.split_last() {
        if last == b'\n' || last == b'\r' {
            bytes = rest;
        } else {
            break;
        }
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return None;
    }
    let mut fields = Fields::default();
    let skip = |reason: String, id: Option<String>, fields: &Fields| {
        Some((
            Record::Skip(Skipped { source: source.to_string(), line: Some(line), id, reason }),
            fields.clone(),
        ))
    };
    if bytes.len() > config.max_doc_bytes {
        return skip(
            format!("line longer than --max-doc-bytes ({} bytes)", config.max_doc_bytes),
            None,
            &fields,
        );
    }
    // One vectorized UTF-8 check of the line, then a parse that need not check its strings;
    // a line that fails the check is parsed as bytes, for the parser's own message.
    let parsed = match simdutf8::basic::from_utf8(bytes) {
        Ok(line) => serde_json::from_str(line),
        Err(_) => serde_json::from_slice(bytes),
    };
    let value: Value = match parsed {
        Ok(v) => v,
        Err(e) => return skip(format!("invalid JSON: {e}"), None, &fields),
    };
    let Some(object) = value.as_object() else {
        return skip(format!("expected a JSON object, found {}", kind(&value)), None, &fields);
    };
    fields.object = true;
    fields.id = lookup(&value, &config.id_field).is_some();
    fields.text = lookup(&value, &config.text_field).is_some();
    let (meta, found) = super::meta::from_json(&value, bytes, config);
    fields.found = found;
    let all_found = (1u64 << config.meta.required().len()) - 1;
    if !(fields.id && fields.text) || found != all_found {
        fields.keys = object.keys().take(KEYS_KEPT).cloned().collect();
    }
    let fields = &fields;
    let id = match lookup(&value, &config.id_field) {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::Number(n)) => raw_text(bytes, &config.id_field).unwrap_or_else(|| n.to_string()),
        Some(Value::String(_)) => {
            return skip(format!("id field `{}` is empty", config.id_field), None, fields)
        }
        Some(other) => {
            return skip(
                format!("id field `{}` is {}, expected a string or number", config.id_field, kind(other)),
                None,
                fields,
            )
        }
        None => return skip(format!("no id field `{}` (see --id-field)", config.id_field), None, fields),
    };
    let key = config.key_field.as_deref().and_then(|f| match lookup(&value, f) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(raw_text(bytes, f).unwrap_or_else(|| n.to_string())),
        _ => None,
    });
    let mut value = value;
    let text = match lookup_mut(&mut value, &config.text_field) {
        // Taken, not cloned: the parsed line is dropped right after.
        Some(Value::String(s)) => std::mem::take(s),
        Some(other) => {
            return skip(
                format!("text field `{}` is {}, expected a string", config.text_field, kind(other)),
                Some(id),
                fields,
            )
        }
        None => {
            return skip(
                format!("no text field `{}` (see --text-field)", config.text_field),
                Some(id),
                fields,
            )
        }
    };
    let doc = RawDoc {
        id,
        text,
        origin: Origin { source: Source::clone(source), line: Some(line), input: 0 },
        key,
        meta,
        record_xxh3: xxhash_rust::xxh3::xxh3_64(raw),
    };
    Some((Record::Doc(doc), fields.clone()))
}

/// The exact JSON text of the value at `path` in the object `bytes` (exact key first, then a
/// dotted path, like [`lookup`]): numeric ids keep their digits (`18446744073709551616`, `1e2`,
/// `-0`), which a parsed number would round or reformat.
pub(super) fn raw_text(bytes: &[u8], path: &str) -> Option<String> {
    use serde_json::value::RawValue;
    type RawObject = std::collections::HashMap<String, Box<RawValue>>;
    let top: RawObject = serde_json::from_slice(bytes).ok()?;
    let found = match top.get(path) {
        Some(v) => v.get().to_owned(),
        None => {
            let mut parts = path.split('.');
            let mut cur = top.get(parts.next()?)?.get().to_owned();
            for key in parts {
                let inner: RawObject = serde_json::from_str(&cur).ok()?;
                cur = inner.get(key)?.get().to_owned();
            }
            cur
        }
    };
    Some(found)
}

/// Looks up `path` in a JSON object: the exact key first, then a dotted path.
pub(super) fn lookup<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    if let Some(v) = value.get(path) {
        return Some(v);
    }
    if !path.contains('.') {
        return None;
    }
    path.split('.').try_fold(value, |v, key| v.get(key))
}

/// [`lookup`], mutable.
fn lookup_mut<'v>(value: &'v mut Value, path: &str) -> Option<&'v mut Value> {
    if value.get(path).is_some() || !path.contains('.') {
        return value.get_mut(path);
    }
    path.split('.').try_fold(value, |v, key| v.get_mut(key))
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Record {
        parse_line("f.jsonl", 3, line.as_bytes(), &CorpusConfig::default()).expect("a record")
    }

    fn reason(r: Record) -> String {
        match r {
            Record::Skip(s) => s.reason,
            Record::Doc(d) => panic!("expected a skip, got document {}", d.id),
        }
    }

    #[test]
    fn reads_id_and_text() {
        match parse(r#"{"id": "a", "text": "hello", "x": 1}"#) {
            Record::Doc(d) => {
                assert_eq!((d.id.as_str(), d.text.as_str()), ("a", "hello"));
                assert_eq!(d.origin.to_string(), "f.jsonl:3");
            }
            Record::Skip(s) => panic!("{s:?}"),
        }
    }

    #[test]
    fn numeric_ids_and_dotted_paths() {
        let cfg =
            CorpusConfig { id_field: "meta.id".into(), text_field: "body.text".into(), ..Default::default() };
        let r = parse_line("f", 1, br#"{"meta": {"id": 7}, "body": {"text": "t"}}"#, &cfg);
        assert!(matches!(r, Some(Record::Doc(d)) if d.id == "7" && d.text == "t"));
    }

    #[test]
    fn bad_records_are_skipped_with_reasons() {
        assert!(reason(parse("{not json")).starts_with("invalid JSON"));
        assert_eq!(reason(parse("[1, 2]")), "expected a JSON object, found an array");
        assert!(reason(parse(r#"{"text": "x"}"#)).starts_with("no id field `id`"));
        assert!(reason(parse(r#"{"id": "a", "text": null}"#)).contains("is null"));
        assert!(reason(parse(r#"{"id": "a", "text": 5}"#)).contains("is a number"));
        assert!(reason(parse(r#"{"id": "", "text": "x"}"#)).contains("is empty"));
        assert!(parse_line("f", 2, b"  \r\n", &CorpusConfig::default()).is_none());
    }

    /// A line that is not UTF-8 is told as the JSON parser tells it (where the bytes are),
    /// and one that is parses alike whichever way it is read.
    #[test]
    fn invalid_utf_8_is_told_by_the_parser() {
        let line = b"{\"id\": \"a\", \"text\": \"ab\xff\xfecd\"}";
        let got = parse_line("f", 1, line, &CorpusConfig::default()).expect("a record");
        let want = serde_json::from_slice::<Value>(line).unwrap_err();
        assert_eq!(reason(got), format!("invalid JSON: {want}"));
        let valid = r#"{"id": "\u0639", "text": "جندي \u0661 \"x\""}"#;
        match parse(valid) {
            Record::Doc(d) => assert_eq!((d.id.as_str(), d.text.as_str()), ("ع", "جندي ١ \"x\"")),
            Record::Skip(s) => panic!("{s:?}"),
        }
    }

    #[test]
    fn fields_in_no_record_are_told_with_the_fields_seen() {
        let config = CorpusConfig { text_field: "body".into(), ..CorpusConfig::default() };
        let mut tally = FieldTally::default();
        for line in
            [r#"{"id": "a", "text": "x", "title": "t"}"#, "[1]", "not json", r#"{"id": "b", "text": "y"}"#]
        {
            if let Some((_, f)) = parse_record(&"f".into(), 2, line.as_bytes(), &config) {
                tally.add(&f);
            }
        }
        let err = tally.check("in.jsonl", &config).unwrap_err().to_string();
        assert_eq!(err, "field `body` (--text-field) is in no record of in.jsonl (2 JSON objects read); fields seen: `id`, `text`, `title`");
        // One record with the field is enough; no JSON object at all is not this error.
        let (_, f) = parse_record(&"f".into(), 3, br#"{"id": "c", "body": null}"#, &config).unwrap();
        tally.add(&f);
        assert!(tally.check("in.jsonl", &config).is_ok());
        assert!(FieldTally::default().check("in.jsonl", &config).is_ok());
        // The names listed are bounded.
        let mut wide = FieldTally::default();
        let keys: Vec<String> = (0..100).map(|k| format!("\"k{k:03}\": 1")).collect();
        let (_, f) =
            parse_record(&"f".into(), 2, format!("{{{}}}", keys.join(", ")).as_bytes(), &config).unwrap();
        wide.add(&f);
        let err = wide.check("w", &config).unwrap_err().to_string();
        assert!(err.contains("fields `id` (--id-field) and `body` (--text-field) are in no record of w (1 JSON object read)"), "{err}");
        assert!(err.ends_with("`k031`, …"), "{err}");
    }

    proptest::proptest! {
        /// Fuzz target: arbitrary bytes as a JSON line never panic, and a document comes out
        /// only with an id and a text.
        #[test]
        fn parse_line_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            if let Some(Record::Doc(d)) = parse_line("f", 1, &bytes, &CorpusConfig::default()) {
                proptest::prop_assert!(!d.id.is_empty());
            }
        }

        /// Fuzz target: JSON-shaped lines with odd values.
        #[test]
        fn parse_line_on_json_like_lines(
            s in r#"\{("(id|text|meta|x)": ?("[^"\\]{0,12}"|-?[0-9]{1,4}(\.[0-9])?|null|true|\[\]|\{\}|\{"id": ?"a"\}), ?){0,4}"z": 0\}"#
        ) {
            let cfg = CorpusConfig { id_field: "meta.id".into(), ..CorpusConfig::default() };
            let _ = parse_line("f", 1, s.as_bytes(), &CorpusConfig::default());
            let _ = parse_line("f", 1, s.as_bytes(), &cfg);
        }

    }
}
