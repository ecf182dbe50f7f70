#!/bin/sh
# Every contact takes part: two municipalities enrol (a copy of the
# rules), and after session 1 staff give Utrecht a second contact with
# aanmeld contact add.  It gets the invitations of sessions 2 to 5 (none
# of session 1, no update of it), then the reminders and the update of
# session 4 as the first contact does; it declines session 3 and gets no
# reminder of it (the first contact does); its COUNTER (another time
# proposed) goes to review.  Staff remove it in June: CANCELs of the
# sessions still in its calendar, then nothing more.  aanmeldd --once
# --now T runs at chosen moments and sends over SMTP to the real test
# server; the test reads back every mail each contact received, in order.
set -u
: "${AANMELD:?}" "${AANMELDD:?}"
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d /tmp/aanmeld-contacts.XXXXXX)
. "$srcdir/integration/lib/tap.sh"
. "$srcdir/integration/lib/common.sh"
. "$srcdir/integration/lib/servers.sh"
trap cleanup EXIT
sh "$servers/ca.sh" "$work/pki" >/dev/null
smtp_start "$work/pki/server" aanmeld:smtp-secret

cp -R "$srcdir/../rules" "$work/rules"
chmod -R u+w "$work/rules"
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
once_ok() {	# once_ok TIME: one pass of the daemon at that moment, checked
	echo "--- $1" >>"$work/aanmeld.log"
	once aanmeld "$1"
	ok $? "aanmeldd --once --now '$1'"
}
S='Deelname praktijkproef GG & lokale inclusie'
A=j.jansen@utrecht.nl
A2=r.devries@utrecht.nl
B=p.pieters@zwolle.nl

# reply KEY ADDR SESSION METHOD PARTSTAT: itip_reply ... into the
# Maildir as KEY
reply() {
	itip_reply "$@" | into_maildir "$1"
}

# --- two municipalities enrol
testmail m1 "$A" "$S" | into_maildir 1.host
once_ok "2021-03-15 10:00"
testmail m2 "$B" "$S" | into_maildir 2.host
once_ok "2021-03-20 10:00"
once_ok "2021-04-06 13:30"
once_ok "2021-04-12 13:30"

# --- after session 1, staff add a second contact to Utrecht
T="2021-04-14 10:00"
cli contact add GM0344 "$A2"
ok $? "aanmeld contact add GM0344 $A2"
check "... says the daemon invites it" grep -q "invitations" "$work/cli.out"
eq "the audit names the user" 1 \
	"$(sql "SELECT count(*) FROM audit WHERE actor LIKE 'cli:%'
		AND what = 'contact add' AND gemeente = 'GM0344'
		AND detail LIKE '$A2 added to GM0344 Utrecht'")"
cli contact add GM0344 "$A2"
eq "a contact already: exit 1" 1 $?
check "... and says so" grep -q "a contact of GM0344 already" "$work/cli.err"
cli contact add GM0344 'x@utrecht.nl>, y@example.org'
eq "no plain address: exit 1" 1 $?
check "... and says so" grep -q "no plain e-mail address" "$work/cli.err"
cli contact add GM9999 a@b.nl
eq "a code of no municipality: exit 1" 1 $?
cli contact add GM0363 a@amsterdam.nl
eq "a municipality not enrolled: exit 1" 1 $?
check "... and says so" grep -q "GM0363 is not enrolled" "$work/cli.err"
cli contact remove GM0193 "$B"
eq "the last contact is kept: exit 1" 1 $?
check "... and the error names the withdrawal" grep -q "aanmeld withdraw" \
	"$work/cli.err"
cli contact frobnicate GM0344 "$A2"
eq "an unknown subcommand: usage, exit 2" 2 $?
eq "Utrecht has two contacts, Zwolle one" "2 1" \
	"$(sql "SELECT count(*) FROM contacts GROUP BY code ORDER BY code DESC" |
		tr '\n' ' ' | sed 's/ $//')"
once_ok "2021-04-14 10:05"

# --- the second contact declines session 3 and proposes another time
# for session 2; the first contact accepts session 3
reply 3.decline "$A2" 3 REPLY DECLINED
reply 4.counter "$A2" 2 COUNTER ACCEPTED
reply 5.accept "$A" 3 REPLY ACCEPTED
once_ok "2021-04-15 10:00"
eq "the decline: attendance" attendance "$(key_verdict 3.decline)"
eq "the attendance table" \
	"$A|session-3|accepted $A2|session-3|declined" \
	"$(sql "SELECT address, item, status FROM attendance ORDER BY address" |
		tr '\n' ' ' | sed 's/ $//')"
eq "the COUNTER: review" review "$(key_verdict 4.counter)"
check "... the reason says a new time is proposed" reasons 4.counter \
	'proposes another time (COUNTER)'
eq "... an open review item with the Dutch reason" 1 \
	"$(sql "SELECT count(*) FROM review_items r JOIN messages m
		ON m.id = r.message WHERE m.msgkey = '4.counter'
		AND r.status = 'open'")"
cli_on aanmeld --now "2021-04-15 10:05" queue >"$work/queue.out" 2>&1
ok $? "aanmeld queue"
# staff approve it: the item closes, no letter, no enrolment
counter=$(sql "SELECT r.id FROM review_items r JOIN messages m
	ON m.id = r.message WHERE m.msgkey = '4.counter'")
rows=$(sql "SELECT count(*) FROM outbox")
cli_on aanmeld --now "2021-04-15 10:06" approve "$counter" \
	>"$work/approve.out" 2>&1
ok $? "approve of the COUNTER exits 0"
check "... saying it closes without mail" grep -q "closed without mail" \
	"$work/approve.out"
eq "... the item decided" decided \
	"$(sql "SELECT status FROM review_items WHERE id = $counter")"
eq "... no mail queued for it" "$rows" "$(sql "SELECT count(*) FROM outbox")"
f=$(grep -l '^Subject: Ontvangen:' "$work/sink/"*.eml)
$PY -c 'import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(),
                             policy=email.policy.default)
print(" ".join(m.get_body(("plain",)).get_content().split()))' "$f" \
	>"$work/ack.txt"
check "the acknowledgement writes the moment the Dutch way" grep -q \
	"ontvangen op donderdag 15 april 2021 om 10.00 uur\." "$work/ack.txt"

once_ok "2021-04-22 13:30"
once_ok "2021-04-28 13:30"
once_ok "2021-05-20 13:30"
once_ok "2021-05-26 13:30"

# --- session 4 moves a day later
sed -i '/^\[session 4\]/,/^\[/{s/^start = .*/start = 2021-06-25 13:30/;s/^end = .*/end = 2021-06-25 15:30/}' \
	"$work/rules/programme.conf"
once_ok "2021-06-01 10:00"

# --- staff remove the second contact
T="2021-06-10 10:00"
cli contact remove GM0344 "$A2"
ok $? "aanmeld contact remove GM0344 $A2"
check "... two cancellations queued" grep -q "2 cancellations queued" \
	"$work/cli.out"
cli contact remove GM0344 "$A2"
eq "no such contact any more: exit 1" 1 $?
eq "the audit has the removal" 1 \
	"$(sql "SELECT count(*) FROM audit WHERE what = 'contact remove'
		AND detail = '$A2 removed from GM0344 Utrecht'")"
once_ok "2021-06-10 10:05"
once_ok "2021-06-18 13:30"
once_ok "2021-10-08 10:00"

# --- what each contact received, in order
received --seq
ok $? "read back every delivered mail"
inv="invitation:1#0 invitation:2#0 invitation:3#0 invitation:4#0 invitation:5#0"
first="reminder:1@04-06 reminder:1@04-12 reminder:2@04-22 reminder:2@04-28 reminder:3@05-20 reminder:3@05-26 update:4#1 programme reminder:4@06-18"
eq "$A received exactly this, in order" "confirm $inv $first" "$(got "$A")"
eq "$B received exactly this, in order" "confirm $inv $first" "$(got "$B")"
eq "$A2 (added after session 1, declined session 3, removed in June) received exactly this, in order" \
	"invitation:2#0 invitation:3#0 invitation:4#0 invitation:5#0 review reminder:2@04-22 reminder:2@04-28 update:4#1 programme cancel:4#2 cancel:5#1" \
	"$(got "$A2")"
mailpart "$A2" "Gewijzigd:" text >"$work/update.txt"
check "the update says what the session was" grep -q \
	"^Was:   donderdag 24 juni 2021, 13.30.15.30 uur" "$work/update.txt"
check "... and what it becomes" grep -q \
	"^Wordt: vrijdag 25 juni 2021, 13.30.15.30 uur" "$work/update.txt"
mailpart "$A" "Programma gewijzigd:" text >"$work/programme.txt"
check "the overview anew names the new time" grep -q \
	"vrijdag 25 juni 2021" "$work/programme.txt"
mailpart "$A" "Programma gewijzigd:" attachment:programma.ics |
	grep -E '^(UID|SEQUENCE):' >"$work/uids"
eq "its programma.ics: UIDs of its own for the sessions" 5 \
	"$(grep -c '^UID:aanmeld-[0-9a-f]*-programme-session-[1-5]@' "$work/uids")"
check "... and a SEQUENCE above the first overview's" grep -q '^SEQUENCE:1' \
	"$work/uids"
eq "nobody else received anything" 0 \
	"$(grep -v -e "^$A " -e "^$A2 " -e "^$B " "$work/received" | wc -l)"
eq "every outbox row sent once, or cancelled" \
	"$(sql "SELECT count(*) FROM outbox WHERE cancelled_at IS NULL")" \
	"$(delivered)"
eq "nothing failed or waits" 0 \
	"$(sql "SELECT count(*) FROM outbox WHERE status <> 'sent'
		AND cancelled_at IS NULL")"
eq "what the calendars hold: $A2's sessions cancelled" \
	"2|0|0 3|0|0 4|1|1 5|0|1" \
	"$(sql "SELECT number, sequence, cancelled FROM contact_items
		WHERE address = '$A2' ORDER BY number" | tr '\n' ' ' |
		sed 's/ $//')"

# --- Zwolle withdraws by mail: the confirmation threads to it
testmail wd "$B" 'Afmelding praktijkproef GG & lokale inclusie' |
	into_maildir 9.withdraw
once_ok "2021-10-08 10:30"
eq "Zwolle withdrawn" withdrawn \
	"$(sql "SELECT status FROM enrolments WHERE code = 'GM0193'")"
f=$(grep -l '^Subject: Bevestiging afmelding' "$work/sink/"*.eml)
eq "one confirmation of the withdrawal" 1 "$(echo "$f" | wc -l)"
check "... in reply to the withdrawal" grep -q '^In-Reply-To: <wd@test.example>' "$f"
check "... in its thread" grep -q '^References: .*<wd@test.example>' "$f"

# --- forget: nothing of the removed contact stays
T="2021-10-08 11:00"
cli forget "$A2"
ok $? "aanmeld forget $A2"
eq "no trace of $A2 in the contacts, the calendars or the audit" 0 \
	"$(sql "SELECT (SELECT count(*) FROM contact_items
		WHERE address = '$A2') + (SELECT count(*) FROM audit
		WHERE detail LIKE '%$A2%')")"

if [ "$failed" -gt 0 ]; then
	sed 's/^/# /' "$work/received"
	tail -n 60 "$work/aanmeld.log" | sed 's/^/# /'
fi
tap_done
