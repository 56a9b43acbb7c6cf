#!/usr/bin/python3
"""
test_integrity.py - the insider suite of issue 8, through nginx.

A salesperson, a manager, a finance clerk and a careless administrator
each try to bend credit, money and ownership through every door they
have: the XML API (create with nested lines, PATCH, PUT), HTML forms
with a session, and parallel requests.  Every attempt must end in a
clear 4xx with nothing changed, and `kiln check` (SQLite's and the
business checks) must still say ok at the end.

Normally run by tests/regress/integrity:

    test_integrity.py --base http://127.0.0.1:18580/crm --tokens FILE
        --db DB --kiln BIN [--timeout 10]

Output: "ok N - name" or "not ok N - name: why", then
"N passed, N failed".  Standard library only; the HTTP client comes
from test_http.py.
"""

import argparse
import os
import regressdb
import subprocess
import sys
import threading
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import test_http as th  # noqa: E402
from test_http import Client, Fail, check, expect, XML_CT, FORM_CT  # noqa

TESTS = []


def test(name):
    def deco(fn):
        TESTS.append((name, fn))
        return fn
    return deco


class World:
    """The users, their clients, and what the tests share."""


W = World()


def sql(query, args=()):
    con = regressdb.connect(W.db, timeout=30)
    try:
        return con.execute(query, args).fetchall()
    finally:
        con.close()


def one(query, args=()):
    rows = sql(query, args)
    return rows[0][0] if rows else None


def xml_id(resp):
    return int(resp.xml().get("id"))


def refused(resp, status, field=None, code=None):
    """A clear 4xx: the status, an <error>, and the field it names."""
    root = th.expect_error(resp, status, code)
    if field is not None:
        names = [f.get("name") for f in root.iter("field")]
        check(field in names, "%s: the error names %r, not %r: %s" %
              (resp.req(), names, field, th.short(resp.body)))
    return root


def row(table, rid):
    """A record as the database holds it: every column."""
    con = regressdb.connect(W.db, timeout=30)
    con.row_factory = regressdb.Row
    try:
        r = con.execute('SELECT * FROM "%s" WHERE id = ?' % table,
                        (rid,)).fetchone()
        return dict(r) if r else None
    finally:
        con.close()


def unchanged(table, rid, before, what):
    after = row(table, rid)
    check(after == before, "%s changed %s %d: %r -> %r" %
          (what, table, rid, {k: before[k] for k in before
                              if before[k] != (after or {}).get(k)},
           {k: (after or {}).get(k) for k in before
            if before[k] != (after or {}).get(k)}))


def customer(owner_login, limit="5000.00", terms="net30", name="Cust"):
    """An admin grants it credit, for its owner."""
    uid = one("SELECT id FROM users WHERE login = ?", (owner_login,))
    r = expect(W.admin.post("/customers", (
        "<customer><name>INT %s %s</name><segment>channel_partner</segment>"
        "<email>x@example.com</email><credit_limit>%s</credit_limit>"
        "<payment_terms>%s</payment_terms><owner id=\"%d\"/></customer>" %
        (W.run, name, limit, terms, uid)).encode(), ctype=XML_CT,
        accept=XML_CT), 201)
    return xml_id(r)


def product(price):
    W.seq += 1
    sku = "INT-%s-%d" % (W.run, W.seq)
    r = expect(W.admin.post("/products", (
        "<product><sku>%s</sku><name>%s</name><unit_price>%s</unit_price>"
        "</product>" % (sku, sku, price)).encode(), ctype=XML_CT,
        accept=XML_CT), 201)
    return xml_id(r)


def order(client, cid, lines):
    """An order sent with its lines: [(product, quantity, price)]."""
    body = "<order><customer id=\"%d\"/><requested_date>2031-01-01" \
           "</requested_date><lines>" % cid
    for pid, q, price in lines:
        body += "<line><product id=\"%d\"/><quantity>%d</quantity>" % (
            pid, q)
        if price is not None:
            body += "<unit_price>%s</unit_price>" % price
        body += "</line>"
    body += "</lines></order>"
    return xml_id(expect(client.post("/orders", body.encode(),
                                     ctype=XML_CT, accept=XML_CT), 201))


def submit(client, oid):
    r = expect(client.post("/orders/%d/submit" % oid, b"", ctype=FORM_CT,
                           accept=XML_CT), 200)
    return r.xml().get("status")


def patch(client, table, rid, inner, root=None):
    v = one('SELECT version FROM "%s" WHERE id = ?' % table, (rid,))
    root = root or table[:-1]
    return client.request("PATCH", "/%s/%d" % (table, rid),
                          ('<%s version="%d">%s</%s>' % (
                              root, v, inner, root)).encode(),
                          ctype=XML_CT, accept=XML_CT)


def shipped_order(cid, total_price="100.00"):
    """An approved order of the salesperson's, made and shipped."""
    pid = product(total_price)
    oid = order(W.sales, cid, [(pid, 1, None)])
    check(submit(W.sales, oid) == "approved", "setup: order not approved")
    expect(patch(W.sales, "orders", oid,
                 "<status>in_production</status>"), 200)
    expect(patch(W.sales, "orders", oid, "<status>shipped</status>"
                 "<shipped_date>2026-11-02</shipped_date>"), 200)
    return oid


# ------------------------------------------------------------ salesperson

@test("sales: raising one's own customer's credit is 403 naming the field"
      " by XML PATCH, PUT, form and 10 parallel PATCHes; nothing changes")
def t_sales_credit():
    cid = customer("ins.s")
    before = row("customers", cid)
    refused(patch(W.sales, "customers", cid,
                  "<credit_limit>99999999.00</credit_limit>"), 403,
            "credit_limit", "forbidden")
    refused(patch(W.sales, "customers", cid,
                  "<payment_terms>net90</payment_terms>"), 403,
            "payment_terms", "forbidden")
    r = W.sales.request("PUT", "/customers/%d" % cid, (
        '<customer version="%d"><name>%s</name><segment>channel_partner'
        '</segment><credit_limit>1.00</credit_limit></customer>' % (
            before["version"], before["name"])).encode(), ctype=XML_CT,
        accept=XML_CT)
    refused(r, 403, "credit_limit")
    page = expect(W.sales_html.get("/customers/%d/edit" % cid), 200)
    check('name="credit_limit"' not in page.text,
          "the sales user's edit form offers credit_limit")
    r = W.sales_html.post("/customers/%d" % cid, {
        "csrf": W.sales_html.csrf, "version": str(before["version"]),
        "credit_limit": "77777.00"})
    check(r.status == 403, "form POST of credit_limit: %d" % r.status)
    results = []

    def attempt():
        c = Client(W.base, W.timeout, token=W.tokens["ins.s"])
        results.append(patch(c, "customers", cid,
                              "<credit_limit>88888.00</credit_limit>"
                              ).status)
    threads = [threading.Thread(target=attempt) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    check(results == [403] * 10, "parallel PATCHes: %r" % results)
    unchanged("customers", cid, before, "the salesperson")


@test("sales: a customer created with credit or long terms is 403 (XML and"
      " form); nothing is stored")
def t_sales_create_credit():
    n = one("SELECT count(*) FROM customers")
    refused(W.sales.post("/customers", (
        "<customer><name>INT %s self-granted</name><credit_limit>500000.00"
        "</credit_limit></customer>" % W.run).encode(), ctype=XML_CT,
        accept=XML_CT), 403, "credit_limit")
    r = W.sales_html.post("/customers", {
        "csrf": W.sales_html.csrf, "name": "INT %s form" % W.run,
        "segment": "key_account", "payment_terms": "net90"})
    check(r.status == 403, "form create with net90: %d" % r.status)
    check(one("SELECT count(*) FROM customers") == n, "a customer was stored")


@test("sales: invoicing or paying one's own shipped order (XML PATCH and"
      " form) is 403 naming the fields; the order is unchanged")
def t_sales_invoice():
    cid = customer("ins.s", limit="100000.00")
    oid = shipped_order(cid)
    before = row("orders", oid)
    refused(patch(W.sales, "orders", oid, "<status>invoiced</status>"
                  "<invoiced_amount>0.01</invoiced_amount><invoiced_date>"
                  "2026-11-03</invoiced_date>"), 403, "invoiced_amount")
    r = W.sales_html.post("/orders/%d" % oid, {
        "csrf": W.sales_html.csrf, "version": str(before["version"]),
        "status": "paid", "paid_amount": "100.00",
        "paid_date": "2026-11-04"})
    check(r.status == 403, "form: paid by the owner: %d" % r.status)
    unchanged("orders", oid, before, "the owner")


@test("sales: a price far below the list price is a discount (held or"
      " rejected, never approved), sent with the order's lines")
def t_sales_price():
    cid = customer("ins.s", limit="100000.00")
    pid = product("1000.00")
    held = order(W.sales, cid, [(pid, 2, "800.00")])
    check(submit(W.sales, held) == "on_hold", "20 %% below list: not held")
    r = expect(W.sales.get("/orders/%d.xml" % held), 200)
    check(b"off the list price" in r.body, "no verdict on the price")
    cut = order(W.sales, cid, [(pid, 1, "1.00")])
    check(submit(W.sales, cut) == "rejected", "99.9 %% below list: %r" %
          one("SELECT status FROM orders WHERE id = ?", (cut,)))


@test("sales: another product on a draft's line is repriced; a line does"
      " not move to another order (409), both totals stay")
def t_sales_lines():
    cid = customer("ins.s", limit="100000.00")
    cheap, dear = product("5.00"), product("900.00")
    a = order(W.sales, cid, [(cheap, 10, None)])
    b = order(W.sales, cid, [(cheap, 1, None)])
    line = one('SELECT id FROM order_lines WHERE "order" = ?', (a,))
    r = expect(patch(W.sales, "order_lines", line,
                     "<product>%d</product>" % dear), 200)
    check(r.xml().findtext("unit_price") == "900.00",
          "the dear product kept the cheap price: %s" % th.short(r.body))
    ta, tb = (one("SELECT total FROM orders WHERE id = ?", (x,))
              for x in (a, b))
    before = row("order_lines", line)
    r = patch(W.sales, "order_lines", line, "<order>%d</order>" % b)
    refused(r, 409, code="conflict")
    unchanged("order_lines", line, before, "moving a line")
    check((ta, tb) == tuple(one("SELECT total FROM orders WHERE id = ?",
                                (x,)) for x in (a, b)), "a total moved")


@test("sales: DELETE without a version is 400, with a stale one 409;"
      " bidi controls and new lines in a name are 422")
def t_sales_small():
    r = expect(W.sales.post("/customers", (
        "<customer><name>INT %s small</name></customer>" % W.run).encode(),
        ctype=XML_CT, accept=XML_CT), 201)
    cid = xml_id(r)
    refused(W.sales.request("DELETE", "/customers/%d" % cid, accept=XML_CT),
            400, code="bad_request")
    refused(W.sales.request("DELETE", "/customers/%d?version=9" % cid,
                            accept=XML_CT), 409, code="stale")
    check(row("customers", cid) is not None, "deleted anyway")
    for name in ("Acme \u202egpj.exe", "Evil \u2066Co\u2069", "Two\nLines"):
        refused(W.sales.post("/customers", ("<customer><name>%s</name>"
                                            "</customer>" % name).encode(
            "utf-8"), ctype=XML_CT, accept=XML_CT), 422, "name")


@test("admin: a SKU differing only in case or spaces is refused (422)")
def t_admin_sku():
    pid = product("1.00")
    sku = one("SELECT sku FROM products WHERE id = ?", (pid,))
    refused(W.admin.post("/products", (
        "<product><sku> %s </sku><name>twin</name></product>" %
        sku.lower()).encode(), ctype=XML_CT, accept=XML_CT), 422, "sku")


# ---------------------------------------------------------------- manager

@test("manager: approving one's own held order is 403; another manager of"
      " the team decides it")
def t_manager_own():
    cid = customer("ins.m", limit="0.00", terms="net30")
    pid = product("100.00")
    oid = order(W.mgr, cid, [(pid, 1, None)])
    check(submit(W.mgr, oid) == "on_hold", "no credit: not held")
    before = row("orders", oid)
    refused(W.mgr.post("/orders/%d/approve" % oid, {"reason": "mine"},
                       accept=XML_CT), 403, code="forbidden")
    unchanged("orders", oid, before, "approving one's own order")
    expect(W.mgr2.post("/orders/%d/reject" % oid, {"reason": "no credit"},
                       accept=XML_CT), 200)


@test("manager: raising a team customer's credit is 403; a handover moves"
      " an order's lines and a customer's contacts with it")
def t_manager_handover():
    cid = customer("ins.s")
    refused(patch(W.mgr, "customers", cid,
                  "<credit_limit>9999999.00</credit_limit>"), 403,
            "credit_limit")
    contact = xml_id(expect(W.sales.post("/contacts", (
        "<contact><customer>%d</customer><name>INT %s buyer</name>"
        "</contact>" % (cid, W.run)).encode(), ctype=XML_CT,
        accept=XML_CT), 201))
    oid = order(W.sales, cid, [(product("10.00"), 1, None)])
    line = one('SELECT id FROM order_lines WHERE "order" = ?', (oid,))
    s2 = one("SELECT id FROM users WHERE login = 'ins.s2'")
    expect(patch(W.mgr, "orders", oid, "<owner>%d</owner>" % s2), 200)
    expect(patch(W.mgr, "customers", cid, "<owner>%d</owner>" % s2), 200)
    for path in ("/order_lines/%d" % line, "/contacts/%d" % contact):
        expect(W.sales2.get(path + ".xml"), 200)
        refused(W.sales.get(path + ".xml"), 404)
        refused(W.sales.request("DELETE", path + "?version=1",
                                accept=XML_CT), 404)
    check(row("order_lines", line) and row("contacts", contact),
          "the old owner deleted a child")


@test("a customer's page lists only the orders its viewer may open")
def t_section():
    cid = customer("ins.s", limit="100000.00")
    oid = order(W.sales, cid, [(product("10.00"), 1, None)])
    number = one("SELECT number FROM orders WHERE id = ?", (oid,))
    page = expect(W.sales.get("/customers/%d" % cid), 200)
    check(number in page.text, "the owner's page lacks %s" % number)
    s2 = one("SELECT id FROM users WHERE login = 'ins.s2'")
    expect(patch(W.mgr, "customers", cid, "<owner>%d</owner>" % s2), 200)
    page = expect(W.sales2.get("/customers/%d" % cid), 200)
    check(number not in page.text, "the new owner sees %s, an order of"
          " the old owner's" % number)


# ---------------------------------------------------------------- finance

@test("finance: invoice above the total, payment above the invoice, a part"
      " as paid, an invoice changed outside its step: 409, unchanged")
def t_finance_bounds():
    cid = customer("ins.s", limit="100000.00")
    oid = shipped_order(cid)
    before = row("orders", oid)
    refused(patch(W.fin, "orders", oid, "<status>invoiced</status>"
                  "<invoiced_amount>100.01</invoiced_amount><invoiced_date>"
                  "2026-11-03</invoiced_date>"), 409, code="conflict")
    unchanged("orders", oid, before, "an invoice above the total")
    expect(patch(W.fin, "orders", oid, "<status>invoiced</status>"
                 "<invoiced_amount>100.00</invoiced_amount><invoiced_date>"
                 "2026-11-03</invoiced_date>"), 200)
    before = row("orders", oid)
    for inner in ("<paid_amount>100.01</paid_amount><paid_date>2026-11-04"
                  "</paid_date>",
                  "<status>paid</status><paid_amount>40.00</paid_amount>"
                  "<paid_date>2026-11-04</paid_date>",
                  "<invoiced_amount>0.01</invoiced_amount>"):
        refused(patch(W.fin, "orders", oid, inner), 409, code="conflict")
        unchanged("orders", oid, before, "finance: %s" % inner)
    expect(patch(W.fin, "orders", oid, "<paid_amount>40.00</paid_amount>"
                 "<paid_date>2026-11-04</paid_date>"), 200)
    before = row("orders", oid)
    refused(patch(W.fin, "orders", oid, "<paid_amount>1.00</paid_amount>"),
            409)
    unchanged("orders", oid, before, "a payment taken back")
    # A correction: finance's, with a reason, never below what is paid.
    v = before["version"]
    refused(W.sales.post("/orders/%d/correct" % oid, {
        "version": v, "invoiced_amount": "50.00", "reason": "x"},
        accept=XML_CT), 403)
    refused(W.fin.post("/orders/%d/correct" % oid, {
        "version": v, "invoiced_amount": "50.00"}, accept=XML_CT), 422)
    refused(W.fin.post("/orders/%d/correct" % oid, {
        "version": v, "invoiced_amount": "30.00", "reason": "x"},
        accept=XML_CT), 422)
    unchanged("orders", oid, before, "refused corrections")
    r = expect(W.fin.post("/orders/%d/correct" % oid, {
        "version": v, "invoiced_amount": "90.00", "invoiced_date":
        "2026-11-05", "reason": "short delivery"}, accept=XML_CT), 200)
    check(r.xml().findtext("due_date") == "2026-12-05",
          "the due date did not follow: %s" % th.short(r.body))
    check(b"invoice corrected" in r.body, "no history of the correction")
    check(one("SELECT min(amount) FROM order_exposure") >= 0,
          "a customer owes less than nothing")


@test("kiln check: the database and the business are sound after all of"
      " the above")
def t_check():
    p = subprocess.run([W.kiln, "--db", W.db, "check"], capture_output=True,
                       text=True, timeout=120)
    check(p.returncode == 0 and p.stdout.strip() == "ok",
          "kiln check exit %d: %s %s" % (p.returncode, p.stdout[-2000:],
                                         p.stderr[-500:]))


# ------------------------------------------------------------------ main

def session(login, password):
    """A browser session with its CSRF token (for the form doors)."""
    c = Client(W.base, W.timeout, browser=True)
    expect(c.post("/login", {"login": login, "password": password}), 303)
    page = expect(c.get("/customers/new"), 200)
    f = th.form_with(page.dom(), "csrf")
    check(f is not None, "no form with a csrf field after login")
    c.csrf = dict(f["fields"])["csrf"]
    return c


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--tokens", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--kiln", required=True)
    ap.add_argument("--password", default="password123")
    ap.add_argument("--timeout", type=float, default=10)
    a = ap.parse_args()
    W.base, W.timeout, W.db, W.kiln = a.base, a.timeout, a.db, a.kiln
    W.run = os.urandom(3).hex()
    W.seq = 0
    W.tokens = dict(line.split() for line in open(a.tokens) if line.strip())

    def client(login):
        return Client(a.base, a.timeout, token=W.tokens[login])
    W.admin, W.sales, W.sales2 = (client(x) for x in
                                  ("admin", "ins.s", "ins.s2"))
    W.mgr, W.mgr2, W.fin = (client(x) for x in ("ins.m", "ins.m2", "ins.f"))
    passed = failed = 0
    try:
        W.sales_html = session("ins.s", a.password)
    except Exception as e:          # noqa: BLE001
        print("not ok 0 - log in as the salesperson: %s" % e)
        print("0 passed, 1 failed")
        return 1
    for n, (name, fn) in enumerate(TESTS, 1):
        try:
            fn()
            print("ok %d - %s" % (n, name))
            passed += 1
        except Fail as e:
            print("not ok %d - %s: %s" % (n, name, e))
            failed += 1
        except Exception:           # noqa: BLE001
            print("not ok %d - %s: %s" % (n, name, traceback.format_exc()
                                         .strip().replace("\n", "\n# ")))
            failed += 1
        sys.stdout.flush()
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
