#!/usr/bin/env python3
"""check.py: what tests/html/html.sh asks of a report page or of Chromium's record of it.

  check.py page FILE.html VERDICT   well formed, nothing fetched, no script; the verdict shown;
                                    prints the number of charts
  check.py dom FILE.html            Chromium's --dump-dom of a page: prints its number of charts
                                    and the verdict words it shows
  check.py netlog FILE.json         Chromium's --log-net-log: prints each URL the page (a file://
                                    document) asked for, other than file: and data: ones
  check.py text FILE.html           the page's text (no tags, one piece a line), to compare pages of
                                    one check from two sources, in the page's order (a metric with
                                    `by`: the deciding series first, then the others by their labels,
                                    whatever order the source gave them in)
  check.py pdf FILE.pdf PAGE.html GATE VERDICT RULE
                                    Chromium's --print-to-pdf of PAGE.html (text by pdftotext, pages
                                    by pdfinfo, of poppler-utils): a PDF of 1 to charts + 2 pages,
                                    none blank, that reads "Gate GATE: VERDICT", names RULE (as
                                    'rollback "its name"') and has each chart's title, in order,
                                    then its labels (the chart drawn), then its caption; prints the pages and the charts, then each
                                    page that ends on a heading (shown, not checked)
Exits 1 with a message on stderr when a check fails.
"""
import html.parser
import json
import re
import subprocess
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


class Figures(html.parser.HTMLParser):
    """each chart's title (its <svg>'s <title>) and its caption's text; the headings (h1 to h4)"""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.charts, self.headings, self.where = [], [], None

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self.charts.append(["", "", []])
        elif tag == "text" and self.charts:
            self.charts[-1][2].append("")
            self.where = 2
        elif tag == "title" and self.charts and self.where is None:
            self.where = 0
        elif tag == "figcaption" and self.charts:
            self.where = 1
        elif tag in ("h1", "h2", "h3", "h4"):
            self.headings.append("")
            self.where = "h"

    def handle_endtag(self, tag):
        if tag in ("title", "figcaption", "text", "h1", "h2", "h3", "h4"):
            self.where = None

    def handle_data(self, data):
        if self.where == "h":
            self.headings[-1] += data
        elif self.where == 2:
            self.charts[-1][2][-1] += data
        elif self.where is not None and self.charts:
            self.charts[-1][self.where] += data


class Text(html.parser.HTMLParser):
    """the text of a page in blocks: one from each <h1> to <h3>, and within it one from each <h4>"""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self.style = [[[], []]], False	# [its own lines, [its <h4> blocks' lines]]

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3"):
            self.blocks.append([[], []])
        elif tag == "h4":
            self.blocks[-1][1].append([])
        self.style |= tag == "style"

    def handle_endtag(self, tag):
        self.style &= tag != "style"

    def handle_data(self, data):
        if self.style or not data.strip():
            return
        b = self.blocks[-1]
        (b[1][-1] if b[1] else b[0]).append(data.strip())


def text(path):
    t = Text()
    t.feed(open(path, encoding="utf-8").read())
    for own, subs in t.blocks:
        for line in own + [x for sub in subs for x in sub]:
            print(line)


def squeeze(s):
    """text as compared with a PDF's: no white space (lines break anywhere), case folded (the
    verdict is printed upper case by CSS)"""
    return re.sub(r"\s+", "", s).casefold()


def pdf(path, page_path, gate, verdict, rule):
    head = open(path, "rb").read()
    if not head.startswith(b"%PDF-") or b"%%EOF" not in head[-1024:]:
        fail("%s: not a PDF" % path)
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True)
    m = re.search(r"^Pages:\s+(\d+)", info.stdout, re.M)
    if info.returncode or not m:
        fail("%s: pdfinfo: %s" % (path, info.stderr.strip()))
    npages = int(m.group(1))
    txt = subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True, text=True)
    if txt.returncode:
        fail("%s: pdftotext: %s" % (path, txt.stderr.strip()))
    # the text in reading order (table cells whole) for what the page says; and as laid out (lines
    # left to right, top to bottom) for the charts, whose captions' keys the reading order regroups
    pages = txt.stdout.split("\f")[:npages]	# a form feed ends each page
    lay = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", path, "-"], capture_output=True, text=True)
    laid = lay.stdout.split("\f")[:npages]
    f = Figures()
    f.feed(open(page_path, encoding="utf-8").read())
    errors = []
    if not f.charts:
        errors.append("%s: no chart" % page_path)
    if not 1 <= npages <= len(f.charts) + 2:
        errors.append("%d pages for %d charts" % (npages, len(f.charts)))
    blank = [str(i + 1) for i, p in enumerate(pages) if not p.strip()]
    if blank:
        errors.append("blank page %s" % ", ".join(blank))
    text = squeeze("".join(pages))
    flat, starts = "", []	# the whole laid-out text squeezed, and where each page starts in it
    for p in laid:
        starts.append(len(flat))
        flat += squeeze(p)

    def page_of(pos):
        return max(i for i, s in enumerate(starts) if s <= pos) + 1

    if squeeze("Gate %s: %s" % (gate, verdict)) not in text:
        errors.append("no 'Gate %s: %s'" % (gate, verdict))
    if rule != "-" and squeeze(rule) not in text:
        errors.append("the deciding rule %s not named" % rule)
    cursor = 0
    for title, caption, texts in f.charts:
        c = flat.find(squeeze(caption), cursor)
        t = flat.find(squeeze(title), cursor, c) if c >= 0 else -1
        if c < 0 or t < 0:
            errors.append("chart %r: %s not printed" % (title, "its caption" if c < 0 else "its title"))
            continue
        # the chart drawn: its own text (ticks, lane labels, the deciding mark's label) before its caption
        lost = [x for x in texts if squeeze(x) not in flat[t:c]]
        if lost:
            errors.append("chart %r: not drawn (%d of its %d labels not printed: %s)" % (title, len(lost), len(texts), lost[0]))
        cursor = c + len(squeeze(caption))
    if errors:
        fail("%s: %s" % (path, "; ".join(errors)))
    print(npages, len(f.charts))
    # what is not checked, but shown: a page that ends on a heading, its section on the next page
    heads = set(squeeze(h) for h in f.headings)
    for i, p in enumerate(laid[:-1]):
        last = [line for line in p.splitlines() if line.strip()][-1]
        if squeeze(last) in heads:
            print("page %d ends on the heading %s" % (i + 1, last.strip()))


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "page" and len(sys.argv) == 4:
        page(sys.argv[2], sys.argv[3])
    elif cmd == "dom" and len(sys.argv) == 3:
        dom(sys.argv[2])
    elif cmd == "netlog" and len(sys.argv) == 3:
        netlog(sys.argv[2])
    elif cmd == "text" and len(sys.argv) == 3:
        text(sys.argv[2])
    elif cmd == "pdf" and len(sys.argv) == 7:
        pdf(*sys.argv[2:])
    else:
        fail("usage: check.py page FILE VERDICT | dom FILE | netlog FILE | text FILE | pdf FILE.pdf PAGE.html GATE VERDICT RULE")
