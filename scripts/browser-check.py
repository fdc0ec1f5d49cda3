"""Checks of scripts/browser-test.sh on the DOMs Chromium rendered (see that script's header).

Usage: browser-check.py WORK REAL INJ_PAGE...  (REAL: the real corpus' report, or empty)
"""
import base64
import hashlib
import json
import os
import re
import sys
from html.parser import HTMLParser

work, real, inj_pages = sys.argv[1], sys.argv[2], sys.argv[3:]
checks = []


def check(name, ok):
    checks.append(bool(ok))
    print(("ok   " if ok else "FAIL ") + name)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def probe(dom):
    found = re.findall(r'<pre id="probe">(\{.*?)</pre>', dom, re.S)
    if not found:
        return {}
    return json.loads(found[-1].replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))


class Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))


ALLOWED = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "h4", "p", "nav", "a", "span",
           "table", "thead", "tbody", "tr", "th", "td", "div", "section", "mark", "em", "label", "input",
           "select", "option", "button", "script", "pre"}
INTERNAL = re.compile(r"^((\.\./)*(overlap/)?(c|d)/\d+\.html|(\.\./)*overlap\.html|(\.\./|overlap/)?documents\.html)?(#\w+)?$")


def inert(name, html, is_index, probed=False):
    """Only the report's own elements in a page's body: no injected element, handler, link, style or script."""
    p = Elements()
    p.feed(html)
    bad = [t for t, _ in p.elements if t not in ALLOWED]
    handlers = [(t, k) for t, a in p.elements for k, _ in a if k.startswith("on")]
    links = [v for t, a in p.elements for k, v in a if k in ("href", "src", "action", "data", "formaction")]
    outside = [v for v in links if not INTERNAL.match(v or "")]
    scripts = sum(1 for t, _ in p.elements if t == "script")
    inputs = [dict(a).get("id") for t, a in p.elements if t == "input"]
    styles = sum(1 for t, _ in p.elements if t == "style")
    want_scripts = (1 if is_index else 0) + (1 if probed else 0)
    return (not bad and not handlers and not outside and scripts == want_scripts and styles == 0
            and all(i in ("q", "from", "to") for i in inputs)), (bad, handlers, outside, scripts, inputs, styles)


# 1. seeds
cl = read(f"{work}/seeds-cluster.dom")
marks = re.findall(r"<mark[^>]*>(.*?)</mark>", cl, re.S)
check("seeds: passages are highlighted on both sides (>= 4 marks)", len(marks) >= 4)
check("seeds: the 1037-soldiers passage is highlighted in both texts", sum("1037 جنديا" in m for m in marks) >= 2)
check("seeds: Arabic text blocks carry dir=auto", 'class="doc" dir="auto"' in cl)
pr = probe(cl)
check("seeds: the first highlight of each text is visible in its pane after load",
      len(pr.get("panes", [])) == 2 and all(p["visible"] for p in pr["panes"]))
t = pr.get("target") or {}
check("seeds: opened at #l1, the link's first highlight is in the window", t.get("id") == "l1a" and t.get("visible"))
idx = read(f"{work}/seeds-index.dom")
check("seeds: the index links the cluster page", 'href="overlap/c/0001.html"' in idx)
doc = read(f"{work}/seeds-doc.dom")
check("seeds: the document page highlights what it shares and links its cluster",
      len(re.findall(r"<mark", doc)) >= 2 and 'href="../c/0001.html' in doc)

# 2. the index's script
page = read(f"{work}/inj/overlap.html")
script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
check("index: the Content-Security-Policy allows exactly the page's script (its hash)",
      f"script-src 'sha256-{digest}'\"" in page)

# 3. injection
def foreign(tag, elements, is_index):
    """Elements `tag` of a body that are not the report's own (its links, filters and script)."""
    own = 0
    for t, a in elements:
        a = dict(a)
        if t == tag and ((t == "a" and INTERNAL.match(a.get("href") or "@")) or (t == "input" and a.get("id") in ("q", "from", "to"))
                         or (t == "script" and is_index and own == 0)):
            own += 1
    return sum(1 for t, _ in elements if t == tag) - own


OLD_TAGS = ["script", "img", "svg", "iframe", "object", "embed", "video", "input", "form", "details", "marquee",
            "template", "noscript", "link", "base", "math", "a", "style"]
per_tag = {t: 0 for t in OLD_TAGS}
titles = {"overlap.html": "reprint: shared passages", "overlap/documents.html": "reprint: documents with overlaps"}
all_inert, failures, text_shown, marked = True, [], 0, True
for p in inj_pages:
    dom = read(f"{work}/inj-{p.replace('/', '_')}.dom")
    want = titles.get(p) or (f"reprint: cluster {int(p[10:14])}" if p.startswith("overlap/c/")
                             else f"reprint: document {int(p[10:-5])}")
    got = re.search(r"<title>(.*?)</title>", dom, re.S)
    if not got or got.group(1) != want:
        failures.append((p, "title", got and got.group(1)))
    ok, why = inert(p, dom.split("<body", 1)[1] if "<body" in dom else dom, p == "overlap.html")
    if not ok:
        failures.append((p, why))
    body = Elements()
    body.feed(dom.split("<body", 1)[1])
    for tag in OLD_TAGS:
        per_tag[tag] += foreign(tag, body.elements, p == "overlap.html")
    text_shown += dom.count("&lt;script&gt;")
    if p.startswith("overlap/c/") and len(re.findall(r"<mark", dom)) < 2:
        marked = False
    if "\u202e" in dom:
        failures.append((p, "raw U+202E"))
check(f"injection: {len(inj_pages)} rendered pages (index, documents, every cluster page, a document page per cluster): "
      "titles untouched, only the report's elements, no handler, no outside link, no injected script",
      not failures and len(inj_pages) == 2 + 33 + 33)
for f in failures[:5]:
    print("     ", f)
for tag in OLD_TAGS:
    check(f"injection: no <{tag}> element of a payload in any rendered body", per_tag[tag] == 0)
check("injection: the page title is untouched", not any(f[1] == "title" for f in failures))
check("injection: no inline event handler attribute", not any(len(f) == 2 and f[1][1] for f in failures))
check("injection: payloads are shown as text", text_shown >= 5)
check("injection: every link is highlighted on its cluster page", marked)
bidi = [read(f"{work}/inj-{p.replace('/', '_')}.dom") for p in inj_pages if p.startswith("overlap/c/")]
check("injection: bidi controls are shown as visible markers", any("[U+202E]" in d for d in bidi))
# Metadata shows: the fixture's titles, outlets and dates (payloads themselves) are on the
# rendered pages as text, in the index's title column, its outlet filter and on cluster pages.
import html as _html
fixture = [json.loads(l) for l in read("tests/fixtures/html_injection.jsonl").splitlines() if l.strip()]
def shown(value):
    return _html.escape(value, quote=False)
inj_index = read(f"{work}/inj-overlap.html.dom")
plain = [r for r in fixture if not re.search("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", r["title"] + r["source"])]
want_titles = {r["title"] for r in plain}
titles_shown = {t for t in want_titles if f'dir="auto">{shown(t)}</span>' in inj_index}
check(f"injection: metadata shows: {len(titles_shown)} of the {len(want_titles)} titles without bidi controls "
      "in the index's title column", titles_shown == want_titles and len(want_titles) >= 30)
options = re.findall(r'<option value="\d+">(.*?)</option>', inj_index)
check(f"injection: metadata shows: the outlet filter lists the {len(options)} outlets",
      len(options) == len({r["source"] for r in fixture}) and shown(plain[0]["source"]) in options)
clusters = [read(f"{work}/inj-{p.replace('/', '_')}.dom") for p in inj_pages if p.startswith("overlap/c/")]
check("injection: metadata shows: every cluster page has date and outlet columns with the fixture's values",
      all("<th>date</th>" in c and "<th>outlet</th>" in c for c in clusters)
      and sum(any(shown(r["date"]) in c for r in plain) for c in clusters) >= 30)
static = []
for root, _, files in os.walk(f"{work}/inj"):
    for f in files:
        if f.endswith(".html"):
            path = os.path.join(root, f)
            rel = os.path.relpath(path, f"{work}/inj")
            ok, why = inert(rel, read(path).split("<body>", 1)[1], rel == "overlap.html")
            if not ok:
                static.append((rel, why))
check(f"injection: every page file of the report (unrendered) holds only the report's markup", not static)
for f in static[:5]:
    print("     ", f)

# 4. a real corpus
if real:
    report = json.load(open(f"{real}/clusters.json", encoding="utf-8"))
    ids = {c["id"] for c in report["clusters"]}
    index = read(f"{real}/overlap.html")
    linked = {int(x) for x in re.findall(r'href="overlap/c/(\d+)\.html"', index)}
    check(f"bbc_news: the index links every one of the {len(ids)} clusters", linked == ids and len(ids) > 0)
    check("bbc_news: every cluster page the index links exists",
          all(os.path.exists(f"{real}/overlap/c/{i:04d}.html") for i in linked))
    missing = [d for c in sorted(linked) for d in re.findall(r'href="\.\./d/(\d+)\.html"', read(f"{real}/overlap/c/{c:04d}.html"))
               if not os.path.exists(f"{real}/overlap/d/{d}.html")]
    check("bbc_news: every document page a cluster page links exists", not missing)
    pr = probe(read(f"{work}/bbc-index.dom"))
    s = pr.get("sort") or {}
    init = s.get("initial", [])
    check("bbc_news: the index opens sorted by size (largest first)", s.get("sizes") and s["sizes"][0] >= s["sizes"][-1])
    check("bbc_news: a click on 'cluster' sorts by number, and the order changes",
          s.get("by_id") == sorted(init) and s.get("by_id") != init)
    check("bbc_news: a second click reverses the order", s.get("by_id_again") == sorted(init, reverse=True))
    check("bbc_news: a click on 'links' sorts by links", s.get("by_links") and s["by_links"] != s["by_id_again"])
    check("bbc_news: the title filter hides the other rows",
          0 < len(s.get("filtered", [])) < len(init) and s.get("shown") == str(len(s["filtered"])))
    print(f"     bbc_news: index of {len(ids)} clusters loaded in {pr.get('load_ms', 0):.0f} ms (loadEventEnd)")
    big = probe(read(f"{work}/bbc-cluster.dom"))
    check("bbc_news: on the largest cluster's page, every text's first highlight is visible in its pane",
          big.get("panes") and all(p["visible"] for p in big["panes"]))
    t = big.get("target") or {}
    check("bbc_news: opened at #l2, that link's first highlight is in the window", t.get("visible"))

passed, failed = sum(checks), len(checks) - sum(checks)
print(f"browser test: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
