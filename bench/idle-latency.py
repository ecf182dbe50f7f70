#!/usr/bin/python3
"""From Dovecot accepting a mail to the mail appearing in Verwerkt.

Run by bench/idle.sh with aanmeldd waiting in IDLE.  Two measurements:
quiet mail, one enrolment at a time with doveadm save, and a burst of
30 deliveries 0-30 ms apart (each doveadm save in its own process, as
a delivery agent runs them).  A mail's clock starts when its doveadm
returns (Dovecot has the mail) and stops when an observer, on a
connection of its own, finds its Message-ID in Verwerkt; it looks every
10 ms, so a figure is an upper bound by that much.  A mail that waits
for the poll shows as about poll_interval."""
import argparse
import imaplib
import re
import ssl
import subprocess
import threading
import time
import random

p = argparse.ArgumentParser()
p.add_argument("--port", type=int, required=True)
p.add_argument("--ca", required=True)
p.add_argument("--user", required=True)
p.add_argument("--password", required=True)
p.add_argument("--doveadm", required=True)
p.add_argument("--count", type=int, default=20)
p.add_argument("--burst", type=int, default=30)
p.add_argument("--limit", type=float, default=120,
               help="seconds to wait for a mail before giving up")
a = p.parse_args()

ctx = ssl.create_default_context(cafile=a.ca)
# one connection asks STATUS (it selects nothing: a selected mailbox's
# STATUS may answer from its view), another reads what is in Verwerkt
obs = imaplib.IMAP4_SSL("localhost", a.port, ssl_context=ctx)
obs.login(a.user, a.password)
reader = imaplib.IMAP4_SSL("localhost", a.port, ssl_context=ctx)
reader.login(a.user, a.password)
SUBJECT = "Deelname praktijkproef GG & lokale inclusie"
TOWNS = ["utrecht.nl", "zwolle.nl", "almere.nl", "tilburg.nl", "breda.nl",
         "venlo.nl", "ede.nl", "delft.nl", "emmen.nl", "assen.nl"]
MSGID = re.compile(rb"Message-ID: <([^>]+)>", re.I)


def moved():
    """The Message-IDs in Verwerkt."""
    reader.select("Verwerkt", readonly=True)
    typ, data = reader.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
    ids = set()
    for part in data:
        if isinstance(part, tuple):
            ids.update(m.decode() for m in MSGID.findall(part[1]))
    return ids


def count():
    typ, data = obs.status("Verwerkt", "(MESSAGES)")
    return int(re.search(rb"MESSAGES (\d+)", data[0]).group(1))


def message(tag, i):
    town = TOWNS[i % len(TOWNS)]
    mid = "idle.%s.%d.%f@bench" % (tag, i, time.time())
    raw = ("From: Griffie <griffie%d@%s>\r\nTo: GlobalGoals@VNG.nl\r\n"
           "Authentication-Results: mx.vng.nl; dmarc=pass header.from=%s\r\n"
           "Subject: %s\r\nMessage-ID: <%s>\r\n"
           "Date: Thu, 01 Apr 2021 09:00:00 +0200\r\n\r\nGraag.\r\n"
           % (i, town, town, SUBJECT, mid))
    return mid, raw.encode()


def save(raw, accepted, mid):
    subprocess.run(a.doveadm.split() + ["save", "-u", a.user, "-m", "INBOX"],
                   input=raw, check=True)
    accepted[mid] = time.monotonic()


def watch(accepted, expected):
    """Seconds from accepted to moved, for each of the expected mails;
    the deliveries may still be running (accepted fills as they end)."""
    seen = {}
    start = time.monotonic()
    last = -1
    while len(seen) < len(expected) or len(accepted) < len(expected):
        if time.monotonic() - start > a.limit:
            raise SystemExit("%d of %d mails not moved within %.0f s"
                             % (len(expected) - len(seen), len(expected),
                                a.limit))
        n = count()
        if n != last and n > 0:
            last = n
            now = time.monotonic()
            for mid in moved() & expected:
                seen.setdefault(mid, now)
        time.sleep(0.01)
    # doveadm may return after the daemon already took the mail
    return [max(0.0, seen[m] - accepted[m]) for m in expected]


def quiet():
    samples = []
    for i in range(a.count):
        mid, raw = message("q", i)
        accepted = {}
        save(raw, accepted, mid)
        samples += watch(accepted, {mid})
        time.sleep(0.3)
    return samples


def deliver(mails, accepted):
    threads = []
    for mid, raw in mails:
        t = threading.Thread(target=save, args=(raw, accepted, mid))
        t.start()
        threads.append(t)
        time.sleep(random.uniform(0, 0.03))
    for t in threads:
        t.join()


def burst():
    accepted = {}
    mails = [message("b", i) for i in range(a.burst)]
    d = threading.Thread(target=deliver, args=(mails, accepted))
    d.start()
    samples = watch(accepted, {mid for mid, raw in mails})
    d.join()
    return samples


def report(name, samples):
    ms = sorted(s * 1000 for s in samples)
    # nearest rank
    p50 = ms[max(0, -(-len(ms) * 50 // 100) - 1)]
    p95 = ms[max(0, -(-len(ms) * 95 // 100) - 1)]
    print("%-6s %3d mails: p50 %6.0f ms  p95 %6.0f ms  max %6.0f ms"
          % (name, len(ms), p50, p95, ms[-1]))


print("IDLE: Dovecot accepted -> moved to Verwerkt")
report("quiet", quiet())
time.sleep(1)
report("burst", burst())
