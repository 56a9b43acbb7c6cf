#!/bin/bash
# i18n_complete.sh - every user-visible English string has an entry in
# the Simplified Chinese catalogue (core/i18n_zh.h), and no translation
# changes the printf conversions of its msgid.
#
# Strings looked for:
#   - every _("...") literal in core/*.c and plugins/*/*.c, adjacent
#     literals joined;
#   - the messages of form_strerror(), xmlin_strerror() and
#     out_reason(), which reach the user through _();
#   - .label / .label_plural of plugins/*/*.c;
#   - the messages of plugins' triggers (RAISE(ABORT, '...')), which
#     reach the user through _() too;
#   - the enum options of plugins/*/*.c (arrays named by .options),
#     humanised as view_enum_label() does: "key_account" -> "Key account".
#
# Run by make check ($srcdir set by automake) or by hand.
set -eu

if [ -n "${srcdir:-}" ]; then
	top=$(cd "$srcdir" && pwd)
else
	top=$(cd "$(dirname "$0")/../.." && pwd)
fi

exec /usr/bin/python3 - "$top" <<'EOF'
import glob
import os
import re
import sys

top = sys.argv[1]
LIT = r'"(?:[^"\\\n]|\\.)*"'
LITS = r'((?:' + LIT + r'\s*)+)'


def strip_comments(src):
    """Blank out comments, keeping string and char literals and lines."""
    out = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c in '"\'':
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == '\\' else 1
            out.append(src[i:j + 1])
            i = j + 1
        elif src.startswith('/*', i):
            j = src.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', src[i:j]))
            i = j
        elif src.startswith('//', i):
            j = src.find('\n', i)
            j = n if j < 0 else j
            i = j
        else:
            out.append(c)
            i += 1
    return ''.join(out)


ESC = {'n': '\n', 't': '\t', 'r': '\r', 'a': '\a', 'b': '\b', 'f': '\f',
       'v': '\v', '\\': '\\', '"': '"', "'": "'", '?': '?'}


def decode(lits):
    """The value of one or more adjacent C string literals."""
    raw = ''.join(m[1:-1] for m in re.findall(LIT, lits))
    b = bytearray()
    i = 0
    while i < len(raw):
        c = raw[i]
        if c != '\\':
            b += c.encode('utf-8')
            i += 1
            continue
        e = raw[i + 1]
        if e in ESC:
            b += ESC[e].encode()
            i += 2
        elif e == 'x':
            m = re.match(r'[0-9A-Fa-f]+', raw[i + 2:])
            b.append(int(m.group(0), 16) & 0xff)
            i += 2 + len(m.group(0))
        elif e in '01234567':
            m = re.match(r'[0-7]{1,3}', raw[i + 1:])
            b.append(int(m.group(0), 8) & 0xff)
            i += 1 + len(m.group(0))
        elif e in 'uU':
            k = 4 if e == 'u' else 8
            b += chr(int(raw[i + 2:i + 2 + k], 16)).encode('utf-8')
            i += 2 + k
        else:
            b += e.encode()
            i += 2
    return b.decode('utf-8')


def read(path):
    with open(path, encoding='utf-8') as f:
        return strip_comments(f.read())


def rel(path):
    return os.path.relpath(path, top)


want = {}		# msgid -> first place it was seen


def need(s, where):
    if s != '' and s not in want:
        want[s] = where


def lineno(src, pos):
    return src.count('\n', 0, pos) + 1


# Plugins spell sv->tr() as _() too (plugins/*/*.h).
for path in sorted(glob.glob(os.path.join(top, 'core', '*.c')) +
                   glob.glob(os.path.join(top, 'plugins', '*', '*.c'))):
    src = read(path)
    # N_() marks a message kept untranslated in a table (error.c).
    for m in re.finditer(r'(?<![A-Za-z0-9_])N?_\(\s*' + LITS + r'\)', src):
        need(decode(m.group(1)), '%s:%d' % (rel(path), lineno(src, m.start())))
    for fn in ('form_strerror', 'xmlin_strerror', 'out_reason'):
        m = re.search(r'^' + fn + r'\s*\([^)]*\)\s*\{(.*?)^\}', src,
                      re.M | re.S)
        if m is None:
            continue
        for r in re.finditer(r'\breturn\s+' + LITS + r';', m.group(1)):
            need(decode(r.group(1)), '%s:%d (%s)' % (rel(path),
                 lineno(src, m.start(1) + r.start()), fn))

for path in sorted(glob.glob(os.path.join(top, 'plugins', '*', '*.[ch]'))):
    src = read(path)
    # A trigger's RAISE(ABORT, '...') reaches the user through _(); so
    # does a message kept in a macro of its own ("'...'").
    joined = src.replace('\\\n', ' \n')	# macro line continuations
    for m in re.finditer(LITS, joined):
        text = decode(m.group(1))
        msgs = re.findall(r"RAISE\(ABORT,\s*'((?:[^']|'')*)'\)", text)
        whole = re.fullmatch(r"'((?:[^']|'')*)'", text.strip())
        if whole and ' ' in whole.group(1):
            msgs.append(whole.group(1))
        for s in msgs:
            need(s.replace("''", "'"), '%s:%d (trigger)' % (rel(path),
                 lineno(src, m.start())))
    for m in re.finditer(r'\.label(?:_plural)?\s*=\s*' + LITS, src):
        need(decode(m.group(1)), '%s:%d' % (rel(path), lineno(src, m.start())))
    used = set(re.findall(r'\.options\s*=\s*([A-Za-z_]\w*)', src))
    arr = r'(?:static\s+)?const\s+char\s*\*\s*const\s+([A-Za-z_]\w*)\s*\[\s*\]' \
        r'\s*=\s*\{(.*?)\}\s*;'
    for m in re.finditer(arr, src, re.S):
        if m.group(1) not in used:
            continue
        for o in re.finditer(LIT, m.group(2)):
            v = decode(o.group(0)).replace('_', ' ')
            if v[:1].islower() and v[:1].isascii():
                v = v[0].upper() + v[1:]
            need(v, '%s:%d (%s)' % (rel(path),
                 lineno(src, m.start(2) + o.start()), m.group(1)))

# The catalogue: { "msgid", "translation" }, entries.
catpath = os.path.join(top, 'core', 'i18n_zh.h')
cat = read(catpath)
body = re.search(r'zh_catalogue\s*\[\s*\]\s*=\s*\{(.*)\}\s*;', cat, re.S)
entries = []
for m in re.finditer(r'\{\s*' + LITS + r',\s*' + LITS + r'\}', body.group(1)):
    entries.append((decode(m.group(1)), decode(m.group(2)),
                    lineno(cat, body.start(1) + m.start())))

CONV = re.compile(r"%(?:\d+\$)?[-+ #0']*(?:\*|\d+)?(?:\.(?:\*|\d+)?)?"
                  r"(?:hh|h|ll|l|L|j|z|t|q)?[diouxXeEfFgGaAcspnm%]")


def convs(s):
    return [c for c in CONV.findall(s) if c != '%%']


bad = 0
have = {}
prev = None
for msgid, msgstr, line in entries:
    where = '%s:%d' % (rel(catpath), line)
    if msgid in have:
        print('%s: duplicate msgid "%s"' % (where, msgid))
        bad += 1
    have[msgid] = msgstr
    if prev is not None and prev.encode() >= msgid.encode():
        print('%s: "%s" is out of order (after "%s")' % (where, msgid, prev))
        bad += 1
    prev = msgid
    if msgstr == '':
        print('%s: empty translation for "%s"' % (where, msgid))
        bad += 1
    if convs(msgid) != convs(msgstr):
        print('%s: conversions %s in "%s" but %s in its translation "%s"'
              % (where, convs(msgid), msgid, convs(msgstr), msgstr))
        bad += 1

missing = [s for s in want if s not in have]
for s in missing:
    print('%s: no translation for "%s"' % (want[s], s))
unused = sum(1 for s in have if s not in want)

print('i18n_complete: %d strings, %d catalogue entries (%d not found in '
      'the sources), %d missing, %d bad entries'
      % (len(want), len(entries), unused, len(missing), bad))
sys.exit(1 if missing or bad else 0)
EOF
