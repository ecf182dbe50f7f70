#!/usr/bin/python3
"""What the SMTP sink received, in the order it arrived: one line per mail,
"RCPT KIND", for a test to compare with what each contact should get.

Usage: received.py SINK [--seq] [--auto] [--time] [PREFIX=KIND...]

KIND is the letter by its subject: confirm (promoted when the letter says
a place came free), waitlist:N (the place its letter announces), withdrawn,
review (the acknowledgement), programme, invitation:N, update:N, cancel:N
(N the session), reminder:N@MM-DD or reminder:deadline@MM-DD (the local
date of its Date header), delivered (the text received); PREFIX=KIND names
further subjects (a template of aanmeld send); any other is ?SUBJECT.
--seq adds #SEQUENCE to an invitation, update or cancel; --auto a "!" to a
withdrawn, invitation, update, cancel or reminder (letters the programme
sends by itself) without Auto-Submitted: auto-generated; --time the
reminder's local time and zone (reminder:N@MM-DDTHH:MM+ZZZZ).
"""
import email
import email.policy
import email.utils
import os
import re
import sys

flags = {a for a in sys.argv[1:] if a in ("--seq", "--auto", "--time")}
args = [a for a in sys.argv[1:] if a not in flags]
sink = args[0]
extra = [a.split("=", 1) for a in args[1:]]
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
INVITES = ("invitation", "update", "cancel")
LETTERS = ("withdrawn", "invitation", "update", "cancel", "reminder")


def text(msg):
    body = msg.get_body(("plain",))
    return " ".join(body.get_content().split()) if body else ""


def sequence(msg):
    cal = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
    if "--seq" not in flags or not cal:
        return ""
    m = re.search(r"SEQUENCE:(\d+)", cal[0].get_content())
    return "#" + (m.group(1) if m else "?")


def kind_of(msg):
    subject = str(msg["Subject"])
    item = re.search(r"Sessie (\d)", subject)
    item = item.group(1) if item else ""
    if subject.startswith("Bevestiging deelname"):
        return "promoted" if "plaats vrijgekomen" in text(msg) else "confirm"
    if subject.startswith("Herinnering:"):
        date = email.utils.parsedate_to_datetime(msg["Date"])
        when = "%m-%dT%H:%M%z" if "--time" in flags else "%m-%d"
        return "reminder:%s@%s" % (item or "deadline", date.strftime(when))
    for prefix, kind in KINDS:
        if subject.startswith(prefix):
            if kind == "waitlist":
                place = re.search(r"op plaats (\d+)", text(msg))
                return "waitlist:" + (place.group(1) if place else "?")
            seq = sequence(msg) if kind in INVITES else ""
            return kind + (":" + item if item else "") + seq
    for prefix, kind in extra:
        if subject.startswith(prefix):
            return kind
    return "?" + subject.replace(" ", "_")


for n in sorted(int(f[:-4]) for f in os.listdir(sink) if f.endswith(".eml")):
    env = open(os.path.join(sink, "%d.env" % n)).read().split("\n")
    rcpt = [line[3:] for line in env if line.startswith("to ")]
    with open(os.path.join(sink, "%d.eml" % n), "rb") as f:
        msg = email.message_from_bytes(f.read(), policy=email.policy.default)
    kind = kind_of(msg)
    mark = ""
    if ("--auto" in flags and msg["Auto-Submitted"] != "auto-generated" and
            kind.split(":")[0] in LETTERS):
        mark = "!"
    print("%s %s%s" % (",".join(rcpt), kind, mark))
