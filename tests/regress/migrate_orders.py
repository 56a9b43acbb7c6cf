#!/usr/bin/env python3
"""migrate_orders.py BASE TOKEN FINANCE_TOKEN DB - submit the demo's
draft orders through the web (tests/regress/migrate), and let finance
approve those held, so the database to be moved has order history,
verdicts and audit changes."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import regressdb  # noqa: E402
from test_http import Client, FORM_CT, XML_CT  # noqa: E402


def main():
    base, token, fin_token, db = sys.argv[1:5]
    c = Client(base, 30, token=token)
    fin = Client(base, 30, token=fin_token)
    con = regressdb.connect(db)
    drafts = [r[0] for r in con.execute(
        "SELECT id FROM orders WHERE status = 'draft' AND total > 0"
        " ORDER BY id LIMIT 20")]
    con.close()
    held = submitted = 0
    for oid in drafts:
        r = c.request("POST", "/orders/%d/submit" % oid, body=b"",
                      ctype=FORM_CT, accept=XML_CT)
        if r.status != 200:
            print("submit %d: %d %s" % (oid, r.status, r.body[:300]))
            return 1
        submitted += 1
        if r.xml().get("status") == "on_hold":
            r = fin.request("POST", "/orders/%d/approve" % oid,
                          body=b"reason=migration+test", ctype=FORM_CT,
                          accept=XML_CT)
            if r.status != 200:
                print("approve %d: %d %s" % (oid, r.status, r.body[:300]))
                return 1
            held += 1
    print("%d submitted, %d of them approved after a hold" %
          (submitted, held))
    return 0 if submitted > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
