#!/usr/bin/python3
"""tests/examples/examples.py: what tests/examples/examples.sh needs of examples/ in Python.

  lint FILE...      every YAML file parses and has what its orchestrator requires (the kind is
                    the file's folder: argo-rollouts, flagger, github-actions, gitlab-ci): a line
                    "ok FILE" or "bad FILE: PROBLEM" for each file
  mutate FILE...    each of those requirements is checked: the file without the field (or with a
                    value out of its set) must be refused: "ok FILE: PATH" or "bad FILE: PATH"
  argo-web FILE BASE [--arg NAME=VALUE]... [--query Q] OUT
                    each web metric as Argo Rollouts would measure it: the request after {{args}}
                    substitution (scheme and host replaced by BASE, Q appended to the query), then
                    jsonPath, failureCondition and successCondition on the answer; a line
                    "METRIC STATUS PHASE" each, the body in OUT/METRIC.body
  argo-job FILE [--arg NAME=VALUE]...
                    each job metric's container command line after substitution, one word a line,
                    a line "--" after each
  flagger FILE BASE OUT
                    each webhook POSTed as Flagger does ({name, namespace, phase, checksum,
                    metadata}), once for each phase Flagger calls it in: a line
                    "WEBHOOK TYPE PHASE STATUS" each, the body in OUT/WEBHOOK.PHASE.body
  ci FILE           the novagate lines of a GitHub workflow's steps or a GitLab job's script, a
                    line "run LINE" each, and "junit PATH" for each report the file keeps
  junit FILE        "testcases N failures N errors N" of a well-formed JUnit file
Only the standard library and PyYAML (Debian: python3-yaml).
"""
import copy
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import yaml

ARGS_RE = re.compile(r"\{\{\s*args\.([A-Za-z0-9_.-]+)\s*\}\}")
FLAGGER_TYPES = ["", "confirm-rollout", "pre-rollout", "rollout", "confirm-traffic-increase",
                 "confirm-promotion", "post-rollout", "rollback", "event"]
GITLAB_RESERVED = {"stages", "variables", "default", "include", "workflow", "image", "services",
                   "cache", "before_script", "after_script", "pages:deploy"}


def load(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def kind_of(path):
    return os.path.basename(os.path.dirname(os.path.abspath(path)))


# --- requirements ---------------------------------------------------------------------------

class Checker:
    """Checks documents, noting each field it requires (its path, and its set of values if it
    has one) so that mutate can take each away in turn."""

    def __init__(self):
        self.problems = []
        self.required = []

    def bad(self, path, msg):
        self.problems.append("%s: %s" % (show(path), msg) if path else msg)

    def need(self, obj, path, key, types=None, allowed=None, nonempty=True):
        if not isinstance(obj, dict) or key not in obj:
            self.bad(path, "no %s" % key)
            return None
        p = path + (key,)
        self.required.append((p, allowed))
        v = obj[key]
        if types and not isinstance(v, types):
            self.bad(p, "is a %s, not %s" % (type(v).__name__, " or ".join(t.__name__ for t in types)))
            return None
        if nonempty and (v is None or v == "" or v == [] or v == {}):
            self.bad(p, "is empty")
            return None
        if allowed is not None and v not in allowed:
            self.bad(p, "'%s' is not one of %s" % (v, ", ".join(a or '""' for a in allowed)))
            return None
        return v

    def strings(self, v, path):
        if not isinstance(v, list) or not all(isinstance(s, str) for s in v):
            self.bad(path, "is not a list of strings")
            return False
        return True


def show(path):
    s = "document %d" % (path[0] + 1)
    for k in path[1:]:
        s += "[%d]" % k if type(k) is int else ".on" if k is True else ".%s" % k
    return s


def check_k8s(c, docs):
    if not docs:
        c.bad((), "no document")
    for i, d in enumerate(docs):
        p = (i,)
        if not isinstance(d, dict):
            c.bad(p, "not a mapping")
            continue
        api = c.need(d, p, "apiVersion", (str,))
        kind = c.need(d, p, "kind", (str,))
        md = c.need(d, p, "metadata", (dict,))
        if md is not None:
            c.need(md, p + ("metadata",), "name", (str,))
        spec = c.need(d, p, "spec", (dict,))
        if spec is None:
            continue
        if (api, kind) == ("argoproj.io/v1alpha1", "AnalysisTemplate"):
            check_analysis(c, d, p)
        elif (api, kind) == ("flagger.app/v1beta1", "Canary"):
            check_canary(c, spec, p + ("spec",))
        else:
            c.bad(p, "%s %s: not a kind these examples have" % (api, kind))


def check_analysis(c, d, p):
    spec, sp = d["spec"], p + ("spec",)
    declared = set()
    for j, a in enumerate(spec.get("args") or []):
        if isinstance(a, dict) and isinstance(a.get("name"), str):
            declared.add(a["name"])
    metrics = c.need(spec, sp, "metrics", (list,))
    for j, m in enumerate(metrics or []):
        mp = sp + ("metrics", j)
        if not isinstance(m, dict):
            c.bad(mp, "not a mapping")
            continue
        c.need(m, mp, "name", (str,))
        prov = c.need(m, mp, "provider", (dict,))
        if prov is None:
            continue
        pp = mp + ("provider",)
        if len(prov) != 1 or next(iter(prov)) not in ("web", "job"):
            c.bad(pp, "has not one provider of web and job")
            continue
        if "web" in prov:
            web = c.need(prov, pp, "web", (dict,))
            if web is None:
                continue
            wp = pp + ("web",)
            url = c.need(web, wp, "url", (str,))
            if url is not None and not re.match(r"https?://[^/]+/", url):
                c.bad(wp + ("url",), "not an http(s) URL")
            jp = c.need(web, wp, "jsonPath", (str,))
            if jp is not None:
                try:
                    json_path(jp, {})
                except KeyError:
                    pass
                except ValueError as e:
                    c.bad(wp + ("jsonPath",), str(e))
            for cond in ("successCondition", "failureCondition"):
                s = c.need(m, mp, cond, (str,))
                if s is not None:
                    try:
                        Expr(s)
                    except ValueError as e:
                        c.bad(mp + (cond,), str(e))
            for k, h in enumerate(web.get("headers") or []):
                c.need(h, wp + ("headers", k), "key", (str,))
                c.need(h, wp + ("headers", k), "value", (str,))
        else:
            job = c.need(prov, pp, "job", (dict,))
            jsp = c.need(job, pp + ("job",), "spec", (dict,))
            if jsp is None:
                continue
            jp = pp + ("job", "spec")
            # not Argo's requirement but this example's: a retried pod would ask the gate again
            c.need(jsp, jp, "backoffLimit", (int,), allowed=[0], nonempty=False)
            tpl = c.need(jsp, jp, "template", (dict,))
            tsp = c.need(tpl, jp + ("template",), "spec", (dict,))
            if tsp is None:
                continue
            tp = jp + ("template", "spec")
            c.need(tsp, tp, "restartPolicy", (str,), allowed=["Never", "OnFailure"])
            ctrs = c.need(tsp, tp, "containers", (list,))
            for k, ct in enumerate(ctrs or []):
                cp = tp + ("containers", k)
                c.need(ct, cp, "name", (str,))
                c.need(ct, cp, "image", (str,))
                for field in ("command", "args"):
                    v = c.need(ct, cp, field, (list,))
                    if v is not None:
                        c.strings(v, cp + (field,))
    used = set(ARGS_RE.findall(json.dumps(metrics)))
    if used:
        c.need(spec, sp, "args", (list,))
    for a in sorted(used - declared):
        c.bad(sp + ("args",), "declares no '%s' ({{args.%s}} is used)" % (a, a))


def check_canary(c, spec, sp):
    ref = c.need(spec, sp, "targetRef", (dict,))
    for k in ("apiVersion", "kind", "name"):
        c.need(ref, sp + ("targetRef",), k, (str,))
    svc = c.need(spec, sp, "service", (dict,))
    c.need(svc, sp + ("service",), "port", (int,))
    an = c.need(spec, sp, "analysis", (dict,))
    hooks = c.need(an, sp + ("analysis",), "webhooks", (list,))
    for j, w in enumerate(hooks or []):
        wp = sp + ("analysis", "webhooks", j)
        c.need(w, wp, "name", (str,))
        c.need(w, wp, "type", (str,), allowed=FLAGGER_TYPES, nonempty=False)
        url = c.need(w, wp, "url", (str,))
        if url is not None and not re.match(r"https?://[^/]+/", url):
            c.bad(wp + ("url",), "not an http(s) URL")
        md = w.get("metadata") if isinstance(w, dict) else None
        if md is not None and (not isinstance(md, dict) or
                               not all(isinstance(v, str) for v in md.values())):
            c.bad(wp + ("metadata",), "is not a mapping of strings (Flagger's map[string]string)")


def check_github(c, docs):
    if len(docs) != 1 or not isinstance(docs[0], dict):
        c.bad((), "not one mapping")
        return
    d, p = docs[0], (0,)
    if "on" not in d and True not in d:	# YAML 1.1 reads the key on as true
        c.bad(p, "no on")
    else:
        c.required.append((p + ("on" if "on" in d else True,), None))
    jobs = c.need(d, p, "jobs", (dict,))
    runs = 0
    for name, job in (jobs or {}).items():
        jp = p + ("jobs", name)
        c.need(job, jp, "runs-on", (str, list))
        steps = c.need(job, jp, "steps", (list,))
        for k, st in enumerate(steps or []):
            stp = jp + ("steps", k)
            if not isinstance(st, dict) or ("run" in st) == ("uses" in st):
                c.bad(stp, "has not one of run and uses")
                continue
            key = "run" if "run" in st else "uses"
            c.need(st, stp, key, (str,))
            runs += key == "run"
    if jobs and not runs:
        c.bad(p + ("jobs",), "no step runs anything")


def gitlab_jobs(d):
    return [(k, v) for k, v in d.items()
            if isinstance(k, str) and k not in GITLAB_RESERVED and not k.startswith(".")]


def check_gitlab(c, docs):
    if len(docs) != 1 or not isinstance(docs[0], dict):
        c.bad((), "not one mapping")
        return
    d, p = docs[0], (0,)
    jobs = gitlab_jobs(d)
    if not jobs:
        c.bad(p, "no job")
    junit = 0
    for name, job in jobs:
        jp = p + (name,)
        if not isinstance(job, dict):
            c.bad(jp, "not a mapping")
            continue
        s = c.need(job, jp, "script", (str, list))
        if isinstance(s, list):
            c.strings(s, jp + ("script",))
        art = c.need(job, jp, "artifacts", (dict,))
        rep = c.need(art, jp + ("artifacts",), "reports", (dict,))
        if c.need(rep, jp + ("artifacts", "reports"), "junit", (str, list)) is not None:
            junit += 1
    if jobs and not junit:
        c.bad(p, "no job keeps a JUnit report")


CHECKS = {"argo-rollouts": check_k8s, "flagger": check_k8s, "github-actions": check_github,
          "gitlab-ci": check_gitlab}


def run_checks(path, docs):
    c = Checker()
    check = CHECKS.get(kind_of(path))
    if check:
        check(c, docs)
    return c


def cmd_lint(files):
    for f in files:
        try:
            docs = load(f)
        except (OSError, yaml.YAMLError) as e:
            print("bad %s: %s" % (f, str(e).replace("\n", " ")))
            continue
        c = run_checks(f, docs)
        print("bad %s: %s" % (f, "; ".join(c.problems)) if c.problems else "ok %s" % f)


def remove(docs, path):
    obj = docs
    for k in path[:-1]:
        obj = obj[k]
    del obj[path[-1]]


def replace(docs, path, value):
    obj = docs
    for k in path[:-1]:
        obj = obj[k]
    obj[path[-1]] = value


def cmd_mutate(files):
    for f in files:
        docs = load(f)
        for path, allowed in run_checks(f, docs).required:
            trials = [("without", None)] + ([("with a value out of its set", "not-one-of-them")]
                                              if allowed is not None else [])
            for what, value in trials:
                broken = copy.deepcopy(docs)
                if value is None:
                    remove(broken, path)
                else:
                    replace(broken, path, value)
                refused = run_checks(f, broken).problems
                print("%s %s: %s %s" % ("ok" if refused else "bad", f, what, show(path)))


# --- Argo Rollouts ----------------------------------------------------------------------------

def substitute(s, args):
    def arg(m):
        if m.group(1) not in args:
            raise SystemExit("examples.py: no value for {{args.%s}} (--arg)" % m.group(1))
        return args[m.group(1)]
    return ARGS_RE.sub(arg, s)


def json_path(expr, data):
    """The subset of Kubernetes' JSONPath a web metric here uses: {$}, {$.a.b}, {.a.b}."""
    m = re.fullmatch(r"\{\s*\$?((?:\.[A-Za-z_][A-Za-z0-9_-]*)*)\s*\}", expr)
    if not m:
        raise ValueError("jsonPath '%s' is not {$} or {$.a.b}" % expr)
    for k in m.group(1).split(".")[1:]:
        if not isinstance(data, dict) or k not in data:
            raise KeyError(k)
        data = data[k]
    return data


class Expr:
    """The subset of expr (github.com/expr-lang/expr, Argo's condition language) the conditions
    here use: result and its fields, string, number and boolean literals, == != < <= > >=, in [...],
    && || !, and or not, parentheses.  Raises ValueError on anything else."""
    TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')|"
                       r"([A-Za-z_][A-Za-z0-9_]*)|(==|!=|<=|>=|&&|\|\||[<>!().\[\],]))")

    def __init__(self, src):
        self.toks, pos = [], 0
        src = src.strip()
        while pos < len(src):
            m = self.TOKEN.match(src, pos)
            if not m or m.end() == pos:
                raise ValueError("condition '%s': cannot read it at '%s'" % (src, src[pos:]))
            num, st, name, op = m.groups()
            self.toks.append(("num", float(num)) if num else ("str", json.loads('"%s"' % st[1:-1]))
                             if st else ("name", name) if name else ("op", op))
            pos = m.end()
        self.src = src
        self.i = 0
        self.tree = self.disj()
        if self.i != len(self.toks):
            raise ValueError("condition '%s': trailing %s" % (src, self.toks[self.i][1]))

    def peek(self, *ops):
        return self.i < len(self.toks) and self.toks[self.i][1] in ops and self.toks[self.i][0] in ("op", "name")

    def take(self, *ops):
        if not self.peek(*ops):
            raise ValueError("condition '%s': want %s" % (self.src, " or ".join(ops)))
        self.i += 1
        return self.toks[self.i - 1][1]

    def disj(self):
        t = self.conj()
        while self.peek("||", "or"):
            self.i += 1
            t = ("or", t, self.conj())
        return t

    def conj(self):
        t = self.neg()
        while self.peek("&&", "and"):
            self.i += 1
            t = ("and", t, self.neg())
        return t

    def neg(self):
        if self.peek("!", "not"):
            self.i += 1
            return ("not", self.neg())
        return self.cmp()

    def cmp(self):
        t = self.primary()
        if self.peek("==", "!=", "<", "<=", ">", ">=", "in"):
            op = self.take("==", "!=", "<", "<=", ">", ">=", "in")
            t = (op, t, self.primary())
        return t

    def primary(self):
        if self.i >= len(self.toks):
            raise ValueError("condition '%s' ends early" % self.src)
        kind, v = self.toks[self.i]
        self.i += 1
        if kind in ("num", "str"):
            return ("lit", v)
        if kind == "name" and v in ("true", "false", "nil"):
            return ("lit", {"true": True, "false": False, "nil": None}[v])
        if kind == "name" and v == "result":
            t = ("result",)
            while self.peek("."):
                self.i += 1
                k, name = self.toks[self.i] if self.i < len(self.toks) else (None, None)
                if k != "name":
                    raise ValueError("condition '%s': a field name after '.'" % self.src)
                self.i += 1
                t = ("field", t, name)
            return t
        if v == "(" and kind == "op":
            t = self.disj()
            self.take(")")
            return t
        if v == "[" and kind == "op":
            items = []
            while not self.peek("]"):
                items.append(self.primary())
                if not self.peek("]"):
                    self.take(",")
            self.take("]")
            return ("list", items)
        raise ValueError("condition '%s': '%s' is not in the subset examples.py reads" % (self.src, v))

    def eval(self, result, t=None):
        t = self.tree if t is None else t
        op = t[0]
        if op == "lit":
            return t[1]
        if op == "result":
            return result
        if op == "field":
            base = self.eval(result, t[1])
            return base.get(t[2]) if isinstance(base, dict) else None
        if op == "list":
            return [self.eval(result, x) for x in t[1]]
        if op == "not":
            return not self.truth(self.eval(result, t[1]))
        if op == "and":
            return self.truth(self.eval(result, t[1])) and self.truth(self.eval(result, t[2]))
        if op == "or":
            return self.truth(self.eval(result, t[1])) or self.truth(self.eval(result, t[2]))
        a, b = self.eval(result, t[1]), self.eval(result, t[2])
        if op == "==":
            return type(a) == type(b) and a == b or (num(a) and num(b) and a == b)
        if op == "!=":
            return not (type(a) == type(b) and a == b or (num(a) and num(b) and a == b))
        if op == "in":
            return a in b
        if not (num(a) and num(b)) and not (isinstance(a, str) and isinstance(b, str)):
            raise ValueError("%s of %r and %r" % (op, a, b))
        return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]

    @staticmethod
    def truth(v):
        if not isinstance(v, bool):
            raise ValueError("not a boolean: %r" % (v,))
        return v


def num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def argo_phase(metric, status, body):
    """The phase of one measurement, as Argo Rollouts' web provider and its EvaluateResult
    give it: Error for a non-2xx answer or a failed evaluation; failure is checked first."""
    if status < 200 or status >= 300:
        return "Error"
    try:
        data = json.loads(body)
    except ValueError:
        return "Successful"	# Argo takes a body that is not JSON as a string, successfully
    try:
        result = json_path(metric["provider"]["web"].get("jsonPath") or "{$}", data)
    except KeyError:
        return "Error"
    succ, fail = metric.get("successCondition"), metric.get("failureCondition")
    try:
        s = Expr(succ).eval(result) if succ else False
        f = Expr(fail).eval(result) if fail else False
    except ValueError:
        return "Error"
    if not succ and not fail:
        return "Successful"
    if succ and not fail:
        f = not s
    if fail and not succ:
        s = not f
    return "Failed" if f else "Successful" if s else "Inconclusive"


def http(method, url, headers, data=None):
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (OSError, urllib.error.URLError) as e:	# no answer: status 0, the reason as the body
        return 0, str(e).encode()


def rebase(url, base, query=""):
    u = urllib.parse.urlsplit(url)
    q = "&".join(x for x in (u.query, query) if x)
    return base.rstrip("/") + u.path + ("?" + q if q else "")


def metrics_of(path, provider):
    for d in load(path):
        if d.get("kind") == "AnalysisTemplate":
            for m in d["spec"]["metrics"]:
                if provider in m["provider"]:
                    yield m


def cmd_argo_web(path, base, out, args, query):
    for m in metrics_of(path, "web"):
        web = m["provider"]["web"]
        url = rebase(substitute(web["url"], args), base, query)
        headers = {h["key"]: substitute(h["value"], args) for h in web.get("headers") or []}
        status, body = http(web.get("method", "GET"), url, headers)
        with open(os.path.join(out, m["name"] + ".body"), "wb") as f:
            f.write(body)
        print(m["name"], status, argo_phase(m, status, body))


def cmd_argo_job(path, args):
    for m in metrics_of(path, "job"):
        for ct in m["provider"]["job"]["spec"]["template"]["spec"]["containers"]:
            for w in ct.get("command", []) + ct.get("args", []):
                print(substitute(w, args))
            print("--")


# --- Flagger ----------------------------------------------------------------------------------

# The phases Flagger sends each hook in (its canary's phase when it calls it).
FLAGGER_PHASES = {"confirm-rollout": ["Progressing", "Waiting"], "pre-rollout": ["Progressing"],
                  "rollout": ["Progressing"], "": ["Progressing"],
                  "confirm-traffic-increase": ["Progressing"],
                  "confirm-promotion": ["Progressing", "WaitingPromotion"],
                  "post-rollout": ["Succeeded", "Failed"],
                  "rollback": ["Progressing", "WaitingPromotion"]}


def go_json(obj):
    """encoding/json's bytes: no spaces, map keys sorted, <, > and & escaped."""
    s = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
    return s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").encode()


def cmd_flagger(path, base, out):
    for d in load(path):
        if d.get("kind") != "Canary":
            continue
        for w in d["spec"]["analysis"]["webhooks"]:
            for phase in FLAGGER_PHASES.get(w.get("type", ""), []):
                payload = {"name": d["metadata"]["name"], "namespace": d["metadata"].get("namespace", "default"),
                           "phase": phase, "checksum": "7c9d6f8b5d"}
                if w.get("metadata"):
                    payload["metadata"] = dict(sorted(w["metadata"].items()))
                status, body = http("POST", rebase(w["url"], base), {"Content-Type": "application/json"},
                                    go_json(payload))
                with open(os.path.join(out, "%s.%s.body" % (w["name"], phase)), "wb") as f:
                    f.write(body)
                print(w["name"], w.get("type") or "rollout", phase, status)


# --- CI ---------------------------------------------------------------------------------------

def novagate_lines(script):
    for line in script.splitlines():
        if re.match(r"(\./)?novagate\s", line.strip()):
            yield line.strip()


def cmd_ci(path):
    d = load(path)[0]
    if kind_of(path) == "github-actions":
        for job in d["jobs"].values():
            for st in job["steps"]:
                for line in novagate_lines(st.get("run", "")):
                    print("run", line)
                if st.get("uses", "").startswith("actions/upload-artifact@"):
                    print("junit", st["with"]["path"])
    else:
        for _, job in gitlab_jobs(d):
            script = job["script"] if isinstance(job["script"], list) else [job["script"]]
            for line in novagate_lines("\n".join(script)):
                print("run", line)
            junit = job.get("artifacts", {}).get("reports", {}).get("junit")
            for j in junit if isinstance(junit, list) else [junit] if junit else []:
                print("junit", j)


def cmd_junit(path):
    root = ET.parse(path).getroot()
    if root.tag not in ("testsuites", "testsuite"):
        raise SystemExit("examples.py: %s: the root is <%s>, not <testsuites> or <testsuite>" % (path, root.tag))
    cases = root.iter("testcase")
    n = f = e = 0
    for tc in cases:
        n += 1
        f += len(tc.findall("failure"))
        e += len(tc.findall("error"))
    print("testcases %d failures %d errors %d" % (n, f, e))


def options(argv):
    args, query, rest = {}, "", []
    it = iter(argv)
    for a in it:
        if a == "--arg":
            k, _, v = next(it).partition("=")
            args[k] = v
        elif a == "--query":
            query = next(it)
        else:
            rest.append(a)
    return args, query, rest


def main(argv):
    if not argv:
        raise SystemExit(__doc__)
    cmd, (args, query, rest) = argv[0], options(argv[1:])
    if cmd == "lint":
        cmd_lint(rest)
    elif cmd == "mutate":
        cmd_mutate(rest)
    elif cmd == "argo-web" and len(rest) == 3:
        cmd_argo_web(rest[0], rest[1], rest[2], args, query)
    elif cmd == "argo-job" and len(rest) == 1:
        cmd_argo_job(rest[0], args)
    elif cmd == "flagger" and len(rest) == 3:
        cmd_flagger(*rest)
    elif cmd == "ci" and len(rest) == 1:
        cmd_ci(rest[0])
    elif cmd == "junit" and len(rest) == 1:
        cmd_junit(rest[0])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
