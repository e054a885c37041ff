#!/usr/bin/env python3
"""dist.py: the canary-against-baseline figures of a report page, held against the same check's
human report and JSON.  tests/html/stats.sh runs it.

  dist.py PAGE.html HUMAN.txt JSON.txt

For each figure of class "chart dist": its caption's numbers are the human report's line of
that function (one sentence, written once); a test's rows have as many dots as the JSON's n of
each side (mannwhitney); the median bar and the box's edges sit at the median and quartiles of
the row's dots (the positions are linear in the values, so their quantiles are the values').
No legend names a test's threshold as a line on a metric's chart (the p-value is not in the
metric's scale).  Prints "N figures"; exits 1 with the reasons on stderr.
"""
import html.parser
import json
import re
import sys


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.figs, self.cur, self.text_to, self.thr_keys = [], None, None, []
        self.key_open = False

    def handle_starttag(self, tag, attrs):
        self.start(tag, dict(attrs))

    def handle_startendtag(self, tag, attrs):
        self.start(tag, dict(attrs))

    def start(self, tag, a):
        cls = a.get("class", "").split()
        if tag == "figure" and "dist" in cls:
            self.cur = {"dots": {"canary": [], "baseline": []}, "boxes": {}, "medians": [], "title": "",
                        "caption": "", "strong": ""}
            self.figs.append(self.cur)
        elif tag == "figure":
            self.cur = None
        if tag == "i" and "sw" in cls and "thr" in cls:
            self.key_open = True
            self.thr_keys.append("")
        f = self.cur
        if f is None:
            return
        if tag == "circle" and "dot" in cls:
            f["dots"][cls[1]].append((float(a["cx"]), float(a["cy"])))
        elif tag == "rect" and "box" in cls:
            f["boxes"][cls[1]] = (float(a["x"]), float(a["x"]) + float(a["width"]))
        elif tag == "line" and "median" in cls:
            f["medians"].append(float(a["x1"]))
        elif tag == "title":
            self.text_to = "title"
        elif tag == "figcaption":
            self.text_to = "caption"
        elif tag == "strong":
            self.text_to = "strong"

    def handle_endtag(self, tag):
        if tag in ("title", "figcaption"):
            self.text_to = None
        if tag == "strong":
            self.text_to = "caption"
        if tag == "span":
            self.key_open = False

    def handle_data(self, d):
        if self.cur is not None and self.text_to:
            self.cur[self.text_to] += d
            if self.text_to == "strong":
                self.cur["caption"] += d
        if self.key_open:
            self.thr_keys[-1] += d


def quantile(v, q):
    v = sorted(v)
    at = q * (len(v) - 1)
    i = int(at)
    return v[i] + (at - i) * (v[i + 1] - v[i]) if i + 1 < len(v) else v[-1]


def stats_of(rep):
    """Every statistics entry of the JSON's rules, as the report gives it (fired if it fired)."""
    out = {}
    for r in rep["rules"]:
        for s in r.get("statistics", []):
            out[s["source"]] = s.get("fired", s)
    return out


def main():
    page, human, rep = sys.argv[1], open(sys.argv[2]).read(), json.loads(open(sys.argv[3]).read())
    p = Page()
    p.feed(open(page).read())
    errors = []
    stats = stats_of(rep)
    for k in p.thr_keys:
        if re.search(r"\b(mannwhitney|ratio_test)\(", k):
            errors.append(f"a test drawn as a threshold line: {k!r}")
    for f in p.figs:
        m = re.match(r"(\S+\(.*?\))(?: of (\{.*\}))? at (\d\d:\d\d:\d\d) UTC", f["title"])
        if not m:
            errors.append(f"a figure's title: {f['title']!r}")
            continue
        src = m.group(1)
        lines = [l.strip()[len(src):].strip() for l in human.splitlines() if l.strip().startswith(src + " ")]
        # "SRC [of SERIES] at T UTC[, when its rule fired]: TEXT."
        said = f["strong"].split(": ", 1)[1][:-1] if ": " in f["strong"] else ""
        if said not in lines:
            errors.append(f"{src}: the caption says {said!r}, the human report {lines!r}")
        s = stats.get(src)
        if m.group(2) is None and s is None:
            errors.append(f"{src}: not in the JSON's statistics")
        if s is not None and s["function"] == "mannwhitney" and m.group(2) is None:
            for side in ("canary", "baseline"):
                if len(f["dots"][side]) != s["n"][side]:
                    errors.append(f"{src}: {len(f['dots'][side])} {side} dots, n {s['n'][side]}")
        if s is not None and s["function"] == "ratio_test" and m.group(2) is None:
            want = "canary %d of %d against baseline %d of %d" % (
                s["errors"]["canary"], s["requests"]["canary"], s["errors"]["baseline"], s["requests"]["baseline"])
            if not said.startswith(want):
                errors.append(f"{src}: the caption {f['caption']!r} lacks {want!r}")
        medians = iter(f["medians"])
        for side in ("canary", "baseline"):
            xs = [x for x, _ in f["dots"][side]]
            if not xs:
                continue
            md, box = next(medians, None), f["boxes"].get(side)
            if md is None or box is None:
                errors.append(f"{src}: {side} has dots but no box or median")
                continue
            for got, q in ((md, .5), (box[0], .25), (box[1], .75)):
                if abs(got - quantile(xs, q)) > 0.2:
                    errors.append(f"{src}: {side}'s {q} quantile drawn at x {got}, its dots' is {quantile(xs, q):.2f}")
    if errors:
        print("\n".join(errors), file=sys.stderr)
        sys.exit(1)
    print(f"{len(p.figs)} figures")


main()
