#!/usr/bin/env python3
"""test_twohosts.py - two Kiln hosts behind one nginx upstream, one
PostgreSQL (driven by tests/regress/twohosts).

    test_twohosts.py --base URL --tokens FILE --db CONNINFO --kiln BIN
        --hosts-log FILE --host-a ADDR --host-b ADDR --supervisor-a PID

Nothing lost, nothing doubled: concurrent creates all land once; of
updates sent with one stale version exactly one wins; 20 submits under
one credit limit spread over both hosts never pass it; the changes feed
read during the load sees every event once, in order, and a transaction
that took its audit id first but commits late is never behind a cursor;
host A killed mid-load while host B keeps serving; kiln check clean.
"""

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import regressdb  # noqa: E402
from test_http import Client, Fail, check, expect, feed, XML_CT, FORM_CT  # noqa

TESTS = []


def test(name):
    def deco(fn):
        TESTS.append((name, fn))
        return fn
    return deco


class World:
    pass


W = World()


def one(query, args=()):
    con = regressdb.connect(W.db)
    rows = con.execute(query, args).fetchall()
    return rows[0][0] if rows else None


def client(login="admin"):
    return Client(W.base, W.timeout, token=W.tokens[login])


def name(word):
    W.seq += 1
    return "TH%s-%d %s" % (W.run, W.seq, word)


def create_customer(c, nm, limit=None):
    extra = ""
    if limit is not None:
        # A prospect buys prepaid: credit is for a customer.
        extra = ("<segment>key_account</segment><phone>+86 512 1</phone>"
                 "<credit_limit>%s"
                 "</credit_limit><payment_terms>net30</payment_terms>"
                 % limit)
    return c.post("/customers", "<customer><name>%s</name><city>Suzhou"
                  "</city>%s</customer>" % (nm, extra), ctype=XML_CT,
                  accept=XML_CT)


def hosts_seen():
    """The upstream addresses nginx's log names, with their counts."""
    seen = {}
    with open(W.hosts_log) as f:
        for line in f:
            for addr in line.split()[0].split(","):
                addr = addr.strip(" :")
                seen[addr] = seen.get(addr, 0) + 1
    return seen


def parallel(fn, args, threads=16):
    """fn over args in THREADS threads; the results, in args' order."""
    out = [None] * len(args)
    nxt = [0]
    lock = threading.Lock()

    def work():
        while True:
            with lock:
                i = nxt[0]
                nxt[0] += 1
            if i >= len(args):
                return
            try:
                out[i] = fn(args[i])
            except Exception as e:          # noqa: BLE001
                out[i] = e
    ts = [threading.Thread(target=work) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(300)
    return out


@test("both hosts answer through the one upstream")
def t_both_hosts():
    c = client()
    for _ in range(20):
        expect(c.get("/customers.xml?limit=1"), 200)
    seen = hosts_seen()
    check(seen.get(W.host_a, 0) > 0 and seen.get(W.host_b, 0) > 0,
          "nginx sent the requests to %s, not to both %s and %s" %
          (seen, W.host_a, W.host_b))


def upstreams_of(n):
    """The upstream addresses of the last N requests nginx logged."""
    with open(W.hosts_log) as f:
        return [line.split()[0] for line in f.readlines()[-n:]]


@test("a session made on one host is a session on the other: the cookie"
      " works on both, and logging out ends it on both")
def t_sessions():
    c = Client(W.base, W.timeout, browser=True)
    expect(c.post("/login", [("login", W.login),
                             ("password", W.password)]), 303)
    check(c.cookies.get("kiln_session"), "no session cookie")
    for _ in range(6):
        expect(c.get("/customers"), 200)
    hosts = set(upstreams_of(6))
    check(len(hosts) == 2, "the pages came from %s, not both hosts" % hosts)
    page = expect(c.get("/customers/new"), 200)
    tok = [n.get("value") for n in page.dom().iter("input")
           if n.get("name") == "csrf"]
    check(tok, "no csrf field")
    expect(c.post("/logout", [("csrf", tok[0])]), 303)
    for _ in range(4):
        r = c.get("/customers")
        check(r.status in (303, 401),
              "%s after logout: %d on %s" % (r.req(), r.status,
                                             upstreams_of(1)))


@test("login throttling counts the attempts made on either host")
def t_throttle():
    who = "nobody.%s" % W.run
    got = []
    for _ in range(6):
        c = Client(W.base, W.timeout, browser=True)
        got.append(c.post("/login", [("login", who),
                                     ("password", "wrong-%s" % W.run)]
                          ).status)
    hosts = set(upstreams_of(6))
    check(len(hosts) == 2, "the attempts went to %s, not both" % hosts)
    check(got[:5] == [401] * 5 and got[5] == 429,
          "5 wrong passwords spread over both hosts, then want 429: %s"
          % got)


@test("200 creates at once over both hosts: each lands once, the feed read"
      " during the load sees each once, in order")
def t_concurrent_creates():
    c = client()
    _, start = feed(c, 0)
    names = [name("Parallel") for _ in range(200)]
    stop = threading.Event()
    seen = []

    def reader():
        since = start
        r = Client(W.base, W.timeout, token=W.tokens["admin"])
        while not stop.is_set():
            ev, since = feed(r, since)
            seen.extend(ev)
        ev, since = feed(r, since)
        seen.extend(ev)
    t = threading.Thread(target=reader)
    t.start()
    res = parallel(lambda nm: create_customer(client(), nm), names)
    stop.set()
    t.join(120)
    bad = [r for r in res if isinstance(r, Exception) or r.status != 201]
    check(not bad, "%d creates failed: %s" % (len(bad), bad[:3]))
    ids = [int(r.xml().get("id")) for r in res]
    check(len(set(ids)) == 200, "ids repeat: %d distinct" % len(set(ids)))
    stored = one("SELECT count(*) FROM customers WHERE name LIKE ?",
                 ("TH%s-%%" % W.run,))
    check(stored == 200, "%s customers stored, want 200" % stored)
    seqs = [s for s, _, _, _ in seen]
    check(seqs == sorted(seqs) and len(seqs) == len(set(seqs)),
          "the feed repeated or reordered events")
    created = [i for _, a, e, i in seen if a == "create" and e == "customer"
               and i in set(ids)]
    check(sorted(created) == sorted(ids),
          "the feed saw %d of the 200 creates (%d times in all)" %
          (len(set(created)), len(created)))


@test("one stale version, ten updates at once over both hosts: exactly one"
      " wins, the rest are 409")
def t_stale_versions():
    c = client()
    r = expect(create_customer(c, name("Stale")), 201)
    cid = int(r.xml().get("id"))

    def upd(i):
        return client().request(
            "PATCH", "/customers/%d" % cid,
            body='<customer version="1"><city>City %d</city></customer>' % i,
            ctype=XML_CT, accept=XML_CT).status
    res = parallel(upd, list(range(10)), threads=10)
    check(res.count(200) == 1 and res.count(409) == 9,
          "want one 200 and nine 409, got %s" % res)
    check(one("SELECT version FROM customers WHERE id = ?", (cid,)) == 2,
          "the version moved more than once")


@test("20 submits under one credit limit, spread over both hosts, never"
      " approve past it")
def t_credit():
    c = client()
    sku = name("SKU").replace(" ", "-")
    r = expect(c.post("/products", "<product><sku>%s</sku><name>%s</name>"
                      "<unit_price>1000.00</unit_price><lead_time_days>0"
                      "</lead_time_days></product>" % (sku, sku),
                      ctype=XML_CT, accept=XML_CT), 201)
    pid = int(r.xml().get("id"))
    r = expect(create_customer(c, name("Credit"), "5500.00"), 201)
    cid = int(r.xml().get("id"))
    orders = []
    for _ in range(20):
        r = expect(c.post("/orders", '<order><customer id="%d"/>'
                          '<requested_date>2031-01-01</requested_date><lines>'
                          '<line><product id="%d"/><quantity>1</quantity>'
                          '</line></lines></order>' % (cid, pid),
                          ctype=XML_CT, accept=XML_CT), 201)
        orders.append(int(r.xml().get("id")))

    def submit(oid):
        r = client().request("POST", "/orders/%d/submit" % oid, body=b"",
                             ctype=FORM_CT, accept=XML_CT)
        return r.xml().get("status") if r.status == 200 else r.status
    res = parallel(submit, orders, threads=20)
    check(res.count("approved") == 5 and res.count("on_hold") == 15,
          "want 5 approved (5000.00 within 5500.00) and 15 on hold, got %s"
          % res)
    approved = one("SELECT coalesce(sum(total), 0) FROM orders WHERE"
                   " customer = ? AND status = 'approved'", (cid,))
    check(approved == 500000, "approved orders total %s, want 5000.00"
          % approved)


def psql_session():
    return subprocess.Popen(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                             "-d", W.db], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def waiting_on_lock(app):
    return one("SELECT count(*) FROM pg_stat_activity WHERE"
               " application_name = ? AND wait_event_type = 'Lock'", (app,))


@test("interleaved transactions: an audit id taken first but committed"
      " late is never behind a feed cursor")
def t_interleaved_feed():
    c = client()
    _, cursor = feed(c, 0)
    ins = ("INSERT INTO audit (at, login, action, entity, record_id)"
           " VALUES ('2026-01-01T00:00:00Z', 'psql', 'create', 'customer',"
           " %d);\n")
    first = psql_session()
    first.stdin.write("SET application_name = 'kiln_first';\nBEGIN;\n" +
                      ins % 900000001)
    first.stdin.flush()
    # The first holds its id; the second starts, and must wait for it.
    for _ in range(600):
        if one("SELECT count(*) FROM pg_stat_activity WHERE"
               " application_name = 'kiln_first' AND state ="
               " 'idle in transaction'") == 1:
            break
        time.sleep(0.05)
    second = psql_session()
    second.stdin.write("SET application_name = 'kiln_second';\n" +
                       ins % 900000002)
    second.stdin.flush()
    for _ in range(600):
        if waiting_on_lock("kiln_second") == 1:
            break
        time.sleep(0.05)
    check(waiting_on_lock("kiln_second") == 1,
          "the second writer did not wait for the first")
    ev, mid = feed(c, cursor)
    check(not [e for e in ev if e[3] in (900000001, 900000002)],
          "the feed showed an event of an open transaction: %s" % ev)
    first.stdin.write("COMMIT;\n")
    first.stdin.close()
    first.wait(60)
    second.stdin.close()
    second.wait(60)
    ev, _ = feed(c, mid)
    mine = [(s, i) for s, _, _, i in ev if i in (900000001, 900000002)]
    check([i for _, i in mine] == [900000001, 900000002],
          "after the commits the cursor %d sees %s, want both in commit"
          " order" % (mid, mine))


@test("host A killed mid-load: host B keeps serving, nothing half-made")
def t_kill_one():
    names = [name("Survivor") for _ in range(120)]
    killed = threading.Event()

    def make(nm):
        if nm == names[40] and not killed.is_set():
            killed.set()
            # The supervisor and its workers, at once.
            kids = subprocess.run(["pgrep", "-P", str(W.sup_a)],
                                  capture_output=True, text=True).stdout
            for p in [W.sup_a] + [int(x) for x in kids.split()]:
                try:
                    os.kill(p, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        return create_customer(client(), nm)
    res = parallel(make, names, threads=4)
    ok = [n for n, r in zip(names, res) if not isinstance(r, Exception)
          and r.status == 201]
    late = [r for r in res[60:] if isinstance(r, Exception) or
            r.status != 201]
    check(not late, "after the kill %d requests failed: %s" %
          (len(late), [getattr(r, "status", r) for r in late[:5]]))
    for nm in ok:
        check(one("SELECT count(*) FROM customers WHERE name = ?",
                  (nm,)) == 1, "%s answered 201 but is stored %s times" %
              (nm, one("SELECT count(*) FROM customers WHERE name = ?",
                       (nm,))))
    # The rest (in flight on A) either landed whole or not at all.
    for nm in set(names) - set(ok):
        check(one("SELECT count(*) FROM customers WHERE name = ?",
                  (nm,)) in (0, 1), "%s stored twice" % nm)
    expect(client().get("/customers.xml?limit=1"), 200)


@test("kiln check: the database and the business are sound")
def t_check():
    p = subprocess.run([W.kiln, "--db", W.db, "check"], capture_output=True,
                       text=True, timeout=300)
    check(p.returncode == 0 and p.stdout.strip() == "ok",
          "kiln check exit %d: %s %s" % (p.returncode, p.stdout[-2000:],
                                         p.stderr[-500:]))


def main():
    ap = argparse.ArgumentParser()
    for a in ("base", "tokens", "db", "kiln", "hosts-log", "host-a",
              "host-b"):
        ap.add_argument("--" + a, required=True)
    ap.add_argument("--supervisor-a", type=int, required=True)
    ap.add_argument("--login", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--timeout", type=float, default=10)
    a = ap.parse_args()
    W.base, W.db, W.kiln, W.timeout = a.base, a.db, a.kiln, a.timeout
    W.hosts_log, W.host_a, W.host_b = a.hosts_log, a.host_a, a.host_b
    W.sup_a = a.supervisor_a
    W.login, W.password = a.login, a.password
    W.run = os.urandom(3).hex()
    W.seq = 0
    W.tokens = dict(line.split() for line in open(a.tokens) if line.strip())
    passed = failed = 0
    for n, (nm, fn) in enumerate(TESTS, 1):
        try:
            fn()
            print("ok %d - %s" % (n, nm))
            passed += 1
        except Fail as e:
            print("not ok %d - %s: %s" % (n, nm, e))
            failed += 1
        except Exception:           # noqa: BLE001
            print("not ok %d - %s: %s" % (n, nm, traceback.format_exc()
                                         .strip().replace("\n", "\n# ")))
            failed += 1
        sys.stdout.flush()
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
