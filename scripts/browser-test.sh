#!/usr/bin/env bash
# Renders the overlap report (overlap.html, the index, and the pages in overlap/) in headless
# Chromium and checks, on the rendered DOM:
#   1. seeds/: the cluster page highlights the shared passages (<mark>), the 1037-soldiers
#      passage on both sides; the first highlight of each text is visible in its pane, and the
#      first highlight of the link a URL names (#l1) in the window, after load;
#   2. the index's script: its hash in the Content-Security-Policy is right (else Chromium
#      would not run it), a click on a column sorts by it (and a second click reverses), the
#      title filter hides rows;
#   3. tests/fixtures/html_injection.jsonl (33 injection payloads inside shared passages, ids,
#      and the title, date and source fields): on the index, the list of documents, every
#      cluster page and one document page per cluster, no payload executed (the title is
#      untouched, no injected element exists), payloads are shown as text, and bidi controls as
#      visible markers; every page of the report holds only the report's own elements and links;
#      the metadata shows: the fixture's titles in the index, its outlets in the outlet filter,
#      date and outlet columns with its values on every cluster page;
#   4. a real corpus (bbc_news from ../shared/data, or $REPRINT_DATA): every cluster of
#      clusters.json has a row in the index whose page exists, every document a cluster page
#      links to has its page, and the index's load time in Chromium is printed.
# Installs Debian's chromium when it is missing and we are root. Exit status 0 only when every
# check passed.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "browser test: installing Debian's chromium"
    if ! { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }; then
      echo "browser test: could not install chromium" >&2
      exit 2
    fi
  else
    echo "browser test: chromium is not installed (apt-get install chromium)" >&2
    exit 2
  fi
fi

cargo build --release --quiet
bin=$PWD/target/release/reprint
work=$(mktemp -d)
[ -z "${KEEP_WORK:-}" ] || echo "browser test: keeping $work"
trap '[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT
data=${REPRINT_DATA:-../shared/data}

render() { # html-file-or-url -> dom-file
  local url=$1
  case $url in file://*) ;; *) url="file://$url" ;; esac
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --window-size=1400,1000 --virtual-time-budget=2000 \
    --dump-dom "$url" >"$2" 2>"$work/chromium.log"
}

# probe PAGE COPY: COPY is PAGE with tests/browser-probe.js appended and allowed by its hash
# in the page's Content-Security-Policy (the page's own policy is otherwise kept).
probe() {
  python3 - "$1" "$2" <<'PY'
import base64, hashlib, re, sys
page, copy = sys.argv[1:3]
probe = open("scripts/browser-probe.js", encoding="utf-8").read()
digest = base64.b64encode(hashlib.sha256(probe.encode()).digest()).decode()
html = open(page, encoding="utf-8").read()
csp = re.search(r'content="(default-src [^"]*)"', html).group(1)
if "script-src" in csp:
    new = csp.replace("script-src ", f"script-src 'sha256-{digest}' ", 1)
else:
    new = csp + f"; script-src 'sha256-{digest}'"
html = html.replace(csp, new, 1).replace("</body>", f"<script>{probe}</script></body>", 1)
open(copy, "w", encoding="utf-8").write(html)
PY
}

"$bin" cluster seeds --out "$work/seeds" -q
probe "$work/seeds/overlap/c/0001.html" "$work/seeds/overlap/c/probe.html"
render "file://$work/seeds/overlap/c/probe.html#l1" "$work/seeds-cluster.dom"
probe "$work/seeds/overlap.html" "$work/seeds/probe-index.html"
render "$work/seeds/probe-index.html" "$work/seeds-index.dom"
probe "$work/seeds/overlap/d/0000.html" "$work/seeds/overlap/d/probe.html"
render "$work/seeds/overlap/d/probe.html" "$work/seeds-doc.dom"

"$bin" cluster tests/fixtures/html_injection.jsonl --out "$work/inj" -q
inj_pages=("overlap.html" "overlap/documents.html")
for c in "$work"/inj/overlap/c/*.html; do inj_pages+=("overlap/c/$(basename "$c")"); done
# One document page per cluster: the first member's (its page links to the other's).
while read -r d; do inj_pages+=("overlap/d/$d.html"); done < <(
  grep -ho 'href="../d/[0-9]*.html"' "$work"/inj/overlap/c/*.html | sort -u | sed 's/.*d\/\([0-9]*\).html"/\1/' | awk 'NR % 2 == 1')
for p in "${inj_pages[@]}"; do
  render "$work/inj/$p" "$work/inj-$(echo "$p" | tr / _).dom"
done

real=""
if [ -f "$data/bbc_news.jsonl.gz" ]; then
  real="$work/bbc"
  "$bin" cluster "$data/bbc_news.jsonl.gz" --out "$real" -q
  probe "$real/overlap.html" "$real/probe-index.html"
  render "$real/probe-index.html" "$work/bbc-index.dom"
  big=$(grep -m1 -o 'href="overlap/c/[0-9]*.html"' "$real/overlap.html" | head -1 | sed 's/href="overlap\/c\/\([0-9]*\).html"/\1/')
  probe "$real/overlap/c/$big.html" "$real/overlap/c/probe.html"
  render "file://$real/overlap/c/probe.html#l2" "$work/bbc-cluster.dom"
elif [ -n "${CI:-}" ]; then
  echo "browser test: $data/bbc_news.jsonl.gz is missing (CI is set: failing)" >&2
  exit 1
else
  echo "browser test: SKIPPING the real-corpus checks: $data/bbc_news.jsonl.gz not found (set REPRINT_DATA)"
fi

python3 scripts/browser-check.py "$work" "$real" "${inj_pages[@]}"
