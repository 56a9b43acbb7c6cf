#!/usr/bin/python3
"""
test_faults.py - Kiln's storage fault regression driver.

Drives kiln serve behind a real nginx while the database's storage
fails under it, and checks the promise of README's "Storage faults":
faults are loud and lose nothing.  During a fault every answer comes
promptly (bounded client timeouts: a hang fails the test) and is a 503
whose XML <error> names the cause (disk_full, read_only, db_moved,
db_unavailable) with Retry-After, never a 500 and never a 2xx for a
write that is not stored; every acknowledged (2xx) write is in the
database afterwards (or, for a database replaced by the administrator,
in the file that was the database when it was acknowledged); the
server log says what happened; service comes back when the fault is
repaired, without a restart.  Standard library only; the HTTP client
and the checks every answer gets come from test_http.py.

The data directory is a tmpfs of its own (tests/regress/faults mounts
it): the driver fills it (disk full), remounts it read-only (root
writes through file modes, not through a read-only mount), and moves
the database and its -wal/-shm in and out of place.  It starts and
stops kiln serve itself, since a file system with files open for
writing cannot be remounted read-only; its pid is kept in --pid-file
for the runner's clean-up.

Output, one line per test:  "ok N - group: name"  or  "not ok N -
group: name: reason", "# ..." comments, then "N passed, N failed".

    test_faults.py --base http://127.0.0.1:18580/crm --token TOKEN
        --kiln BIN --config FILE --listen 127.0.0.1:18590 --data DIR
        --serve-log FILE --pid-file FILE [--timeout 10] [--only G,...]

Groups, in order: baseline, deleted, replaced, full, readonly,
unopenable, check.
"""

import argparse
import errno
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import test_http as th  # noqa: E402  (the shared client and checks)
from test_http import (Fail, check, expect, expect_error, error_text,  # noqa
                       customer_xml, short, XML_CT)

GROUPS = ["baseline", "deleted", "replaced", "full", "readonly",
          "unopenable", "check"]
FAULT_CODES = ("disk_full", "read_only", "db_moved", "db_unavailable")
REPAIR_SECS = 30        # a repaired fault is served again within this


S = th.State()
S.acked = {}            # name -> id of every 201 in the current database
# Tests register through test_http's decorator; GROUPS are this file's.
test = th.test


# ------------------------------------------------------------ kiln serve

class Serve:
    """The kiln serve the driver starts, stops and starts again."""

    def __init__(self, o):
        self.o = o
        self.p = None

    def start(self):
        host, port = self.o.listen.rsplit(":", 1)
        log = open(self.o.serve_log, "ab")
        self.p = subprocess.Popen(
            [self.o.kiln, "--config", self.o.config, "serve", "--listen",
             self.o.listen, "--workers", "2"], stdout=log,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        with open(self.o.pid_file, "w") as f:
            f.write("%d\n" % self.p.pid)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.p.poll() is not None:
                raise Fail("kiln serve exited (%d) at start" %
                           self.p.returncode)
            try:
                socket.create_connection((host, int(port)), 1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise Fail("kiln serve is not listening on %s after 30 s" %
                   self.o.listen)

    def stop(self):
        """SIGTERM; it lets requests finish and its workers close."""
        if self.p is None or self.p.poll() is not None:
            return
        self.p.send_signal(signal.SIGTERM)
        try:
            self.p.wait(30)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            raise Fail("kiln serve still running 30 s after SIGTERM")


# --------------------------------------------------------------- helpers

def db_path(o):
    return os.path.join(o.data, "kiln.db")


def move_db(o, to_dir, parts=("", "-wal", "-shm")):
    """The database file and its log moved into TO_DIR (same file system:
    the inodes live on, as for a process that still has them open)."""
    os.makedirs(to_dir, exist_ok=True)
    for p in parts:
        try:
            os.rename(db_path(o) + p, os.path.join(to_dir, "kiln.db" + p))
        except FileNotFoundError:
            pass


def move_back(o, from_dir):
    for p in ("", "-wal", "-shm"):
        try:
            os.rename(os.path.join(from_dir, "kiln.db" + p), db_path(o) + p)
        except FileNotFoundError:
            pass


def names_in(path):
    """Customer names stored in the database file at PATH (read only)."""
    h = sqlite3.connect("file:%s?mode=ro" % path, uri=True, timeout=10)
    try:
        return {r[0] for r in h.execute("SELECT name FROM customers")}
    finally:
        h.close()


def post_customer(client, word, notes=None):
    """(name, answer) of one create through the XML API."""
    name = th.uniq(word)
    fields = {"name": name}
    if notes is not None:
        fields["notes"] = notes
    return name, client.post("/customers", customer_xml(fields),
                             ctype=XML_CT, accept=XML_CT)


def acked(name, r):
    """Remember a 201; None for anything else."""
    if r.status != 201:
        return None
    cid = int(r.xml().get("id"))
    S.acked[name] = cid
    return cid


def fault(r, codes=FAULT_CODES):
    """A 503 naming its cause: XML <error> with a code, words and
    Retry-After.  Returns the code."""
    root = expect_error(r, 503, codes)
    check(r.header("Retry-After"), "%s: 503 without Retry-After" % r.req())
    check(error_text(root).strip(), "%s: 503 without a message" % r.req())
    return root.get("code")


def fault_or_ok(r, ok, codes):
    """OK (a status), or a 503 naming one of CODES; never anything else."""
    if r.status == ok:
        return None
    return fault(r, codes)


def wait_until(what, fn, secs=REPAIR_SECS):
    """Poll fn (a Fail is a no yet) until it holds; its value."""
    deadline = time.monotonic() + secs
    last = None
    while time.monotonic() < deadline:
        try:
            v = fn()
            if v:
                return v
        except Fail as e:
            last = e
        time.sleep(0.2)
    raise Fail("%s: not within %d s%s" % (what, secs,
                                          ": %s" % last if last else ""))


def log_mark(o):
    try:
        return os.path.getsize(o.serve_log)
    except OSError:
        return 0


def log_says(o, mark, *needles):
    """The serve log since MARK holds a line with every needle."""
    with open(o.serve_log, "rb") as f:
        f.seek(mark)
        lines = f.read().decode("utf-8", "replace").splitlines()
    for line in lines:
        if all(n in line for n in needles):
            return line
    raise Fail("the log says nothing with %s since the fault; it says: %s"
               % (" and ".join(repr(n) for n in needles),
                  " | ".join(lines[-6:]) or "nothing"))


def all_acked_present(o):
    """Every acknowledged write of the current database is there."""
    missing = [n for n, cid in S.acked.items()
               if o.api.get("/customers/%d.xml" % cid).status != 200]
    check(not missing, "%d acknowledged writes are missing: %s" %
          (len(missing), ", ".join(missing[:5])))
    have = names_in(db_path(o))
    lost = [n for n in S.acked if n not in have]
    check(not lost, "acknowledged but not stored: %s" % ", ".join(lost[:5]))
    return len(S.acked)


def served_again(o, what):
    """After a repair: a write works again (polled), and every write
    acknowledged so far is there."""
    wait_until("a write once %s" % what, lambda: write_works(o))
    return "%d acknowledged writes present" % all_acked_present(o)


def put_back(o, from_dir):
    """The database moved back into place: served again, /health 200."""
    move_back(o, from_dir)
    done = served_again(o, "the database is back")
    expect(o.anon.get("/health"), 200)
    return done


def write_works(o):
    name, r = post_customer(o.api, "Repaired")
    if r.status == 201:
        return acked(name, r)
    fault(r)
    return None


# -------------------------------------------------------------- baseline

@test("creates are 201, /health is 200", "baseline")
def t_baseline(o):
    expect(o.anon.get("/health"), 200)
    for _ in range(5):
        name, r = post_customer(o.api, "Baseline")
        expect(r, 201)
        acked(name, r)
    return "%d acknowledged" % all_acked_present(o)


# --------------------------------------------------------------- deleted

@test("database deleted under the server: prompt 503s naming it, "
      "no write acknowledged, logged", "deleted")
def t_deleted(o):
    mark = log_mark(o)
    before = dict(S.acked)
    away = os.path.join(o.data, "away")
    move_db(o, away)
    codes = set()
    for i in range(6):      # both workers, reads, writes, the health check
        codes.add(fault(o.api.get("/customers.xml")))
        name, r = post_customer(o.api, "Deleted")
        check(r.status != 201, "%s: 201 into a deleted database" % r.req())
        codes.add(fault(r))
    r = o.anon.get("/health")
    expect(r, 503)
    check("db_unavailable" in codes, "never db_unavailable: %s" % codes)
    log_says(o, mark, "cannot be opened")
    # What was acknowledged before is in the file that was deleted.
    have = names_in(os.path.join(away, "kiln.db"))
    check(all(n in have for n in before), "an acknowledged write is not "
          "in the deleted file")
    return "codes %s" % ", ".join(sorted(codes))


@test("database put back: served again without a restart, nothing lost",
      "deleted")
def t_deleted_back(o):
    return put_back(o, os.path.join(o.data, "away"))


# -------------------------------------------------------------- replaced

def backup_to(o, path):
    p = subprocess.run([o.kiln, "--db", db_path(o), "backup", path],
                       capture_output=True, timeout=60)
    check(p.returncode == 0, "kiln backup: %s" % short(p.stderr))


@test("database replaced by a backup: the new file is served and written",
      "replaced")
def t_replaced(o):
    mark = log_mark(o)
    copy = os.path.join(o.data, "copy.db")
    backup_to(o, copy)
    later = {}
    for _ in range(3):
        name, r = post_customer(o.api, "Before the swap")
        expect(r, 201)
        later[name] = int(r.xml().get("id"))
    old = os.path.join(o.data, "old1")
    move_db(o, old)
    os.rename(copy, db_path(o))
    for name, cid in later.items():     # each worker serves the copy
        r = o.api.get("/customers/%d.xml" % cid)
        check(r.status == 404 or (r.status == 200 and
              r.xml().findtext("name") != name),
              "%s: still served from the old file" % r.req())
    in_old = names_in(os.path.join(old, "kiln.db"))
    check(all(n in in_old for n in later), "a write acknowledged before "
          "the swap is not in the old file")
    S.acked = {n: c for n, c in S.acked.items() if n not in later}
    for _ in range(4):
        name, r = post_customer(o.api, "After the swap")
        expect(r, 201)
        acked(name, r)
    log_says(o, mark, "opening it again")
    return "%d acknowledged writes in the new file" % all_acked_present(o)


@test("replaced under concurrent writes: every 201 is in the file that "
      "was the database, none after the swap in the old one", "replaced")
def t_replaced_racing(o):
    copy = os.path.join(o.data, "copy.db")
    backup_to(o, copy)
    writer = th.Client(o.base, o.timeout, token=o.token)
    acks, answers, stop = [], [], threading.Event()
    swapped = [None]

    def write():
        while not stop.is_set():
            t0 = time.monotonic()
            try:
                name, r = post_customer(writer, "Racing")
            except Fail as e:
                answers.append(("no answer", str(e)))
                continue
            answers.append((r.status, r))
            if r.status == 201:
                acks.append((name, int(r.xml().get("id")), t0))

    t = threading.Thread(target=write)
    t.start()
    time.sleep(1.0)
    old = os.path.join(o.data, "old2")
    move_db(o, old)
    os.rename(copy, db_path(o))
    swapped[0] = time.monotonic()
    time.sleep(1.0)
    stop.set()
    t.join(o.timeout * 2)
    bad = [a for a in answers if a[0] not in (201, 503)]
    check(not bad, "answers other than 201 and 503: %s" % "; ".join(
        (a[1].describe() if hasattr(a[1], "describe") else "%s: %s" % a)
        for a in bad[:3]))
    for st, r in answers:
        if st == 503:
            fault(r, ("db_moved", "db_unavailable", "busy"))
    in_old = names_in(os.path.join(old, "kiln.db"))
    in_new = names_in(db_path(o))
    lost = [n for n, _, _ in acks if n not in in_old and n not in in_new]
    check(not lost, "%d acknowledged writes are in neither file: %s" %
          (len(lost), ", ".join(lost[:3])))
    after = [(n, cid) for n, cid, t0 in acks if t0 > swapped[0]]
    late = [n for n, _ in after if n not in in_new]
    check(not late, "sent after the swap, acknowledged, not in the new "
          "file: %s" % ", ".join(late[:3]))
    check(after, "no write acknowledged after the swap")
    # The copy holds what was acknowledged before the race, and the
    # racing writes that reached it.
    S.acked.update((n, cid) for n, cid, _ in acks if n in in_new)
    n503 = sum(1 for a in answers if a[0] == 503)
    return "%d writes: %d acknowledged (%d after the swap), %d answered 503" \
        % (len(answers), len(acks), len(after), n503)


@test("replaced with the old file's -wal/-shm left beside it: 503 db_moved "
      "until they are moved away, logged", "replaced")
def t_replaced_log_left(o):
    mark = log_mark(o)
    copy = os.path.join(o.data, "copy.db")
    backup_to(o, copy)
    # The workers have the database open: its -wal and -shm are there.
    check(os.path.exists(db_path(o) + "-wal"), "no -wal beside the database")
    old = os.path.join(o.data, "old3")
    move_db(o, old, parts=("",))
    os.rename(copy, db_path(o))
    for _ in range(4):
        fault(o.api.get("/customers.xml"), ("db_moved",))
        name, r = post_customer(o.api, "Log left")
        check(r.status != 201, "%s: 201 with the old log in place" % r.req())
        fault(r, ("db_moved",))
    log_says(o, mark, "-wal", "-shm", "still beside it")
    move_db(o, old, parts=("-wal", "-shm"))
    return served_again(o, "the old log is moved away")


# ------------------------------------------------------------- disk full

@test("disk full: reads work, writes are 201 or 503 disk_full, never 500, "
      "no half-written record, logged", "full")
def t_full(o):
    mark = log_mark(o)
    filler = os.path.join(o.data, "filler")
    with open(filler, "wb", buffering=0) as f:
        chunk = b"\0" * (1 << 20)
        try:
            while True:
                f.write(chunk)
        except OSError as e:
            check(e.errno == errno.ENOSPC, "filling the disk: %s" % e)
    with open(filler, "ab", buffering=0) as f:     # the last pages too
        try:
            while True:
                f.write(b"\0" * 512)
        except OSError:
            pass
    expect(o.api.get("/customers.xml"), 200)
    notes = "n" * 8000          # the log must grow: new pages, new frames
    ok = full = 0
    for _ in range(2000):
        name, r = post_customer(o.api, "Full", notes)
        if fault_or_ok(r, 201, ("disk_full",)) is None:
            acked(name, r)
            ok += 1
        else:
            full += 1
            if full >= 4:
                break
    check(full > 0, "2000 writes of 8 kB onto a full disk, none refused")
    expect(o.api.get("/customers.xml"), 200)
    log_says(o, mark, "disk is full")
    all_acked_present(o)
    return "%d acknowledged, then refused as disk_full" % ok


@test("space freed: writes work again without a restart, nothing lost",
      "full")
def t_full_freed(o):
    os.unlink(os.path.join(o.data, "filler"))
    return served_again(o, "space is freed")


# ------------------------------------------------------------- read-only

def remount(o, mode):
    p = subprocess.run(["mount", "-o", "remount,%s" % mode, o.data],
                       capture_output=True, timeout=30)
    check(p.returncode == 0, "mount -o remount,%s %s: %s" %
          (mode, o.data, short(p.stderr)))


def read_only_round(o):
    """Reads work, writes 503 read_only, logged; with the server started
    on the read-only file system (files open for writing keep a mount
    writable, so it cannot turn read-only under a running server)."""
    mark = log_mark(o)
    o.serve.stop()
    remount(o, "ro")
    o.serve.start()
    expect(o.anon.get("/health"), 200)
    r = expect(o.api.get("/customers.xml?limit=500"), 200)
    check(len(r.xml()) > 0, "%s: no customers read" % r.req())
    for cid in list(S.acked.values())[:3]:
        expect(o.api.get("/customers/%d.xml" % cid), 200)
    for _ in range(4):
        name, r = post_customer(o.api, "Read-only")
        check(r.status != 201, "%s: 201 on a read-only file system" %
              r.req())
        fault(r, ("read_only",))
    log_says(o, mark, "read-only file system")


@test("read-only file system, the -wal left by the workers: reads work, "
      "writes 503 read_only, logged", "readonly")
def t_readonly(o):
    read_only_round(o)
    check(os.path.exists(db_path(o) + "-wal"), "no -wal: not this case")
    return "reads 200, writes 503 read_only"


@test("file system writable again: writes work without a restart",
      "readonly")
def t_readonly_back(o):
    remount(o, "rw")
    return served_again(o, "writable")


@test("read-only file system, no -wal (read as immutable): reads work, "
      "writes 503 read_only; writable again: writes work", "readonly")
def t_readonly_immutable(o):
    o.serve.stop()
    t_check(o)      # the last connection to close removes the -wal
    check(not os.path.exists(db_path(o) + "-wal"), "a -wal is left")
    try:
        read_only_round(o)
    finally:
        remount(o, "rw")
    return served_again(o, "writable")


# ------------------------------------------------------------ unopenable

@test("no database when the workers start: 503 db_unavailable at once, "
      "no hang", "unopenable")
def t_unopenable(o):
    o.serve.stop()
    move_db(o, os.path.join(o.data, "away2"))
    mark = log_mark(o)
    o.serve.start()
    for _ in range(6):
        t0 = time.monotonic()
        fault(o.api.get("/customers.xml"), ("db_unavailable",))
        took = time.monotonic() - t0
        check(took < o.timeout, "a 503 took %.1f s" % took)
        name, r = post_customer(o.api, "Unopenable")
        fault(r, ("db_unavailable",))
    expect(o.anon.get("/health"), 503)
    log_says(o, mark, "cannot be opened")
    return "503 db_unavailable"


@test("database back: served without a restart, nothing lost",
      "unopenable")
def t_unopenable_back(o):
    return put_back(o, os.path.join(o.data, "away2"))


# ----------------------------------------------------------------- check

@test("kiln check: the database is sound", "check")
def t_check(o):
    p = subprocess.run([o.kiln, "--db", db_path(o), "check"],
                       capture_output=True, timeout=120)
    check(p.returncode == 0 and b"ok" in p.stdout, "kiln check exit %d: %s"
          % (p.returncode, short(p.stdout + p.stderr)))


# ------------------------------------------------------------ the runner

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--base", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--kiln", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--listen", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--serve-log", required=True)
    ap.add_argument("--pid-file", required=True)
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--only", help="comma-separated groups: " +
                    ",".join(GROUPS))
    o = ap.parse_args()
    groups = set(o.only.split(",")) if o.only else set(GROUPS)
    o.api = th.Client(o.base, o.timeout, token=o.token)
    o.anon = th.Client(o.base, o.timeout)
    o.serve = Serve(o)
    passed = failed = n = 0
    try:
        o.serve.start()
    except Fail as e:
        print("not ok 1 - kiln serve: %s" % e)
        print("0 passed, 1 failed", flush=True)
        return 1
    try:
        for g in GROUPS:
            for name, group, fn in th.TESTS:
                if group != g or g not in groups:
                    continue
                n += 1
                reason, detail = th.run_test(name, fn, o)
                if th.report(n, "%s: %s" % (group, name), reason,
                             detail):
                    passed += 1
                else:
                    failed += 1
    finally:
        try:
            o.serve.stop()
        except Fail as e:
            print("# %s" % e)
    print("%d passed, %d failed" % (passed, failed), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
