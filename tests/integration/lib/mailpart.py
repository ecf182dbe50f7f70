#!/usr/bin/python3
"""A part of each mail the SMTP sink received for an address, in the order
they arrived: those to ADDRESS whose subject starts with SUBJECT.

Usage: mailpart.py SINK ADDRESS SUBJECT WHAT

WHAT is text (the plain text as it is), words (the plain text on one
line, its white space folded), files (the names of its attachments, on
one line) or attachment:NAME (the text of the attachment NAME).
"""
import email
import email.policy
import os
import sys

sink, address, subject, what = sys.argv[1:5]


def part(msg):
    if what == "text":
        return msg.get_body(("plain",)).get_content().replace("\r", "")
    if what == "words":
        return " ".join(msg.get_body(("plain",)).get_content().split())
    if what == "files":
        return " ".join(a.get_filename() for a in msg.iter_attachments())
    if what.startswith("attachment:"):
        return "\n".join(a.get_content().replace("\r", "")
                         for a in msg.iter_attachments()
                         if a.get_filename() == what[11:])
    sys.exit("mailpart.py: no such part: " + what)


for n in sorted(int(f[:-4]) for f in os.listdir(sink) if f.endswith(".eml")):
    with open(os.path.join(sink, "%d.eml" % n), "rb") as f:
        msg = email.message_from_bytes(f.read(), policy=email.policy.default)
    if address in str(msg["To"]) and str(msg["Subject"]).startswith(subject):
        print(part(msg))
