#!/usr/bin/env python3
"""cvd.py: the colours of report pages stay apart for colour-blind readers and in greyscale.

  cvd.py [--known FILE] PAGE.html...

Reads each page's own CSS (its <style>; the screen rules, as @media print changes no colour) and
its charts (each <svg>), and finds the colour each role is drawn in, by class, as a browser would:
the rules whose selector (a tag and/or classes, as `.thr.go`) matches the element, the most
specific one winning and the later one of equal specificity.  The roles:

  lines    series (path.series), baseline (path.base), threshold (rollback, no-go) (path.thr),
           threshold (go) (path.thr.go), each against background (the page's body background)
  lanes    false (rect.lanebg: a lane where nothing is drawn), true (rollback, no-go) (rect.on.bad),
           true (go) (rect.on.good), pending (rect.pend), unknown (rect.unk); a fill with opacity is
           taken as seen, composited over the lane's background in sRGB as browsers composite; a
           state filled with a pattern (fill="url(#...)", the report's hatched unknown) is told
           apart by its texture and not compared by colour

Pairs checked, those that must be told apart by colour alone and appear together in one chart:
two lines of different roles drawn in the same dash style (a dashed threshold and a solid series
are also told apart by the dash), each line and the background, and any two lane states of one
chart (a lane's states are told apart by nothing but their fill, and the legend says which fill
is a rollback's truth and which a go's).  The marker (line.mark, circle.markdot) is a vertical line
through the plot with a ring and a bold label, told apart by form, and is shown but not checked.

Each pair must be at least MIN_DE apart, CIEDE2000 in CIELAB (D65), under each of:
  normal        the colours as they are
  protanopia, deuteranopia, tritanopia
                Machado, Oliveira & Fernandes, "A Physiologically-based Model for Simulation of
                Color Vision Deficiency", IEEE TVCG 15(6), 2009: the severity-1.0 matrices of the
                paper's table (its supplementary material), applied to linear sRGB; typed here
                from that table, each row summing to 1 (white stays white: checked below)
  greyscale     a black-and-white printout: lightness L* alone (a* = b* = 0)
MIN_DE = 10: CIEDE2000's just-noticeable difference is about 2.3 for large side-by-side patches;
thin lines and 13-pixel lanes read at a glance need several times that (Szafir, "Modeling Color
Difference for Visualization Design", IEEE TVCG 24(1), 2018: the smaller the mark, the larger the
difference needed).

The verdict badges (span.verdict.v-VERDICT, each verdict the CSS has a v-VERDICT rule for) are a
pair of roles each, "verdict go" and the others, held to the same ΔE00: the colour says at a glance
which verdict it is (the word in the badge says it to everyone).

Text against what it is drawn on, WCAG 2.x's contrast ratio (relative luminance, (L1 + 0.05) /
(L2 + 0.05)) at least MIN_CONTRAST = 4.5 (level AA for normal text; the badges are large bold text,
for which AA asks 3 and AAA 4.5): each verdict's badge (its colour on its background, from the CSS
for every verdict, whichever the page shows); each text of the page's HTML, in its colour (its own
or inherited) on the nearest background an element under it has (the body's at last); each text of
a chart in its fill, a lane's label (text.lanel) on each fill of its lane (its background, each
state drawn in it composited as above, each colour of a hatch), the others on the page's
background.

--known FILE: pairs known to fail, one a line, CONDITION<TAB>ROLE<TAB>ROLE<TAB>note ('#' lines are
comments).  Such a pair, where the pages draw it, must still fail (a fixed one is to be removed from
the file, so that it stays fixed); any other pair below MIN_DE fails.

Prints each pair's ΔE per condition, then the worst pair per condition, then each text's contrast;
exits 1 with a message on stderr when a check fails.
"""
import html.parser
import itertools
import math
import re
import sys

MIN_DE = 10.0
MIN_CONTRAST = 4.5

# Machado, Oliveira & Fernandes (2009), severity 1.0, rows of a matrix applied to linear (R, G, B)
MACHADO = {
    "protanopia": ((0.152286, 1.052583, -0.204868),
                   (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968),
                     (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779),
                   (-0.078411, 0.930809, 0.147602),
                   (0.004733, 0.691367, 0.303900)),
}
CONDITIONS = ("normal", "protanopia", "deuteranopia", "tritanopia", "greyscale")

LINES = {"series": "series", "base": "baseline", "thr": "threshold (rollback, no-go)",
         "thr go": "threshold (go)"}
LANES = {"lanebg": "false", "on bad": "true (rollback, no-go)", "on good": "true (go)",
         "pend": "pending", "unk": "unknown"}
BACKGROUND = "background"


def fail(msg):
    print("cvd.py: " + msg, file=sys.stderr)
    sys.exit(1)


# --- colour science -----------------------------------------------------------------------------
def hex_rgb(v):
    """'#rgb' or '#rrggbb' to sRGB in 0..1, or None"""
    m = re.fullmatch(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})", v.strip())
    if not m:
        return None
    h = m.group(1)
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    return tuple(int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))


def to_linear(c):
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def lab(rgb_lin):
    """linear sRGB to CIELAB, D65 white (IEC 61966-2-1 matrix)"""
    r, g, b = rgb_lin
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t):
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116
    return (116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z)))


def seen(rgb, condition):
    """the Lab of an sRGB colour as seen under a condition"""
    lin = [to_linear(c) for c in rgb]
    if condition in MACHADO:
        lin = [min(1.0, max(0.0, sum(m * c for m, c in zip(row, lin)))) for row in MACHADO[condition]]
    l, a, b = lab(lin)
    return (l, 0.0, 0.0) if condition == "greyscale" else (l, a, b)


def ciede2000(lab1, lab2):
    """Sharma, Wu & Dalal (2005), with their test data checked in selftest()"""
    l1, a1, b1 = lab1
    l2, a2, b2 = lab2
    cbar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(cbar ** 7 / (cbar ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dl, dc = l2 - l1, c2p - c1p
    if c1p * c2p == 0:
        dh = 0.0
    else:
        dh = h2p - h1p
        dh = dh - 360 if dh > 180 else dh + 360 if dh < -180 else dh
    dhh = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    lbar, cbarp = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        hbar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hbar = (h1p + h2p) / 2
    else:
        hbar = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(hbar - 30)) + 0.24 * math.cos(math.radians(2 * hbar))
         + 0.32 * math.cos(math.radians(3 * hbar + 6)) - 0.20 * math.cos(math.radians(4 * hbar - 63)))
    dtheta = 30 * math.exp(-((hbar - 275) / 25) ** 2)
    rc = 2 * math.sqrt(cbarp ** 7 / (cbarp ** 7 + 25 ** 7))
    sl = 1 + 0.015 * (lbar - 50) ** 2 / math.sqrt(20 + (lbar - 50) ** 2)
    sc = 1 + 0.045 * cbarp
    sh = 1 + 0.015 * cbarp * t
    rt = -math.sin(math.radians(2 * dtheta)) * rc
    return math.sqrt((dl / sl) ** 2 + (dc / sc) ** 2 + (dhh / sh) ** 2 + rt * (dc / sc) * (dhh / sh))


def selftest():
    # pairs 1, 7, 17 and 25 of Sharma, Wu & Dalal's table of CIEDE2000 test data
    for l1, l2, want in (((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425),
                         ((50, 0, 0), (50, -1, 2), 2.3669),
                         ((50, 2.5, 0), (73, 25, -18), 27.1492),
                         ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644)):
        got = ciede2000(l1, l2)
        if abs(got - want) > 1e-4:
            fail("CIEDE2000 of %s and %s is %.4f, want %.4f" % (l1, l2, got, want))
    for name, m in MACHADO.items():	# a dichromat sees white, black and greys as they are
        for row in m:
            if abs(sum(row) - 1) > 2e-6:
                fail("a row of the %s matrix sums to %.6f, not 1: a typo" % (name, sum(row)))
    if abs(seen((1, 1, 1), "normal")[0] - 100) > 1e-3 or ciede2000(seen((1, 0, 0), "normal"), (53.2408, 80.0925, 67.2032)) > 0.01:
        fail("sRGB to Lab is off (white %s, red %s)" % (seen((1, 1, 1), "normal"), seen((1, 0, 0), "normal")))


# --- the page -----------------------------------------------------------------------------------
def css_rules(style):
    """the rules outside @media blocks: [(tag, {classes}, specificity, order, {property: value})]"""
    style = re.sub(r"/\*.*?\*/", "", style, flags=re.S)
    out, depth, i, top = [], 0, 0, []
    # drop @media/@supports blocks (their braces nest)
    while i < len(style):
        m = re.compile(r"@[\w-]+[^{;]*\{").match(style, i)
        if m and depth == 0:
            j, d = m.end(), 1
            while j < len(style) and d:
                d += {"{": 1, "}": -1}.get(style[j], 0)
                j += 1
            i = j
            continue
        top.append(style[i])
        i += 1
    for n, (sels, body) in enumerate(re.findall(r"([^{}]+)\{([^{}]*)\}", "".join(top))):
        decls = {}
        for d in body.split(";"):
            if ":" in d:
                k, v = d.split(":", 1)
                decls[k.strip().lower()] = v.strip()
        for sel in sels.split(","):
            m = re.fullmatch(r"([a-zA-Z][\w-]*)?((?:\.[\w-]+)*)", sel.strip())
            if not m or not sel.strip():
                continue	# descendant and other selectors: none draws a chart's colour
            classes = set(c for c in m.group(2).split(".") if c)
            out.append((m.group(1), classes, len(classes) * 10 + (1 if m.group(1) else 0), n, decls))
    return out


def computed(rules, tag, classes, prop):
    best = None
    for rtag, rcls, spec, order, decls in rules:
        if prop in decls and (rtag is None or rtag == tag) and rcls <= classes:
            if best is None or (spec, order) >= best[:2]:
                best = (spec, order, decls[prop])
    return best[2] if best else None


TEXTURED = " textured"	# not a class a page can have: of a rect filled with a pattern (fill="url(#...)")


class Charts(html.parser.HTMLParser):
    """the page's <style> text and, per <svg>, its drawn elements as (tag, {classes}) in order"""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.style, self.charts, self.in_style, self.titles = "", [], False, []
        self.in_title = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "style":
            self.in_style = True
        elif tag == "svg":
            self.charts.append([])
            self.titles.append("")
        elif tag == "title" and self.charts:
            self.in_title = True
        elif self.charts is not None and self.charts and tag in ("path", "rect", "line", "circle"):
            cls = set((a.get("class") or "").split())
            if (a.get("fill") or "").startswith("url("):
                cls.add(TEXTURED)	# a pattern: told apart by its texture, whatever its colours
            self.charts[-1].append((tag, cls))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "style":
            self.in_style = False
        if tag == "title":
            self.in_title = False

    def handle_data(self, data):
        if self.in_style:
            self.style += data
        if self.in_title and self.titles:
            self.titles[-1] += data


def colour_of(rules, tag, classes, prop, under, what):
    v = computed(rules, tag, classes, prop)
    rgb = hex_rgb(v) if v else None
    if rgb is None:
        fail("%s: no colour of its own in the page's CSS (%s: %r)" % (what, prop, v))
    op = 1.0
    for p in ("opacity", prop + "-opacity"):
        o = computed(rules, tag, classes, p)
        if o is not None:
            op *= float(o)
    return tuple(op * c + (1 - op) * b for c, b in zip(rgb, under)), v, op


def page_pairs(path):
    """{(role, role): (rgb, rgb, chart title)} of the page: each pair checked and where it first is,
    and {role: description of its colour}"""
    p = Charts()
    p.feed(open(path, encoding="utf-8").read())
    p.close()
    if not p.style:
        fail("%s: no <style>" % path)
    rules = css_rules(p.style)
    bg = hex_rgb(computed(rules, "body", set(), "background") or
                 computed(rules, "body", set(), "background-color") or "#fff")
    if bg is None:
        fail("%s: the body's background is not a colour of its own" % path)
    pairs, colours = {}, {BACKGROUND: ("%s" % computed(rules, "body", set(), "background"), bg)}
    for elems, title in zip(p.charts, p.titles):
        lines, lane_states, lanebg = {}, set(), None
        for tag, cls in elems:
            key = " ".join(c for c in ("on", "thr", "series", "base", "good", "bad", "go", "pend", "unk",
                                        "lanebg") if c in cls)
            if tag == "path" and key in LINES:
                role = LINES[key]
                rgb, v, op = colour_of(rules, tag, cls, "stroke", bg, "<path class=%r>" % " ".join(sorted(cls)))
                dash = computed(rules, tag, cls, "stroke-dasharray") not in (None, "none")
                lines.setdefault(dash, {})[role] = rgb
                colours[role] = (v, rgb)
            elif tag == "rect" and key == "lanebg":
                lanebg, v, _ = colour_of(rules, tag, cls, "fill", bg, "<rect class=lanebg>")
                lane_states.add(LANES["lanebg"])
                colours[LANES["lanebg"]] = (v, lanebg)
            elif tag == "rect" and key in LANES and TEXTURED in cls:
                colours[LANES[key]] = ("a pattern (hatched), not compared by colour", None)
            elif tag == "rect" and key in LANES:
                if lanebg is None:
                    fail("%s: chart %r: a lane's state drawn before any lane background" % (path, title))
                role = LANES[key]
                rgb, v, op = colour_of(rules, tag, cls, "fill", lanebg, "<rect class=%r>" % " ".join(sorted(cls)))
                lane_states.add(role)
                colours[role] = ("%s at opacity %g" % (v, op) if op != 1 else v, rgb)
        for group in lines.values():
            for a, b in itertools.combinations(sorted(group), 2):
                pairs.setdefault((a, b), (colours[a][1], colours[b][1], title))
        for group in lines.values():
            for a in group:
                pairs.setdefault(tuple(sorted((a, BACKGROUND))), (colours[a][1], bg, title))
        for a, b in itertools.combinations(sorted(lane_states), 2):
            pairs.setdefault((a, b), (colours[a][1], colours[b][1], title))
    if not p.charts:
        fail("%s: no chart" % path)
    badges = verdict_badges(rules)
    for (a, (_, ca, _)), (b, (_, cb, _)) in itertools.combinations(sorted(badges.items()), 2):
        pairs.setdefault((a, b), (ca, cb, "the verdict badges"))
    colours.update({r: (v, c) for r, (v, c, _) in badges.items()})
    return pairs, colours


def verdict_badges(rules):
    """{"verdict V": (its background as written, its background, its text colour)} for each v-V rule"""
    out = {}
    for _, classes, _, _, decls in rules:
        for c in classes:
            if c.startswith("v-") and ("background" in decls or "background-color" in decls):
                cls = {"verdict", c}
                bg = computed(rules, "span", cls, "background") or computed(rules, "span", cls, "background-color")
                fg = computed(rules, "span", cls, "color")
                if hex_rgb(bg or "") is None or hex_rgb(fg or "") is None:
                    fail("the badge span.verdict.%s: its colour %r or background %r is not a colour" % (c, fg, bg))
                out["verdict " + c[2:]] = (bg, hex_rgb(bg), hex_rgb(fg))
    return out


# --- text against its background ----------------------------------------------------------------
def wcag_luminance(rgb):
    """WCAG 2.x relative luminance (its own linearisation, 0.03928)"""
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a, b):
    la, lb = sorted((wcag_luminance(a), wcag_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


VOID = {"meta", "link", "br", "img", "hr", "input", "col", "wbr", "source", "area", "base", "embed", "track"}
HIDDEN = {"head", "style", "script", "title", "desc", "defs"}	# text a reader does not see


def rgb_hex(rgb):
    return "#%02X%02X%02X" % tuple(round(c * 255) for c in rgb)


class Texts(html.parser.HTMLParser):
    """each text a reader sees: {(what, its colour, a colour under it)}, the colours as sRGB"""

    def __init__(self, rules, bg):
        super().__init__(convert_charrefs=True)
        self.rules, self.bg, self.stack, self.pairs = rules, bg, [], set()
        self.lane, self.hatch = [], {}	# the fills of the lane drawn last; a pattern's colours by id
        self.pattern = None

    def css_colour(self, tag, cls, prop):
        """the element's colour of prop, None: none of its own, or the value when not one colour"""
        v = computed(self.rules, tag, cls, prop)
        return None if v is None else hex_rgb(v) or v

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = set((a.get("class") or "").split())
        up = self.stack[-1] if self.stack else {"tag": None, "svg": False, "hidden": False,
                                                 "color": (0, 0, 0), "bg": self.bg}
        e = {"tag": tag, "cls": cls, "svg": up["svg"] or tag == "svg", "hidden": up["hidden"] or tag in HIDDEN,
             "color": up["color"], "bg": up["bg"]}
        if tag == "pattern":
            self.pattern = a.get("id")
            self.hatch[self.pattern] = []
        elif self.pattern and tag == "rect" and hex_rgb(a.get("fill") or ""):
            self.hatch[self.pattern].append(hex_rgb(a["fill"]))
        elif e["svg"] and tag == "rect" and "lanebg" in cls:
            self.lane = [colour_of(self.rules, tag, cls, "fill", self.bg, "<rect class=lanebg>")[0]]
        elif e["svg"] and tag == "rect" and self.lane and cls & {"on", "pend", "unk"}:
            m = re.fullmatch(r"url\(#([\w-]+)\)", a.get("fill") or "")
            if m:
                self.lane += self.hatch.get(m.group(1), [])
            else:
                self.lane.append(colour_of(self.rules, tag, cls, "fill", self.lane[0], "<rect class=%r>" %
                                           " ".join(sorted(cls)))[0])
        elif e["svg"] and tag == "text":
            e["color"] = self.css_colour(tag, cls, "fill") or (0, 0, 0)
            e["on"] = list(self.lane) if "lanel" in cls else [self.bg]
        elif not e["svg"]:
            e["color"] = self.css_colour(tag, cls, "color") or e["color"]
            e["bg"] = self.css_colour(tag, cls, "background") or self.css_colour(tag, cls, "background-color") or e["bg"]
        if tag not in VOID:
            self.stack.append(e)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "pattern":
            self.pattern = None
        while self.stack:
            if self.stack.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        if not data.strip() or not self.stack or self.stack[-1]["hidden"]:
            return
        e = self.stack[-1]
        what = "%s%s" % (e["tag"], "".join("." + c for c in sorted(e["cls"])))
        if isinstance(e["color"], str) or isinstance(e["bg"], str):
            fail("%s: text in %r on %r, not one colour on one colour" % (what, e["color"], e["bg"]))
        for bg in e.get("on", [e["bg"]]) if e["svg"] else [e["bg"]]:
            self.pairs.add((what, e["color"], bg))


def page_texts(path):
    """{(what, colour, background)} of the page: each text as drawn, and each verdict's badge"""
    p = Charts()
    text = open(path, encoding="utf-8").read()
    p.feed(text)
    p.close()
    rules = css_rules(p.style)
    bg = hex_rgb(computed(rules, "body", set(), "background") or "#fff")
    t = Texts(rules, bg)
    t.feed(text)
    t.close()
    pairs = set(t.pairs)
    for role, (_, b, f) in verdict_badges(rules).items():
        pairs.add(("span" + "".join("." + c for c in sorted({"verdict", "v-" + role[len("verdict "):]})), f, b))
    return pairs


def main(argv):
    known_file = None
    if argv[:1] == ["--known"] and len(argv) > 1:
        known_file, argv = argv[1], argv[2:]
    if not argv or any(a.startswith("-") for a in argv):
        fail("usage: cvd.py [--known FILE] PAGE.html...")
    selftest()
    known = {}
    if known_file:
        for n, line in enumerate(open(known_file, encoding="utf-8"), 1):
            if line.startswith("#") or not line.strip():
                continue
            f = line.rstrip("\n").split("\t")
            if len(f) < 3 or f[0] not in CONDITIONS:
                fail("%s:%d: want CONDITION<TAB>ROLE<TAB>ROLE<TAB>note" % (known_file, n))
            known[(f[0],) + tuple(sorted(f[1:3]))] = n

    pairs, colours, where = {}, {}, {}
    for path in argv:
        pp, cc = page_pairs(path)
        for k, v in pp.items():
            if k in pairs and (pairs[k][0], pairs[k][1]) != (v[0], v[1]):
                fail("%s: the pair %s / %s in other colours than on %s" % (path, k[0], k[1], where[k]))
            if k not in pairs:
                pairs[k], where[k] = v, "%s (chart %s)" % (path, v[2])
        colours.update(cc)
    if not pairs:
        fail("no pair of colours in the charts")

    print("roles: " + "; ".join("%s %s" % (r, c[0]) for r, c in sorted(colours.items())))
    errors, worst = [], {}
    for cond in CONDITIONS:
        for (a, b), (ca, cb, _) in sorted(pairs.items()):
            de = ciede2000(seen(ca, cond), seen(cb, cond))
            k = (cond, a, b)
            tag = ""
            if de < MIN_DE:
                tag = "  below %g%s" % (MIN_DE, " (known: %s line %d)" % (known_file, known[k]) if k in known else "")
                if k not in known:
                    errors.append("%s: %s / %s: ΔE00 %.2f < %g (first in %s)" % (cond, a, b, de, MIN_DE, where[(a, b)]))
            elif k in known:
                errors.append("%s: %s / %s: ΔE00 %.2f, no longer below %g: remove line %d of %s" %
                              (cond, a, b, de, MIN_DE, known[k], known_file))
            print("%-12s %-28s %-28s ΔE00 %6.2f%s" % (cond, a, b, de, tag))
            if cond not in worst or de < worst[cond][0]:
                worst[cond] = (de, a, b)
    for cond in CONDITIONS:
        de, a, b = worst[cond]
        print("worst %-12s %s / %s: ΔE00 %.2f" % (cond, a, b, de))
    texts = {}
    for path in argv:
        for k in page_texts(path):
            texts.setdefault(k, path)
    for (what, fg, bg), path in sorted(texts.items()):
        r = contrast(fg, bg)
        print("contrast %-34s %s on %s %5.2f:1%s" % (what, rgb_hex(fg), rgb_hex(bg), r,
                                                    "  below %g" % MIN_CONTRAST if r < MIN_CONTRAST else ""))
        if r < MIN_CONTRAST:
            errors.append("%s: %s on %s: contrast %.2f:1 < %g:1 (first in %s)" %
                          (what, rgb_hex(fg), rgb_hex(bg), r, MIN_CONTRAST, path))
    if errors:
        fail("colours too close (CIEDE2000 < %g, contrast < %g:1):\n  " % (MIN_DE, MIN_CONTRAST) +
             "\n  ".join(errors))


if __name__ == "__main__":
    main(sys.argv[1:])
