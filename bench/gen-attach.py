#!/usr/bin/python3
"""Writes mails from municipalities into a Maildir's new/ folder, for
bench/attachments.sh: --kind enrol writes an enrolment from each, --kind
text a mail "Onze tekst" with --files PDFs of --size bytes each (random,
so base64 as mail clients write it) attached.  Sender i (counted from
--first) is a.i@ the i-th current municipality's first domain in
rules/gemeenten.tsv: two calls with the same --first write from the same
municipalities.  Deterministic."""
import argparse
import base64
import os
import random

from domains import domains as domains_of

p = argparse.ArgumentParser()
p.add_argument("--maildir", required=True)
p.add_argument("--top", default=os.path.join(os.path.dirname(__file__), ".."))
p.add_argument("--kind", choices=("enrol", "text"), required=True)
p.add_argument("--count", type=int, required=True)
p.add_argument("--first", type=int, default=0)
p.add_argument("--size", type=int, default=1024 * 1024)
p.add_argument("--files", type=int, default=1)
a = p.parse_args()
rnd = random.Random(15)

domains = domains_of(a.top, current_only=True)

new = os.path.join(a.maildir, "new")
os.makedirs(new, exist_ok=True)
for i in range(a.first, a.first + a.count):
    dom = domains[i]
    addr = "a.%d@%s" % (i, dom)
    subject = ("Deelname praktijkproef GG & lokale inclusie"
               if a.kind == "enrol" else "Onze tekst")
    head = ("Return-Path: <%s>\r\n"
            "Authentication-Results: mx.vng.nl; dmarc=pass header.from=%s\r\n"
            "From: Tester <%s>\r\nTo: GlobalGoals@VNG.nl\r\n"
            "Subject: %s\r\nMessage-ID: <%s.%d@%s>\r\n"
            "Date: Tue, 20 Jul 2021 09:%02d:00 +0200\r\nMIME-Version: 1.0\r\n"
            % (addr, dom, addr, subject, a.kind, i, dom, i % 60))
    body = "Beste organisatie,\r\n\r\nHierbij onze tekst.\r\n"
    if a.kind == "enrol":
        msg = head + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body
    else:
        msg = head + 'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        msg += "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body
        for j in range(a.files):
            pdf = base64.encodebytes(rnd.randbytes(a.size)).decode()
            msg += ("--b1\r\nContent-Type: application/pdf; name=\"t%d.pdf\"\r\n"
                    "Content-Disposition: attachment; filename=\"t%d.pdf\"\r\n"
                    "Content-Transfer-Encoding: base64\r\n\r\n" % (j, j)
                    + pdf.replace("\n", "\r\n"))
        msg += "--b1--\r\n"
    with open(os.path.join(new, "%d.%s%d.host" % (1700000000 + i, a.kind, i)),
              "w", encoding="ascii", newline="") as f:
        f.write(msg)
