#!/usr/bin/env python3
"""migrate_compare.py - what kiln migrate-db must have kept
(tests/regress/migrate).

    migrate_compare.py SQLITE CONNINFO
        every table of the PostgreSQL database holds the rows the SQLite
        one holds, value for value (audit_changes' rowid is SQLite's)
    migrate_compare.py --serve BASE TOKEN SQLITE
        the installation at BASE lists, to TOKEN, the customers of SQLITE
    migrate_compare.py --create BASE TOKEN SQLITE
        a customer made at BASE gets an id no SQLite record had
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import regressdb  # noqa: E402
from test_http import Client, XML_CT  # noqa: E402


def norm(v):
    """A value as both engines' rows can be compared: text, or None."""
    if v is None:
        return None
    if isinstance(v, (bytes, bytearray)):
        return "\\x" + bytes(v).hex()
    if isinstance(v, bool):
        return "1" if v else "0"
    return str(v)


def rows(con, table, cols):
    # bytea as SQLite's bytes read here: \x and the hex.
    q = 'SELECT %s FROM "%s"' % (", ".join(
        '\'\\x\' || encode("%s", \'hex\')' % c
        if c in BYTEA.get(table, ()) and
        isinstance(con, regressdb.PgConnection) else '"%s"' % c
        for c in cols), table)
    out = []
    for r in con.execute(q):
        r = [norm(x) for x in r]
        out.append(tuple(r))
    return sorted(out, key=lambda t: [(x is None, x or "") for x in t])


BYTEA = {"tokens": ("hash",), "sessions": ("hash",)}


def compare(lite, conninfo):
    a = regressdb.connect(lite)
    b = regressdb.connect(conninfo)
    tables = [r[0] for r in b.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname ="
        " current_schema() AND tablename <> 'schema_migrations'"
        " ORDER BY tablename")]
    bad = 0
    for t in tables:
        cols = [r[0] for r in b.execute(
            "SELECT column_name FROM information_schema.columns WHERE"
            " table_schema = current_schema() AND table_name = ?"
            " ORDER BY ordinal_position", (t,))]
        ra = rows(a, t, cols)
        rb = rows(b, t, cols)
        if ra != rb:
            print("%s: %d rows in SQLite, %d in PostgreSQL; first"
                  " difference: %s" % (t, len(ra), len(rb),
                                       next(((x, y) for x, y in zip(ra, rb)
                                             if x != y), None)))
            bad += 1
        else:
            print("%s: %d rows alike" % (t, len(ra)))
    return 1 if bad else 0


def serve(base, token, lite):
    c = Client(base, 30, token=token)
    want = regressdb.connect(lite).execute(
        "SELECT count(*) FROM customers").fetchone()[0]
    got, path, raw = 0, "/customers.xml?limit=500", False
    while path:
        r = c.get(path, raw=raw)
        if r.status != 200:
            print("GET customers: %d" % r.status)
            return 1
        root = r.xml()
        got += len(root.findall("customer"))
        path, raw = root.get("next"), True
    print("%d customers served, %d in SQLite" % (got, want))
    return 0 if got == want else 1


def create(base, token, lite):
    c = Client(base, 30, token=token)
    top = regressdb.connect(lite).execute(
        "SELECT coalesce(max(seq), 0) FROM sqlite_sequence"
        " WHERE name = 'customers'").fetchone()[0]
    r = c.post("/customers", "<customer><name>After the move</name>"
               "<city>Wuxi</city></customer>", ctype=XML_CT, accept=XML_CT)
    if r.status != 201:
        print("POST customers: %d %s" % (r.status, r.body[:300]))
        return 1
    cid = int(r.xml().get("id"))
    print("new customer %d; SQLite gave out up to %d" % (cid, top))
    return 0 if cid > top else 1


def main():
    a = sys.argv[1:]
    if a[0] == "--serve":
        return serve(*a[1:4])
    if a[0] == "--create":
        return create(*a[1:4])
    return compare(a[0], a[1])


if __name__ == "__main__":
    sys.exit(main())
