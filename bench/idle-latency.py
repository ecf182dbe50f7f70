#!/usr/bin/python3
"""From Dovecot accepting a mail to the mail appearing in Verwerkt.

Run by bench/idle.sh with aanmeldd waiting in IDLE.  Delivers one
enrolment at a time with doveadm save; the clock starts when doveadm
returns (Dovecot has the mail) and stops when an observer, asking STATUS
of Verwerkt every 10 ms on a connection of its own, sees the message
there.  The polling adds up to 10 ms, so the figure is an upper bound."""
import argparse
import socket
import ssl
import statistics
import subprocess
import time

p = argparse.ArgumentParser()
p.add_argument("--port", type=int, required=True)
p.add_argument("--ca", required=True)
p.add_argument("--user", required=True)
p.add_argument("--password", required=True)
p.add_argument("--doveadm", required=True)
p.add_argument("--count", type=int, default=20)
a = p.parse_args()

ctx = ssl.create_default_context(cafile=a.ca)
sock = ctx.wrap_socket(socket.create_connection(("localhost", a.port)),
                       server_hostname="localhost")
f = sock.makefile("rb")


def line():
    s = f.readline()
    if not s:
        raise SystemExit("observer: connection closed")
    return s.decode("utf-8", "replace").rstrip("\r\n")


def command(tag, text):
    sock.sendall(("%s %s\r\n" % (tag, text)).encode())
    while True:
        s = line()
        if s.startswith(tag + " "):
            if " OK" not in s:
                raise SystemExit("observer: %s" % s)
            return


def status():
    sock.sendall(b"s STATUS Verwerkt (MESSAGES)\r\n")
    n = None
    while True:
        s = line()
        if s.startswith("* STATUS"):
            n = int(s.rsplit("MESSAGES", 1)[1].strip(" )"))
        elif s.startswith("s "):
            return n


line()  # greeting
command("a1", 'LOGIN "%s" "%s"' % (a.user, a.password))
subject = "Deelname praktijkproef GG & lokale inclusie"
towns = ["utrecht.nl", "zwolle.nl", "almere.nl", "tilburg.nl", "breda.nl",
         "venlo.nl", "ede.nl", "delft.nl", "emmen.nl", "assen.nl"]
samples = []
for i in range(a.count):
    before = status()
    town = towns[i % len(towns)]
    msg = ("From: Griffie <griffie%d@%s>\r\nTo: GlobalGoals@VNG.nl\r\n"
           "Authentication-Results: mx.vng.nl; dmarc=pass header.from=%s\r\n"
           "Subject: %s\r\nMessage-ID: <idle.%d.%f@bench>\r\n"
           "Date: Thu, 01 Apr 2021 09:00:00 +0200\r\n\r\nGraag.\r\n"
           % (i, town, town, subject, i, time.time()))
    subprocess.run(a.doveadm.split() + ["save", "-u", a.user, "-m", "INBOX"],
                   input=msg.encode(), check=True)
    accepted = time.monotonic()
    while status() == before:
        if time.monotonic() - accepted > 30:
            raise SystemExit("not moved within 30 s")
        time.sleep(0.01)
    samples.append(time.monotonic() - accepted)
    time.sleep(0.3)
ms = sorted(s * 1000 for s in samples)
print("IDLE: Dovecot accepted -> moved to Verwerkt, %d mails: "
      "min %.0f ms, median %.0f ms, max %.0f ms"
      % (len(ms), ms[0], statistics.median(ms), ms[-1]))
