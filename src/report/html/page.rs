//! The frame of every page: head (charset, Content-Security-Policy, style), heading, end.

use super::escape::esc;

const STYLE: &str = r#"
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Naskh Arabic",sans-serif;margin:2rem;color:#1b1b1b;background:#fafafa}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2.5rem;border-bottom:1px solid #ccc}h3{font-size:1rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:start;vertical-align:top}
.pair{margin:1rem 0 2rem}.cols{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
.doc{white-space:pre-wrap;unicode-bidi:plaintext;background:#fff;border:1px solid #ddd;padding:.75rem;max-height:40rem;overflow:auto;line-height:1.7}
.doc.full{max-height:none}
.doc h4{margin:0 0 .5rem;font-size:.9rem;unicode-bidi:isolate}
mark{border-radius:3px;padding:0 1px}
mark.p0,.sw.p0{background:#ffe08a}mark.p1,.sw.p1{background:#a8e6cf}mark.p2,.sw.p2{background:#b5d8ff}mark.p3,.sw.p3{background:#ffc4d6}
mark.p4,.sw.p4{background:#d9c8ff}mark.p5,.sw.p5{background:#ffd1a6}mark.p6,.sw.p6{background:#c9f2f2}mark.p7,.sw.p7{background:#e5f5a6}
.sw{display:inline-block;width:1em;height:1em;border-radius:3px}
.ctl{font-family:monospace;font-size:.75em;color:#b00020;border:1px dashed #b00020;padding:0 2px}
.note{color:#555}.id{font-family:monospace;unicode-bidi:isolate}
.title{unicode-bidi:isolate}.fallback{font-style:italic;color:#555}
.fold{display:block;margin:.4rem 0;color:#555;font-size:.85em;font-style:italic}
.rel{font-size:.8rem;font-weight:normal;border-radius:3px;padding:0 .3rem;color:#fff}
.rel.duplicate{background:#8e24aa}.rel.story{background:#1e6fd9}.rel.overlap{background:#6d6d6d}
.aside{font-size:.8rem;color:#555;font-style:italic;text-decoration:underline dotted;cursor:help}
nav{margin-bottom:1rem}nav a{margin-inline-end:1rem}
.filters{display:flex;flex-wrap:wrap;gap:1rem;align-items:end;margin:1rem 0}.filters label{display:flex;flex-direction:column;font-size:.85rem}
th button{font:inherit;font-weight:bold;border:0;background:none;padding:0;cursor:pointer;text-decoration:underline dotted}
th[aria-sort=ascending] button::after{content:" ▲"}th[aria-sort=descending] button::after{content:" ▼"}
td.num{text-align:end;font-variant-numeric:tabular-nums;white-space:nowrap}a.id{white-space:nowrap}
#clusters{table-layout:fixed;width:100%}#clusters th{width:6.5rem}#clusters th.story{width:auto}#clusters th.dates{width:19rem}
#clusters td{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
"#;

/// The start of a page titled `title` (plain text), up to and including `<body>`. `script_hash`
/// allows the page's one inline script (base64 SHA-256) in the Content-Security-Policy.
pub(super) fn head(title: &str, script_hash: Option<&str>) -> String {
    let mut h = String::with_capacity(1 << 16);
    h.push_str("<!DOCTYPE html>\n<html lang=\"und\">\n<head>\n<meta charset=\"utf-8\">\n");
    let script = script_hash.map(|s| format!("; script-src 'sha256-{s}'")).unwrap_or_default();
    h.push_str(&format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'{script}\">\n"
    ));
    h.push_str(&format!("<title>{}</title>\n<style>", esc(title)));
    h.push_str(STYLE);
    h.push_str("</style>\n</head>\n<body>\n");
    h
}

/// The end of a page.
pub(super) fn foot(h: &mut String) {
    h.push_str("</body>\n</html>\n");
}
