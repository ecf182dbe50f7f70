#!/usr/bin/python3
"""Checks a mail aanmeld sent, with Python's own parsers (email,
icalendar): a second opinion on what compose.c and calendar.c write.

  check-mail.py confirm FILE RCPT       the confirmation, with programma.ics
  check-mail.py invitation FILE RCPT    an iMIP invitation (METHOD:REQUEST)

Prints what is wrong and exits 1, or prints "ok" and exits 0."""
import email
import email.policy
import sys

import icalendar

kind, path, rcpt = sys.argv[1], sys.argv[2], sys.argv[3].lower()
raw = open(path, "rb").read()
problems = []


def want(cond, what):
    if not cond:
        problems.append(what)


want(b"\n" not in raw.replace(b"\r\n", b""), "a bare LF")
want(all(len(l) <= 998 for l in raw.split(b"\r\n")), "a line over 998")
msg = email.message_from_bytes(raw, policy=email.policy.default)
head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii", "replace")
names = [l.split(":", 1)[0] for l in head.split("\r\n")
         if l and not l[0].isspace()]
allowed = {"Date", "From", "To", "Subject", "Message-ID", "In-Reply-To",
           "References", "Auto-Submitted", "X-Auto-Response-Suppress",
           "MIME-Version", "Content-Type", "Content-Transfer-Encoding"}
want(set(names) <= allowed, "unexpected header fields %s"
     % sorted(set(names) - allowed))
want(len(names) == len(set(names)), "a header field twice")
want(msg["From"].addresses[0].addr_spec == "GlobalGoals@VNG.nl", "From")
want(msg["To"].addresses[0].addr_spec.lower() == rcpt, "To")
want(msg["X-Auto-Response-Suppress"] == "All", "X-Auto-Response-Suppress")
want(msg["Message-ID"].startswith("<aanmeld."), "Message-ID")
want(msg["In-Reply-To"] is not None, "In-Reply-To")
text = msg.get_body(("plain",))
want(text is not None and "Met vriendelijke groet" in text.get_content(),
     "the Dutch text")


def calendar_parts(method):
    return [p for p in msg.walk() if p.get_content_type() == "text/calendar"
            and p.get_param("method") == method]


if kind == "confirm":
    want(msg["Auto-Submitted"] == "auto-replied", "Auto-Submitted")
    want(msg.get_content_type() == "multipart/mixed", "multipart/mixed")
    parts = calendar_parts("PUBLISH")
    want(len(parts) == 1, "one programma.ics")
    if parts:
        want(parts[0].get_filename() == "programma.ics", "its file name")
        cal = icalendar.Calendar.from_ical(parts[0].get_content())
        want(cal["METHOD"] == "PUBLISH", "METHOD:PUBLISH")
        events = cal.walk("VEVENT")
        want(len(events) >= 5, "the sessions in programma.ics")
        want(all("ATTENDEE" not in e for e in events), "no ATTENDEE")
elif kind == "invitation":
    want(msg["Auto-Submitted"] == "auto-generated", "Auto-Submitted")
    # the text and the calendar as alternatives, and the calendar once
    # more as the attachment invite.ics
    want(msg.get_content_type() == "multipart/mixed", "multipart/mixed")
    want([p.get_content_type() for p in msg.iter_parts()] ==
         ["multipart/alternative", "application/ics"],
         "multipart/alternative, then application/ics")
    parts = calendar_parts("REQUEST")
    want(len(parts) == 1, "one text/calendar; method=REQUEST")
    att = [p for p in msg.iter_attachments()
           if p.get_filename() == "invite.ics"]
    want(len(att) == 1 and
         att[0].get("Content-Disposition", "").startswith("attachment"),
         "invite.ics as an attachment")
    if parts and att:
        want(att[0].get_content() == parts[0].get_content().encode()
             if isinstance(att[0].get_content(), bytes)
             else att[0].get_content() == parts[0].get_content(),
             "invite.ics is the inline calendar")
    if parts:
        cal = icalendar.Calendar.from_ical(parts[0].get_content())
        want(cal["METHOD"] == "REQUEST", "METHOD:REQUEST")
        want(len(cal.walk("VTIMEZONE")) == 1 and
             cal.walk("VTIMEZONE")[0]["TZID"] == "Europe/Amsterdam",
             "VTIMEZONE Europe/Amsterdam")
        ev = cal.walk("VEVENT")
        want(len(ev) == 1, "one VEVENT")
        if ev:
            e = ev[0]
            want(str(e["DTSTART"].params.get("TZID")) == "Europe/Amsterdam",
                 "DTSTART with TZID")
            want(e["DTEND"].dt > e["DTSTART"].dt, "DTEND after DTSTART")
            want(str(e["UID"]).startswith("aanmeld-"), "UID")
            want(int(e["SEQUENCE"]) == 0, "SEQUENCE")
            want("DTSTAMP" in e, "DTSTAMP")
            want(str(e["ORGANIZER"]).lower() == "mailto:globalgoals@vng.nl",
                 "ORGANIZER")
            att = e.get("ATTENDEE")
            want(att is not None and not isinstance(att, list),
                 "one ATTENDEE")
            if att is not None and not isinstance(att, list):
                want(str(att).lower() == "mailto:" + rcpt, "ATTENDEE address")
                want(att.params.get("RSVP") == "TRUE", "RSVP=TRUE")
            want(str(e["SUMMARY"]) == str(msg["Subject"]).replace(
                "Uitnodiging: ", "", 1), "SUMMARY is the session title")
            want("https://" in str(e.get("LOCATION", "")), "the link")
else:
    sys.exit("unknown kind " + kind)
if problems:
    print("%s: %s" % (path, "; ".join(problems)))
    sys.exit(1)
print("ok")
