#!/bin/sh
# The daemon against a second IMAP implementation and a real MTA, all on
# 127.0.0.1: Cyrus IMAP (tests/servers/cyrus.sh; "." separator, the
# INBOX. namespace) for the intake, every outcome folder, the staff
# decisions by folder, a UIDVALIDITY change (the mailbox recreated) and
# IDLE; Postfix (tests/servers/postfix.sh; STARTTLS, AUTH) relaying into
# the SMTP test server, for the confirmation and invitations arriving
# intact and for Postfix's own 5xx and 4xx replies and the sink's 4xx.
set -u
: "${AANMELD:?}" "${AANMELDD:?}"
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d /tmp/aanmeld-matrix.XXXXXX)
at_exit='postfix_stop "$work"; cyrus_stop "$work"'
trap cleanup EXIT
for lib in integration/lib/tap.sh integration/lib/common.sh \
	integration/lib/servers.sh integration/lib/matrix-checks.sh \
	servers/cyrus.sh servers/postfix.sh; do
	. "$srcdir/$lib"
done
daemon=

PKI_DIR=$work/pki
CA_FILE=$PKI_DIR/ca.pem
sh "$servers/ca.sh" "$PKI_DIR" >/dev/null
started() {	# started NAME COMMAND...: fail the test and stop unless it runs
	"$@" >"$work/start.log" 2>&1 && return 0
	cat "$work/start.log" >&2
	ok 1 "$1 starts"
	tap_done
	exit 1
}
started cyrus_start "$work"
smtp_start "$PKI_DIR/server" aanmeld:smtp-secret
started postfix_start "$work" "$smtp_port"
secret password "$CYRUS_PASSWORD"
secret smtp.password "$POSTFIX_PASSWORD"

srv() {	# srv FOLDER: the logical folder as Cyrus names it
	printf 'INBOX.%s' "$1" | tr / .
}
conf_spool=$work/spool
# the default, logical folders: the daemon maps them to Cyrus's INBOX.
conf aanmeld '[mailbox]' 'type = imap' \
	"url = imaps://localhost:$CYRUS_IMAPS_PORT/INBOX" "user = $CYRUS_USER" \
	"password_file = $work/password" "ca_file = $CA_FILE" 'timeout = 10' \
	'poll_interval = 600' \
	'[smtp]' 'transport = smtp' "url = smtp://localhost:$POSTFIX_PORT" \
	"user = $POSTFIX_USER" "password_file = $work/smtp.password" \
	"ca_file = $CA_FILE" 'envelope_from = bounces@vng.nl' 'timeout = 10' \
	'[classify]' 'trusted_authserv_id = mx.vng.nl'

cy() { cyrus_imap "$@"; }
deliver_cy() {	# deliver_cy ID FROM SUBJECT [HEADER]: into Cyrus's INBOX
	testmail "$@" | cy append INBOX
}
in_cy() {	# in_cy FOLDER ID: 1 when <ID@test.example> is in that folder
	cy search "$(srv "$1")" "$2@test.example"
}
S='Deelname praktijkproef GG & lokale inclusie'
sessions=$(grep -c '^\[session ' "$srcdir/../rules/programme.conf")

# --- Cyrus: intake and every outcome folder
deliver_cy e1 a.veldhuis@zwolle.nl "$S"
deliver_cy v2 info@gmail.com "$S"
deliver_cy v3 x@utrecht-gemeente.nl "$S"
deliver_cy v4 p@amsterdam.nl "Automatisch antwoord: $S" 'Auto-Submitted: auto-replied'
once
ok $? "aanmeldd --once on Cyrus exits 0"
for f in Beoordelen Beoordelen/Goedkeuren Beoordelen/Afwijzen Beoordelen/Negeren; do
	eq "Cyrus: folder $(srv "$f") exists" 1 "$(cy list | grep -c -x "$(srv "$f")")"
done
for pair in "e1 enrol Verwerkt" "v2 reject Afgewezen" "v3 review Beoordelen" \
	"v4 ignore Genegeerd"; do
	set -- $pair
	eq "Cyrus: $1 is $2" "$2" "$(sql "SELECT verdict FROM messages WHERE message_id = '$1@test.example'")"
	eq "Cyrus: $1 in $(srv "$3")" 1 "$(in_cy "$3" "$1")"
done
eq "Cyrus: nothing left in the inbox" 0 "$(cy count INBOX)"
check "Cyrus: the pass moved them all" grep -q "0 failed" "$work/aanmeld.out"
once
eq "Cyrus: a second pass changes nothing" 4 "$(sql "SELECT count(*) FROM messages")"

# --- Postfix: the confirmation and invitations, STARTTLS and AUTH, intact
eq "Postfix: the confirmation and $sessions invitations sent" "$((1 + sessions))" \
	"$(sql "SELECT count(*) FROM outbox WHERE rcpt = 'a.veldhuis@zwolle.nl' AND status = 'sent'")"
# with the answers to v2 (reject) and v3 (under review)
wait_for 10 yields "$((3 + sessions))" delivered
eq "Postfix: all of them and the two answers at the sink" "$((3 + sessions))" "$(delivered)"
intact=0
for id in $(sql "SELECT message_id FROM outbox WHERE status = 'sent'"); do
	f=$(grep -l -i "^Message-ID: <$id>" "$work/sink/"*.eml | head -n 1)
	sql "SELECT writefile('$work/raw', raw) FROM outbox WHERE message_id = '$id'" >/dev/null
	# Postfix adds its Received: on top; below it, what the daemon sent,
	# 7-bit clean (no 8BITMIME needed, nothing for an MTA to convert)
	$PY - "$work/raw" "$f" <<'EOF' && intact=$((intact + 1))
import sys
raw, got = (open(p, "rb").read() for p in sys.argv[1:3])
head, rest = got.split(b"\r\n", 1)
while rest[:1] in (b" ", b"\t"):
    rest = rest.split(b"\r\n", 1)[1]
open(sys.argv[2] + ".sent", "wb").write(rest)
sys.exit(not (head.startswith(b"Received: ") and rest == raw and
              max(len(l) for l in raw.split(b"\r\n")) <= 998 and
              max(raw) < 128))
EOF
done
eq "Postfix: every one arrived byte for byte, 7-bit, lines under 998" \
	"$((3 + sessions))" "$intact"
sent_file() {	# sent_file MESSAGE-ID: the sink's copy without Received:
	printf '%s.sent' "$(grep -l -i "^Message-ID: <$1>" "$work/sink/"*.eml | head -n 1)"
}
confirm=$(sql "SELECT message_id FROM outbox WHERE kind = 'confirm' AND rcpt = 'a.veldhuis@zwolle.nl'")
f=$(grep -l -i "^Message-ID: <$confirm>" "$work/sink/"*.eml)
env=${f%.eml}.env
check "Postfix: relayed by Postfix" grep -qx "helo mta.test" "$env"
check "Postfix: envelope from the bounce address" grep -qx "from bounces@vng.nl" "$env"
check "Postfix: to the sender" grep -qx "to a.veldhuis@zwolle.nl" "$env"
$PY "$srcdir/integration/lib/check-mail.py" confirm "$(sent_file "$confirm")" \
	a.veldhuis@zwolle.nl >"$work/check.out" 2>&1
ok $? "Postfix: the confirmation passes Python's parsers: $(cat "$work/check.out")"
good=0
for id in $(sql "SELECT message_id FROM outbox WHERE kind = 'invitation' AND rcpt = 'a.veldhuis@zwolle.nl'"); do
	$PY "$srcdir/integration/lib/check-mail.py" invitation "$(sent_file "$id")" \
		a.veldhuis@zwolle.nl >>"$work/check.out" 2>&1 && good=$((good + 1))
done
eq "Postfix: every invitation passes them" "$sessions" "$good"
check "Postfix: the daemon logged in with a password" \
	grep -q "sasl_method=\(PLAIN\|LOGIN\), sasl_username=$POSTFIX_USER" "$work/postfix.log"
check "Postfix: over TLS" grep -q "TLS connection established from localhost" "$work/postfix.log"
check "Postfix: taken as authenticated ESMTP over TLS" grep -q "with ESMTPSA" "$f"

# --- Cyrus: staff decisions by folder, moved as a mail client does
deliver_cy b1 y@amsterdam-gemeente.nl "$S"
deliver_cy c1 z@ede-gemeente.nl "$S"
once
cy move "$(srv Beoordelen)" "$(srv Beoordelen/Goedkeuren)" v3@test.example
ok $? "Cyrus: UID MOVE to $(srv Beoordelen/Goedkeuren)"
cy move "$(srv Beoordelen)" "$(srv Beoordelen/Afwijzen)" b1@test.example
cy move "$(srv Beoordelen)" "$(srv Beoordelen/Negeren)" c1@test.example
once
eq "approve: Utrecht enrolled" "GM0344|confirmed" \
	"$(sql "SELECT code, status FROM enrolments WHERE code = 'GM0344'")"
eq "approve: in $(srv Verwerkt)" 1 "$(in_cy Verwerkt v3)"
eq "approve: decided by mailbox" "decided|mailbox|approve" \
	"$(sql "SELECT status, decided_by, decision FROM review_items WHERE id = $(item_of v3)")"
eq "reject: decided by mailbox" "reject|mailbox" \
	"$(sql "SELECT decision, decided_by FROM review_items WHERE id = $(item_of b1)")"
eq "reject: in $(srv Afgewezen)" 1 "$(in_cy Afgewezen b1)"
eq "dismiss: decided by mailbox" "dismiss|mailbox" \
	"$(sql "SELECT decision, decided_by FROM review_items WHERE id = $(item_of c1)")"
eq "dismiss: in $(srv Genegeerd)" 1 "$(in_cy Genegeerd c1)"
eq "the decision folders are empty" "0 0 0" \
	"$(cy count "$(srv Beoordelen/Goedkeuren)") $(cy count "$(srv Beoordelen/Afwijzen)") $(cy count "$(srv Beoordelen/Negeren)")"

# --- Postfix's own replies, and the sink's 451 behind it
deliver_cy p1 refused@postfix.test "$S"
deliver_cy p2 later@postfix.test "$S"
printf 'tempfail 1\n' >"$work/sink/control"
deliver_cy p3 info@hotmail.com "$S"
once aanmeld "2021-04-01 11:00"
last() {	# last RCPT: status and reply of the answer to RCPT
	sql "SELECT status || ' ' || coalesce(last_error, '') FROM outbox WHERE rcpt = '$1'"
}
case $(last refused@postfix.test) in
failed*550*) ok 0 "Postfix 550: failed for good with the reply" ;;
*) ok 1 "Postfix 550: failed for good ($(last refused@postfix.test))" ;;
esac
eq "Postfix 550: a review item names the reply" 1 \
	"$(sql "SELECT count(*) FROM review_items WHERE reason LIKE '%550%' AND reason LIKE '%refused@postfix.test%'")"
case $(last later@postfix.test) in
queued*450*) ok 0 "Postfix 450: queued with the reply" ;;
*) ok 1 "Postfix 450: queued ($(last later@postfix.test))" ;;
esac
id=$(sql "SELECT message_id FROM outbox WHERE rcpt = 'info@hotmail.com'")
eq "sink 451: Postfix took it" "sent " "$(last info@hotmail.com)"
wait_for 10 grep -q "to=<info@hotmail.com>.*status=deferred.*451" "$work/postfix.log"
check "sink 451: Postfix deferred it" grep -q "to=<info@hotmail.com>.*status=deferred.*451" "$work/postfix.log"
postfix_flush "$work"
wait_for 10 yields 1 delivered "$id"
eq "sink 451: delivered by Postfix's retry, once" 1 "$(delivered "$id")"

# --- Cyrus: a UIDVALIDITY change (the user recreated, its mail restored)
# and IDLE, as on every server of the matrix (lib/matrix-checks.sh)
mx_deliver() { deliver_cy "$@"; }
mx_in() { in_cy "$@"; }
mx_count() {
	if [ "$1" = INBOX ]; then cy count INBOX; else cy count "$(srv "$1")"; fi
}
mx_recreate() { cy recreate && deliver_cy "$1" a.veldhuis@zwolle.nl "$S"; }
mx_uidvalidity() { cy uidvalidity INBOX; }
uidvalidity_check "Cyrus: " e1
idle_check "Cyrus: "

tap_done
