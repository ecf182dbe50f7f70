#!/bin/sh
# The desk on sample mail, on the embedded default (a Maildir in, a SQLite
# file, mail written as files; no servers).  Installs what is missing,
# builds, fills demo/spool/maildir from contrib/demo-mail and runs the daemon
# once with the clock at 1 April 2021, then shows what happened.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sh contrib/deps.sh
sh contrib/build.sh _build/demo
bin=$top/_build/demo/src
rm -rf demo
mkdir -p demo/spool/maildir/new demo/spool/maildir/cur demo/spool/maildir/tmp
ln -s ../rules demo/rules
i=0
for f in contrib/demo-mail/*.eml; do
	i=$((i + 1))
	# Maildir names start with the delivery time, so the order is kept
	cp "$f" "demo/spool/maildir/new/$((1617000000 + i)).demo$i.localhost"
done
cd demo
export AANMELD_NOW="2021-04-01 10:00"
# a demo in a folder of its own: as root it says so (see aanmeldd(8))
root_opt=
if [ "$(id -u)" = 0 ]; then root_opt=--allow-root; fi
"$bin/aanmeldd" $root_opt --once 2>aanmeldd.log
grep '^cycle' aanmeldd.log | sed 's/^/aanmeldd: /'
echo "(the daemon's log of every decision: demo/aanmeldd.log)"
echo
echo "== Every message and its verdict (aanmeld messages)"
"$bin/aanmeld" messages | column -t -s "$(printf '\t')"
echo
echo "== Enrolled municipalities (aanmeld list)"
"$bin/aanmeld" list | column -t -s "$(printf '\t')"
echo
echo "== For staff to review (aanmeld queue)"
"$bin/aanmeld" queue | cut -f1,3,4,7 | column -t -s "$(printf '\t')"
echo
echo "== Mail written to spool/outbox"
for f in spool/outbox/*.eml; do
	# unfold the header lines before picking To and Subject
	hdr=$(sed '/^\r*$/q' "$f" | tr -d '\r' | awk '/^[ \t]/ { l = l $0; next } { if (l != "") print l; l = $0 } END { print l }')
	to=$(printf '%s\n' "$hdr" | grep -m1 '^To:' | cut -c5-)
	subj=$(printf '%s\n' "$hdr" | grep -m1 '^Subject:' | cut -c10-)
	printf '%s\n    to %s\n    %s\n' "$f" "$to" "$subj"
done
echo
echo "== The confirmation to Zwolle, as the mail client shows it"
f=$(grep -l '^To:.*zwolle.nl' spool/outbox/*.eml | xargs grep -l '^Subject: Bevestiging' | head -n 1)
sed -n '/^Subject:/p' "$f"
echo
# the text part is quoted-printable: decode it for reading (the other
# parts are the calendar, programma.ics, for the mail client)
awk '/^Content-Type: text\/plain/ { on = 1 } on && /^\r?$/ && !body { body = 1; next }
	body && /^--=_aanmeld/ { exit } body' "$f" |
	perl -MMIME::QuotedPrint -0777 -ne 'print decode_qp($_)' | tr -d '\r'
echo "(with programma.ics attached; every session also came as a calendar"
echo " invitation of its own: the Uitnodiging mails above)"
echo
echo "== Folders of the Maildir"
for d in spool/maildir/.[A-Z]*; do
	# Maildir++ writes Beoordelen/Goedkeuren as .Beoordelen.Goedkeuren
	name=$(printf '%s' "${d#spool/maildir/.}" | tr . /)
	printf '%-22s %s message(s)\n' "$name" "$(ls "$d/cur" | wc -l)"
done
echo
echo "Run it again: nothing changes (every message is known):"
"$bin/aanmeld" run --once 2>/dev/null
echo
echo "The staff's pages on this demo (aanmeld-web; see README, Quick start):"
echo "  cd demo && ../_build/demo/src/aanmeld user add anna"
echo "  AANMELD_NOW=\"$AANMELD_NOW\" ../_build/demo/src/aanmeld-web -d $root_opt"
echo "  then open http://127.0.0.1:8080/ and log in as anna"
