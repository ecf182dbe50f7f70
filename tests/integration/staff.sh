#!/bin/sh
# Telling staff, end to end with the real daemon (--once --now) and the
# real SMTP server tests/servers/smtp-server.py: the daily summary
# (review items, new enrolments, the waiting list, failed mail) goes out
# once per day at 09:00 and only with something new; with a real Dovecot
# stopped for longer than [staff] warn_after, exactly one warning goes out
# over SMTP while IMAP is down, and one note when it works again;
# `aanmeld status` and its exit codes in both states.
set -u
: "${AANMELD:?}" "${AANMELDD:?}"
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d /tmp/aanmeld-staff.XXXXXX)
. "$srcdir/integration/lib/tap.sh"
. "$srcdir/integration/lib/common.sh"
. "$srcdir/integration/lib/servers.sh"
trap cleanup EXIT
sh "$servers/ca.sh" "$work/pki" >/dev/null
smtp_start "$work/pki/server" aanmeld:smtp-secret
secret smtp.password smtp-secret

staff_conf() {	# staff_conf NAME STAFF-ADDRESS [MAILBOX-LINES]: $work/NAME.conf
	conf "$1" '[mailbox]' "${3:-type = maildir}" '[smtp]' \
		'transport = smtp' "url = smtp://localhost:$smtp_port" \
		'user = aanmeld' "password_file = $work/smtp.password" \
		"ca_file = $work/pki/ca.pem" 'envelope_from = bounces@vng.nl' \
		'timeout = 5' '[classify]' 'trusted_authserv_id = mx.vng.nl' \
		'[staff]' "address = $2" 'warn_after = 30'
}
status() {	# status NAME TIME: aanmeld status into $work/status.out
	cli_on "$1" --now "$2" status >"$work/status.out" 2>&1
}
to() {	# to ADDRESS: how many mails the server accepted for it
	grep -l -x "to $1" "$work/sink/"*.env 2>/dev/null | wc -l
}
mail_to() {	# mail_to ADDRESS N: the Nth mail for ADDRESS, decoded
	file=$(grep -l -x "to $1" "$work/sink/"*.env 2>/dev/null | sort | sed -n "${2}p")
	$PY - "${file%.env}.eml" <<'EOF'
import email, sys
from email import policy
with open(sys.argv[1], 'rb') as f:
    m = email.message_from_binary_file(f, policy=policy.default)
for h in ('From', 'To', 'Subject', 'Auto-Submitted'):
    print('%s: %s' % (h, m[h]))
print()
print(m.get_content())
EOF
}
S='Deelname praktijkproef GG & lokale inclusie'

# --- the summary: one at 09:00, listing each kind of news
staff_conf sum staff@vng.nl
md=$work/spool-sum/maildir
mkdir -p "$md/new" "$md/tmp"
printf 'reject info@hotmail.com\n' >"$work/sink/control"
k=0
for d in utrecht.nl zwolle.nl ede.nl almere.nl apeldoorn.nl amsterdam.nl; do
	k=$((k + 1))
	testmail "e$k" "griffie@$d" "$S" | into_maildir "e$k" "$md"
done
testmail r1 x@utrecht-gemeente.nl "$S" | into_maildir r1 "$md"
testmail f1 info@hotmail.com "$S" | into_maildir f1 "$md"
once sum "2021-04-01 10:00"
ok $? "day 1: aanmeldd --once exits 0"
eq "day 1: five enrolled, Amsterdam on the waiting list" "5|GM0363" \
	"$(sql sum "SELECT count(*) FILTER (WHERE status = 'confirmed'), group_concat(code) FILTER (WHERE status = 'waitlist') FROM enrolments")"
eq "day 1: the answer to info@hotmail.com failed (550)" failed \
	"$(sql sum "SELECT status FROM outbox WHERE rcpt = 'info@hotmail.com'")"
eq "day 1: no summary on the first run (after 09:00)" 0 "$(to staff@vng.nl)"

once sum "2021-04-02 08:50"
eq "day 2, 08:50: no summary before 09:00" 0 "$(to staff@vng.nl)"
once sum "2021-04-02 09:00"
ok $? "day 2, 09:00: aanmeldd --once exits 0"
eq "day 2, 09:00: one summary delivered over SMTP" 1 "$(to staff@vng.nl)"
eq "day 2: its outbox key names the day" "summary:2021-04-02|staff-summary|sent" \
	"$(sql sum "SELECT key, kind, status FROM outbox WHERE rcpt = 'staff@vng.nl'")"
mail_to staff@vng.nl 1 >"$work/summary1.txt" 2>&1
check "summary: from the event's address" grep -q '^From: .*GlobalGoals@VNG.nl' "$work/summary1.txt"
check "summary: marked auto-generated" grep -qx 'Auto-Submitted: auto-generated' "$work/summary1.txt"
check "summary: a Dutch subject with the count to review" \
	grep -qx 'Subject: Overzicht aanmeldingen 2 april 2021: 1 te beoordelen' "$work/summary1.txt"
check "summary: formal Dutch" grep -q '^Geachte collega,' "$work/summary1.txt"
check "summary: the review item's sender" grep -q 'Van: *x@utrecht-gemeente.nl' "$work/summary1.txt"
check "summary: its suggested municipality" grep -q 'Gemeente: *waarschijnlijk Utrecht (GM0344)' "$work/summary1.txt"
check "summary: its reason in Dutch" grep -q 'Reden: *het afzenderdomein utrecht-gemeente.nl lijkt op' "$work/summary1.txt"
check "summary: no English reason left" sh -c "! grep -q 'looks like\|subject matches' '$work/summary1.txt'"
check "summary: the new enrolments" grep -q '^  - Zwolle (GM0193), op 1 april 2021' "$work/summary1.txt"
eq "summary: all six new enrolments" 6 "$(grep -c '^  - .*(GM[0-9]*), op ' "$work/summary1.txt")"
check "summary: the waiting list" grep -q '^  1. Amsterdam (GM0363), sinds 1 april 2021' "$work/summary1.txt"
check "summary: places taken" grep -q 'Bezette plaatsen: 5 van 5' "$work/summary1.txt"
check "summary: the failed mail" grep -q '^  - afwijzing aan info@hotmail.com van 1 april 2021' "$work/summary1.txt"
check "summary: the refusal in Dutch, not the server's English reply" sh -c "grep -q '^    De ontvangende mailserver weigerde de e-mail' '$work/summary1.txt' && ! grep -q '550 5.1.1' '$work/summary1.txt'"
check "summary: the command only as a hint for the operator" grep -q '^    Voor de beheerder: aanmeld retry [0-9]' "$work/summary1.txt"
check "summary: the news sections" sh -c "grep -q '^Afmeldingen (' '$work/summary1.txt' && grep -q '^Van de wachtlijst naar een plaats (' '$work/summary1.txt' && grep -q '^Antwoorden op uitnodigingen (' '$work/summary1.txt' && grep -q '^Ingeleverde teksten (0)' '$work/summary1.txt' && grep -q '^Teruggekomen e-mail (0)' '$work/summary1.txt'"
check "summary: what to do" grep -q 'Beoordelen/Goedkeuren' "$work/summary1.txt"
check "summary: and whom to ask" grep -q 'beheerder' "$work/summary1.txt"
long=$(awk 'length > 76' "$work/summary1.txt" | wc -l)
eq "summary: no line over 76 characters" 0 "$long"

# --- aanmeld show: headers, text, verdict and reasons, what was sent
id=$(sql sum "SELECT id FROM messages WHERE from_addr = 'x@utrecht-gemeente.nl'")
"$AANMELD" -c "$work/sum.conf" show "$id" >"$work/show.out" 2>&1
ok $? "show $id"
check "show: the header fields" grep -q '^  Message-ID: *r1@test.example$' "$work/show.out"
check "show: Authentication-Results" grep -q '^  Authentication-Results: *mx.vng.nl; dmarc=pass' "$work/show.out"
check "show: the text" grep -q '^  | Graag melden wij ons aan' "$work/show.out"
check "show: the verdict" grep -q '^verdict *review$' "$work/show.out"
check "show: the reasons" grep -q '^reasons .*looks like utrecht.nl' "$work/show.out"
check "show: the review item in Dutch" grep -q '^  in Dutch *het afzenderdomein utrecht-gemeente.nl lijkt op' "$work/show.out"
check "show: the answer sent and when" grep -q '^  sent_at *2021-04-01 10:00' "$work/show.out"
id=$(sql sum "SELECT id FROM messages WHERE from_addr = 'info@hotmail.com'")
"$AANMELD" -c "$work/sum.conf" show "$id" >"$work/show.out" 2>&1
check "show: a failed answer with the server's reply" grep -q '^  last_error .*550 5.1.1' "$work/show.out"

testmail r2 y@zwolle-gemeente.nl "$S" | into_maildir r2 "$md"
once sum "2021-04-02 09:30"
eq "day 2, 09:30: a new review item, but still one summary that day" 1 "$(to staff@vng.nl)"
once sum "2021-04-02 18:00"
eq "day 2, 18:00: still one" 1 "$(to staff@vng.nl)"
once sum "2021-04-03 09:00"
eq "day 3, 09:00: the news of day 2 in a second summary" 2 "$(to staff@vng.nl)"
mail_to staff@vng.nl 2 >"$work/summary2.txt" 2>&1
check "day 3: the summary lists the new item" grep -q 'Van: *y@zwolle-gemeente.nl' "$work/summary2.txt"
check "day 3: since the previous summary" grep -q 'het vorige overzicht (2 april 2021, 09.00 uur)' "$work/summary2.txt"
eq "day 3: no enrolment is new" 1 "$(grep -c -x 'Nieuwe aanmeldingen (0)' "$work/summary2.txt")"
once sum "2021-04-04 09:00"
eq "day 4, 09:00: nothing new, no summary" 2 "$(to staff@vng.nl)"
once sum "2021-04-04 14:00"
eq "day 4, 14:00: none either" 2 "$(to staff@vng.nl)"
eq "every summary row has its own day" "summary:2021-04-02 summary:2021-04-03" \
	"$(sql sum "SELECT group_concat(key, ' ') FROM (SELECT key FROM outbox WHERE kind = 'staff-summary' ORDER BY id)")"

# --- aanmeld status with failed mail, then with none
status sum "2021-04-04 14:05"
eq "status: exit 1 while a mail has failed" 1 $?
check "status: says so" grep -q '^health: *PROBLEM: 1 mail failed' "$work/status.out"
check "status: the last poll and its age" grep -E -q '^last poll: *2021-04-04 14:00 \((4|5) min ago\)' "$work/status.out"
check "status: the outbox" grep -q '^outbox: *0 queued, 1 failed' "$work/status.out"
check "status: the open review items" grep -q '^review: *3 open items' "$work/status.out"
check "status: the staff address and the last summary" \
	grep -q '^staff: *staff@vng.nl, summary at 09:00, last sent 2021-04-03 09:00' "$work/status.out"
printf 'accept\n' >"$work/sink/control"
row=$(sql sum "SELECT id FROM outbox WHERE rcpt = 'info@hotmail.com'")
"$AANMELD" -c "$work/sum.conf" --now "2021-04-04 14:09" retry "$row" >/dev/null 2>&1
once sum "2021-04-04 14:10"
status sum "2021-04-04 14:12"
eq "status: exit 0 once the mail went out" 0 $?
check "status: healthy" grep -q '^health: *ok$' "$work/status.out"
"$AANMELD" -c "$work/sum.conf" status --help >"$work/help.out" 2>&1
eq "status --help: exit 0" 0 $?
check "status --help: explains the exit status" grep -q 'Exit status: 0 healthy; 1 when' "$work/help.out"
"$AANMELD" -c "$work/sum.conf" status extra >/dev/null 2>&1
eq "status with an extra argument: exit 2" 2 $?

# --- the mailbox down for longer than warn_after: one warning over SMTP
dovecot_start
secret imap.password "$IMAP_PASSWORD"
staff_conf imap ops@vng.nl "type = imap
url = imaps://localhost:$IMAPS_PORT/INBOX
user = $IMAP_USER
password_file = $work/imap.password
ca_file = $CA_FILE
timeout = 10"
once imap "2021-04-05 10:00"
ok $? "IMAP up: aanmeldd --once exits 0"
status imap "2021-04-05 10:01"
eq "IMAP up: status exits 0" 0 $?
check "IMAP up: status healthy" grep -q '^health: *ok$' "$work/status.out"
sh "$servers/dovecot.sh" stop-imap "$dv" >/dev/null 2>&1
once imap "2021-04-05 10:10"
eq "IMAP down 10 min: aanmeldd --once exits 1" 1 $?
eq "IMAP down 10 min: no warning yet" 0 "$(to ops@vng.nl)"
status imap "2021-04-05 10:15"
eq "IMAP down 15 min: status still exits 0 (under warn_after)" 0 $?
check "IMAP down 15 min: status shows the failing since" grep -q '^failing since: *2021-04-05 10:10' "$work/status.out"
once imap "2021-04-05 10:31"
eq "IMAP down 31 min: exactly one warning delivered over SMTP" 1 "$(to ops@vng.nl)"
eq "IMAP down 31 min: recorded as sent" "staff-warning|sent" \
	"$(sql imap "SELECT kind, status FROM outbox WHERE rcpt = 'ops@vng.nl'")"
mail_to ops@vng.nl 1 >"$work/warning.txt" 2>&1
check "warning: a Dutch subject" grep -qx 'Subject: Let op: de aanmeldbalie kan de mailbox niet lezen' "$work/warning.txt"
check "warning: since the last good poll" grep -q 'Sinds 5 april 2021, 10.00 uur' "$work/warning.txt"
check "warning: what failed, in Dutch" grep -q '^  De mailbox kon niet worden gelezen; aanmeld probeert' "$work/warning.txt"
check "warning: not the English detail" sh -c "! grep -q 'localhost' '$work/warning.txt'"
check "warning: nothing is lost" grep -q 'niets verloren' "$work/warning.txt"
status imap "2021-04-05 10:35"
eq "IMAP down 35 min: status exits 1" 1 $?
check "IMAP down: status names the stalled poll" grep -E -q '^health: *PROBLEM: no successful poll for 3[45] min' "$work/status.out"
check "IMAP down: status lists the error" grep -q '^  2021-04-05 10:3[0-9]:[0-9][0-9]  2x  intake: ' "$work/status.out"
check "IMAP down: status shows the warning" grep -q 'warned of the mailbox at 2021-04-05 10:31' "$work/status.out"
once imap "2021-04-05 10:45"
once imap "2021-04-05 11:30"
eq "IMAP down 90 min: still exactly one warning" 1 "$(to ops@vng.nl)"
sh "$servers/dovecot.sh" start "$dv" >/dev/null 2>&1
once imap "2021-04-05 11:40"
ok $? "IMAP back: aanmeldd --once exits 0"
eq "IMAP back: one note that it works again" 1 \
	"$(sql imap "SELECT count(*) FROM outbox WHERE rcpt = 'ops@vng.nl' AND kind = 'staff-recovered' AND status = 'sent'")"
eq "IMAP back: two mails to staff in all" 2 "$(to ops@vng.nl)"
mail_to ops@vng.nl 2 >"$work/recovered.txt" 2>&1
check "recovered: a Dutch subject" grep -qx 'Subject: De aanmeldbalie werkt weer' "$work/recovered.txt"
once imap "2021-04-05 11:50"
eq "IMAP back: no further mail" 2 "$(to ops@vng.nl)"
status imap "2021-04-05 11:51"
eq "IMAP back: status exits 0" 0 $?
check "IMAP back: the errors are still listed" grep -q '  intake: ' "$work/status.out"
sh "$servers/dovecot.sh" stop-imap "$dv" >/dev/null 2>&1
once imap "2021-04-05 12:30"
eq "a second outage: its own warning" 3 "$(to ops@vng.nl)"

tap_done
