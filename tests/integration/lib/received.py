#!/usr/bin/python3
"""What the SMTP sink received, in the order it arrived: one line per mail,
"RCPT KIND", for a test to compare with what each contact should get.

Usage: received.py SINK [PREFIX=KIND...]

KIND is the letter by its subject: confirm (promoted when the letter says
a place came free), waitlist:N (the place its letter announces), withdrawn,
review (the acknowledgement), programme, invitation:N, update:N, cancel:N
(N the session), reminder:N@MM-DD or reminder:deadline@MM-DD (the local
date of its Date header), delivered (the text received); PREFIX=KIND names
further subjects (a template of aanmeld send); any other is ?SUBJECT.
"""
import email
import email.policy
import email.utils
import os
import re
import sys

sink = sys.argv[1]
extra = [a.split("=", 1) for a in sys.argv[2:]]
KINDS = [
    ("Wachtlijst", "waitlist"),
    ("Bevestiging afmelding", "withdrawn"),
    ("Ontvangen:", "review"),
    ("Programma gewijzigd:", "programme"),
    ("Uitnodiging:", "invitation"),
    ("Gewijzigd:", "update"),
    ("Vervallen:", "cancel"),
    ("Wij hebben", "delivered"),
]


def text(msg):
    body = msg.get_body(("plain",))
    return " ".join(body.get_content().split()) if body else ""


def kind_of(msg):
    subject = str(msg["Subject"])
    item = re.search(r"Sessie (\d)", subject)
    item = item.group(1) if item else ""
    if subject.startswith("Bevestiging deelname"):
        return "promoted" if "plaats vrijgekomen" in text(msg) else "confirm"
    if subject.startswith("Herinnering:"):
        date = email.utils.parsedate_to_datetime(msg["Date"])
        return "reminder:%s@%s" % (item or "deadline", date.strftime("%m-%d"))
    for prefix, kind in KINDS:
        if subject.startswith(prefix):
            if kind == "waitlist":
                place = re.search(r"op plaats (\d+)", text(msg))
                return "waitlist:" + (place.group(1) if place else "?")
            return kind + (":" + item if item else "")
    for prefix, kind in extra:
        if subject.startswith(prefix):
            return kind
    return "?" + subject.replace(" ", "_")


for n in sorted(int(f[:-4]) for f in os.listdir(sink) if f.endswith(".eml")):
    env = open(os.path.join(sink, "%d.env" % n)).read().split("\n")
    rcpt = [line[3:] for line in env if line.startswith("to ")]
    with open(os.path.join(sink, "%d.eml" % n), "rb") as f:
        msg = email.message_from_bytes(f.read(), policy=email.policy.default)
    print("%s %s" % (",".join(rcpt), kind_of(msg)))
