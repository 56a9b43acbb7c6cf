"""regressdb - the suites' own look into Kiln's database, on either engine.

connect(db) takes what --db names: a file (SQLite, through Python's
sqlite3) or a PostgreSQL conninfo (postgresql://... or "host=...
dbname=..."), reached through psql, since Debian's python3 has no
PostgreSQL driver.  On PostgreSQL a query's rows come back typed as
SQLite would give them (numbers as int, NULL as None), through
row_to_json; values are SQLite's "?" placeholders, written in as
literals (tests only: the values are the tests' own).  A failed
statement raises sqlite3.DatabaseError with PostgreSQL's words, so the
suites' except clauses hold on both engines.
"""

import json
import re
import sqlite3
import subprocess

DatabaseError = sqlite3.DatabaseError
Row = sqlite3.Row


def is_pg(db):
    return bool(re.match(r"^(postgres(ql)?://|[a-z_]+\s*=)", db or ""))


def connect(db, timeout=15):
    if is_pg(db):
        return PgConnection(db)
    return sqlite3.connect(db, timeout=timeout)


def literal(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, (bytes, bytearray)):
        return "'\\x%s'::bytea" % bytes(v).hex()
    return "'%s'" % str(v).replace("'", "''")


def bind(sql, args):
    """SQLite's ? and ?N placeholders as literals, outside quotes."""
    out, i, n = [], 0, 0
    args = list(args or ())
    while i < len(sql):
        c = sql[i]
        if c in "'\"":
            j = sql.index(c, i + 1) if c in sql[i + 1:] else len(sql) - 1
            out.append(sql[i:j + 1])
            i = j + 1
            continue
        if c == "?":
            m = re.match(r"\?(\d+)", sql[i:])
            if m:
                out.append(literal(args[int(m.group(1)) - 1]))
                i += len(m.group(0))
            else:
                out.append(literal(args[n]))
                n += 1
                i += 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


class PgRow(tuple):
    """A row that also answers by column name, as sqlite3.Row does."""

    def __new__(cls, names, values):
        r = super().__new__(cls, values)
        r._names = names
        return r

    def keys(self):
        return list(self._names)

    def __getitem__(self, k):
        if isinstance(k, str):
            return tuple.__getitem__(self, self._names.index(k))
        return tuple.__getitem__(self, k)


class PgCursor:
    def __init__(self, rows, rowcount, names):
        self.rows = rows
        self.rowcount = rowcount
        self.names = names
        self.description = [(n,) for n in names]

    def fetchone(self):
        return self.rows.pop(0) if self.rows else None

    def fetchall(self):
        rows, self.rows = self.rows, []
        return rows

    def __iter__(self):
        return iter(self.fetchall())


class PgConnection:
    def __init__(self, conninfo):
        self.conninfo = conninfo
        self.row_factory = None

    def psql(self, sql):
        p = subprocess.run(["psql", "-X", "-q", "-A", "-t",
                            "-v", "ON_ERROR_STOP=1", "-d", self.conninfo,
                            "-c", sql], capture_output=True, text=True,
                           timeout=60)
        if p.returncode != 0:
            raise DatabaseError(p.stderr.strip())
        return p.stdout

    def execute(self, sql, args=()):
        sql = bind(sql.strip().rstrip(";"), args)
        # SQLite's instr() is PostgreSQL's strpos(): the same answers.
        sql = re.sub(r"\binstr\(", "strpos(", sql)
        if re.match(r"(?is)^\s*(select|with|values)\b", sql):
            out = self.psql("SELECT row_to_json(q) FROM (%s) q" % sql)
            rows, names = [], []
            for line in out.splitlines():
                if not line.strip():
                    continue
                obj = json.loads(line)
                names = list(obj.keys())
                rows.append(PgRow(names, [obj[k] for k in names]))
            return PgCursor(rows, -1, names)
        if re.match(r"(?is)^\s*(pragma)\b", sql):
            return PgCursor([], 0, [])	# SQLite's settings: none here
        # A write: psql's command tag has the count ("UPDATE 3").
        p = subprocess.run(["psql", "-X", "-v", "ON_ERROR_STOP=1",
                            "-d", self.conninfo, "-c", sql],
                           capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise DatabaseError(p.stderr.strip())
        tag = p.stdout.strip().splitlines()[-1] if p.stdout.strip() else ""
        m = re.search(r"(\d+)$", tag)
        return PgCursor([], int(m.group(1)) if m else 0, [])

    def executemany(self, sql, rows):
        n = 0
        for r in rows:
            n += self.execute(sql, r).rowcount
        return PgCursor([], n, [])

    def executescript(self, sql):
        self.psql(sql)

    def commit(self):
        pass	# psql commits each statement

    def rollback(self):
        pass	# a failed statement changed nothing

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False
