#!/usr/bin/env python3
"""check.py: what tests/html/html.sh asks of a report page or of Chromium's record of it.

  check.py page FILE.html VERDICT   well formed, nothing fetched, no script; the verdict shown;
                                    prints the number of charts
  check.py dom FILE.html            Chromium's --dump-dom of a page: prints its number of charts
                                    and the verdict words it shows
  check.py netlog FILE.json         Chromium's --log-net-log: prints each URL the page (a file://
                                    document) asked for, other than file: and data: ones
Exits 1 with a message on stderr when a check fails.
"""
import html.parser
import json
import re
import sys

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SVG_NS = "http://www.w3.org/2000/svg"


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.charts, self.verdicts = [], [], 0, []
        self.titled = self.described = 0
        self.in_verdict = False

    def handle_starttag(self, tag, attrs):
        self.open(tag, attrs)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.open(tag, attrs)	# <path .../>: opened and closed

    def open(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.errors.append("a <script>")
        for k, v in attrs:
            if k in ("src", "href", "srcset", "action", "formaction", "poster", "data") or k.startswith("on"):
                self.errors.append("<%s %s=...>: the page would fetch or run something" % (tag, k))
            if v and re.search(r"https?://", v) and not (k == "xmlns" and v == SVG_NS):
                self.errors.append("<%s %s=%r>: an external URL" % (tag, k, v))
        if tag == "svg":
            self.charts += 1
            if a.get("role") != "img" or not a.get("aria-labelledby"):
                self.errors.append("an <svg> without role=img and aria-labelledby")
        if tag == "title" and "svg" in self.stack:	# a chart's text alternative
            self.titled += 1
        if tag == "desc":
            self.described += 1
        if tag == "span" and "verdict" in a.get("class", "").split():
            self.in_verdict = True

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("</%s> closes <%s>" % (tag, self.stack[-1] if self.stack else "nothing"))
            return
        self.stack.pop()
        if tag == "span":
            self.in_verdict = False

    def handle_data(self, data):
        if self.in_verdict and data.strip():
            self.verdicts.append(data.strip())
        if re.search(r"https?://", data) and "style" in self.stack[-1:]:
            self.errors.append("an external URL in the CSS")
        if "style" in self.stack[-1:] and ("url(" in data or "@import" in data):
            self.errors.append("the CSS would fetch something")


def fail(msg):
    print("check.py: " + msg, file=sys.stderr)
    sys.exit(1)


def page(path, verdict):
    text = open(path, encoding="utf-8").read()
    p = Page()
    p.feed(text)
    p.close()
    if not text.startswith("<!DOCTYPE html>"):
        p.errors.append("no <!DOCTYPE html>")
    if p.stack:
        p.errors.append("unclosed at the end: " + " ".join(p.stack))
    if p.charts == 0:
        p.errors.append("no chart")
    if p.titled != p.charts or p.described != p.charts:
        p.errors.append("%d charts, %d titles, %d descriptions" % (p.charts, p.titled, p.described))
    if verdict not in p.verdicts:
        p.errors.append("verdict %r not shown (shown: %s)" % (verdict, p.verdicts))
    if p.errors:
        fail("%s: %s" % (path, "; ".join(sorted(set(p.errors)))))
    print(p.charts)


def dom(path):
    p = Page()
    p.feed(open(path, encoding="utf-8").read())
    print(p.charts, " ".join(p.verdicts))


def netlog(path):
    d = json.load(open(path, encoding="utf-8"))
    kinds = {v: k for k, v in d["constants"]["logEventTypes"].items()}
    seen = set()
    for e in d["events"]:
        prm = e.get("params") or {}
        if kinds.get(e["type"]) != "URL_REQUEST_START_JOB" or "url" not in prm:
            continue
        # the page's requests carry its file:// isolation key; the browser's own (updates) do not
        if "file://" not in prm.get("network_isolation_key", "") and prm.get("initiator") != "null":
            continue
        if not re.match(r"(file|data):", prm["url"]):
            seen.add(prm["url"])
    for u in sorted(seen):
        print(u)


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "page" and len(sys.argv) == 4:
        page(sys.argv[2], sys.argv[3])
    elif cmd == "dom" and len(sys.argv) == 3:
        dom(sys.argv[2])
    elif cmd == "netlog" and len(sys.argv) == 3:
        netlog(sys.argv[2])
    else:
        fail("usage: check.py page FILE VERDICT | dom FILE | netlog FILE")
