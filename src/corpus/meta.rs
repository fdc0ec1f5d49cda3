//! Metadata carried with each document: the record fields other than the id and the text that
//! reports repeat (`--meta`), and the display fields reports show (`--title-field`,
//! `--date-field`, `--source-field`).
//!
//! A document holds them in [`Meta`]: at most one allocation, none when the record has no
//! such field (text files never have any). The carried fields are kept as the raw JSON text of
//! one object (`{"source":"aawsat","date":"2015-07-21",...}`): values as the record wrote them
//! (numbers keep their exact digits, strings their escapes), keys in the record's order (for
//! `--meta all`) or in the order `--meta` lists them. A CSV or TSV cell is carried as a JSON
//! string. The display values are held decoded in the same allocation, also when `--meta none`
//! carries nothing, because they are what a report shows.

use super::record::{lookup, raw_text};
use super::CorpusConfig;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::fmt;

/// Default field shown as a document's title (when records have it).
pub const DEFAULT_TITLE_FIELD: &str = "title";
/// Default field shown as a document's date (when records have it).
pub const DEFAULT_DATE_FIELD: &str = "date";
/// Default field shown as a document's outlet (when records have it).
pub const DEFAULT_SOURCE_FIELD: &str = "source";
/// Most fields `--meta` may list (each is checked to be in some record).
pub const MAX_META_FIELDS: usize = 60;

/// Which record fields documents carry into the outputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MetaFields {
    /// Every top-level field whose value is a string, a number or a boolean, except the id
    /// and text fields (every column but those two in CSV/TSV): the default.
    All,
    /// The fields listed (dotted paths reach nested objects), in this order; empty: none.
    List(Vec<String>),
}

impl MetaFields {
    /// Parses a `--meta` value: `all`, `none`, or field names separated by commas.
    pub fn parse(s: &str) -> Result<MetaFields, String> {
        match s.trim() {
            "all" => return Ok(MetaFields::All),
            "none" => return Ok(MetaFields::List(Vec::new())),
            _ => {}
        }
        let mut fields: Vec<String> = Vec::new();
        for f in s.split(',').map(str::trim) {
            if f.is_empty() {
                return Err(format!("`{s}`: an empty field name (give FIELD,FIELD, `all` or `none`)"));
            }
            if !fields.iter().any(|g| g == f) {
                fields.push(f.to_owned());
            }
        }
        if fields.len() > MAX_META_FIELDS {
            return Err(format!("{} fields listed; at most {MAX_META_FIELDS}", fields.len()));
        }
        Ok(MetaFields::List(fields))
    }

    /// How the flag would give this value back: `all`, `none` or the list.
    pub fn name(&self) -> String {
        match self {
            MetaFields::All => "all".to_owned(),
            MetaFields::List(l) if l.is_empty() => "none".to_owned(),
            MetaFields::List(l) => l.join(","),
        }
    }
}

/// A field shown by reports, and whether the user named it (then a field in no record is an
/// error) or it is the default (used when records have it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisplayField {
    /// The JSON field (dotted paths allowed) or CSV/TSV column.
    pub name: String,
    /// Named by a flag, not the default.
    pub explicit: bool,
}

impl DisplayField {
    /// The default `name`, used when records have it.
    pub fn default_to(name: &str) -> Self {
        DisplayField { name: name.to_owned(), explicit: false }
    }
}

/// What metadata documents carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MetaConfig {
    /// The carried fields (`--meta`).
    pub fields: MetaFields,
    /// The title shown for a document (`--title-field`).
    pub title: DisplayField,
    /// The date shown for a document (`--date-field`).
    pub date: DisplayField,
    /// The outlet (publisher) shown for a document (`--source-field`).
    pub outlet: DisplayField,
}

impl Default for MetaConfig {
    fn default() -> Self {
        MetaConfig {
            fields: MetaFields::All,
            title: DisplayField::default_to(DEFAULT_TITLE_FIELD),
            date: DisplayField::default_to(DEFAULT_DATE_FIELD),
            outlet: DisplayField::default_to(DEFAULT_SOURCE_FIELD),
        }
    }
}

impl MetaConfig {
    /// The fields that must be in some record, with the flag naming each: every field
    /// `--meta` lists, and the display fields given explicitly. Bit `i` of a record's
    /// `found` mask stands for the `i`-th.
    pub fn required(&self) -> Vec<(&str, &'static str)> {
        let mut out: Vec<(&str, &'static str)> = match &self.fields {
            MetaFields::List(l) => l.iter().map(|f| (f.as_str(), "--meta")).collect(),
            MetaFields::All => Vec::new(),
        };
        for (d, flag) in
            [(&self.title, "--title-field"), (&self.date, "--date-field"), (&self.outlet, "--source-field")]
        {
            if d.explicit {
                out.push((d.name.as_str(), flag));
            }
        }
        out
    }

    /// The display fields in the order [`Meta::new`] takes them: title, date, outlet.
    pub fn display(&self) -> [&str; 3] {
        [&self.title.name, &self.date.name, &self.outlet.name]
    }
}

/// A document's metadata: its display values and the raw JSON object of its carried fields,
/// in one allocation (none when it has neither). Layout, private to this type: the byte
/// lengths of the title, date and outlet in decimal (`12,10,6;`), the three values, then the
/// JSON object (or nothing).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta(Option<Box<str>>);

impl Meta {
    /// Metadata with these display values (an empty value counts as absent) and carried fields
    /// (`json`: a JSON object, or `None`).
    pub fn new(display: [Option<&str>; 3], json: Option<&str>) -> Meta {
        let display = display.map(|d| d.filter(|d| !d.is_empty()));
        if display.iter().all(Option::is_none) && json.is_none() {
            return Meta(None);
        }
        let [t, d, o] = display.map(|d| d.unwrap_or(""));
        let json = json.unwrap_or("");
        let mut s = format!("{},{},{};", t.len(), d.len(), o.len());
        s.reserve_exact(t.len() + d.len() + o.len() + json.len());
        for part in [t, d, o, json] {
            s.push_str(part);
        }
        Meta(Some(s.into_boxed_str()))
    }

    /// The four parts: title, date, outlet (empty when absent), carried fields' JSON.
    fn parts(&self) -> Option<[&str; 4]> {
        let s = self.0.as_deref()?;
        let (head, rest) = s.split_once(';')?;
        let mut lens = head.split(',').map(|n| n.parse::<usize>().ok());
        let (t, d, o) = (lens.next()??, lens.next()??, lens.next()??);
        let (title, rest) = rest.split_at_checked(t)?;
        let (date, rest) = rest.split_at_checked(d)?;
        let (outlet, json) = rest.split_at_checked(o)?;
        Some([title, date, outlet, json])
    }

    fn part(&self, i: usize) -> Option<&str> {
        self.parts().map(|p| p[i]).filter(|p| !p.is_empty())
    }

    /// The title (`--title-field`), when the record has one.
    pub fn title(&self) -> Option<&str> {
        self.part(0)
    }

    /// The date (`--date-field`), as the record wrote it.
    pub fn date(&self) -> Option<&str> {
        self.part(1)
    }

    /// The outlet (`--source-field`).
    pub fn outlet(&self) -> Option<&str> {
        self.part(2)
    }

    /// The carried fields as the raw text of a JSON object, `None` when none is carried.
    pub fn json(&self) -> Option<&str> {
        self.part(3)
    }

    /// Bytes held on the heap (0 without metadata).
    pub fn heap_bytes(&self) -> usize {
        self.0.as_ref().map_or(0, |s| s.len())
    }
}

/// The fields of a JSON object with their raw text, in the order written (the last of a
/// repeated key wins, as in a parsed object).
struct RawFields<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for RawFields<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawFields<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                let mut out: Vec<(String, &'de RawValue)> = Vec::new();
                while let Some((k, v)) = m.next_entry::<String, &'de RawValue>()? {
                    out.retain(|(j, _)| *j != k);
                    out.push((k, v));
                }
                Ok(RawFields(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// The fields of a carried-fields object ([`Meta::json`]) with their raw JSON text, in
/// order; empty when `json` is not an object.
pub fn fields_of(json: &str) -> Vec<(String, &RawValue)> {
    serde_json::from_str::<RawFields>(json).map(|r| r.0).unwrap_or_default()
}

/// The text of a raw scalar for a table cell: a string decoded, a number or a boolean as
/// written.
pub fn cell_text(raw: &RawValue) -> std::borrow::Cow<'_, str> {
    match serde_json::from_str::<String>(raw.get()) {
        Ok(s) => std::borrow::Cow::Owned(s),
        Err(_) => std::borrow::Cow::Borrowed(raw.get()),
    }
}

/// The end (exclusive) of the JSON string whose opening quote is at `start`.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut j = start + 1;
    loop {
        j += memchr::memchr2(b'"', b'\\', bytes.get(j..)?)?;
        if bytes[j] == b'"' {
            return Some(j + 1);
        }
        j += 2;
    }
}

/// The end (exclusive) of the JSON value that starts at `start` (its first byte).
fn value_end(bytes: &[u8], start: usize) -> Option<usize> {
    match bytes.get(start)? {
        b'"' => string_end(bytes, start),
        b'{' | b'[' => {
            let (mut depth, mut j) = (0usize, start);
            loop {
                match bytes.get(j)? {
                    b'"' => {
                        j = string_end(bytes, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let rest = &bytes[start..];
            let len = rest.iter().position(|b| matches!(b, b',' | b'}' | b']') || b.is_ascii_whitespace());
            Some(start + len.unwrap_or(rest.len()))
        }
    }
}

/// The top-level fields of a JSON object that has already been parsed (so is valid), with
/// the byte range of each value's raw text, in the order written (the last of a repeated key
/// wins). A shallow scan: string contents are skipped with `memchr` and nothing is decoded
/// but the keys, so the text field costs a scan, not a second parse.
fn scan_fields(bytes: &[u8]) -> Vec<(String, std::ops::Range<usize>)> {
    let mut out: Vec<(String, std::ops::Range<usize>)> = Vec::new();
    let ws =
        |j: usize| j + bytes.get(j..).map_or(0, |r| r.iter().take_while(|b| b.is_ascii_whitespace()).count());
    let Some(open) = bytes.iter().position(|&b| b == b'{') else { return out };
    let mut j = open + 1;
    loop {
        j = ws(j);
        if bytes.get(j) != Some(&b'"') {
            return out;
        }
        let Some(key_end) = string_end(bytes, j) else { return out };
        let Ok(key) = serde_json::from_slice::<String>(&bytes[j..key_end]) else { return out };
        j = ws(key_end);
        if bytes.get(j) != Some(&b':') {
            return out;
        }
        let start = ws(j + 1);
        let Some(end) = value_end(bytes, start) else { return out };
        out.retain(|(k, _)| *k != key);
        out.push((key, start..end));
        j = ws(end);
        match bytes.get(j) {
            Some(b',') => j += 1,
            _ => return out,
        }
    }
}

fn is_scalar(v: &Value) -> bool {
    matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_))
}

/// Appends `"key":raw` to the object being built in `out`.
fn push_field(out: &mut String, key: &str, raw: &str) {
    out.push(if out.is_empty() { '{' } else { ',' });
    out.push_str(&serde_json::to_string(key).unwrap_or_else(|_| "\"\"".to_owned()));
    out.push(':');
    out.push_str(raw);
}

/// The metadata of a parsed JSON record (`bytes` is its text, `value` the parsed object), and
/// which of the required fields ([`MetaConfig::required`]) it has, as a bit mask.
pub(super) fn from_json(value: &Value, bytes: &[u8], config: &CorpusConfig) -> (Meta, u64) {
    let meta = &config.meta;
    let mut found = 0u64;
    for (i, (f, _)) in meta.required().iter().enumerate() {
        if lookup(value, f).is_some_and(is_scalar) {
            found |= 1 << i;
        }
    }
    let text_of = |v: &Value, f: &str| -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(raw_text(bytes, f).unwrap_or_else(|| n.to_string())),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    };
    let display = meta.display().map(|f| lookup(value, f).and_then(|v| text_of(v, f)));
    let object = value.as_object();
    let mut json = String::new();
    match &meta.fields {
        MetaFields::All => {
            let excluded = |k: &str| k == config.id_field || k == config.text_field;
            let any = object.is_some_and(|o| o.iter().any(|(k, v)| is_scalar(v) && !excluded(k)));
            if any {
                for (k, range) in scan_fields(bytes) {
                    let raw = &bytes[range];
                    let scalar = matches!(raw.first(), Some(b'"' | b't' | b'f' | b'-' | b'0'..=b'9'));
                    if scalar && !excluded(&k) {
                        if let Ok(raw) = std::str::from_utf8(raw) {
                            push_field(&mut json, &k, raw);
                        }
                    }
                }
            }
        }
        MetaFields::List(fields) => {
            let present: Vec<&String> =
                fields.iter().filter(|f| lookup(value, f).is_some_and(is_scalar)).collect();
            if !present.is_empty() {
                let top = scan_fields(bytes);
                for f in present {
                    let raw = match top.iter().find(|(k, _)| k == f) {
                        Some((_, r)) => std::str::from_utf8(&bytes[r.clone()]).ok().map(str::to_owned),
                        None => raw_text(bytes, f),
                    };
                    if let Some(raw) = raw {
                        push_field(&mut json, f, &raw);
                    }
                }
            }
        }
    }
    if !json.is_empty() {
        json.push('}');
    }
    let display = [display[0].as_deref(), display[1].as_deref(), display[2].as_deref()];
    (Meta::new(display, (!json.is_empty()).then_some(json.as_str())), found)
}

/// Where a table's metadata is: the carried columns (position, field name), the display
/// columns, and the bit of each required field that is a column.
#[derive(Debug, Clone, Default)]
pub(super) struct MetaColumns {
    carried: Vec<(usize, String)>,
    display: [Option<usize>; 3],
    /// Required fields ([`MetaConfig::required`]) that are columns of the header.
    pub found: u64,
}

impl MetaColumns {
    /// The metadata columns of a header with these `names`.
    pub(super) fn new(names: &[String], id: usize, text: usize, config: &CorpusConfig) -> MetaColumns {
        let meta = &config.meta;
        let pos = |f: &str| names.iter().position(|n| n == f);
        let carried = match &meta.fields {
            MetaFields::All => names
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != id && i != text)
                .map(|(i, n)| (i, n.clone()))
                .collect(),
            MetaFields::List(l) => l.iter().filter_map(|f| Some((pos(f)?, f.clone()))).collect(),
        };
        let mut found = 0u64;
        for (i, (f, _)) in meta.required().iter().enumerate() {
            if pos(f).is_some() {
                found |= 1 << i;
            }
        }
        MetaColumns { carried, display: meta.display().map(pos), found }
    }

    /// The metadata of one row (`cell(i)`: the text of column `i`).
    pub(super) fn of_row<'r>(&self, cell: impl Fn(usize) -> std::borrow::Cow<'r, str>) -> Meta {
        let mut json = String::new();
        for (i, name) in &self.carried {
            let value = serde_json::to_string(&cell(*i)).unwrap_or_else(|_| "\"\"".to_owned());
            push_field(&mut json, name, &value);
        }
        if !json.is_empty() {
            json.push('}');
        }
        let display = self.display.map(|c| c.map(&cell));
        let display = [display[0].as_deref(), display[1].as_deref(), display[2].as_deref()];
        Meta::new(display, (!json.is_empty()).then_some(json.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_holds_display_values_and_json_in_one_string() {
        let m = Meta::new([Some("عنوان، \"x\""), None, Some("aawsat")], Some(r#"{"a":1e2}"#));
        assert_eq!(m.title(), Some("عنوان، \"x\""));
        assert_eq!(m.date(), None);
        assert_eq!(m.outlet(), Some("aawsat"));
        assert_eq!(m.json(), Some(r#"{"a":1e2}"#));
        assert_eq!(Meta::new([None, Some(""), None], None), Meta::default());
        assert_eq!(Meta::default().heap_bytes(), 0);
        // Values holding the separators of the header read back whole.
        let m = Meta::new([Some("1,2;3"), Some(";"), None], None);
        assert_eq!((m.title(), m.date(), m.outlet(), m.json()), (Some("1,2;3"), Some(";"), None, None));
    }

    #[test]
    fn the_shallow_scan_finds_top_level_fields_as_written() {
        let rec = br#" {"id": 7, "t\"x": "a \"quoted\" \\ }{ text", "n": {"a": [1, "]"]}, "v":-1.5e3 , "b":true,"id":"8"}"#;
        let got: Vec<(String, &str)> =
            scan_fields(rec).into_iter().map(|(k, r)| (k, std::str::from_utf8(&rec[r]).unwrap())).collect();
        assert_eq!(
            got,
            [
                ("t\"x".to_owned(), r#""a \"quoted\" \\ }{ text""#),
                ("n".to_owned(), r#"{"a": [1, "]"]}"#),
                ("v".to_owned(), "-1.5e3"),
                ("b".to_owned(), "true"),
                ("id".to_owned(), r#""8""#),
            ]
        );
        assert!(scan_fields(b"[1]").is_empty());
        assert!(scan_fields(b"{}").is_empty());
    }

    proptest::proptest! {
        /// Fuzz target: the shallow scan agrees with a full parse on the keys and values of
        /// objects serde_json writes (strings with quotes, escapes and brackets inside).
        #[test]
        fn the_shallow_scan_agrees_with_a_full_parse(
            pairs in proptest::collection::vec(
                ("[a-z\"\\\\ ]{0,6}", "[a-z \"\\\\{}\\[\\],:]{0,12}", proptest::prelude::any::<i32>()),
                0..6,
            )
        ) {
            let mut obj = serde_json::Map::new();
            for (k, s, n) in &pairs {
                obj.insert(k.clone(), serde_json::json!(s));
                obj.insert(format!("{k}#"), serde_json::json!({ "x": [n, s] }));
            }
            let text = serde_json::to_string_pretty(&Value::Object(obj.clone())).unwrap();
            let scanned = scan_fields(text.as_bytes());
            proptest::prop_assert_eq!(scanned.len(), obj.len());
            for (k, r) in scanned {
                let v: Value = serde_json::from_str(&text[r]).unwrap();
                proptest::prop_assert_eq!(Some(&v), obj.get(&k));
            }
        }
    }

    #[test]
    fn meta_flag_values() {
        assert_eq!(MetaFields::parse("all"), Ok(MetaFields::All));
        assert_eq!(MetaFields::parse("none"), Ok(MetaFields::List(vec![])));
        assert_eq!(
            MetaFields::parse("url, date,url"),
            Ok(MetaFields::List(vec!["url".into(), "date".into()]))
        );
        assert!(MetaFields::parse("a,,b").is_err());
        assert_eq!(MetaFields::parse("a,b").unwrap().name(), "a,b");
    }
}
