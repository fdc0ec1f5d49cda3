//! The bad-input suite: malformed and hostile inputs, each with its pinned behaviour (skip
//! with a diagnostic naming file and line, or fail with a clear message), its exit status, and
//! never a panic. The policy is documented in the README ("Bad input").

use crate::common::reprint;
use std::fs;
use std::io::Write;
use std::path::Path;

/// What a case does to the run.
enum Expect {
    /// Exit 0; `documents` read, `empty` of them with no words.
    Ok { documents: u64, empty: u64 },
    /// Exit 3: the run completes; `skipped` records skipped, each message in stderr.
    Skipped { documents: u64, skipped: u64, messages: &'static [&'static str] },
    /// Exit 2 with these messages in stderr; no clusters.json written.
    Fails { messages: &'static [&'static str] },
}

struct Case {
    name: &'static str,
    /// Files to create in the case's directory: relative path and bytes.
    files: Vec<(&'static str, Vec<u8>)>,
    /// Arguments after `reprint` (the output directory is appended for `cluster`).
    args: Vec<&'static str>,
    stdin: Option<Vec<u8>>,
    expect: Expect,
}

fn jsonl(lines: &[&str]) -> Vec<u8> {
    lines.iter().flat_map(|l| format!("{l}\n").into_bytes()).collect()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn zstd(bytes: &[u8]) -> Vec<u8> {
    zstd::stream::encode_all(bytes, 3).unwrap()
}

fn bzip2(bytes: &[u8]) -> Vec<u8> {
    // Blocks of 100 kB, so that a truncated stream still holds whole blocks.
    let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn xz(bytes: &[u8]) -> Vec<u8> {
    let mut e = xz2::write::XzEncoder::new(Vec::new(), 6);
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// A zstd frame whose header asks for a 1 GiB window (what `zstd --long=30` writes).
fn zstd_huge_window(bytes: &[u8]) -> Vec<u8> {
    let mut e = zstd::stream::write::Encoder::new(Vec::new(), 3).unwrap();
    e.window_log(30).unwrap();
    e.long_distance_matching(true).unwrap();
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// For a truncated stream: the documents before the damage, however many that is (at least one).
const SOME: u64 = u64::MAX;

const OK_LINE: &str = r#"{"id": "ok", "text": "a perfectly ordinary document with enough words in it"}"#;

fn cases() -> Vec<Case> {
    let text = |s: &str| s.as_bytes().to_vec();
    let small_gz = gzip(&jsonl(&[OK_LINE, r#"{"id": "two", "text": "second document text here and more"}"#]));
    let many: Vec<String> = (0..3000)
        .map(|i| {
            // A little noise, so that every codec needs several blocks for the whole file.
            let noise = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            format!(r#"{{"id": "d{i}", "text": "document number {i} with a few words {noise:016x}"}}"#)
        })
        .collect();
    let many_refs: Vec<&str> = many.iter().map(String::as_str).collect();
    let full = gzip(&jsonl(&many_refs));
    let truncated = full[..full.len() / 2].to_vec();
    let two = jsonl(&[OK_LINE, r#"{"id": "two", "text": "second document text here and more"}"#]);
    let many_bytes = jsonl(&many_refs);
    let zst_full = zstd(&many_bytes);
    let xz_full = xz(&many_bytes);
    let bz_full = bzip2(&many_bytes);
    let nested = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let nested_line = format!(r#"{{"id": "deep", "text": "x", "n": {nested}}}"#);
    vec![
        // --- text files and directories ---
        Case {
            name: "invalid UTF-8 in a text file",
            files: vec![
                ("c/good.txt", text("fine words here")),
                ("c/bad.txt", b"line one\nline \xff\xfe two".to_vec()),
            ],
            args: vec!["cluster", "c"],
            stdin: None,
            expect: Expect::Skipped {
                documents: 1,
                skipped: 1,
                messages: &["bad.txt:2: not valid UTF-8 (at byte 14)"],
            },
        },
        Case {
            name: "UTF-8 byte-order mark in a text file",
            files: vec![("c/bom.txt", b"\xef\xbb\xbfhello world".to_vec())],
            args: vec!["cluster", "c"],
            stdin: None,
            expect: Expect::Ok { documents: 1, empty: 0 },
        },
        Case {
            name: "CRLF line endings in a text file",
            files: vec![("c/crlf.txt", text("one\r\ntwo\r\nthree\r\n"))],
            args: vec!["cluster", "c"],
            stdin: None,
            expect: Expect::Ok { documents: 1, empty: 0 },
        },
        Case {
            name: "NUL bytes in a text file",
            files: vec![("c/nul.txt", b"abc\x00def".to_vec()), ("c/ok.txt", text("words"))],
            args: vec!["cluster", "c"],
            stdin: None,
            expect: Expect::Skipped {
                documents: 1,
                skipped: 1,
                messages: &["nul.txt: binary file (contains NUL bytes)"],
            },
        },
        Case {
            name: "a binary file in a text directory",
            files: vec![
                ("c/image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec()),
                ("c/ok.txt", text("words")),
            ],
            args: vec!["cluster", "c"],
            stdin: None,
            expect: Expect::Skipped { documents: 1, skipped: 1, messages: &["image.txt: binary file"] },
        },
        Case {
            name: "an empty text file",
            files: vec![("c/empty.txt", Vec::new())],
            args: vec!["cluster", "c"],
            stdin: None,
            expect: Expect::Ok { documents: 1, empty: 1 },
        },
        Case {
            name: "a punctuation-only text file",
            files: vec![("c/p.txt", text("... ، ؛ ؟ « » !!! --- ***"))],
            args: vec!["cluster", "c"],
            stdin: None,
            expect: Expect::Ok { documents: 1, empty: 1 },
        },
        Case {
            name: "an empty directory",
            files: vec![("c/.keep", Vec::new())],
            args: vec!["cluster", "c"],
            stdin: None,
            expect: Expect::Fails {
                messages: &["reprint: error: c is an empty directory (hidden files aside) (--allow-empty to run anyway)"],
            },
        },
        Case {
            name: "an empty directory with --allow-empty",
            files: vec![("c/.keep", Vec::new())],
            args: vec!["cluster", "c", "--allow-empty"],
            stdin: None,
            expect: Expect::Ok { documents: 0, empty: 0 },
        },
        Case {
            name: "a directory with no .txt file",
            files: vec![("c/a.md", text("markdown")), ("c/b.html", text("<p>page</p>"))],
            args: vec!["cluster", "c"],
            stdin: None,
            expect: Expect::Fails {
                messages: &["c holds no .txt file and no record file (.jsonl, .ndjson, .json, .csv, .tsv, .parquet): found 1 .html, 1 .md; choose with --ext"],
            },
        },
        Case {
            name: "a directory with no file of the --ext extensions",
            files: vec![("c/a.md", text("markdown"))],
            args: vec!["cluster", "c", "--ext", "txt,rst"],
            stdin: None,
            expect: Expect::Fails { messages: &["c holds no file with extension txt, rst: found 1 .md; choose with --ext"] },
        },
        Case {
            name: "hidden files and directories are not read",
            files: vec![("c/.hidden.txt", text("x")), ("c/.git/x.txt", text("y")), ("c/seen.txt", text("z"))],
            args: vec!["cluster", "c"],
            stdin: None,
            expect: Expect::Ok { documents: 1, empty: 0 },
        },
        Case {
            name: "bidi control characters in a text",
            files: vec![("c/bidi.txt", text("abc \u{202e}evil\u{202c} \u{2066}x\u{2069} \u{200f}"))],
            args: vec!["cluster", "c"],
            stdin: None,
            expect: Expect::Ok { documents: 1, empty: 0 },
        },
        Case {
            name: "documents shorter than one shingle",
            files: vec![
                ("c/a.txt", text("two words")),
                ("c/b.txt", text("two words")),
                ("c/c.txt", text("one")),
            ],
            args: vec!["cluster", "c"],
            stdin: None,
            expect: Expect::Ok { documents: 3, empty: 0 },
        },
        Case {
            name: "a text file over --max-doc-bytes",
            files: vec![("c/big.txt", vec![b'a'; 5000]), ("c/ok.txt", text("small"))],
            args: vec!["cluster", "c", "--max-doc-bytes", "1000"],
            stdin: None,
            expect: Expect::Skipped {
                documents: 1,
                skipped: 1,
                messages: &["big.txt: larger than --max-doc-bytes (1000 bytes)"],
            },
        },
        Case {
            name: "compressed text files",
            files: vec![
                ("c/a.txt.gz", gzip(b"a gzip compressed text")),
                ("c/b.txt", zstd(b"a zstd text whose name does not say so")),
                ("c/c.txt.xz", xz(b"an xz text")),
            ],
            args: vec!["cluster", "c"],
            stdin: None,
            expect: Expect::Ok { documents: 3, empty: 0 },
        },
        Case {
            name: "a corrupt compressed text file",
            files: vec![("c/bad.txt.gz", [vec![0x1f, 0x8b, 8, 0], vec![0xAB; 200]].concat()), ("c/ok.txt", text("words"))],
            args: vec!["cluster", "c"],
            stdin: None,
            expect: Expect::Skipped { documents: 1, skipped: 1, messages: &["c/bad.txt.gz: cannot decompress (Gzip)"] },
        },
        Case {
            name: "a compressed text file over --max-doc-bytes once decompressed",
            files: vec![("c/big.txt.zst", zstd(&[b'a'; 5000])), ("c/ok.txt", text("small"))],
            args: vec!["cluster", "c", "--max-doc-bytes", "1000"],
            stdin: None,
            expect: Expect::Skipped {
                documents: 1,
                skipped: 1,
                messages: &["c/big.txt.zst: larger than --max-doc-bytes (1000 bytes) once decompressed"],
            },
        },
        Case {
            name: "a directory of text files and record files",
            files: vec![("c/a.txt", text("words")), ("c/b.jsonl", jsonl(&[OK_LINE]))],
            args: vec!["cluster", "c"],
            stdin: None,
            expect: Expect::Fails {
                messages: &["`c` holds both text files (1 .txt) and record files (1 .jsonl): choose what to read with --ext"],
            },
        },
        Case {
            name: "a bad line in a shard of a directory",
            files: vec![("c/part-0.jsonl", jsonl(&[OK_LINE])), ("c/part-1.jsonl", jsonl(&[r#"{"id": "b", "text": "t"}"#, "nonsense"]))],
            args: vec!["cluster", "c"],
            stdin: None,
            expect: Expect::Skipped { documents: 2, skipped: 1, messages: &["c/part-1.jsonl:2: invalid JSON"] },
        },
        Case {
            name: "a truncated shard of a directory",
            files: vec![("c/a.jsonl.gz", truncated.clone()), ("c/b.jsonl", jsonl(&[OK_LINE]))],
            args: vec!["cluster", "c"],
            stdin: None,
            expect: Expect::Skipped {
                documents: SOME,
                skipped: 1,
                messages: &["c/a.jsonl.gz:", "input ends in a read error, rest of file not read"],
            },
        },
        // --- JSON Lines ---
        Case {
            name: "invalid UTF-8 inside a JSON string",
            files: vec![(
                "in.jsonl",
                [jsonl(&[OK_LINE]), b"{\"id\": \"b\", \"text\": \"bad \xff byte\"}\n".to_vec()].concat(),
            )],
            args: vec!["cluster", "in.jsonl"],
            stdin: None,
            expect: Expect::Skipped { documents: 1, skipped: 1, messages: &["in.jsonl:2: invalid JSON"] },
        },
        Case {
            name: "UTF-8 byte-order mark before the first JSON line",
            files: vec![("in.jsonl", [b"\xef\xbb\xbf".to_vec(), jsonl(&[OK_LINE])].concat())],
            args: vec!["cluster", "in.jsonl"],
            stdin: None,
            expect: Expect::Ok { documents: 1, empty: 0 },
        },
        Case {
            name: "CRLF line endings in JSON Lines",
            files: vec![(
                "in.jsonl",
                format!("{OK_LINE}\r\n{{\"id\": \"b\", \"text\": \"t\"}}\r\n").into_bytes(),
            )],
            args: vec!["cluster", "in.jsonl"],
            stdin: None,
            expect: Expect::Ok { documents: 2, empty: 0 },
        },
        Case {
            name: "a truncated .gz file",
            files: vec![("in.jsonl.gz", truncated)],
            args: vec!["cluster", "in.jsonl.gz"],
            stdin: None,
            expect: Expect::Skipped {
                documents: SOME,
                skipped: 1,
                messages: &["input ends in a read error, rest of file not read"],
            },
        },
        Case {
            name: "a corrupt .gz file",
            files: vec![("in.jsonl.gz", [vec![0x1f, 0x8b, 8, 0], vec![0xAB; 200]].concat())],
            args: vec!["cluster", "in.jsonl.gz"],
            stdin: None,
            expect: Expect::Fails {
                messages: &["no document could be read: 1 record skipped, the first at in.jsonl.gz:1: input ends in a read error"],
            },
        },
        Case {
            name: "a corrupt .gz file with --allow-empty",
            files: vec![("in.jsonl.gz", [vec![0x1f, 0x8b, 8, 0], vec![0xAB; 200]].concat())],
            args: vec!["cluster", "in.jsonl.gz", "--allow-empty"],
            stdin: None,
            expect: Expect::Skipped {
                documents: 0,
                skipped: 1,
                messages: &["in.jsonl.gz:1: input ends in a read error"],
            },
        },
        Case {
            name: "a valid .gz file",
            files: vec![("in.jsonl.gz", small_gz)],
            args: vec!["cluster", "in.jsonl.gz"],
            stdin: None,
            expect: Expect::Ok { documents: 2, empty: 0 },
        },
        Case {
            name: "a valid .zst file",
            files: vec![("in.jsonl.zst", zstd(&two))],
            args: vec!["cluster", "in.jsonl.zst"],
            stdin: None,
            expect: Expect::Ok { documents: 2, empty: 0 },
        },
        Case {
            name: "a valid .bz2 file",
            files: vec![("in.jsonl.bz2", bzip2(&two))],
            args: vec!["cluster", "in.jsonl.bz2"],
            stdin: None,
            expect: Expect::Ok { documents: 2, empty: 0 },
        },
        Case {
            name: "a valid .xz file",
            files: vec![("in.jsonl.xz", xz(&two))],
            args: vec!["cluster", "in.jsonl.xz"],
            stdin: None,
            expect: Expect::Ok { documents: 2, empty: 0 },
        },
        Case {
            name: "concatenated zstd frames, bzip2 streams and xz streams",
            files: vec![
                (
                    "z.jsonl.zst",
                    [zstd(&jsonl(&[OK_LINE])), zstd(&jsonl(&[r#"{"id": "z2", "text": "t"}"#]))].concat(),
                ),
                (
                    "b.jsonl.bz2",
                    [
                        bzip2(&jsonl(&[r#"{"id": "b1", "text": "t"}"#])),
                        bzip2(&jsonl(&[r#"{"id": "b2", "text": "t"}"#])),
                    ]
                    .concat(),
                ),
                (
                    "x.jsonl.xz",
                    [
                        xz(&jsonl(&[r#"{"id": "x1", "text": "t"}"#])),
                        xz(&jsonl(&[r#"{"id": "x2", "text": "t"}"#])),
                    ]
                    .concat(),
                ),
            ],
            args: vec!["cluster", "z.jsonl.zst", "b.jsonl.bz2", "x.jsonl.xz"],
            stdin: None,
            expect: Expect::Ok { documents: 6, empty: 0 },
        },
        Case {
            name: "compression told by content, not by name",
            files: vec![
                ("plain-name.jsonl", zstd(&two)),
                ("xz-named-gz.jsonl.gz", xz(&jsonl(&[r#"{"id": "x", "text": "t"}"#]))),
            ],
            args: vec!["cluster", "plain-name.jsonl", "xz-named-gz.jsonl.gz"],
            stdin: None,
            expect: Expect::Ok { documents: 3, empty: 0 },
        },
        Case {
            name: "a truncated .zst file",
            files: vec![("in.jsonl.zst", zst_full[..zst_full.len() * 3 / 4].to_vec())],
            args: vec!["cluster", "in.jsonl.zst"],
            stdin: None,
            expect: Expect::Skipped {
                documents: SOME,
                skipped: 1,
                messages: &["in.jsonl.zst:", "input ends in a read error, rest of file not read"],
            },
        },
        Case {
            name: "a truncated .xz file",
            files: vec![("in.jsonl.xz", xz_full[..xz_full.len() / 2].to_vec())],
            args: vec!["cluster", "in.jsonl.xz"],
            stdin: None,
            expect: Expect::Skipped {
                documents: SOME,
                skipped: 1,
                messages: &["in.jsonl.xz:", "input ends in a read error, rest of file not read"],
            },
        },
        Case {
            name: "a truncated .bz2 file",
            files: vec![("in.jsonl.bz2", bz_full[..bz_full.len() * 3 / 4].to_vec())],
            args: vec!["cluster", "in.jsonl.bz2"],
            stdin: None,
            expect: Expect::Skipped {
                documents: SOME,
                skipped: 1,
                messages: &["in.jsonl.bz2:", "input ends in a read error, rest of file not read"],
            },
        },
        Case {
            name: "a zstd frame that needs a window over 128 MiB",
            files: vec![("in.jsonl.zst", [zstd(&jsonl(&[OK_LINE])), zstd_huge_window(&two)].concat())],
            args: vec!["cluster", "in.jsonl.zst"],
            stdin: None,
            expect: Expect::Skipped {
                documents: 1,
                skipped: 1,
                messages: &["in.jsonl.zst:2: input ends in a read error, rest of file not read"],
            },
        },
        Case {
            name: "zstd on standard input",
            files: vec![],
            args: vec!["cluster", "-"],
            stdin: Some(zstd(&two)),
            expect: Expect::Ok { documents: 2, empty: 0 },
        },
        Case {
            name: "bzip2 on standard input",
            files: vec![],
            args: vec!["cluster", "-"],
            stdin: Some(bzip2(&two)),
            expect: Expect::Ok { documents: 2, empty: 0 },
        },
        Case {
            name: "xz on standard input",
            files: vec![],
            args: vec!["cluster", "-"],
            stdin: Some(xz(&two)),
            expect: Expect::Ok { documents: 2, empty: 0 },
        },
        Case {
            name: "an invalid JSON line among valid ones",
            files: vec![(
                "in.jsonl",
                jsonl(&[OK_LINE, "{\"id\": \"x\", \"text\": ", r#"{"id": "c", "text": "c"}"#]),
            )],
            args: vec!["cluster", "in.jsonl"],
            stdin: None,
            expect: Expect::Skipped {
                documents: 2,
                skipped: 1,
                messages: &["in.jsonl:2: invalid JSON: EOF while parsing"],
            },
        },
        Case {
            name: "a JSON array instead of an object",
            files: vec![("in.jsonl", jsonl(&[OK_LINE, r#"["id", "text"]"#]))],
            args: vec!["cluster", "in.jsonl"],
            stdin: None,
            expect: Expect::Skipped {
                documents: 1,
                skipped: 1,
                messages: &["in.jsonl:2: expected a JSON object, found an array"],
            },
        },
        Case {
            name: "a bare JSON string instead of an object",
            files: vec![("in.jsonl", jsonl(&[r#""just text""#, OK_LINE]))],
            args: vec!["cluster", "in.jsonl"],
            stdin: None,
            expect: Expect::Skipped {
                documents: 1,
                skipped: 1,
                messages: &["in.jsonl:1: expected a JSON object, found a string"],
            },
        },
        Case {
            name: "a missing text field",
            files: vec![("in.jsonl", jsonl(&[r#"{"id": "a", "body": "x"}"#, OK_LINE]))],
            args: vec!["cluster", "in.jsonl"],
            stdin: None,
            expect: Expect::Skipped {
                documents: 1,
                skipped: 1,
                messages: &["in.jsonl:1: no text field `text` (see --text-field)"],
            },
        },
        Case {
            name: "a null text",
            files: vec![("in.jsonl", jsonl(&[r#"{"id": "a", "text": null}"#, OK_LINE]))],
            args: vec!["cluster", "in.jsonl"],
            stdin: None,
            expect: Expect::Skipped {
                documents: 1,
                skipped: 1,
                messages: &["in.jsonl:1: text field `text` is null, expected a string"],
            },
        },
        Case {
            name: "a numeric text",
            files: vec![("in.jsonl", jsonl(&[r#"{"id": "a", "text": 42}"#, OK_LINE]))],
            args: vec!["cluster", "in.jsonl"],
            stdin: None,
            expect: Expect::Skipped {
                documents: 1,
                skipped: 1,
                messages: &["text field `text` is a number"],
            },
        },
        Case {
            name: "an empty text",
            files: vec![("in.jsonl", jsonl(&[r#"{"id": "a", "text": ""}"#, OK_LINE]))],
            args: vec!["cluster", "in.jsonl"],
            stdin: None,
            expect: Expect::Ok { documents: 2, empty: 1 },
        },
        Case {
            name: "a missing id",
            files: vec![("in.jsonl", jsonl(&[OK_LINE, r#"{"text": "no id here"}"#]))],
            args: vec!["cluster", "in.jsonl"],
            stdin: None,
            expect: Expect::Skipped {
                documents: 1,
                skipped: 1,
                messages: &["in.jsonl:2: no id field `id` (see --id-field)"],
            },
        },
        Case {
            name: "a null id",
            files: vec![("in.jsonl", jsonl(&[r#"{"id": null, "text": "t"}"#, OK_LINE]))],
            args: vec!["cluster", "in.jsonl"],
            stdin: None,
            expect: Expect::Skipped { documents: 1, skipped: 1, messages: &["in.jsonl:1: id field `id` is null"] },
        },
        Case {
            name: "numeric ids are accepted",
            files: vec![("in.jsonl", jsonl(&[r#"{"id": 7, "text": "t"}"#, r#"{"id": 8.5, "text": "u"}"#]))],
            args: vec!["cluster", "in.jsonl"],
            stdin: None,
            expect: Expect::Ok { documents: 2, empty: 0 },
        },
        Case {
            name: "duplicate ids within one input",
            files: vec![("in.jsonl", jsonl(&[OK_LINE, r#"{"id": "b", "text": "t"}"#, OK_LINE]))],
            args: vec!["cluster", "in.jsonl"],
            stdin: None,
            expect: Expect::Fails {
                messages: &["duplicate document id `ok`: first at in.jsonl:1, again at in.jsonl:3"],
            },
        },
        Case {
            name: "duplicate ids across inputs",
            files: vec![("a.jsonl", jsonl(&[OK_LINE])), ("b.jsonl", jsonl(&[OK_LINE]))],
            args: vec!["cluster", "a.jsonl", "b.jsonl"],
            stdin: None,
            expect: Expect::Fails {
                messages: &["duplicate document id `ok`: first at a.jsonl:1, again at b.jsonl:1"],
            },
        },
        Case {
            name: "deeply nested JSON",
            files: vec![("in.jsonl", jsonl(&[&nested_line, OK_LINE]))],
            args: vec!["cluster", "in.jsonl"],
            stdin: None,
            expect: Expect::Skipped {
                documents: 1,
                skipped: 1,
                messages: &["in.jsonl:1: invalid JSON: recursion limit exceeded"],
            },
        },
        Case {
            name: "a very long line without newline",
            files: vec![(
                "in.jsonl",
                [
                    jsonl(&[OK_LINE]),
                    format!(r#"{{"id": "long", "text": "{}"#, "w ".repeat(600_000)).into_bytes(),
                ]
                .concat(),
            )],
            args: vec!["cluster", "in.jsonl", "--max-doc-bytes", "100000"],
            stdin: None,
            expect: Expect::Skipped {
                documents: 1,
                skipped: 1,
                messages: &["in.jsonl:2: line longer than --max-doc-bytes (100000 bytes); not read"],
            },
        },
        Case {
            name: "an escaped NUL inside a JSON string",
            files: vec![("in.jsonl", jsonl(&[r#"{"id": "a", "text": "before\u0000after"}"#]))],
            args: vec!["cluster", "in.jsonl"],
            stdin: None,
            expect: Expect::Ok { documents: 1, empty: 0 },
        },
        Case {
            name: "a raw NUL byte in a JSON line",
            files: vec![(
                "in.jsonl",
                [jsonl(&[OK_LINE]), b"{\"id\": \"n\", \"text\": \"a\x00b\"}\n".to_vec()].concat(),
            )],
            args: vec!["cluster", "in.jsonl"],
            stdin: None,
            expect: Expect::Skipped {
                documents: 1,
                skipped: 1,
                messages: &["in.jsonl:2: invalid JSON: control character"],
            },
        },
        Case {
            name: "blank lines and a last line without newline",
            files: vec![(
                "in.jsonl",
                format!("\n{OK_LINE}\n   \n\n{{\"id\": \"z\", \"text\": \"last\"}}").into_bytes(),
            )],
            args: vec!["cluster", "in.jsonl"],
            stdin: None,
            expect: Expect::Ok { documents: 2, empty: 0 },
        },
        Case {
            name: "an empty JSON Lines file",
            files: vec![("in.jsonl", Vec::new())],
            args: vec!["cluster", "in.jsonl"],
            stdin: None,
            expect: Expect::Fails {
                messages: &["in.jsonl holds no record (empty, only blank lines, or only a header row) (--allow-empty to run anyway)"],
            },
        },
        Case {
            name: "an empty input among others",
            files: vec![("a.jsonl", jsonl(&[OK_LINE])), ("b.jsonl", text("\n\n"))],
            args: vec!["cluster", "a.jsonl", "b.jsonl"],
            stdin: None,
            expect: Expect::Fails { messages: &["b.jsonl holds no record (empty, only blank lines, or only a header row)"] },
        },
        Case {
            name: "a CSV file with only a header row",
            files: vec![("in.csv", text("id,text\n"))],
            args: vec!["cluster", "in.csv"],
            stdin: None,
            expect: Expect::Fails { messages: &["in.csv holds no record"] },
        },
        Case {
            name: "an empty JSON array",
            files: vec![("in.json", text(" [ ]\n"))],
            args: vec!["cluster", "in.json"],
            stdin: None,
            expect: Expect::Fails { messages: &["in.json holds no record"] },
        },
        Case {
            name: "empty standard input",
            files: vec![],
            args: vec!["cluster", "-"],
            stdin: Some(Vec::new()),
            expect: Expect::Fails { messages: &["<stdin> holds no record"] },
        },
        Case {
            name: "every record skipped",
            files: vec![("in.jsonl", jsonl(&["nonsense", r#"{"id": "a", "text": null}"#]))],
            args: vec!["cluster", "in.jsonl"],
            stdin: None,
            expect: Expect::Fails {
                messages: &["no document could be read: 2 records skipped, the first at in.jsonl:1: invalid JSON"],
            },
        },
        Case {
            name: "a dotted id path that is missing",
            files: vec![("in.jsonl", jsonl(&[r#"{"meta": {"other": 1}, "text": "t"}"#, r#"{"meta": {"id": 1}, "text": "t"}"#]))],
            args: vec!["cluster", "in.jsonl", "--id-field", "meta.id"],
            stdin: None,
            expect: Expect::Skipped { documents: 1, skipped: 1, messages: &["in.jsonl:1: no id field `meta.id`"] },
        },
        Case {
            name: "a dotted id path in no record",
            files: vec![("in.jsonl", jsonl(&[r#"{"meta": {"other": 1}, "text": "t"}"#]))],
            args: vec!["cluster", "in.jsonl", "--id-field", "meta.id"],
            stdin: None,
            expect: Expect::Fails {
                messages: &["field `meta.id` (--id-field) is in no record of in.jsonl (1 JSON object read); fields seen: `meta`, `text`"],
            },
        },
        Case {
            name: "a --text-field in no record",
            files: vec![("in.jsonl", jsonl(&[r#"{"id": "a", "text": "x", "title": "t"}"#, r#"{"id": "b", "text": "y"}"#]))],
            args: vec!["cluster", "in.jsonl", "--text-field", "body"],
            stdin: None,
            expect: Expect::Fails {
                messages: &["field `body` (--text-field) is in no record of in.jsonl (2 JSON objects read); fields seen: `id`, `text`, `title`"],
            },
        },
        Case {
            name: "an --id-field and a --text-field in no record",
            files: vec![("in.jsonl", jsonl(&[r#"{"url": "a", "body": "x"}"#]))],
            args: vec!["cluster", "in.jsonl"],
            stdin: None,
            expect: Expect::Fails {
                messages: &["fields `id` (--id-field) and `text` (--text-field) are in no record of in.jsonl (1 JSON object read); fields seen: `body`, `url`"],
            },
        },
        Case {
            name: "a --text-field in no record of the second input",
            files: vec![("a.jsonl", jsonl(&[OK_LINE])), ("b.json", format!("[{}]", r#"{"id": "b", "body": "x"}"#).into_bytes())],
            args: vec!["cluster", "a.jsonl", "b.json"],
            stdin: None,
            expect: Expect::Fails {
                messages: &["field `text` (--text-field) is in no record of b.json (1 JSON object read); fields seen: `body`, `id`"],
            },
        },
        Case {
            name: "a --text-field in no shard of a directory",
            files: vec![
                ("c/1.jsonl", jsonl(&[r#"{"id": "a", "body": "x"}"#])),
                ("c/2.jsonl.gz", gzip(&jsonl(&[r#"{"id": "b", "content": "y"}"#, "not json"]))),
            ],
            args: vec!["cluster", "c"],
            stdin: None,
            expect: Expect::Fails {
                messages: &["field `text` (--text-field) is in no record of c (2 JSON objects read); fields seen: `body`, `content`, `id`"],
            },
        },
        Case {
            name: "JSON Lines on standard input with a bad line",
            files: vec![],
            args: vec!["cluster", "-"],
            stdin: Some(jsonl(&[OK_LINE, "nonsense"])),
            expect: Expect::Skipped { documents: 1, skipped: 1, messages: &["<stdin>:2: invalid JSON"] },
        },
        Case {
            name: "--on-error fail stops at the first bad record",
            files: vec![("in.jsonl", jsonl(&[OK_LINE, "[]", "{"]))],
            args: vec!["cluster", "in.jsonl", "--on-error", "fail"],
            stdin: None,
            expect: Expect::Fails { messages: &["in.jsonl:2: expected a JSON object, found an array"] },
        },
        // --- JSON arrays ---
        Case {
            name: "a truncated JSON array",
            files: vec![("in.json", text("[\n  {\"id\": \"a\", \"text\": \"words\"},\n  {\"id\": \"b\", \"te"))],
            args: vec!["cluster", "in.json"],
            stdin: None,
            expect: Expect::Skipped {
                documents: 1,
                skipped: 1,
                messages: &["in.json:3: the file ends inside an element (the array is not closed): rest of file not read (element [1])"],
            },
        },
        Case {
            name: "an invalid element in a JSON array",
            files: vec![("in.json", text("[{\"id\": \"a\", \"text\": \"words\"},\n {\"id\": \"b\" \"text\": 1},\n {\"id\": \"c\", \"text\": \"more\"}]"))],
            args: vec!["cluster", "in.json"],
            stdin: None,
            expect: Expect::Skipped {
                documents: 2,
                skipped: 1,
                messages: &["in.json:2: invalid JSON: expected `,` or `}` at line 1 column 12 (element [1])"],
            },
        },
        Case {
            name: "a JSON array element over --max-doc-bytes",
            files: vec![(
                "in.json",
                format!("[{{\"id\": \"long\", \"text\": \"{}\"}},\n{OK_LINE}]", "w ".repeat(3000)).into_bytes(),
            )],
            args: vec!["cluster", "in.json", "--max-doc-bytes", "1000"],
            stdin: None,
            expect: Expect::Skipped {
                documents: 1,
                skipped: 1,
                messages: &["in.json:1: element longer than --max-doc-bytes (1000 bytes); not read (element [0])"],
            },
        },
        Case {
            name: "a --title-field in no record",
            files: vec![("in.json", format!("[{OK_LINE}]").into_bytes())],
            args: vec!["cluster", "in.json", "--title-field", "headline"],
            stdin: None,
            expect: Expect::Fails { messages: &["field `headline` (--title-field) is in no record of in.json as a string, number or boolean (1 record read); fields seen: `id`, `text`"] },
        },
        // --- CSV and TSV ---
        Case {
            name: "a CSV row with too few fields",
            files: vec![("in.csv", text("id,title,text\na,t,some words\nb,t\n"))],
            args: vec!["cluster", "in.csv"],
            stdin: None,
            expect: Expect::Skipped { documents: 1, skipped: 1, messages: &["in.csv:3: row has 2 fields, the header has 3"] },
        },
        Case {
            name: "a CSV header without the text column",
            files: vec![("in.csv", text("id,body\na,some words\n"))],
            args: vec!["cluster", "in.csv"],
            stdin: None,
            expect: Expect::Fails {
                messages: &["in.csv: field `text` (--text-field) is not a column of the header row; columns: id, body"],
            },
        },
        Case {
            name: "invalid UTF-8 in a CSV field",
            files: vec![("in.csv", b"id,text\na,fine words\nb,bad \xff byte\n".to_vec())],
            args: vec!["cluster", "in.csv"],
            stdin: None,
            expect: Expect::Skipped {
                documents: 1,
                skipped: 1,
                messages: &["in.csv:3: text column is not valid UTF-8 (at byte 4 of the field)"],
            },
        },
        Case {
            name: "an empty id in a CSV row",
            files: vec![("in.tsv", text("id\ttext\n\tno id\nb\twords\n"))],
            args: vec!["cluster", "in.tsv"],
            stdin: None,
            expect: Expect::Skipped { documents: 1, skipped: 1, messages: &["in.tsv:2: id field `id` is empty"] },
        },
        Case {
            name: "a CSV row over --max-doc-bytes",
            files: vec![(
                "in.csv",
                format!("id,text\na,\"{}\"\nb,short\n", "w ".repeat(3000)).into_bytes(),
            )],
            args: vec!["cluster", "in.csv", "--max-doc-bytes", "1000"],
            stdin: None,
            expect: Expect::Skipped {
                documents: 1,
                skipped: 1,
                messages: &["in.csv:2: row longer than --max-doc-bytes (1000 bytes)"],
            },
        },
        Case {
            name: "an unclosed quote in a CSV file",
            files: vec![(
                "in.csv",
                format!("id,text\na,fine\nb,\"never closed {}", "w ".repeat(100_000)).into_bytes(),
            )],
            args: vec!["cluster", "in.csv", "--max-doc-bytes", "1000"],
            stdin: None,
            expect: Expect::Skipped {
                documents: 1,
                skipped: 1,
                messages: &["in.csv:3: row longer than --max-doc-bytes (1000 bytes) or an unclosed quote: rest of file not read"],
            },
        },
        Case {
            name: "dedup of two CSV files with different headers",
            files: vec![("a.csv", text("id,text\na,words\n")), ("b.csv", text("id,text,date\nb,other words,1\n"))],
            args: vec!["dedup", "a.csv", "b.csv", "--out", "o"],
            stdin: None,
            expect: Expect::Fails { messages: &["b.csv: its header row differs from that of a.csv"] },
        },
        // --- paths, outputs and arguments ---
        Case {
            name: "a nonexistent input path",
            files: vec![],
            args: vec!["cluster", "missing/dir"],
            stdin: None,
            expect: Expect::Fails { messages: &["cannot read input `missing/dir`"] },
        },
        Case {
            name: "an input whose format cannot be told",
            files: vec![("data.xml", text("<doc/>\n"))],
            args: vec!["cluster", "data.xml"],
            stdin: None,
            expect: Expect::Fails { messages: &["cannot tell the format of `data.xml`"] },
        },
        Case {
            name: "an output path that is a file",
            files: vec![("in.jsonl", jsonl(&[OK_LINE])), ("taken", text("x"))],
            args: vec!["cluster", "in.jsonl", "--out", "taken"],
            stdin: None,
            expect: Expect::Fails { messages: &["--out taken: exists and is not a directory"] },
        },
        Case {
            name: "an output directory that cannot be created",
            files: vec![("in.jsonl", jsonl(&[OK_LINE])), ("file", text("x"))],
            args: vec!["cluster", "in.jsonl", "--out", "file/sub"],
            stdin: None,
            expect: Expect::Fails { messages: &["--out file/sub: cannot create directory"] },
        },
        Case {
            name: "an output directory on a read-only file system",
            files: vec![("in.jsonl", jsonl(&[OK_LINE]))],
            args: vec!["cluster", "in.jsonl", "--out", "/proc/reprint-out"],
            stdin: None,
            expect: Expect::Fails { messages: &["--out /proc/reprint-out: cannot create directory"] },
        },
        Case {
            name: "standard input given twice",
            files: vec![],
            args: vec!["cluster", "-", "-"],
            stdin: Some(Vec::new()),
            expect: Expect::Fails { messages: &["standard input (-) can be given only once"] },
        },
        Case {
            name: "conflicting flags: --bands without --rows",
            files: vec![("in.jsonl", jsonl(&[OK_LINE]))],
            args: vec!["cluster", "in.jsonl", "--bands", "4"],
            stdin: None,
            expect: Expect::Fails { messages: &["--rows"] },
        },
        Case {
            name: "conflicting flags: simhash with banding",
            files: vec![("in.jsonl", jsonl(&[OK_LINE]))],
            args: vec!["cluster", "in.jsonl", "--method", "simhash", "--bands", "2", "--rows", "2"],
            stdin: None,
            expect: Expect::Fails { messages: &["--bands/--rows apply to --method minhash"] },
        },
        Case {
            name: "a threshold that is not a number in range",
            files: vec![("in.jsonl", jsonl(&[OK_LINE]))],
            args: vec!["cluster", "in.jsonl", "--threshold", "NaN"],
            stdin: None,
            expect: Expect::Fails { messages: &["--threshold must be greater than 0 and at most 1"] },
        },
        Case {
            name: "--keep earliest without a field",
            files: vec![("in.jsonl", jsonl(&[OK_LINE]))],
            args: vec!["cluster", "in.jsonl", "--keep", "earliest"],
            stdin: None,
            expect: Expect::Fails { messages: &["--keep earliest and latest need a field"] },
        },
        Case {
            name: "--min-coverage above 1",
            files: vec![("in.jsonl", jsonl(&[OK_LINE]))],
            args: vec!["cluster", "in.jsonl", "--min-coverage", "1.5"],
            stdin: None,
            expect: Expect::Fails { messages: &["--min-coverage must be between 0 and 1"] },
        },
        Case {
            name: "dedup of standard input",
            files: vec![],
            args: vec!["dedup", "-", "--out", "o"],
            stdin: Some(jsonl(&[OK_LINE])),
            expect: Expect::Fails { messages: &["save standard input to a file first"] },
        },
    ]
}

fn run_case(case: &Case) {
    let dir = tempfile::tempdir().unwrap();
    for (path, bytes) in &case.files {
        let p = dir.path().join(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, bytes).unwrap();
    }
    let mut cmd = reprint();
    cmd.current_dir(dir.path()).args(&case.args);
    let default_out = !case.args.contains(&"--out");
    if default_out {
        cmd.args(["--out", "out"]);
    }
    if let Some(input) = &case.stdin {
        cmd.write_stdin(input.clone());
    }
    let output = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let code = output.status.code();
    assert!(!stderr.contains("panicked"), "{}: panicked\n{stderr}", case.name);
    let report = |dir: &Path| -> serde_json::Value {
        let bytes = fs::read(dir.join("out/clusters.json"))
            .unwrap_or_else(|e| panic!("{}: no clusters.json: {e}", case.name));
        serde_json::from_slice(&bytes).unwrap()
    };
    match &case.expect {
        Expect::Ok { documents, empty } => {
            assert_eq!(code, Some(0), "{}: exit status\n{stderr}", case.name);
            let r = report(dir.path());
            assert_eq!(r["input"]["documents"], *documents, "{}: documents", case.name);
            assert_eq!(r["input"]["empty"].as_array().unwrap().len() as u64, *empty, "{}: empty", case.name);
            assert!(r["input"]["skipped"].as_array().unwrap().is_empty(), "{}", case.name);
        }
        Expect::Skipped { documents, skipped, messages } => {
            assert_eq!(code, Some(3), "{}: exit status\n{stderr}", case.name);
            let r = report(dir.path());
            if *documents == SOME {
                assert!(r["input"]["documents"].as_u64().unwrap() > 0, "{}: documents", case.name);
            } else {
                assert_eq!(r["input"]["documents"], *documents, "{}: documents", case.name);
            }
            let listed = r["input"]["skipped"].as_array().unwrap().len() as u64;
            assert_eq!(listed, *skipped, "{}: skipped\n{stderr}", case.name);
            for m in *messages {
                assert!(stderr.contains(m), "{}: stderr lacks {m:?}\n{stderr}", case.name);
            }
        }
        Expect::Fails { messages } => {
            assert_eq!(code, Some(2), "{}: exit status\n{stderr}", case.name);
            for m in *messages {
                assert!(stderr.contains(m), "{}: stderr lacks {m:?}\n{stderr}", case.name);
            }
            assert!(!dir.path().join("out/clusters.json").exists(), "{}: wrote output", case.name);
        }
    }
}

/// Runs the case named `name`.
fn run_named(name: &str) {
    let case =
        cases().into_iter().find(|c| c.name == name).unwrap_or_else(|| panic!("no case named {name:?}"));
    run_case(&case);
}

/// One `#[test]` per case, named after it, so that a failure names the case and one case runs
/// alone (`cargo test bad_input::a_truncated_gz_file`).
macro_rules! bad_input_tests {
    ($($test:ident: $name:literal;)*) => {
        $(#[test]
        fn $test() {
            run_named($name);
        })*

        /// Every case has its test, and the suite keeps its breadth.
        #[test]
        fn every_case_has_its_own_test() {
            let tested = [$($name),*];
            let cases = cases();
            assert!(cases.len() >= 40, "the suite covers at least 40 inputs");
            for case in &cases {
                assert!(tested.contains(&case.name), "case {:?} has no #[test] in bad_input_tests!", case.name);
            }
            assert_eq!(tested.len(), cases.len(), "every test names an existing case once");
        }
    };
}

bad_input_tests! {
    invalid_utf_8_in_a_text_file: "invalid UTF-8 in a text file";
    utf_8_byte_order_mark_in_a_text_file: "UTF-8 byte-order mark in a text file";
    crlf_line_endings_in_a_text_file: "CRLF line endings in a text file";
    nul_bytes_in_a_text_file: "NUL bytes in a text file";
    a_binary_file_in_a_text_directory: "a binary file in a text directory";
    an_empty_text_file: "an empty text file";
    a_punctuation_only_text_file: "a punctuation-only text file";
    an_empty_directory: "an empty directory";
    an_empty_directory_with_allow_empty: "an empty directory with --allow-empty";
    a_directory_with_no_file_of_the_ext_extensions: "a directory with no file of the --ext extensions";
    a_directory_with_no_txt_file: "a directory with no .txt file";
    hidden_files_and_directories_are_not_read: "hidden files and directories are not read";
    bidi_control_characters_in_a_text: "bidi control characters in a text";
    documents_shorter_than_one_shingle: "documents shorter than one shingle";
    a_text_file_over_max_doc_bytes: "a text file over --max-doc-bytes";
    compressed_text_files: "compressed text files";
    a_corrupt_compressed_text_file: "a corrupt compressed text file";
    a_compressed_text_file_over_max_doc_bytes_once_decompressed: "a compressed text file over --max-doc-bytes once decompressed";
    a_directory_of_text_files_and_record_files: "a directory of text files and record files";
    a_bad_line_in_a_shard_of_a_directory: "a bad line in a shard of a directory";
    a_truncated_shard_of_a_directory: "a truncated shard of a directory";
    invalid_utf_8_inside_a_json_string: "invalid UTF-8 inside a JSON string";
    utf_8_byte_order_mark_before_the_first_json_line: "UTF-8 byte-order mark before the first JSON line";
    crlf_line_endings_in_json_lines: "CRLF line endings in JSON Lines";
    a_truncated_gz_file: "a truncated .gz file";
    a_corrupt_gz_file: "a corrupt .gz file";
    a_corrupt_gz_file_with_allow_empty: "a corrupt .gz file with --allow-empty";
    a_valid_gz_file: "a valid .gz file";
    a_valid_zst_file: "a valid .zst file";
    a_valid_bz2_file: "a valid .bz2 file";
    a_valid_xz_file: "a valid .xz file";
    concatenated_zstd_frames_bzip2_streams_and_xz_streams: "concatenated zstd frames, bzip2 streams and xz streams";
    compression_told_by_content_not_by_name: "compression told by content, not by name";
    a_truncated_zst_file: "a truncated .zst file";
    a_truncated_xz_file: "a truncated .xz file";
    a_truncated_bz2_file: "a truncated .bz2 file";
    a_zstd_frame_that_needs_a_window_over_128_mib: "a zstd frame that needs a window over 128 MiB";
    zstd_on_standard_input: "zstd on standard input";
    bzip2_on_standard_input: "bzip2 on standard input";
    xz_on_standard_input: "xz on standard input";
    an_invalid_json_line_among_valid_ones: "an invalid JSON line among valid ones";
    a_json_array_instead_of_an_object: "a JSON array instead of an object";
    a_bare_json_string_instead_of_an_object: "a bare JSON string instead of an object";
    a_missing_text_field: "a missing text field";
    a_null_text: "a null text";
    a_numeric_text: "a numeric text";
    an_empty_text: "an empty text";
    a_missing_id: "a missing id";
    a_null_id: "a null id";
    numeric_ids_are_accepted: "numeric ids are accepted";
    duplicate_ids_within_one_input: "duplicate ids within one input";
    duplicate_ids_across_inputs: "duplicate ids across inputs";
    deeply_nested_json: "deeply nested JSON";
    a_very_long_line_without_newline: "a very long line without newline";
    an_escaped_nul_inside_a_json_string: "an escaped NUL inside a JSON string";
    a_raw_nul_byte_in_a_json_line: "a raw NUL byte in a JSON line";
    blank_lines_and_a_last_line_without_newline: "blank lines and a last line without newline";
    an_empty_json_lines_file: "an empty JSON Lines file";
    an_empty_input_among_others: "an empty input among others";
    a_csv_file_with_only_a_header_row: "a CSV file with only a header row";
    an_empty_json_array: "an empty JSON array";
    empty_standard_input: "empty standard input";
    every_record_skipped: "every record skipped";
    a_dotted_id_path_that_is_missing: "a dotted id path that is missing";
    a_dotted_id_path_in_no_record: "a dotted id path in no record";
    a_text_field_in_no_record: "a --text-field in no record";
    an_id_field_and_a_text_field_in_no_record: "an --id-field and a --text-field in no record";
    a_text_field_in_no_record_of_the_second_input: "a --text-field in no record of the second input";
    a_text_field_in_no_shard_of_a_directory: "a --text-field in no shard of a directory";
    json_lines_on_standard_input_with_a_bad_line: "JSON Lines on standard input with a bad line";
    on_error_fail_stops_at_the_first_bad_record: "--on-error fail stops at the first bad record";
    a_truncated_json_array: "a truncated JSON array";
    an_invalid_element_in_a_json_array: "an invalid element in a JSON array";
    a_json_array_element_over_max_doc_bytes: "a JSON array element over --max-doc-bytes";
    a_title_field_in_no_record: "a --title-field in no record";
    a_csv_row_with_too_few_fields: "a CSV row with too few fields";
    a_csv_header_without_the_text_column: "a CSV header without the text column";
    invalid_utf_8_in_a_csv_field: "invalid UTF-8 in a CSV field";
    an_empty_id_in_a_csv_row: "an empty id in a CSV row";
    a_csv_row_over_max_doc_bytes: "a CSV row over --max-doc-bytes";
    an_unclosed_quote_in_a_csv_file: "an unclosed quote in a CSV file";
    dedup_of_two_csv_files_with_different_headers: "dedup of two CSV files with different headers";
    a_nonexistent_input_path: "a nonexistent input path";
    an_input_whose_format_cannot_be_told: "an input whose format cannot be told";
    an_output_path_that_is_a_file: "an output path that is a file";
    an_output_directory_that_cannot_be_created: "an output directory that cannot be created";
    an_output_directory_on_a_read_only_file_system: "an output directory on a read-only file system";
    standard_input_given_twice: "standard input given twice";
    conflicting_flags_bands_without_rows: "conflicting flags: --bands without --rows";
    conflicting_flags_simhash_with_banding: "conflicting flags: simhash with banding";
    a_threshold_that_is_not_a_number_in_range: "a threshold that is not a number in range";
    keep_earliest_without_a_field: "--keep earliest without a field";
    min_coverage_above_1: "--min-coverage above 1";
    dedup_of_standard_input: "dedup of standard input";
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_in_a_directory_terminates() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("c");
    fs::create_dir_all(c.join("sub")).unwrap();
    fs::write(c.join("sub/a.txt"), "words in a file").unwrap();
    std::os::unix::fs::symlink(&c, c.join("sub/loop")).unwrap();
    std::os::unix::fs::symlink(c.join("sub/a.txt"), c.join("link.txt")).unwrap();
    let out = dir.path().join("out");
    reprint().arg("cluster").arg(&c).arg("--out").arg(&out).assert().success();
    let r: serde_json::Value = serde_json::from_slice(&fs::read(out.join("clusters.json")).unwrap()).unwrap();
    // The linked file is read; the linked directory is not followed.
    assert_eq!(r["input"]["documents"], 2);
}
