#!/bin/sh
# The programme runs itself, simulated from 15 March to 8 October 2021:
# six municipalities enrol at different moments (a copy of the rules with
# capacity 5 and enrolment open until the end of April), one withdraws by
# mail, enrols again (staff approve it onto the waiting list) and is
# promoted when another withdraws; session 3 moves (told to the running
# daemon by SIGHUP, after a broken edit it keeps out) and session 4 is
# called off (between two runs: a restart), and the daemon is down when
# the last reminder of session 5 falls due.  aanmeldd --once
# --now T runs at chosen moments and sends over SMTP to the real test
# server (tests/servers/smtp-server.py); the test then reads back every
# mail each contact received, in order: kind, item ("programme": the
# overview sent anew after a change), and for reminders the
# local time of their Date header (summer time: +0200, though the
# simulation starts in winter time).
set -u
: "${AANMELD:?}" "${AANMELDD:?}"
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d /tmp/aanmeld-programme.XXXXXX)
. "$srcdir/integration/lib/tap.sh"
. "$srcdir/integration/lib/common.sh"
. "$srcdir/integration/lib/servers.sh"
daemon=
trap cleanup EXIT
sh "$servers/ca.sh" "$work/pki" >/dev/null
smtp_start "$work/pki/server" aanmeld:smtp-secret

# the rules of the test: capacity 5, enrolment open until 30 April
cp -R "$srcdir/../rules" "$work/rules"
chmod -R u+w "$work/rules"
sed -i 's/^enrolment_closes = .*/enrolment_closes = 2021-04-30 23:59/' \
	"$work/rules/programme.conf"
grep -q '^capacity = 5$' "$work/rules/programme.conf"
ok $? "the test's programme has capacity 5"

secret smtp.password smtp-secret
cat >"$work/aanmeld.conf" <<EOC
[main]
rules = $work/rules
spool = spool
[smtp]
transport = smtp
url = smtp://localhost:$smtp_port
user = aanmeld
password_file = $work/smtp.password
ca_file = $work/pki/ca.pem
envelope_from = bounces@vng.nl
timeout = 10
[classify]
trusted_authserv_id = mx.vng.nl
EOC
mkdir -p "$work/spool/maildir/new" "$work/spool/maildir/tmp"
nmail=0
next_mail() {	# next_mail FROM SUBJECT: test mail m1, m2, ... as 1.host, ...
	nmail=$((nmail + 1))
	testmail "m$nmail" "$1" "$2" | into_maildir "$nmail.host"
}
runs=0
once_ok() {	# once_ok TIME: one pass of the daemon at that moment, checked
	runs=$((runs + 1))
	echo "--- $1" >>"$work/aanmeld.log"
	once aanmeld "$1"
	ok $? "aanmeldd --once --now '$1'"
}
S='Deelname praktijkproef GG & lokale inclusie'
W='Afmelding praktijkproef GG & lokale inclusie'
A=j.jansen@utrecht.nl
B=p.pieters@zwolle.nl
C=a.smit@amersfoort.nl
D=k.bakker@nijmegen.nl
E=m.visser@groningen.nl
F=r.mulder@tilburg.nl

# --- enrolment: four in winter time, one just after the change
next_mail "$A" "$S"
once_ok "2021-03-15 10:00"
next_mail "$B" "$S"
once_ok "2021-03-20 10:00"
next_mail "$C" "$S"
once_ok "2021-03-26 10:00"
next_mail "$D" "$S"
once_ok "2021-04-01 10:00"
next_mail "$E" "$S"
once_ok "2021-04-02 10:00"
before=$(delivered)
eq "five confirmations with five invitations each" 30 "$before"

# --- session 1 (13 April 13:30): 7 days before is 6 April 13:30 local
once_ok "2021-04-06 13:25"
eq "nothing before the reminder's moment" "$before" "$(delivered)"
once_ok "2021-04-06 13:30"
once_ok "2021-04-06 13:31"
once_ok "2021-04-12 13:30"

# --- the sixth enrols after session 1: waiting list
next_mail "$F" "$S"
once_ok "2021-04-20 10:00"
eq "aanmeld list: Tilburg on the waiting list" "waitlist" \
	"$(sql \
		"SELECT status FROM enrolments WHERE code = 'GM0855'")"

# --- Nijmegen withdraws by mail; Tilburg takes its place
next_mail "$D" "$W"
once_ok "2021-04-22 10:00"
eq "Nijmegen withdrawn, Tilburg confirmed" "withdrawn confirmed" \
	"$(sql "SELECT status FROM enrolments
		WHERE code IN ('GM0268', 'GM0855') ORDER BY code" | tr '\n' ' ' |
		sed 's/ $//')"
eq "one audit row each, actor mailbox" "promote withdraw" \
	"$(sql "SELECT what FROM audit
		WHERE actor = 'mailbox' ORDER BY what" | tr '\n' ' ' |
		sed 's/ $//')"
once_ok "2021-04-22 13:30"

# --- session 3 moves from 27 May 13:30 to 3 June 10:00, told to the
# running daemon by SIGHUP; a broken programme.conf first, which it keeps
# out
"$AANMELDD" $allow_root -c "$work/aanmeld.conf" -f --now "2021-04-23 10:00" \
	>"$work/daemon.log" 2>&1 &
daemon=$!
wait_for 60 grep -q "started" "$work/daemon.log"
ok $? "the daemon runs"
cp "$work/rules/programme.conf" "$work/programme.good"
printf '[session 9]\nstart = 31 juni\n' >>"$work/rules/programme.conf"
kill -HUP "$daemon"
wait_for 60 grep -q "keeping the old rules" "$work/daemon.log"
ok $? "SIGHUP with a broken programme: the old rules are kept"
check "... and the log says where" grep -q "programme.conf:[0-9]*:" \
	"$work/daemon.log"
cp "$work/programme.good" "$work/rules/programme.conf"
sed -i '/^\[session 3\]/,/^\[/{s/^start = .*/start = 2021-06-03 10:00/;s/^end = .*/end = 2021-06-03 12:00/}' \
	"$work/rules/programme.conf"
kill -HUP "$daemon"
wait_for 120 yields 5 sql "SELECT count(*) FROM outbox
	WHERE kind = 'invitation-update' AND status = 'sent'"
ok $? "SIGHUP: the moved session's update sent to the five confirmed"
kill -TERM "$daemon"
wait "$daemon"
ok $? "the daemon stops with exit 0"
daemon=
"$AANMELD" -c "$work/aanmeld.conf" --now "2021-04-23 11:00" remind --dry-run \
	>"$work/dry-run.out" 2>&1
ok $? "aanmeld remind --dry-run"
eq "the dry run lists each reminder to come once per contact" 45 \
	"$(grep -c 'planned' "$work/dry-run.out")"
grep -q "^2021-05-27 10:00	reminder-session	planned	GM0344 Utrecht	$A	session 3$" \
	"$work/dry-run.out"
ok $? "the dry run shows session 3's reminder at its new time"
n_before=$(sql "SELECT count(*) FROM outbox")
eq "the dry run queues nothing" "$n_before" \
	"$(sql "SELECT count(*) FROM outbox")"
next_mail "$D" "$S"
once_ok "2021-04-28 13:30"
eq "Nijmegen enrols again after its withdrawal: review" \
	"review withdrawn" "$(sql "SELECT verdict
		FROM messages ORDER BY id DESC LIMIT 1") $(sqlite3 \
		"$work/spool/aanmeld.db" "SELECT status FROM enrolments
		WHERE code = 'GM0268'")"
# staff approve it: every place is taken, so the waiting list, round 2
item=$(sql "SELECT id FROM review_items
	WHERE status = 'open' ORDER BY id DESC LIMIT 1")
"$AANMELD" -c "$work/aanmeld.conf" --now "2021-04-28 14:00" approve "$item" \
	>"$work/approve.out" 2>&1
ok $? "aanmeld approve: Nijmegen enrols again"
eq "Nijmegen on the waiting list in its second round" "waitlist 2" \
	"$(sql "SELECT status || ' ' || round
		FROM enrolments WHERE code = 'GM0268'")"
check "the audit says it enrolled again" grep -q "enrolled again" \
	"$work/approve.out"
once_ok "2021-05-20 13:30"	# the old time of session 3's first reminder
once_ok "2021-05-27 10:00"
once_ok "2021-06-02 10:00"
# --- Groningen withdraws: Nijmegen comes back in from the waiting list,
# invited anew (SEQUENCE two above the store's: after its CANCELs)
next_mail "$E" "$W"
once_ok "2021-06-10 10:00"
eq "Groningen withdrawn, Nijmegen confirmed again" "withdrawn confirmed" \
	"$(sql "SELECT status FROM enrolments
		WHERE code IN ('GM0014', 'GM0268') ORDER BY code" |
		tr '\n' ' ' | sed 's/ $//')"
once_ok "2021-06-17 13:30"
# --- session 4 is called off: a CANCEL to everyone invited, no reminder
sed -i '/^\[session 4\]/,/^link = /d' "$work/rules/programme.conf"
once_ok "2021-06-20 10:00"
once_ok "2021-06-23 13:30"
# the text deadline (15 August): 14 and 3 days before, at 09:00
once_ok "2021-08-01 09:00"
once_ok "2021-08-12 09:00"
once_ok "2021-09-09 13:30"
# down from 9 September until after session 5 began: no late reminder
once_ok "2021-09-16 14:00"
once_ok "2021-10-08 10:00"
eq "at most 30 runs" 1 "$([ "$runs" -le 30 ] && echo 1 || echo 0)"

# --- what each contact received, in order
received --seq --auto --time
ok $? "read back every delivered mail"
inv="invitation:1#0 invitation:2#0 invitation:3#0 invitation:4#0 invitation:5#0"
r1="reminder:1@04-06T13:30+0200 reminder:1@04-12T13:30+0200"
r2="reminder:2@04-22T13:30+0200"
rest="update:3#1 programme reminder:2@04-28T13:30+0200 reminder:3@05-27T10:00+0200 reminder:3@06-02T10:00+0200 reminder:4@06-17T13:30+0200 cancel:4#1 programme reminder:deadline@08-01T09:00+0200 reminder:deadline@08-12T09:00+0200 reminder:5@09-09T13:30+0200"
for who in A B C; do
	eval addr=\$$who
	eq "$addr received exactly this, in order" \
		"confirm $inv $r1 $r2 $rest" "$(got "$addr")"
done
eq "$E (withdrew in June) received exactly this, in order" \
	"confirm $inv $r1 $r2 update:3#1 programme reminder:2@04-28T13:30+0200 reminder:3@05-27T10:00+0200 reminder:3@06-02T10:00+0200 cancel:4#1 cancel:5#1 withdrawn" \
	"$(got "$E")"
eq "$D (withdrew, enrolled again, promoted) received exactly this, in order" \
	"confirm $inv $r1 cancel:2#1 cancel:3#1 cancel:4#1 cancel:5#1 withdrawn review waitlist:1 promoted invitation:4#2 invitation:5#2 reminder:4@06-17T13:30+0200 cancel:4#3 programme reminder:deadline@08-01T09:00+0200 reminder:deadline@08-12T09:00+0200 reminder:5@09-09T13:30+0200" \
	"$(got "$D")"
eq "$F (waiting list, promoted) received exactly this, in order" \
	"waitlist:1 promoted invitation:2#0 invitation:3#0 invitation:4#0 invitation:5#0 $r2 $rest" \
	"$(got "$F")"
{
	mailpart "$F" "Bevestiging deelname" words
	mailpart "$F" "Bevestiging deelname" files
} >"$work/promoted.txt"
check "$F's confirmation says a place came free" grep -q \
	"er is een plaats vrijgekomen" "$work/promoted.txt"
check "... with the programme as programma.ics" grep -qx "programma.ics" \
	"$work/promoted.txt"
eq "nobody else received anything" 0 \
	"$(grep -v -e "^$A " -e "^$B " -e "^$C " -e "^$D " -e "^$E " -e "^$F " \
		"$work/received" | wc -l)"
eq "every outbox row sent once" \
	"$(sql "SELECT count(*) FROM outbox")" \
	"$(delivered)"
eq "nothing failed or waits" 0 \
	"$(sql \
		"SELECT count(*) FROM outbox WHERE status <> 'sent'")"

# --- the clock from the environment; --now wins
AANMELD_NOW="2021-09-10 10:00" "$AANMELD" -c "$work/aanmeld.conf" \
	remind --dry-run >"$work/env.out" 2>&1
eq "AANMELD_NOW: the last reminder of session 5 still to come" 5 \
	"$(grep -c '^2021-09-15 13:30	reminder-session	planned	' "$work/env.out")"
AANMELD_NOW="2021-09-10 10:00" "$AANMELD" -c "$work/aanmeld.conf" \
	--now "2021-10-08 10:00" remind --dry-run >"$work/now.out" 2>&1
eq "--now wins over AANMELD_NOW: nothing to come" 1 \
	"$(wc -l <"$work/now.out")"

# --- staff: withdraw and promote by hand; a withdrawal from elsewhere
T="2021-10-08 11:00"
cli withdraw GM0014
eq "withdraw: Groningen has withdrawn already" 1 $?
cli promote
eq "promote: the waiting list is empty" 1 $?
cli withdraw GM0000
eq "withdraw: an unknown code" 1 $?
rows=$(sql "SELECT count(*) FROM outbox")
cli withdraw GM0344
eq "aanmeld withdraw GM0344" 0 $?
eq "after the programme: only the confirmation of the withdrawal" \
	"$((rows + 1)),withdrawn" \
	"$(sql "SELECT count(*) FROM outbox"),$(
		sql \
			"SELECT kind FROM outbox ORDER BY id DESC LIMIT 1")"
eq "the audit names the user" 1 \
	"$(sql "SELECT count(*) FROM audit
		WHERE actor LIKE 'cli:%' AND what = 'withdraw'
		AND gemeente = 'GM0344'")"
next_mail x.de.vries@amsterdam.nl "$W"
once_ok "2021-10-08 12:00"
eq "a withdrawal from a municipality that is not enrolled: review" \
	"review" "$(sql "SELECT verdict
		FROM messages ORDER BY id DESC LIMIT 1")"
eq "Amersfoort, Nijmegen, Tilburg and Zwolle still take part" 4 \
	"$(sql "SELECT count(*) FROM enrolments
		WHERE status = 'confirmed'")"

if [ "$failed" -gt 0 ]; then
	sed 's/^/# /' "$work/received"
	tail -n 40 "$work/aanmeld.log" | sed 's/^/# /'
	sed 's/^/# daemon: /' "$work/daemon.log"
fi
tap_done
