#!/usr/bin/python3
"""
fcgi_probe.py - talk FastCGI to `kiln serve` directly, as only the web
server should: used by tests/regress/process to check what a client
that reaches the socket can and cannot do.  Standard library only.

    fcgi_probe.py ADDR get PATH            print the status of GET PATH
    fcgi_probe.py ADDR idle N SECS         hold N silent connections; print
                                           how many Kiln closed within SECS
    fcgi_probe.py ADDR dribble SECS        send a request a byte at a time
                                           (every 0.5 s); print "closed" if
                                           Kiln hung up within SECS, else
                                           "open"
    fcgi_probe.py ADDR lying SECS          POST /login saying
                                           Content-Length: 1000, send 10
                                           bytes and wait; print the status
                                           Kiln answered within SECS
    fcgi_probe.py ADDR hostile SECS        one PARAMS record whose lengths
                                           add up past 2^31; print "closed"
                                           when the connection ends
    fcgi_probe.py ADDR connect             print "ok" or the errno name

ADDR is unix:/PATH or HOST:PORT (loopback only).
"""

import errno
import os
import socket
import struct
import sys
import time

BEGIN, END, PARAMS, STDIN, STDOUT = 1, 3, 4, 5, 6


def connect(addr, timeout=10):
    if addr.startswith("unix:"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(addr[5:])
    else:
        host, port = addr.rsplit(":", 1)
        if host not in ("127.0.0.1", "::1", "[::1]", "localhost"):
            raise SystemExit("fcgi_probe: loopback addresses only")
        s = socket.create_connection((host.strip("[]"), int(port)),
                                     timeout=timeout)
    return s


def record(kind, content=b"", rid=1):
    return struct.pack(">BBHHBB", 1, kind, rid, len(content), 0, 0) + content


def length(n):
    return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)


def params(env):
    out = b""
    for k, v in env.items():
        k, v = k.encode(), v.encode()
        out += length(len(k)) + length(len(v)) + k + v
    return out


def begin():
    return record(BEGIN, struct.pack(">HB5x", 1, 0))


def request_bytes(method, path, body=b"", clen=None, end_stdin=True):
    env = {"REQUEST_METHOD": method, "SCRIPT_NAME": "/crm",
           "PATH_INFO": path, "REQUEST_URI": "/crm" + path,
           "QUERY_STRING": "", "SERVER_NAME": "localhost",
           "SERVER_PORT": "80", "HTTP_HOST": "localhost",
           "REMOTE_ADDR": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1"}
    if method == "POST":
        env["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        env["CONTENT_LENGTH"] = str(len(body) if clen is None else clen)
    out = begin() + record(PARAMS, params(env)) + record(PARAMS)
    if body:
        out += record(STDIN, body)
    if end_stdin:
        out += record(STDIN)
    return out


def read_answer(s, secs):
    """The status of the answer on S, or None if none came in SECS."""
    deadline = time.monotonic() + secs
    buf, out = b"", b""
    while time.monotonic() < deadline:
        s.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            data = s.recv(65536)
        except socket.timeout:
            break
        except OSError:
            break
        if not data:
            break
        buf += data
        while len(buf) >= 8:
            _, kind, _, clen, plen, _ = struct.unpack(">BBHHBB", buf[:8])
            if len(buf) < 8 + clen + plen:
                break
            content, buf = buf[8:8 + clen], buf[8 + clen + plen:]
            if kind == STDOUT:
                out += content
            elif kind == END:
                head = out.split(b"\r\n\r\n", 1)[0]
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"status:"):
                        return int(line.split()[1])
                return 200
    return None


def closed_within(s, secs):
    """Did the peer close S (EOF or reset) within SECS?"""
    deadline = time.monotonic() + secs
    while time.monotonic() < deadline:
        s.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            if not s.recv(4096):
                return True
        except socket.timeout:
            return False
        except OSError:
            return True
    return False


def main(argv):
    if len(argv) < 3:
        raise SystemExit(__doc__)
    addr, cmd, args = argv[1], argv[2], argv[3:]
    if cmd == "connect":
        try:
            connect(addr).close()
            print("ok")
        except OSError as e:
            print(errno.errorcode.get(e.errno, str(e)))
        return 0
    if cmd == "get":
        s = connect(addr)
        s.sendall(request_bytes("GET", args[0]))
        print(read_answer(s, 30))
        return 0
    if cmd == "idle":
        n, secs = int(args[0]), float(args[1])
        conns = [connect(addr) for _ in range(n)]
        deadline = time.monotonic() + secs
        closed = sum(closed_within(c, max(0.1, deadline - time.monotonic()))
                     for c in conns)
        print(closed)
        return 0
    if cmd == "dribble":
        secs = float(args[0])
        s = connect(addr)
        data = request_bytes("GET", "/health")
        deadline = time.monotonic() + secs
        for b in data:
            if time.monotonic() > deadline:
                break
            try:
                s.sendall(bytes([b]))
            except OSError:
                print("closed")
                return 0
            if closed_within(s, 0.5):
                print("closed")
                return 0
        print("open")
        return 0
    if cmd == "lying":
        s = connect(addr)
        s.sendall(request_bytes("POST", "/login", body=b"login=abcde",
                                clen=1000, end_stdin=False))
        print(read_answer(s, float(args[0])))
        return 0
    if cmd == "hostile":
        s = connect(addr)
        n = 0x7ffffffe
        s.sendall(begin() + record(PARAMS, length(n) + length(n)))
        print("closed" if closed_within(s, float(args[0])) else "open")
        return 0
    raise SystemExit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
