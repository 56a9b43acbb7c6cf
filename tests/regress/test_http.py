#!/usr/bin/python3
"""
test_http.py - Kiln's HTTP regression driver.

Drives one installed Kiln behind a real web server through HTTP and
checks the contract in /work/shared/api.md (docs: tests/regress/README.md).
Standard library only.  Every response is checked on the way: HTML pages
must be valid (tidy, when installed, plus a strict structural checker of
our own), XML documents well-formed and valid against schema/*.rng
(xmllint --relaxng), error answers free of SQL and stack traces.

Output, one line per test:  "ok N - name"  or  "not ok N - name: reason",
then "# ..." comments, then the line "N passed, N failed".  Exit status 1
when anything failed.

    test_http.py --base http://127.0.0.1:18180/crm --token TOKEN
        [--faults --db DB --kiln BIN --supervisor PID --rules-dir DIR]
        [--install-prefix /opt/kiln] [--only GROUP,...] [--timeout 10]
"""

import argparse
import csv
import datetime
import http.client
import io
import os
import re
import secrets
import select
import shutil
import socket
import subprocess
import sys
import threading
import time
import traceback
import urllib.parse
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "schema"))

CUSTOMER_FIELDS = ["name", "code", "segment", "sales_mode", "industry",
                   "owner", "phone", "email", "website", "address", "city",
                   "country", "credit_limit", "payment_terms",
                   "credit_status", "notes", "engineer"]
# What a client may send (credit_status is computed, owner defaults, the
# engineer is the service desk's to name).
CUSTOMER_INPUT = [f for f in CUSTOMER_FIELDS
                  if f not in ("owner", "credit_status", "engineer")]
CONTACT_FIELDS = ["customer", "name", "title", "phone", "email", "primary",
                  "owner"]

BROWSER_ACCEPT = ("text/html,application/xhtml+xml,application/xml;q=0.9,"
                  "*/*;q=0.8")
XML_CT = "application/xml"
FORM_CT = "application/x-www-form-urlencoded"

# Things no answer may carry (api.md: "No response ever carries a stack
# trace or SQL").  Rule messages may name a Lua file and line; that is
# wanted, so only C sources, SQLite and Lua tracebacks are looked for.
LEAK_PATTERNS = [
    re.compile(r"\bsqlite3?_\w+", re.I),
    re.compile(r"\bSQLITE_[A-Z]+"),
    re.compile(r"no such (table|column)", re.I),
    re.compile(r"near \"[^\"]*\": syntax error", re.I),
    re.compile(r"stack traceback", re.I),
    re.compile(r"\b[\w/.-]+\.c:\d+\b"),
    re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE)\b[^<]{0,80}"
               r"\b(FROM|INTO|SET|WHERE)\b"),
]


class Fail(Exception):
    """A hard test failure: the reason is the whole message."""


# ---------------------------------------------------------------- output

class Ctx:
    """The running test: collects soft problems found by validators."""
    current = None

    def __init__(self, name):
        self.name = name
        self.problems = []

    def soft(self, msg):
        if msg not in self.problems:
            self.problems.append(msg)


STATS = {"html": 0, "xml": 0, "tidy": None}


def soft(msg):
    if Ctx.current is not None:
        Ctx.current.soft(msg)


NOTES = []


def note(msg):
    """A "# " line printed after the current test's result."""
    NOTES.append(msg)


def short(b, n=300):
    if isinstance(b, bytes):
        b = b.decode("utf-8", "replace")
    b = re.sub(r"\s+", " ", b).strip()
    return b if len(b) <= n else b[:n] + "..."


# ------------------------------------------------------------ HTTP client

class Resp:
    def __init__(self, method, path, status, headers, body, reqbody=None,
                 elapsed=0.0):
        self.method = method
        self.path = path
        self.status = status
        self.headers = headers          # list of (name, value)
        self.body = body
        self.reqbody = reqbody
        self.elapsed = elapsed
        self._dom = None

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def header_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def ctype(self):
        ct = self.header("Content-Type") or ""
        return ct.split(";")[0].strip().lower()

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def req(self):
        s = "%s %s" % (self.method, self.path)
        if self.reqbody:
            rb = self.reqbody
            if len(rb) > 240:
                rb = rb[:240] + b"...(%d bytes)" % len(self.reqbody)
            s += " body=%r" % rb.decode("utf-8", "replace")
        return s

    def describe(self):
        return "%s -> %d %s" % (self.req(), self.status, short(self.body))

    def xml(self):
        try:
            return ET.fromstring(self.body)
        except ET.ParseError as e:
            raise Fail("%s: not well-formed XML (%s)" % (self.describe(), e))

    def dom(self):
        if self._dom is None:
            self._dom = parse_html(self.text)[0]
        return self._dom


class Client:
    """One HTTP client: a bearer token or a cookie session, or neither."""

    def __init__(self, base, timeout, token=None, browser=False):
        u = urllib.parse.urlsplit(base)
        self.host = u.hostname
        self.port = u.port or 80
        self.prefix = u.path.rstrip("/")
        self.timeout = timeout
        self.token = token
        self.browser = browser
        self.cookies = {}
        self.origin = "http://%s:%d" % (self.host, self.port)
        self.validate = True

    def url(self, path):
        return self.prefix + path

    def request(self, method, path, body=None, headers=None, raw=False,
                ctype=None, accept=None, timeout=None):
        """PATH is under the prefix unless RAW (a root-relative link)."""
        full = path if raw else self.prefix + path
        h = {}
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        if self.browser:
            h["Accept"] = BROWSER_ACCEPT
            h["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) kiln-regress"
            if method not in ("GET", "HEAD"):
                h["Origin"] = self.origin
                h["Sec-Fetch-Site"] = "same-origin"
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv
                                    for kv in self.cookies.items())
        if accept:
            h["Accept"] = accept
        if isinstance(body, dict) or isinstance(body, list):
            body = urllib.parse.urlencode(body).encode()
            ctype = ctype or FORM_CT
        if isinstance(body, str):
            body = body.encode("utf-8")
        if ctype:
            h["Content-Type"] = ctype
        if headers:
            for k, v in headers.items():
                if v is None:
                    h.pop(k, None)
                else:
                    h[k] = v
        t0 = time.monotonic()
        conn = http.client.HTTPConnection(self.host, self.port,
                                          timeout=timeout or self.timeout)
        try:
            conn.request(method, full, body=body, headers=h)
            r = conn.getresponse()
            data = r.read()
            resp = Resp(method, full, r.status, r.getheaders(), data, body,
                        time.monotonic() - t0)
        except (OSError, http.client.HTTPException) as e:
            raise Fail("%s %s: no HTTP answer (%s: %s)" %
                       (method, full, type(e).__name__, e))
        finally:
            conn.close()
        for sc in resp.header_all("Set-Cookie"):
            name, _, rest = sc.partition("=")
            value = rest.split(";")[0]
            attrs = sc.lower()
            if value == "" or "max-age=0" in attrs:
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        if self.validate:
            check_response(resp, self)
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)


# ------------------------------------------------- response validation

# Error pages the web server makes itself (the request never reached
# Kiln): not Kiln's to validate.
SERVER_PAGE = re.compile(rb"<hr><center>nginx|<address>Apache/|"
                         rb"-//IETF//DTD HTML 2\.0//EN|"
                         rb"-//W3C//DTD HTML 4\.01//EN")


def check_response(resp, client):
    """Checks every response gets, whatever the test wants of it."""
    if SERVER_PAGE.search(resp.body[:2048]) and \
            resp.header("X-Content-Type-Options") is None:
        return
    if resp.status >= 500 and resp.status != 503:
        soft("%s: server error %d" % (resp.req(), resp.status))
    if resp.method == "HEAD" or resp.status in (204, 304):
        return
    ct = resp.ctype
    if resp.status >= 400:
        for p in LEAK_PATTERNS:
            m = p.search(resp.text)
            if m:
                soft("%s: %d answer leaks internals: %r" %
                     (resp.req(), resp.status, m.group(0)))
    if ct == "text/html":
        STATS["html"] += 1
        for p in html_problems(resp.text, client):
            soft("%s -> %d: invalid HTML: %s" % (resp.req(), resp.status, p))
        cs = (resp.header("Content-Type") or "").lower()
        if "charset=utf-8" not in cs.replace(" ", ""):
            soft("%s: HTML without charset=utf-8 in Content-Type" %
                 resp.req())
    elif ct in ("application/xml", "text/xml"):
        STATS["xml"] += 1
        for p in xml_problems(resp):
            soft("%s -> %d: XML: %s" % (resp.req(), resp.status, p))


_rng_lock = threading.Lock()


def xmllint(schema, body):
    """Problems xmllint finds validating BODY against SCHEMA."""
    path = os.path.join(SCHEMA_DIR, schema)
    if not os.path.exists(path):
        return ["schema %s is missing" % path]
    try:
        p = subprocess.run(["xmllint", "--noout", "--relaxng", path, "-"],
                           input=body, capture_output=True, timeout=30)
    except FileNotFoundError:
        return ["xmllint is not installed (libxml2-utils)"]
    except subprocess.TimeoutExpired:
        return ["xmllint timed out"]
    if p.returncode == 0:
        return []
    lines = [l for l in p.stderr.decode("utf-8", "replace").splitlines()
             if "fails to validate" not in l]
    return ["not valid against %s: %s" % (schema, "; ".join(lines[:4]))]


def xml_problems(resp):
    out = []
    body = resp.body
    try:
        root = ET.fromstring(body)
    except ET.ParseError as e:
        return ["not well-formed: %s" % e]
    if not body.lstrip().startswith(b"<?xml"):
        out.append("no XML declaration")
    cs = (resp.header("Content-Type") or "").lower().replace(" ", "")
    if "charset=utf-8" not in cs:
        out.append("Content-Type without charset=utf-8: %r" %
                   resp.header("Content-Type"))
    schema = {"customer": "customer.rng", "customers": "customers.rng",
              "contact": "contact.rng", "contacts": "contacts.rng",
              "product": "product.rng", "products": "products.rng",
              "changes": "changes.rng",
              "order": "order.rng", "orders": "orders.rng",
              "order_line": "order_line.rng",
              "order_lines": "order_lines.rng",
              "submission": "submission.rng", "decision": "submission.rng",
              "dry_run": "submission.rng", "late": "submission.rng",
              "held": "submission.rng",
              "results": "results.rng",
              "deal": "deal.rng", "deals": "deals.rng",
              "competitor": "competitor.rng",
              "deal_line": "deal_line.rng",
              "quota": "quota.rng", "quotas": "quotas.rng",
              "activity": "activity.rng", "activities": "activities.rng",
              "report": "report.rng",
              "deal_lines": "deal_lines.rng",
              "competitors": "competitors.rng",
              "ticket": "ticket.rng", "tickets": "tickets.rng",
              "queue": "queue.rng", "escalated": "queue.rng",
              "suggestions": "suggestions.rng",
              "expense": "expense.rng", "expenses": "expenses.rng",
              "budgets": "budgets.rng",
              "error": "error.rng"}.get(root.tag)
    if schema is None:
        out.append("no schema for root element <%s>" % root.tag)
    else:
        out += xmllint(schema, body)
    if root.tag == "error" and root.get("status") != str(resp.status):
        out.append("error status=%r but HTTP status %d" %
                   (root.get("status"), resp.status))
    return out


# -------------------------------------------------------- HTML checking

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}
METADATA = {"meta", "title", "link", "style", "script", "base", "noscript",
            "template"}
# Elements that are not phrasing content: never inside <p> and the like.
FLOW_ONLY = {"address", "article", "aside", "blockquote", "details", "dialog",
             "div", "dl", "fieldset", "figcaption", "figure", "footer",
             "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
             "hr", "main", "nav", "ol", "p", "pre", "section", "table", "ul",
             "li", "dd", "dt", "tr", "td", "th", "tbody", "thead", "tfoot"}
PHRASING_PARENTS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "span", "a",
                    "label", "button", "em", "strong", "b", "i", "small",
                    "code", "abbr", "time", "dt", "legend", "caption",
                    "option", "title", "textarea", "pre"}
INTERACTIVE = {"a", "button", "input", "select", "textarea", "label",
               "details", "embed", "iframe"}
PARENTS = {
    "li": {"ul", "ol", "menu"},
    "dt": {"dl", "div"}, "dd": {"dl", "div"},
    "tr": {"table", "thead", "tbody", "tfoot"},
    "td": {"tr"}, "th": {"tr"},
    "thead": {"table"}, "tbody": {"table"}, "tfoot": {"table"},
    "caption": {"table"}, "colgroup": {"table"},
    "option": {"select", "optgroup", "datalist"},
    "optgroup": {"select"},
    "head": {"html"}, "body": {"html"}, "title": {"head"},
    "legend": {"fieldset"},
}
# Elements whose children are only of these kinds.
CHILDREN = {
    "ul": {"li", "script", "template"}, "ol": {"li", "script", "template"},
    "dl": {"dt", "dd", "div", "script", "template"},
    "table": {"caption", "colgroup", "thead", "tbody", "tfoot", "tr",
              "script", "template"},
    "thead": {"tr"}, "tbody": {"tr"}, "tfoot": {"tr"},
    "tr": {"td", "th", "script", "template"},
    "select": {"option", "optgroup", "hr"},
    "html": {"head", "body"},
}
NO_TEXT = {"html", "head", "table", "thead", "tbody", "tfoot", "tr", "ul",
           "ol", "dl", "select", "colgroup"}
ATTR_RE = re.compile(r"""\s+([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")


class Node:
    __slots__ = ("tag", "attrs", "children", "parent")

    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = attrs
        self.children = []
        self.parent = parent

    def iter(self, tag=None):
        for c in self.children:
            if isinstance(c, Node):
                if tag is None or c.tag == tag:
                    yield c
                yield from c.iter(tag)

    def text(self):
        return "".join(c if isinstance(c, str) else c.text()
                       for c in self.children)

    def get(self, name, default=None):
        return self.attrs.get(name, default)

    def ancestors(self):
        p = self.parent
        while p is not None:
            yield p
            p = p.parent


class StrictHTML(HTMLParser):
    """Builds a small tree and notes everything not plainly valid HTML5."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.stack = [self.root]
        self.problems = []
        self.seen_doctype = False
        self.seen_any = False
        self.count = {}
        self.ids = {}

    def note(self, msg):
        if len(self.problems) < 20 and msg not in self.problems:
            self.problems.append(msg)

    def where(self):
        line, col = self.getpos()
        return "line %d col %d" % (line, col + 1)

    def handle_decl(self, decl):
        if self.seen_any:
            self.note("DOCTYPE not first")
        if decl.strip().lower() != "doctype html":
            self.note("doctype is %r, not 'DOCTYPE html'" % decl)
        self.seen_doctype = True
        self.seen_any = True

    def check_attrs(self, tag):
        raw = self.get_starttag_text() or ""
        inner = re.sub(r"^<\s*[^\s/>]+", "", raw)
        inner = re.sub(r"/?>$", "", inner)
        names = []
        for m in ATTR_RE.finditer(inner):
            name, val = m.group(1), m.group(2)
            names.append(name.lower())
            if val is not None and val[0] not in "\"'":
                self.note("%s: <%s %s=%s>: attribute value not quoted" %
                          (self.where(), tag, name, val))
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            self.note("%s: <%s> repeats attribute(s) %s" %
                      (self.where(), tag, ", ".join(sorted(dup))))

    def start(self, tag, attrs, selfclosing):
        parent = self.stack[-1]
        if parent.tag == "svg" or any(a.tag == "svg"
                                      for a in parent.ancestors()):
            # Foreign content: SVG's own rules (checked as XML), not HTML's.
            node = Node(tag, {k: (v or "") for k, v in attrs}, parent)
            parent.children.append(node)
            if not selfclosing:
                self.stack.append(node)
            return node
        if not self.seen_any:
            self.note("no <!DOCTYPE html> before <%s>" % tag)
            self.seen_any = True
        if not self.seen_doctype and tag == "html":
            self.note("missing <!DOCTYPE html>")
        self.check_attrs(tag)
        parent = self.stack[-1]
        ad = {}
        for k, v in attrs:
            ad[k] = v if v is not None else ""
        self.count[tag] = self.count.get(tag, 0) + 1
        if tag in ("html", "head", "body", "main") and self.count[tag] > 1:
            self.note("%s: more than one <%s>" % (self.where(), tag))
        if tag == "html" and parent is not self.root:
            self.note("%s: <html> not the root" % self.where())
        if tag != "html" and parent is self.root:
            self.note("%s: <%s> outside <html>" % (self.where(), tag))
        if tag == "body" and self.count.get("head", 0) == 0:
            self.note("%s: <body> without a <head> before it" % self.where())
        if parent.tag == "head" and tag not in METADATA:
            self.note("%s: <%s> in <head>" % (self.where(), tag))
        if parent.tag in CHILDREN and tag not in CHILDREN[parent.tag]:
            self.note("%s: <%s> directly in <%s>" % (self.where(), tag,
                                                      parent.tag))
        elif tag in PARENTS and parent.tag not in PARENTS[tag]:
            self.note("%s: <%s> inside <%s>" % (self.where(), tag, parent.tag))
        if tag in FLOW_ONLY:
            for a in [parent] + list(parent.ancestors()):
                if a.tag in PHRASING_PARENTS:
                    self.note("%s: <%s> inside <%s> (phrasing only)" %
                              (self.where(), tag, a.tag))
                    break
                if a.tag in ("td", "th", "li", "dd", "div", "main", "body",
                             "form", "section", "nav", "header", "footer",
                             "article", "aside", "fieldset"):
                    break
        anc = {a.tag for a in [parent] + list(parent.ancestors())}
        if tag == "form" and "form" in anc:
            self.note("%s: nested <form>" % self.where())
        if tag in INTERACTIVE and not (tag == "input" and
                                       ad.get("type") == "hidden"):
            for a in ("a", "button"):
                if a in anc:
                    self.note("%s: <%s> inside <%s>" % (self.where(), tag, a))
        if "id" in ad:
            if ad["id"] in self.ids:
                self.note("%s: id %r used twice" % (self.where(), ad["id"]))
            self.ids[ad["id"]] = tag
        if selfclosing and tag not in VOID:
            self.note("%s: <%s/> self-closing on a non-void element" %
                      (self.where(), tag))
        node = Node(tag, ad, parent)
        parent.children.append(node)
        if tag not in VOID and not selfclosing:
            self.stack.append(node)
        return node

    def handle_starttag(self, tag, attrs):
        self.start(tag, attrs, False)

    def handle_startendtag(self, tag, attrs):
        self.start(tag, attrs, True)

    def handle_endtag(self, tag):
        if tag in VOID:
            self.note("%s: end tag </%s> for a void element" %
                      (self.where(), tag))
            return
        if len(self.stack) > 1 and self.stack[-1].tag == tag:
            self.stack.pop()
            return
        open_tags = [n.tag for n in self.stack[1:]]
        if tag in open_tags:
            self.note("%s: </%s> closes <%s> early (unclosed <%s>)" %
                      (self.where(), tag, tag, open_tags[-1]))
            while self.stack[-1].tag != tag:
                self.stack.pop()
            self.stack.pop()
        else:
            self.note("%s: stray end tag </%s>" % (self.where(), tag))

    def handle_data(self, data):
        parent = self.stack[-1]
        if data.strip():
            if not self.seen_any:
                self.note("text before the doctype")
            if parent is self.root:
                self.note("%s: text outside <html>: %r" %
                          (self.where(), short(data, 40)))
            elif parent.tag in NO_TEXT:
                self.note("%s: text directly in <%s>: %r" %
                          (self.where(), parent.tag, short(data, 40)))
        parent.children.append(data)

    def handle_comment(self, data):
        pass

    def handle_pi(self, data):
        self.note("processing instruction <?%s>" % data)

    def unknown_decl(self, data):
        self.note("unknown declaration %r" % data)

    def finish(self):
        self.close()
        if len(self.stack) > 1:
            self.note("unclosed at the end: %s" %
                      " ".join("<%s>" % n.tag for n in self.stack[1:]))
        for t in ("html", "head", "body", "title"):
            if self.count.get(t, 0) != 1:
                self.note("%d <%s> elements (want 1)" %
                          (self.count.get(t, 0), t))
        if not self.seen_doctype:
            self.note("no <!DOCTYPE html>")
        metas = [n for n in self.root.iter("meta") if "charset" in n.attrs]
        if not metas or metas[0].attrs["charset"].lower() != "utf-8":
            self.note("no <meta charset=\"utf-8\">")
        for lab in self.root.iter("label"):
            f = lab.get("for")
            if f is not None and f not in self.ids:
                self.note("<label for=%r> names no element" % f)
        for inp in self.root.iter("input"):
            if inp.get("type", "text") not in ("hidden", "submit", "button",
                                               "reset", "image") and \
                    "name" not in inp.attrs:
                self.note("<input> without a name")
        for img in self.root.iter("img"):
            if "alt" not in img.attrs:
                self.note("<img> without alt")


def parse_html(text):
    p = StrictHTML()
    try:
        p.feed(text)
        p.finish()
    except Exception as e:      # html.parser is lenient; be safe anyway
        p.note("parser error: %s" % e)
    return p.root, p.problems


TIDY_OK = [
    # tidy 5.6 predates these valid HTML5 attributes.
    re.compile(r'proprietary attribute "(inputmode|enterkeyhint|aria-current)"'),
    # Empty elements are valid HTML; tidy only says it would drop them.
    re.compile(r"trimming empty <"),
]


SVG_RE = re.compile(r"<svg\b[^>]*>.*?</svg>", re.S)


def svg_problems(text):
    """Inline SVG must be well-formed XML in the SVG namespace; tidy
    (5.6) knows HTML only, so it gets the page without the drawings."""
    out = []
    for m in SVG_RE.finditer(text):
        try:
            root = ET.fromstring(m.group(0))
        except ET.ParseError as e:
            out.append("inline SVG is not well-formed: %s" % e)
            continue
        if root.tag != "{http://www.w3.org/2000/svg}svg":
            out.append("inline SVG without its namespace: %s" % root.tag)
    return out


def tidy_problems(text):
    if STATS["tidy"] is False:
        return []
    text = SVG_RE.sub("<svg></svg>", text)
    if shutil.which("tidy") is None:
        STATS["tidy"] = False
        return []
    STATS["tidy"] = True
    try:
        p = subprocess.run(["tidy", "-errors", "-quiet", "-utf8",
                            "--show-warnings", "yes"],
                           input=text.encode("utf-8"), capture_output=True,
                           timeout=30)
    except subprocess.TimeoutExpired:
        return ["tidy timed out"]
    out = []
    for line in p.stderr.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if not line or any(r.search(line) for r in TIDY_OK):
            continue
        if re.search(r"(Warning|Error|Access):", line):
            out.append("tidy: " + line)
    return out


def html_problems(text, client):
    root, problems = parse_html(text)
    problems = list(problems)
    if re.search(r"&(?!#[0-9]+;|#x[0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)",
                 text):
        problems.append("unescaped '&' in the markup")
    # Every link is root-relative under the prefix (or static_url), or an
    # outside address a record itself holds (website, mailto:, tel:).
    for n in root.iter():
        for a in ("href", "action", "src"):
            v = n.get(a)
            if v is None:
                continue
            if v.startswith("/") and not v.startswith("//"):
                if client is not None and client.prefix and not (
                        v == client.prefix or
                        v.startswith(client.prefix + "/") or
                        v.startswith(client.prefix + "?") or
                        v.startswith(STATIC_URL + "/")):
                    problems.append("<%s %s=%r> outside the prefix %r" %
                                    (n.tag, a, v, client.prefix))
            elif not re.match(r"^(https?:|mailto:|tel:)", v):
                problems.append("<%s %s=%r> is not root-relative" %
                                (n.tag, a, v))
    problems += svg_problems(text)
    problems += tidy_problems(text)
    return problems


def forms(dom):
    """The page's forms as a browser would submit them."""
    out = []
    for f in dom.iter("form"):
        fields = []
        for n in f.iter():
            name = n.get("name")
            if not name or "disabled" in n.attrs:
                continue
            if n.tag == "input":
                t = n.get("type", "text").lower()
                if t in ("submit", "button", "reset", "image", "file"):
                    continue
                if t in ("checkbox", "radio") and "checked" not in n.attrs:
                    continue
                fields.append((name, n.get("value", "on" if t in
                                           ("checkbox", "radio") else "")))
            elif n.tag == "textarea":
                v = n.text()
                if v.startswith("\n"):
                    v = v[1:]
                fields.append((name, v))
            elif n.tag == "select":
                opts = list(n.iter("option"))
                sel = [o for o in opts if "selected" in o.attrs]
                pick = sel[0] if sel else (opts[0] if opts else None)
                if pick is not None:
                    fields.append((name, pick.get("value", pick.text())))
        out.append({"action": f.get("action"),
                    "method": (f.get("method") or "get").lower(),
                    "fields": fields, "node": f})
    return out


def form_with(dom, field):
    for f in forms(dom):
        if any(k == field for k, _ in f["fields"]):
            return f
    return None


def set_field(fields, name, value):
    out, done = [], False
    for k, v in fields:
        if k == name:
            if not done:
                out.append((k, value))
                done = True
        else:
            out.append((k, v))
    if not done:
        out.append((name, value))
    return out


# ------------------------------------------------------------- helpers

def check(cond, msg):
    if not cond:
        raise Fail(msg)


def expect(resp, *codes):
    if resp.status not in codes:
        raise Fail("%s: expected %s, got %d: %s" %
                   (resp.req(), "/".join(map(str, codes)), resp.status,
                    short(resp.body)))
    return resp


def expect_error(resp, status, code=None):
    """An XML error answer with STATUS and CODE (a code or a tuple)."""
    expect(resp, status)
    check(resp.ctype == "application/xml",
          "%s: %d answer is %r, not application/xml: %s" %
          (resp.req(), status, resp.ctype, short(resp.body)))
    root = resp.xml()
    check(root.tag == "error", "%s: root <%s>, not <error>" %
          (resp.req(), root.tag))
    codes = (code,) if isinstance(code, str) else code
    if codes is not None:
        check(root.get("code") in codes,
              "%s: expected code=%s, got code=%r: %s" %
              (resp.req(), "/".join(codes), root.get("code"),
               short(resp.body)))
    return root


def error_text(root):
    return " ".join(t for t in root.itertext())


def customer_xml(fields, version=None, root="customer"):
    el = ET.Element(root)
    if version is not None:
        el.set("version", str(version))
    for k in CUSTOMER_FIELDS + ["customer", "title", "primary"]:
        if k in fields:
            v = fields[k]
            sub = ET.SubElement(el, k)
            if isinstance(v, tuple):            # (id, text) reference
                sub.set("id", str(v[0]))
            else:
                sub.text = v
    for k, v in fields.items():
        if k not in CUSTOMER_FIELDS + ["customer", "title", "primary"]:
            ET.SubElement(el, k).text = v
    return ET.tostring(el, encoding="UTF-8")


def record_fields(root):
    return {c.tag: (c.text or "") for c in root}


RUN = secrets.token_hex(3)
SEQ = [0]


def uniq(word="Cust"):
    SEQ[0] += 1
    return "RG%s-%d %s" % (RUN, SEQ[0], word)


def valid_customer(**over):
    """A valid customer as the sales user may send it: without the credit
    terms, which are finance's and admin's (see credit_customer)."""
    f = {"name": uniq(), "segment": "key_account",
         "sales_mode": "relationship", "industry": "Machinery",
         "phone": "+86 571 8765 4321", "email": "buyer@example.com",
         "website": "https://example.com/", "address": "1 Test Road",
         "city": "Hangzhou", "country": "CN", "notes": "regression"}
    f.update(over)
    return f


# api.md "Who may set what": a customer's credit terms are finance's and
# admin's; another role's request changing them is 403 naming the field.
CREDIT = ("credit_limit", "payment_terms")
GRANTED = {"credit_limit": "50000.00", "payment_terms": "net60"}


def credit_customer(**over):
    """A valid customer with credit terms (GRANTED unless OVER says)."""
    return valid_customer(**dict(GRANTED, **over))


def sender(o, fields):
    """Who sends FIELDS: the sales user, or the administrator when they
    carry credit terms (as finance would grant them)."""
    return o.erp if any(k in fields for k in CREDIT) else o.api


def sales_id(o):
    """The sales user's id (the owner= of records made for them)."""
    if not getattr(S, "owner_id", None):
        _, root = create(o, {"name": uniq("Owner")})
        S.owner_id = root.find("owner").get("id")
    return S.owner_id


def create(o, fields, expect_status=201):
    """Create the sales user's customer through the XML API; returns (id,
    root).  One with credit terms is created by the administrator with the
    sales user as its owner (version 1 all the same)."""
    api = sender(o, fields)
    if api is not o.api:
        fields = dict(fields, owner=(sales_id(o), o.login))
    r = api.post("/customers", customer_xml(fields), ctype=XML_CT,
                 accept=XML_CT)
    if r.status != expect_status:
        raise Fail("setup: %s: expected %d, got %d: %s" %
                   (r.req(), expect_status, r.status, short(r.body)))
    root = r.xml()
    check(root.tag == "customer" and (root.get("id") or "").isdigit(),
          "setup: %s: no customer id in the answer" % r.req())
    return int(root.get("id")), root


def patch(api, cid, version, **fields):
    """PATCH customer CID at VERSION with FIELDS (XML)."""
    return api.request("PATCH", "/customers/%d" % cid,
                       customer_xml(fields, version), ctype=XML_CT,
                       accept=XML_CT)


def delete(api, cid, version, form=False):
    """DELETE customer CID at VERSION (None: none sent), or with FORM by
    POST .../delete with the version in the form body."""
    if form:
        return api.post("/customers/%d/delete" % cid, [] if version is None
                        else [("version", str(version))], accept=XML_CT)
    return api.request("DELETE", "/customers/%d%s" % (
        cid, "" if version is None else "?version=%d" % version),
        accept=XML_CT)


def fetch(api, cid):
    r = api.get("/customers/%d.xml" % cid)
    expect(r, 200)
    return r.xml()


def count_named(api, name):
    """How many customers' names contain NAME (via the XML list)."""
    r = api.get("/customers.xml?" + urllib.parse.urlencode(
        {"q": name, "limit": "500"}))
    expect(r, 200)
    return sum(1 for c in r.xml() if name in (c.findtext("name") or ""))


def walk(api, first, limit_pages=2000):
    """Follow next= from FIRST (under the prefix); all records, pages."""
    path, raw = first, False
    seen, pages = [], []
    for _ in range(limit_pages):
        r = api.get(path, raw=raw)
        expect(r, 200)
        root = r.xml()
        check(root.tag == "customers", "%s: root <%s>" % (r.req(), root.tag))
        pages.append(root)
        seen += [c for c in root if c.tag == "customer"]
        nxt = root.get("next")
        if not nxt:
            return seen, pages
        check(nxt.startswith(api.prefix + "/customers"),
              "%s: next=%r is not root-relative under %r" %
              (r.req(), nxt, api.prefix))
        path, raw = nxt, True
    raise Fail("%s: more than %d pages: next never ends" % (first,
                                                             limit_pages))


def raw_http(host, port, data, timeout, send_more=None):
    """Send raw bytes; return (status, headers, body) or raise Fail."""
    s = socket.create_connection((host, port), timeout=timeout)
    try:
        s.sendall(data)
        if send_more:
            send_more(s)
        buf = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                break
            if not chunk:
                break
            buf += chunk
            head, sep, body = buf.partition(b"\r\n\r\n")
            if sep:
                m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
                if m and len(body) >= int(m.group(1)):
                    break
    finally:
        s.close()
    if not buf:
        raise Fail("no answer at all")
    m = re.match(rb"HTTP/1\.[01] (\d{3})", buf)
    if not m:
        raise Fail("not an HTTP answer: %r" % buf[:80])
    head, _, body = buf.partition(b"\r\n\r\n")
    return int(m.group(1)), head.decode("latin-1"), body


# ----------------------------------------------------------- the tests

TESTS = []
STATIC_URL = "/kiln-static"


def test(name, group):
    def deco(fn):
        TESTS.append((name, group, fn))
        return fn
    return deco


class State:
    pass


S = State()
S.browsers = {}


# -- basics

@test("GET /health answers 200 ok without auth", "basic")
def t_health(o):
    r = o.anon.get("/health")
    expect(r, 200)
    check(r.text.strip() == "ok", "%s: body %r, not 'ok'" %
          (r.req(), r.text))


@test("unauthenticated HTML list redirects (303) to the login page", "basic")
def t_unauth_html(o):
    for path in ("/customers", "/customers/new", "/"):
        r = o.anon.get(path)
        expect(r, 303)
        loc = r.header("Location") or ""
        check(loc == o.anon.prefix + "/login",
              "%s: Location %r, want root-relative %r" %
              (r.req(), loc, o.anon.prefix + "/login"))


@test("unauthenticated XML gets 401 code=unauthenticated", "basic")
def t_unauth_xml(o):
    expect_error(o.anon.get("/customers.xml"), 401, "unauthenticated")
    expect_error(o.anon.get("/customers", accept=XML_CT), 401,
                 "unauthenticated")
    expect_error(o.anon.post("/customers", customer_xml(valid_customer()),
                             ctype=XML_CT, accept=XML_CT),
                 401, "unauthenticated")


@test("unauthenticated CSV gets 401", "basic")
def t_unauth_csv(o):
    r = o.anon.get("/customers.csv")
    expect(r, 401)
    check(b'"id"' not in r.body, "%s: 401 answer carries CSV data" %
          r.req())


@test("a wrong bearer token gets 401, an unknown scheme too", "basic")
def t_bad_token(o):
    bad = Client(o.base, o.timeout, token="x" * 43)
    expect_error(bad.get("/customers.xml"), 401, "unauthenticated")
    bad.token = o.token + "x"
    expect_error(bad.get("/customers.xml"), 401, "unauthenticated")
    r = o.anon.get("/customers.xml", headers={
        "Authorization": "Basic bGkud2VpOnBhc3N3b3JkMTIz"})
    expect_error(r, 401, "unauthenticated")


@test("the stylesheet and script a page links (static_url) are served",
      "basic")
def t_static(o):
    r = expect(o.anon.get("/login"), 200)
    links = [(n.get("href"), "text/css") for n in r.dom().iter("link")
             if n.get("rel") == "stylesheet"]
    links += [(n.get("src"), "javascript") for n in r.dom().iter("script")]
    check(len(links) == 2, "%s: want a stylesheet and a script: %r" %
          (r.req(), links))
    for href, kind in links:
        s = o.anon.get(href, raw=True)
        expect(s, 200)
        check(kind in s.ctype, "%s: Content-Type %r" % (s.req(), s.ctype))


# -- XML life cycle

@test("XML create: 201, Location, record as sent, owner, money", "xml")
def t_xml_create(o):
    api = o.api
    f = valid_customer(code="ACM-1", notes="line one\nline two")
    r = api.post("/customers", customer_xml(f), ctype=XML_CT, accept=XML_CT)
    expect(r, 201)
    loc = r.header("Location") or ""
    m = re.fullmatch(re.escape(api.prefix) + r"/customers/(\d+)(\.xml)?", loc)
    check(m, "%s: Location %r is not %s/customers/ID" %
          (r.req(), loc, api.prefix))
    root = r.xml()
    check(root.tag == "customer", "%s: root <%s>" % (r.req(), root.tag))
    cid = root.get("id")
    check(cid == m.group(1), "%s: id=%r but Location %r" %
          (r.req(), cid, loc))
    check(root.get("href") == "%s/customers/%s" % (api.prefix, cid),
          "%s: href=%r" % (r.req(), root.get("href")))
    check(root.get("version") == "1", "%s: version=%r, want 1" %
          (r.req(), root.get("version")))
    got = record_fields(root)
    for k, v in f.items():
        check(got.get(k) == v, "%s: <%s> is %r, sent %r" %
              (r.req(), k, got.get(k), v))
    check_money(r, root, "0.00")
    check(got.get("payment_terms") == "prepaid", "%s: payment_terms %r, "
          "want the default prepaid" % (r.req(), got.get("payment_terms")))
    check_owner(r, root, o.login)
    S.owner_id = root.find("owner").get("id")
    check([c.tag for c in root] == CUSTOMER_FIELDS +
          ["created_at", "updated_at"],
          "%s: element order %s" % (r.req(), [c.tag for c in root]))
    # The credit terms are granted by finance or an administrator.
    r = expect(patch(o.erp, int(cid), 1, **GRANTED), 200)
    root = r.xml()
    check(root.get("version") == "2", "%s: version=%r, want 2" %
          (r.req(), root.get("version")))
    check_money(r, root, "50000.00")
    check_owner(r, root, o.login)
    f = dict(f, **GRANTED)
    got = record_fields(root)
    for k, v in f.items():
        check(got.get(k) == v, "%s: <%s> is %r, want %r" %
              (r.req(), k, got.get(k), v))
    S.xml_id = int(cid)
    S.xml_fields = f


def check_money(r, root, want):
    cl = root.find("credit_limit")
    check(cl is not None and cl.get("currency") == "CNY" and
          cl.text == want,
          "%s: credit_limit %r currency %r, want %s CNY" %
          (r.req(), cl is not None and cl.text,
           cl is not None and cl.get("currency"), want))


def check_owner(r, root, login):
    ow = root.find("owner")
    check(ow is not None and ow.text == login and
          (ow.get("id") or "").isdigit(),
          "%s: owner %r id=%r, want %s with an id" %
          (r.req(), ow is not None and ow.text,
           ow is not None and ow.get("id"), login))


@test("XML read: GET .xml and Accept: application/xml agree", "xml")
def t_xml_read(o):
    cid = getattr(S, "xml_id", None) or create(o, valid_customer())[0]
    a = expect(o.api.get("/customers/%d.xml" % cid), 200)
    b = expect(o.api.get("/customers/%d" % cid, accept=XML_CT), 200)
    check(a.ctype == "application/xml", "%s: Content-Type %r" %
          (a.req(), a.ctype))
    check(b.ctype == "application/xml", "%s: Content-Type %r (Accept: "
          "application/xml)" % (b.req(), b.ctype))
    check(record_fields(a.xml()) == record_fields(b.xml()),
          "GET .xml and Accept differ")
    if hasattr(S, "xml_fields"):
        got = record_fields(a.xml())
        for k, v in S.xml_fields.items():
            check(got.get(k) == v, "%s: <%s> is %r, stored %r" %
                  (a.req(), k, got.get(k), v))


@test("XML body without Accept or .xml still gets an XML 201", "xml")
def t_xml_body_no_accept(o):
    f = valid_customer()
    r = o.api.post("/customers", customer_xml(f), ctype=XML_CT)
    if r.status == 303:
        raise Fail("%s: 303 to %r (an HTML answer to an XML request; "
                   "api.md picks the format from path/Accept only, the "
                   "brief expects 201 for an XML body)" %
                   (r.req(), r.header("Location")))
    expect(r, 201)
    check(r.ctype == "application/xml", "%s: %r" % (r.req(), r.ctype))


@test("XML PATCH: 200, version 2, only the sent field changes", "xml")
def t_xml_patch(o):
    f = valid_customer()
    cid, before = create(o, f)
    r = o.api.request("PATCH", "/customers/%d" % cid,
                      '<customer version="1"><city>Ningbo</city></customer>',
                      ctype=XML_CT, accept=XML_CT)
    expect(r, 200)
    root = r.xml()
    check(root.get("version") == "2", "%s: version=%r, want 2" %
          (r.req(), root.get("version")))
    got = record_fields(root)
    check(got["city"] == "Ningbo", "%s: city %r" % (r.req(), got["city"]))
    b = record_fields(before)
    for k in CUSTOMER_FIELDS:
        if k not in ("city",):
            check(got.get(k) == b.get(k), "%s: PATCH of city changed <%s> "
                  "from %r to %r" % (r.req(), k, b.get(k), got.get(k)))
    S.patch_id = cid


@test("XML stale PATCH: 409 code=stale, nothing changed", "xml")
def t_xml_stale(o):
    cid = getattr(S, "patch_id", None)
    if cid is None:
        cid, _ = create(o, valid_customer())
        expect(o.api.request("PATCH", "/customers/%d" % cid,
                             '<customer version="1"><city>Ningbo</city>'
                             '</customer>', ctype=XML_CT, accept=XML_CT), 200)
    before = record_fields(fetch(o.api, cid))
    r = o.api.request("PATCH", "/customers/%d" % cid,
                      '<customer version="1"><city>Wenzhou</city></customer>',
                      ctype=XML_CT, accept=XML_CT)
    expect_error(r, 409, "stale")
    after = fetch(o.api, cid)
    check(after.get("version") == "2" and record_fields(after) == before,
          "stale PATCH changed the record: version %r city %r" %
          (after.get("version"), after.findtext("city")))


@test("XML PUT: full update, 200, version bumps", "xml")
def t_xml_put(o):
    f = credit_customer()
    cid, _ = create(o, f)

    def put(api, fields, version):
        return api.request("PUT", "/customers/%d" % cid,
                           customer_xml(fields, version), ctype=XML_CT,
                           accept=XML_CT)

    # The sales user's full update carries the credit terms unchanged;
    # the administrator's changes them too.
    g = dict(f, notes="put notes", city="Suzhou")
    h = dict(g, payment_terms="net30", credit_limit="1234.50")
    for api, fields, version in ((o.api, g, 1), (o.erp, h, 2)):
        r = expect(put(api, fields, version), 200)
        root = r.xml()
        check(root.get("version") == str(version + 1), "%s: version=%r" %
              (r.req(), root.get("version")))
        got = record_fields(root)
        for k, v in fields.items():
            check(got.get(k) == v, "%s: <%s> is %r, sent %r" %
                  (r.req(), k, got.get(k), v))
        check_owner(r, root, o.login)
    expect_error(put(o.api, g, 1), 409, "stale")


@test("credit terms are finance's and admin's: the sales user's change of "
      "credit_limit or payment_terms is 403 naming it (PATCH, form, create),"
      " nothing changes; the same values unchanged are accepted", "xml")
def t_credit_roles(o):
    cid, _ = create(o, credit_customer())
    before = record_fields(fetch(o.api, cid))
    name = uniq("Credit by sales")
    tries = [(patch(o.api, cid, 1, credit_limit="99999.00"),
              ["credit_limit"]),
             (patch(o.api, cid, 1, payment_terms="net30", city="Ningbo"),
              ["payment_terms"]),
             (o.api.post("/customers/%d" % cid, [("credit_limit", "1.00"),
                                                  ("version", "1")],
                         accept=XML_CT), ["credit_limit"]),
             (o.api.post("/customers", customer_xml(credit_customer(
                 name=name)), ctype=XML_CT, accept=XML_CT), list(CREDIT))]
    for r, fields in tries:
        root = expect_error(r, 403, "forbidden")
        named = sorted(x.get("name") for x in root.findall("field"))
        check(named == fields, "%s: the 403 names %s, want %s" %
              (r.req(), named, fields))
    after = fetch(o.api, cid)
    check(after.get("version") == "1" and record_fields(after) == before,
          "a refused change changed customer %d: version %r, %s" %
          (cid, after.get("version"), short(ET.tostring(after))))
    check(count_named(o.erp, name) == 0,
          "the sales user's customer with credit terms was stored")
    # Sent unchanged with another field, they pass.
    r = expect(patch(o.api, cid, 1, city="Ningbo", **GRANTED), 200)
    got = record_fields(r.xml())
    check(r.xml().get("version") == "2" and got["city"] == "Ningbo" and
          all(got[k] == v for k, v in GRANTED.items()),
          "%s: %s" % (r.req(), short(r.body)))


def form_of(root):
    """A record as form fields (what an edit form would send)."""
    out = []
    for k in CUSTOMER_INPUT:
        out.append((k, root.findtext(k) or ""))
    ow = root.find("owner")
    if ow is not None and ow.get("id"):
        out.append(("owner", ow.get("id")))
    out.append(("version", root.get("version")))
    return out


@test("form-encoded POST /customers/ID with a token: 303 to the record",
      "xml")
def t_form_update_303(o):
    # The record's credit terms go back unchanged, which is accepted.
    cid, root = create(o, credit_customer())
    fields = set_field(form_of(root), "phone", "+86 574 1111 2222")
    r = o.api.post("/customers/%d" % cid, fields)
    expect(r, 303)
    loc = r.header("Location") or ""
    # The record, saying what was done.
    check(loc == "%s/customers/%d?done=saved" % (o.api.prefix, cid),
          "%s: Location %r, want %s/customers/%d?done=saved" %
          (r.req(), loc, o.api.prefix, cid))
    after = fetch(o.api, cid)
    check(after.get("version") == "2" and
          after.findtext("phone") == "+86 574 1111 2222",
          "form update not stored: version %r phone %r" %
          (after.get("version"), after.findtext("phone")))
    # The same with Accept: application/xml answers 200 with the record.
    fields = set_field(form_of(after), "city", "Jiaxing")
    r = o.api.post("/customers/%d" % cid, fields, accept=XML_CT)
    expect(r, 200)
    check(r.xml().get("version") == "3" and
          r.xml().findtext("city") == "Jiaxing",
          "%s: version %r city %r" % (r.req(), r.xml().get("version"),
                                      r.xml().findtext("city")))
    # And a stale one is refused.
    r = o.api.post("/customers/%d" % cid, fields, accept=XML_CT)
    expect_error(r, 409, "stale")


@test("form-encoded POST /customers with a token: 303 to the record", "xml")
def t_form_create_303(o):
    f = valid_customer()
    r = o.api.post("/customers", list(f.items()))
    expect(r, 303)
    loc = r.header("Location") or ""
    m = re.fullmatch(re.escape(o.api.prefix) +
                     r"/customers/(\d+)\?done=created", loc)
    check(m, "%s: Location %r" % (r.req(), loc))
    got = record_fields(fetch(o.api, int(m.group(1))))
    for k, v in f.items():
        check(got.get(k) == v, "form create: <%s> is %r, sent %r" %
              (k, got.get(k), v))


@test("XML DELETE: 204, then 404 code=not_found everywhere", "xml")
def t_xml_delete(o):
    cid, _ = create(o, valid_customer())
    r = delete(o.api, cid, 1)
    expect(r, 204)
    check(r.body == b"", "%s: 204 with a body" % r.req())
    expect_error(o.api.get("/customers/%d.xml" % cid), 404, "not_found")
    expect(o.api.get("/customers/%d" % cid), 404)
    expect_error(delete(o.api, cid, 1), 404, "not_found")
    expect_error(o.api.request("PATCH", "/customers/%d" % cid,
                               '<customer version="1"><city>X</city>'
                               '</customer>', ctype=XML_CT, accept=XML_CT),
                 404, "not_found")


@test("DELETE needs the version: without it 400 bad_request, a stale "
      "one 409 stale (DELETE and POST .../delete); nothing deleted", "xml")
def t_delete_version(o):
    cid, _ = create(o, valid_customer())
    expect(patch(o.api, cid, 1, city="Ningbo"), 200)
    for version, status, code in ((None, 400, "bad_request"),
                                  (1, 409, "stale")):
        expect_error(delete(o.api, cid, version), status, code)
        expect_error(delete(o.api, cid, version, form=True), status, code)
        check(fetch(o.api, cid).get("version") == "2",
              "a refused delete (version %r) changed customer %d" %
              (version, cid))
    expect(delete(o.api, cid, 2, form=True), 204, 303)
    expect_error(o.api.get("/customers/%d.xml" % cid), 404, "not_found")


@test("defaults: minimal create gets prospect/prepaid/0.00/ok, owner=me",
      "xml")
def t_defaults(o):
    name = uniq("Minimal")
    r = o.api.post("/customers", "<customer><name>%s</name></customer>" %
                   name, ctype=XML_CT, accept=XML_CT)
    expect(r, 201)
    g = record_fields(r.xml())
    want = {"name": name, "segment": "prospect", "payment_terms": "prepaid",
            "credit_limit": "0.00", "credit_status": "ok",
            "sales_mode": "transactional", "owner": o.login, "city": ""}
    for k, v in want.items():
        check(g.get(k) == v, "%s: <%s> is %r, want %r" %
              (r.req(), k, g.get(k), v))


@test("contacts: create, read, list by customer, schema", "xml")
def t_contacts(o):
    cname = uniq("With Contacts")
    cid, _ = create(o, valid_customer(name=cname))
    body = ('<contact><customer id="%d"/><name>Zhang San</name>'
            '<title>Buyer</title><phone>+86 571 1</phone>'
            '<email>zs@example.com</email><primary>true</primary></contact>'
            % cid)
    r = o.api.post("/contacts", body, ctype=XML_CT, accept=XML_CT)
    expect(r, 201)
    root = r.xml()
    check(root.tag == "contact", "%s: root <%s>" % (r.req(), root.tag))
    cu = root.find("customer")
    check(cu is not None and cu.get("id") == str(cid) and cu.text == cname,
          "%s: <customer id=%r>%r, want id %d and the name %r" %
          (r.req(), cu is not None and cu.get("id"),
           cu is not None and cu.text, cid, cname))
    check(root.findtext("primary") == "true", "%s: primary %r" %
          (r.req(), root.findtext("primary")))
    kid = int(root.get("id"))
    r = expect(o.api.get("/contacts.xml?customer=%d" % cid), 200)
    ids = [c.get("id") for c in r.xml()]
    check(ids == [str(kid)], "%s: ids %s, want [%d]" % (r.req(), ids, kid))
    expect(o.api.get("/contacts/%d.xml" % kid), 200)
    r = o.api.post("/contacts", '<contact><customer id="999999999"/>'
                   '<name>Ghost</name></contact>', ctype=XML_CT,
                   accept=XML_CT)
    check(r.status in (404, 409, 422),
          "%s: contact of a missing customer: want 422 (or 404/409), got "
          "%d" % (r.req(), r.status))
    # Deleting the customer takes its contacts or is refused; never
    # leaves a contact pointing nowhere.
    d = delete(o.api, cid, int(fetch(o.api, cid).get("version")))
    check(d.status in (204, 409), "%s: got %d" % (d.req(), d.status))
    k = o.api.get("/contacts/%d.xml" % kid)
    if d.status == 204:
        expect_error(k, 404, "not_found")
    else:
        expect(k, 200)
    # A contact without its (required) customer is invalid.
    r = o.api.post("/contacts", "<contact><name>Orphan</name></contact>",
                   ctype=XML_CT, accept=XML_CT)
    root = expect_error(r, 422, "invalid")
    check("customer" in [x.get("name") for x in root.findall("field")],
          "%s: the 422 does not name customer: %s" % (r.req(),
                                                      short(r.body)))


@test("products: sales read the catalogue, cannot change it; schema", "xml")
def t_products(o):
    r = expect(o.api.get("/products.xml"), 200)
    check(r.xml().tag == "products", "%s: root <%s>" % (r.req(), r.xml().tag))
    r = o.api.post("/products", "<product><sku>%s</sku><name>Sales-made"
                   "</name></product>" % uniq("SKU"), ctype=XML_CT,
                   accept=XML_CT)
    expect_error(r, 403, "forbidden")


@test("changes feed: valid, and polling from last gives nothing twice", "xml")
def t_changes(o):
    r = expect(o.api.get("/changes.xml"), 200)
    root = r.xml()
    check(root.tag == "changes" and root.get("last") is not None,
          "%s: root <%s> last=%r" % (r.req(), root.tag, root.get("last")))
    r = expect(o.api.get("/changes.xml?since=%s" % root.get("last")), 200)
    check(len(r.xml()) == 0 or r.xml().get("next"),
          "%s: events seen again after last" % r.req())


def draft_order(api, cid, pid):
    """A draft order of customer CID with one line of product PID."""
    r = expect(api.post("/orders", '<order><customer id="%d"/>'
                        '<requested_date>2031-01-01</requested_date>'
                        '</order>' % cid, ctype=XML_CT, accept=XML_CT), 201)
    oid = int(r.xml().get("id"))
    expect(api.post("/order_lines", '<order_line><order id="%d"/>'
                    '<product id="%d"/><quantity>1</quantity>'
                    '</order_line>' % (oid, pid), ctype=XML_CT,
                    accept=XML_CT), 201)
    return oid


@test("orders: 20 submits at once never approve past the credit limit",
      "faults")
def t_orders_concurrent(o):
    import regressdb
    sku = uniq("SKU").replace(" ", "-")
    con = regressdb.connect(o.db, timeout=10)
    with con:
        # 1000.00 a piece, no lead time: only credit decides.
        con.execute("INSERT INTO products (created_at, updated_at, sku, name,"
                    " unit_price, lead_time_days) VALUES ('x', 'x', ?, ?,"
                    " 100000, 0)", (sku, sku))
    pid = con.execute("SELECT id FROM products WHERE sku = ?",
                      (sku,)).fetchone()[0]
    con.close()
    # The limit covers five orders of 1000.00, not six.
    cid, _ = create(o, credit_customer(credit_limit="5500.00"))
    orders = []
    for _ in range(20):
        orders.append(draft_order(o.api, cid, pid))
    results = {}

    def submit(oid):
        c = Client(o.base, o.timeout, token=o.token)
        r = c.request("POST", "/orders/%d/submit" % oid, body=b"",
                      ctype="application/x-www-form-urlencoded",
                      accept=XML_CT)
        results[oid] = (r.status, r.xml().get("status")
                        if r.status == 200 else None)

    threads = [threading.Thread(target=submit, args=(oid,))
               for oid in orders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    statuses = [v[1] for v in results.values()]
    check(len(results) == 20 and all(v[0] == 200 for v in results.values()),
          "not every submit answered 200: %s" % sorted(results.values(),
                                                       key=str))
    approved = statuses.count("approved")
    check(approved == 5 and statuses.count("on_hold") == 15,
          "want 5 approved (5000.00 within 5500.00) and 15 on hold, got %s"
          % {s: statuses.count(s) for s in set(statuses)})


def feed(api, since):
    """Every event of the changes feed after SINCE: (events, last)."""
    events = []
    while True:
        r = expect(api.get("/changes.xml?since=%d&limit=1000" % since), 200)
        root = r.xml()
        events += [(int(c.get("seq")), c.get("action"), c.get("entity"),
                    int(c.get("id"))) for c in root]
        since = int(root.get("last"))
        if not root.get("next"):
            return events, since


@test("ERP round trip: approved orders out, status updates back, the "
      "changes feed read twice sees each event once; copy", "xml")
def t_erp_round_trip(o):
    sku = uniq("SKU").replace(" ", "-")
    r = expect(o.erp.post("/products", "<product><sku>%s</sku><name>Gear"
                          "</name><unit_price>250.50</unit_price>"
                          "<lead_time_days>3</lead_time_days></product>" %
                          sku, ctype=XML_CT, accept=XML_CT), 201)
    pid = int(r.xml().get("id"))
    since = time.strftime("%Y-%m-%dT%H:%M:%SZ",
                          time.gmtime(time.time() - 2))
    cid, _ = create(o, credit_customer(credit_limit="1000000.00"))
    # An order sent with its lines, as api.md shows it.
    r = expect(o.api.post("/orders", '<order><customer id="%d"/>'
                          '<requested_date>2031-01-01</requested_date><lines>'
                          '<line><product id="%d"/><quantity>4</quantity>'
                          '</line><line><product id="%d"/><quantity>1'
                          '</quantity><discount_pct>10</discount_pct></line>'
                          '</lines></order>' % (cid, pid, pid),
                          ctype=XML_CT, accept=XML_CT), 201)
    oid = int(r.xml().get("id"))
    check(r.xml().findtext("total") == "1227.45",
          "%s: total %r, want 1227.45 (4 x 250.50 + 250.50 less 10 %%)" %
          (r.req(), r.xml().findtext("total")))
    r = expect(o.api.post("/orders/%d/submit" % oid, b"", ctype=FORM_CT,
                          accept=XML_CT), 200)
    check(r.xml().get("status") == "approved", "%s: %s" % (r.req(),
                                                        short(r.body)))
    _, cursor = feed(o.erp, 0)
    # The ERP's poll: approved orders changed since its last one.
    r = expect(o.erp.get("/orders.xml?status=approved&updated_since=%s"
                         "&limit=500" % since), 200)
    mine = [x for x in r.xml() if x.get("id") == str(oid)]
    check(len(mine) == 1, "%s: order %d not exported" % (r.req(), oid))
    check(len(mine[0].findall("lines/line")) == 2 and
          len(mine[0].findall("evaluation/verdict")) == 5,
          "%s: the exported order lacks its lines or verdicts" % r.req())
    version = int(mine[0].get("version"))
    # Its status updates, back through the XML API.
    steps = ["<status>in_production</status>",
             "<status>shipped</status><shipped_date>2031-01-02"
             "</shipped_date>",
             "<status>invoiced</status><invoiced_amount>1227.45"
             "</invoiced_amount><invoiced_date>2031-01-03</invoiced_date>",
             "<status>paid</status><paid_amount>1227.45</paid_amount>"
             "<paid_date>2031-01-20</paid_date>"]
    for body in steps:
        r = expect(o.erp.request("PATCH", "/orders/%d" % oid,
                                 '<order version="%d">%s</order>' %
                                 (version, body), ctype=XML_CT,
                                 accept=XML_CT), 200)
        version = int(r.xml().get("version"))
    check(r.xml().findtext("status") == "paid", "%s: status %r" %
          (r.req(), r.xml().findtext("status")))
    # A step the status machine does not allow changes nothing.
    r = o.erp.request("PATCH", "/orders/%d" % oid, '<order version="%d">'
                      '<status>in_production</status></order>' % version,
                      ctype=XML_CT, accept=XML_CT)
    expect_error(r, 409, "conflict")
    r = expect(o.api.get("/orders/%d.xml" % oid), 200)
    check(int(r.xml().get("version")) == version and
          r.xml().findtext("status") == "paid",
          "%s: a refused step changed the order" % r.req())
    check(len(r.xml().findall("history/event")) == 5,
          "%s: want 5 events in the history (approved and 4 steps)" %
          r.req())
    # The feed after the cursor: the four steps, each once, in order.
    events, last = feed(o.erp, cursor)
    ours = [e for e in events if e[2] == "order" and e[3] == oid]
    seqs = [e[0] for e in events]
    check(len(ours) == 4 and seqs == sorted(set(seqs)) and
          all(s > cursor for s in seqs),
          "changes since %d: want the 4 steps of order %d once each, got "
          "%s" % (cursor, oid, ours))
    again, _ = feed(o.erp, last)
    check(not [e for e in again if e[0] <= last or
               (e[2] == "order" and e[3] == oid)],
          "changes since %d repeat events: %s" % (last, again))
    r = expect(o.erp.get("/orders.xml?status=approved&updated_since=%s"
                         "&limit=500" % since), 200)
    check(not [x for x in r.xml() if x.get("id") == str(oid)],
          "%s: a paid order is still exported as approved" % r.req())
    # The queues and the order's pages, as documents and pages (each
    # validated like every answer).
    for path in ("/orders/held.xml", "/orders/late.xml", "/orders/held",
                 "/orders/late", "/orders/%d" % oid, "/orders/%d/rules" % oid,
                 "/orders/%d/rules.xml" % oid, "/customers/%d" % cid):
        expect(o.erp.get(path), 200)
    # A copy: a new draft with the same lines, to be judged afresh.
    r = expect(o.api.post("/orders/%d/copy" % oid, b"", ctype=FORM_CT,
                          accept=XML_CT), 201)
    expect(o.api.get("/orders/%s" % r.xml().get("id")), 200)  # a draft's page
    check(r.xml().findtext("status") == "draft" and
          len(r.xml().findall("lines/line")) == 2 and
          r.xml().findtext("total") == "1227.45" and
          (r.header("Location") or "").endswith("/orders/%s" %
                                                 r.xml().get("id")),
          "%s: the copy is not a draft like the original: %s" %
          (r.req(), short(r.body)))


# -- HTML session

def login(o, c=None, user=None):
    c = c or Client(o.base, o.timeout, browser=True)
    r = c.post("/login", [("login", user or o.login),
                          ("password", o.password)])
    expect(r, 303)
    return c, r


@test("GET /login: 200, a form posting login and password", "html")
def t_login_page(o):
    b = Client(o.base, o.timeout, browser=True)
    r = expect(b.get("/login"), 200)
    check(r.ctype == "text/html", "%s: %r" % (r.req(), r.ctype))
    f = form_with(r.dom(), "password")
    check(f is not None, "%s: no form with a password field" % r.req())
    check(f["method"] == "post" and f["action"] == b.prefix + "/login",
          "%s: form method %r action %r, want post %s/login" %
          (r.req(), f["method"], f["action"], b.prefix))
    names = [k for k, _ in f["fields"]]
    check("login" in names, "%s: no login field" % r.req())


@test("POST /login with a wrong password: no session", "html")
def t_login_wrong(o):
    b = Client(o.base, o.timeout, browser=True)
    r = b.post("/login", [("login", o.login), ("password", "wrong-pass")])
    check(400 <= r.status < 500, "%s: expected a 4xx page, got %d" %
          (r.req(), r.status))
    check(not any(s.startswith("kiln_session=") and
                  not s.startswith("kiln_session=;")
                  for s in r.header_all("Set-Cookie")),
          "%s: a session cookie for a wrong password" % r.req())
    check(r.ctype == "text/html", "%s: %r" % (r.req(), r.ctype))
    inp = [n for n in r.dom().iter("input") if n.get("name") == "login"]
    check(inp and inp[0].get("value") == o.login,
          "%s: the login form does not keep the login" % r.req())


@test("POST /login: 303, cookie kiln_session; Path=prefix; HttpOnly; "
      "SameSite=Lax", "html")
def t_login(o):
    b, r = login(o)
    loc = r.header("Location") or ""
    check(loc.startswith(b.prefix + "/") or loc == b.prefix,
          "%s: Location %r not under %r" % (r.req(), loc, b.prefix))
    cks = [s for s in r.header_all("Set-Cookie")
           if s.startswith("kiln_session=")]
    check(len(cks) == 1, "%s: Set-Cookie %r" %
          (r.req(), r.header_all("Set-Cookie")))
    parts = [p.strip() for p in cks[0].split(";")]
    attrs = {p.split("=")[0].lower(): (p.split("=", 1)[1] if "=" in p
                                       else True) for p in parts[1:]}
    check(len(parts[0]) > len("kiln_session=") + 16,
          "session token too short: %r" % parts[0])
    check(attrs.get("path") == (b.prefix or "/"),
          "%s: cookie Path=%r, want %r" % (r.req(), attrs.get("path"),
                                           b.prefix or "/"))
    check(attrs.get("httponly") is True, "%s: no HttpOnly" % r.req())
    check(str(attrs.get("samesite", "")).lower() == "lax",
          "%s: SameSite=%r" % (r.req(), attrs.get("samesite")))
    # A second login gets another token (rotation, no fixation).
    b2, r2 = login(o)
    check(b2.cookies.get("kiln_session") != b.cookies.get("kiln_session"),
          "two logins gave the same session token")
    S.browsers[o.login] = b


def browser(o, user=None):
    """A logged-in browser session: the sales user's unless USER."""
    user = user or o.login
    b = S.browsers.get(user)
    if b is None or "kiln_session" not in b.cookies:
        b, _ = login(o, user=user)
        S.browsers[user] = b
    return b


@test("HTML list page, valid, links under the prefix", "html")
def t_list_page(o):
    b = browser(o)
    r = expect(b.get("/customers"), 200)
    check(r.ctype == "text/html", "%s: %r" % (r.req(), r.ctype))
    hrefs = [n.get("href") for n in r.dom().iter("a")]
    check(b.prefix + "/customers/new" in hrefs,
          "%s: no link to %s/customers/new" % (r.req(), b.prefix))


def new_form(b):
    r = expect(b.get("/customers/new"), 200)
    f = form_with(r.dom(), "name")
    check(f is not None, "%s: no form with a name field" % r.req())
    csrf = [v for k, v in f["fields"] if k == "csrf"]
    check(csrf and len(csrf[0]) >= 16,
          "%s: no hidden csrf input in the form" % r.req())
    hidden = [n for n in f["node"].iter("input") if n.get("name") == "csrf"]
    check(hidden and hidden[0].get("type") == "hidden",
          "%s: csrf input is not type=hidden" % r.req())
    return r, f


def fill(fields, values):
    for k, v in values.items():
        fields = set_field(fields, k, v)
    return fields


@test("GET /customers/new: form with csrf and every field", "html")
def t_new_form(o):
    for user, inputs in ((o.admin_login, CUSTOMER_INPUT),
                         (o.login, [k for k in CUSTOMER_INPUT
                                    if k not in CREDIT])):
        b = browser(o, user)
        r, f = new_form(b)
        check(f["method"] == "post" and
              f["action"] == b.prefix + "/customers",
              "%s: form method %r action %r" % (r.req(), f["method"],
                                                 f["action"]))
        names = {k for k, _ in f["fields"]}
        missing = [k for k in inputs if k not in names]
        check(not missing, "%s (as %s): form lacks fields %s" %
              (r.req(), user, missing))
    check_readonly(r, f, {"credit_limit": "0.00",
                          "payment_terms": "prepaid"})


def check_readonly(r, f, values):
    """The sales user's form F shows the credit terms VALUES read-only:
    an element with id f-FIELD showing the value, and no control named
    FIELD (api.md: forms show fields a user may not set read-only)."""
    def norm(v):
        return re.sub(r"[^0-9a-z]", "", v.lower())
    for k, v in values.items():
        ctl = [n.tag for n in f["node"].iter() if n.get("name") == k]
        check(not ctl, "%s: the sales user's form has a <%s name=%r>; "
              "want it read-only" % (r.req(), ctl and ctl[0], k))
        shown = [n.text() for n in f["node"].iter() if n.get("id") == "f-" +
                 k]
        check(shown and norm(v) in norm(shown[0]),
              "%s: %s not shown read-only as %r (got %r)" %
              (r.req(), k, v, shown))


@test("the sales user's form adding credit_limit anyway: 403 naming it, "
      "nothing stored", "html")
def t_html_credit_forged(o):
    b = browser(o)
    r, f = new_form(b)
    name = uniq("Forged credit")
    p = b.post(f["action"], fill(f["fields"], valid_customer(
        name=name, credit_limit="9000.00")), raw=True)
    expect(p, 403)
    check("credit_limit" in p.dom().text(), "%s: the 403 page does not "
          "name credit_limit" % p.req())
    check(count_named(o.erp, name) == 0, "the forged form was stored")


def html_create(o, b, **over):
    r, f = new_form(b)
    vals = valid_customer(**over)
    fields = fill(f["fields"], vals)
    p = b.post(f["action"], fields, raw=True)
    return p, vals, f


@test("HTML create: 303 to the record, detail page shows it", "html")
def t_html_create(o):
    b = browser(o)
    p, vals, _ = html_create(o, b, city="宁波", notes="a <b>bold</b> note")
    expect(p, 303)
    loc = p.header("Location") or ""
    m = re.fullmatch(re.escape(b.prefix) + r"/customers/(\d+)\?done=created",
                     loc)
    check(m, "%s: Location %r, want %s/customers/ID?done=created" %
          (p.req(), loc, b.prefix))
    d = expect(b.get(loc, raw=True), 200)
    text = d.dom().text()
    check("Created." in text, "%s: no word of what was done" % d.req())
    for k in ("name", "city", "phone", "email", "notes"):
        check(vals[k] in text, "%s: detail page lacks %s %r" %
              (d.req(), k, vals[k]))
    S.html_id = int(m.group(1))
    S.html_vals = vals


@test("HTML create without csrf (or a wrong one): 403, nothing stored",
      "html")
def t_html_nocsrf(o):
    b = browser(o)
    r, f = new_form(b)
    name = uniq("NoCsrf")
    fields = [(k, v) for k, v in fill(f["fields"], valid_customer(
        name=name)) if k != "csrf"]
    p = b.post(f["action"], fields, raw=True)
    expect(p, 403)
    p = b.post(f["action"], fields + [("csrf", "0" * 32)], raw=True)
    expect(p, 403)
    check(count_named(o.api, name) == 0,
          "POST without csrf stored a customer")
    # The header form is accepted instead of the field.
    tok = [v for k, v in f["fields"] if k == "csrf"][0]
    p = b.post(f["action"], fields, raw=True,
               headers={"X-CSRF-Token": tok})
    expect(p, 303)


@test("HTML create from another site: 403 despite a valid csrf", "html")
def t_html_cross_site(o):
    b = browser(o)
    r, f = new_form(b)
    name = uniq("CrossSite")
    fields = fill(f["fields"], valid_customer(name=name))
    p = b.post(f["action"], fields, raw=True,
               headers={"Origin": "http://evil.example",
                        "Sec-Fetch-Site": "cross-site"})
    expect(p, 403)
    p = b.post(f["action"], fields, raw=True,
               headers={"Origin": "http://evil.example",
                        "Sec-Fetch-Site": None})
    expect(p, 403)
    check(count_named(o.api, name) == 0, "a cross-site POST was stored")


@test("HTML create with credit_limit=12x (the administrator) or a bad "
      "e-mail (sales): 422, form keeps values and shows the error", "html")
def t_html_invalid(o):
    for user, field, value in ((o.admin_login, "credit_limit", "12x"),
                               (o.login, "email", "not an email")):
        b = browser(o, user)
        name = uniq("Twelve X")
        p, vals, _ = html_create(o, b, name=name, **{field: value})
        expect(p, 422)
        check(p.ctype == "text/html", "%s: %r" % (p.req(), p.ctype))
        dom = p.dom()
        f = form_with(dom, field)
        check(f is not None, "%s: the 422 page has no form with %s "
              "(entered values not kept)" % (p.req(), field))
        got = dict(f["fields"])
        check(got.get(field) == value, "%s: %s value %r, want %r" %
              (p.req(), field, got.get(field), value))
        check(got.get("name") == name, "%s: name value %r, want %r" %
              (p.req(), got.get("name"), name))
        check(got.get("city") == vals["city"], "%s: city value %r" %
              (p.req(), got.get("city")))
        check(got.get("csrf"), "%s: the 422 form lost its csrf field" %
              p.req())
        marked = [n for n in dom.iter() if
                  re.search(r"\b(error|invalid|errors)\b",
                            n.get("class", "")) or
                  n.get("role") == "alert" or
                  n.get("aria-invalid") == "true"]
        check(marked, "%s: no error shown (no element with class error/"
              "invalid, role=alert or aria-invalid)" % p.req())
        check(count_named(o.erp, name) == 0, "an invalid form was stored")


@test("HTML detail and edit form show the record", "html")
def t_html_detail_edit(o):
    b = browser(o)
    cid, _ = create(o, credit_customer())
    rec = fetch(o.api, cid)
    d = expect(b.get("/customers/%d" % cid), 200)
    check(rec.findtext("name") in d.dom().text(),
          "%s: name not shown" % d.req())
    e = expect(b.get("/customers/%d/edit" % cid), 200)
    f = form_with(e.dom(), "name")
    check(f is not None, "%s: no edit form" % e.req())
    got = dict(f["fields"])
    check(got.get("version") == rec.get("version"),
          "%s: version field %r, record version %r" %
          (e.req(), got.get("version"), rec.get("version")))
    check(got.get("csrf"), "%s: no csrf in the edit form" % e.req())
    for k in ("name", "city", "phone", "email", "segment", "notes"):
        check(got.get(k) == (rec.findtext(k) or ""),
              "%s: field %s prefilled %r, record has %r" %
              (e.req(), k, got.get(k), rec.findtext(k)))
    check_readonly(e, f, {k: rec.findtext(k) for k in CREDIT})
    check(f["action"] and f["action"].startswith(b.prefix + "/customers/%d"
                                                 % cid),
          "%s: edit form action %r" % (e.req(), f["action"]))


@test("HTML edit: 303 and stored; stale edit: 409, nothing changed", "html")
def t_html_edit(o):
    b = browser(o)
    cid, _ = create(o, valid_customer())
    e = expect(b.get("/customers/%d/edit" % cid), 200)
    f = form_with(e.dom(), "name")
    check(f is not None, "%s: no edit form" % e.req())
    fields = set_field(f["fields"], "city", "Shaoxing")
    p = b.post(f["action"], fields, raw=True)
    expect(p, 303)
    check(p.header("Location") == "%s/customers/%d?done=saved" %
          (b.prefix, cid), "%s: Location %r" % (p.req(),
                                                p.header("Location")))
    rec = fetch(o.api, cid)
    check(rec.findtext("city") == "Shaoxing" and rec.get("version") == "2",
          "edit not stored: city %r version %r" %
          (rec.findtext("city"), rec.get("version")))
    # The same form again carries the old version.
    fields = set_field(f["fields"], "city", "Huzhou")
    p = b.post(f["action"], fields, raw=True)
    expect(p, 409)
    check(p.ctype == "text/html", "%s: %r" % (p.req(), p.ctype))
    rec = fetch(o.api, cid)
    check(rec.findtext("city") == "Shaoxing" and rec.get("version") == "2",
          "stale edit changed the record: city %r version %r" %
          (rec.findtext("city"), rec.get("version")))
    # The brief's POST /customers/ID/edit, if Kiln takes updates there.
    p = b.post("/customers/%d/edit" % cid, set_field(
        set_field(f["fields"], "version", "2"), "city", "Lishui"))
    check(p.status in (303, 404, 405),
          "%s: got %d" % (p.req(), p.status))
    S.edit_post_status = p.status


@test("no GET changes state (GET .../delete, GET /logout)", "html")
def t_get_safe(o):
    b = browser(o)
    cid, _ = create(o, valid_customer())
    r = b.get("/customers/%d/delete" % cid)
    check(r.status != 303 or "/customers/%d" % cid in
          (r.header("Location") or ""),
          "%s: %d %r" % (r.req(), r.status, r.header("Location")))
    expect(o.api.get("/customers/%d.xml" % cid), 200)
    b.get("/logout")
    expect(b.get("/customers"), 200)


@test("HTML delete: asked first on a page of its own; without csrf 403;"
      " with csrf 303 to a list saying so, then 404", "html")
def t_html_delete(o):
    b = browser(o)
    cid, _ = create(o, valid_customer())
    d = expect(b.get("/customers/%d" % cid), 200)
    ask = "%s/customers/%d/delete" % (b.prefix, cid)
    check(ask in [a.get("href") for a in d.dom().iter("a")],
          "%s: no link to %s" % (d.req(), ask))
    check(not [x for x in forms(d.dom()) if x["action"] == ask],
          "%s: deletes without asking" % d.req())
    d = expect(b.get("/customers/%d/delete" % cid), 200)
    f = [x for x in forms(d.dom()) if x["action"] ==
         "%s/customers/%d/delete" % (b.prefix, cid)]
    check(f, "%s: no form posting to %s/customers/%d/delete" %
          (d.req(), b.prefix, cid))
    f = f[0]
    check(f["method"] == "post", "delete form method %r" % f["method"])
    p = b.post(f["action"], [kv for kv in f["fields"] if kv[0] != "csrf"],
               raw=True)
    expect(p, 403)
    expect(o.api.get("/customers/%d.xml" % cid), 200)
    p = b.post(f["action"], f["fields"], raw=True)
    expect(p, 303)
    loc = p.header("Location") or ""
    check(loc.startswith(b.prefix + "/") and loc.endswith("?done=deleted"),
          "%s: Location %r" % (p.req(), loc))
    r = expect(b.get(loc, raw=True), 200)
    check(b'class="flash"' in r.body, "%s: no message" % r.req())
    expect(b.get("/customers/%d" % cid), 404)
    expect_error(o.api.get("/customers/%d.xml" % cid), 404, "not_found")


@test("logout: csrf needed; 303; the old cookie no longer works", "html")
def t_logout(o):
    b, _ = login(o)
    r = expect(b.get("/customers"), 200)
    f = [x for x in forms(r.dom()) if (x["action"] or "").endswith(
        "/logout")]
    check(f, "%s: no logout form" % r.req())
    f = f[0]
    check(f["action"] == b.prefix + "/logout", "logout action %r" %
          f["action"])
    p = b.post(f["action"], [kv for kv in f["fields"] if kv[0] != "csrf"],
               raw=True)
    expect(p, 403)
    expect(b.get("/customers"), 200)
    old = dict(b.cookies)
    p = b.post(f["action"], f["fields"], raw=True)
    expect(p, 303)
    check((p.header("Location") or "") == b.prefix + "/login",
          "%s: Location %r" % (p.req(), p.header("Location")))
    b.cookies = old     # a browser that kept the cookie anyway
    r = b.get("/customers")
    expect(r, 303)
    check(r.header("Location") == b.prefix + "/login",
          "%s: Location %r" % (r.req(), r.header("Location")))


@test("HTML error pages are full valid pages (404, 403)", "html")
def t_html_errors(o):
    b = browser(o)
    r = expect(b.get("/no/such/page"), 404)
    check(r.ctype == "text/html", "%s: %r" % (r.req(), r.ctype))
    r = expect(b.get("/customers/999999999"), 404)
    check(r.ctype == "text/html", "%s: %r" % (r.req(), r.ctype))


# -- lists

def list_fixture(o):
    if getattr(S, "tag", None):
        return S.tag, S.tagged
    tag = "LS%s" % RUN
    specs = [
        dict(name="%s Alpha Machinery" % tag, segment="key_account",
             city="Hangzhou", credit_limit="10000.00", payment_terms="net60"),
        dict(name="%s Bravo Trading" % tag, segment="project",
             city="Shanghai", credit_limit="900.00", payment_terms="net30"),
        dict(name="%s Charlie Parts" % tag, segment="project",
             city="Ningbo", credit_limit="5000.00", payment_terms="net30"),
        dict(name="%s 杭州西湖机械有限公司" % tag, segment="small_loyal",
             city="杭州", credit_limit="20000.00", payment_terms="net30"),
        dict(name="%s Delta 宁波港贸易" % tag, segment="channel_partner",
             city="宁波", credit_limit="60000.00", payment_terms="net60"),
        dict(name="=SUM(1+1) %s Echo" % tag, segment="small_loyal",
             city="Wuxi", credit_limit="1.50", payment_terms="net15"),
        dict(name="%s Foxtrot Prospect" % tag, segment="prospect",
             city="Suzhou", credit_limit="0.00", payment_terms="prepaid"),
    ]
    tagged = {}
    for s in specs:
        cid, _ = create(o, valid_customer(**s))
        tagged[cid] = s
    S.tag, S.tagged = tag, tagged
    return tag, tagged


def ids_of(root):
    return [int(c.get("id")) for c in root if c.tag == "customer"]


@test("list paging: limit=3 following next= sees every record once",
      "list")
def t_paging(o):
    tag, tagged = list_fixture(o)
    recs, pages = walk(o.api, "/customers.xml?limit=3")
    ids = [int(c.get("id")) for c in recs]
    check(all(len([c for c in p if c.tag == "customer"]) <= 3
              for p in pages), "a page holds more than limit=3 records")
    dup = sorted({i for i in ids if ids.count(i) > 1})
    check(not dup, "paging returned ids twice: %s" % dup[:10])
    missing = sorted(set(tagged) - set(ids))
    check(not missing, "paging never returned ids %s" % missing)
    full = expect(o.api.get("/customers.xml?limit=500"), 200).xml()
    if full.get("next") is None:
        check(sorted(ids_of(full)) == sorted(ids),
              "limit=3 walk saw %d records, one limit=500 page %d" %
              (len(ids), len(ids_of(full))))
    # Under a search and a descending sort, two at a time.
    recs, pages = walk(o.api, "/customers.xml?" + urllib.parse.urlencode(
        {"q": tag, "sort": "-name", "limit": "2"}))
    got = [int(c.get("id")) for c in recs]
    want = sorted(tagged, key=lambda i: tagged[i]["name"], reverse=True)
    check(got == want, "q=%s&sort=-name&limit=2 walk: ids %s, want %s" %
          (tag, got, want))
    check(len(pages) == 4, "7 records at limit=2 gave %d pages" % len(pages))


@test("list pages in the browser: next to the end, then previous back to "
      "the first, the same pages; the first has no previous", "list")
def t_prev_pages(o):
    tag, tagged = list_fixture(o)
    b = browser(o)

    def page(url):
        r = expect(b.get(url, raw=True), 200)
        ids = [a.get("href").rsplit("/", 1)[1] for a in r.dom().iter("a")
               if re.fullmatch(re.escape(b.prefix) + r"/customers/\d+",
                               a.get("href") or "")]
        rel = {a.get("rel"): a.get("href") for a in r.dom().iter("a")
               if a.get("rel")}
        return ids, rel

    for sort in ("name", "-name"):
        url = b.prefix + "/customers?" + urllib.parse.urlencode(
            {"q": tag, "sort": sort, "limit": "2"})
        forward = []
        ids, rel = page(url)
        check("prev" not in rel and "first" not in rel,
              "%s: the first page offers a previous one" % url)
        forward.append(ids)
        while "next" in rel:
            ids, rel = page(rel["next"].replace("&amp;", "&"))
            forward.append(ids)
        check(len(forward) == 4, "%s: %d pages of 7 at 2" %
              (url, len(forward)))
        back = [forward[-1]]
        while "prev" in rel:
            ids, rel = page(rel["prev"].replace("&amp;", "&"))
            back.append(ids)
        check(back[::-1] == forward, "sort=%s: back %r, forward %r" %
              (sort, back[::-1], forward))
        check("next" in rel, "the first page, reached backwards, has no "
              "next")
    expect_error(o.api.get("/customers.xml?after=x&before=y"), 400,
                 "bad_request")


@test("a record page's sections sort and page in place (orders.sort=, "
      "orders.after=, orders.before=), not in the global list", "list")
def t_section_pages(o):
    cid, _ = create(o, credit_customer(credit_limit="1000000.00"))
    pid = products_any(o)
    oids = [draft_order(o.api, cid, pid) for _ in range(3)]
    b = browser(o)

    def section(url):
        # A browser keeps the #fragment to itself.
        r = expect(b.get(url.split("#")[0], raw=True), 200)
        sec = [n for n in r.dom().iter("section")
               if n.get("id") == "sec-orders"]
        check(sec, "%s: no orders section" % r.req())
        ids = [int(a.get("href").rsplit("/", 1)[1]) for a in sec[0].iter("a")
               if re.fullmatch(re.escape(b.prefix) + r"/orders/\d+",
                               a.get("href") or "")]
        rel = {a.get("rel"): a.get("href") for a in sec[0].iter("a")
               if a.get("rel")}
        heads = [a.get("href") for a in sec[0].iter("a")
                 if a.parent is not None and a.parent.tag == "th"]
        return ids, rel, heads

    page = b.prefix + "/customers/%d" % cid
    ids, rel, heads = section(page + "?orders.limit=1&orders.sort=-number")
    check(ids == [max(oids)], "first page of the section: %r" % ids)
    check(heads and all(h.startswith(page + "?") and "#sec-orders" in h
                        for h in heads),
          "the section's sort links leave the page: %r" % heads)
    seen = [ids]
    while "next" in rel:
        check(rel["next"].startswith(page + "?"), "next leaves the page: %r"
              % rel["next"])
        ids, rel, _ = section(rel["next"])
        seen.append(ids)
    check(seen == [[i] for i in sorted(oids, reverse=True)],
          "the section's pages: %r" % seen)
    ids, rel, _ = section(rel["prev"])
    check(ids == [sorted(oids)[1]], "back one page: %r" % ids)


@test("search q=: substring, case, Chinese (3 and 2 characters)", "list")
def t_search(o):
    tag, tagged = list_fixture(o)
    by = {s["name"]: i for i, s in tagged.items()}

    def q(text, extra=None):
        p = {"q": text, "limit": "500"}
        p.update(extra or {})
        r = expect(o.api.get("/customers.xml?" + urllib.parse.urlencode(p)),
                   200)
        return {i for i in ids_of(r.xml()) if i in tagged}, r

    got, r = q(tag)
    check(got == set(tagged), "q=%s: %d of %d tagged records" %
          (tag, len(got), len(tagged)))
    probes = [("ravo Trad", ["%s Bravo Trading" % tag]),
              ("西湖机械", ["%s 杭州西湖机械有限公司" % tag]),
              ("宁波港", ["%s Delta 宁波港贸易" % tag])]
    fails = []
    for text, names in probes:
        got, r = q(text)
        if got != {by[n] for n in names}:
            fails.append("%s: got ids %s, want %s" %
                         (r.req(), sorted(got), sorted(by[n] for n in names)))
    check(not fails, "; ".join(fails))


@test("search q=: lower case finds Title Case (ASCII)", "list")
def t_search_case(o):
    tag, tagged = list_fixture(o)
    r = expect(o.api.get("/customers.xml?" + urllib.parse.urlencode(
        {"q": "bravo trading"})), 200)
    got = {i for i in ids_of(r.xml()) if i in tagged}
    want = {i for i, s in tagged.items() if "Bravo" in s["name"]}
    check(got == want, "%s: ids %s, want %s" % (r.req(), sorted(got),
                                                 sorted(want)))


@test("search q= of two Chinese characters (宁波, a city)", "list")
def t_search_cjk2(o):
    tag, tagged = list_fixture(o)
    r = expect(o.api.get("/customers.xml?" + urllib.parse.urlencode(
        {"q": "宁波", "limit": "500"})), 200)
    got = {i for i in ids_of(r.xml()) if i in tagged}
    want = {i for i, s in tagged.items() if "宁波" in s["name"] or
            s["city"] == "宁波"}
    check(got == want, "%s: tagged ids %s, want %s (a two-character "
          "search finds nothing with a trigram index alone)" %
          (r.req(), sorted(got), sorted(want)))


@test("filters: ?segment=, ?city= (Chinese), ?owner=", "list")
def t_filters(o):
    tag, tagged = list_fixture(o)
    cases = [({"segment": "project"},
              {i for i, s in tagged.items() if s["segment"] == "project"}),
             ({"city": "宁波"},
              {i for i, s in tagged.items() if s["city"] == "宁波"}),
             ({"segment": "prospect"},
              {i for i, s in tagged.items() if s["segment"] == "prospect"})]
    if getattr(S, "owner_id", None):
        cases.append(({"owner": S.owner_id}, set(tagged)))
    for params, want in cases:
        p = dict(params, q=tag, limit="500")
        r = expect(o.api.get("/customers.xml?" + urllib.parse.urlencode(p)),
                   200)
        got = set(ids_of(r.xml()))
        check(got == want, "%s: ids %s, want %s" % (r.req(), sorted(got),
                                                     sorted(want)))
        for c in r.xml():
            for k, v in params.items():
                if k == "owner":
                    check(c.find("owner").get("id") == v, "owner filter")
                else:
                    check(c.findtext(k) == v, "%s: a record with %s=%r" %
                          (r.req(), k, c.findtext(k)))
    r = expect(o.api.get("/customers.xml?segment=project"), 200)
    check(all(c.findtext("segment") == "project" for c in r.xml()),
          "%s: a record of another segment" % r.req())


@test("sort=name, sort=-name, sort=credit_limit (numeric), sort=-city",
      "list")
def t_sort(o):
    tag, tagged = list_fixture(o)

    def ids(sort):
        r = expect(o.api.get("/customers.xml?" + urllib.parse.urlencode(
            {"q": tag, "sort": sort, "limit": "500"})), 200)
        return ids_of(r.xml()), r

    def money(s):
        return int(s.replace(".", ""))

    cases = {
        "name": sorted(tagged, key=lambda i: (tagged[i]["name"], i)),
        "-name": sorted(tagged, key=lambda i: (tagged[i]["name"], i),
                        reverse=True),
        "credit_limit": sorted(tagged, key=lambda i: (
            money(tagged[i]["credit_limit"]), i)),
        "-credit_limit": sorted(tagged, key=lambda i: (
            money(tagged[i]["credit_limit"]), i), reverse=True),
    }
    for sort, want in cases.items():
        got, r = ids(sort)
        check(got == want, "%s: order %s, want %s" % (r.req(), got, want))
    got, r = ids("-city")
    cities = [tagged[i]["city"] for i in got]
    check(cities == sorted(cities, reverse=True),
          "%s: cities not descending: %s" % (r.req(), cities))


@test("bad sort / limit / cursor: 400 code=bad_request", "list")
def t_list_bad(o):
    bad = ["sort=bogus", "sort=notes", "sort=name%3BDROP%20TABLE%20customers",
           "sort=--name", "sort=name%20DESC", "sort=1",
           "limit=501", "limit=-1", "limit=abc", "limit=1e3",
           "limit=99999999999999999999",
           "after=garbage", "after=%27%20OR%201%3D1--",
           "after=Zm9v"]
    fails = []
    for qs in bad:
        r = o.api.get("/customers.xml?" + qs)
        if r.status != 400:
            fails.append("GET %s/customers.xml?%s -> %d (want 400)" %
                         (o.api.prefix, qs, r.status))
        else:
            root = r.xml()
            if root.get("code") != "bad_request":
                fails.append("GET ...?%s: code=%r" % (qs, root.get("code")))
    for qs in ("limit=500", "limit=1", "sort=-name", "sort=credit_limit",
               "sort=city", "sort=code"):
        r = o.api.get("/customers.xml?" + qs)
        if r.status != 200:
            fails.append("GET %s/customers.xml?%s -> %d (want 200)" %
                         (o.api.prefix, qs, r.status))
    check(not fails, "; ".join(fails))


@test("CSV: text/csv, header \"id\",\"version\",\"name\",..., values, "
      "=formula defused", "list")
def t_csv(o):
    tag, tagged = list_fixture(o)
    r = expect(o.api.get("/customers.csv?" + urllib.parse.urlencode(
        {"q": tag, "limit": "500"})), 200)
    check(r.ctype == "text/csv", "%s: Content-Type %r" % (r.req(), r.ctype))
    text = r.body.decode("utf-8")
    first = text.split("\n")[0].rstrip("\r")
    check(first.startswith('"id","version","name"'),
          "%s: header row %r" % (r.req(), first[:80]))
    rows = list(csv.reader(io.StringIO(text)))
    head = rows[0]
    for k in CUSTOMER_FIELDS:
        check(k in head, "%s: header lacks %r: %s" % (r.req(), k, head))
    body = {int(row[0]): dict(zip(head, row)) for row in rows[1:] if row}
    check(set(body) == set(tagged), "%s: rows %s, want %s" %
          (r.req(), sorted(body), sorted(tagged)))
    for i, s in tagged.items():
        want = s["name"]
        if want.startswith("="):
            want = "'" + want
        check(body[i]["name"] == want, "%s: name cell %r, want %r" %
              (r.req(), body[i]["name"], want))
        check(body[i]["credit_limit"] == s["credit_limit"],
              "%s: credit_limit cell %r, want %r" %
              (r.req(), body[i]["credit_limit"], s["credit_limit"]))
        check(body[i]["city"] == s["city"], "%s: city cell %r" %
              (r.req(), body[i]["city"]))


@test("HTML list with q= shows the matches", "list")
def t_html_list_q(o):
    tag, tagged = list_fixture(o)
    b = browser(o)
    r = expect(b.get("/customers?" + urllib.parse.urlencode({"q": tag})),
               200)
    text = r.dom().text()
    for s in tagged.values():
        check(s["name"] in text, "%s: %r not listed" % (r.req(), s["name"]))
    q = [n for n in r.dom().iter("input") if n.get("name") == "q" and
         n.get("id") != "site-q"]
    check(q and q[0].get("value") == tag, "%s: search box does not keep q"
          % r.req())


def products_any(o):
    """A product of the administrator's making, for lines."""
    if not getattr(S, "product_id", None):
        sku = uniq("PK").replace(" ", "-")
        r = expect(o.erp.post("/products", "<product><sku>%s</sku><name>%s"
                              "</name><unit_price>10.00</unit_price>"
                              "</product>" % (sku, sku), ctype=XML_CT,
                              accept=XML_CT), 201)
        S.product_id = int(r.xml().get("id"))
    return S.product_id


def pick_form(b, path, field):
    """The form at PATH and its picker for FIELD: a hidden FIELD input
    and a text FIELD.q input (api.md: reference fields are pickers)."""
    r = expect(b.get(path), 200)
    f = form_with(r.dom(), field + ".q")
    check(f is not None, "%s: no picker %s.q" % (r.req(), field))
    kinds = {n.get("name"): n.get("type") for n in f["node"].iter("input")}
    check(kinds.get(field) == "hidden" and kinds.get(field + ".q") == "text",
          "%s: picker inputs %r" % (r.req(), kinds))
    return f


def stored_xml(b, p):
    """The record a 303 P went to, as XML."""
    loc = p.header("Location").split("?")[0][len(b.prefix):]
    return expect(b.get(loc + ".xml"), 200).xml()


def contact_by_picker(b, f, text, chosen=""):
    fields = fill(f["fields"], {"name": uniq("Picked"), "customer": chosen,
                                "customer.q": text})
    return b.post(f["action"], fields, raw=True)


@test("pickers: a reference by name without scripts: one match is taken, "
      "several are offered, none is said, a choice stands", "list")
def t_pick_form(o):
    tag, tagged = list_fixture(o)
    b = browser(o)
    f = pick_form(b, "/contacts/new", "customer")
    alpha = [c for c, s in tagged.items() if "Alpha" in s["name"]][0]
    bravo = [c for c, s in tagged.items() if "Bravo" in s["name"]][0]
    # One match (part of the name, another case) is taken.
    p = contact_by_picker(b, f, "%s alpha machin" % tag)
    expect(p, 303)
    got = stored_xml(b, p).find("customer").get("id")
    check(got == str(alpha), "%s: contact's customer %r, want %d" %
          (p.req(), got, alpha))
    # A stale id with a changed text: the text wins.
    p = contact_by_picker(b, f, tagged[bravo]["name"], chosen=str(alpha))
    expect(p, 303)
    got = stored_xml(b, p).find("customer").get("id")
    check(got == str(bravo), "%s: text %r gave customer %r" %
          (p.req(), tagged[bravo]["name"], got))
    # Several: the form again, the text kept, the candidates to choose.
    p = expect(contact_by_picker(b, f, tag), 422)
    dom = p.dom()
    radios = [n.get("value") for n in dom.iter("input")
              if n.get("name") == "customer" and n.get("type") == "radio"]
    check(sorted(map(int, radios)) == sorted(tagged),
          "%s: choices %r, want the %d tagged customers" %
          (p.req(), radios, len(tagged)))
    q = [n.get("value") for n in dom.iter("input")
         if n.get("name") == "customer.q"]
    check(q == [tag], "%s: the typed text not kept: %r" % (p.req(), q))
    check(not [n for n in dom.iter("input") if n.get("name") == "customer"
               and n.get("type") == "hidden"],
          "%s: a hidden id besides the choices" % p.req())
    # Choosing one of them (the text unchanged) stands.
    again = form_with(dom, "customer.q")
    fields = set_field(again["fields"], "customer", str(bravo))
    p2 = b.post(again["action"], fields, raw=True)
    expect(p2, 303)
    got = stored_xml(b, p2).find("customer").get("id")
    check(got == str(bravo), "%s: chose %d, got %r" % (p2.req(), bravo, got))
    # None: said so in the form, nothing stored.
    p = expect(contact_by_picker(b, f, "zq%sxz" % RUN), 422)
    check("nothing matches" in p.dom().text(),
          "%s: no word that nothing matches" % p.req())
    # A customer the sales user may not read is not found by its name.
    hidden = uniq("Hidden Picker Co")
    expect(o.erp.post("/customers", customer_xml({"name": hidden}),
                      ctype=XML_CT, accept=XML_CT), 201)
    p = expect(contact_by_picker(b, f, hidden), 422)
    check("nothing matches" in p.dom().text() and
          not [n for n in p.dom().iter("input") if n.get("type") == "radio"],
          "%s: another's customer found or offered" % p.req())


@test("search: GET /search groups customers, contacts, orders (by "
      "customer name) and products; .xml valid; only readable records",
      "list")
def t_search(o):
    tag, tagged = list_fixture(o)
    b = browser(o)
    charlie = [c for c, s in tagged.items() if "Charlie" in s["name"]][0]
    pid = products_any(o)
    oid = draft_order(o.api, charlie, pid)
    r = expect(b.get("/search?" + urllib.parse.urlencode(
        {"q": "%s Charlie" % tag})), 200)
    hrefs = [n.get("href") for n in r.dom().iter("a")]
    for want in ("/customers/%d" % charlie, "/orders/%d" % oid):
        check(b.prefix + want in hrefs, "%s: no link to %s" % (r.req(), want))
    heads = [n.text() for n in r.dom().iter("h2")]
    check("Customers" in heads and "Orders" in heads,
          "%s: not grouped by kind: %r" % (r.req(), heads))
    x = expect(o.api.get("/search.xml?" + urllib.parse.urlencode(
        {"q": tag, "in": "customer"})), 200).xml()
    got = sorted(int(c.get("id")) for c in x if c.tag == "customer")
    check(got == sorted(tagged), "/search.xml?in=customer: %r" % got)
    check(all(c.get("detail") is not None and c.text for c in x),
          "/search.xml: a result without title or detail")
    # Orders found in their own list by the customer's name.
    r = expect(o.api.get("/orders.xml?" + urllib.parse.urlencode(
        {"q": tagged[charlie]["name"]})), 200)
    check([int(c.get("id")) for c in r.xml()] == [oid],
          "%s: orders by customer name %r" %
          (r.req(), [c.get("id") for c in r.xml()]))
    # Contacts by a part of their name or e-mail (trigrams, 3 or more).
    who = "Qx%s Liang" % RUN
    expect(o.api.post("/contacts", '<contact><customer id="%d"/><name>%s'
                      '</name><email>q%s@buyer.example</email></contact>' %
                      (charlie, who, RUN.lower()), ctype=XML_CT,
                      accept=XML_CT), 201)
    for part in (who[:6].lower(), "q%s@buy" % RUN.lower(), "Liang"):
        x = expect(o.api.get("/search.xml?" + urllib.parse.urlencode(
            {"q": part, "in": "contact"})), 200).xml()
        check(who in [c.text for c in x], "/search.xml?in=contact&q=%s: "
              "%r" % (part, [c.text for c in x]))
    hidden = uniq("Hidden Search Co")
    expect(o.erp.post("/customers", customer_xml({"name": hidden}),
                      ctype=XML_CT, accept=XML_CT), 201)
    x = expect(o.api.get("/search.xml?" + urllib.parse.urlencode(
        {"q": hidden})), 200).xml()
    check(len(x) == 0, "/search.xml: another's customer found: %r" %
          [c.text for c in x])
    x = expect(o.erp.get("/search.xml?" + urllib.parse.urlencode(
        {"q": hidden})), 200).xml()
    check(len(x) == 1, "/search.xml as admin: %r" % [c.text for c in x])
    expect_error(o.api.get("/search.xml?in=nosuch&q=x"), 404, "not_found")
    r = expect(b.get("/search?q=%25_%27%3Cb%3E"), 200)


def approved_order(o, credit="1000000.00"):
    """An order of two lines (1 000.00 and 500.00 = 1 500.00), submitted
    and approved; its id."""
    cid, _ = create(o, credit_customer(credit_limit=credit))
    sku = uniq("ACT").replace(" ", "-")
    r = expect(o.erp.post("/products", "<product><sku>%s</sku><name>%s"
                          "</name><unit_price>500.00</unit_price></product>"
                          % (sku, sku), ctype=XML_CT, accept=XML_CT), 201)
    pid = int(r.xml().get("id"))
    r = expect(o.api.post("/orders", '<order><customer id="%d"/><lines>'
                          '<line><product id="%d"/><quantity>2</quantity>'
                          '</line><line><product id="%d"/><quantity>1'
                          '</quantity></line></lines></order>' %
                          (cid, pid, pid), ctype=XML_CT, accept=XML_CT), 201)
    oid = int(r.xml().get("id"))
    r = expect(o.api.post("/orders/%d/submit" % oid, b"", ctype=FORM_CT,
                          accept=XML_CT), 200)
    check(r.xml().get("status") == "approved", "setup: %s: %s" %
          (r.req(), short(r.body)))
    return oid


def act_forms(b, oid):
    """The action forms on order OID's page, by their last path part."""
    r = expect(b.get("/orders/%d" % oid), 200)
    out = {}
    for f in forms(r.dom()):
        act = (f["action"] or "").rsplit("/", 1)[-1]
        if f["method"] == "post" and (f["action"] or "").startswith(
                "%s/orders/%d/" % (b.prefix, oid)):
            out[act] = f
    return r, out


def act(b, oid, name, **values):
    """Take action NAME on order OID from its page, with VALUES."""
    _, fs = act_forms(b, oid)
    check(name in fs, "order %d: no %s button (has %s)" %
          (oid, name, sorted(fs)))
    return b.post(fs[name]["action"], fill(fs[name]["fields"], values),
                  raw=True)


def order_now(o, oid):
    x = expect(o.erp.get("/orders/%d.xml" % oid), 200).xml()
    return (x.findtext("status"), x.findtext("paid_amount"),
            int(x.get("version")))


@test("order actions: the buttons the status allows, each asking its own "
      "fields; a refused one keeps the input and says why; finance "
      "invoices and records payments in parts", "html")
def t_order_actions(o):
    oid = approved_order(o)
    sales = browser(o)
    r, fs = act_forms(sales, oid)
    check({"start", "ship", "cancel", "copy"} <= set(fs) and
          "invoice" not in fs and "pay" not in fs and "deliver" not in fs,
          "%s: an approved order offers %s to the salesperson" %
          (r.req(), sorted(fs)))
    check([k for k, _ in fs["ship"]["fields"]] == ["csrf", "version",
                                                   "shipped_date"],
          "%s: Ship asks for %r" % (r.req(), fs["ship"]["fields"]))
    # Not the salesperson's to invoice, whatever they send.
    p = sales.post(sales.prefix + "/orders/%d/invoice" % oid,
                   fill(fs["ship"]["fields"], {
        "invoiced_amount": "1500.00", "invoiced_date": "2031-01-03"}),
        raw=True)
    expect(p, 403)
    # A bad date: the form again, the input kept, nothing changed.
    p = expect(act(sales, oid, "ship", shipped_date="2031-02-30"), 422)
    kept = [n.get("value") for n in p.dom().iter("input")
            if n.get("name") == "shipped_date"]
    check(kept == ["2031-02-30"], "%s: input not kept: %r" % (p.req(), kept))
    check("date" in p.dom().text(), "%s: no reason given" % p.req())
    check(order_now(o, oid)[0] == "approved", "refused ship changed it")
    # A stale page: refused, said so.
    _, fs = act_forms(sales, oid)
    stale = set_field(fs["start"]["fields"], "version", "1")
    expect(sales.post(fs["start"]["action"], stale, raw=True), 409)
    for name, values, done in (("start", {}, "started"),
                               ("ship", {"shipped_date": "2031-01-02"},
                                "shipped")):
        p = expect(act(sales, oid, name, **values), 303)
        check(p.header("Location").endswith("?done=" + done),
              "%s: Location %r" % (p.req(), p.header("Location")))
    check(order_now(o, oid)[0] == "shipped", "not shipped")
    admin = browser(o, o.admin_login)
    expect(act(admin, oid, "deliver"), 303)
    r, fs = act_forms(admin, oid)
    amount = dict(fs["invoice"]["fields"]).get("invoiced_amount")
    check(amount == "1500.00", "%s: invoice amount offered %r, want the "
          "total 1500.00" % (r.req(), amount))
    expect(act(admin, oid, "invoice", invoiced_date="2031-01-03"), 303)
    expect(act(admin, oid, "pay", amount="1000.00",
               paid_date="2031-01-10"), 303)
    check(order_now(o, oid)[:2] == ("invoiced", "1000.00"),
          "a part payment: %r" % (order_now(o, oid),))
    p = expect(act(admin, oid, "pay", amount="600.00",
                   paid_date="2031-01-11"), 422)
    check("more than is owed" in p.dom().text(), "%s: %s" %
          (p.req(), short(p.body)))
    r, fs = act_forms(admin, oid)
    check(dict(fs["pay"]["fields"]).get("amount") == "500.00",
          "%s: the rest owed not offered" % r.req())
    expect(act(admin, oid, "pay", paid_date="2031-01-12"), 303)
    check(order_now(o, oid)[:2] == ("paid", "1500.00"),
          "paid in full: %r" % (order_now(o, oid),))
    r, fs = act_forms(admin, oid)
    check(set(fs) == {"copy"}, "%s: a paid order offers %s" %
          (r.req(), sorted(fs)))
    # Cancel asks why; the reason is in the order's history.
    oid2 = approved_order(o)
    expect(act(sales, oid2, "cancel", reason=""), 422)
    expect(act(sales, oid2, "cancel", reason="Customer withdrew"), 303)
    x = expect(o.api.get("/orders/%d.xml" % oid2), 200).xml()
    check(x.findtext("status") == "cancelled" and
          any(h.get("status") == "cancelled" and
              h.text == "Customer withdrew" for h in x.iter("event")),
          "cancelled order's history lacks the reason: %s" %
          short(ET.tostring(x)))
    # XML clients take the same actions.
    oid3 = approved_order(o)
    r = expect(o.api.post("/orders/%d/ship" % oid3, urllib.parse.urlencode(
        {"shipped_date": "2031-01-02"}), ctype=FORM_CT, accept=XML_CT), 200)
    check(r.xml().findtext("status") == "shipped", "%s: %s" %
          (r.req(), short(r.body)))
    expect_error(o.api.post("/orders/%d/ship" % oid3, urllib.parse.urlencode(
        {"shipped_date": "2031-01-02"}), ctype=FORM_CT, accept=XML_CT), 409,
        "conflict")


@test("the order form: no status, invoice or payment fields; terms may "
      "be left to the customer's", "html")
def t_order_form(o):
    b = browser(o)
    r = expect(b.get("/orders/new"), 200)
    f = form_with(r.dom(), "customer.q")
    names = {k for k, _ in f["fields"]}
    bad = names & {"status", "invoiced_amount", "paid_amount",
                   "shipped_date", "invoiced_date", "paid_date"}
    check(not bad, "%s: the form offers %s" % (r.req(), sorted(bad)))
    terms = [n for n in f["node"].iter("select")
             if n.get("name") == "payment_terms"]
    check(terms and [x.get("value") for x in terms[0].iter("option")][0] ==
          "", "%s: no empty choice of terms" % r.req())


@test("order entry on one page: a new order with its lines picked by SKU "
      "or name; a draft's lines changed, removed and added in one form; "
      "a bad line undoes the lot and keeps the input", "html")
def t_order_lines(o):
    cid, _ = create(o, credit_customer(credit_limit="1000000.00"))
    skus = []
    for price in ("100.00", "250.00"):
        sku = uniq("LN").replace(" ", "-")
        expect(o.erp.post("/products", "<product><sku>%s</sku><name>Part %s"
                          "</name><unit_price>%s</unit_price></product>" %
                          (sku, sku, price), ctype=XML_CT, accept=XML_CT),
               201)
        skus.append(sku)
    b = browser(o)
    r = expect(b.get("/orders/new"), 200)
    f = form_with(r.dom(), "lines.1.product.q")
    check(f is not None, "%s: the new order form has no lines" % r.req())
    rows = {k.split(".")[1] for k, _ in f["fields"] if k.startswith("lines.")}
    check(len(rows) >= 3, "%s: %d line rows" % (r.req(), len(rows)))
    fields = fill(f["fields"], {
        "customer": str(cid), "customer.q": "",
        "lines.1.product.q": skus[0].lower(), "lines.1.quantity": "3",
        "lines.2.product.q": "Part " + skus[1], "lines.2.quantity": "2",
        "lines.2.discount_pct": "10"})
    # The customer by its id alone (its text as the page would show it).
    x = expect(o.api.get("/customers/%d.xml" % cid), 200).xml()
    fields = set_field(fields, "customer.q", x.findtext("name"))
    p = expect(b.post(f["action"], fields, raw=True), 303)
    oid = int(re.search(r"/orders/(\d+)", p.header("Location")).group(1))
    x = expect(o.api.get("/orders/%d.xml" % oid), 200).xml()
    got = sorted((l.find("product").text, l.findtext("quantity"))
                 for l in x.iter("line"))
    check(got == sorted([("Part " + skus[0], "3"), ("Part " + skus[1], "2")])
          and x.findtext("total") == "750.00",
          "order %d: lines %r total %r, want 3 x 100.00 + 2 x 250.00 "
          "less 10 %% = 750.00" % (oid, got, x.findtext("total")))
    # One bad row: nothing of the order stored, the rows sent kept.
    before = len(expect(o.api.get("/orders.xml?customer=%d" % cid),
                        200).xml())
    bad = set_field(fields, "lines.3.product.q", "zq%snothing" % RUN)
    p = expect(b.post(f["action"], bad, raw=True), 422)
    check("line 3" in p.dom().text(), "%s: the bad line not named" %
          p.req())
    kept = [n.get("value") for n in p.dom().iter("input")
            if n.get("name") == "lines.3.product.q"]
    check(kept == ["zq%snothing" % RUN], "%s: row 3 not kept: %r" %
          (p.req(), kept))
    check(form_with(p.dom(), "lines.1.product.q")["action"] ==
          b.prefix + "/orders", "%s: the form again is not a new order's"
          % p.req())
    after = len(expect(o.api.get("/orders.xml?customer=%d" % cid),
                       200).xml())
    check(after == before, "a refused new order left an order behind")
    # The draft's page: its lines in one form.
    r = expect(b.get("/orders/%d" % oid), 200)
    f = form_with(r.dom(), "lines.1.quantity")
    check(f is not None and f["action"].endswith("/orders/%d/lines" % oid),
          "%s: no lines form on the draft's page" % r.req())
    ids = dict(f["fields"])
    changes = {"lines.1.quantity": "4", "lines.2.remove": "1",
               "lines.3.product.q": skus[1], "lines.3.quantity": "1"}
    p = expect(b.post(f["action"], fill(f["fields"], changes), raw=True),
               303)
    x = expect(o.api.get("/orders/%d.xml" % oid), 200).xml()
    got = sorted((l.find("product").text, l.findtext("quantity"))
                 for l in x.iter("line"))
    check(got == sorted([("Part " + skus[0], "4"), ("Part " + skus[1], "1")])
          and x.findtext("total") == "650.00",
          "order %d after the lines form: %r total %r (want 4 x 100.00 + "
          "250.00 = 650.00)" % (oid, got, x.findtext("total")))
    check(ids.get("lines.1.id") in [l.get("id") for l in x.iter("line")],
          "the changed line is a new one, not the same line")
    # A line of another order named in the form: refused, nothing done.
    other = approved_order(o)
    oline = expect(o.api.get("/orders/%d.xml" % other), 200).xml().find(
        "lines/line").get("id")
    r = expect(b.get("/orders/%d" % oid), 200)
    f = form_with(r.dom(), "lines.1.quantity")
    p = expect(b.post(f["action"], fill(f["fields"], {
        "lines.1.id": oline, "lines.1.quantity": "9"}), raw=True), 422)
    x = expect(o.api.get("/orders/%d.xml" % other), 200).xml()
    check(x.find("lines/line").findtext("quantity") != "9",
          "another order's line changed through this one's form")
    # Past draft: the lines as a table, no form.
    r = expect(b.get("/orders/%d" % other), 200)
    check(form_with(r.dom(), "lines.1.quantity") is None and
          any(True for t in r.dom().iter("table")
              if "lines" in (t.get("class") or "")),
          "%s: an approved order's lines are not a plain table" % r.req())


@test("home page: the role's panels; the held count is the user's held "
      "orders and links to the queue; charts are SVG with a title", "html")
def t_home(o):
    approved_order(o)     # an open order at least: the chart has bars
    b = browser(o)
    r = expect(b.get("/"), 200)
    dom = r.dom()
    panels = [n.get("class") for n in dom.iter("section")
              if "panel" in (n.get("class") or "").split()]
    for want in ("panel-held", "panel-late", "panel-credit",
                 "panel-pipeline", "recent"):
        check(any(want in c for c in panels), "%s: no %s panel (has %r)" %
              (r.req(), want, panels))
    check(not any("panel-overdue" in c for c in panels),
          "%s: finance's overdue panel on a salesperson's home" % r.req())
    held = len(expect(o.api.get("/orders.xml?status=on_hold&limit=500"),
                      200).xml())
    links = {n.text(): n.get("href") for n in dom.iter("a")}
    if held:
        check(links.get("Orders on hold: %d" % held) ==
              b.prefix + "/orders/held",
              "%s: want 'Orders on hold: %d' linking to the queue: %r" %
              (r.req(), held, links))
    pipeline = [n for n in dom.iter("section")
                if "panel-pipeline" in (n.get("class") or "")]
    svg = [n for n in pipeline[0].iter("svg")] if pipeline else []
    check(svg and any(t.text() for t in svg[0].iter("title")),
          "%s: no chart with a title" % r.req())
    hrefs = [n.get("href") for n in svg[0].iter("a")] if svg else []
    check(b.prefix + "/orders?status=approved" in hrefs,
          "%s: the chart's bars do not link to the lists: %r" %
          (r.req(), hrefs))
    a = browser(o, o.admin_login)
    r = expect(a.get("/"), 200)
    check(any("panel-overdue" in (n.get("class") or "")
              for n in r.dom().iter("section")),
          "%s: no overdue invoices panel for the administrator" % r.req())


@test("print: a draft prints as a quotation, an approved order as a "
      "confirmation, with the company, the lines and the total, in the "
      "reader's language; not for those who may not read the order", "html")
def t_print(o):
    oid = approved_order(o)
    b = browser(o)
    r = expect(b.get("/orders/%d/print" % oid), 200)
    text = r.dom().text()
    for want in ("Order confirmation", "Regress <Test> & Co.", "1 Test Road",
                 "\u00a51,500.00", "SO-"):
        check(want in text, "%s: %r not on the page" % (r.req(), want))
    check("Quotation" not in text, "%s: an approved order as a quotation"
          % r.req())
    imgs = [n for n in r.dom().iter("img") if "logo" in (n.get("class") or "")]
    check(imgs and imgs[0].get("src") == STATIC_URL + "/favicon.svg" and
          imgs[0].get("alt"), "%s: no logo with its alt text" % r.req())
    rows = [n for n in r.dom().iter("tr") if n.parent and
            n.parent.tag == "tbody"]
    check(len(rows) == 2, "%s: %d line rows, want 2" % (r.req(), len(rows)))
    # A draft: a quotation; in Chinese for a reader who asks for it.
    x = expect(o.api.post("/orders/%d/copy" % oid, b"", ctype=FORM_CT,
                          accept=XML_CT), 201).xml()
    r = expect(b.get("/orders/%s/print" % x.get("id"),
                     headers={"Accept-Language": "zh-CN"}), 200)
    check("报价单" in r.dom().text(), "%s: not a quotation in Chinese" %
          r.req())
    # Another's order: not there for the salesperson.
    cid = int(expect(o.erp.post("/customers", customer_xml(
        {"name": uniq("Print Other")}), ctype=XML_CT, accept=XML_CT),
        201).xml().get("id"))
    other = draft_order(o.erp, cid, products_any(o))
    expect(b.get("/orders/%d/print" % other), 404)


def catalogue():
    """English msgid -> Chinese, from core/i18n_zh.h."""
    path = os.path.join(HERE, "..", "..", "core", "i18n_zh.h")
    out = {}
    with open(path, encoding="utf-8") as f:
        for m in re.finditer(r'^\t\{ "((?:[^"\\]|\\.)*)", '
                             r'"((?:[^"\\]|\\.)*)" \},$', f.read(), re.M):
            out[m.group(1).replace('\\"', '"')] = m.group(2)
    return out


def page_words(dom):
    """Every piece of text a reader sees: text nodes, and the attributes
    that are read (placeholder, aria-label, alt, title, a button's
    value)."""
    out = []
    for n in dom.iter():
        if n.tag in ("script", "style"):
            continue
        for c in n.children:
            if isinstance(c, str) and c.strip():
                out.append(c.strip())
        for a in ("placeholder", "aria-label", "alt", "title"):
            if n.get(a):
                out.append(n.get(a).strip())
    return out


@test("zh-CN: no English on the pages a salesperson and finance use (no "
      "string the catalogue translates left in English, no stray space "
      "between Chinese words), rule verdicts in Chinese", "html")
def t_zh_pages(o):
    cat = catalogue()
    english = {k for k, v in cat.items() if v != k and
               re.search(r"[A-Za-z]{2}", k) and "%" not in k}
    # The verdict of a held order: a discount above 15 %.
    oid = approved_order(o)
    held = held_order(o)
    zh = {"Accept-Language": "zh-CN,zh;q=0.9"}
    pages = ["/", "/customers", "/customers/new", "/orders", "/orders/new",
             "/orders/%d" % oid, "/orders/%d" % held, "/orders/late",
             "/orders/held", "/orders/%d/print" % oid, "/products",
             "/contacts", "/search?q=%E5%AE%81", "/tokens", "/nowhere"]
    problems = []
    for user in (o.login, o.admin_login):
        b = browser(o, user)
        for path in pages:
            r = b.get(path, headers=zh)
            if r.status not in (200, 404):
                problems.append("%s -> %d" % (r.req(), r.status))
                continue
            for w in page_words(r.dom()):
                core = w.rstrip(".:*\u2026 ")
                if w in english or core in english:
                    problems.append("%s: %r in English" % (path, w))
                if re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", w):
                    problems.append("%s: a space between Chinese words in "
                                    "%r" % (path, w))
    check(not problems, "%d English strings on zh-CN pages: %s" %
          (len(problems), "; ".join(sorted(set(problems))[:12])))
    b = browser(o)
    r = expect(b.get("/orders/%d" % held, headers=zh), 200)
    text = r.dom().text()
    check("折扣需要经理批准" in text and "待审批" in text,
          "%s: the discount rule's verdict not in Chinese" % r.req())
    r = expect(b.get("/orders/%d" % held), 200)
    check("needs a manager's approval" in r.dom().text(),
          "%s: the verdict not in English for an English reader" % r.req())


def held_order(o):
    """An order held by the discount rule (20 % off), submitted by the
    sales user; its id."""
    cid, _ = create(o, credit_customer(credit_limit="1000000.00"))
    pid = products_any(o)
    r = expect(o.api.post("/orders", '<order><customer id="%d"/><lines>'
                          '<line><product id="%d"/><quantity>1</quantity>'
                          '<discount_pct>20</discount_pct></line></lines>'
                          '</order>' % (cid, pid), ctype=XML_CT,
                          accept=XML_CT), 201)
    oid = int(r.xml().get("id"))
    r = expect(o.api.post("/orders/%d/submit" % oid, b"", ctype=FORM_CT,
                          accept=XML_CT), 200)
    check(r.xml().get("status") == "on_hold", "setup: %s: %s" %
          (r.req(), short(r.body)))
    return oid


@test("user admin: a table of users, each with one form for role, team, "
      "sign-in and password; a save is audited per change; an "
      "administrator cannot demote or disable themselves", "html")
def t_user_admin(o):
    a = browser(o, o.admin_login)
    login = ("ua%s" % RUN).lower()[:20]
    r = expect(a.get("/admin/users"), 200)
    f = form_with(r.dom(), "login")
    p = a.post(f["action"], fill(f["fields"], {
        "login": login, "name": "User Admin", "team": "north",
        "password": "password123", "role": "sales"}), raw=True)
    expect(p, 303)
    r = expect(a.get("/admin/users"), 200)
    buttons = [n for n in r.dom().iter("button")
               if n.parent and n.parent.tag == "form" and
               "/admin/users/" in (n.parent.get("action") or "")]
    check(not buttons, "%s: %d buttons in the users table; want a link "
          "per user to one form" % (r.req(), len(buttons)))
    r = expect(a.get("/admin/users/%s" % login), 200)
    f = form_with(r.dom(), "team")
    names = {k for k, _ in f["fields"]}
    check({"role", "team", "active", "password"} <= names,
          "%s: the user's form has %s" % (r.req(), sorted(names)))
    p = a.post(f["action"], set_field(set_field(f["fields"], "team",
                                                "south"), "role", "manager"),
               raw=True)
    expect(p, 303)
    r = expect(a.get("/audit?action=team"), 200)
    check("%s: south" % login in r.dom().text(),
          "%s: no audit entry for the team change" % r.req())
    r = expect(a.get("/admin/users/%s" % login), 200)
    f = form_with(r.dom(), "team")
    check(dict(f["fields"]).get("team") == "south" and
          dict(f["fields"]).get("role") == "manager",
          "%s: the change is not stored: %r" % (r.req(), f["fields"]))
    # Disabled: off the form (no "active"), and the login no longer works.
    fields = [(k, v) for k, v in f["fields"] if k != "active"]
    expect(a.post(f["action"], fields, raw=True), 303)
    c = Client(o.base, o.timeout, browser=True)
    r = c.post("/login", [("login", login), ("password", "password123")])
    check(r.status != 303, "%s: a disabled user logged in" % r.req())
    r = expect(a.get("/admin/users/%s" % o.admin_login), 200)
    f = form_with(r.dom(), "team")
    p = expect(a.post(f["action"], set_field(f["fields"], "role", "sales"),
                      raw=True), 422)
    check("own administrator role" in p.dom().text(), "%s: %s" %
          (p.req(), short(p.body)))
    expect(browser(o).get("/admin/users/%s" % login), 403)


def deal_stage(api, did, **form):
    return api.post("/deals/%d/stage" % did, urllib.parse.urlencode(form),
                    ctype=FORM_CT, accept=XML_CT)


@test("deals: open at creation, moved by POST /deals/ID/stage with the "
      "stage's probability and a history; lost needs a reason; won is "
      "final; lost reopens as a lead; another's deal is not there",
      "xml")
def t_deals(o):
    cid, _ = create(o, credit_customer(credit_limit="1000000.00"))
    r = expect(o.api.post("/deals", '<deal><title>Press line %s</title>'
                          '<customer id="%d"/><amount>120000.00</amount>'
                          '<expected_close>2031-03-31</expected_close>'
                          '</deal>' % (RUN, cid), ctype=XML_CT,
                          accept=XML_CT), 201)
    x = r.xml()
    did = int(x.get("id"))
    # lua/deal.lua: the stage's 10 %, a key account's 10 more.
    check(x.findtext("stage") == "lead" and x.findtext("probability") ==
          "20" and len(x.find("history")) == 0 and
          [(v.get("rule"), v.get("result")) for v in x.find("evaluation")]
          == [("deal", "pass"), ("stalled", "pass")],
          "%s: a new deal: %s" % (r.req(), short(r.body)))
    # Won or lost at birth: refused, nothing stored.
    before = len(expect(o.api.get("/deals.xml?customer=%d" % cid),
                        200).xml())
    r = o.api.post("/deals", '<deal><title>Born won</title><customer id='
                   '"%d"/><stage>won</stage></deal>' % cid, ctype=XML_CT,
                   accept=XML_CT)
    check(400 <= r.status < 500, "%s: %d" % (r.req(), r.status))
    after = len(expect(o.api.get("/deals.xml?customer=%d" % cid),
                       200).xml())
    check(after == before, "a deal born won was stored")
    x = expect(deal_stage(o.api, did, stage="qualified"), 200).xml()
    check(x.findtext("stage") == "qualified" and
          x.findtext("probability") == "35" and
          [(v.get("rule"), v.get("result"), v.get("field"))
           for v in x.find("evaluation")][0] == ("deal", "warn", "contact"),
          "qualified (no decision maker yet): %s" % short(ET.tostring(x)))
    ev = x.find("history")
    check(len(ev) == 1 and ev[0].get("from") == "lead" and
          ev[0].get("stage") == "qualified" and ev[0].get("by") == o.login,
          "the move is not in the history: %s" % short(ET.tostring(ev)))
    # Lost: a reason from the list, or refused.
    expect_error(deal_stage(o.api, did, stage="lost"), 422, "invalid")
    expect_error(deal_stage(o.api, did, stage="lost", lost_reason="weather"),
                 422, "invalid")
    x = expect(deal_stage(o.api, did, stage="lost", lost_reason="competitor",
                          reason="Went with the incumbent"), 200).xml()
    check(x.findtext("lost_reason") == "competitor" and
          x.findtext("lost_note") == "Went with the incumbent" and
          x.findtext("closed_on") == time.strftime("%Y-%m-%d",
                                                   time.gmtime()) and
          x.findtext("probability") == "0",
          "lost: %s" % short(ET.tostring(x)))
    check(x.find("history")[-1].text == "Went with the incumbent",
          "the reason is not in the history")
    # Reopened as a lead: neither closed nor lost any more.
    x = expect(deal_stage(o.api, did, stage="lead"), 200).xml()
    check(x.findtext("closed_on") in (None, "") and
          x.findtext("lost_reason") in (None, ""),
          "reopened: %s" % short(ET.tostring(x)))
    # A product of interest, carried into the order when it is won.
    pid = products_any(o)
    expect(o.api.post("/deal_lines", '<deal_line><deal id="%d"/><product '
                      'id="%d"/><quantity>3</quantity></deal_line>' %
                      (did, pid), ctype=XML_CT, accept=XML_CT), 201)
    x = expect(o.api.get("/deals/%d.xml" % did), 200).xml()
    check([(l.find("product").get("id"), l.findtext("quantity"))
           for l in x.find("lines")] == [(str(pid), "3")],
          "the deal's lines: %s" % short(ET.tostring(x)))
    # A stale version is refused; the current one goes through.
    version = int(x.get("version"))
    expect_error(deal_stage(o.api, did, stage="proposal", version=version - 1),
                 409, "stale")
    x = expect(deal_stage(o.api, did, stage="won", version=version), 200).xml()
    check(x.findtext("stage") == "won" and x.findtext("probability") == "100",
          "won: %s" % short(ET.tostring(x)))
    expect_error(deal_stage(o.api, did, stage="negotiation"), 409,
                 "conflict")
    # Won: one order, a draft for its customer that names the deal.
    r = expect(o.api.post("/deals/%d/order" % did, b"", ctype=FORM_CT,
                          accept=XML_CT), 201)
    loc = r.header("Location") or ""
    check(re.search(r"/orders/\d+$", loc), "%s: Location %r" % (r.req(),
                                                               loc))
    order = r.xml()
    check(order.tag == "order" and order.findtext("deal") == str(did) and
          order.find("customer").get("id") == str(cid) and
          order.findtext("status") == "draft" and
          [(l.find("product").get("id"), l.findtext("quantity"))
           for l in order.iter("line")] == [(str(pid), "3")],
          "%s: the order: %s" % (r.req(), short(r.body)))
    oid = int(order.get("id"))
    expect_error(o.api.post("/deals/%d/order" % did, b"", ctype=FORM_CT,
                            accept=XML_CT), 409, "conflict")
    b0 = browser(o)
    r = expect(b0.get("/orders/%d" % oid), 200)
    check(b0.prefix + "/deals/%d" % did in [a.get("href") for a in
                                            r.dom().iter("a")],
          "%s: the order does not link back to its deal" % r.req())
    r = expect(b0.get("/deals/%d" % did), 200)
    check(b0.prefix + "/orders/%d" % oid in [a.get("href") for a in
                                             r.dom().iter("a")],
          "%s: the deal does not link to its order" % r.req())
    d = expect(o.api.get("/deals/%d.xml" % did), 200).xml()
    expect_error(o.api.request("DELETE", "/deals/%d?version=%s" % (
        did, d.get("version")), accept=XML_CT), 409, "conflict")
    expect(o.api.get("/deals/%d.xml" % did), 200)
    r = o.api.request("PATCH", "/deals/%d" % did, '<deal version="%s">'
                      '<stage>lost</stage><lost_reason>price</lost_reason>'
                      '</deal>' % x.get("version"), ctype=XML_CT,
                      accept=XML_CT)
    expect_error(r, 409, "conflict")
    # The page: no moves for a won deal; an open one offers them all.
    b = browser(o)
    r = expect(b.get("/deals/%d" % did), 200)
    check(not [f for f in forms(r.dom()) if (f["action"] or "").endswith(
        "/deals/%d/stage" % did)], "%s: a won deal offers moves" % r.req())
    r = expect(o.api.post("/deals", '<deal><title>Open %s</title><customer '
                          'id="%d"/></deal>' % (RUN, cid), ctype=XML_CT,
                          accept=XML_CT), 201)
    oid = int(r.xml().get("id"))
    r = expect(b.get("/deals/%d" % oid), 200)
    moves = sorted(dict(f["fields"]).get("stage") for f in forms(r.dom())
                   if (f["action"] or "").endswith("/deals/%d/stage" % oid))
    check(moves == ["lost", "negotiation", "proposal", "qualified", "won"],
          "%s: moves %r" % (r.req(), moves))
    r = expect(b.get("/"), 200)
    check(any("panel-funnel" in (n.get("class") or "")
              for n in r.dom().iter("section")),
          "%s: no deals panel on the salesperson's home" % r.req())
    # The administrator's own deal is not there for the salesperson.
    acid = int(expect(o.erp.post("/customers", customer_xml(
        {"name": uniq("Deal Other")}), ctype=XML_CT, accept=XML_CT),
        201).xml().get("id"))
    r = expect(o.erp.post("/deals", '<deal><title>Not yours</title>'
                          '<customer id="%d"/></deal>' % acid,
                          ctype=XML_CT, accept=XML_CT), 201)
    expect_error(o.api.get("/deals/%s.xml" % r.xml().get("id")), 404,
                 "not_found")
    expect_error(deal_stage(o.api, int(r.xml().get("id")), stage="won"), 404,
                 "not_found")


@test("competitors: kept by the sales side, named on a deal with their "
      "price and notes (once each, changed in place), taken off; in the "
      "deal's XML", "xml")
def t_deal_competitors(o):
    cid, _ = create(o, credit_customer(credit_limit="1000000.00"))
    r = expect(o.api.post("/competitors", "<competitor><name>Rival %s"
                          "</name><price_level>lower</price_level>"
                          "<strengths>Cheap</strengths></competitor>" % RUN,
                          ctype=XML_CT, accept=XML_CT), 201)
    rival = int(r.xml().get("id"))
    did = int(expect(o.api.post("/deals", '<deal><title>Rivalry %s</title>'
                                '<customer id="%d"/></deal>' % (RUN, cid),
                                ctype=XML_CT, accept=XML_CT),
                     201).xml().get("id"))

    def name(**form):
        return o.api.post("/deals/%d/competitors" % did,
                          urllib.parse.urlencode(form), ctype=FORM_CT,
                          accept=XML_CT)

    x = expect(name(competitor=rival, price="98000.00", notes="8 weeks"),
               200).xml()
    got = [(c.get("id"), c.get("price"), c.get("notes"), c.text)
           for c in x.find("competitors")]
    check(got == [(str(rival), "98000.00", "8 weeks", "Rival %s" % RUN)],
          "named: %r" % got)
    x = expect(name(competitor=rival, price="", notes="price unknown now"),
               200).xml()
    got = [(c.get("id"), c.get("price"), c.get("notes"))
           for c in x.find("competitors")]
    check(got == [(str(rival), None, "price unknown now")],
          "changed in place: %r" % got)
    expect_error(name(competitor=rival, price="12x"), 422, "invalid")
    expect_error(name(competitor=999999999), 422, "invalid")
    expect_error(name(competitor=""), 422, "invalid")
    x = expect(name(remove=rival), 200).xml()
    check(len(x.find("competitors")) == 0, "not taken off: %s" %
          short(ET.tostring(x)))
    acid = int(expect(o.erp.post("/customers", customer_xml(
        {"name": uniq("Rival Other")}), ctype=XML_CT, accept=XML_CT),
        201).xml().get("id"))
    other = int(expect(o.erp.post("/deals", '<deal><title>Not yours</title>'
                                  '<customer id="%d"/></deal>' % acid,
                                  ctype=XML_CT, accept=XML_CT),
                       201).xml().get("id"))
    r = o.api.post("/deals/%d/competitors" % other, urllib.parse.urlencode(
        {"competitor": rival}), ctype=FORM_CT, accept=XML_CT)
    expect_error(r, 404, "not_found")
    # On the deal's page: the table and the form to name one.
    b = browser(o)
    expect(name(competitor=rival, price="1.00"), 200)
    r = expect(b.get("/deals/%d" % did), 200)
    check("Rival %s" % RUN in r.dom().text() and
          form_with(r.dom(), "competitor") is not None,
          "%s: competitors not on the deal's page" % r.req())


@test("activities: logged in one step from a deal's and a customer's page "
      "(local time into UTC; the customer from the deal), refused when "
      "a visit has no place, a task a direction or the deal is another "
      "customer's, marked done from the week once, nobody else's",
      "xml")
def t_activities(o):
    cid, _ = create(o, {"name": uniq("Act Co")})
    other, _ = create(o, {"name": uniq("Act Other")})
    did = int(expect(o.api.post("/deals", '<deal><title>Act %s</title>'
                                '<customer id="%d"/></deal>' % (RUN, cid),
                                ctype=XML_CT, accept=XML_CT),
                     201).xml().get("id"))
    b = browser(o)

    def mine():
        return list(expect(o.api.get("/activities.xml?deal=%d" % did),
                           200).xml())

    r = expect(b.get("/deals/%d" % did), 200)
    f = form_with(r.dom(), "subject")
    check(f is not None and f["action"].endswith("/activities/log"),
          "%s: no form to log an activity" % r.req())
    visit = fill(f["fields"], {"kind": "visit", "status": "done",
                               "subject": "Plant tour " + RUN,
                               "when": "2025-06-03 09:30"})
    # A visit without its place: refused, nothing stored.
    expect(b.post(f["action"], visit, raw=True), 422)
    check(mine() == [], "a refused visit was stored")
    r = expect(b.post(f["action"], set_field(visit, "place", "Ningbo plant"),
                      raw=True), 303)
    check("/deals/%d" % did in (r.header("location") or ""),
          "%s: not back to the deal" % r.req())
    got = mine()
    check(len(got) == 1, "the visit: %d activities" % len(got))
    a = got[0]
    check(a.findtext("kind") == "visit" and a.findtext("status") == "done"
          and a.find("customer").get("id") == str(cid) and
          a.findtext("done_at") == "2025-06-03T09:30:00Z" and
          a.findtext("place") == "Ningbo plant",
          "the visit as stored: %s" % short(ET.tostring(a)))
    page = expect(b.get("/deals/%d" % did), 200).dom().text()
    check("Plant tour " + RUN in page, "the visit is not on the deal's page")
    r = expect(b.get("/customers/%d" % cid), 200)
    check(form_with(r.dom(), "subject") is not None and
          "Plant tour " + RUN in r.dom().text(),
          "%s: no log form or visit on the customer's page" % r.req())

    def post(body):
        return o.api.post("/activities", "<activity>%s</activity>" % body,
                          ctype=XML_CT, accept=XML_CT)

    expect_error(post('<kind>task</kind><subject>t</subject><customer '
                      'id="%d"/><direction>outbound</direction>' % cid),
                 409, "conflict")
    expect_error(post('<kind>call</kind><subject>t</subject><customer '
                      'id="%d"/><deal id="%d"/>' % (other, did)), 409,
                 "conflict")
    # Planned this week, marked done from the week's page, once.
    now = datetime.datetime.utcnow().replace(microsecond=0)
    x = expect(post('<kind>call</kind><subject>Call back %s</subject>'
                    '<customer id="%d"/><direction>returned</direction>'
                    '<scheduled_at>%s</scheduled_at>' % (
                        RUN, cid, now.strftime("%Y-%m-%dT%H:%M:%SZ"))),
               201).xml()
    aid = int(x.get("id"))
    check(x.findtext("status") == "planned" and x.findtext("done_at") in
          (None, ""), "planned: %s" % short(ET.tostring(x)))
    r = expect(b.get("/activities/week?week=%s" % now.strftime("%Y-%m-%d")),
               200)
    f = None
    for g in forms(r.dom()):
        if g["action"].endswith("/activities/%d/done" % aid):
            f = g
    check(f is not None, "%s: no Done button for the call" % r.req())
    expect(b.post(f["action"], set_field(f["fields"], "outcome",
                                         "Order next month"), raw=True), 303)
    x = expect(o.api.get("/activities/%d.xml" % aid), 200).xml()
    check(x.findtext("status") == "done" and
          x.findtext("outcome") == "Order next month" and
          x.findtext("done_at"), "done: %s" % short(ET.tostring(x)))
    expect(b.post(f["action"], f["fields"], raw=True), 409)
    # Somebody else's activity is not there for the salesperson.
    acid = int(expect(o.erp.post("/customers", customer_xml(
        {"name": uniq("Act Theirs")}), ctype=XML_CT, accept=XML_CT),
        201).xml().get("id"))
    theirs = int(expect(o.erp.post("/activities", "<activity><kind>call"
                                   "</kind><subject>Theirs</subject>"
                                   "<customer id=\"%d\"/></activity>" % acid,
                                   ctype=XML_CT, accept=XML_CT),
                        201).xml().get("id"))
    expect_error(o.api.get("/activities/%d.xml" % theirs), 404)
    expect_error(o.api.post("/activities/%d/done" % theirs, "",
                            ctype=FORM_CT, accept=XML_CT), 404)


@test("quotas: loaded from CSV by an administrator (new and changed, all "
      "or nothing), read by the salesperson, set by neither the "
      "salesperson nor a bad period", "xml")
def t_quotas(o):
    a = browser(o, o.admin_login)
    # The Apache targets share a database: a period of this run's own
    # (one in 28 000), so another run's quota is never in sight.
    period = "%04d-Q%d" % (3000 + int(RUN[:4], 16) % 7000,
                           1 + int(RUN[4], 16) % 4)
    r = expect(a.get("/quotas/load"), 200)
    f = form_with(r.dom(), "csv")

    def load(text):
        return a.post(f["action"], set_field(f["fields"], "csv", text),
                      raw=True)

    # A bad line after a good one: nothing stored, the text kept.
    p = expect(load("login,period,amount\n%s,%s,1000.00\n%s,2031-13,5.00\n"
                    % (o.login, period, o.login)), 422)
    check("Line 3" in p.dom().text() and period in p.text,
          "%s: %s" % (p.req(), short(p.body)))
    mine = expect(o.api.get("/quotas.xml?period=%s" % period), 200).xml()
    check(len(mine) == 0, "a refused load stored a quota")
    expect(load("%s,%s,1000.00\n" % (o.login, period)), 303)
    expect(load("%s,%s,2500.50\n" % (o.login, period)), 303)
    mine = expect(o.api.get("/quotas.xml?period=%s" % period), 200).xml()
    check([q.findtext("amount") for q in mine] == ["2500.50"],
          "the salesperson's quota: %s" % short(ET.tostring(mine)))
    # Not the salesperson's to set, by any door.
    expect(browser(o).get("/quotas/load"), 403)
    r = o.api.post("/quotas", '<quota><owner id="%s"/><period>%s</period>'
                   '<amount>1.00</amount></quota>' % (sales_id(o), "2099-01"),
                   ctype=XML_CT, accept=XML_CT)
    expect_error(r, 403, "forbidden")
    r = o.erp.post("/quotas", '<quota><owner id="%s"/><period>2099-13'
                   '</period><amount>1.00</amount></quota>' % sales_id(o),
                   ctype=XML_CT, accept=XML_CT)
    check(r.status in (409, 422), "%s: a period 2099-13 got %d" %
          (r.req(), r.status))


@test("funnel report: a fixture of four deals of a new salesperson, the "
      "figures by hand (deals, amounts, weighted, conversion from the "
      "stage history, days); a bad filter is 400", "xml")
def t_funnel(o):
    a = browser(o, o.admin_login)
    login = ("fn%s" % RUN).lower()
    r = expect(a.get("/admin/users"), 200)
    f = form_with(r.dom(), "login")
    expect(a.post(f["action"], fill(f["fields"], {
        "login": login, "name": "Funnel Fixture", "team": "fn" + RUN,
        "password": "password123", "role": "sales"}), raw=True), 303)
    cid = int(expect(o.erp.post("/customers", customer_xml(
        {"name": uniq("Funnel Co")}), ctype=XML_CT, accept=XML_CT),
        201).xml().get("id"))

    def deal(title, amount, moves):
        x = expect(o.erp.post("/deals", '<deal><title>%s</title><customer '
                              'id="%d"/><amount>%s</amount></deal>' %
                              (title, cid, amount), ctype=XML_CT,
                              accept=XML_CT), 201).xml()
        did = int(x.get("id"))
        for m in moves:
            form = {"stage": m}
            if m == "lost":
                form["lost_reason"] = "price"
            expect(deal_stage(o.erp, did, **form), 200)
        return did

    team = "fn" + RUN
    deal("F1", "100.00", [])
    deal("F2", "200.00", ["qualified"])
    deal("F3", "300.00", ["qualified", "proposal", "won"])
    deal("F4", "400.00", ["proposal", "lost"])
    # The deals are the administrator's: hand them to the new user.
    r = expect(o.erp.get("/deals.xml?customer=%d" % cid), 200).xml()
    owner = None
    for d in r:
        if owner is None:
            page = expect(a.get("/deals/%s/edit" % d.get("id")), 200)
            opts = [n for n in page.dom().iter("option")
                    if "(%s)" % login in n.text()]
            check(opts, "%s: the new user is not among the owners" %
                  page.req())
            owner = opts[0].get("value")
        expect(o.erp.request("PATCH", "/deals/%s" % d.get("id"),
                             '<deal version="%s"><owner id="%s"/></deal>' %
                             (d.get("version"), owner), ctype=XML_CT,
                             accept=XML_CT), 200)
    want = {
        "lead": ("1", "100.00", "10.00", "0.75"),
        "qualified": ("1", "200.00", "50.00", "0.67"),
        "proposal": ("0", "0.00", "0.00", "0.50"),
        "negotiation": ("0", "0.00", "0.00", "1.00"),
        "won": ("1", "300.00", "300.00", None),
        "lost": ("1", "400.00", "0.00", None),
    }
    # Whole months come from the summaries, a period's ragged ends from
    # the deals: every way of cutting a period round today agrees.
    today = datetime.datetime.utcnow().date()
    first = today.replace(day=1)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - \
        datetime.timedelta(days=1)
    cuts = ["", "&from=%s&to=%s" % (today, today),
            "&from=%s&to=%s" % (first, last),
            "&from=%s&to=%s" % (today - datetime.timedelta(days=40),
                                today + datetime.timedelta(days=40)),
            "&from=%s" % (today - datetime.timedelta(days=70))]
    for query in ["owner=%s%s" % (owner, c) for c in cuts] + [
            "team=%s" % team]:
        x = expect(o.erp.get("/reports/funnel.xml?" + query), 200).xml()
        got = {row.get("stage"): (row.get("deals"), row.get("amount"),
                                  row.get("weighted"),
                                  row.get("conversion"))
               for row in x}
        check(got == want, "funnel?%s: %r, want %r" % (query, got, want))
        days = {row.get("stage"): row.get("days") for row in x}
        check(days["lead"] == "0.0" and days["negotiation"] == "",
              "funnel?%s: days %r" % (query, days))
    # The salesperson reads only what they may: none of these.
    x = expect(o.api.get("/reports/funnel.xml?owner=%s" % owner), 200).xml()
    check(all(row.get("deals") == "0" for row in x),
          "the sales user sees another's deals in the funnel")
    r = expect(browser(o).get("/reports/funnel"), 200)
    check(any(True for _ in r.dom().iter("svg")), "%s: no chart" % r.req())
    expect_error(o.api.get("/reports/funnel.xml?from=2031-02-30"), 400,
                 "bad_request")
    expect_error(o.api.get("/reports/funnel.xml?owner=x"), 400,
                 "bad_request")


def new_user(o, login, name, team, role="sales"):
    """A user made by the administrator's form; returns its id."""
    a = browser(o, o.admin_login)
    r = expect(a.get("/admin/users"), 200)
    f = form_with(r.dom(), "login")
    expect(a.post(f["action"], fill(f["fields"], {
        "login": login, "name": name, "team": team,
        "password": "password123", "role": role}), raw=True), 303)
    page = expect(a.get("/customers/new"), 200)
    opts = [n for n in page.dom().iter("option")
            if "(%s)" % login in n.text()]
    check(opts, "%s: the new user %s is not among the owners" %
          (page.req(), login))
    return int(opts[0].get("value"))


def erp_post(o, path, body):
    return int(expect(o.erp.post(path, body, ctype=XML_CT, accept=XML_CT),
                      201).xml().get("id"))


@test("win-rate, coverage and performance reports: a team of two with "
      "quotas, deals won and lost against a competitor, activities and a "
      "referral, every figure by hand (the score by scorecard.lua's "
      "formula); a salesperson sees only their own", "xml")
def t_sales_reports(o):
    team = "sr" + RUN
    ua = new_user(o, ("sra%s" % RUN).lower(), "Rep A " + RUN, team)
    ub = new_user(o, ("srb%s" % RUN).lower(), "Rep B " + RUN, team)
    ca = erp_post(o, "/customers", customer_xml({
        "name": uniq("SR Key"), "segment": "key_account",
        "sales_mode": "relationship", "phone": "+86 574 1234 5678",
        "owner": (ua, "a")}))
    cb = erp_post(o, "/customers", customer_xml({
        "name": uniq("SR Project"), "segment": "project",
        "sales_mode": "transactional", "phone": "+86 574 1234 5679",
        "owner": (ub, "b")}))
    rival = erp_post(o, "/competitors", "<competitor><name>SR Rival %s"
                     "</name></competitor>" % RUN)
    today = datetime.datetime.utcnow().date()
    quarter = "%d-Q%d" % (today.year, (today.month - 1) // 3 + 1)
    months = ["%d-%02d" % (today.year, 3 * ((today.month - 1) // 3) + i)
              for i in (1, 2, 3)]

    def deal(cust, owner, title, amount, moves, reason=None, named=False):
        did = erp_post(o, "/deals", '<deal><title>%s</title><customer '
                       'id="%d"/><amount>%s</amount><expected_close>%s'
                       '</expected_close><owner id="%d"/></deal>' % (
                           title, cust, amount, today.isoformat(), owner))
        if named:
            expect(o.erp.post("/deals/%d/competitors" % did,
                              urllib.parse.urlencode({"competitor": rival}),
                              ctype=FORM_CT, accept=XML_CT), 200)
        for m in moves:
            form = {"stage": m}
            if m == "lost":
                form["lost_reason"] = reason
            expect(deal_stage(o.erp, did, **form), 200)
        return did

    deal(ca, ua, "SR d1", "100.00", ["qualified", "proposal", "won"],
         named=True)
    deal(ca, ua, "SR d2", "200.00", ["proposal", "lost"], "price",
         named=True)
    # After d1 is won: negotiation 75 %, a key account 10 more.
    deal(ca, ua, "SR d3", "300.00", ["negotiation"])
    deal(cb, ub, "SR d4", "400.00", ["won"])
    deal(cb, ub, "SR d5", "500.00", ["lost"], "no_budget")
    erp_post(o, "/quotas", '<quota><owner id="%d"/><period>%s</period>'
             '<amount>1000.00</amount></quota>' % (ua, quarter))
    for m in months:
        erp_post(o, "/quotas", '<quota><owner id="%d"/><period>%s</period>'
                 '<amount>100.00</amount></quota>' % (ub, m))

    def act(kind, extra):
        return erp_post(o, "/activities", '<activity><kind>%s</kind>'
                        '<subject>SR</subject><customer id="%d"/><owner '
                        'id="%d"/>%s</activity>' % (kind, ca, ua, extra))

    visit = act("visit", "<status>done</status><place>Plant</place>")
    act("call", "<status>done</status><direction>outbound</direction>")
    act("call", "<status>done</status><direction>returned</direction>")
    act("meeting", "<status>done</status>")
    act("meeting", "<status>no_show</status>")
    act("task", "<status>planned</status>")
    erp_post(o, "/contacts", '<contact><customer id="%d"/><name>SR Ref'
             '</name><referred_by id="%d"/></contact>' % (ca, cb))

    def rows(report, query):
        x = expect(o.erp.get("/reports/%s.xml?%s" % (report, query)),
                   200).xml()
        return [dict(r.attrib) for r in x]

    day = today.isoformat()
    got = {(r["by"], r.get("key", "")): (r["won"], r["lost"], r["rate"])
           for r in rows("win-rate", "team=%s&from=%s&to=%s" %
                         (team, day, day))
           if r["by"] != "reason"}
    want = {("all", ""): ("2", "2", "0.50"),
            ("owner", ("sra%s" % RUN).lower()): ("1", "1", "0.50"),
            ("owner", ("srb%s" % RUN).lower()): ("1", "1", "0.50"),
            ("segment", "key_account"): ("1", "1", "0.50"),
            ("segment", "project"): ("1", "1", "0.50"),
            ("competitor", str(rival)): ("1", "1", "0.50")}
    check(got == want, "win-rate: %r, want %r" % (got, want))
    got = [(r["key"], r["lost"], r["share"])
           for r in rows("win-rate", "team=%s" % team) if r["by"] == "reason"]
    check(sorted(got) == [("no_budget", "1", "0.50"), ("price", "1", "0.50")],
          "lost reasons: %r" % got)
    got = {(r["by"], r["key"]): (r.get("quota"), r["won"], r.get("gap"),
                                 r["pipeline"], r["coverage"], r["light"])
           for r in rows("coverage", "team=%s&period=%s" % (team, quarter))}
    cov_want = {("owner", ("sra%s" % RUN).lower()):
            ("1000.00", "100.00", "900.00", "255.00", "0.28", "behind"),
            ("owner", ("srb%s" % RUN).lower()):
            ("300.00", "400.00", "0.00", "0.00", "", "met"),
            ("team", team):
            ("1300.00", "500.00", "800.00", "255.00", "0.31", "behind")}
    check(got == cov_want, "coverage: %r, want %r" % (got, cov_want))
    # A month: A's quarter quota a third, B's month's own.
    got = {r["key"]: r.get("quota") for r in rows(
        "coverage", "team=%s&period=%s" % (team, months[0]))
        if r["by"] == "owner"}
    check(got == {("sra%s" % RUN).lower(): "333.33",
                  ("srb%s" % RUN).lower(): "100.00"},
          "coverage of a month: %r" % got)
    expect_error(o.erp.get("/reports/coverage.xml?period=2027-Q5"), 400,
                 "bad_request")
    perf = {r["key"]: r for r in rows("performance", "team=%s&from=%s&to=%s"
                                      % (team, day, day))}
    a = perf.get(("sra%s" % RUN).lower(), {})
    want = {"visits": "1", "calls": "1", "returned": "1", "targets": "1",
            "contacts": "1", "referrals": "1", "scheduled": "2",
            "held": "1", "no_shows": "1", "appointment_rate": "0.50",
            "proposals": "2", "won": "1", "signing_rate": "0.50",
            "score": "49"}
    got = {k: a.get(k) for k in want}
    check(got == want, "performance of A: %r, want %r" % (got, want))
    b = perf.get(("srb%s" % RUN).lower(), {})
    got = {k: b.get(k) for k in ("won", "proposals", "signing_rate",
                                 "score")}
    check(got == {"won": "1", "proposals": "0", "signing_rate": "",
                  "score": "4"}, "performance of B: %r" % got)
    # CSV: the XML's rows, a column per figure, quoted as exports are.
    r = expect(o.erp.get("/reports/coverage.csv?team=%s&period=%s" % (
        team, quarter)), 200)
    check(r.ctype == "text/csv" and "coverage.csv" in (
        r.header("content-disposition") or ""),
          "%s: %r %r" % (r.req(), r.ctype, r.header("content-disposition")))
    lines = list(csv.reader(io.StringIO(r.body.decode("utf-8"))))
    head = lines[0]
    got = {(l[head.index("by")], l[head.index("key")]):
           (l[head.index("won")], l[head.index("coverage")],
            l[head.index("light")]) for l in lines[1:]}
    check(got == {k: (v[1], v[4], v[5]) for k, v in cov_want.items()},
          "coverage.csv: %r" % got)
    expect(o.erp.get("/activities/week.csv"), 404)
    # Access by role: the team's manager reads the team's activities and
    # figures; the other salesperson neither A's activity nor figures.
    um = ("srm%s" % RUN).lower()
    new_user(o, um, "Manager " + RUN, team, role="manager")
    m = browser(o, um)
    expect(m.get("/activities/%d.xml" % visit), 200)
    keys = {r.get("key") for r in expect(m.get(
        "/reports/performance.xml?from=%s&to=%s" % (day, day)), 200).xml()}
    check(keys == {("sra%s" % RUN).lower(), ("srb%s" % RUN).lower()},
          "the manager's performance rows: %r" % keys)
    b = browser(o, ("srb%s" % RUN).lower())
    expect(b.get("/activities/%d" % visit), 404)
    keys = {r.get("key") for r in expect(b.get(
        "/reports/coverage.xml?period=%s" % quarter), 200).xml()
        if r.get("by") == "owner"}
    check(keys == {("srb%s" % RUN).lower()}, "B's coverage rows: %r" % keys)
    # The salesperson sees their own figures only.
    keys = {r.attrib.get("key") for r in expect(o.api.get(
        "/reports/performance.xml"), 200).xml()}
    check(keys <= {o.login}, "a salesperson sees %r" % keys)
    for name in ("win-rate", "coverage", "performance"):
        r = expect(browser(o, o.admin_login).get(
            "/reports/%s?team=%s&period=%s&from=%s&to=%s" % (
                name, team, quarter, day, day)), 200)
        check(any(True for _ in r.dom().iter("svg")),
              "%s: no chart" % r.req())


# -- service

# kiln.conf's defaults, as the regress targets run (timezone UTC):
# Monday to Friday, 09:00-12:00 and 13:00-18:00, no holidays.
WORK_SPANS = ((9 * 3600, 12 * 3600), (13 * 3600, 18 * 3600))


def utc(s):
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")


def utc_text(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def work_add(start, secs):
    """The moment SECS business seconds after START (the tests' own
    reckoning of the defaults, to check the server's against)."""
    t, day = start, start.date()
    while True:
        if day.weekday() < 5:
            midnight = datetime.datetime.combine(day, datetime.time())
            for a, b in WORK_SPANS:
                s = midnight + datetime.timedelta(seconds=a)
                e = midnight + datetime.timedelta(seconds=b)
                if e <= t:
                    continue
                s = max(s, t)
                left = (e - s).total_seconds()
                if secs < left or (secs == 0):
                    return s + datetime.timedelta(seconds=secs)
                if secs == left:
                    return e
                secs -= left
        day += datetime.timedelta(days=1)


def work_between(a, b):
    secs, day = 0, a.date()
    while day <= b.date():
        if day.weekday() < 5:
            midnight = datetime.datetime.combine(day, datetime.time())
            for x, y in WORK_SPANS:
                s = max(a, midnight + datetime.timedelta(seconds=x))
                e = min(b, midnight + datetime.timedelta(seconds=y))
                if e > s:
                    secs += (e - s).total_seconds()
        day += datetime.timedelta(days=1)
    return int(secs)


def ticket_act(c, tid, verb, **form):
    """POST /tickets/TID/VERB as C (an API client), answered in XML."""
    return c.post("/tickets/%d/%s" % (tid, verb),
                  urllib.parse.urlencode(form), ctype=FORM_CT, accept=XML_CT)


def ticket_form(b, tid, verb, **fields):
    """The VERB form of ticket TID's page, as browser B sees it, posted
    with FIELDS: the response (303 when it went through)."""
    r = expect(b.get("/tickets/%d" % tid), 200)
    f = [f for f in forms(r.dom()) if (f["action"] or "").endswith(
        "/tickets/%d/%s" % (tid, verb))]
    check(f, "%s: no %s form" % (r.req(), verb))
    return b.post(f[0]["action"], fill(f[0]["fields"], fields), raw=True)


def desk(o):
    """The service desk of the run: two agents and their manager."""
    if not getattr(S, "desk", None):
        team = "desk" + RUN
        S.desk = {
            "agent": ("sva%s" % RUN).lower(), "agent2": ("svb%s" % RUN).lower(),
            "lead": ("svm%s" % RUN).lower(), "team": team}
        S.desk["agent_id"] = new_user(o, S.desk["agent"], "Agent A " + RUN,
                                      team, role="service")
        S.desk["agent2_id"] = new_user(o, S.desk["agent2"], "Agent B " + RUN,
                                       team, role="service")
        S.desk["lead_id"] = new_user(o, S.desk["lead"], "Desk Lead " + RUN,
                                     team, role="manager")
    return S.desk


def new_ticket(o, cid, subject, c=None, **fields):
    body = "<ticket><subject>%s</subject><customer id=\"%d\"/>%s</ticket>" % (
        subject, cid, "".join("<%s>%s</%s>" % (k, v, k)
                              for k, v in fields.items()))
    return expect((c or o.api).post("/tickets", body, ctype=XML_CT,
                                    accept=XML_CT), 201).xml()


@test("tickets: filed by the customer's salesperson with deadlines from "
      "sla.lua in business hours; taken from the queue, answered (first "
      "response), waiting on the customer pauses the resolution clock, "
      "resolved with a report, closed, reopened; every move the workflow "
      "does not allow refused; who reads and works them", "xml")
def t_tickets(o):
    d = desk(o)
    agent, agent2 = browser(o, d["agent"]), browser(o, d["agent2"])
    cid, _ = create(o, valid_customer(segment="small_loyal"))
    x = new_ticket(o, cid, "Pump leaks %s" % RUN,
                   description="Oil under the HP-200", type="repair")
    tid = int(x.get("id"))
    created = utc(x.findtext("created_at"))
    check(x.findtext("status") == "new" and x.findtext("mode") == "queue" and
          x.find("owner").get("id") == sales_id(o) and
          x.findtext("assignee") in (None, ""),
          "a new ticket: %s" % short(ET.tostring(x)))
    # sla.lua: normal priority 4 h to respond, 40 h to resolve (repair:
    # at least 16); in business hours from its arrival.
    got = {(v.get("clock"), v.get("rule")): v.get("minutes")
           for v in x.find("evaluation")}
    check(got == {("first_response", "sla"): "240",
                  ("resolution", "sla"): "2400"},
          "the SLA verdicts: %r" % got)
    check(x.findtext("first_response_due") ==
          utc_text(work_add(created, 240 * 60)) and
          x.findtext("resolution_due") ==
          utc_text(work_add(created, 2400 * 60)),
          "deadlines from %s: %s and %s" % (
              x.findtext("created_at"), x.findtext("first_response_due"),
              x.findtext("resolution_due")))
    # Not another's customer; not for the salesperson to take or move.
    acid = erp_post(o, "/customers", customer_xml({"name": uniq("Svc Other")}))
    r = o.api.post("/tickets", "<ticket><subject>x</subject><customer id="
                   "\"%d\"/></ticket>" % acid, ctype=XML_CT, accept=XML_CT)
    check(r.status in (403, 404, 422), "%s: a ticket for another's customer:"
          " %d" % (r.req(), r.status))
    expect(ticket_act(o.api, tid, "take"), 403)
    expect_error(ticket_act(o.erp, tid, "start"), 409, "conflict")
    expect_error(ticket_act(o.erp, tid, "resolve", cause="x",
                            action_taken="y"), 409, "conflict")
    # In the queue, oldest due first; an agent takes it.
    q = expect(agent.get("/tickets/queue.xml"), 200).xml()
    check(str(tid) in [t.get("id") for t in q.find("waiting")],
          "the new ticket is not in the queue")
    keys = [(t.get("due") == "", t.get("due"), int(t.get("id")))
            for t in q.find("waiting")]
    check(keys == sorted(keys), "the queue is not oldest due first, the"
          " undated last: %r" % keys[:20])
    expect(ticket_form(agent, tid, "take"), 303)
    x = expect(agent.get("/tickets/%d.xml" % tid), 200).xml()
    check(x.findtext("status") == "assigned" and
          x.find("assignee").get("id") == str(d["agent_id"]),
          "taken: %s" % short(ET.tostring(x)))
    q = expect(agent.get("/tickets/queue.xml"), 200).xml()
    check(str(tid) not in [t.get("id") for t in q.find("waiting")] and
          str(tid) in [t.get("id") for t in q.find("mine")],
          "the taken ticket: %s" % short(ET.tostring(q)))
    r = ticket_form(agent2, tid, "assign", assignee=str(d["agent2_id"]))
    expect(r, 303)
    expect(ticket_form(agent, tid, "assign", assignee=str(d["agent_id"])),
           303)
    expect_error(ticket_act(o.erp, tid, "take"), 409, "conflict")
    expect_error(ticket_act(o.erp, tid, "assign", assignee=sales_id(o)),
                 422, "invalid")
    for verb in ("wait", "resume", "close", "reopen"):
        expect_error(ticket_act(o.erp, tid, verb), 409, "conflict")
    # The first answer is the first response; it starts the work.
    expect(ticket_form(agent, tid, "answer", text="Sending a technician"),
           303)
    x = expect(agent.get("/tickets/%d.xml" % tid), 200).xml()
    check(x.findtext("status") == "in_progress" and
          x.findtext("first_response_at") not in (None, ""),
          "answered: %s" % short(ET.tostring(x)))
    first = x.findtext("first_response_at")
    expect(ticket_form(agent, tid, "answer", text="Technician on Monday"),
           303)
    x = expect(agent.get("/tickets/%d.xml" % tid), 200).xml()
    check(x.findtext("first_response_at") == first,
          "a second answer moved the first response")
    # Waiting on the customer: the resolution clock stops.  The wait is
    # backdated by an hour in the database so the pause is long enough
    # to see; resuming moves the deadline by its business time.
    expect(ticket_form(agent, tid, "wait", note="Need the serial number"),
           303)
    expect_error(ticket_act(o.erp, tid, "resolve"), 422, "invalid")
    import regressdb
    con = regressdb.connect(o.db, timeout=10) if o.db else None
    since = utc_text(datetime.datetime.utcnow() -
                     datetime.timedelta(hours=30))
    if con is not None:
        con.execute("UPDATE tickets SET waiting_since = ? WHERE id = ?",
                    (since, tid))
        con.commit()
    expect(ticket_form(agent, tid, "resume"), 303)
    x = expect(agent.get("/tickets/%d.xml" % tid), 200).xml()
    resumed = [e.get("at") for e in x.find("history")
               if e.get("kind") == "status" and e.get("to") == "in_progress"]
    if con is not None:
        paused = work_between(utc(since), utc(resumed[-1]))
        check(x.findtext("resolution_due") ==
              utc_text(work_add(created, 2400 * 60 + paused)),
              "after a pause of %d business seconds: due %s, want %s" % (
                  paused, x.findtext("resolution_due"),
                  utc_text(work_add(created, 2400 * 60 + paused))))
    # A higher priority: tighter deadlines, in the history.
    x = expect(o.erp.request("PATCH", "/tickets/%d" % tid,
                             '<ticket version="%s"><priority>urgent'
                             '</priority></ticket>' % x.get("version"),
                             ctype=XML_CT, accept=XML_CT), 200).xml()
    kinds = [e.get("kind") for e in x.find("history")]
    check(x.findtext("priority") == "urgent" and "priority" in kinds and
          "deadline" in kinds and
          {v.get("minutes") for v in x.find("evaluation")} == {"60", "960"},
          "urgent: %s" % short(ET.tostring(x)))
    # Resolving needs the report.
    expect_error(ticket_act(o.erp, tid, "resolve", cause="Worn seal"), 422,
                 "invalid")
    expect(ticket_form(agent, tid, "resolve", cause="Worn seal",
                       action_taken="Seal replaced, tested at 200 bar",
                       parts_used="Seal kit SK-20", time_spent="95"), 303)
    x = expect(agent.get("/tickets/%d.xml" % tid), 200).xml()
    check(x.findtext("status") == "resolved" and
          x.findtext("cause") == "Worn seal" and
          x.findtext("time_spent") == "95" and
          x.findtext("resolved_at") not in (None, ""),
          "resolved: %s" % short(ET.tostring(x)))
    for verb in ("take", "start", "wait", "resume", "answer"):
        expect_error(ticket_act(o.erp, tid, verb, text="x"), 409, "conflict")
    expect(ticket_form(agent, tid, "close"), 303)
    # The customer calls their salesperson: it is back.
    x = expect(ticket_act(o.api, tid, "reopen", note="Leaks again"), 200).xml()
    check(x.findtext("status") == "in_progress" and
          x.findtext("resolved_at") in (None, ""),
          "reopened: %s" % short(ET.tostring(x)))
    hist = [(e.get("kind"), e.get("from"), e.get("to"))
            for e in x.find("history") if e.get("kind") == "status"]
    check(hist == [("status", None, "new"), ("status", "new", "assigned"),
                   ("status", "assigned", "in_progress"),
                   ("status", "in_progress", "waiting_customer"),
                   ("status", "waiting_customer", "in_progress"),
                   ("status", "in_progress", "resolved"),
                   ("status", "resolved", "closed"),
                   ("status", "closed", "in_progress")],
          "the history: %r" % hist)
    # The database refuses what the workflow does not allow, any door.
    if con is not None:
        for sql in ("UPDATE tickets SET status = 'new' WHERE id = ?",
                    "UPDATE tickets SET status = 'closed' WHERE id = ?",
                    "UPDATE tickets SET assignee = NULL WHERE id = ?"):
            try:
                con.execute(sql, (tid,))
                con.commit()
                raise Fail("the database let through: %s" % sql)
            except regressdb.DatabaseError:
                con.rollback()
        con.close()
    # Who reads it: the salesperson and the desk's manager (the engineer
    # is of their team); another salesperson does not.
    expect(browser(o, d["lead"]).get("/tickets/%d.xml" % tid), 200)
    other = new_user(o, ("svo%s" % RUN).lower(), "Other Rep " + RUN,
                     "other" + RUN)
    expect(browser(o, ("svo%s" % RUN).lower()).get("/tickets/%d" % tid), 404)
    page = expect(browser(o).get("/customers/%d" % cid), 200)
    check(browser(o).prefix + "/tickets/%d" % tid in
          [a.get("href") for a in page.dom().iter("a")],
          "%s: the ticket is not on its customer's page" % page.req())
    del other


@test("tickets: the workflow, whole: at each status every action it does "
      "not allow is 409 conflict and changes nothing", "xml")
def t_ticket_workflow(o):
    d = desk(o)
    cid, _ = create(o, valid_customer(segment="small_loyal"))
    allowed = {
        "new": {"take", "assign"},
        "assigned": {"start", "answer", "assign"},
        "in_progress": {"answer", "wait", "resolve", "assign"},
        "waiting_customer": {"answer", "resume", "resolve", "assign"},
        "resolved": {"close", "reopen"},
        "closed": {"reopen"},
    }
    form = {"assign": {"assignee": str(d["agent_id"])},
            "answer": {"text": "x"},
            "resolve": {"cause": "c", "action_taken": "a"}}
    path = {"new": [], "assigned": ["take"], "in_progress": ["take", "start"],
            "waiting_customer": ["take", "start", "wait"],
            "resolved": ["take", "start", "resolve"],
            "closed": ["take", "start", "resolve", "close"]}
    verbs = ["take", "assign", "start", "answer", "wait", "resume",
             "resolve", "close", "reopen"]
    for status, steps in path.items():
        tid = int(new_ticket(o, cid, "Flow %s %s" % (status, RUN),
                             c=o.erp).get("id"))
        for v in steps:
            expect(ticket_act(o.erp, tid, v, **form.get(v, {})), 200)
        x = expect(o.erp.get("/tickets/%d.xml" % tid), 200).xml()
        check(x.findtext("status") == status, "drove to %s, got %s" % (
            status, x.findtext("status")))
        for v in verbs:
            if v in allowed[status]:
                continue
            expect_error(ticket_act(o.erp, tid, v, **form.get(v, {})), 409,
                         "conflict")
        y = expect(o.erp.get("/tickets/%d.xml" % tid), 200).xml()
        check(y.get("version") == x.get("version") and
              y.findtext("status") == status,
              "%s: a refused action changed the ticket" % status)


@test("tickets: a customer with its own engineer is served one-to-one "
      "(mode and engineer from the customer, overridable); two agents "
      "taking one ticket at once: one wins", "xml")
def t_ticket_modes(o):
    d = desk(o)
    cid, root = create(o, valid_customer(segment="key_account"))
    r = o.erp.request("PATCH", "/customers/%d" % cid, customer_xml(
        {"engineer": (d["agent2_id"], "")}, version=root.get("version")),
        ctype=XML_CT, accept=XML_CT)
    expect(r, 200)
    x = new_ticket(o, cid, "Install line %s" % RUN, type="installation")
    check(x.findtext("mode") == "assigned" and
          x.find("assignee").get("id") == str(d["agent2_id"]) and
          x.findtext("status") == "assigned",
          "one-to-one: %s" % short(ET.tostring(x)))
    # A key account: half the hours (sla_segment_pct); an installation
    # at least 16 to resolve.
    got = {v.get("clock"): v.get("minutes") for v in x.find("evaluation")}
    check(got == {"first_response": "120", "resolution": "1200"},
          "key account SLA: %r" % got)
    x = new_ticket(o, cid, "Question %s" % RUN, c=o.erp, mode="queue")
    check(x.findtext("mode") == "queue" and x.findtext("status") == "new",
          "queue on request: %s" % short(ET.tostring(x)))
    # The race: both agents post take for the same tickets at once.
    ids = [int(new_ticket(o, cid, "Race %d %s" % (i, RUN), c=o.erp,
                          mode="queue").get("id")) for i in range(4)]
    agents = [browser(o, d["agent"]), browser(o, d["agent2"])]
    for tid in ids:
        posts = []
        for b in agents:
            page = expect(b.get("/tickets/%d" % tid), 200)
            f = [f for f in forms(page.dom()) if (f["action"] or "")
                 .endswith("/tickets/%d/take" % tid)][0]
            posts.append((b, f))
        got = [None, None]

        def go(i):
            b, f = posts[i]
            got[i] = b.post(f["action"], fill(f["fields"], {}), raw=True)
        th = [threading.Thread(target=go, args=(i,)) for i in (0, 1)]
        for t in th:
            t.start()
        for t in th:
            t.join()
        codes = sorted(g.status for g in got)
        check(codes == [303, 409], "ticket %d taken twice: %r" % (tid, codes))
        winner = [i for i in (0, 1) if got[i].status == 303][0]
        x = expect(o.erp.get("/tickets/%d.xml" % tid), 200).xml()
        check(x.find("assignee").get("id") == str(
            (d["agent_id"], d["agent2_id"])[winner]),
            "ticket %d: the winner is not the assignee" % tid)


def notices_of(b, tid):
    """The notices still to send on ticket TID's page, as B sees them:
    (to, subject, body, the Mark sent form)."""
    r = expect(b.get("/tickets/%d" % tid), 200)
    out = []
    for sec in r.dom().iter("section"):
        if "notices" not in (sec.get("class") or ""):
            continue
        for art in sec.iter("article"):
            bold = [n.text() for n in art.iter("b")]
            pre = [n.text() for n in art.iter("pre")]
            subj = art.iter("p").__next__().text()
            out.append((bold[0] if bold else "", subj, pre[0] if pre
                        else "", [f for f in forms(art)]))
    return out


@test("satisfaction: closing sends a single-use, expiring link (a notice "
      "the agent sends by hand without sendmail); the public page needs no "
      "login, takes one answer with the form's token, refuses cross-site "
      "posts, tells nothing of a used, expired, voided (reopened) or "
      "made-up token, and is rate-limited per address", "xml")
def t_feedback(o):
    d = desk(o)
    agent = browser(o, d["agent"])
    cid, _ = create(o, valid_customer(segment="small_loyal",
                                      email="buyer@%s.example" % RUN))
    tid = int(new_ticket(o, cid, "Feedback %s" % RUN).get("id"))
    expect(ticket_form(agent, tid, "take"), 303)
    expect(ticket_form(agent, tid, "answer", text="On our way"), 303)
    expect(ticket_form(agent, tid, "resolve", cause="Loose fitting",
                       action_taken="Tightened"), 303)
    expect(ticket_form(agent, tid, "close"), 303)
    got = notices_of(agent, tid)
    check([n[0] for n in got] == ["buyer@%s.example" % RUN] * 3,
          "notices to %r" % [n[0] for n in got])
    check(all(re.search(r"\[#T-%d-[0-9a-f]{8}\]" % tid, n[1]) for n in got),
          "a notice's subject does not name the ticket: %r" %
          [n[1] for n in got])
    links = re.findall(r"https?://\S+/feedback/([A-Za-z0-9_-]{43})",
                       got[-1][2])
    check(len(links) == 1, "no satisfaction link: %r" % got[-1][2])
    token = links[0]
    check("On our way" in got[0][2] and "Tightened" in got[1][2],
          "the answer and resolution notices: %r" % [n[2] for n in got])
    # Marked sent by hand: gone from the list, the link not kept.
    f = got[-1][3][0]
    expect(agent.post(f["action"], fill(f["fields"], {}), raw=True), 303)
    check(len(notices_of(agent, tid)) == 2, "a sent notice still listed")
    # The public page: no login, no session; the form's own token.
    anon = Client(o.base, o.timeout, browser=True)
    r = expect(anon.get("/feedback/%s" % token), 200)
    check(not any(c.startswith("kiln_session=") for c in
                  r.header_all("Set-Cookie")), "a session for the public page")
    f = form_with(r.dom(), "comment")
    check(f is not None and "Feedback %s" % RUN in r.dom().text() and
          sorted(n.get("value") for n in r.dom().iter("input")
                 if n.get("name") == "rating") == list("12345"),
          "%s: no rating form" % r.req())
    fields = fill(f["fields"], {"rating": "4", "comment": "Quick and tidy"})
    bare = Client(o.base, o.timeout, browser=True)
    expect(bare.post("/feedback/%s" % token, [(k, v) for k, v in fields
                                             if k != "csrf"]), 403)
    expect(anon.post("/feedback/%s" % token, fields, headers={
        "Origin": "https://evil.example"}), 403)
    expect(anon.post("/feedback/%s" % token, fill(f["fields"], {
        "rating": "9"})), 422)
    r = expect(anon.post("/feedback/%s" % token, fields), 200)
    x = expect(o.erp.get("/tickets/%d.xml" % tid), 200).xml()
    check(x.findtext("satisfaction") == "4" and
          x.findtext("feedback") == "Quick and tidy",
          "the answer: %s" % short(ET.tostring(x)))
    # Once only; a used, made-up or malformed token: the same answer.
    r1 = expect(anon.post("/feedback/%s" % token, fields), 404)
    r2 = expect(anon.get("/feedback/%s" % token), 404)
    r3 = expect(anon.get("/feedback/%s" % ("A" * 43)), 404)
    r4 = expect(anon.get("/feedback/x"), 404)
    check(len({r.body for r in (r2, r3, r4)}) == 1,
          "the answers tell a used token from a made-up one")
    for path in ("/feedback/%s/customers" % token, "/feedback",
                 "/feedback/%s/../../customers" % token):
        r = anon.get(path)
        check(r.status in (400, 401, 404) or (r.status == 303 and "/login"
                                              in (r.header("Location") or
                                                  "")),
              "%s: %d" % (r.req(), r.status))
    del r1
    x = expect(o.erp.get("/tickets/%d.xml" % tid), 200).xml()
    check(x.findtext("satisfaction") == "4", "a second answer counted")
    # Expired: a new request made by reopening and closing, then aged.
    expect(ticket_form(agent, tid, "reopen"), 303)
    expect(ticket_form(agent, tid, "resolve", cause="Loose fitting",
                       action_taken="Tightened again"), 303)
    expect(ticket_form(agent, tid, "close"), 303)
    token2 = re.findall(r"/feedback/([A-Za-z0-9_-]{43})",
                        notices_of(agent, tid)[-1][2])[0]
    # Reopened: the unused link rates nothing any more.
    expect(anon.get("/feedback/%s" % token2), 200)
    expect(ticket_form(agent, tid, "reopen"), 303)
    expect(anon.get("/feedback/%s" % token2), 404)
    expect(ticket_form(agent, tid, "resolve", cause="Loose fitting",
                       action_taken="Tightened once more"), 303)
    expect(ticket_form(agent, tid, "close"), 303)
    token2 = re.findall(r"/feedback/([A-Za-z0-9_-]{43})",
                        notices_of(agent, tid)[-1][2])[0]
    if o.db:
        import regressdb
        con = regressdb.connect(o.db, timeout=10)
        con.execute("UPDATE ticket_feedback SET expires_at ="
                    " '2000-01-01T00:00:00Z' WHERE ticket = ?", (tid,))
        con.commit()
        expect(anon.get("/feedback/%s" % token2), 404)
        # Rate-limited: the hour's requests of one address to the page.
        codes = [anon.get("/feedback/%s" % token2).status
                 for _ in range(40)]
        check(429 in codes, "no limit on the public page: %r" % codes)
        con.execute("DELETE FROM public_hits")
        con.commit()
        con.close()


def kiln_cmd(o, *args, stdin=b""):
    conf = os.path.join(os.path.dirname(o.rules_dir), "kiln.conf")
    return subprocess.run([o.kiln, "--config", conf, "--db", o.db] +
                          list(args), input=stdin, capture_output=True,
                          timeout=120)


def mail(frm, subject, body, extra=""):
    return ("From: %s\r\nTo: service@factory.example\r\nSubject: %s\r\n"
            "Date: Tue, 01 Dec 2026 09:00:00 +0800\r\nMessage-ID: <%s@x>\r\n"
            "%sMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8"
            "\r\n\r\n%s\r\n" % (frm, subject, secrets.token_hex(6), extra,
                                body)).encode()


@test("kiln mail-in: a known contact's mail is a ticket (channel e-mail, "
      "acknowledged); a reply with the thread token lands on its ticket "
      "and resumes it, an auto-reply does not (not filed); a GB2312 subject "
      "is read; a mail longer than a ticket is filed, cut, its text in the "
      "history; an unknown sender's is kept among the requests; a malformed "
      "or huge message is refused with the mail server's code and files "
      "nothing", "rule")
def t_mail_in(o):
    if not (o.kiln and o.db and o.rules_dir and os.path.exists(
            os.path.join(os.path.dirname(o.rules_dir), "kiln.conf"))):
        note("no --kiln/--db/kiln.conf for this target: not run")
        return
    d = desk(o)
    agent = browser(o, d["agent"])
    cid, _ = create(o, valid_customer(segment="small_loyal"))
    addr = "qc.%s@hydraulics-%s.example" % (RUN, RUN)
    expect(o.api.post("/contacts", "<contact><customer id=\"%d\"/><name>QC "
                      "Lead</name><email>%s</email></contact>" % (cid, addr),
                      ctype=XML_CT, accept=XML_CT), 201)

    def tickets():
        return {t.get("id"): t for t in expect(o.erp.get(
            "/tickets.xml?customer=%d" % cid), 200).xml()}
    p = kiln_cmd(o, "mail-in", stdin=mail("QC Lead <%s>" % addr.upper(),
                                          "Valve sticks %s" % RUN,
                                          "The HV-3 valve sticks at 80 bar."))
    check(p.returncode == 0, "mail-in: %d %s" % (p.returncode, p.stderr))
    ts = tickets()
    check(len(ts) == 1, "tickets after the mail: %d" % len(ts))
    tid, x = int(list(ts)[0]), list(ts.values())[0]
    check(x.findtext("subject") == "Valve sticks %s" % RUN and
          x.findtext("channel") == "email" and
          "80 bar" in (x.findtext("description") or "") and
          x.find("contact").get("id") is not None,
          "the mailed ticket: %s" % short(ET.tostring(x)))
    ack = notices_of(agent, tid)
    check(len(ack) == 1 and ack[0][0].lower() == addr.lower(),
          "the acknowledgement: %r" % ack)
    subject = ack[0][1]
    thread = re.search(r"\[#T-\d+-[0-9a-f]{8}\]", subject).group(0)
    expect(ticket_form(agent, tid, "take"), 303)
    expect(ticket_form(agent, tid, "start"), 303)
    expect(ticket_form(agent, tid, "wait"), 303)
    p = kiln_cmd(o, "mail-in", stdin=mail(addr, "Re: %s Valve sticks" %
                                          thread, "Serial is HV3-0042."))
    check(p.returncode == 0, "reply: %d %s" % (p.returncode, p.stderr))
    x = expect(o.erp.get("/tickets/%d.xml" % tid), 200).xml()
    msgs = [e.text for e in x.find("history") if e.get("kind") == "message"]
    check(x.findtext("status") == "in_progress" and
          any("HV3-0042" in (m or "") for m in msgs) and len(tickets()) == 1,
          "the reply: %s" % short(ET.tostring(x)))
    # An out-of-office answer to a notice: not filed, the clock stays.
    expect(ticket_form(agent, tid, "wait"), 303)
    for extra in ("Auto-Submitted: auto-replied\r\n",
                  "Precedence: bulk\r\n"):
        p = kiln_cmd(o, "mail-in", stdin=mail(addr, "Re: %s Away" % thread,
                                              "Back on Monday.", extra))
        check(p.returncode == 0 and "automatic" in p.stderr.decode(),
              "an auto-reply: %d %s" % (p.returncode, p.stderr))
    x = expect(o.erp.get("/tickets/%d.xml" % tid), 200).xml()
    check(x.findtext("status") == "waiting_customer" and not any(
        "Back on Monday" in (e.text or "") for e in x.find("history")),
        "an auto-reply resumed the ticket: %s" % short(ET.tostring(x)))
    expect(ticket_form(agent, tid, "resume"), 303)
    # A forged thread token is a new ticket, not a reply.
    forged = re.sub(r"-[0-9a-f]{8}\]", "-00000000]", thread)
    kiln_cmd(o, "mail-in", stdin=mail(addr, "Re: %s hi" % forged, "x"))
    check(len(tickets()) == 2, "a forged token threaded onto the ticket")
    # Longer than a ticket's description: filed, cut, the whole text kept.
    long_text = "Log line of the press controller.\n" * 600 + "END-%s" % RUN
    p = kiln_cmd(o, "mail-in", stdin=mail(addr, "Long log\r\n %s" % RUN,
                                          long_text))
    check(p.returncode == 0, "a long mail: %d %s" % (p.returncode, p.stderr))
    got = [t for t in tickets().values() if RUN in t.findtext("subject")
           and "Long log" in t.findtext("subject")]
    check(len(got) == 1, "the long mail's ticket: %r" % len(got))
    x = expect(o.erp.get("/tickets/%s.xml" % got[0].get("id")), 200).xml()
    check(len(x.findtext("description")) <= 10000 and any(
        ("END-%s" % RUN) in (e.text or "") for e in x.find("history")
        if e.get("kind") == "message"),
        "the long mail's text: %d chars" % len(x.findtext("description")))
    # A GB2312 subject (=?GB2312?B?...?=): 液压泵漏油.
    enc = "=?GB2312?B?%s?=" % __import__("base64").b64encode(
        "液压泵漏油".encode("gb2312")).decode()
    p = kiln_cmd(o, "mail-in", stdin=mail(addr, enc, "漏油".encode(
        "utf-8").decode()))
    check(p.returncode == 0 and any(t.findtext("subject") == "液压泵漏油"
                                    for t in tickets().values()),
          "the GB2312 subject: %s" % p.stderr)
    n = len(tickets())
    # A sender nobody knows: no ticket, kept among the requests.
    p = kiln_cmd(o, "mail-in", stdin=mail("stranger@nowhere-%s.example" % RUN,
                                          "Hello %s" % RUN, "Who are you?"))
    check(p.returncode == 0, "an unknown sender: %d" % p.returncode)
    page = expect(agent.get("/tickets/requests"), 200).dom().text()
    check("Hello %s" % RUN in page and "stranger@nowhere-%s.example" % RUN
          in page, "the unknown sender's mail is not among the requests")
    p = kiln_cmd(o, "mail-in", stdin=b"\x00\x01garbage without headers")
    check(p.returncode == 65, "garbage: %d %s" % (p.returncode, p.stderr))
    p = kiln_cmd(o, "mail-in", stdin=mail(addr, "Huge", "x" * (11 << 20)))
    check(p.returncode == 65, "11 MiB: %d %s" % (p.returncode, p.stderr))
    check(len(tickets()) == n, "a refused mail filed a ticket")


@test("the public request form (web_requests = yes): every request is "
      "kept among the requests for the desk (a customer's address typed in "
      "files no ticket and mails the customer nothing), the same thanks for "
      "a customer's and a stranger's; the robot trap, the caps, a subject "
      "on one line and the form token hold", "xml")
def t_web_request(o):
    d = desk(o)
    agent = browser(o, d["agent"])
    cid, _ = create(o, valid_customer(segment="small_loyal",
                                      email="plant.%s@web-%s.example" % (
                                          RUN, RUN)))
    anon = Client(o.base, o.timeout, browser=True)
    r = expect(anon.get("/request"), 200)
    f = form_with(r.dom(), "subject")
    check(f is not None, "%s: no request form" % r.req())

    def send(**v):
        page = expect(anon.get("/request"), 200)
        return anon.post("/request", fill(form_with(page.dom(), "subject")[
            "fields"], v))
    known = send(name="Plant Lead", email="plant.%s@web-%s.example" % (RUN,
                                                                      RUN),
                 subject="Web known %s" % RUN, description="Press stops")
    expect(known, 200)
    ts = [t for t in expect(o.erp.get("/tickets.xml?customer=%d" % cid),
                            200).xml()]
    check(ts == [], "a typed-in address filed a ticket for its customer: %r"
          % [ET.tostring(t) for t in ts])
    stranger = send(name="New Person", email="np@new-%s.example" % RUN,
                    subject="Web stranger %s" % RUN, description="Quote?")
    expect(stranger, 200)
    check(known.dom().text() == stranger.dom().text(),
          "the form tells a customer's address from a stranger's")
    page = expect(agent.get("/tickets/requests"), 200)
    check("Web stranger %s" % RUN in page.dom().text() and
          "Web known %s" % RUN in page.dom().text(),
          "the requests are not listed")
    expect(send(name="x", email="x@y.example", subject="Two\nlines",
                description="x"), 422)
    send(name="Bot", email="bot@spam.example", subject="Trap %s" % RUN,
         description="buy", website="http://spam.example")
    check("Trap %s" % RUN not in expect(agent.get("/tickets/requests"),
                                        200).dom().text(),
          "the trap's catch was kept")
    expect(send(name="x", email="x@y.example", subject="Long",
                description="x" * 5001), 422)
    expect(send(name="x", email="not an address", subject="Bad",
                description="x"), 422)
    bare = Client(o.base, o.timeout, browser=True)
    expect(bare.post("/request", {"name": "x", "email": "x@y.example",
                                  "subject": "s", "description": "d"}), 403)
    # Done: off the list.
    art = [f for f in forms(page.dom()) if (f["action"] or "").endswith(
        "/done")]
    check(art, "no Done button on the requests")
    expect(agent.post(art[-1]["action"], fill(art[-1]["fields"], {}),
                      raw=True), 303)


@test("sla and escalate rules are data: a rule dropped in sets a tighter "
      "deadline; the service_escalate job acts once on a passed deadline "
      "(breached, to the team lead, in the history and audit), a dropped-in "
      "escalate rule raises the priority; a ticket the database refuses to "
      "change is marked and passed over, the others escalated", "rule")
def t_sla_rules(o):
    if not o.rules_dir:
        note("no --rules-dir for this target: not run")
        return
    d = desk(o)
    vip = os.path.join(o.rules_dir, "zz_vip.lua")
    esc = os.path.join(o.rules_dir, "zz_escalate.lua")
    cid, _ = create(o, valid_customer(segment="small_loyal"))
    try:
        write_rule(vip, "local M = {}\nfunction M.ticket(t, ctx)\n"
                   "  if ctx.clock == 'first_response' then\n"
                   "    return 'pass', 'VIP line', nil, 30\n  end\n"
                   "  return 'pass'\nend\nreturn M\n")
        x = new_ticket(o, cid, "VIP %s" % RUN)
        got = {(v.get("clock"), v.get("rule")): v.get("minutes")
               for v in x.find("evaluation")}
        created = utc(x.findtext("created_at"))
        check(got.get(("first_response", "zz_vip")) == "30" and
              x.findtext("first_response_due") ==
              utc_text(work_add(created, 30 * 60)) and
              x.findtext("resolution_due") ==
              utc_text(work_add(created, 2400 * 60)),
              "with zz_vip.lua: %s" % short(ET.tostring(x)))
    finally:
        os.unlink(vip)
    x = new_ticket(o, cid, "Plain %s" % RUN)
    check([v.get("rule") for v in x.find("evaluation")] == ["sla", "sla"],
          "zz_vip.lua removed: %s" % short(ET.tostring(x)))
    if not (o.kiln and o.db and os.path.exists(os.path.join(
            os.path.dirname(o.rules_dir), "kiln.conf"))):
        note("no --kiln/--db/kiln.conf for this target: the job is not run")
        return
    tid = int(x.get("id"))
    expect(ticket_form(browser(o, d["agent"]), tid, "take"), 303)
    import regressdb

    # The target's own configuration: its rules directory, its clock.
    conf = os.path.join(os.path.dirname(o.rules_dir), "kiln.conf")

    def job():
        p = subprocess.run([o.kiln, "--config", conf, "--db", o.db, "jobs",
                            "service_escalate"], capture_output=True,
                           text=True, timeout=120)
        check(p.returncode == 0, "kiln jobs service_escalate: %s" % p.stderr)

    def backdate(tid, hours):
        con = regressdb.connect(o.db, timeout=10)
        past = utc_text(datetime.datetime.utcnow() -
                        datetime.timedelta(hours=hours))
        con.execute("UPDATE tickets SET resolution_due = ? WHERE id = ?",
                    (past, tid))
        con.commit()
        con.close()
    backdate(tid, 200)
    job()
    x = expect(o.erp.get("/tickets/%d.xml" % tid), 200).xml()
    esc_events = [e for e in x.find("history") if e.get("kind") ==
                  "escalation"]
    check(x.findtext("breached") == "true" and
          x.find("assignee").get("id") == str(d["lead_id"]) and
          x.findtext("escalated") == "1" and len(esc_events) == 1 and
          esc_events[0].get("from") == "passed",
          "escalated: %s" % short(ET.tostring(x)))
    ids = [t.get("id") for t in expect(browser(o, d["lead"]).get(
        "/tickets/escalated.xml"), 200).xml().iter("ticket")]
    check(str(tid) in ids, "not on the escalated worklist: %r" % ids)
    job()
    x = expect(o.erp.get("/tickets/%d.xml" % tid), 200).xml()
    check(x.findtext("escalated") == "1", "escalated twice for one deadline")
    # A dropped-in escalate rule: a passed deadline raises the priority.
    t2 = int(new_ticket(o, cid, "Escalate %s" % RUN).get("id"))
    try:
        write_rule(esc, "local M = {}\nfunction M.escalate(t, ctx)\n"
                   "  if t.id == %d and ctx.action == 'priority' then\n"
                   "    return 'warn', 'probe: up'\n  end\n"
                   "  return 'pass'\nend\nreturn M\n" % t2)
        backdate(t2, 200)
        job()
    finally:
        os.unlink(esc)
    x = expect(o.erp.get("/tickets/%d.xml" % t2), 200).xml()
    notes = [e.text for e in x.find("history") if e.get("kind") ==
             "escalation"]
    check(x.findtext("priority") == "high" and notes == ["probe: up"],
          "zz_escalate.lua: %s" % short(ET.tostring(x)))
    # A ticket the database refuses to change (its contact now another
    # customer's) is passed over, not a stop for every other ticket.
    kid = int(expect(o.api.post(
        "/contacts", "<contact><customer id=\"%d\"/><name>Gone %s</name>"
        "</contact>" % (cid, RUN), ctype=XML_CT, accept=XML_CT), 201).xml()
        .get("id"))
    bad = int(expect(o.api.post(
        "/tickets", "<ticket><subject>Moved %s</subject><customer id=\"%d\""
        "/><contact id=\"%d\"/></ticket>" % (RUN, cid, kid), ctype=XML_CT,
        accept=XML_CT), 201).xml().get("id"))
    good = int(new_ticket(o, cid, "Still fine %s" % RUN).get("id"))
    other, _ = create(o, valid_customer(segment="small_loyal"))
    backdate(bad, 300)
    backdate(good, 250)
    con = regressdb.connect(o.db, timeout=10)
    con.execute("UPDATE contacts SET customer = ? WHERE id = ?", (other, kid))
    con.commit()
    con.close()
    job()
    xb = expect(o.erp.get("/tickets/%d.xml" % bad), 200).xml()
    xg = expect(o.erp.get("/tickets/%d.xml" % good), 200).xml()
    check(xb.findtext("escalated") == "0" and
          xg.findtext("escalated") == "1" and
          xg.findtext("breached") == "true",
          "after a refused ticket: escalated %s / %s, breached %s" % (
              xb.findtext("escalated"), xg.findtext("escalated"),
              xg.findtext("breached")))
    con = regressdb.connect(o.db, timeout=10)
    acts = [r[0] for r in con.execute(
        "SELECT actions FROM ticket_escalations WHERE ticket = ?", (bad,))]
    con.close()
    check(acts == ["refused"], "the refused ticket's mark: %r" % acts)


def sla_rows(c, query, fmt="xml"):
    """The rows of /reports/sla.xml?QUERY as C reads them: {(by, key):
    attributes}; a row without a key has key ""."""
    x = expect(c.get("/reports/sla.xml?" + query), 200).xml()
    check(x.tag == "report" and x.get("name") == "sla",
          "/reports/sla.xml?%s: %s" % (query, short(ET.tostring(x))))
    return {(r.get("by"), r.get("key", "")): dict(r.attrib) for r in x}


def sla_line(within, missed, overdue, share, hours, p90=None):
    """One clock's attributes of a row, as the report writes them."""
    return (within, missed, overdue, share, hours, p90)


def sla_got(row, clock, p90=False):
    return (row.get(clock + "_within"), row.get(clock + "_missed"),
            row.get(clock + "_overdue"), row.get(clock + "_share"),
            row.get(clock + "_hours"),
            row.get(clock + "_p90_hours") if p90 else None)


@test("SLA report: a fixture of eight tickets of a desk team, moved "
      "through the workflow, then given exact times and business seconds "
      "in the database (the summaries follow): shares within the "
      "deadlines, mean and 90th-percentile hours, satisfaction, by "
      "priority, engineer, segment and product, causes, the backlog by "
      "age; every way of cutting the period agrees; CSV is the XML; a "
      "salesperson, a manager, a filter see only theirs; kiln check agrees",
      "xml")
def t_sla_report(o):
    S.sla_tried = True
    if not o.db:
        note("no --db for this target: the figures are not set up")
        return
    import regressdb
    # A past month of the run's own among 1 440 (targets may share a
    # database): every figure below is of its days.
    n = int(RUN, 16)
    year, month = 1900 + n % 120, 1 + (n // 120) % 12
    day = "%04d-%02d-%%02d" % (year, month)

    def at(d, hm):
        return (day % d) + "T" + hm + ":00Z"
    team = "sla" + RUN
    e1l, e2l, ml = [("sl%s%s" % (k, RUN)).lower() for k in "abm"]
    e1 = new_user(o, e1l, "SLA Eng A " + RUN, team, role="service")
    e2 = new_user(o, e2l, "SLA Eng B " + RUN, team, role="service")
    m = new_user(o, ml, "SLA Lead " + RUN, team, role="manager")
    rep = new_user(o, ("slr%s" % RUN).lower(), "SLA Rep " + RUN,
                   "slr" + RUN)
    c1, _ = create(o, valid_customer(segment="project",
                                     name=uniq("SLA One")))
    c2, _ = create(o, valid_customer(segment="small_loyal",
                                     name=uniq("SLA Two")))
    c3 = erp_post(o, "/customers", customer_xml({
        "name": uniq("SLA Three"), "segment": "project",
        "phone": "+86 574 1234 5600", "owner": (rep, "r")}))
    c4 = erp_post(o, "/customers", customer_xml({
        "name": uniq("SLA Four"), "segment": "key_account",
        "phone": "+86 574 1234 5601", "owner": (m, "m")}))
    p1 = erp_post(o, "/products", "<product><sku>SLA1-%s</sku><name>Pump"
                  " %s</name></product>" % (RUN, RUN))
    p2 = erp_post(o, "/products", "<product><sku>SLA2-%s</sku><name>Valve"
                  " %s</name></product>" % (RUN, RUN))

    def ticket(cust, subject, priority, product=None, typ="repair"):
        body = ('<ticket><subject>%s %s</subject><customer id="%d"/>'
                '<priority>%s</priority><type>%s</type>%s<mode>queue</mode>'
                '</ticket>' % (subject, RUN, cust, priority, typ,
                               '<product id="%d"/>' % product
                               if product else ""))
        return int(expect(o.erp.post("/tickets", body, ctype=XML_CT,
                                     accept=XML_CT), 201).xml().get("id"))
    a1, a2 = browser(o, e1l), browser(o, e2l)
    # Who, what, and (when, clocks) to set: first response due, at,
    # business seconds; resolution due, at, seconds; rating; cause.
    fixture = [
        ("T1", c1, "high", p1, a1, (1, "09:00"),
         (at(1, "11:00"), at(1, "10:00"), 3600),
         (at(3, "09:00"), at(2, "09:00"), 28800), 5, "Seal"),
        ("T2", c1, "normal", p1, a1, (2, "09:00"),
         (at(2, "13:00"), at(2, "15:00"), 18000),
         (at(8, "09:00"), at(9, "10:00"), 162000), 2, "Seal"),
        ("T3", c2, "normal", p2, a2, (3, "09:00"),
         (at(3, "13:00"), at(3, "09:30"), 1800),
         (at(10, "09:00"), at(4, "12:00"), 10800), 4, "Wiring"),
        ("T4", c2, "urgent", p2, a2, (4, "09:00"),
         (at(4, "10:00"), at(4, "09:45"), 1200),
         (at(5, "09:00"), "", None), None, None),
        ("T5", c3, "high", p1, a1, (5, "09:00"),
         (at(5, "11:00"), at(5, "10:00"), 3600),
         (at(8, "09:00"), at(5, "15:00"), 14400), 3, "Seal"),
        ("T8", c4, "low", None, a1, (6, "09:00"),
         (at(6, "17:00"), at(6, "10:00"), 7200),
         (at(12, "09:00"), at(7, "09:00"), 36000), 1, "Dust"),
    ]
    ids = {}
    for name, cust, pri, prod, b, _, _, _, _, cause in fixture:
        tid = ticket(cust, name, pri, prod)
        ids[name] = tid
        expect(ticket_form(b, tid, "take"), 303)
        expect(ticket_form(b, tid, "answer", text="On it"), 303)
        if cause:
            expect(ticket_form(b, tid, "resolve", cause=cause,
                               action_taken="Fixed"), 303)
    # Open today: a complaint in the queue, one of A's not answered, one
    # of A's past its first-response deadline, one of B's close to it.
    ids["T6"] = ticket(c1, "T6", "normal", typ="complaint")
    for name in ("T7", "T10"):
        ids[name] = ticket(c1, name, "normal")
        expect(ticket_form(a1, ids[name], "take"), 303)
    ids["T9"] = ticket(c2, "T9", "normal")
    expect(ticket_form(a2, ids["T9"], "take"), 303)
    now = datetime.datetime.utcnow().replace(microsecond=0)
    con = regressdb.connect(o.db, timeout=10)
    for name, _, _, _, _, (d, hm), fr, rs, sat, _ in fixture:
        con.execute("UPDATE tickets SET created_at = ?, first_response_due"
                    " = ?, first_response_at = ?, response_secs = ?,"
                    " resolution_due = ?, resolved_at = ?, resolution_secs"
                    " = ?, satisfaction = ? WHERE id = ?",
                    (at(d, hm),) + fr + rs + (sat, ids[name]))
    con.execute("UPDATE tickets SET first_response_due = ? WHERE id = ?",
                (utc_text(now - datetime.timedelta(minutes=1)), ids["T10"]))
    con.execute("UPDATE tickets SET first_response_due = ?,"
                " response_budget = 14400 WHERE id = ?",
                (utc_text(now + datetime.timedelta(minutes=30)), ids["T9"]))
    # Deadlines the escalation job must leave alone (kiln serve runs it).
    for name, clock, state, due in (
            ("T4", "resolution", "passed", at(5, "09:00")),
            ("T10", "first_response", "passed",
             utc_text(now - datetime.timedelta(minutes=1))),
            ("T9", "first_response", "near",
             utc_text(now + datetime.timedelta(minutes=30)))):
        con.execute("INSERT INTO ticket_escalations (ticket, clock, state,"
                    " due, at) VALUES (?, ?, ?, ?, ?)",
                    (ids[name], clock, state, due, utc_text(now)))
    con.commit()
    con.close()

    R, X = "response", "resolution"
    sku1, sku2 = "SLA1-%s" % RUN, "SLA2-%s" % RUN
    # The whole desk: every figure by hand (README, "Service levels").
    # Engineer A's (T1, T2, T5, T8), B's (T3, T4: product 2, small loyal),
    # the project customers' (T1, T2, T5: product 1), T8 (key account,
    # no product).
    a_line = {R: sla_line("3", "1", "0", "0.75", "2.25"),
              X: sla_line("3", "1", "0", "0.75", "16.75"),
              "ratings": "4", "satisfaction": "2.75"}
    b_line = {R: sla_line("2", "0", "0", "1.00", "0.42"),
              X: sla_line("1", "1", "1", "0.50", "3.00"),
              "ratings": "1", "satisfaction": "4.00"}
    p_line = {R: sla_line("2", "1", "0", "0.67", "2.33"),
              X: sla_line("2", "1", "0", "0.67", "19.00"),
              "ratings": "3", "satisfaction": "3.33"}
    t8_line = {R: sla_line("1", "0", "0", "1.00", "2.00"),
               X: sla_line("1", "0", "0", "1.00", "10.00"),
               "ratings": "1", "satisfaction": "1.00"}
    whole = {
        ("all", ""): {R: sla_line("5", "1", "0", "0.83", "1.64", "5.25"),
                      X: sla_line("4", "2", "1", "0.67", "14.00", "46.00"),
                      "ratings": "5", "satisfaction": "3.00"},
        ("priority", "urgent"): {
            R: sla_line("1", "0", "0", "1.00", "0.33", "0.50"),
            X: sla_line("0", "1", "1", "0.00", "", ""),
            "ratings": "0", "satisfaction": ""},
        ("priority", "high"): {
            R: sla_line("2", "0", "0", "1.00", "1.00", "1.25"),
            X: sla_line("2", "0", "0", "1.00", "6.00", "9.00"),
            "ratings": "2", "satisfaction": "4.00"},
        ("priority", "normal"): {
            R: sla_line("1", "1", "0", "0.50", "2.75", "5.25"),
            X: sla_line("1", "1", "0", "0.50", "24.00", "46.00"),
            "ratings": "2", "satisfaction": "3.00"},
        ("priority", "low"): dict(t8_line, **{
            R: sla_line("1", "0", "0", "1.00", "2.00", "2.25"),
            X: sla_line("1", "0", "0", "1.00", "10.00", "11.00")}),
        ("engineer", e1l): a_line, ("engineer", e2l): b_line,
        ("segment", "project"): p_line, ("segment", "small_loyal"): b_line,
        ("segment", "key_account"): t8_line,
        ("product", sku1): p_line, ("product", sku2): b_line,
        ("product", ""): t8_line,
    }

    def compare(rows, want, what, p90=True):
        got = {}
        for k in want:
            r = rows.get(k, {})
            got[k] = {R: sla_got(r, R, p90 and k[0] in ("all", "priority")),
                      X: sla_got(r, X, p90 and k[0] in ("all", "priority")),
                      "ratings": r.get("ratings"),
                      "satisfaction": r.get("satisfaction")}
        exp = {k: {R: v[R][:5] + ((v[R][5] if p90 and k[0] in
                                   ("all", "priority") else None),),
                   X: v[X][:5] + ((v[X][5] if p90 and k[0] in
                                   ("all", "priority") else None),),
                   "ratings": v["ratings"],
                   "satisfaction": v["satisfaction"]}
               for k, v in want.items()}
        bad = {k: (got[k], exp[k]) for k in exp if got[k] != exp[k]}
        check(not bad, "%s: %d rows differ, e.g. %r" % (
            what, len(bad), sorted(bad.items())[:2]))

    first = datetime.date(year, month, 1)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - \
        datetime.timedelta(days=1)
    # Whole months from the monthly summary, other days from the daily.
    cuts = ["from=%s&to=%s" % (first, last),
            "from=%s&to=%s" % (first, day % 12),
            "from=%s&to=%s" % (first - datetime.timedelta(days=20),
                               day % 20),
            "from=%s&to=%s" % (first - datetime.timedelta(days=40),
                               last + datetime.timedelta(days=40))]
    for q in cuts:
        rows = sla_rows(o.erp, q)
        compare(rows, whole, "the whole desk, " + q)
        got = sorted((r["key"], r.get("name", ""), r["tickets"])
                     for k, r in rows.items() if k[0] == "cause" and
                     (r.get("product") in (str(p1), str(p2)) or
                      r["key"] == "Dust"))
        check(got == [("Dust", "", "1"), ("Seal", "Pump " + RUN, "3"),
                      ("Wiring", "Valve " + RUN, "1")],
              "causes, %s: %r" % (q, got))
        check(rows.get(("engineer", e1l), {}).get("owner") == str(e1),
              "the engineer's row names them: %r" %
              rows.get(("engineer", e1l)))
    q = cuts[0]
    # The CSV is the XML's rows, a column per attribute.
    r = expect(o.erp.get("/reports/sla.csv?" + q), 200)
    check(r.ctype == "text/csv" and "sla.csv" in (
        r.header("content-disposition") or ""),
          "%s: %r %r" % (r.req(), r.ctype, r.header("content-disposition")))
    lines = list(csv.reader(io.StringIO(r.body.decode("utf-8"))))
    x = expect(o.erp.get("/reports/sla.xml?" + q), 200).xml()
    want = [[row.get(c, "") for c in lines[0]] for row in x]
    check(lines[1:] == want and set(lines[0]) == set().union(
        *[set(row.attrib) for row in x]),
          "sla.csv differs from the XML: %r" % [
              (a, b) for a, b in zip(lines[1:], want) if a != b][:2])
    # Filters: an engineer, the team, a segment.
    e2_only = {("all", ""): dict(whole[("engineer", e2l)])}
    compare(sla_rows(o.erp, q + "&owner=%d" % e2), e2_only, "owner=B",
            p90=False)
    compare(sla_rows(o.erp, q + "&team=%s" % team),
            {("all", ""): whole[("all", "")]}, "team", p90=False)
    compare(sla_rows(o.erp, q + "&segment=project"),
            {("all", ""): whole[("segment", "project")]}, "segment",
            p90=False)
    compare(sla_rows(o.erp, q + "&owner=%d&segment=project" % e1),
            {("all", ""): p_line}, "owner=A, segment", p90=False)
    rows = sla_rows(o.erp, q + "&team=%s" % team)
    check(not any(k[0] in ("product", "cause") or "response_p90_hours" in v
                  for k, v in rows.items()),
          "a filtered report has the whole desk's products or percentiles")
    # The team's backlog now: B's open T4 (filed that month), A's T7, T10
    # today; B's T9 today.
    got = [rows.get(("age", k), {}).get("open") for k in
           ("lt1d", "1to3d", "3to7d", "7to30d", "gt30d")]
    check(got == ["3", "0", "0", "0", "1"], "the team's backlog: %r" % got)
    # A running deadline passed today, read from the tickets: T10.
    yday = (now - datetime.timedelta(days=1)).date()
    rows = sla_rows(o.erp, "owner=%d&from=%s&to=%s" % (e1, yday, now.date()))
    check(rows[("all", "")].get("response_overdue") == "1" and
          rows[("all", "")].get("response_within") == "0",
          "A's deadline passed today: %r" % rows[("all", "")])
    # The salesperson: their customers' tickets only (T1-T4, not T5).
    mine = {("all", ""): {
        R: sla_line("3", "1", "0", "0.75", "1.71"),
        X: sla_line("2", "2", "1", "0.50", "18.67"),
        "ratings": "3", "satisfaction": "3.67"},
        ("engineer", e1l): {
            R: sla_line("1", "1", "0", "0.50", "3.00"),
            X: sla_line("1", "1", "0", "0.50", "26.50"),
            "ratings": "2", "satisfaction": "3.50"},
        ("engineer", e2l): whole[("engineer", e2l)]}
    rows = sla_rows(o.api, q)
    compare(rows, mine, "the salesperson", p90=False)
    check(not any(k[0] in ("product", "cause") for k in rows),
          "the salesperson sees the whole desk's products or causes")
    compare(sla_rows(o.api, q + "&owner=%d" % e1),
            {("all", ""): mine[("engineer", e1l)]}, "the salesperson, A's",
            p90=False)
    compare(sla_rows(o.api, q + "&owner=%d&segment=project" % e1),
            {("all", ""): mine[("engineer", e1l)]},
            "the salesperson, A's with projects", p90=False)
    compare(sla_rows(o.api, q + "&segment=small_loyal"),
            {("all", ""): whole[("engineer", e2l)]},
            "the salesperson's small loyal customers", p90=False)
    # The team's manager: the team's tickets (T8, a customer of their
    # own with A as engineer, counted once).
    lead = browser(o, ml)
    compare(sla_rows(lead, q), {("all", ""): whole[("all", "")],
                                ("engineer", e1l): whole[("engineer", e1l)]},
            "the manager", p90=False)
    compare(sla_rows(lead, q + "&owner=%d" % e2), e2_only,
            "the manager, B's", p90=False)
    compare(sla_rows(lead, q + "&segment=key_account"),
            {("all", ""): t8_line}, "the manager's key accounts", p90=False)
    # The other salesperson sees T5 alone.
    other = sla_rows(browser(o, ("slr%s" % RUN).lower()), q)
    check(other[("all", "")].get("response_within") == "1" and
          other[("all", "")].get("resolution_within") == "1" and
          other[("all", "")].get("response_missed") == "0",
          "the other salesperson: %r" % other[("all", "")])
    # The page: charts, valid (checked on the way); bad filters are 400.
    r = expect(browser(o, o.admin_login).get("/reports/sla?" + q), 200)
    check(len(list(r.dom().iter("svg"))) >= 2, "%s: no charts" % r.req())
    expect(browser(o).get("/reports/sla"), 200)
    for bad in ("from=2031-02-30", "owner=x", "from=2027-02-01&to=2027-01-31",
                "team=%01x"):
        expect_error(o.api.get("/reports/sla.xml?" + bad), 400,
                     "bad_request")
    if o.kiln and o.rules_dir:
        p = kiln_cmd(o, "check")
        check(p.returncode == 0, "kiln check: %s %s" % (
            p.stdout.decode(errors="replace")[-600:],
            p.stderr.decode(errors="replace")[-600:]))
    S.sla = {"ids": ids, "e1": e1l, "e2": e2l, "lead": ml, "c1": c1}


def invoiced_order(o, cid, pid, qty, invoiced, paid=None):
    """An order of QTY of product PID for customer CID, submitted (the
    administrator's), then as the ERP would: shipped, invoiced INVOICED
    days ago, paid PAID days ago; its id."""
    day = lambda n: (datetime.datetime.utcnow().date() -
                     datetime.timedelta(days=n)).isoformat()
    oid = erp_post(o, "/orders", '<order><customer id="%d"/><lines><line>'
                   '<product id="%d"/><quantity>%d</quantity></line>'
                   '</lines></order>' % (cid, pid, qty))
    r = expect(o.erp.post("/orders/%d/submit" % oid, b"", ctype=FORM_CT,
                          accept=XML_CT), 200)
    check(r.xml().get("status") == "approved", "setup: %s: %s" % (
        r.req(), short(r.body)))
    steps = ["<status>shipped</status><shipped_date>%s</shipped_date>" %
             day(invoiced + 1),
             "<status>invoiced</status><invoiced_amount>%s</invoiced_amount>"
             "<invoiced_date>%s</invoiced_date>" % (
                 expect(o.erp.get("/orders/%d.xml" % oid), 200).xml()
                 .findtext("total"), day(invoiced))]
    if paid is not None:
        steps.append("<status>paid</status><paid_date>%s</paid_date>" %
                     day(paid))
    for body in steps:
        v = expect(o.erp.get("/orders/%d.xml" % oid), 200).xml().get(
            "version")
        if "<status>paid" in body:
            body += "<paid_amount>%s</paid_amount>" % expect(o.erp.get(
                "/orders/%d.xml" % oid), 200).xml().findtext(
                    "invoiced_amount")
        expect(o.erp.request("PATCH", "/orders/%d" % oid,
                             '<order version="%s">%s</order>' % (v, body),
                             ctype=XML_CT, accept=XML_CT), 200)
    return oid


def value_rows(c, query):
    """Rows by customer of /reports/customer-value.xml?QUERY as C reads
    them: {customer id: attributes}."""
    x = expect(c.get("/reports/customer-value.xml?" + query), 200).xml()
    check(x.tag == "report" and x.get("name") == "customer-value",
          "customer-value: %s" % short(ET.tostring(x)))
    return {int(r.get("customer")): dict(r.attrib) for r in x
            if r.get("by") == "customer"}


@test("customer value: a product's cost is finance's; the on-demand run "
      "(a manager's) works out revenue, margin at the costs of the day, "
      "orders and payment per customer; the customer's page and the report "
      "(XML, CSV) show them to who may read the customer; a prospect that "
      "bought is suggested a segment, accepted by its manager through the "
      "normal update, another dismissed and not proposed again, a third "
      "refused when its segment changed meanwhile; a value rule dropped in "
      "changes the lifetime value", "rule")
def t_customer_value(o):
    team = "cv" + RUN
    ua = new_user(o, ("cva%s" % RUN).lower(), "Value Rep " + RUN, team)
    new_user(o, ("cvm%s" % RUN).lower(), "Value Lead " + RUN, team,
             role="manager")
    new_user(o, ("cvf%s" % RUN).lower(), "Value Finance " + RUN, "",
             role="finance")
    new_user(o, ("cvo%s" % RUN).lower(), "Other Rep " + RUN, "x" + team)
    rep, lead = browser(o, ("cva%s" % RUN).lower()), browser(
        o, ("cvm%s" % RUN).lower())
    fin, other = browser(o, ("cvf%s" % RUN).lower()), browser(
        o, ("cvo%s" % RUN).lower())
    sku = uniq("CV").replace(" ", "-")
    pid = erp_post(o, "/products", "<product><sku>%s</sku><name>%s</name>"
                   "<unit_price>500.00</unit_price><cost>300.00</cost>"
                   "</product>" % (sku, sku))
    # The cost: finance's and the administrator's, not the back office's
    # or a salesperson's.
    x = expect(o.erp.get("/products/%d.xml" % pid), 200).xml()
    check(x.findtext("cost") == "300.00", "cost: %s" % short(ET.tostring(x)))

    def set_cost(b, cost):
        """The product's edit form as B has it, the cost set."""
        e = b.get("/products/%d/edit" % pid)
        if e.status != 200:
            return e
        f = form_with(e.dom(), "cost")
        check(f is not None, "%s: no cost in the form" % e.req())
        return b.post(f["action"], set_field(f["fields"], "cost", cost),
                      raw=True)
    r = set_cost(rep, "1.00")
    check(r.status == 403, "%s: a salesperson set a cost: %d" % (
        r.req(), r.status))
    expect(set_cost(fin, "250.00"), 303)

    def customer(name):
        return erp_post(o, "/customers", customer_xml({
            "name": uniq(name), "segment": "prospect", "owner": (ua, "r"),
            "phone": "+86 574 5555 0000"}))
    ca, cb, cc = customer("CV A"), customer("CV B"), customer("CV C")
    # 4 units at 500.00 (cost 250.00): 2 000.00, margin 1 000.00; then
    # the cost rises, and the order made before keeps its own.
    invoiced_order(o, ca, pid, 4, invoiced=20, paid=12)
    expect(set_cost(fin, "400.00"), 303)
    # 2 units at the new cost: 1 000.00, margin 200.00; unpaid, prepaid
    # (due the day invoiced) 5 days ago: late.
    invoiced_order(o, ca, pid, 2, invoiced=5)
    invoiced_order(o, cb, pid, 1, invoiced=3, paid=3)
    invoiced_order(o, cc, pid, 1, invoiced=3, paid=3)
    # Worked out at once by the manager, from the report's button.
    page = expect(lead.get("/reports/customer-value"), 200)
    f = [f for f in forms(page.dom()) if (f["action"] or "").endswith(
        "/value/compute")]
    check(f, "%s: no button to work it out" % page.req())
    expect(lead.post(f[0]["action"], fill(f[0]["fields"], {}), raw=True),
           303)
    expect(rep.post("/value/compute", {}), 403)
    rows = value_rows(rep, "customer=%d" % ca)
    got = rows.get(ca, {})
    check({k: got.get(k) for k in ("revenue", "margin", "orders", "invoices",
                                   "late", "days_late", "before")} ==
          {"revenue": "3000.00", "margin": "1200.00", "orders": "2",
           "invoices": "2", "late": "2", "days_late": "6.5",
           "before": "new"} and got.get("class") in ("A", "B", "C") and
          all(got.get(k) in "12345" for k in "rfm"),
          "the report's row: %r" % got)
    check(ca not in value_rows(other, "customer=%d" % ca),
          "another team's salesperson reads the customer's value")
    # A class asked for: only its customers, this one among them.
    rows = value_rows(lead, "class=%s&sort=revenue" % got.get("class"))
    check(ca in rows and {r["class"] for r in rows.values()} ==
          {got.get("class")}, "class=%s: %r" % (got.get("class"), {
              k: v.get("class") for k, v in rows.items()}))
    csv = expect(rep.get("/reports/customer-value.csv?customer=%d" % ca),
                 200).body.decode()
    check("3000.00" in csv and "1200.00" in csv, "CSV: %r" % csv[:300])
    text = expect(rep.get("/customers/%d" % ca), 200).dom().text()
    check("Revenue since" in text and "Lifetime value" in text,
          "the customer's page has no value section")
    # segment.lua: prospects that bought are small loyal customers now.
    sug = {int(s.get("customer")): s for s in expect(lead.get(
        "/value/suggestions.xml"), 200).xml()}
    check({ca, cb, cc} <= set(sug) and all(
        sug[c].get("proposed") == "small_loyal" for c in (ca, cb, cc)),
        "suggestions: %r" % {k: dict(v.attrib) for k, v in sug.items()})
    expect(rep.get("/value/suggestions"), 403)

    def decide(cust, verb):
        page = expect(lead.get("/customers/%d" % cust), 200)
        fs = [f for f in forms(page.dom()) if (f["action"] or "").endswith(
            "/" + verb)]
        check(fs, "%s: no %s button" % (page.req(), verb))
        return lead.post(fs[0]["action"], fill(fs[0]["fields"], {}),
                         raw=True)
    before = expect(o.erp.get("/customers/%d.xml" % ca), 200).xml()
    r = expect(decide(ca, "accept"), 303)
    check(r.header("Location").endswith("/customers/%d" % ca),
          "accepted: back to %r" % r.header("Location"))
    x = expect(o.erp.get("/customers/%d.xml" % ca), 200).xml()
    check(x.findtext("segment") == "small_loyal" and
          int(x.get("version")) == int(before.get("version")) + 1,
          "accepted: %s" % short(ET.tostring(x)))
    expect(decide(cb, "dismiss"), 303)
    # The third changed meanwhile: refused, said so, nothing changed.
    v = expect(o.erp.get("/customers/%d.xml" % cc), 200).xml().get("version")
    page = expect(lead.get("/customers/%d" % cc), 200)
    expect(patch(o.erp, cc, v, segment="project"), 200)
    fs = [f for f in forms(page.dom()) if (f["action"] or "").endswith(
        "/accept")]
    r = expect(lead.post(fs[0]["action"], fill(fs[0]["fields"], {}),
                         raw=True), 409)
    check(expect(o.erp.get("/customers/%d.xml" % cc), 200).xml().findtext(
        "segment") == "project", "a stale suggestion changed the segment")
    # Worked out again: the dismissed one is not proposed again.
    if not o.rules_dir:
        note("no --rules-dir for this target: the live rule is not tried")
        return
    zz = os.path.join(o.rules_dir, "zz_value.lua")
    try:
        write_rule(zz, "local M = {}\nfunction M.value(t)\n"
                   "  return 'pass', nil, nil, 123456\nend\nreturn M\n")
        expect(lead.post(f[0]["action"], fill(f[0]["fields"], {}),
                         raw=True), 303)
    finally:
        os.unlink(zz)
    got = value_rows(lead, "customer=%d" % ca).get(ca, {})
    check(got.get("ltv") == "1234.56", "zz_value.lua's figure: %r" % got)
    sug = {int(s.get("customer")): s.get("proposed") for s in expect(
        lead.get("/value/suggestions.xml"), 200).xml()}
    check(cb not in sug and sug.get(ca) != "small_loyal",
          "proposed again: %r" % sug)


PNG_1x1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000a49444154789c6300010000050001"
    "0d0a2db40000000049454e44ae426082")


def multipart(fields, files):
    """A multipart/form-data body: (content type, bytes)."""
    boundary = "kiln" + secrets.token_hex(8)
    out = []
    for k, v in fields:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\""
                    "\r\n\r\n%s\r\n" % (boundary, k, v)).encode())
    for k, name, ctype, data in files:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\";"
                    " filename=\"%s\"\r\nContent-Type: %s\r\n\r\n" % (
                        boundary, k, name, ctype)).encode() + data + b"\r\n")
    out.append(("--%s--\r\n" % boundary).encode())
    return "multipart/form-data; boundary=" + boundary, b"".join(out)


def claim(o, owner, category, amount, customer=None, deal=None,
          what="Visit", day=None):
    """A draft claim of OWNER's (spent today, or on DAY), made through
    the API; its id."""
    day = day or datetime.datetime.utcnow().date().isoformat()
    return erp_post(o, "/expenses", "<expense><spent_on>%s</spent_on>"
                    "<category>%s</category><amount>%s</amount>%s%s"
                    "<description>%s %s</description>%s"
                    "</expense>" % (
                        day, category, amount,
                        "<customer id=\"%d\"/>" % customer if customer else
                        "", "<deal id=\"%d\"/>" % deal if deal else "",
                        what, RUN, "<owner id=\"%d\"/>" % owner if owner
                        else ""))


def claim_act(b, eid, verb, **values):
    """Action VERB on claim EID from its page as B sees it, or 0 when
    the page offers no such button."""
    page = expect(b.get("/expenses/%d" % eid), 200)
    fs = [f for f in forms(page.dom()) if (f["action"] or "").endswith(
        "/expenses/%d/%s" % (eid, verb))]
    if not fs:
        return None
    return b.post(fs[0]["action"], fill(fs[0]["fields"], values), raw=True)


def upload(b, eid, name, ctype, data):
    """A receipt of claim EID sent by B: from its page's form, or, when
    the page offers none, with the form token of another page."""
    page = expect(b.get("/expenses/%d" % eid), 200)
    fs = [f for f in forms(page.dom()) if (f["action"] or "").endswith(
        "/expenses/%d/receipts" % eid)]
    if fs:
        action, fields = fs[0]["action"], fs[0]["fields"]
    else:
        action = b.url("/expenses/%d/receipts" % eid)
        fields = [kv for kv in form_with(expect(b.get("/expenses/new"),
                                                200).dom(), "csrf")["fields"]
                  if kv[0] == "csrf"]
    ctype_body, body = multipart(fields, [("receipt", name, ctype, data)])
    return b.request("POST", action, body, raw=True, ctype=ctype_body)


@test("expense claims: a salesperson's claim with receipts (type read from "
      "the bytes, names cut to their last part, size capped, another "
      "team's not served) is submitted, judged by expense.lua (within "
      "budget; over budget held with the reason, approved with a reason "
      "only; gifts over the yearly cap rejected, revised), decided by the "
      "team's manager (never one's own, in the database too), reimbursed "
      "by finance; every other move refused; a rule dropped in judges the "
      "next submission; the reports count it", "rule")
def t_expenses(o):
    team = "ex" + RUN
    ids = {}
    for key, role, t in (("a", "sales", team), ("b", "sales", team),
                         ("m", "manager", team), ("o", "sales", "x" + team),
                         ("f", "finance", "")):
        login = ("ex%s%s" % (key, RUN)).lower()
        ids[key] = new_user(o, login, "Exp %s %s" % (key, RUN), t, role=role)
        ids[key + "b"] = browser(o, login)
    a, m, fin, other = ids["ab"], ids["mb"], ids["fb"], ids["ob"]
    cust = erp_post(o, "/customers", customer_xml({
        "name": uniq("Exp Cust"), "segment": "small_loyal",
        "owner": (ids["a"], "a"), "phone": "+86 574 5555 0001"}))
    deal = erp_post(o, "/deals", "<deal><title>Exp deal %s</title><customer"
                    " id=\"%d\"/><amount>9000.00</amount><owner id=\"%d\"/>"
                    "</deal>" % (RUN, cust, ids["a"]))
    month = datetime.datetime.utcnow().strftime("%Y-%m")
    # The manager sets A's budget for the month: 500.00.
    page = expect(m.get("/expenses/budgets"), 200)
    f = form_with(page.dom(), "period")
    expect(m.post(f["action"], fill(f["fields"], {
        "owner": str(ids["a"]), "period": month, "amount": "500.00"}),
        raw=True), 303)
    expect(a.post(f["action"], fill(f["fields"], {
        "owner": str(ids["a"]), "period": month, "amount": "9999.00"}),
        raw=True), 403)
    e1 = claim(o, ids["a"], "travel", "120.00", customer=cust)
    # Receipts: the type from the bytes, the name cut, size and team.
    expect(upload(a, e1, "../../etc/passwd.png", "image/png", PNG_1x1), 303)
    expect(upload(a, e1, "C:\\Users\\a\\..\\scan.pdf", "image/png",
                  b"%PDF-1.4\n% receipt\n"), 303)
    # A control character in a part's header: a malformed body.
    expect(upload(a, e1, "scan\x01.pdf", "application/pdf",
                  b"%PDF-1.4\n"), 400)
    expect(upload(a, e1, "evil.png", "image/png",
                  b"<script>alert(1)</script>"), 422)
    r = upload(a, e1, "big.pdf", "application/pdf",
               b"%PDF-1.4\n" + b"0" * (4 * 1024 * 1024 + 10))
    check(r.status in (413, 422), "%s: a 4 MiB + receipt: %d" % (
        r.req(), r.status))
    x = expect(o.erp.get("/expenses/%d.xml" % e1), 200).xml()
    got = [(rc.text, rc.get("type")) for rc in x.find("receipts")]
    check(got == [("passwd.png", "image/png"), ("scan.pdf",
                                                 "application/pdf")],
          "the receipts kept: %r" % got)
    href = x.find("receipts")[0].get("href")
    r = expect(m.get(href, raw=True), 200)
    check(r.body == PNG_1x1 and "sandbox" in ",".join(
        r.header_all("Content-Security-Policy")) and
        "passwd.png" in (r.header("Content-Disposition") or ""),
        "the receipt as served: %r %r" % (r.header_all(
            "Content-Security-Policy"), r.header("Content-Disposition")))
    for who in (other, ids["bb"]):
        expect(who.get(href, raw=True), 404)
    # Submitted within budget: waiting for the manager, not held.
    expect(claim_act(a, e1, "submit"), 303)
    x = expect(o.erp.get("/expenses/%d.xml" % e1), 200).xml()
    check(x.findtext("status") == "submitted" and
          x.findtext("held") == "false", "submitted: %s" % short(
              ET.tostring(x)))
    expect(upload(a, e1, "late.png", "image/png", PNG_1x1), 409)
    check(claim_act(a, e1, "approve") is None, "the owner is offered"
          " Approve")
    expect(a.post("/expenses/%d/approve" % e1, {}), 403)
    check(claim_act(fin, e1, "reimburse") is None, "finance is offered to"
          " reimburse a claim not approved")
    expect_error(o.erp.post("/expenses/%d/reimburse" % e1, b"",
                            ctype=FORM_CT, accept=XML_CT), 409, "conflict")
    expect(claim_act(m, e1, "approve"), 303)
    expect(claim_act(fin, e1, "reimburse"), 303)
    x = expect(o.erp.get("/expenses/%d.xml" % e1), 200).xml()
    check(x.findtext("status") == "reimbursed" and
          x.find("approver").get("id") == str(ids["m"]) and
          [e.get("status") for e in x.find("history")] ==
          ["draft", "submitted", "approved", "reimbursed"],
          "reimbursed: %s" % short(ET.tostring(x)))
    # Over budget (120 + 450 > 500): held, with the reason shown.
    e2 = claim(o, ids["a"], "travel", "450.00", customer=cust)
    expect(upload(a, e2, "t.png", "image/png", PNG_1x1), 303)
    expect(claim_act(a, e2, "submit"), 303)
    x = expect(o.erp.get("/expenses/%d.xml" % e2), 200).xml()
    held = [v.text or "" for v in x.find("evaluation")
            if v.get("result") == "hold"]
    check(x.findtext("held") == "true" and any("budget" in h for h in held),
          "over budget: %s" % short(ET.tostring(x)))
    check("over budget" in expect(m.get("/expenses/%d" % e2), 200).dom()
          .text(), "the manager does not see why it is held")
    # Who filed it in A's name (the administrator here) does not decide it.
    expect_error(o.erp.post("/expenses/%d/approve" % e2, "reason=mine",
                            ctype=FORM_CT, accept=XML_CT), 403, "forbidden")
    expect(claim_act(m, e2, "approve"), 422)
    expect(claim_act(m, e2, "approve", reason="trade fair week"), 303)
    # Gifts over the yearly cap per customer: rejected, then revised.
    e3 = claim(o, ids["a"], "gifts", "2500.00", customer=cust)
    expect(claim_act(a, e3, "submit"), 303)
    x = expect(o.erp.get("/expenses/%d.xml" % e3), 200).xml()
    check(x.findtext("status") == "rejected" and "gift" in
          (x.findtext("reason") or ""), "gifts: %s" % short(ET.tostring(x)))
    expect(claim_act(a, e3, "revise"), 303)
    check(expect(o.erp.get("/expenses/%d.xml" % e3), 200).xml().findtext(
        "status") == "draft", "not revised")
    # One's own claim is not one's to decide, on every door.
    e4 = claim(o, 0, "other", "10.00", what="Stamps")
    expect(o.erp.post("/expenses/%d/submit" % e4, b"", ctype=FORM_CT,
                      accept=XML_CT), 200)
    expect_error(o.erp.post("/expenses/%d/approve" % e4, "reason=mine",
                            ctype=FORM_CT, accept=XML_CT), 403, "forbidden")
    e6 = claim(o, ids["m"], "other", "11.00", what="Pens")
    expect(claim_act(m, e6, "submit"), 303)
    check(claim_act(m, e6, "approve") is None, "a manager is offered to"
          " approve their own claim")
    if o.db:
        import regressdb
        con = regressdb.connect(o.db, timeout=10)
        try:
            con.execute("UPDATE expenses SET status = 'approved',"
                        " status_seq = status_seq + 1, approver = owner"
                        " WHERE id = ?", (e4,))
            con.commit()
            check(False, "the database let an owner approve their claim")
        except regressdb.DatabaseError as e:
            check("own claim" in str(e), "refused with: %s" % e)
        try:
            con.execute("UPDATE expenses SET status = 'approved' WHERE"
                        " id = ?", (e4,))
            con.commit()
            check(False, "a status moved without its action")
        except regressdb.DatabaseError as e:
            check("actions" in str(e), "refused with: %s" % e)
        con.close()
    # The wrong moves: out of order, stale, another's.
    expect_error(o.erp.post("/expenses/%d/submit" % e1, b"", ctype=FORM_CT,
                            accept=XML_CT), 409, "conflict")
    expect_error(o.erp.post("/expenses/%d/approve" % e6, "version=1",
                            ctype=FORM_CT, accept=XML_CT), 409, "stale")
    expect(other.get("/expenses/%d" % e1), 404)
    # A rule dropped in judges the next submission.
    if o.rules_dir:
        zz = os.path.join(o.rules_dir, "zz_expense.lua")
        e5 = claim(o, ids["a"], "samples", "13.13", deal=deal)
        try:
            write_rule(zz, "local M = {}\nfunction M.expense(t, ctx)\n"
                       "  if t.amount == 1313 then\n"
                       "    return 'reject', 'unlucky amount'\n  end\n"
                       "  return 'pass'\nend\nreturn M\n")
            expect(claim_act(a, e5, "submit"), 303)
        finally:
            os.unlink(zz)
        x = expect(o.erp.get("/expenses/%d.xml" % e5), 200).xml()
        check(x.findtext("status") == "rejected" and
              x.findtext("reason") == "unlucky amount" and
              x.find("customer").get("id") == str(cust),
              "zz_expense.lua: %s" % short(ET.tostring(x)))
        expect(claim_act(a, e5, "revise"), 303)
        expect(claim_act(a, e5, "submit"), 303)
        check(expect(o.erp.get("/expenses/%d.xml" % e5), 200).xml()
              .findtext("status") == "submitted", "the rule is still there")
    # A whole month from the months' sums, a ragged one from the claims.
    first = datetime.datetime.utcnow().date().replace(day=1)
    last_end = first - datetime.timedelta(days=1)
    last_1st = last_end.replace(day=1)
    e7 = claim(o, ids["a"], "other", "7.77", customer=cust,
               day=last_1st.isoformat())
    expect(claim_act(a, e7, "submit"), 303)
    for frm, want in ((last_1st, "7.77"),
                      (last_1st + datetime.timedelta(days=1), None)):
        x = expect(m.get("/reports/expenses.xml?owner=%d&category=other"
                         "&from=%s&to=%s" % (ids["a"], frm.isoformat(),
                                             last_end.isoformat())),
                   200).xml()
        got = [r.get("amount") for r in x if r.get("by") == "owner"]
        check(got == ([want] if want else []),
              "other claims %s .. %s: %r" % (frm, last_end, got))
    # The reports: A's claims against the budget; spent on the customer.
    x = expect(m.get("/reports/expenses.xml?owner=%d" % ids["a"]), 200).xml()
    row = [r for r in x if r.get("by") == "owner"]
    check(row and row[0].get("budget") == "500.00" and
          float(row[0].get("amount")) >= 570.0,
          "expenses report: %r" % [dict(r.attrib) for r in x][:4])
    x = expect(m.get("/reports/expense-ratio.xml"), 200).xml()
    row = [r for r in x if r.get("by") == "customer" and
           r.get("customer") == str(cust)]
    check(row and row[0].get("expenses") == "570.00",
          "expense-ratio: %r" % [dict(r.attrib) for r in row])
    check(not [r for r in expect(other.get("/reports/expense-ratio.xml"),
                                 200).xml() if r.get("customer") ==
               str(cust)], "another team reads the customer's expenses")


@test("home panels of the service desk: an agent's queue (waiting, their "
      "own nearest deadline first, close to breach and past it flagged), "
      "breaches and backlog for the desk and managers, a salesperson's "
      "customers with open complaints; each on its roles' homes only",
      "html")
def t_sla_panels(o):
    if not getattr(S, "sla", None) and not getattr(S, "sla_tried", None):
        t_sla_report(o)
    if not getattr(S, "sla", None):
        check(not o.db, "no fixture: t_sla_report did not make it")
        note("no --db for this target: not run")
        return
    f = S.sla

    def panels(user):
        r = expect(browser(o, user).get("/"), 200)
        return r, {n.get("class").split()[-1][len("panel-"):]: n
                   for n in r.dom().iter("section")
                   if "panel" in (n.get("class") or "").split() and
                   (n.get("class") or "").split()[-1].startswith("panel-")}
    r, p = panels(f["e1"])
    check("my_queue" in p and "breaches" in p and "complaints" not in p,
          "%s: the agent's panels: %r" % (r.req(), sorted(p)))
    items = {a.get("href"): li for li in p["my_queue"].iter("li")
             for a in li.iter("a")}
    pre = browser(o).prefix
    for name, cls in (("T7", None), ("T10", "late")):
        li = items.get(pre + "/tickets/%d" % f["ids"][name])
        check(li is not None and li.get("class") == cls,
              "%s: %s in the queue panel: %r" % (
                  r.req(), name, li and li.get("class")))
    r, p = panels(f["e2"])
    li = [li for li in p["my_queue"].iter("li") for a in li.iter("a")
          if a.get("href") == pre + "/tickets/%d" % f["ids"]["T9"]]
    check(li and li[0].get("class") == "near" and
          "close to breach" in li[0].text(),
          "%s: T9 not close to breach: %r" % (r.req(), li and
                                              li[0].text()))
    li = [li for li in p["my_queue"].iter("li") for a in li.iter("a")
          if a.get("href") == pre + "/tickets/%d" % f["ids"]["T4"]]
    check(li and li[0].get("class") == "late", "%s: T4 not past its "
          "deadline" % r.req())
    r, p = panels(o.admin_login)
    check("breaches" in p and "my_queue" not in p,
          "%s: the administrator's panels: %r" % (r.req(), sorted(p)))
    check(any(True for _ in p["breaches"].iter("svg")) and
          "Past the deadline now" in p["breaches"].text(),
          "%s: no backlog chart or breaches: %s" % (
              r.req(), p["breaches"].text()[:300]))
    r, p = panels(o.login)
    check("complaints" in p and "breaches" not in p and "my_queue" not in p,
          "%s: the salesperson's panels: %r" % (r.req(), sorted(p)))
    links = [a.get("href") for a in p["complaints"].iter("a")]
    check(pre + "/customers/%d" % f["c1"] in links,
          "%s: the customer with an open complaint is not listed: %r" %
          (r.req(), links))
    r, p = panels(f["lead"])
    check("complaints" in p and "breaches" in p,
          "%s: the manager's panels: %r" % (r.req(), sorted(p)))
    check("No open complaints" in p["complaints"].text(),
          "%s: the manager's team has no complaints: %s" % (
              r.req(), p["complaints"].text()))


# -- bad input

@test("SQL and junk in ids: 404", "bad")
def t_bad_ids(o):
    fails = []
    for p in ("1%20OR%201=1", "1'--", "1;DELETE%20FROM%20customers", "0",
              "-1", "99999999999999999999", "1e3", "0x1", "%201", "1%2F2",
              "abc", "1%00"):
        for suffix, accept in (("", None), (".xml", None)):
            r = o.api.get("/customers/%s%s" % (p, suffix), accept=accept)
            if r.status not in (404, 400) or (p != "1%00" and
                                               r.status != 404):
                fails.append("GET %s -> %d" % (r.path, r.status))
    r = o.api.request("DELETE", "/customers/1%20OR%201=1?version=1",
                      accept=XML_CT)
    if r.status != 404:
        fails.append("DELETE %s -> %d" % (r.path, r.status))
    check(not fails, "want 404: " + "; ".join(fails))
    expect(o.api.get("/customers.xml?limit=1"), 200)


@test("SQL in q=: an ordinary search, no error, nothing harmed", "bad")
def t_bad_q(o):
    before = len(walk(o.api, "/customers.xml?limit=500")[0])
    for q in ("' OR 1=1 --", "x' UNION SELECT name FROM sqlite_master--",
              "\"; DROP TABLE customers; --", "%", "_", "*", "\\",
              "name:abc", "NEAR(a b)", "a AND b OR", '"unbalanced',
              "customers_fts MATCH 'x'"):
        r = o.api.get("/customers.xml?" + urllib.parse.urlencode({"q": q}))
        expect(r, 200)
        for c in r.xml():
            nm = (c.findtext("name") or "") + (c.findtext("code") or "") + \
                (c.findtext("city") or "")
            check(q.lower() in nm.lower(),
                  "%s: returned %r, which does not contain %r" %
                  (r.req(), c.findtext("name"), q))
    after = len(walk(o.api, "/customers.xml?limit=500")[0])
    check(after == before, "customer count changed %d -> %d" %
          (before, after))


MARKUP = {
    "name": "<script>alert(\"n\")</script> & 'Q' \"D\" ]]> <!-- x --> "
            + RUN,
    "code": "<b>\"c'&",
    "industry": "</td><td>'\"&amp;",
    "address": "<img src=x onerror=alert(1)>\n\"second\" line & more",
    "city": "宁波 <i>x</i> &lt;",
    "country": "\"'><svg/onload=alert(1)>",
    "notes": "]]><![CDATA[x]]> &#0; &amp; <?php ?> \u2028 \t tab",
    "email": "o'brien@example.com",
    "website": "https://example.com/a?b=1&c=%3Cx%3E",
}


@test("markup and quotes in every text field round-trip in XML", "bad")
def t_markup_xml(o):
    f = valid_customer(**MARKUP)
    cid, root = create(o, f)
    for src, doc in (("create", root), ("GET", fetch(o.api, cid))):
        got = record_fields(doc)
        for k, v in MARKUP.items():
            check(got.get(k) == v, "%s: <%s> is %r, sent %r" %
                  (src, k, got.get(k), v))
    S.markup_id = cid


@test("markup is escaped in HTML (detail, edit form, list, search box)",
      "bad")
def t_markup_html(o):
    cid = getattr(S, "markup_id", None)
    if cid is None:
        cid, _ = create(o, valid_customer(**MARKUP))
    b = browser(o)
    d = expect(b.get("/customers/%d" % cid), 200)
    raw = d.text
    for bad in ("<script>alert", "<img src=x", "<svg/onload", "<b>\"c",
                "<i>x</i>", "<?php"):
        check(bad not in raw, "%s: raw markup %r in the page" %
              (d.req(), bad))
    # The one script a page has: the static kiln.js, nothing inline.
    check(all(n.get("src") == STATIC_URL + "/kiln.js" and not n.text()
              for n in d.dom().iter("script")),
          "%s: a <script> element made it into the page" % d.req())
    text = d.dom().text()
    for k in ("name", "code", "industry", "city", "country"):
        check(MARKUP[k] in text, "%s: %s %r not shown as text" %
              (d.req(), k, MARKUP[k]))
    e = expect(b.get("/customers/%d/edit" % cid), 200)
    f = form_with(e.dom(), "name")
    check(f is not None, "%s: no edit form" % e.req())
    got = dict(f["fields"])
    for k, v in MARKUP.items():
        check(got.get(k) == v, "%s: field %s is %r, stored %r" %
              (e.req(), k, got.get(k), v))
    r = expect(b.get("/customers?" + urllib.parse.urlencode(
        {"q": MARKUP["name"]})), 200)
    check("<script>alert" not in r.text, "%s: raw markup in the list" %
          r.req())
    q = [n for n in r.dom().iter("input") if n.get("name") == "q" and
         n.get("id") != "site-q"]
    check(q and q[0].get("value") == MARKUP["name"],
          "%s: search box value %r" % (r.req(), q and q[0].get("value")))


def invalid_create(o, field, value, status=422, code="invalid",
                   form=False, **extra):
    name = uniq("Bad %s" % field)
    f = valid_customer(name=name, **extra)
    f[field] = value
    api = sender(o, f)      # credit terms: one who may set them
    if form:
        r = api.post("/customers", list(f.items()), accept=XML_CT)
    else:
        r = api.post("/customers", customer_xml(f), ctype=XML_CT,
                     accept=XML_CT)
    problems = []
    if r.status != status:
        problems.append("%s=%r -> %d (want %d): %s" %
                        (field, value, r.status, status, short(r.body, 160)))
    elif r.ctype == "application/xml":
        root = r.xml()
        if root.get("code") != code:
            problems.append("%s=%r: code=%r (want %s)" %
                            (field, value, root.get("code"), code))
        if status == 422 and field not in [x.get("name") for x in
                                           root.findall("field")]:
            problems.append("%s=%r: 422 without <field name=%r>" %
                            (field, value, field))
    if count_named(o.erp, name):
        problems.append("%s=%r was stored" % (field, value))
    return problems


@test("invalid money: 1e309 NaN 12.345 -1.00 Infinity 0x10 1,5 huge: 422",
      "bad")
def t_bad_money(o):
    probs = []
    for v in ("1e309", "NaN", "nan", "12.345", "-1.00", "Infinity", "inf",
              "0x10", "1,5", "1.2.3", "99999999999999999999.00", "1e3",
              "٣", "12x"):
        probs += invalid_create(o, "credit_limit", v)
    probs += invalid_create(o, "credit_limit", "12.345", form=True)
    check(not probs, "; ".join(probs))


@test("invalid enums, e-mail, URL, required and length: 422 per field",
      "bad")
def t_bad_fields(o):
    probs = []
    probs += invalid_create(o, "segment", "vip")
    probs += invalid_create(o, "segment", "KEY_ACCOUNT")
    probs += invalid_create(o, "payment_terms", "net45")
    probs += invalid_create(o, "sales_mode", "x")
    probs += invalid_create(o, "email", "not an email")
    probs += invalid_create(o, "website", "javascript:alert(1)")
    probs += invalid_create(o, "name", "")
    probs += invalid_create(o, "name", "x" * 201)
    probs += invalid_create(o, "code", "c" * 41)
    probs += invalid_create(o, "notes", "n" * 10001)
    probs += invalid_create(o, "segment", "vip", form=True)
    check(not probs, "; ".join(probs))


@test("invalid UTF-8 (%C3%28) and NUL (%00) in fields and q=: 400", "bad")
def t_bad_bytes(o):
    name = uniq("Bytes")
    fails = []
    for enc in ("%C3%28", "%00", "%FF%FE", "%ED%A0%80", "%C0%AF"):
        body = "name=" + urllib.parse.quote(name) + "+" + enc + \
            "&segment=prospect"
        r = o.api.post("/customers", body, ctype=FORM_CT, accept=XML_CT)
        if r.status != 400:
            fails.append("%s -> %d" % (r.req(), r.status))
        r = o.api.get("/customers.xml?q=a" + enc)
        if r.status != 400:
            fails.append("GET %s -> %d" % (r.path, r.status))
    # Raw invalid UTF-8 and a NUL character reference in an XML body.
    for raw in (b"<customer><name>" + name.encode() + b" \xc3\x28</name>"
                b"</customer>",
                b"<customer><name>" + name.encode() + b" &#0;</name>"
                b"</customer>",
                b"<customer><name>" + name.encode() + b" \x00</name>"
                b"</customer>"):
        r = o.api.post("/customers", raw, ctype=XML_CT, accept=XML_CT)
        if r.status != 400:
            fails.append("%s -> %d" % (r.req(), r.status))
    if count_named(o.api, name):
        fails.append("a record with bad bytes was stored")
    check(not fails, "want 400: " + "; ".join(fails))


@test("a 20 MiB body gets 413 code=too_large from Kiln", "bad")
def t_too_large(o):
    n = 20 * 1024 * 1024
    head = ("POST %s/customers HTTP/1.1\r\nHost: %s:%d\r\n"
            "Authorization: Bearer %s\r\nContent-Type: application/xml\r\n"
            "Accept: application/xml\r\nContent-Length: %d\r\n"
            "Connection: close\r\n\r\n" %
            (o.api.prefix, o.api.host, o.api.port, o.token, n)).encode()
    sent = [0]

    def more(s):
        chunk = b"<" + b"x" * 65535
        while sent[0] < n:
            r, _, _ = select.select([s], [], [], 0)
            if r:
                return          # answered early: stop sending
            try:
                s.sendall(chunk[:min(len(chunk), n - sent[0])])
            except OSError:
                return
            sent[0] += min(len(chunk), n - sent[0])

    status, head_s, body = raw_http(o.api.host, o.api.port, head,
                                    max(60, o.timeout), more)
    check(status == 413, "POST %s/customers with Content-Length %d: got %d "
          "(want 413): %s" % (o.api.prefix, n, status, short(body)))
    check(b'code="too_large"' in body,
          "413 is not Kiln's (no <error code=\"too_large\">): %s" %
          short(body))


@test("POST without Content-Length: 4xx (411), never 5xx", "bad")
def t_no_length(o):
    for ver in ("HTTP/1.0", "HTTP/1.1"):
        req = ("POST %s/customers %s\r\nHost: %s:%d\r\n"
               "Authorization: Bearer %s\r\n"
               "Content-Type: application/x-www-form-urlencoded\r\n"
               "Accept: application/xml\r\nConnection: close\r\n\r\n"
               "name=NoLength" % (o.api.prefix, ver, o.api.host,
                                  o.api.port, o.token)).encode()
        status, _, body = raw_http(o.api.host, o.api.port, req, o.timeout)
        check(400 <= status < 500, "POST %s/customers %s without "
              "Content-Length: got %d: %s" % (o.api.prefix, ver, status,
                                               short(body)))
    check(count_named(o.api, "NoLength") == 0,
          "a body without Content-Length was stored")


@test("unknown routes and ids: 404 (HTML and XML)", "bad")
def t_unknown(o):
    fails = []
    for p in ("/nope", "/customers/123/nope", "/customers/new/x",
              "/customers.json", "/admin", "/%2e%2e/etc",
              "/customers/999999999", "/contacts/999999999",
              "/customers/999999999/edit"):
        r = o.api.get(p)
        if r.status != 404:
            fails.append("GET %s -> %d" % (r.path, r.status))
    for p in ("/nope.xml", "/customers/999999999.xml"):
        r = o.api.get(p)
        if r.status != 404 or r.ctype != "application/xml" or \
                b'code="not_found"' not in r.body:
            fails.append("GET %s -> %d %s" % (r.path, r.status, r.ctype))
    for m, p, body in (("PATCH", "/customers/999999999",
                        '<customer version="1"><city>x</city></customer>'),
                       ("PUT", "/customers/999999999",
                        '<customer version="1"><name>x</name></customer>'),
                       ("DELETE", "/customers/999999999?version=1", None),
                       ("POST", "/customers/999999999/delete?version=1",
                        None),
                       ("POST", "/customers/999999999",
                        '<customer version="1"><city>x</city></customer>')):
        r = o.api.request(m, p, body or b"", ctype=XML_CT if body else None,
                          accept=XML_CT)
        if r.status != 404:
            fails.append("%s %s -> %d" % (m, r.path, r.status))
    r = o.api.request("DELETE", "/customers", accept=XML_CT)
    if not 400 <= r.status < 500:
        fails.append("DELETE %s -> %d (want 404/405)" % (r.path, r.status))
    check(not fails, "want 404: " + "; ".join(fails))


XXE = [
    ("external entity",
     '<?xml version="1.0"?>\n<!DOCTYPE customer [\n'
     '<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
     '<customer><name>{name} &xxe;</name></customer>'),
    ("billion laughs",
     '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
     + "".join('<!ENTITY lol%d "%s">\n' % (i, ("&lol%d;" % (i - 1)) * 10
                                          if i > 1 else "&lol;" * 10)
               for i in range(1, 10)) +
     ']>\n<customer><name>{name} &lol9;</name></customer>'),
    ("external DTD",
     '<?xml version="1.0"?>\n<!DOCTYPE customer SYSTEM '
     '"http://127.0.0.1:9/x.dtd">\n<customer><name>{name}</name></customer>'),
    ("parameter entity",
     '<?xml version="1.0"?>\n<!DOCTYPE customer [<!ENTITY % p SYSTEM '
     '"file:///etc/passwd"> %p;]>\n<customer><name>{name}</name></customer>'),
    ("internal DOCTYPE only",
     '<?xml version="1.0"?>\n<!DOCTYPE customer>\n'
     '<customer><name>{name}</name></customer>'),
]


@test("XML with DOCTYPE/entities (XXE, billion laughs): 415, nothing "
      "stored", "bad")
def t_xxe(o):
    fails = []
    for what, tmpl in XXE:
        name = uniq("XXE")
        body = tmpl.replace("{name}", name)
        t0 = time.monotonic()
        r = o.api.post("/customers", body, ctype=XML_CT, accept=XML_CT)
        dt = time.monotonic() - t0
        if r.status != 415 or b'code="unsupported"' not in r.body:
            fails.append("%s: %s -> %d %s" % (what, r.req(), r.status,
                                              short(r.body, 120)))
        if b"root:" in r.body:
            fails.append("%s: /etc/passwd leaked" % what)
        if dt > 5:
            fails.append("%s: took %.1f s" % (what, dt))
        if count_named(o.api, name):
            fails.append("%s: stored" % what)
    check(not fails, "; ".join(fails))


@test("wrong Content-Type 415, malformed XML 400, wrong root 4xx", "bad")
def t_bad_types(o):
    fails = []
    name = uniq("Types")
    for ct, body, want in (
            ("application/json", '{"name": "%s"}' % name, (415,)),
            ("text/plain", "name=%s" % name, (415,)),
            ("multipart/form-data; boundary=x",
             "--x\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n"
             "%s\r\n--x--\r\n" % name, (415, 400, 422)),
            (XML_CT, "<customer><name>%s</name>" % name, (400,)),
            (XML_CT, "<customer><name>%s</name></customer><x/>" % name,
             (400,)),
            (XML_CT, "<contact><name>%s</name></contact>" % name,
             (400, 415, 422)),
            (XML_CT, "<customer><name>%s</name><name>x</name></customer>"
             % name, (400, 422))):
        r = o.api.post("/customers", body, ctype=ct, accept=XML_CT)
        if r.status not in want:
            fails.append("%s (%s) -> %d, want %s" %
                         (r.req(), ct, r.status, want))
    if count_named(o.api, name):
        fails.append("stored")
    check(not fails, "; ".join(fails))


# -- rules

@test("payment_terms rule: prospect with net30 is 422 naming "
      "payment_terms", "rule")
def t_rule(o):
    name = uniq("Rule")
    f = {"name": name, "segment": "prospect", "payment_terms": "net30",
         "phone": "+86 1"}
    r = sender(o, f).post("/customers", customer_xml(f), ctype=XML_CT,
                          accept=XML_CT)
    root = expect_error(r, 422)
    msg = root.findtext("message") or ""
    fields = " ".join((x.text or "") for x in root.findall("field"))
    check("payment_terms" in msg or "payment_terms" in fields,
          "%s: the message does not name the rule payment_terms: %r / %r" %
          (r.req(), msg, fields))
    check(count_named(o.erp, name) == 0, "the rejected record was stored")
    # The boundaries: prospect/prepaid, small_loyal/net30 pass;
    # small_loyal/net60 and channel_partner/net90 do not.
    create(o, dict(f, name=uniq("Rule ok"), payment_terms="prepaid"))
    create(o, valid_customer(segment="small_loyal", payment_terms="net30"))
    create(o, valid_customer(segment="key_account", payment_terms="net90"))
    probs = invalid_create(o, "payment_terms", "net60",
                           segment="small_loyal")
    probs += invalid_create(o, "payment_terms", "net90",
                            segment="channel_partner")
    check(not probs, "; ".join(probs))


@test("customer rule: a key account without phone or e-mail is 422",
      "rule")
def t_rule_customer(o):
    name = uniq("NoPhone")
    f = valid_customer(name=name, phone="", email="")
    r = o.api.post("/customers", customer_xml(f), ctype=XML_CT,
                   accept=XML_CT)
    expect_error(r, 422)
    check(count_named(o.api, name) == 0, "stored")


MIN_ORDER = """-- min_order.lua (regress): every order below 1 000 000.00 waits.
local M = {}
function M.order(o, ctx)
	if o.total < 100000000 then
		return "hold", "below the minimum of " .. kiln.money(100000000)
	end
end
return M
"""


@test("rules are data: a rule file dropped in judges the next submission "
      "(verdict stored, dry run lists it); removed, submissions go on; a "
      "broken one names itself", "rule")
def t_rules_are_data(o):
    if not o.rules_dir:
        note("no --rules-dir for this target: not run")
        return
    new = os.path.join(o.rules_dir, "min_order.lua")
    broken = os.path.join(o.rules_dir, "new_check.lua")
    sku = uniq("SKU").replace(" ", "-")
    r = expect(o.erp.post("/products", "<product><sku>%s</sku><name>Part"
                          "</name><unit_price>10.00</unit_price>"
                          "<lead_time_days>0</lead_time_days></product>" %
                          sku, ctype=XML_CT, accept=XML_CT), 201)
    pid = int(r.xml().get("id"))
    cid, _ = create(o, credit_customer())


    def submit(oid):
        return o.api.post("/orders/%d/submit" % oid, b"", ctype=FORM_CT,
                          accept=XML_CT)

    def stored(oid):
        r = expect(o.api.get("/orders/%d.xml" % oid), 200)
        return [(v.get("rule"), v.get("result"))
                for v in r.xml().findall("evaluation/verdict")]

    shipped = ["credit", "delivery", "discount", "overdue", "payment_terms"]
    try:
        write_rule(new, MIN_ORDER)
        oid = draft_order(o.api, cid, pid)
        r = expect(submit(oid), 200)
        ran = [v.get("rule") for v in r.xml().findall("verdict")]
        check(ran == shipped[:3] + ["min_order"] + shipped[3:],
              "%s: rules ran %s, want the shipped ones and min_order in "
              "file-name order" % (r.req(), ran))
        check(r.xml().get("status") == "on_hold", "%s: %s" %
              (r.req(), short(r.body)))
        check(("min_order", "hold") in stored(oid),
              "order %d does not keep min_order's verdict: %s" %
              (oid, stored(oid)))
        r = expect(o.erp.get("/orders/%d/rules.xml" % oid), 200)
        check("min_order" in [v.get("rule") for v in r.xml()],
              "%s: the dry run does not list min_order" % r.req())
        # Removed: the same order, reopened, goes through and keeps
        # only the verdicts of that submission.
        os.unlink(new)
        expect(o.api.post("/orders/%d/reopen" % oid, b"", ctype=FORM_CT,
                          accept=XML_CT), 200)
        r = expect(submit(oid), 200)
        check(r.xml().get("status") == "approved", "%s: %s" %
              (r.req(), short(r.body)))
        check([v[0] for v in stored(oid)] == shipped,
              "order %d keeps %s after min_order.lua went" %
              (oid, stored(oid)))
        # A broken new rule names itself; the order stays a draft.
        write_rule(broken, "local M = {}\nfunction M.order(o)\n"
                   "\treturn 'pass'\nend\nreturn M }\n")
        oid = draft_order(o.api, cid, pid)
        root = expect_error(submit(oid), 409, "rule")
        msg = root.findtext("message") or ""
        check("new_check.lua:5:" in msg, "the 409 does not name the broken"
              " rule and its line: %r" % msg)
        os.unlink(broken)
        expect(submit(oid), 200)
    finally:
        for path in (new, broken):
            if os.path.exists(path):
                os.unlink(path)


# -- faults (kiln serve behind nginx only)

def children(pid):
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as fh:
                st = fh.read()
        except OSError:
            continue
        rest = st[st.rfind(")") + 2:].split()
        if int(rest[1]) == pid and rest[0] != "Z":
            out.append(int(d))
    return sorted(out)


@test("deal rules are data: a rule dropped in sets the probability (its "
      "fourth value) and a verdict, another marks the deal stalled (listed, "
      "counted at home); removed, the deal is the shipped rules' again",
      "rule")
def t_deal_rules(o):
    if not o.rules_dir:
        note("no --rules-dir for this target: not run")
        return
    odds = os.path.join(o.rules_dir, "zz_odds.lua")
    stall = os.path.join(o.rules_dir, "zz_stall.lua")
    cid, _ = create(o, credit_customer())
    title = "Rule probe %s" % RUN
    did = int(expect(o.api.post("/deals", '<deal><title>%s</title><customer '
                                'id="%d"/><amount>5000.00</amount></deal>' %
                                (title, cid), ctype=XML_CT, accept=XML_CT),
                     201).xml().get("id"))

    def touch():
        """A change of the deal, judged in its transaction."""
        return expect(o.api.post("/deals/%d/competitors" % did,
                                 urllib.parse.urlencode({"remove": "1"}),
                                 ctype=FORM_CT, accept=XML_CT), 200).xml()

    try:
        write_rule(odds, "local M = {}\nfunction M.deal(d, ctx)\n"
                   "  return 'hold', 'ask the plant first', 'amount', 42\n"
                   "end\nreturn M\n")
        write_rule(stall, "local M = {}\nfunction M.deal(d, ctx)\n"
                   "  if d.title == %r then\n"
                   "    return 'warn', 'probe stalled', 'stalled'\n"
                   "  end\nend\nreturn M\n" % title)
        x = touch()
        got = [(v.get("rule"), v.get("result"), v.text)
               for v in x.find("evaluation")]
        check(x.findtext("probability") == "42" and
              ("zz_odds", "hold", "ask the plant first") in got and
              ("zz_stall", "warn", "probe stalled") in got and
              x.findtext("stalled") == "true",
              "with the dropped-in rules: %s" % short(ET.tostring(x)))
        ids = [d.get("id") for d in expect(o.api.get(
            "/deals.xml?stalled=1&customer=%d" % cid), 200).xml()]
        check(ids == [str(did)], "stalled list: %r" % ids)
        home = expect(browser(o).get("/"), 200).dom().text()
        check(title in home, "the stalled deal is not on the home page")
    finally:
        for p in (odds, stall):
            if os.path.exists(p):
                os.unlink(p)
    x = touch()
    check(x.findtext("probability") == "20" and
          x.findtext("stalled") == "false" and
          [v.get("rule") for v in x.find("evaluation")] ==
          ["deal", "stalled"],
          "rules removed: %s" % short(ET.tostring(x)))


@test("scorecard rules are data: a rule dropped in gives the score (the "
      "last figure of the scorecard rules), a broken one leaves it empty; "
      "removed, the shipped formula scores again", "rule")
def t_scorecard_rules(o):
    if not o.rules_dir:
        note("no --rules-dir for this target: not run")
        return
    path = os.path.join(o.rules_dir, "zz_score.lua")
    cid, _ = create(o, {"name": uniq("Score Co")})
    expect(o.api.post("/activities", '<activity><kind>call</kind><subject>'
                      'Score</subject><customer id="%d"/><status>done'
                      '</status></activity>' % cid, ctype=XML_CT,
                      accept=XML_CT), 201)

    def mine():
        for r in expect(o.api.get("/reports/performance.xml"), 200).xml():
            if r.get("key") == o.login:
                return r
        raise Fail("no performance row of %s" % o.login)

    shipped = mine().get("score")
    check(shipped not in (None, ""), "no score by scorecard.lua")
    try:
        write_rule(path, "local M = {}\nfunction M.scorecard(p, ctx)\n"
                   "  return 'pass', 'flat', nil, 77 + p.calls * 0\n"
                   "end\nreturn M\n")
        check(mine().get("score") == "77", "the dropped-in rule's score: %r"
              % mine().get("score"))
        write_rule(path, "local M = {}\nfunction M.scorecard(p, ctx)\n"
                   "  return 'pass', nil, nil, 0.5\nend\nreturn M\n")
        check(mine().get("score") is None, "a failing rule still scores")
    finally:
        if os.path.exists(path):
            os.unlink(path)
    check(mine().get("score") == shipped, "the shipped score is back")


def write_rule(path, text):
    tmp = path + ".tmp-regress"
    with open(tmp, "w") as fh:
        fh.write(text)
    os.replace(tmp, path)


@test("rule fault: syntax error in payment_terms.lua gives 409 rule "
      "naming it; /health stays 200", "faults")
def t_rule_syntax(o):
    path = os.path.join(o.rules_dir, "payment_terms.lua")
    S.rule_orig = S.__dict__.get("rule_orig") or open(path).read()
    S.pids_before = children(o.supervisor)
    try:
        write_rule(path, "local M = {\nfunction M.customer(c)\n"
                   "  return 'pass'\nend\nreturn M  -- missing }\n")
        fails = []
        for i in range(4):
            t0 = time.monotonic()
            r = o.api.post("/customers", customer_xml(valid_customer()),
                           ctype=XML_CT, accept=XML_CT)
            if r.status != 409 or b'code="rule"' not in r.body:
                fails.append("%s -> %d %s" % (r.req(), r.status,
                                              short(r.body, 200)))
            else:
                msg = r.xml().findtext("message") or ""
                if i == 0:
                    note("syntax error: %r" % msg)
                if "payment_terms" not in msg:
                    fails.append("409 message does not name payment_terms:"
                                 " %r" % msg)
        expect(o.api.get("/health"), 200)
        check(not fails, "; ".join(fails))
    except Exception:
        write_rule(path, S.rule_orig)
        raise


@test("rule fault: endless loop gives 409 rule (budget) within 3 s; the "
      "worker goes on", "faults")
def t_rule_loop(o):
    path = os.path.join(o.rules_dir, "payment_terms.lua")
    S.rule_orig = S.__dict__.get("rule_orig") or open(path).read()
    try:
        write_rule(path, "local M = {} function M.customer(c) while true "
                   "do end end return M\n")
        fails, dts = [], []
        for i in range(4):
            t0 = time.monotonic()
            r = o.api.post("/customers", customer_xml(valid_customer()),
                           ctype=XML_CT, accept=XML_CT,
                           timeout=max(o.timeout, 15))
            dt = time.monotonic() - t0
            dts.append("%.2f" % dt)
            if r.status != 409 or b'code="rule"' not in r.body:
                fails.append("%s -> %d %s" % (r.req(), r.status,
                                              short(r.body, 200)))
            else:
                msg = r.xml().findtext("message") or ""
                if i == 0:
                    note("endless loop: %r" % msg)
                if "budget" not in msg.lower():
                    fails.append("409 message does not mention the budget:"
                                 " %r" % msg)
                if "payment_terms" not in msg:
                    fails.append("409 message does not name payment_terms:"
                                 " %r" % msg)
            if dt > 3.0:
                fails.append("answer took %.1f s" % dt)
        note("endless loop answered in %s s" % ", ".join(dts))
        expect(o.api.get("/health"), 200)
        expect(o.api.get("/customers.xml?limit=1"), 200)
        now = children(o.supervisor)
        if now != S.pids_before:
            fails.append("workers changed %s -> %s (a worker died?)" %
                         (S.pids_before, now))
        check(not fails, "; ".join(fails))
    except Exception:
        write_rule(path, S.rule_orig)
        raise


@test("rule fault: restoring the file makes creates work again, no "
      "restart", "faults")
def t_rule_restore(o):
    path = os.path.join(o.rules_dir, "payment_terms.lua")
    orig = S.__dict__.get("rule_orig") or open(path).read()
    write_rule(path, orig)
    fails = []
    for i in range(4):
        r = o.api.post("/customers", customer_xml(valid_customer()),
                       ctype=XML_CT, accept=XML_CT)
        if r.status != 201:
            fails.append("%s -> %d %s" % (r.req(), r.status,
                                          short(r.body, 200)))
    probs = invalid_create(o, "payment_terms", "net30", segment="prospect",
                           phone="+86 1", credit_limit="0.00")
    fails += probs
    now = children(o.supervisor)
    if getattr(S, "pids_before", None) and now != S.pids_before:
        fails.append("workers changed %s -> %s" % (S.pids_before, now))
    check(not fails, "; ".join(fails))


@test("kill -9 of a worker mid-stream: every acknowledged create is "
      "stored", "faults")
def t_kill_worker(o):
    acked, errors, done = [], [], threading.Event()
    api = Client(o.base, o.timeout, token=o.token)
    api.validate = False    # the in-flight request may get nginx's 502

    def stream():
        for i in range(300):
            f = valid_customer(name=uniq("Stream %d" % i))
            try:
                r = api.post("/customers", customer_xml(f), ctype=XML_CT,
                             accept=XML_CT)
                if r.status == 201:
                    acked.append((int(r.xml().get("id")), f["name"]))
                else:
                    errors.append("%d" % r.status)
            except Fail as e:
                errors.append(str(e)[:100])
        done.set()

    pids = children(o.supervisor)
    check(len(pids) == 2, "supervisor %d has children %s, want 2 workers" %
          (o.supervisor, pids))
    th = threading.Thread(target=stream, daemon=True)
    th.start()
    deadline = time.monotonic() + 60
    while len(acked) < 80 and time.monotonic() < deadline and \
            not done.is_set():
        time.sleep(0.01)
    victim = pids[0]
    os.kill(victim, 9)
    t_kill = time.monotonic()
    restored = None
    while time.monotonic() - t_kill < 5:
        now = children(o.supervisor)
        if len(now) == 2 and victim not in now:
            restored = time.monotonic() - t_kill
            break
        time.sleep(0.02)
    S.restored = restored
    S.victim = victim
    note("killed worker %d after %d acknowledged creates; 2 workers again "
         "after %s" % (victim, len(acked), "%.2f s" % restored
                       if restored is not None else "(never)"))
    th.join(timeout=max(120, o.timeout * 30))
    check(not th.is_alive(), "the create stream did not finish in time")
    check(len(acked) >= 200, "only %d of 300 creates acknowledged; errors:"
          " %s" % (len(acked), errors[:5]))
    check(len(errors) <= 3, "%d creates failed around the kill (want at "
          "most the in-flight one or two): %s" % (len(errors), errors[:5]))
    missing = []
    for cid, name in acked:
        r = api.get("/customers/%d.xml" % cid)
        if r.status != 200 or r.xml().findtext("name") != name:
            missing.append(cid)
    note("%d of 300 creates acknowledged, %d failed around the kill: %s" %
         (len(acked), len(errors), errors[:3]))
    check(not missing, "acknowledged but not stored: %s" % missing[:10])
    S.kill_errors = errors


@test("the supervisor restores the worker count within ~1 s", "faults")
def t_restored(o):
    check(getattr(S, "victim", None), "no worker was killed")
    check(S.restored is not None, "2 workers not back 5 s after kill -9 of "
          "%d: children now %s" % (S.victim, children(o.supervisor)))
    check(S.restored <= 1.5, "restored after %.2f s" % S.restored)
    expect(o.api.get("/health"), 200)


@test("kiln check exits 0 and prints ok after the kill", "faults")
def t_check(o):
    p = subprocess.run([o.kiln, "--db", o.db, "check"], capture_output=True,
                       timeout=120)
    out = p.stdout.decode("utf-8", "replace")
    check(p.returncode == 0 and "ok" in out.lower(),
          "kiln --db %s check: exit %d, stdout %r, stderr %r" %
          (o.db, p.returncode, short(out), short(p.stderr)))


# -- installation

@test("installed layout: bin, plugins/customers.so, rules, www, man, "
      "header", "install")
def t_install(o):
    p = o.install_prefix
    want = ["bin/kiln", "lib/kiln/plugins/customers.so",
            "share/kiln/lua/payment_terms.lua", "share/kiln/lua/customer.lua",
            "share/kiln/www/kiln.css", "share/kiln/www/kiln.js",
            "share/man/man1/kiln.1",
            "include/kiln/kiln-plugin.h"]
    missing = [w for w in want if not os.path.exists(os.path.join(p, w))]
    check(not missing, "missing under %s: %s" % (p, missing))
    check(os.access(os.path.join(p, "bin/kiln"), os.X_OK), "kiln not "
          "executable")
    so = os.path.join(p, "lib/kiln/plugins/customers.so")
    if shutil.which("nm"):
        r = subprocess.run(["nm", "-D", "--defined-only", so],
                           capture_output=True, timeout=30)
        syms = [l.split()[-1] for l in r.stdout.decode().splitlines()
                if l.strip() and l.split()[-2] not in ("A",)]
        syms = [s for s in syms if not s.startswith("_")]
        check(syms == ["kiln_plugin"], "customers.so exports %s, want only "
              "kiln_plugin" % syms)


# ------------------------------------------------------------ the runner

def report(n, label, reason, detail=None):
    """Print test N's line and its notes; whether it passed."""
    if reason is None:
        print("ok %d - %s%s" % (n, label, (": %s" % detail) if detail
                                else ""), flush=True)
    else:
        print("not ok %d - %s: %s" % (n, label, reason.replace("\n", "\\n")),
              flush=True)
    for m in NOTES:
        print("# %s" % m.replace("\n", " "), flush=True)
    del NOTES[:]
    return reason is None


def run_test(name, fn, o):
    """Run one test: (None or the reason it failed, what fn returned)."""
    ctx = Ctx(name)
    Ctx.current = ctx
    reason = detail = None
    try:
        detail = fn(o)
    except Fail as e:
        reason = str(e)
    except Exception as e:
        tb = traceback.extract_tb(e.__traceback__)[-1]
        reason = "driver error %s: %s (line %d)" % (type(e).__name__, e,
                                                     tb.lineno)
    Ctx.current = None
    if ctx.problems:
        extra = " | ".join(ctx.problems[:6])
        if len(ctx.problems) > 6:
            extra += " | (%d more)" % (len(ctx.problems) - 6)
        reason = (reason + " | also: " + extra) if reason else extra
    return reason, detail


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--base", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--admin-token", required=True,
                    help="an administrator's, the ERP's in the tests")
    ap.add_argument("--login", default="li.wei")
    ap.add_argument("--admin-login", default="admin",
                    help="the --admin-token's user (same --password)")
    ap.add_argument("--password", default="password123")
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--faults", action="store_true")
    ap.add_argument("--db")
    ap.add_argument("--kiln")
    ap.add_argument("--supervisor", type=int)
    ap.add_argument("--rules-dir")
    ap.add_argument("--install-prefix")
    ap.add_argument("--static-url", default="/kiln-static")
    ap.add_argument("--only", help="comma-separated groups: basic,xml,html,"
                    "list,bad,rule,faults,install")
    ap.add_argument("--name", default="")
    ap.add_argument("--match", help="only the tests whose function name "
                    "holds this text (t_ticket)")
    a = ap.parse_args()
    global STATIC_URL
    STATIC_URL = a.static_url.rstrip("/")

    o = a
    o.api = Client(a.base, a.timeout, token=a.token)
    o.erp = Client(a.base, a.timeout, token=a.admin_token)
    o.anon = Client(a.base, a.timeout)
    groups = set(a.only.split(",")) if a.only else None
    if a.faults:
        for need in ("db", "kiln", "supervisor", "rules_dir"):
            if not getattr(a, need):
                ap.error("--faults needs --%s" % need.replace("_", "-"))

    if a.name:
        print("# target %s: %s" % (a.name, a.base))
    passed = failed = 0
    n = 0
    for name, group, fn in TESTS:
        if groups is not None and group not in groups:
            continue
        if group == "faults" and not a.faults:
            continue
        if group == "install" and not a.install_prefix:
            continue
        if a.match and a.match not in fn.__name__:
            continue
        n += 1
        reason, _ = run_test(name, fn, o)
        label = ("%s: %s" % (a.name, name)) if a.name else name
        if report(n, label, reason):
            passed += 1
        else:
            failed += 1
    print("# checked %d HTML pages (%s), %d XML documents (xmllint "
          "--relaxng %s)" % (STATS["html"], "tidy + strict parser"
                             if STATS["tidy"] else "strict parser; no tidy",
                             STATS["xml"], SCHEMA_DIR))
    print("%d passed, %d failed" % (passed, failed), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
