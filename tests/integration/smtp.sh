#!/bin/sh
# The outbox over real SMTP: aanmeldd sends to tests/servers/smtp-server.py
# (aiosmtpd) on 127.0.0.1 with STARTTLS from a test CA and AUTH.  Checks
# the confirmation and the invitations (envelope, headers, the calendar
# parsed back), 451 then accepted, 550 and aanmeld retry, a connection
# dropped after DATA, an untrusted certificate, a hostile display name,
# and the sample mails in tests/data.
set -u
: "${AANMELD:?}" "${AANMELDD:?}"
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d /tmp/aanmeld-smtp.XXXXXX)
. "$srcdir/integration/lib/tap.sh"
. "$srcdir/integration/lib/common.sh"
. "$srcdir/integration/lib/servers.sh"
trap cleanup EXIT
sh "$servers/ca.sh" "$work/pki" >/dev/null
start_server() {	# start_server CERT: the sink with that certificate
	smtp_start "$work/pki/$1" aanmeld:smtp-secret
}
start_server server
secret smtp.password smtp-secret
cat >"$work/aanmeld.conf" <<EOF
[main]
rules = $srcdir/../rules
spool = spool
[smtp]
transport = smtp
url = smtp://localhost:$smtp_port
user = aanmeld
password_file = $work/smtp.password
ca_file = $work/pki/ca.pem
envelope_from = bounces@vng.nl
timeout = 5
[classify]
trusted_authserv_id = mx.vng.nl
EOF
mkdir -p "$work/spool/maildir/new" "$work/spool/maildir/tmp"
file_of() {	# file_of MESSAGE-ID: the sink's file holding it
	grep -l -i "^Message-ID: <$1>" "$work/sink/"*.eml 2>/dev/null | head -n 1
}
S='Deelname praktijkproef GG & lokale inclusie'
sessions=$(grep -c '^\[session ' "$srcdir/../rules/programme.conf")
# parsed RCPT FILE WHAT1 WHAT2: the confirmation FILE to RCPT passes
# Python's parsers (test WHAT1), and so does every invitation to RCPT
# (WHAT2: one for each session)
parsed() {
	$PY "$srcdir/integration/lib/check-mail.py" confirm "$2" "$1" >"$work/check.out" 2>&1
	ok $? "$3: $(cat "$work/check.out")"
	good=0
	for id in $(sql "SELECT message_id FROM outbox WHERE rcpt = '$1' AND kind = 'invitation'"); do
		$PY "$srcdir/integration/lib/check-mail.py" invitation "$(file_of "$id")" "$1" \
			>>"$work/check.out" 2>&1 && good=$((good + 1))
	done
	eq "$4" "$sessions" "$good"
}

# --- a confirmation and its invitations over STARTTLS with AUTH
mail 1000.a.host utrecht@utrecht.nl "$S"
once
ok $? "aanmeldd --once sends over SMTP"
eq "the confirmation and $sessions invitations delivered" $((1 + sessions)) \
	"$(ls "$work/sink" | grep -c '\.eml$')"
confirm=$(sql "SELECT message_id FROM outbox WHERE kind = 'confirm'")
f=$(file_of "$confirm")
env=${f%.eml}.env
check "envelope: MAIL FROM the bounce address" grep -qx "from bounces@vng.nl" "$env"
check "envelope: RCPT TO the sender" grep -qx "to utrecht@utrecht.nl" "$env"
check "over TLS" grep -qx "tls yes" "$env"
check "after AUTH" grep -qx "auth aanmeld" "$env"
check "threaded to the enrolment" grep -q '^In-Reply-To: <1000.a.host@test.example>' "$f"
parsed utrecht@utrecht.nl "$f" "the confirmation passes Python's parsers" \
	"every invitation passes Python's parsers"
cp "$f" "$work/sample-confirmation.eml"
cp "$(file_of "$(sql "SELECT message_id FROM outbox WHERE kind = 'invitation' ORDER BY id LIMIT 1")")" \
	"$work/sample-invitation.eml"
# AANMELD_SAVE_SAMPLES=1 makes these the new samples in tests/data
if [ -n "${AANMELD_SAVE_SAMPLES:-}" ]; then
	cp "$work/sample-confirmation.eml" "$work/sample-invitation.eml" "$srcdir/data/"
fi
eq "one connection for all of them" 1 "$(sed -n 's/^connections //p' "$work/sink/stats")"

# --- the samples in tests/data: what aanmeld sends, for a mail client
$PY "$srcdir/integration/lib/check-mail.py" confirm "$srcdir/data/sample-confirmation.eml" \
	utrecht@utrecht.nl >"$work/sample.out" 2>&1
ok $? "tests/data/sample-confirmation.eml is a valid confirmation: $(cat "$work/sample.out")"
$PY "$srcdir/integration/lib/check-mail.py" invitation "$srcdir/data/sample-invitation.eml" \
	utrecht@utrecht.nl >"$work/sample.out" 2>&1
ok $? "tests/data/sample-invitation.eml is a valid invitation: $(cat "$work/sample.out")"
skeleton() {	# the header names and MIME types of a mail, in order
	grep -a -E '^[A-Za-z-]+:|^Content-Type:' "$1" | grep -a -v -E '^(Date|Message-ID|In-Reply-To|References):' |
		sed 's/:.*//' | tr '\n' ' '
}
eq "the confirmation sent has the sample's structure" \
	"$(skeleton "$srcdir/data/sample-confirmation.eml")" "$(skeleton "$work/sample-confirmation.eml")"
eq "the invitation sent has the sample's structure" \
	"$(skeleton "$srcdir/data/sample-invitation.eml")" "$(skeleton "$work/sample-invitation.eml")"

# --- 451 for a while, then accepted: delivered exactly once
printf 'tempfail 1\n' >"$work/sink/control"
mail 1001.b.host info@gmail.com "$S"
once
id=$(sql "SELECT message_id FROM outbox WHERE rcpt = 'info@gmail.com'")
eq "451: not delivered yet" 0 "$(delivered "$id")"
check "451: queued with the server's reply" sh -c "sqlite3 '$work/spool/aanmeld.db' \"SELECT last_error FROM outbox WHERE message_id = '$id' AND status = 'queued'\" | grep -q 451"
once aanmeld "2021-04-01 10:05"
eq "451: delivered on the next try, once" 1 "$(delivered "$id")"
once aanmeld "2021-04-01 10:30"
eq "451: and only once" 1 "$(delivered "$id")"

# --- 550: failed for good, a review item, aanmeld retry sends it
printf 'reject info@hotmail.com\n' >"$work/sink/control"
mail 1002.c.host info@hotmail.com "$S"
once aanmeld "2021-04-01 11:00"
id=$(sql "SELECT message_id FROM outbox WHERE rcpt = 'info@hotmail.com'")
eq "550: failed" failed "$(sql "SELECT status FROM outbox WHERE message_id = '$id'")"
eq "550: a review item names the reply" 1 \
	"$(sql "SELECT count(*) FROM review_items WHERE reason LIKE '%550%' AND reason LIKE '%info@hotmail.com%'")"
"$AANMELD" -c "$work/aanmeld.conf" outbox >"$work/outbox.out" 2>&1
check "550: aanmeld outbox shows it" grep -q "info@hotmail.com.*failed" "$work/outbox.out"
printf 'accept\n' >"$work/sink/control"
row=$(sql "SELECT id FROM outbox WHERE message_id = '$id'")
# due from 11:09 on, so the run at 11:10 finds it due however slowly
# each program starts (the clock set with --now runs on)
"$AANMELD" -c "$work/aanmeld.conf" --now "2021-04-01 11:09" retry "$row" >/dev/null 2>&1
ok $? "aanmeld retry $row"
once aanmeld "2021-04-01 11:10"
eq "after retry: delivered once" 1 "$(delivered "$id")"
"$AANMELD" -c "$work/aanmeld.conf" retry "$row" >/dev/null 2>&1
eq "retry of a sent mail is refused" 1 $?

# --- the connection dropped after DATA: tried again
printf 'drop-after-data 1\n' >"$work/sink/control"
mail 1003.d.host info@yahoo.com "$S"
once aanmeld "2021-04-01 12:00"
id=$(sql "SELECT message_id FROM outbox WHERE rcpt = 'info@yahoo.com'")
eq "dropped: still queued" queued "$(sql "SELECT status FROM outbox WHERE message_id = '$id'")"
once aanmeld "2021-04-01 12:10"
eq "dropped: delivered on the next try, once" 1 "$(delivered "$id")"

# --- a hostile display name and subject are composed safely
mail 1004.e.host jan@zwolle.nl "$S" 'Reply-To: x@zwolle.nl'
# (the CR kept: a bare LF among CRLF lines would be refused)
sed -i 's/^From: [^\r]*/From: =?UTF-8?B?'"$(printf 'Jan\r\nBcc: evil@example.org "quoted" \303\215jsselmeer' | base64 -w0)"'?= <jan@zwolle.nl>/' \
	"$work/spool/maildir/new/1004.e.host"
once aanmeld "2021-04-01 13:00"
id=$(sql "SELECT message_id FROM outbox WHERE rcpt = 'jan@zwolle.nl' AND kind = 'confirm'")
f=$(file_of "$id")
check "hostile name: no Bcc header appears" sh -c "! grep -a -i -q '^Bcc:' '$f'"
check "hostile name: the To header is encoded" grep -a -q '^To: =?UTF-8?' "$f"
parsed jan@zwolle.nl "$f" "hostile name: the confirmation is well-formed" \
	"hostile name: every invitation keeps one ATTENDEE"

# --- an untrusted certificate: nothing sent, the reason logged
start_server untrusted
mail 1005.f.host info@outlook.com "$S"
once aanmeld "2021-04-01 14:00"
id=$(sql "SELECT message_id FROM outbox WHERE rcpt = 'info@outlook.com'")
eq "untrusted: not delivered" 0 "$(delivered "$id")"
check "untrusted: the reason names the certificate" sh -c "sqlite3 '$work/spool/aanmeld.db' \"SELECT last_error FROM outbox WHERE message_id = '$id'\" | grep -q -i certificate"
start_server server
once aanmeld "2021-04-01 14:10"
eq "trusted again: delivered once" 1 "$(delivered "$id")"

tap_done
