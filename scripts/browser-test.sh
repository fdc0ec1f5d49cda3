#!/usr/bin/env bash
# Renders overlap.html in headless Chromium and checks, on the rendered DOM:
#   1. seeds/: the shared passages are highlighted (<mark>) and the 1037-soldiers passage is
#      inside a highlight on both sides;
#   2. tests/fixtures/html_injection.jsonl (33 injection payloads inside shared passages): no
#      payload executed (the title is untouched, no injected element exists), every payload is
#      shown as text, and bidi controls are shown as visible markers.
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
bin=target/release/reprint
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

render() { # html-file -> dom-file
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --virtual-time-budget=2000 --dump-dom "file://$1" \
    >"$2" 2>"$work/chromium.log"
}

"$bin" cluster seeds --out "$work/seeds" -q
render "$work/seeds/overlap.html" "$work/seeds.dom"
"$bin" cluster tests/fixtures/html_injection.jsonl --out "$work/inj" -q
render "$work/inj/overlap.html" "$work/inj.dom"

python3 - "$work/seeds.dom" "$work/inj.dom" <<'PY'
import re, sys
seeds, inj = (open(p, encoding="utf-8").read() for p in sys.argv[1:3])
checks = []
def check(name, ok):
    checks.append(ok)
    print(("ok   " if ok else "FAIL ") + name)

marks = re.findall(r"<mark[^>]*>(.*?)</mark>", seeds, re.S)
check("seeds: passages are highlighted on both sides (>= 4 marks)", len(marks) >= 4)
check("seeds: the 1037-soldiers passage is highlighted in both texts",
      sum("1037 جنديا" in m for m in marks) >= 2)
check("seeds: Arabic text blocks carry dir=auto", 'class="doc" dir="auto"' in seeds)

title = re.search(r"<title>(.*?)</title>", inj, re.S)
check("injection: the page title is untouched", title is not None and title.group(1) == "reprint: shared passages")
check("injection: no payload wrote to the document", "INJECTED" not in (title.group(1) if title else ""))
body = inj.split("<body", 1)[1]
for tag in ["script", "img", "svg", "iframe", "object", "embed", "video", "input", "form", "details",
            "marquee", "template", "noscript", "link", "base", "math", "a ", "style"]:
    check(f"injection: no <{tag.strip()}> element in the rendered body", f"<{tag}" not in body)
check("injection: no inline event handler attribute", not re.search(r"<[^>]+\son\w+\s*=", body))
check("injection: payloads are shown as text", body.count("&lt;script&gt;") >= 5)
check("injection: every pair is highlighted", len(re.findall(r"<mark", body)) >= 66)
check("injection: bidi controls are shown as visible markers", "[U+202E]" in body and "\u202e" not in body)
passed, failed = sum(checks), len(checks) - sum(checks)
print(f"browser test: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
