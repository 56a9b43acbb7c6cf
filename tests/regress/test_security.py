#!/usr/bin/python3
"""
test_security.py - Kiln's security regression driver.

Drives the installed Kiln behind real nginx (kiln serve; /crm over plain
http and /crms with HTTPS=on) and behind Apache with Basic auth
(REMOTE_USER single sign-on), on loopback only, and checks the security
promises of /work/shared/design.md and api.md: session cookies, fixation,
logout, timeouts, CSRF, login throttling, hashing at rest, record-level
access, API tokens, REMOTE_USER, the audit trail and hostile input.
Standard library only; the HTTP client and HTML parser come from
test_http.py.  Every response that reached Kiln must carry its security
headers, never be a 5xx and never leak SQL or source locations.

Output, one line per test:  "ok N - group: name[: what came back]"  or
"not ok N - group: name: reason", "# ..." comments, then the line
"N passed, N failed".  Exit status 1 when anything failed.

Normally run by tests/regress/security, which sets everything up:

    test_security.py --base http://127.0.0.1:18480/crm
        --https-base http://127.0.0.1:18480/crms --tokens FILE --db DB
        --kiln BIN --supervisor PID --secret-password PW
        --sso-base URL --sso-cgi-base URL --nosso-base URL --api-base URL
        --apache-admin-token TOKEN [--only GROUP,...] [--timeout 10]

Groups, in order: cookie, session, csrf, bearer, throttle, access, audit,
sso, hostile, lockout (the last one sprays failed logins from 127.0.0.1
and slows that address down, so it runs last).
"""

import argparse
import base64
import csv
import io
import os
import re
import secrets
import select
import socket
import regressdb
import subprocess
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import test_http as th  # noqa: E402  (the shared client and parsers)
from test_http import (Fail, check, expect, expect_error, short,  # noqa
                       customer_xml, record_fields, forms, form_with,
                       set_field, XML_CT, FORM_CT)

RUN = secrets.token_hex(3)
SEQ = [0]


def uniq(word="Sec"):
    SEQ[0] += 1
    return "SEC%s-%d %s" % (RUN, SEQ[0], word)


class State:
    pass


S = State()

# ----------------------------------------------------- response checks

CSP_NEED = ("default-src 'self'", "object-src 'none'",
            "frame-ancestors 'none'")


def sec_check(resp, client):
    """What every answer must be, whatever the test wants of it."""
    if th.SERVER_PAGE.search(resp.body[:2048]) and \
            resp.header("X-Content-Type-Options") is None:
        return          # nginx's or Apache's own page: Kiln never saw it
    if resp.status >= 500 and resp.status != 503:
        th.soft("%s: server error %d: %s" % (resp.req(), resp.status,
                                              short(resp.body, 120)))
    csp = resp.header("Content-Security-Policy") or ""
    missing = [d for d in CSP_NEED if d not in csp]
    if missing:
        th.soft("%s -> %d: Content-Security-Policy %r lacks %s" %
                (resp.req(), resp.status, csp, ", ".join(missing)))
    if (resp.header("X-Content-Type-Options") or "").lower() != "nosniff":
        th.soft("%s -> %d: no X-Content-Type-Options: nosniff" %
                (resp.req(), resp.status))
    if not resp.header("Referrer-Policy"):
        th.soft("%s -> %d: no Referrer-Policy" % (resp.req(), resp.status))
    if resp.status >= 400 and resp.method != "HEAD":
        for p in th.LEAK_PATTERNS:
            m = p.search(resp.text)
            if m:
                th.soft("%s: %d answer leaks internals: %r" %
                        (resp.req(), resp.status, m.group(0)))


def counted_check(resp, client):
    STATS["responses"] += 1
    sec_check(resp, client)


STATS = {"responses": 0}
th.check_response = counted_check


class C(th.Client):
    """th.Client plus default headers (Basic auth, spoofed headers)."""

    def __init__(self, base, timeout, token=None, browser=False,
                 basic=None, extra=None):
        super().__init__(base, timeout, token=token, browser=browser)
        self.extra = dict(extra or {})
        if basic:
            self.extra["Authorization"] = "Basic " + base64.b64encode(
                ("%s:%s" % basic).encode()).decode()

    def request(self, method, path, body=None, headers=None, **kw):
        h = dict(self.extra)
        h.update(headers or {})
        return super().request(method, path, body=body, headers=h, **kw)


# ------------------------------------------------------------- helpers

def api(o, login, base=None):
    return C(base or o.base, o.timeout, token=o.tokens[login])


def html_api(o, login):
    """A bearer client that asks for HTML like a browser."""
    return C(o.base, o.timeout, token=o.tokens[login], browser=True)


def login(o, user, password=None, base=None, client=None):
    c = client or C(base or o.base, o.timeout, browser=True)
    r = c.post("/login", [("login", user),
                          ("password", password or o.password)])
    expect(r, 303)
    check(c.cookies.get("kiln_session"),
          "%s: 303 without a kiln_session cookie: %r" %
          (r.req(), r.header_all("Set-Cookie")))
    S.logged_in = getattr(S, "logged_in", set()) | {user}
    return c, r


def csrf_of(c, path="/customers"):
    r = expect(c.get(path), 200)
    vals = [n.get("value") for n in r.dom().iter("input")
            if n.get("name") == "csrf"]
    check(vals and vals[0], "%s: no csrf input on the page" % r.req())
    return vals[0]


def session_cookie(r):
    """(value, attrs, raw) of the one kiln_session Set-Cookie of R."""
    cks = [s for s in r.header_all("Set-Cookie")
           if s.startswith("kiln_session=")]
    check(len(cks) == 1, "%s: want one kiln_session Set-Cookie, got %r" %
          (r.req(), r.header_all("Set-Cookie")))
    parts = [p.strip() for p in cks[0].split(";")]
    value = parts[0].split("=", 1)[1]
    attrs = {}
    for p in parts[1:]:
        k, eq, v = p.partition("=")
        attrs[k.strip().lower()] = v.strip() if eq else True
    return value, attrs, cks[0]


def db_connect(o):
    con = regressdb.connect(o.db, timeout=15)
    con.execute("PRAGMA busy_timeout = 15000")
    return con


def dbq(o, sql, *args):
    con = db_connect(o)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def db1(o, sql, *args):
    rows = dbq(o, sql, *args)
    return rows[0][0] if rows else None


def dbw(o, sql, *args):
    con = db_connect(o)
    try:
        cur = con.execute(sql, args)
        con.commit()
        return cur.rowcount
    finally:
        con.close()


def uid(o, login):
    return db1(o, "SELECT id FROM users WHERE login = ?", login)


def n_customers(o):
    return db1(o, "SELECT count(*) FROM customers")


def n_named(o, text):
    return db1(o, "SELECT count(*) FROM customers WHERE instr(name, ?) > 0",
               text)


def kiln_cli(o, *args, stdin=None):
    p = subprocess.run([o.kiln, "--db", o.db] + list(args),
                       input=(stdin or "").encode(), capture_output=True,
                       timeout=60)
    if p.returncode != 0:
        raise Fail("kiln %s: exit %d: %s" % (" ".join(args), p.returncode,
                                             short(p.stderr)))
    return p.stdout.decode()


def create(c, fields, want=201):
    r = c.post("/customers", customer_xml(fields), ctype=XML_CT,
               accept=XML_CT)
    if r.status != want:
        raise Fail("%s: expected %d, got %d: %s" % (r.req(), want, r.status,
                                                    short(r.body)))
    if want != 201:
        return None, r
    root = r.xml()
    check(root.tag == "customer" and (root.get("id") or "").isdigit(),
          "%s: no customer id in the answer" % r.req())
    return int(root.get("id")), root


def valid(**over):
    f = {"name": uniq(), "segment": "key_account",
         "sales_mode": "relationship", "industry": "Machinery",
         "phone": "+86 571 8765 4321", "email": "buyer@example.com",
         "website": "https://example.com/", "address": "1 Test Road",
         "city": "Hangzhou", "country": "CN",
         "notes": "security regression"}
    f.update(over)
    return f


def get_xml(c, cid, kind="customers"):
    r = expect(c.get("/%s/%d.xml" % (kind, cid)), 200)
    return r.xml()


def patch(c, cid, version, **fields):
    el = customer_xml(fields, version=version)
    return c.request("PATCH", "/customers/%d" % cid, el, ctype=XML_CT,
                     accept=XML_CT)


def list_names(c, query="", limit_pages=200):
    """Every customer name C's XML list shows for QUERY (all pages)."""
    path, raw = "/customers.xml?" + query, False
    names = []
    for _ in range(limit_pages):
        r = expect(c.get(path, raw=raw), 200)
        root = r.xml()
        check(root.tag == "customers", "%s: root <%s>" % (r.req(), root.tag))
        names += [x.findtext("name") or "" for x in root
                  if x.tag == "customer"]
        nxt = root.get("next")
        if not nxt:
            return names
        path, raw = nxt, True
    raise Fail("%s: next= never ends" % path)


def list_ids(c, query=""):
    r = expect(c.get("/customers.xml?" + query), 200)
    return [int(x.get("id")) for x in r.xml() if x.tag == "customer"]


def children(pid):
    return th.children(pid)


def raw_send(host, port, head, body_len=0, fill=b"x", timeout=30):
    """Send HEAD (bytes) and BODY_LEN bytes of FILL in pieces, stopping
    as soon as an answer starts; returns (status or None, head, body)."""
    s = socket.create_connection((host, port), timeout=timeout)
    buf = b""
    try:
        def answered():
            r, _, _ = select.select([s], [], [], 0)
            return bool(r)
        pieces = [head[i:i + 65536] for i in range(0, len(head), 65536)]
        left = body_len
        chunk = (fill * (65536 // len(fill) + 1))[:65536]
        try:
            for p in pieces:
                if answered():
                    break
                s.sendall(p)
            while left > 0 and not answered():
                n = min(left, len(chunk))
                s.sendall(chunk[:n])
                left -= n
        except OSError:
            pass
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                data = s.recv(65536)
            except (socket.timeout, ConnectionResetError):
                break
            if not data:
                break
            buf += data
            h, sep, b = buf.partition(b"\r\n\r\n")
            if sep:
                m = re.search(rb"(?im)^content-length:\s*(\d+)", h)
                if m and len(b) >= int(m.group(1)):
                    break
    finally:
        s.close()
    m = re.match(rb"HTTP/1\.[01] (\d{3})", buf)
    h, _, b = buf.partition(b"\r\n\r\n")
    return (int(m.group(1)) if m else None), h.decode("latin-1"), b


def error_code(r):
    if r.ctype == "application/xml":
        try:
            return r.xml().get("code")
        except Fail:
            return None
    return None


def came_back(r):
    code = error_code(r)
    return "%d%s" % (r.status, (" " + code) if code else "")


def no_markup(r, what):
    """The page R carries no live markup from a hostile value."""
    # The page's own: its one script (kiln.js) and the host's charts.
    raw = re.sub(r'<script src="[^"<>]*/kiln\.js" defer="defer"></script>',
                 "", r.text)
    raw = re.sub(r'<svg xmlns="http://www.w3.org/2000/svg" '
                 r'viewBox="[0-9 ]+" role="(img|group)"', "", raw)
    for bad in ("<script", "<img", "<svg", "<iframe"):
        check(bad not in raw.lower(), "%s: %s: raw %r in the HTML" %
              (r.req(), what, bad))
    dom = r.dom()
    for n in dom.iter():
        for a in n.attrs:
            check(not a.lower().startswith("on"),
                  "%s: %s: <%s %s=%r>: an event-handler attribute came "
                  "through" % (r.req(), what, n.tag, a, n.attrs[a]))


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def table_rows(node):
    """The body rows under NODE, each as its cells' text joined by |."""
    out = []
    for tr in node.iter("tr"):
        tds = [n for n in tr.children if isinstance(n, th.Node) and
               n.tag == "td"]
        if tds:
            out.append(" | ".join(norm(td.text()) for td in tds))
    return out


# ------------------------------------------------------------ the tests

TESTS = []


def test(name, group):
    def deco(fn):
        TESTS.append((name, group, fn))
        return fn
    return deco


# ---------------------------------------------------------------- cookie

@test("login over plain http: kiln_session; Path=/crm; HttpOnly; "
      "SameSite=Lax; no Secure", "cookie")
def t_cookie_http(o):
    b, r = login(o, "sec.a")
    value, attrs, raw = session_cookie(r)
    check(attrs.get("path") == b.prefix, "%s: Path=%r, want %r (%s)" %
          (r.req(), attrs.get("path"), b.prefix, raw))
    check(attrs.get("httponly") is True, "%s: no HttpOnly (%s)" %
          (r.req(), raw))
    check(str(attrs.get("samesite", "")).lower() == "lax",
          "%s: SameSite=%r (%s)" % (r.req(), attrs.get("samesite"), raw))
    check("secure" not in attrs, "%s: Secure over plain http (%s)" %
          (r.req(), raw))
    check("domain" not in attrs, "%s: a Domain attribute widens the "
          "cookie (%s)" % (r.req(), raw))
    check(len(value) >= 22 and re.fullmatch(r"[A-Za-z0-9_-]+", value),
          "%s: session token %r is short or odd" % (r.req(), value))
    return raw.replace(value, "<token>")


@test("login through the HTTPS=on location: Secure; Path=/crms; the "
      "session works there", "cookie")
def t_cookie_https(o):
    b = C(o.https_base, o.timeout, browser=True)
    b.origin = "https://%s:%d" % (b.host, b.port)
    b, r = login(o, "sec.a", client=b)
    value, attrs, raw = session_cookie(r)
    check(attrs.get("secure") is True, "%s: no Secure though HTTPS=on "
          "(%s)" % (r.req(), raw))
    check(attrs.get("path") == "/crms", "%s: Path=%r, want /crms (%s)" %
          (r.req(), attrs.get("path"), raw))
    check(attrs.get("httponly") is True and
          str(attrs.get("samesite", "")).lower() == "lax",
          "%s: HttpOnly/SameSite missing (%s)" % (r.req(), raw))
    expect(b.get("/customers"), 200)
    return raw.replace(value, "<token>")


# --------------------------------------------------------------- session

@test("fixation: a kiln_session set before login never authenticates "
      "and is replaced at login", "session")
def t_fixation(o):
    fixed = secrets.token_urlsafe(16)
    b = C(o.base, o.timeout, browser=True)
    b.cookies["kiln_session"] = fixed
    r = b.get("/customers")
    expect(r, 303)
    check(r.header("Location") == b.prefix + "/login",
          "%s: Location %r" % (r.req(), r.header("Location")))
    b.cookies["kiln_session"] = fixed
    b, r = login(o, "sec.a", client=b)
    new, _, _ = session_cookie(r)
    check(new != fixed, "%s: login kept the attacker's cookie value" %
          r.req())
    expect(b.get("/customers"), 200)
    att = C(o.base, o.timeout, browser=True)
    att.cookies["kiln_session"] = fixed
    r = att.get("/customers")
    check(r.status == 303 and r.header("Location") == att.prefix + "/login",
          "%s with the pre-login value: %d %r, want 303 to the login page"
          % (r.req(), r.status, r.header("Location")))
    expect_error(att.get("/customers.xml"), 401, "unauthenticated")
    # Logging in again from a live session: another token again.
    old = b.cookies["kiln_session"]
    b, r = login(o, "sec.a", client=b)
    check(b.cookies["kiln_session"] != old,
          "%s: a second login kept the session token" % r.req())


@test("logout ends the session server-side: the old cookie gets 303 "
      "to login, its row is gone", "session")
def t_logout(o):
    b, r = login(o, "sec.a")
    tok = b.cookies["kiln_session"]
    before = db1(o, "SELECT count(*) FROM sessions WHERE user_id = ?",
                 uid(o, "sec.a"))
    csrf = csrf_of(b)
    r = b.post("/logout", [("csrf", csrf)])
    expect(r, 303)
    check(r.header("Location") == b.prefix + "/login",
          "%s: Location %r" % (r.req(), r.header("Location")))
    cleared = [s for s in r.header_all("Set-Cookie")
               if s.startswith("kiln_session=")]
    check(cleared and (cleared[0].startswith("kiln_session=;") or
                       "max-age=0" in cleared[0].lower()),
          "%s: the cookie is not cleared: %r" % (r.req(), cleared))
    after = db1(o, "SELECT count(*) FROM sessions WHERE user_id = ?",
                uid(o, "sec.a"))
    check(after == before - 1, "sessions of sec.a: %d before logout, %d "
          "after (want one fewer)" % (before, after))
    rep = C(o.base, o.timeout, browser=True)
    rep.cookies["kiln_session"] = tok
    r = rep.get("/customers")
    check(r.status == 303 and r.header("Location") == rep.prefix + "/login",
          "%s replaying the logged-out cookie: %d %r, want 303 to login" %
          (r.req(), r.status, r.header("Location")))
    expect_error(rep.get("/customers.xml"), 401, "unauthenticated")
    S.logged_out = True
    name = uniq("AfterLogout")
    r = rep.post("/customers", [("csrf", csrf), ("name", name)])
    check(r.status in (303, 401, 403), "%s: %d" % (r.req(), r.status))
    check(n_named(o, name) == 0, "a POST with the dead cookie was stored")


@test("idle timeout: a session unused for longer than session_idle is "
      "dead (and deleted)", "session")
def t_idle(o):
    b, _ = login(o, "sec.p")
    expect(b.get("/customers"), 200)
    dbw(o, "UPDATE sessions SET seen_at = seen_at - 1900, created_at = "
        "created_at - 1900 WHERE user_id = ?", uid(o, "sec.p"))
    r = b.get("/customers")
    check(r.status == 303, "%s after 1900 s idle (session_idle 1800): %d, "
          "want 303" % (r.req(), r.status))
    n = db1(o, "SELECT count(*) FROM sessions WHERE user_id = ?",
            uid(o, "sec.p"))
    check(n == 0, "the expired session is still stored (%d rows)" % n)


@test("absolute timeout: a session older than session_max is dead even "
      "while in use", "session")
def t_absolute(o):
    b, _ = login(o, "sec.p")
    expect(b.get("/customers"), 200)
    dbw(o, "UPDATE sessions SET created_at = created_at - 43300 WHERE "
        "user_id = ?", uid(o, "sec.p"))
    r = b.get("/customers")
    check(r.status == 303, "%s with a session 43300 s old (session_max "
          "43200) but just used: %d, want 303" % (r.req(), r.status))


@test("a password change on /admin/users ends the user's sessions and "
      "is audited", "session")
def t_password_change(o):
    b, _ = login(o, "sec.p")
    expect(b.get("/customers"), 200)
    adm = api(o, "admin")
    r = adm.post("/admin/users/sec.p/password",
                 [("password", "another-pass-123")])
    check(r.status in (204, 303), "%s: %d %s" % (r.req(), r.status,
                                                  short(r.body, 160)))
    r = b.get("/customers")
    check(r.status == 303, "%s after the password change: %d, want 303" %
          (r.req(), r.status))
    n = db1(o, "SELECT count(*) FROM audit WHERE action = 'password' AND "
            "login = 'admin' AND detail LIKE 'sec.p%'")
    check(n >= 1, "no 'password' audit entry by admin for sec.p")
    login(o, "sec.p", "another-pass-123")
    o.p_password = "another-pass-123"


@test("disabling a user (kiln user disable) kills their sessions and "
      "tokens; enabling does not revive the tokens", "session")
def t_disable(o):
    b, _ = login(o, "sec.d")
    t = api(o, "sec.d")
    expect(t.get("/customers.xml"), 200)
    kiln_cli(o, "user", "disable", "sec.d")
    expect_error(t.get("/customers.xml"), 401, "unauthenticated")
    r = b.get("/customers")
    check(r.status == 303, "%s after disable: %d, want 303" %
          (r.req(), r.status))
    r = C(o.base, o.timeout, browser=True).post(
        "/login", [("login", "sec.d"), ("password", o.password)])
    check(r.status == 401 and not r.header_all("Set-Cookie"),
          "%s for a disabled user: %d %r, want 401 and no cookie" %
          (r.req(), r.status, r.header_all("Set-Cookie")))
    kiln_cli(o, "user", "enable", "sec.d")
    expect_error(t.get("/customers.xml"), 401, "unauthenticated")
    login(o, "sec.d")


# ------------------------------------------------------------------ csrf

def csrf_setup(o):
    if getattr(S, "ca", None):
        return S.ca, S.cb
    a, _ = login(o, "sec.a")
    b, _ = login(o, "sec.b")
    r = expect(a.get("/customers/new"), 200)
    f = form_with(r.dom(), "name")
    check(f is not None, "%s: no form" % r.req())
    S.ca = (a, f, [v for k, v in f["fields"] if k == "csrf"][0])
    S.cb = (b, csrf_of(b))
    return S.ca, S.cb


def csrf_try(o, headers=None, token="own", field=True, accept=None,
             want=403, query=False):
    (a, f, tok), (b, btok) = csrf_setup(o)
    name = uniq("Csrf")
    fields = [(k, v) for k, v in th.fill(f["fields"], valid(name=name))
              if k != "csrf"]
    if field and token is not None:
        fields.append(("csrf", tok if token == "own" else btok))
    action = f["action"]
    if query:
        action += "?csrf=" + urllib.parse.quote(tok)
    r = a.post(action, fields, raw=True, headers=headers,
               accept=accept)
    expect(r, want)
    stored = n_named(o, name)
    if want == 403:
        check(stored == 0, "%s was refused (403) but stored" % r.req())
        if accept == XML_CT:
            expect_error(r, 403, "csrf")
    else:
        check(stored == 1, "%s: %d but %d records stored" %
              (r.req(), r.status, stored))
    return came_back(r)


@test("CSRF: a form POST without the token is 403, nothing stored",
      "csrf")
def t_csrf_missing(o):
    return csrf_try(o, token=None)


@test("CSRF: without the token, as XML: 403 code=csrf", "csrf")
def t_csrf_missing_xml(o):
    return csrf_try(o, token=None, accept=XML_CT)


@test("CSRF: the token of another session (sec.b's) is 403", "csrf")
def t_csrf_other(o):
    return csrf_try(o, token="other")


@test("CSRF: the right token + Origin: http://evil.example is 403",
      "csrf")
def t_csrf_origin(o):
    return csrf_try(o, headers={"Origin": "http://evil.example",
                                "Sec-Fetch-Site": None})


@test("CSRF: the right token + Sec-Fetch-Site: cross-site is 403", "csrf")
def t_csrf_sfs(o):
    return csrf_try(o, headers={"Sec-Fetch-Site": "cross-site"})


@test("CSRF: the right token + Sec-Fetch-Site: same-site is 403", "csrf")
def t_csrf_sfs_same_site(o):
    return csrf_try(o, headers={"Sec-Fetch-Site": "same-site"})


@test("CSRF: the right token + an Origin on another port is 403", "csrf")
def t_csrf_port(o):
    (a, _, _), _ = csrf_setup(o)
    return csrf_try(o, headers={"Origin": "http://%s:%d" %
                                (a.host, a.port + 1),
                                "Sec-Fetch-Site": None})


@test("CSRF: the right token + Origin: null is 403", "csrf")
def t_csrf_null(o):
    return csrf_try(o, headers={"Origin": "null", "Sec-Fetch-Site": None})


@test("CSRF: the right token in the query string is 403 (only the body "
      "or X-CSRF-Token), nothing stored", "csrf")
def t_csrf_query(o):
    s1 = csrf_try(o, field=False, query=True)
    s2 = csrf_try(o, field=False, query=True, accept=XML_CT)
    return "%s, %s" % (s1, s2)


@test("CSRF: the X-CSRF-Token header instead of the field works (303)",
      "csrf")
def t_csrf_header(o):
    (a, f, tok), _ = csrf_setup(o)
    return csrf_try(o, field=False, headers={"X-CSRF-Token": tok},
                    want=303)


@test("CSRF: the field with same-origin, and with Sec-Fetch-Site: none "
      "and no Origin, works (303)", "csrf")
def t_csrf_positive(o):
    s1 = csrf_try(o, want=303)
    s2 = csrf_try(o, want=303, headers={"Origin": None,
                                        "Sec-Fetch-Site": "none"})
    return "%s, %s" % (s1, s2)


@test("CSRF: PATCH and DELETE with the cookie need the token (403, "
      "unchanged); X-CSRF-Token lets them through", "csrf")
def t_csrf_methods(o):
    (a, _, tok), _ = csrf_setup(o)
    cid, _ = create(api(o, "sec.a"), valid())
    body = customer_xml({"city": "Csrf City"}, version=1)
    r = a.request("PATCH", "/customers/%d" % cid, body, ctype=XML_CT,
                  accept=XML_CT)
    expect_error(r, 403, "csrf")
    r = a.request("DELETE", "/customers/%d?version=1" % cid, accept=XML_CT)
    expect_error(r, 403, "csrf")
    rec = get_xml(api(o, "sec.a"), cid)
    check(rec.get("version") == "1" and rec.findtext("city") == "Hangzhou",
          "refused PATCH/DELETE changed the record: version %r city %r" %
          (rec.get("version"), rec.findtext("city")))
    r = a.request("PATCH", "/customers/%d" % cid, body, ctype=XML_CT,
                  accept=XML_CT, headers={"X-CSRF-Token": tok})
    expect(r, 200)
    r = a.request("DELETE", "/customers/%d?version=2" % cid, accept=XML_CT,
                  headers={"X-CSRF-Token": tok})
    expect(r, 204, 303)
    expect(api(o, "sec.a").get("/customers/%d.xml" % cid), 404)


@test("CSRF: logout and a new API token need the token too (403, "
      "nothing happens)", "csrf")
def t_csrf_logout_tokens(o):
    (a, _, tok), _ = csrf_setup(o)
    n = db1(o, "SELECT count(*) FROM tokens")
    expect(a.post("/logout", [("x", "1")]), 403)
    expect(a.get("/customers"), 200)
    expect(a.post("/tokens", [("label", "csrf-less")]), 403)
    check(db1(o, "SELECT count(*) FROM tokens") == n,
          "POST /tokens without csrf made a token")


@test("CSRF: POST /login from another site (Origin evil) is 403, no "
      "session", "csrf")
def t_csrf_login(o):
    b = C(o.base, o.timeout, browser=True)
    r = b.post("/login", [("login", "sec.a"), ("password", o.password)],
               headers={"Origin": "http://evil.example",
                        "Sec-Fetch-Site": "cross-site"})
    expect(r, 403)
    check("kiln_session" not in b.cookies,
          "%s: a session cookie for a cross-site login" % r.req())
    return came_back(r)


@test("no GET changes state: GET .../delete, GET /logout, GET "
      "/tokens?label=", "csrf")
def t_get_safe(o):
    (a, _, _), _ = csrf_setup(o)
    cid, _ = create(api(o, "sec.a"), valid())
    n = db1(o, "SELECT count(*) FROM tokens")
    a.get("/customers/%d/delete" % cid)
    a.get("/logout")
    a.get("/tokens?label=via-get")
    expect(api(o, "sec.a").get("/customers/%d.xml" % cid), 200)
    expect(a.get("/customers"), 200)
    check(db1(o, "SELECT count(*) FROM tokens") == n,
          "GET /tokens?label= made a token")


# ---------------------------------------------------------------- bearer

def token_rows(page):
    """(label, revoke action) of each row of the /tokens table."""
    out = []
    for tr in page.dom().iter("tr"):
        tds = [n for n in tr.children if isinstance(n, th.Node) and
               n.tag == "td"]
        if not tds:
            continue
        acts = [f.get("action") for f in tr.iter("form")]
        out.append((tds[0].text().strip(), acts[0] if acts else None))
    return out


@test("/tokens: POST makes a token (201, shown once; XML <token>), it "
      "works on POST/PATCH/DELETE with no CSRF", "bearer")
def t_token_new(o):
    a, _ = login(o, "sec.a")
    csrf = csrf_of(a, "/tokens")
    label = uniq("html-token")
    r = a.post("/tokens", [("csrf", csrf), ("label", label)])
    expect(r, 201)
    codes = [n.text().strip() for n in r.dom().iter("code")]
    check(codes and len(codes[0]) >= 22, "%s: no token in <code>" %
          r.req())
    tok = codes[0]
    xlabel = uniq("xml-token")
    r = a.post("/tokens", [("csrf", csrf), ("label", xlabel)],
               accept=XML_CT)
    expect(r, 201)
    root = r.xml()
    check(root.tag == "token" and len((root.text or "").strip()) >= 22,
          "%s: want <token>...</token>, got %s" % (r.req(), short(r.body)))
    xtok = root.text.strip()
    page = expect(a.get("/tokens"), 200)
    check(tok not in page.text and xtok not in page.text,
          "GET /tokens shows a token again (not 'shown once')")
    labels = [l for l, _ in token_rows(page)]
    check(label in labels and xlabel in labels,
          "GET /tokens lists %r, want both new labels" % labels)
    t = C(o.base, o.timeout, token=tok)
    cid, _ = create(t, valid())
    r = patch(t, cid, 1, city="Bearer City")
    expect(r, 200)
    r = t.post("/customers/%d" % cid, [("version", "2"),
                                       ("city", "Form City")],
               accept=XML_CT)
    expect(r, 200)
    r = t.request("DELETE", "/customers/%d?version=3" % cid, accept=XML_CT)
    expect(r, 204)
    S.tok_a = (a, tok, label, xtok, xlabel)


@test("/tokens/ID/revoke: needs csrf; then the token gets 401 "
      "everywhere", "bearer")
def t_token_revoke(o):
    if not getattr(S, "tok_a", None):
        t_token_new(o)
    a, tok, label, _, _ = S.tok_a
    page = expect(a.get("/tokens"), 200)
    act = [x for l, x in token_rows(page) if l == label]
    check(act and act[0] and re.fullmatch(re.escape(a.prefix) +
                                          r"/tokens/\d+/revoke", act[0]),
          "no revoke form for %r: %r" % (label, token_rows(page)))
    r = a.post(act[0], [("x", "1")], raw=True)
    expect(r, 403)
    expect(C(o.base, o.timeout, token=tok).get("/customers.xml"), 200)
    r = a.post(act[0], [("csrf", csrf_of(a))], raw=True)
    expect(r, 303)
    t = C(o.base, o.timeout, token=tok)
    expect_error(t.get("/customers.xml"), 401, "unauthenticated")
    expect_error(t.post("/customers", customer_xml(valid()), ctype=XML_CT,
                        accept=XML_CT), 401, "unauthenticated")
    r = t.get("/customers")
    check(r.status in (303, 401), "%s with a revoked token: %d" %
          (r.req(), r.status))


@test("someone else's token cannot be revoked (404) and keeps working",
      "bearer")
def t_token_revoke_other(o):
    if not getattr(S, "tok_a", None):
        t_token_new(o)
    a, _, _, xtok, xlabel = S.tok_a
    page = expect(a.get("/tokens"), 200)
    act = [x for l, x in token_rows(page) if l == xlabel]
    check(act and act[0], "no revoke form for %r" % xlabel)
    b, _ = login(o, "sec.b")
    r = b.post(act[0], [("csrf", csrf_of(b))], raw=True)
    expect(r, 404)
    r = b.post(act[0], [("csrf", csrf_of(b))], raw=True, accept=XML_CT)
    expect_error(r, 404, "not_found")
    expect(C(o.base, o.timeout, token=xtok).get("/customers.xml"), 200)
    return came_back(r)


# -------------------------------------------------------------- throttle

def login_try(o, user, password, accept=None):
    c = C(o.base, o.timeout, browser=True)
    t0 = time.monotonic()
    r = c.post("/login", [("login", user), ("password", password)],
               accept=accept)
    return r, time.monotonic() - t0


def login_text(r, user):
    """The page with the entered login taken out (it is kept in the form)."""
    return r.text.replace(user, "LOGIN")


@test("throttling: 5 wrong passwords (401 each), then the right one is "
      "429 with Retry-After", "throttle")
def t_throttle_known(o):
    user = "sec.t"
    times, pages = [], []
    for i in range(5):
        r, dt = login_try(o, user, "wrong-%d" % i)
        expect(r, 401)
        check(not r.header_all("Set-Cookie"),
              "%s: a cookie for a wrong password" % r.req())
        times.append(dt)
        pages.append(login_text(r, user))
    r, _ = login_try(o, user, o.secret_password)
    expect(r, 429)
    ra = r.header("Retry-After") or ""
    check(ra.isdigit() and 1 <= int(ra) <= 5, "%s: Retry-After %r, want "
          "1..5" % (r.req(), ra))
    check(r.ctype == "text/html" and form_with(r.dom(), "password"),
          "%s: 429 is not the HTML login page" % r.req())
    check(not r.header_all("Set-Cookie"), "%s: 429 set a cookie" % r.req())
    r2, _ = login_try(o, user, o.secret_password, accept=XML_CT)
    expect_error(r2, 429, "throttled")
    check((r2.header("Retry-After") or "").isdigit(),
          "%s: no Retry-After" % r2.req())
    S.throttle_known = (times, pages[0], login_text(r, user), r.status)
    S.throttled_at = time.monotonic()
    S.retry_after = int(ra)
    return "Retry-After: %s" % ra


@test("throttling: an unknown login gets the same statuses and the same "
      "page text", "throttle")
def t_throttle_unknown(o):
    if not getattr(S, "throttle_known", None):
        t_throttle_known(o)
    ktimes, kpage401, kpage429, _ = S.throttle_known
    user = "sec.nobody"
    times = []
    for i in range(5):
        r, dt = login_try(o, user, "wrong-%d" % i)
        expect(r, 401)
        times.append(dt)
        check(login_text(r, user) == kpage401,
              "%s: the 401 page differs from a known login's: %s vs %s" %
              (r.req(), short(login_text(r, user), 200),
               short(kpage401, 200)))
    r, _ = login_try(o, user, o.secret_password)
    expect(r, 429)
    check((r.header("Retry-After") or "").isdigit(),
          "%s: no Retry-After" % r.req())
    check(login_text(r, user) == kpage429,
          "%s: the 429 page differs from a known login's" % r.req())
    S.throttle_unknown = times


@test("throttling: an unknown login costs as long as a known one (no "
      "timing oracle)", "throttle")
def t_throttle_timing(o):
    k = getattr(S, "throttle_known", None)
    u = getattr(S, "throttle_unknown", None)
    check(k and u, "needs the two throttling tests before it")
    km = sorted(k[0])[len(k[0]) // 2]
    um = sorted(u)[len(u) // 2]
    check(um >= 0.5 * km and km >= 0.5 * um,
          "median 401 time: known login %.3f s, unknown %.3f s" % (km, um))
    return "median %.0f ms known, %.0f ms unknown" % (km * 1000, um * 1000)


@test("throttling: after Retry-After the right password logs in again",
      "throttle")
def t_throttle_after(o):
    check(getattr(S, "retry_after", None), "needs the throttling test")
    wait = S.throttled_at + S.retry_after + 0.5 - time.monotonic()
    if wait > 0:
        time.sleep(min(wait, 6))
    b, r = login(o, "sec.t", o.secret_password)
    S.t_cookie = b.cookies["kiln_session"]


@test("throttling fails closed: when attempts cannot be recorded, the "
      "right password gets 503 busy with Retry-After and no session",
      "throttle")
def t_throttle_fails_closed(o):
    if regressdb.is_pg(o.db):
        dbw(o, "CREATE FUNCTION regress_full() RETURNS trigger LANGUAGE"
            " plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$")
        dbw(o, "CREATE TRIGGER regress_full BEFORE INSERT ON login_attempts"
            " FOR EACH ROW EXECUTE FUNCTION regress_full()")
    else:
        dbw(o, "CREATE TRIGGER regress_full BEFORE INSERT ON login_attempts "
            "BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    try:
        r, _ = login_try(o, "sec.a", o.password)
        expect(r, 503)
        check(not r.header_all("Set-Cookie"), "%s: a cookie" % r.req())
        check((r.header("Retry-After") or "").isdigit(),
              "%s: no Retry-After" % r.req())
        check(form_with(r.dom(), "password"),
              "%s: 503 is not the login page" % r.req())
        r2, _ = login_try(o, "sec.a", o.password, accept=XML_CT)
        expect_error(r2, 503, "busy")
    finally:
        if regressdb.is_pg(o.db):
            dbw(o, "DROP FUNCTION IF EXISTS regress_full() CASCADE")
        else:
            dbw(o, "DROP TRIGGER IF EXISTS regress_full")
    login(o, "sec.a")
    return "503, then 303 once attempts can be recorded"


@test("at rest: the database files hold neither passwords nor session "
      "or API tokens; hashes are Argon2id", "throttle")
def t_at_rest(o):
    if not getattr(S, "t_cookie", None):
        b, _ = login(o, "sec.t", o.secret_password)
        S.t_cookie = b.cookies["kiln_session"]
    secrets_ = {"the password of sec.t": o.secret_password,
                "the password123 of the others": o.password,
                "sec.t's session cookie": S.t_cookie,
                "sec.a's CLI API token": o.tokens["sec.a"]}
    if getattr(S, "tok_a", None):
        secrets_["a token made on /tokens"] = S.tok_a[3]
    found = []
    files = [p for p in (o.db, o.db + "-wal", o.db + "-shm",
                         o.db + "-journal") if os.path.exists(p)]
    for p in files:
        with open(p, "rb") as fh:
            data = fh.read()
        for what, s in secrets_.items():
            if s.encode() in data:
                found.append("%s in %s" % (what, os.path.basename(p)))
    check(not found, "plaintext at rest: " + "; ".join(found))
    hashes = dbq(o, "SELECT login, password FROM users")
    bad = [l for l, h in hashes if not (h or "").startswith("$argon2id$")]
    check(not bad, "password hashes that are not Argon2id: %s" % bad)
    return "looked through %s" % ", ".join(os.path.basename(p)
                                           for p in files)


# ---------------------------------------------------------------- access

def acl_setup(o):
    if getattr(S, "acl", None):
        return S.acl
    A = api(o, "sec.a")
    tag = "ACL%s" % RUN
    S.acl_audit0 = db1(o, "SELECT coalesce(max(id), 0) FROM audit")
    ca, _ = create(A, valid(name="%s Alpha of A" % tag, city="Jiaxing"))
    cb, _ = create(api(o, "sec.b"), valid(name="%s Bravo of B" % tag,
                                          city="Jiaxing"))
    r = A.post("/contacts", "<contact><customer id=\"%d\"/><name>%s "
               "Contact of A</name></contact>" % (ca, tag), ctype=XML_CT,
               accept=XML_CT)
    expect(r, 201)
    cont = int(r.xml().get("id"))
    S.acl = (tag, ca, cb, cont)
    return S.acl


@test("sales B cannot read A's customer: 404 in XML, HTML detail and "
      "edit form", "access")
def t_acl_read(o):
    tag, ca, _, _ = acl_setup(o)
    B = api(o, "sec.b")
    expect_error(B.get("/customers/%d.xml" % ca), 404, "not_found")
    hb = html_api(o, "sec.b")
    r = expect(hb.get("/customers/%d" % ca), 404)
    check(tag not in r.text, "%s: 404 page shows the record" % r.req())
    expect(hb.get("/customers/%d/edit" % ca), 404)


@test("B's list, search, filters and HTML list do not show A's customer",
      "access")
def t_acl_list(o):
    tag, ca, cb, _ = acl_setup(o)
    B = api(o, "sec.b")
    names = list_names(B, "limit=500")
    check(not any("Alpha of A" in n and tag in n for n in names),
          "B's full list shows A's customer")
    check(any("Bravo of B" in n for n in names),
          "B's list lacks B's own customer")
    for q in ("q=" + urllib.parse.quote(tag), "q=Alpha",
              "city=Jiaxing", "owner=%d" % uid(o, "sec.a"),
              "segment=key_account&limit=500"):
        ids = list_ids(B, q)
        check(ca not in ids, "GET /customers.xml?%s as B shows A's "
              "customer %d" % (q, ca))
    r = expect(html_api(o, "sec.b").get("/customers?q=" + tag), 200)
    check("Alpha of A" not in r.text, "%s: the HTML list shows A's "
          "customer" % r.req())


@test("B's CSV export does not contain A's customer", "access")
def t_acl_csv(o):
    tag, ca, _, _ = acl_setup(o)
    B = api(o, "sec.b")
    for q in ("", "?q=" + tag):
        r = expect(B.get("/customers.csv" + q), 200)
        check(r.ctype == "text/csv", "%s: %r" % (r.req(), r.ctype))
        check("Alpha of A" not in r.text, "%s: A's customer exported to B"
              % r.req())
        check("Bravo of B" in r.text, "%s: B's own customer missing" %
              r.req())
    S.b_exported = True


@test("B cannot update or delete A's customer (PATCH, PUT, POST, form, "
      "DELETE, POST .../delete: 404); nothing changed", "access")
def t_acl_write(o):
    tag, ca, _, _ = acl_setup(o)
    B = api(o, "sec.b")
    before = get_xml(api(o, "sec.a"), ca)
    fails = []
    for m, body, ct in (
            ("PATCH", customer_xml({"city": "B was here"}, version=1),
             XML_CT),
            ("PUT", customer_xml(valid(name="B was here"), version=1),
             XML_CT),
            ("POST", customer_xml({"city": "B was here"}, version=1),
             XML_CT),
            ("POST", "version=1&city=B+was+here", FORM_CT),
            ("DELETE", None, None)):
        r = B.request(m, "/customers/%d%s" % (
            ca, "?version=1" if m == "DELETE" else ""), body, ctype=ct,
            accept=XML_CT)
        if r.status != 404 or error_code(r) != "not_found":
            fails.append("%s -> %s" % (r.req(), came_back(r)))
    r = B.post("/customers/%d/delete" % ca, "version=1", ctype=FORM_CT,
               accept=XML_CT)
    if r.status != 404:
        fails.append("%s -> %s" % (r.req(), came_back(r)))
    check(not fails, "want 404 not_found: " + "; ".join(fails))
    after = get_xml(api(o, "sec.a"), ca)
    check(record_fields(after) == record_fields(before) and
          after.get("version") == before.get("version"),
          "A's customer changed: %r -> %r" % (record_fields(before),
                                              record_fields(after)))


@test("B cannot create a record for A nor hand its own to A (403 "
      "forbidden), nothing stored", "access")
def t_acl_owner(o):
    tag, ca, cb, _ = acl_setup(o)
    B = api(o, "sec.b")
    name = uniq("ForA")
    f = valid(name=name)
    f["owner"] = (uid(o, "sec.a"), "")
    r = B.post("/customers", customer_xml(f), ctype=XML_CT, accept=XML_CT)
    expect_error(r, 403, "forbidden")
    check(n_named(o, name) == 0, "created for A by B")
    v = get_xml(B, cb).get("version")
    r = B.request("PATCH", "/customers/%d" % cb, customer_xml(
        {"owner": (uid(o, "sec.a"), "")}, version=v), ctype=XML_CT,
        accept=XML_CT)
    expect_error(r, 403, "forbidden")
    after = get_xml(B, cb)
    check(after.get("version") == v and
          after.find("owner").get("id") == str(uid(o, "sec.b")),
          "B's customer changed hands or version")


@test("B cannot see A's contact nor add one to A's customer", "access")
def t_acl_contact(o):
    tag, ca, _, cont = acl_setup(o)
    B = api(o, "sec.b")
    expect(B.get("/contacts/%d.xml" % cont), 404)
    r = expect(B.get("/contacts.xml?limit=500"), 200)
    check("Contact of A" not in r.text, "B's contact list shows A's")
    name = uniq("ContactOnA")
    r = B.post("/contacts", "<contact><customer id=\"%d\"/><name>%s</name>"
               "</contact>" % (ca, name), ctype=XML_CT, accept=XML_CT)
    check(400 <= r.status < 500, "%s: %d, want a 4xx" % (r.req(), r.status))
    n = db1(o, "SELECT count(*) FROM contacts WHERE name = ?", name)
    check(n == 0, "B added a contact to A's customer")
    return came_back(r)


@test("manager M of the same team reads, lists and updates A's customer",
      "access")
def t_acl_manager(o):
    tag, ca, _, _ = acl_setup(o)
    M = api(o, "sec.m")
    rec = get_xml(M, ca)
    check(ca in list_ids(M, "q=" + tag), "M's list lacks A's customer")
    r = patch(M, ca, rec.get("version"), city="Managed City")
    expect(r, 200)
    check(get_xml(api(o, "sec.a"), ca).findtext("city") == "Managed City",
          "M's update was not stored")
    expect(html_api(o, "sec.m").get("/customers/%d" % ca), 200)


@test("M cannot hand A's customer to another team (403), nor can the "
      "other team's manager M2 see or touch it (404)", "access")
def t_acl_other_team(o):
    tag, ca, _, _ = acl_setup(o)
    M = api(o, "sec.m")
    before = get_xml(M, ca)
    r = patch(M, ca, before.get("version"),
              owner=(uid(o, "sec.m2"), ""))
    expect_error(r, 403, "forbidden")
    M2 = api(o, "sec.m2")
    expect_error(M2.get("/customers/%d.xml" % ca), 404, "not_found")
    check(ca not in list_ids(M2, "q=" + tag), "M2's list shows it")
    expect_error(patch(M2, ca, before.get("version"), city="West"), 404,
                 "not_found")
    expect_error(M2.request("DELETE", "/customers/%d?version=%s" % (
        ca, before.get("version")), accept=XML_CT), 404, "not_found")
    after = get_xml(M, ca)
    check(record_fields(after) == record_fields(before) and
          after.get("version") == before.get("version"), "it changed")


@test("finance F reads all (detail, list, CSV) but changes nothing: 403 "
      "forbidden", "access")
def t_acl_finance(o):
    tag, ca, cb, _ = acl_setup(o)
    F = api(o, "sec.f")
    before = get_xml(F, ca)
    ids = list_ids(F, "q=" + tag)
    check(ca in ids and cb in ids, "F's list lacks A's or B's customer")
    r = expect(F.get("/customers.csv?q=" + tag), 200)
    check("Alpha of A" in r.text, "F's CSV lacks A's customer")
    expect_error(patch(F, ca, before.get("version"), city="Finance"), 403,
                 "forbidden")
    expect_error(F.request("DELETE", "/customers/%d?version=%s" % (
        ca, before.get("version")), accept=XML_CT), 403, "forbidden")
    expect_error(F.post("/customers/%d/delete" % ca, "version=" +
                        before.get("version"), ctype=FORM_CT,
                        accept=XML_CT), 403, "forbidden")
    name = uniq("ByFinance")
    expect_error(F.post("/customers", customer_xml(valid(name=name)),
                        ctype=XML_CT, accept=XML_CT), 403, "forbidden")
    check(n_named(o, name) == 0, "F created a customer")
    d = expect(html_api(o, "sec.f").get("/customers/%d" % ca), 200)
    acts = [f["action"] for f in forms(d.dom())]
    check("%s/customers/%d/delete" % (o.prefix, ca) not in acts,
          "%s: F's page offers delete" % d.req())
    # F may set the credit terms alone (api.md "Who may set what"): the
    # edit form has controls for those and nothing else.
    e = expect(html_api(o, "sec.f").get("/customers/%d/edit" % ca), 200)
    f = form_with(e.dom(), "version")
    names = f and {k for k, _ in f["fields"]} - {"csrf", "version"}
    check(names == {"credit_limit", "payment_terms"},
          "%s: F's edit form has controls %s, want the credit terms "
          "alone" % (e.req(), sorted(names or [])))
    after = get_xml(F, ca)
    check(record_fields(after) == record_fields(before) and
          after.get("version") == before.get("version"), "it changed")


@test("afterwards: only A's create and M's update touched A's customer "
      "(audit), its data is M's", "access")
def t_acl_after(o):
    tag, ca, _, _ = acl_setup(o)
    rows = dbq(o, "SELECT action, login FROM audit WHERE entity = "
               "'customer' AND record_id = ? AND id > ? ORDER BY id", ca,
               S.acl_audit0)
    check(rows == [("create", "sec.a"), ("update", "sec.m")],
          "audit of A's customer: %r" % rows)
    rec = get_xml(api(o, "sec.a"), ca)
    check(rec.findtext("city") == "Managed City" and
          rec.get("version") == "2",
          "A's customer: city %r version %r" % (rec.findtext("city"),
                                                rec.get("version")))


@test("non-admins cannot use /admin/users nor raise their own role "
      "(403)", "access")
def t_acl_admin(o):
    A = api(o, "sec.a")
    expect_error(A.get("/admin/users.xml"), 403, "forbidden")
    r = A.post("/admin/users/sec.a/role", [("role", "admin")],
               accept=XML_CT)
    expect_error(r, 403, "forbidden")
    r = api(o, "sec.m").post("/admin/users", [
        ("login", "sec.evil"), ("role", "admin"),
        ("password", "password123")], accept=XML_CT)
    expect_error(r, 403, "forbidden")
    check(db1(o, "SELECT role FROM users WHERE login = 'sec.a'") ==
          "sales", "sec.a's role changed")
    check(uid(o, "sec.evil") is None, "a manager added an admin")


# ----------------------------------------------------------------- audit

@test("an update by A appears in /audit for admin, with A's login and "
      "the changed field", "audit")
def t_audit_update(o):
    A = api(o, "sec.a")
    old, new = "Old%s" % RUN, "New%s" % RUN
    cid, _ = create(A, valid(city=old))
    expect(patch(A, cid, 1, city=new), 200)
    adm = html_api(o, "admin")
    r = expect(adm.get("/audit?" + urllib.parse.urlencode(
        {"login": "sec.a", "action": "update", "entity": "customer",
         "record": str(cid)})), 200)
    rows = table_rows(r.dom())
    check(len(rows) == 1, "%s: %d rows, want 1: %r" %
          (r.req(), len(rows), rows))
    row = rows[0]
    # The field by its label, as people read it.
    for want in ("sec.a", "City", old, new):
        check(want in row, "%s: the row lacks %r: %r" % (r.req(), want,
                                                         row))
    r = expect(adm.get("/audit"), 200)
    check(new in r.text, "%s: the unfiltered trail lacks the update" %
          r.req())
    ip = db1(o, "SELECT ip FROM audit WHERE action = 'update' AND "
             "record_id = ? AND entity = 'customer'", cid)
    check(ip == "127.0.0.1", "audit ip %r, want 127.0.0.1" % ip)
    d = expect(html_api(o, "sec.a").get("/customers/%d" % cid), 200)
    hist = [s for s in d.dom().iter("section")
            if "history" in (s.get("class") or "").split()]
    check(hist and new in hist[0].text() and "City" in hist[0].text(),
          "%s: no <section class=history> with the change" % d.req())
    return row[:120]


@test("a deleted record's history does not show on a new record that "
      "gets its id (another owner's)", "audit")
def t_audit_reuse(o):
    A, B = api(o, "sec.a"), api(o, "sec.b")
    secret = "Secret%s" % RUN
    x, _ = create(A, valid(city=secret, notes=secret))
    expect(patch(A, x, 1, city=secret + "2"), 200)
    expect(A.request("DELETE", "/customers/%d?version=2" % x,
                     accept=XML_CT), 204)
    y, _ = create(B, valid())
    d = expect(html_api(o, "sec.b").get("/customers/%d" % y), 200)
    hist = [s for s in d.dom().iter("section")
            if "history" in (s.get("class") or "").split()]
    check(hist, "%s: no <section class=history>" % d.req())
    rows = table_rows(hist[0])
    leaked = [r for r in rows if secret in r or "sec.a" in r]
    check(not leaked,
          "sec.a deleted customer %d; sec.b's new customer got id %d, and "
          "GET %s as sec.b shows sec.a's history of the deleted record: "
          "%s" % (x, y, d.path, " || ".join(short(r, 160) for r in leaked)))
    n = db1(o, "SELECT count(*) FROM audit WHERE entity = 'customer' AND "
            "record_id = ?", y)
    check(n == 1, "the audit trail has %d entries for customer %d (want "
          "1, its create): ids are reused, so /audit?record=%d mixes two "
          "records" % (n, y, y))
    return "ids %d, %d" % (x, y)


@test("/audit is 403 for sales, manager and finance (HTML and XML "
      "code=forbidden)", "audit")
def t_audit_forbidden(o):
    for who in ("sec.a", "sec.m", "sec.f"):
        expect(html_api(o, who).get("/audit"), 403)
        expect_error(api(o, who).get("/audit.xml"), 403, "forbidden")
        expect_error(api(o, who).get("/audit", accept=XML_CT), 403,
                     "forbidden")


@test("logins, failed logins, exports, token and password events are "
      "in the trail", "audit")
def t_audit_events(o):
    adm = html_api(o, "admin")

    def rows(**q):
        r = expect(adm.get("/audit?" + urllib.parse.urlencode(q)), 200)
        return table_rows(r.dom())
    missing = []
    for who in sorted(getattr(S, "logged_in", ())):
        if not rows(login=who, action="login"):
            missing.append("login by %s" % who)
    if getattr(S, "throttle_known", None):
        fl = rows(action="login_failed")
        if not any("sec.t" in x for x in fl):
            missing.append("login_failed naming sec.t")
    if getattr(S, "b_exported", None):
        if not rows(login="sec.b", action="export"):
            missing.append("export by sec.b")
    if getattr(S, "tok_a", None):
        if not rows(login="sec.a", action="token_new"):
            missing.append("token_new by sec.a")
        if not rows(login="sec.a", action="token_revoke"):
            missing.append("token_revoke by sec.a")
    if getattr(S, "logged_out", None):
        if not rows(login="sec.a", action="logout"):
            missing.append("logout by sec.a")
    if getattr(o, "p_password", None):
        if not any("sec.p" in x for x in rows(login="admin",
                                              action="password")):
            missing.append("password of sec.p by admin")
    check(not missing, "not in /audit: " + ", ".join(missing))


@test("user administration on /admin/users is audited (user_add, role, "
      "team, disable, enable)", "audit")
def t_audit_admin(o):
    adm = api(o, "admin")
    login_ = "sec.new%s" % RUN
    steps = [("/admin/users", [("login", login_), ("role", "sales"),
                               ("name", "New"), ("team", "east"),
                               ("password", "password123")], "user_add"),
             ("/admin/users/%s/role" % login_, [("role", "manager")],
              "role"),
             ("/admin/users/%s/team" % login_, [("team", "west")], "team"),
             ("/admin/users/%s/disable" % login_, [("x", "1")], "disable"),
             ("/admin/users/%s/enable" % login_, [("x", "1")], "enable")]
    missing = []
    for path, body, action in steps:
        r = adm.post(path, body, accept=XML_CT)
        check(r.status in (204, 303), "%s: %s" % (r.req(), came_back(r)))
        n = db1(o, "SELECT count(*) FROM audit WHERE action = ? AND login "
                "= 'admin' AND detail LIKE ?", action, login_ + "%")
        if n != 1:
            missing.append("%s (%d entries)" % (action, n))
    check(not missing, "audit entries by admin for %s: %s" %
          (login_, ", ".join(missing)))
    row = dbq(o, "SELECT role, team, active FROM users WHERE login = ?",
              login_)
    check(row == [("manager", "west", 1)], "the user is %r" % row)


@test("the audit trail is append-only: UPDATE and DELETE are refused by "
      "the database", "audit")
def t_audit_append_only(o):
    n = db1(o, "SELECT count(*) FROM audit")
    got = []
    for sql in ("UPDATE audit SET login = 'nobody'",
                "DELETE FROM audit",
                "UPDATE audit_changes SET new = 'forged'",
                "DELETE FROM audit_changes"):
        try:
            dbw(o, sql)
            got.append("%s succeeded" % sql)
        except regressdb.DatabaseError as e:
            if "append-only" not in str(e):
                got.append("%s: %s" % (sql, e))
    check(not got, "; ".join(got))
    check(db1(o, "SELECT count(*) FROM audit") == n, "the trail shrank")
    check(db1(o, "SELECT count(*) FROM audit WHERE login = 'nobody'") == 0,
          "an audit row was rewritten")


@test("audit filters are bound, not spliced: injected values find "
      "nothing, record=abc is 400", "audit")
def t_audit_filters(o):
    adm = html_api(o, "admin")
    for q in ({"login": "' OR '1'='1"}, {"action": "update' --"},
              {"entity": "customer\" OR 1=1 --"}):
        r = expect(adm.get("/audit?" + urllib.parse.urlencode(q)), 200)
        n = [tr for tr in r.dom().iter("tr")
             if any(isinstance(x, th.Node) and x.tag == "td"
                    for x in tr.children)]
        check(not n, "%s: %d rows for an injected filter" % (r.req(),
                                                             len(n)))
    for q in ("record=abc", "record=1%20OR%201=1", "before=-1"):
        expect(adm.get("/audit?" + q), 400)


# ------------------------------------------------------------------- sso

def sso(o, user="li.wei", base=None, password=None):
    return C(base or o.sso_base, o.timeout, browser=True,
             basic=(user, password or o.password))


@test("trust_remote_user = yes: li.wei authenticated by Apache (Basic) "
      "gets li.wei's pages (fcgid)", "sso")
def t_sso_yes(o):
    c = sso(o)
    r = c.get("/customers")
    check(r.status == 200, "%s: %d %r, want 200 (no redirect)" %
          (r.req(), r.status, r.header("Location")))
    check("Li Wei" in r.text, "%s: the page does not show Li Wei" %
          r.req())
    r = c.get("/customers.xml")
    expect(r, 200)
    check(r.xml().tag == "customers", "%s: not a customers list" %
          r.req())
    expect(c.get("/audit"), 403)        # li.wei is sales, not admin


@test("trust_remote_user = yes also under plain CGI", "sso")
def t_sso_cgi(o):
    r = sso(o, base=o.sso_cgi_base).get("/customers")
    check(r.status == 200 and "Li Wei" in r.text,
          "%s: %d %r, want li.wei's page" % (r.req(), r.status,
                                              r.header("Location")))


@test("an SSO user sees only their own records", "sso")
def t_sso_acl(o):
    adm = C(o.api_base, o.timeout, token=o.apache_admin_token)
    name = uniq("AdminsOwn")
    cid, _ = create(adm, valid(name=name))
    c = sso(o)
    expect(c.get("/customers/%d" % cid), 404)
    r = expect(c.get("/customers.xml?q=" + urllib.parse.quote(name)), 200)
    check(name not in r.text, "%s: li.wei sees admin's customer" %
          r.req())


@test("trust_remote_user = no: the same Basic-authenticated request is "
      "303 to login (XML 401)", "sso")
def t_sso_no(o):
    c = sso(o, base=o.nosso_base)
    r = c.get("/customers")
    check(r.status == 303 and r.header("Location") == c.prefix + "/login",
          "%s: %d %r, want 303 to %s/login" %
          (r.req(), r.status, r.header("Location"), c.prefix))
    expect_error(c.get("/customers.xml"), 401, "unauthenticated")


@test("SSO for a user Kiln does not know (ghost) or has disabled "
      "(sec.off): 303 to login", "sso")
def t_sso_unknown(o):
    for user in ("ghost", "sec.off"):
        c = sso(o, user=user)
        r = c.get("/customers")
        check(r.status == 303 and
              r.header("Location") == c.prefix + "/login",
              "%s as %s: %d %r, want 303 to login" %
              (r.req(), user, r.status, r.header("Location")))


@test("a cross-site POST riding on SSO credentials is refused (403 "
      "csrf), nothing stored", "sso")
def t_sso_csrf(o):
    c = sso(o)
    name = uniq("SsoCsrf")
    r = c.post("/customers", list(valid(name=name).items()),
               headers={"Origin": "http://evil.example",
                        "Sec-Fetch-Site": "cross-site"})
    adm = C(o.api_base, o.timeout, token=o.apache_admin_token)
    found = name in expect(adm.get("/customers.xml?q=" + urllib.parse.quote(
        name)), 200).text
    check(r.status == 403 and not found,
          "POST %s/customers as li.wei (Apache Basic auth) with Origin: "
          "http://evil.example and Sec-Fetch-Site: cross-site, no csrf: "
          "got %d%s, want 403 and nothing stored" %
          (c.prefix, r.status, " and the customer WAS stored" if found
           else ""))
    return came_back(r)


@test("Apache without auth, trust = yes: Remote-User / X-Remote-User "
      "headers count for nothing (303)", "sso")
def t_sso_api_headers(o):
    c = C(o.api_base, o.timeout, browser=True,
          extra={"Remote-User": "admin", "X-Remote-User": "admin",
                 "X-Forwarded-User": "admin"})
    r = c.get("/customers")
    check(r.status == 303, "%s with Remote-User: admin: %d, want 303" %
          (r.req(), r.status))
    r = c.get("/audit")
    check(r.status == 303, "%s with Remote-User: admin: %d, want 303" %
          (r.req(), r.status))


@test("Apache without auth, trust = yes: a client's own Authorization: "
      "Basic logs nobody in (303)", "sso")
def t_sso_api_basic(o):
    c = C(o.api_base, o.timeout, browser=True, basic=("admin", "x"))
    r = c.get("/customers")
    check(r.status == 303, "%s with Authorization: Basic admin:x: %d, want "
          "303" % (r.req(), r.status))


@test("SSO li.wei sending X-Remote-User: admin stays li.wei (/audit "
      "403)", "sso")
def t_sso_spoof_up(o):
    c = sso(o)
    c.extra.update({"Remote-User": "admin", "X-Remote-User": "admin"})
    expect(c.get("/audit"), 403)


@test("nginx (no auth module), trust = yes: Remote-User: admin + "
      "X-Remote-User: admin is 303 to login", "sso")
def t_sso_nginx_headers(o):
    c = C(o.base, o.timeout, browser=True,
          extra={"Remote-User": "admin", "X-Remote-User": "admin"})
    for p in ("/customers", "/audit", "/admin/users"):
        r = c.get(p)
        check(r.status == 303 and r.header("Location") == c.prefix +
              "/login", "%s: %d %r, want 303 to login" %
              (r.req(), r.status, r.header("Location")))
    expect_error(c.get("/customers.xml"), 401, "unauthenticated")


@test("nginx (no auth module), trust = yes: a client's own "
      "Authorization: Basic admin:x is 303 to login", "sso")
def t_sso_nginx_basic(o):
    c = C(o.base, o.timeout, browser=True, basic=("admin", "anything"))
    r = c.get("/audit")
    check(r.status == 303, "GET %s/audit with 'Authorization: Basic "
          "YWRtaW46YW55dGhpbmc=' (admin:anything; nginx's stock "
          "fastcgi_params pass REMOTE_USER=$remote_user from that header, "
          "unverified): got %d%s, want 303 to login" %
          (c.prefix, r.status, " - the admin's audit trail"
           if r.status == 200 else ""))


# --------------------------------------------------------------- hostile

HOSTILE = {"n": 0}


def hostile(name, stores=False):
    """A hostile-input case: it returns what came back; afterwards the
    same workers serve, /health is 200, and nothing was stored unless
    STORES (a case that checks its own record)."""
    def deco(fn):
        HOSTILE["n"] += 1

        def run(o):
            ab(o)               # the fixture, made before counting
            before = children(o.supervisor)
            count = n_customers(o)
            t0 = time.monotonic()
            what = fn(o)
            dt = time.monotonic() - t0
            after = children(o.supervisor)
            check(after == before, "the workers changed: %s -> %s (one "
                  "died?)" % (before, after))
            h = C(o.base, o.timeout).get("/health")
            check(h.status == 200, "GET /health afterwards: %d" % h.status)
            if not stores:
                now = n_customers(o)
                check(now == count, "customers: %d before, %d after" %
                      (count, now))
            return "%s (%.2f s)" % (what, dt) if what else "%.2f s" % dt
        TESTS.append((name, "hostile", run))
        return fn
    return deco


def want(r, *codes, code=None, field=None):
    """R's status is one of CODES (and its XML error code/field)."""
    check(r.status in codes, "%s: got %s, want %s: %s" %
          (r.req(), came_back(r), "/".join(map(str, codes)),
           short(r.body, 160)))
    if code and r.ctype == "application/xml":
        check(error_code(r) in ((code,) if isinstance(code, str) else code),
              "%s: code=%r, want %s" % (r.req(), error_code(r), code))
    if field:
        root = r.xml()
        names = [x.get("name") for x in root.findall("field")]
        check(field in names, "%s: no <field name=%r> (%s)" %
              (r.req(), field, names))
    return came_back(r)


def ab(o):
    """sec.a's and sec.b's bearer clients and A's private customer."""
    if not getattr(S, "hx", None):
        A = api(o, "sec.a")
        cid, _ = create(A, valid(name="HOSTILE%s private of A" % RUN))
        S.hx = (A, api(o, "sec.b"), cid)
    return S.hx


def b_list_safe(o, query):
    """B lists with QUERY: 200 without A's record, or a 400."""
    A, B, cid = ab(o)
    r = B.get("/customers.xml?" + query)
    check(r.status in (200, 400), "%s: got %s, want 200 or 400" %
          (r.req(), came_back(r)))
    if r.status == 200:
        ids = [int(x.get("id")) for x in r.xml() if x.tag == "customer"]
        check(cid not in ids, "%s: B sees A's customer %d" % (r.req(),
                                                              cid))
        check(all(db1(o, "SELECT owner FROM customers WHERE id = ?", i) ==
                  uid(o, "sec.b") for i in ids),
              "%s: B sees records B does not own" % r.req())
        return "200, %d rows, all B's" % len(ids)
    return came_back(r)


SQLI_Q = ["' OR 1=1 --", "%' UNION SELECT login, password FROM users --",
          "\"); DROP TABLE customers; --", "a\" OR \"\"=\"",
          "NEAR(a b) OR * AND ^ \"", "*"]

for _i, _q in enumerate(SQLI_Q):
    def _mk(q):
        @hostile("SQL injection in q=%r: an ordinary search, ACL intact" % q)
        def _f(o):
            s = b_list_safe(o, "limit=500&q=" + urllib.parse.quote(q))
            check(db1(o, "SELECT count(*) FROM customers") is not None,
                  "the customers table is gone")
            return s
    _mk(_q)


@hostile("SQL injection in sort= (4 forms): 400 bad_request")
def h_sort(o):
    A, B, _ = ab(o)
    got = []
    for s in ("name;DROP TABLE customers", "(CASE WHEN 1=1 THEN name END)",
              "-credit_limit,(SELECT 1)", "name COLLATE NOCASE",
              "password", "owner.password"):
        r = B.get("/customers.xml?sort=" + urllib.parse.quote(s))
        want(r, 400, code="bad_request")
        got.append(str(r.status))
    return ",".join(got)


@hostile("SQL injection in limit= and a huge limit: 400")
def h_limit(o):
    A, B, _ = ab(o)
    for s in ("10 OR 1=1", "1;DELETE FROM customers", "501", "0", "-1",
              "99999999999999999999999", "1e3", "0x10"):
        want(B.get("/customers.xml?limit=" + urllib.parse.quote(s)), 400,
             code="bad_request")
    return "400 x8"


@hostile("SQL injection in after= (raw and as a forged cursor)")
def h_after(o):
    A, B, cid = ab(o)
    want(B.get("/customers.xml?after=" + urllib.parse.quote(
        "' OR '1'='1")), 400, code="bad_request")
    forged = base64.urlsafe_b64encode(
        b"name\n+\n0\nx' OR 1=1 --").decode().rstrip("=")
    s = b_list_safe(o, "after=" + forged)
    forged = base64.urlsafe_b64encode(
        b"name) OR 1=1 --\n+\n0\nx").decode().rstrip("=")
    want(B.get("/customers.xml?after=" + forged), 400)
    return "400; forged cursor: " + s


for _fld in ("segment", "sales_mode", "industry", "city", "country",
             "payment_terms", "credit_status"):
    def _mk2(fld):
        @hostile("SQL injection in the %s filter: no rows or 400, ACL "
                 "intact" % fld)
        def _f(o):
            s = b_list_safe(o, "%s=%s" % (fld, urllib.parse.quote(
                "x' OR '1'='1")))
            s2 = b_list_safe(o, "%s=%s" % (fld, urllib.parse.quote(
                "x\") OR 1=1 --")))
            return "%s; %s" % (s, s2)
    _mk2(_fld)


@hostile("SQL injection in the owner filter (numeric): 400")
def h_owner(o):
    A, B, _ = ab(o)
    for s in ("1 OR 1=1", "%d OR 1=1" % uid(o, "sec.a"), "1)--", "x"):
        want(B.get("/customers.xml?owner=" + urllib.parse.quote(s)), 400,
             code="bad_request")
    return "400 x4"


@hostile("SQL and junk in record ids in paths: 404")
def h_ids(o):
    A, B, cid = ab(o)
    for p in ("/customers/1%20OR%201=1.xml", "/customers/1;DROP%20TABLE"
              "%20customers", "/customers/-1.xml", "/customers/0x10.xml",
              "/customers/01.xml", "/customers/+1.xml",
              "/customers/99999999999999999999999.xml",
              "/customers/%d%%20OR%%201=1.xml" % cid,
              "/contacts/1'%20OR%20'1'='1.xml",
              "/customers/%d'--/edit" % cid):
        want(B.get(p), 404)
    for m in ("PATCH", "DELETE"):
        r = B.request(m, "/customers/%d%%20OR%%201=1" % cid,
                      customer_xml({"city": "x"}, version=1)
                      if m == "PATCH" else None,
                      ctype=XML_CT if m == "PATCH" else None, accept=XML_CT)
        want(r, 404)
    expect(A.get("/customers/%d.xml" % cid), 200)
    return "404 x12"


@hostile("SQL injection in version=: 400, the record unchanged")
def h_version(o):
    A, B, cid = ab(o)
    before = get_xml(A, cid)
    r = A.request("PATCH", "/customers/%d" % cid,
                  "<customer version=\"1 OR 1=1\"><city>V</city>"
                  "</customer>", ctype=XML_CT, accept=XML_CT)
    s = want(r, 400, 409, 422)
    r = A.post("/customers/%d" % cid, "version=1%27--&city=V",
               ctype=FORM_CT, accept=XML_CT)
    want(r, 400, 409, 422)
    after = get_xml(A, cid)
    check(record_fields(after) == record_fields(before), "it changed")
    return s


XSS = {
    "name": "<script>alert('n')</script>\"onmouseover=\"alert(1)",
    "code": "<script>x</script>\"onmouseover=",
    "industry": "\"onmouseover=\"alert(1)\" <script>alert(2)</script>",
    "phone": "<script>alert(1)</script>",
    "email": "\"onmouseover=alert(1)\"@example.com",
    "website": "https://example.com/\"onmouseover=\"alert(1)",
    "address": "<script>alert(1)</script>\n\"onmouseover=\"alert(1)",
    "city": "<img src=x onerror=alert(1)>\"onmouseover=\"x",
    "country": "\"><svg onload=alert(1)>",
    "notes": "</textarea><script>alert(1)</script>\n\"onmouseover=\"x "
             "</dd></dl><iframe src=//evil.example>",
}
VALIDATED = ("phone", "email", "website")


def xss_case(o, field, payload, marker):
    A, _, _ = ab(o)
    f = valid(name=marker)
    if field == "name":
        f["name"] = marker + " " + payload
    else:
        f[field] = payload
    sent = f[field]
    r = A.post("/customers", customer_xml(f), ctype=XML_CT, accept=XML_CT)
    if field in VALIDATED and r.status == 422:
        want(r, 422, code="invalid", field=field)
        check(n_named(o, marker) == 0, "refused but stored")
        return "422 (refused)"
    expect(r, 201)
    cid = int(r.xml().get("id"))
    for src, doc in (("create", r.xml()), ("GET", get_xml(A, cid))):
        got = record_fields(doc).get(field)
        check(got == sent, "%s: <%s> round-trips as %r, sent %r" %
              (src, field, got, sent))
    h = html_api(o, "sec.a")
    d = expect(h.get("/customers/%d" % cid), 200)
    no_markup(d, field)
    check(norm(sent) in norm(d.dom().text()) or field in VALIDATED,
          "%s: the %s is not shown as text" % (d.req(), field))
    e = expect(h.get("/customers/%d/edit" % cid), 200)
    no_markup(e, field)
    fe = form_with(e.dom(), field)
    check(fe is not None and dict(fe["fields"]).get(field) == sent,
          "%s: the edit form's %s is %r, stored %r" %
          (e.req(), field, fe and dict(fe["fields"]).get(field), sent))
    lst = expect(h.get("/customers?q=" + urllib.parse.quote(marker)), 200)
    no_markup(lst, field)
    return "201, exact in XML, escaped in detail, edit form and list"


for _fld, _p in XSS.items():
    def _mk3(fld, payload):
        @hostile("stored XSS in %s (%r): %s" % (
            fld, payload[:40], "422 or stored and escaped"
            if fld in VALIDATED else "stored exactly, escaped in HTML"),
            stores=True)
        def _f(o):
            return xss_case(o, fld, payload, uniq("Xss-" + fld))
    _mk3(_fld, _p)


@hostile("quotes in website and e-mail that pass validation stay inside "
         "the href", stores=True)
def h_href_quotes(o):
    A, _, _ = ab(o)
    f = valid(name=uniq("Href"), website="https://example.com/'onmouseover="
              "'alert(1)'", email="x'onmouseover='alert(1)'@example.com")
    r = A.post("/customers", customer_xml(f), ctype=XML_CT, accept=XML_CT)
    if r.status == 422:
        return "422 (refused)"
    expect(r, 201)
    cid = int(r.xml().get("id"))
    d = expect(html_api(o, "sec.a").get("/customers/%d" % cid), 200)
    no_markup(d, "website/email")
    hrefs = [n.get("href") for n in d.dom().iter("a")]
    check(f["website"] in hrefs and "mailto:" + f["email"] in hrefs,
          "%s: hrefs %r lack the exact values" % (d.req(), hrefs))
    return "201, href exact, no event attribute"


BAD_URLS = ["javascript:alert(1)", "JaVaScRiPt:alert(1)",
            " javascript:alert(1)", "java\tscript:alert(1)",
            "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
            "DATA:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)", "//evil.example/x", "http:evil.example",
            "file:///etc/passwd", "https:///evil.example"]

for _u in BAD_URLS:
    def _mk4(url):
        @hostile("website %r: 422 naming website" % url)
        def _f(o):
            A, _, _ = ab(o)
            name = uniq("Url")
            r = A.post("/customers", customer_xml(valid(name=name,
                                                        website=url)),
                       ctype=XML_CT, accept=XML_CT)
            s = want(r, 422, code="invalid", field="website")
            check(n_named(o, name) == 0, "stored")
            return s
    _mk4(_u)


@hostile("http:, https: and mailto: websites are accepted (201)",
         stores=True)
def h_url_ok(o):
    A, _, _ = ab(o)
    for url in ("http://example.com/a?b=1", "HTTPS://example.com/",
                "mailto:sales@example.com"):
        create(A, valid(website=url))
    return "201 x3"


@hostile("website javascript: by PATCH and by the HTML form: 422, the "
         "record unchanged")
def h_url_update(o):
    A, _, cid = ab(o)
    before = get_xml(A, cid)
    r = patch(A, cid, before.get("version"), website="javascript:alert(1)")
    s = want(r, 422, code="invalid", field="website")
    h = html_api(o, "sec.a")
    e = expect(h.get("/customers/%d/edit" % cid), 200)
    f = form_with(e.dom(), "website")
    r = h.post(f["action"], set_field(f["fields"], "website",
                                      "javascript:alert(document.cookie)"),
               raw=True)
    want(r, 422)
    no_markup(r, "the 422 form")
    hrefs = [n.get("href") or "" for n in r.dom().iter("a")]
    check(not any(x.lower().startswith("javascript") for x in hrefs),
          "%s: the 422 page links the javascript: URL" % r.req())
    after = get_xml(A, cid)
    check(record_fields(after) == record_fields(before), "it changed")
    return s


def xml_post(o, body, **kw):
    A, _, _ = ab(o)
    return A.post("/customers", body, ctype=XML_CT, accept=XML_CT, **kw)


@hostile("XXE: an external entity to file:///etc/passwd: 415, no leak")
def h_xxe(o):
    name = uniq("Xxe")
    r = xml_post(o, '<?xml version="1.0"?>\n<!DOCTYPE customer [\n'
                 '<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
                 '<customer><name>%s &xxe;</name></customer>' % name)
    s = want(r, 415, code="unsupported")
    check(b"root:" not in r.body, "/etc/passwd leaked")
    check(db1(o, "SELECT count(*) FROM customers WHERE name LIKE "
              "'%root:%'") == 0, "/etc/passwd stored")
    return s


@hostile("billion laughs: 415 at once")
def h_laughs(o):
    ents = "".join('<!ENTITY l%d "%s">\n' % (i, ("&l%d;" % (i - 1)) * 10)
                   for i in range(1, 11))
    r = xml_post(o, '<?xml version="1.0"?>\n<!DOCTYPE customer [\n'
                 '<!ENTITY l0 "lol">\n' + ents + ']>\n<customer><name>'
                 '&l10;</name></customer>')
    s = want(r, 415, code="unsupported")
    check(r.elapsed < 3, "took %.1f s" % r.elapsed)
    return s


@hostile("a parameter entity, an external DTD, a DOCTYPE after a comment: "
         "415")
def h_dtd_forms(o):
    got = []
    for body in ('<!DOCTYPE customer [<!ENTITY % p SYSTEM '
                 '"file:///etc/passwd"> %p;]><customer><name>x</name>'
                 '</customer>',
                 '<?xml version="1.0"?><!DOCTYPE customer SYSTEM '
                 '"http://127.0.0.1:9/x.dtd"><customer><name>x</name>'
                 '</customer>',
                 '<?xml version="1.0"?><!-- hi --><!DOCTYPE customer>'
                 '<customer><name>x</name></customer>'):
        got.append(want(xml_post(o, body), 415, code="unsupported"))
    return ", ".join(got)


@hostile("XML nested 10 000 deep: a fast 4xx")
def h_deep(o):
    body = ("<customer><name>" + "<a>" * 10000 + "x" + "</a>" * 10000 +
            "</name></customer>")
    r = xml_post(o, body)
    s = want(r, 400, 413, 415, 422)
    check(r.elapsed < 5, "took %.1f s" % r.elapsed)
    return s


@hostile("XInclude of /etc/passwd is not processed", stores=True)
def h_xinclude(o):
    name = uniq("XInclude")
    r = xml_post(o, '<customer xmlns:xi="http://www.w3.org/2001/XInclude">'
                 '<name>%s <xi:include href="file:///etc/passwd" '
                 'parse="text"/></name></customer>' % name)
    check(r.status in (201, 400, 415, 422), "%s: %s" % (r.req(),
                                                        came_back(r)))
    check(b"root:" not in r.body, "/etc/passwd in the answer")
    check(db1(o, "SELECT count(*) FROM customers WHERE name LIKE "
              "'%root:%' OR notes LIKE '%root:%'") == 0,
          "/etc/passwd stored")
    return came_back(r)


@hostile("XML: wrong root (<contact> to /customers) 400; malformed 400; "
         "JSON 415")
def h_xml_misc(o):
    s = [want(xml_post(o, "<contact><name>x</name></contact>"), 400),
         want(xml_post(o, "<customer><name>x</name>"), 400),
         want(xml_post(o, "<customer><name>x</nam></customer>"), 400)]
    A, _, _ = ab(o)
    s.append(want(A.post("/customers", '{"name": "x"}',
                         ctype="application/json", accept=XML_CT), 415))
    return ", ".join(s)


def big_post(o, path, ctype, n, fill=b"x", prefix=b""):
    A, _, _ = ab(o)
    head = ("POST %s%s HTTP/1.1\r\nHost: %s:%d\r\nAuthorization: Bearer "
            "%s\r\nContent-Type: %s\r\nAccept: application/xml\r\n"
            "Content-Length: %d\r\nConnection: close\r\n\r\n" %
            (A.prefix, path, A.host, A.port, A.token, ctype,
             n)).encode() + prefix
    return raw_send(A.host, A.port, head, n - len(prefix), fill,
                    timeout=max(60, o.timeout))


@hostile("a 2 MiB XML body (cap 1 MiB): 413 too_large from Kiln")
def h_big_xml(o):
    st, head, body = big_post(o, "/customers", XML_CT, 2 << 20, b"x",
                              b"<customer><notes>")
    check(st == 413 and b'code="too_large"' in body,
          "POST /customers with 2 MiB of XML: got %s: %s" %
          (st, short(body, 160)))
    return "413 too_large"


@hostile("a 2 MiB urlencoded body, and 1 MiB + 1 byte: 413")
def h_big_form(o):
    st, _, body = big_post(o, "/customers", FORM_CT, 2 << 20, b"a",
                           b"notes=")
    check(st == 413 and b'code="too_large"' in body,
          "2 MiB form: got %s: %s" % (st, short(body, 160)))
    st, _, body = big_post(o, "/customers", FORM_CT, (1 << 20) + 1, b"a",
                           b"notes=")
    check(st == 413, "1 MiB + 1 form: got %s: %s" % (st, short(body, 160)))
    return "413, 413"


@hostile("malformed urlencoding (%zz, a lone %, %4): 400")
def h_urlenc(o):
    A, _, _ = ab(o)
    s = []
    for body in ("name=%zz", "name=abc%", "name=%4", "na%me=x",
                 "name=ok&%=x"):
        s.append(want(A.post("/customers", body, ctype=FORM_CT,
                             accept=XML_CT), 400, code="bad_request"))
    s.append(want(A.get("/customers.xml?q=%zz"), 400))
    s.append(want(A.get("/customers.xml?q=%"), 400))
    return ",".join(x.split()[0] for x in s)


MP = ('--XyZ\r\nContent-Disposition: form-data; name="name"\r\n\r\n'
      '%s\r\n--XyZ\r\nContent-Disposition: form-data; name="file"; '
      'filename="../../etc/passwd"\r\nContent-Type: text/plain\r\n\r\n'
      'root\r\n--XyZ--\r\n')


@hostile("multipart/form-data to /customers: 415 (well-formed, no "
         "boundary, broken)")
def h_multipart(o):
    A, _, _ = ab(o)
    s = []
    for ct, body in (("multipart/form-data; boundary=XyZ",
                      MP % uniq("Mp")),
                     ("multipart/form-data", MP % uniq("Mp")),
                     ("multipart/form-data; boundary=XyZ",
                      "--XyZ\r\nContent-Disposition: form-data\r\n"),
                     ("multipart/form-data; boundary=" + "b" * 5000,
                      "--" + "b" * 5000 + "--")):
        s.append(want(A.post("/customers", body, ctype=ct, accept=XML_CT),
                      415, code="unsupported"))
    return ",".join(x.split()[0] for x in s)


@hostile("an oversized (2 MiB) multipart body: 413 or 415")
def h_multipart_big(o):
    st, _, body = big_post(o, "/customers", "multipart/form-data; "
                           "boundary=XyZ", 2 << 20, b"A",
                           b"--XyZ\r\nContent-Disposition: form-data; "
                           b"name=\"notes\"\r\n\r\n")
    check(st in (413, 415), "got %s: %s" % (st, short(body, 160)))
    return str(st)


for _enc, _what in (("%C0%AF", "overlong UTF-8"), ("%FF", "invalid UTF-8"),
                    ("%00", "NUL"), ("%ED%A0%80", "a UTF-16 surrogate"),
                    ("%01", "a control character"),
                    ("%C2%85", "a C1 control")):
    def _mk5(enc, what):
        @hostile("%s (%s) in a form field and in q=: 400" % (what, enc))
        def _f(o):
            A, _, _ = ab(o)
            name = uniq("Bytes")
            s1 = want(A.post("/customers", "name=" + urllib.parse.quote(
                name) + enc + "&segment=prospect", ctype=FORM_CT,
                accept=XML_CT), 400, code="bad_request")
            s2 = want(A.get("/customers.xml?q=a" + enc), 400)
            check(n_named(o, name) == 0, "stored")
            return "%s, %s" % (s1, s2)
    _mk5(_enc, _what)


@hostile("duplicate fields (form and XML): 400; duplicate query "
         "parameters: 400 or the first wins")
def h_duplicates(o):
    A, _, _ = ab(o)
    name = uniq("Dup")
    s = [want(A.post("/customers", "name=%s&name=other&segment=prospect" %
                     urllib.parse.quote(name), ctype=FORM_CT,
                     accept=XML_CT), 400),
         want(A.post("/customers", "<customer><name>%s</name><name>x</name>"
                     "</customer>" % name, ctype=XML_CT, accept=XML_CT),
              400, 422)]
    check(n_named(o, name) == 0, "stored")
    r = A.get("/customers.xml?limit=2&limit=501")
    check(r.status == 400 or (r.status == 200 and len(r.xml()) <= 2),
          "%s: %s" % (r.req(), came_back(r)))
    s.append(came_back(r))
    r = A.get("/customers.xml?sort=name&sort=password")
    check(r.status in (200, 400), "%s: %s" % (r.req(), came_back(r)))
    s.append(came_back(r))
    return ", ".join(s)


for _m in ("1e309", "NaN", "9223372036854775808", "92233720368547758.08",
           "-0.001", "12.345", "Infinity", "-9223372036854775809"):
    def _mk6(m):
        @hostile("credit_limit=%s: 422 naming credit_limit" % m)
        def _f(o):
            A = api(o, "admin")     # one who may set credit_limit
            name = uniq("Money")
            r = A.post("/customers", customer_xml(valid(
                name=name, credit_limit=m)), ctype=XML_CT, accept=XML_CT)
            s = want(r, 422, code="invalid", field="credit_limit")
            r = A.post("/customers", list(valid(name=name,
                                                credit_limit=m).items()),
                       accept=XML_CT)
            want(r, 422, code="invalid", field="credit_limit")
            check(n_named(o, name) == 0, "stored")
            return s
    _mk6(_m)


@hostile("a 100 KiB query string: 4xx (the web server's or Kiln's)")
def h_long_query(o):
    A, _, _ = ab(o)
    r = A.get("/customers.xml?q=" + "a" * (100 * 1024))
    check(400 <= r.status < 500, "%s: %d" % (r.req()[:80], r.status))
    r2 = A.get("/customers.xml?q=" + "a" * 7000)
    want(r2, 400)
    return "%d (100 KiB), %s (7 KB q)" % (r.status, came_back(r2))


@hostile("a 10 MiB Cookie header: 4xx, no hang")
def h_huge_cookie(o):
    A, _, _ = ab(o)
    head = ("GET %s/customers HTTP/1.1\r\nHost: %s:%d\r\nCookie: "
            "kiln_session=" % (A.prefix, A.host, A.port)).encode()
    head += b"c" * (10 << 20) + b"\r\nConnection: close\r\n\r\n"
    st, h, body = raw_send(A.host, A.port, head, timeout=max(30, o.timeout))
    check(st is not None and 400 <= st < 500, "got %s: %s" %
          (st, short(body, 120)))
    return str(st)


@hostile("a thousand cookies (7 KiB) around a real session: no 5xx")
def h_many_cookies(o):
    if not getattr(S, "hostile_browser", None):
        S.hostile_browser, _ = login(o, "sec.a")
    b = S.hostile_browser
    junk = "; ".join("c%d=x" % i for i in range(1000))
    r = b.get("/customers", headers={
        "Cookie": junk + "; kiln_session=" + b.cookies["kiln_session"]})
    check(r.status in (200, 303, 400, 431, 494), "%s: %d" % (r.req(),
                                                            r.status))
    r2 = b.get("/customers", headers={
        "Cookie": "kiln_session=forged; kiln_session=" +
                  b.cookies["kiln_session"]})
    check(r2.status in (200, 303, 400), "%s: %d" % (r2.req(), r2.status))
    return "%d, %d (two kiln_session cookies)" % (r.status, r2.status)


@hostile("CR/LF in the path: a clear 4xx, no header injected")
def h_crlf_path(o):
    A, _, _ = ab(o)
    s, bad = [], []
    for p in ("/customers%0D%0ASet-Cookie:%20evil=1",
              "/x%0D%0ALocation:%20http://evil.example",
              "/customers/1%0D%0AX-Evil:%201"):
        for c in (A, C(o.base, o.timeout, browser=True)):
            r = c.get(p)
            hdrs = [k.lower() for k, _ in r.headers]
            check("x-evil" not in hdrs and not any(
                "evil" in v for v in r.header_all("Set-Cookie")) and
                "evil" not in (r.header("Location") or ""),
                "%s: injected header: %r" % (r.req(), r.headers))
            if not 400 <= r.status < 500:
                bad.append("%s (%s) -> %d%s" % (
                    r.req(), "bearer" if c.token else "anonymous",
                    r.status, " with no Location header"
                    if r.status == 303 and not r.header("Location")
                    else ""))
            s.append(str(r.status))
    check(not bad, "want a 4xx (the path holds CR/LF): " + "; ".join(bad))
    return ",".join(s)


@hostile("CR/LF in fields whose answer redirects (HTML create, token "
         "label, login): no header injected")
def h_crlf_fields(o):
    if not getattr(S, "hostile_browser", None):
        S.hostile_browser, _ = login(o, "sec.a")
    b = S.hostile_browser
    inj = "x\r\nSet-Cookie: evil=1\r\nLocation: http://evil.example"
    r0 = expect(b.get("/customers/new"), 200)
    f = form_with(r0.dom(), "name")
    out = []
    for fld in ("name", "city"):
        vals = valid(name=uniq("Crlf"))
        vals[fld] = inj
        r = b.post(f["action"], th.fill(f["fields"], vals), raw=True)
        out.append(r)
    csrf = [v for k, v in f["fields"] if k == "csrf"][0]
    out.append(b.post("/tokens", [("csrf", csrf), ("label", inj)]))
    out.append(C(o.base, o.timeout, browser=True).post(
        "/login", [("login", inj), ("password", "x")]))
    for r in out:
        check(r.status < 500, "%s: %d" % (r.req(), r.status))
        check(not any("evil" in v for v in r.header_all("Set-Cookie")) and
              "evil" not in (r.header("Location") or ""),
              "%s: injected header: %r" % (r.req(), r.headers))
    return ",".join(str(r.status) for r in out)


@hostile("path traversal (/customers/../../etc/passwd, %2e%2e, ..%2f, "
         "static alias): 4xx, no passwd")
def h_traversal(o):
    A, _, _ = ab(o)
    s = []
    for p in ("/crm/customers/../../etc/passwd",
              "/crm/%2e%2e/%2e%2e/etc/passwd",
              "/crm/customers/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
              "/crm/..%2f..%2f..%2fetc%2fpasswd",
              "/kiln-static/../../../../etc/passwd",
              "/kiln-static/..%2f..%2f..%2f..%2fetc%2fpasswd",
              "/kiln-static../etc/passwd",
              "/crm/customers/..;/..;/etc/passwd"):
        p = p.replace("/crm", A.prefix, 1)
        r = A.get(p, raw=True)
        check(400 <= r.status < 500, "GET %s: %d" % (p, r.status))
        check(b"root:x:0:0" not in r.body, "GET %s: /etc/passwd!" % p)
        s.append(str(r.status))
    return ",".join(s)


@hostile("HEAD, OPTIONS, TRACE, PROPFIND and DELETE on the collection: "
         "405 (HEAD 2xx), never 5xx")
def h_methods(o):
    A, _, cid = ab(o)
    r = A.request("HEAD", "/customers.xml")
    check(r.status in (200, 405) and not r.body, "%s: %d, %d bytes" %
          (r.req(), r.status, len(r.body)))
    s = ["HEAD %d" % r.status]
    for m, p in (("OPTIONS", "/customers"), ("TRACE", "/customers"),
                 ("PROPFIND", "/customers/%d" % cid),
                 ("DELETE", "/customers"), ("CONNECT", "/customers")):
        r = A.request(m, p, accept=XML_CT)
        check(400 <= r.status < 500, "%s: %d, want 405/4xx" % (r.req(),
                                                               r.status))
        check(b"Authorization" not in r.body and A.token.encode() not in
              r.body, "%s: the request echoed back" % r.req())
        s.append("%s %d" % (m, r.status))
    expect(A.get("/customers/%d.xml" % cid), 200)
    return ", ".join(s)


@hostile("too many fields (300 pairs form, 300 elements XML): 400")
def h_many_fields(o):
    A, _, _ = ab(o)
    body = "&".join("f%d=x" % i for i in range(300))
    s1 = want(A.post("/customers", body, ctype=FORM_CT, accept=XML_CT), 400)
    body = "<customer>" + "".join("<f%d>x</f%d>" % (i, i)
                                  for i in range(300)) + "</customer>"
    s2 = want(A.post("/customers", body, ctype=XML_CT, accept=XML_CT), 400)
    return "%s, %s" % (s1, s2)


@hostile("CSV formula injection: cells starting = + - @ tab CR get a "
         "leading apostrophe", stores=True)
def h_csv(o):
    A, _, _ = ab(o)
    tag = "CSV%s" % RUN
    vals = {"=HYPERLINK(\"http://evil.example\")": "name",
            "+1+1": "city", "-2+3": "industry", "@SUM(A1)": "country",
            "\t=1+1": "code", "\r=1+1": "notes"}
    for v, fld in vals.items():
        f = valid(name="%s %s" % (tag, fld))
        if fld == "name":
            f["name"] = v + " " + tag
        f[fld] = v if fld != "name" else f["name"]
        # As a form: XML would turn the CR into a LF.
        r = A.post("/customers", list(f.items()), accept=XML_CT)
        expect(r, 201)
    r = expect(A.get("/customers.csv?q=" + tag), 200)
    rows = list(csv.DictReader(io.StringIO(r.text)))
    check(len(rows) == len(vals), "%s: %d rows, want %d" %
          (r.req(), len(rows), len(vals)))
    bad = []
    for row in rows:
        for v, fld in vals.items():
            cell = row.get(fld, "")
            if cell.lstrip("'") != (v if fld != "name" else v + " " + tag):
                continue
            if not cell.startswith("'"):
                bad.append("%s=%r" % (fld, cell))
        for k, cell in row.items():
            if cell and cell[0] in "=+-@\t\r" and not re.fullmatch(
                    r"-?\d+(\.\d+)?", cell):
                bad.append("%s=%r" % (k, cell))
    check(not bad, "%s: formula cells without the apostrophe: %s" %
          (r.req(), "; ".join(sorted(set(bad)))))
    return "6 formula cells neutralised"


# ---------------------------------------------------------------- lockout

def failed_logins_from(o, ip):
    return db1(o, "SELECT count(DISTINCT login) FROM login_attempts WHERE "
               "ip = ? AND ok = 0 AND at > ?", ip, int(time.time()) - 3600)


@test("spraying from one address (many logins, one wrong password each): "
      "429 after more than 10 logins, with a Retry-After of at most 60 s",
      "lockout")
def t_lockout(o):
    used = failed_logins_from(o, "127.0.0.1")
    check(used <= 10, "already %d logins failed from 127.0.0.1" % used)
    first429 = None
    for i in range(60):
        r, _ = login_try(o, "sec.spray%d.%s" % (i, RUN), "wrong")
        if r.status == 429:
            first429 = i
            break
        check(r.status == 401, "%s: %d" % (r.req(), r.status))
    check(first429 is not None, "no 429 after 60 logins sprayed (%d "
          "before)" % used)
    check(used + first429 > 10, "429 after only %d failed logins" %
          (used + first429))
    ra = r.header("Retry-After") or ""
    check(ra.isdigit() and 1 <= int(ra) <= 60, "%s: Retry-After %r, want "
          "1..60" % (r.req(), ra))
    S.sprayed = True
    return "429 after %d failed logins, Retry-After %s" % (
        used + first429, ra)


@test("spraying: the delay grows with the logins tried, to 60 s; the right "
      "password waits too, then logs in (no hour-long wall)", "lockout")
def t_lockout_delay(o):
    now = int(time.time())
    con = db_connect(o)
    try:
        con.executemany("INSERT INTO login_attempts (at, login, ip, ok) "
                        "VALUES (?, ?, '127.0.0.1', 0)",
                        [(now, "sec.bulk%d.%s" % (i, RUN))
                         for i in range(100)])
        con.commit()
    finally:
        con.close()
    r, _ = login_try(o, "sec.a", o.password)
    ra = r.header("Retry-After") or ""
    check(r.status == 429 and not r.header_all("Set-Cookie"),
          "%s (right password, sprayed address): %d, want 429" %
          (r.req(), r.status))
    check(ra.isdigit() and 30 <= int(ra) <= 60, "%s: Retry-After %r after "
          "110 logins, want 30..60" % (r.req(), ra))
    # A client cannot talk its way out: no proxy is trusted here.
    r2 = C(o.base, o.timeout, browser=True).post(
        "/login", [("login", "sec.a"), ("password", o.password)],
        headers={"X-Forwarded-For": "10.99.99.99"})
    check(r2.status == 429, "%s with X-Forwarded-For: 10.99.99.99: %d, "
          "want 429 (the header of an untrusted peer counts for nothing)" %
          (r2.req(), r2.status))
    # A minute after the last failure, as if it had been waited out.
    dbw(o, "UPDATE login_attempts SET at = at - 61 WHERE ip = '127.0.0.1' "
        "AND at > ?", now - 3600)
    b, r3 = login(o, "sec.a")
    return "Retry-After %s, then %d" % (ra, r3.status)


# ------------------------------------------------------------ the runner

GROUPS = ["cookie", "session", "csrf", "bearer", "throttle", "access",
          "audit", "sso", "hostile", "lockout"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--base", required=True)
    ap.add_argument("--https-base", required=True)
    ap.add_argument("--tokens", required=True,
                    help="file of 'login token' lines")
    ap.add_argument("--db", required=True)
    ap.add_argument("--kiln", required=True)
    ap.add_argument("--supervisor", type=int, required=True)
    ap.add_argument("--secret-password", required=True)
    ap.add_argument("--password", default="password123")
    ap.add_argument("--sso-base")
    ap.add_argument("--sso-cgi-base")
    ap.add_argument("--nosso-base")
    ap.add_argument("--api-base")
    ap.add_argument("--apache-admin-token")
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--only", help="comma-separated groups: " +
                    ",".join(GROUPS))
    o = ap.parse_args()
    o.tokens = dict(l.split() for l in open(o.tokens) if l.strip())
    o.prefix = urllib.parse.urlsplit(o.base).path.rstrip("/")
    groups = set(o.only.split(",")) if o.only else set(GROUPS)
    if not (o.sso_base and o.nosso_base and o.api_base and
            o.apache_admin_token and o.sso_cgi_base):
        groups.discard("sso")       # no Apache target given
    passed = failed = n = 0
    print("# nginx %s (and %s); %d hostile-input cases" %
          (o.base, o.https_base, HOSTILE["n"]))
    for g in GROUPS:
        for name, group, fn in TESTS:
            if group != g or g not in groups:
                continue
            n += 1
            reason, detail = th.run_test(name, fn, o)
            if th.report(n, "%s: %s" % (group, name), reason, detail):
                passed += 1
            else:
                failed += 1
    print("# %d answers checked for Content-Security-Policy, nosniff, "
          "Referrer-Policy, no 5xx and no leaked internals" %
          STATS["responses"])
    print("%d passed, %d failed" % (passed, failed), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
