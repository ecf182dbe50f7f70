#!/usr/bin/python3
"""Writes N realistic enrolment mails into a Maildir's new/ folder, for
the benchmarks: senders from rules/gemeenten.tsv (and some that are no
municipality), subjects from tests/data/subjects.tsv, Dutch text bodies
of one to four kilobytes, a fifth with an HTML alternative and a tenth with
a PDF attachment.  Deterministic for a given seed.  Message i (counted
from --first) has Message-ID <bench.SEED.i@domain> and sender
name.i@domain, so two sets with different --first share neither."""
import argparse
import base64
import os
import random

from domains import domains as domains_of

p = argparse.ArgumentParser()
p.add_argument("--count", type=int, required=True)
p.add_argument("--maildir", required=True)
p.add_argument("--top", default=os.path.join(os.path.dirname(__file__), ".."))
p.add_argument("--seed", type=int, default=2021)
p.add_argument("--first", type=int, default=0,
               help="number of the first message (default 0)")
a = p.parse_args()
rnd = random.Random(a.seed)

domains = domains_of(a.top)
domains += ["gmail.com", "hotmail.com", "example.org", "vng.nl"]
subjects = []
with open(os.path.join(a.top, "tests/data/subjects.tsv"), encoding="utf-8") as f:
    for line in f:
        if "\t" in line and not line.startswith("#"):
            subjects.append(line.rstrip("\n").split("\t", 1)[1])
words = ("gemeente inclusie duurzaam lokaal beleid wethouder raad programma "
         "deelname praktijkproef global goals samenwerking inwoners sociaal "
         "domein aanpak ervaring netwerk bijeenkomst sessie congres").split()
first = "Anna Bram Carla Daan Eva Fleur Gert Hanna Iris Joost Karin Lars".split()
last = "Jansen de Vries Bakker Visser Smit Meijer de Boer Mulder Bos".split()

def text(n):
    out, size = [], 0
    while size < n:
        out.append(rnd.choice(words))
        size += len(out[-1]) + 1
    lines, cur = [], ""
    for w in out:
        if len(cur) + len(w) > 70:
            lines.append(cur)
            cur = ""
        cur += w + " "
    lines.append(cur)
    return "\r\n".join(l.strip() for l in lines) + "\r\n"

new = os.path.join(a.maildir, "new")
os.makedirs(new, exist_ok=True)
for i in range(a.first, a.first + a.count):
    dom = rnd.choice(domains)
    name = "%s %s" % (rnd.choice(first), rnd.choice(last))
    addr = "%s.%d@%s" % (name.split()[0].lower(), i, dom)
    subj = rnd.choice(subjects) if rnd.random() < 0.8 else "Vraag over het programma"
    body = "Beste organisatie,\r\n\r\n" + text(rnd.randint(1000, 4000)) + \
        "\r\nMet vriendelijke groet,\r\n" + name + "\r\n"
    head = ("Return-Path: <%s>\r\n"
            "Authentication-Results: mx.vng.nl; dmarc=pass header.from=%s\r\n"
            "From: %s <%s>\r\nTo: GlobalGoals@VNG.nl\r\n"
            "Subject: %s\r\nMessage-ID: <bench.%d.%d@%s>\r\n"
            "Date: Thu, 01 Apr 2021 09:%02d:00 +0200\r\nMIME-Version: 1.0\r\n"
            % (addr, dom, name, addr, subj, a.seed, i, dom, i % 60))
    kind = rnd.random()
    if kind < 0.1:
        pdf = base64.encodebytes(rnd.randbytes(15000)).decode().replace("\n", "\r\n")
        msg = (head + 'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
               "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body +
               "--b1\r\nContent-Type: application/pdf; name=\"plan.pdf\"\r\n"
               "Content-Transfer-Encoding: base64\r\n\r\n" + pdf + "--b1--\r\n")
    elif kind < 0.3:
        html = "<html><body><p>" + body.replace("\r\n", "<br>") + "</p></body></html>\r\n"
        msg = (head + 'Content-Type: multipart/alternative; boundary="b2"\r\n\r\n'
               "--b2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body +
               "--b2\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html + "--b2--\r\n")
    else:
        msg = head + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body
    with open(os.path.join(new, "%d.bench%d.host" % (1700000000 + i, i)), "w",
              encoding="utf-8", newline="") as f:
        f.write(msg)
