#!/bin/sh
# The IMAP mailbox against a real Dovecot on 127.0.0.1 (tests/servers),
# with its own CA: enrolment end to end, every verdict's folder, IDLE,
# Dovecot stopped and started under the daemon, SIGKILL during a backlog,
# a UIDVALIDITY change, XOAUTH2, keywords instead of moves, the dry run,
# an oversize message, and the refusals (untrusted, expired or misnamed
# certificate, wrong password, a password file others can read).
set -u
: "${AANMELD:?}" "${AANMELDD:?}"
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d /tmp/aanmeld-imap.XXXXXX)
. "$srcdir/integration/lib/tap.sh"
. "$srcdir/integration/lib/common.sh"
. "$srcdir/integration/lib/servers.sh"
daemon=
daemon_signal=KILL
trap cleanup EXIT
# the backlog for the SIGKILL test; smaller under valgrind, which is slow.
# A batch of 100 is recorded at once, and a pass that starts again takes
# the rest fast: large enough that every kill lands with work left
backlog=${IMAP_BACKLOG:-1500}

dovecot_start
secret password "$IMAP_PASSWORD"

imap_conf() {	# imap_conf NAME URL [EXTRA-LINES]: $work/NAME.conf on Dovecot
	conf "$1" '[mailbox]' 'type = imap' "url = $2" "user = $IMAP_USER" \
		"password_file = $work/password" "ca_file = $CA_FILE" \
		'timeout = 10' 'poll_interval = 600' "${3:-}" \
		'[classify]' 'trusted_authserv_id = mx.vng.nl'
}
S='Deelname praktijkproef GG & lokale inclusie'
url="imaps://localhost:$IMAPS_PORT/INBOX"

# --- enrolment end to end over IMAPS
imap_conf main "$url"
deliver_mail e1 a.veldhuis@zwolle.nl "$S"
once main
ok $? "aanmeldd --once over IMAPS exits 0"
eq "Zwolle enrolled" "GM0193|confirmed" \
	"$(sql main "SELECT code, status FROM enrolments")"
eq "the message is in Verwerkt" 1 "$(count Verwerkt)"
eq "the inbox is empty" 0 "$(count INBOX)"
eq "one confirmation queued and written" 1 \
	"$(sql main "SELECT count(*) FROM outbox WHERE status = 'sent' AND kind = 'confirm'")"
flags=$(doveadm fetch -u "$IMAP_USER" flags mailbox Verwerkt all)
case $flags in *Seen*) ok 1 "fetching leaves \\Seen unset ($flags)" ;;
*) ok 0 "fetching leaves \\Seen unset" ;; esac
eq "UIDVALIDITY and last UID saved" "$(doveadm mailbox status -u "$IMAP_USER" uidvalidity INBOX | sed 's/.*=//')|1" \
	"$(sql main "SELECT uidvalidity, last_uid FROM mailbox_state")"
once main
eq "a second pass changes nothing" 1 "$(sql main "SELECT count(*) FROM messages")"

# --- every verdict to its folder
deliver_mail v1 p.degraaf@utrecht.nl "$S"
deliver_mail v2 info@gmail.com "$S"
deliver_mail v3 x@utrecht-gemeente.nl "$S"
deliver_mail v4 p@amsterdam.nl "Automatisch antwoord: $S" 'Auto-Submitted: auto-replied'
deliver_mail v5 a.veldhuis@zwolle.nl "$S"
once main
for pair in "enrol Verwerkt" "duplicate Verwerkt" "reject Afgewezen" \
	"review Beoordelen" "ignore Genegeerd"; do
	v=${pair% *}
	f=${pair#* }
	id=$(sql main "SELECT message_id FROM messages WHERE verdict = '$v' ORDER BY id DESC LIMIT 1")
	found=$(doveadm search -u "$IMAP_USER" mailbox "$f" header message-id "$id" | wc -l)
	eq "$v: <$id> in $f" 1 "$found"
done
eq "nothing left in the inbox" 0 "$(count INBOX)"

# --- the dry run decides but stores, sends and moves nothing
deliver_mail d1 griffie@ede.nl "$S"
before=$(sql main "SELECT count(*) FROM messages")
"$AANMELDD" $allow_root -c "$work/main.conf" --dry-run --now "2021-04-01 10:00" \
	>"$work/dry.out" 2>"$work/dry.err"
ok $? "--dry-run exits 0"
check "--dry-run prints the decision" grep -q "griffie@ede.nl.enrol.Verwerkt.confirm to griffie@ede.nl" "$work/dry.out"
eq "--dry-run stores nothing" "$before" "$(sql main "SELECT count(*) FROM messages")"
eq "--dry-run moves nothing" 1 "$(count INBOX)"
check "--dry-run leaves no temporary files" sh -c "! ls -d /tmp/aanmeld-dry-run.* 2>/dev/null | grep -q ."
once main

# --- an oversize message is fetched by its header and goes to review
{
	testmail big griffie@ede.nl "$S"
	head -c 27000000 /dev/zero | tr '\0' 'x' | fold -w 76
} | deliver
once main
eq "oversize: review" review \
	"$(sql main "SELECT verdict FROM messages WHERE message_id = 'big@test.example'")"
check "oversize: the reason names the size" sh -c "sqlite3 '$work/spool-main/aanmeld.db' \"SELECT reasons FROM messages WHERE message_id = 'big@test.example'\" | grep -q exceeds"
eq "oversize: moved to Beoordelen" 1 \
	"$(doveadm search -u "$IMAP_USER" mailbox Beoordelen header message-id big@test.example | wc -l)"

# --- IDLE: new mail is processed without waiting for the poll (600 s)
"$AANMELDD" $allow_root -c "$work/main.conf" -f --now "2021-04-01 10:00" \
	>"$work/daemon.log" 2>&1 &
daemon=$!
wait_for 20 grep -q "connected to" "$work/daemon.log"
sleep 0.5 # into IDLE
in=$(count Verwerkt)
t0=$(date +%s%N)
deliver_mail idle1 griffie@almere.nl "$S"
wait_for 20 sh -c "[ \"\$($DOVEADM mailbox status -u $IMAP_USER messages Verwerkt | sed 's/.*=//')\" -gt $in ]"
ok $? "IDLE: mail processed while the daemon waits"
t1=$(date +%s%N)
echo "# IDLE: accepted to moved in $(( (t1 - t0) / 1000000 )) ms"

# --- Dovecot stopped and started again under the running daemon
drop() {	# drop ID FROM SUBJECT: straight into the Maildir (no server)
	testmail "$@" >"$MAILDIR/new/$(date +%s).$1.test"
	chown "$DOVECOT_MAIL_USER" "$MAILDIR/new/"*".$1.test" 2>/dev/null
}
sh "$servers/dovecot.sh" stop-imap "$dv" >/dev/null 2>&1
sleep 2
drop down1 griffie@apeldoorn.nl "$S"
sh "$servers/dovecot.sh" start "$dv" >/dev/null 2>&1
wait_for 40 sh -c "[ \"\$(sqlite3 '$work/spool-main/aanmeld.db' \"SELECT count(*) FROM messages WHERE message_id = 'down1@test.example'\")\" = 1 ]"
ok $? "after a Dovecot restart the mail is processed"
check "the reconnection is logged" grep -q "connected to localhost again after" "$work/daemon.log"
lost=$(grep -c "retrying with a growing delay" "$work/daemon.log")
check "each failure is logged once ($lost lines)" test "$lost" -le 2
kill "$daemon"
wait "$daemon"
ok $? "SIGTERM: exit 0"
daemon=

# --- the outbox goes on while the mailbox is down
# Due an hour before the pass: the --now clock runs on from 10:00 in
# every run, so a row made late in a slow earlier run (valgrind) would
# otherwise lie in this pass's future.
sql main "INSERT INTO outbox (key, message, kind, message_id, envelope_from, rcpt, raw, created_at, next_try) SELECT 'down-test', message, kind, 'down-test@vng.nl', envelope_from, rcpt, raw, created_at, created_at - 3600 FROM outbox WHERE kind = 'confirm' LIMIT 1"
sh "$servers/dovecot.sh" stop-imap "$dv" >/dev/null 2>&1
once main
eq "IMAP down: aanmeldd --once exits 1" 1 $?
check "IMAP down: the reason is logged" grep -q "connection to localhost.*refused" "$work/main.out"
eq "IMAP down: the outbox still sends" sent \
	"$(sql main "SELECT status FROM outbox WHERE key = 'down-test'")"
check "IMAP down: the mail is written" test -f "$work/spool-main/outbox/down-test@vng.nl.eml"
sh "$servers/dovecot.sh" start "$dv" >/dev/null 2>&1

# --- SIGKILL at random points during a backlog: exactly once
imap_conf kill "$url"
i=0
while [ "$i" -lt "$backlog" ]; do
	i=$((i + 1))
	gm=$(sed -n "$((i % 300 + 2))p" "$srcdir/../rules/gemeenten.tsv" | cut -f4 | cut -d' ' -f1 | cut -d, -f1)
	[ -n "$gm" ] || gm=gmail.com
	[ $((i % 7)) = 0 ] && gm=example.org
	testmail "k$i" "user$i@$gm" "$S" >"$work/k.eml"
	cat "$work/k.eml"
	printf '\001\n'
done | awk -v dir="$MAILDIR/new" 'BEGIN { RS = "\001\n"; n = 0 }
	{ n++; f = sprintf("%s/%d.k%d.test", dir, 1700000000 + n, n); printf "%s", $0 > f; close(f) }'
chown -R "$DOVECOT_MAIL_USER" "$MAILDIR/new" 2>/dev/null
eq "backlog of $backlog messages in the inbox" "$backlog" "$(count INBOX)"
# kill when the count of recorded messages passes points spread over the
# backlog, each moved by a random amount, so the kills land mid-work
kills=0
step=$((backlog / 10))
for k in 1 2 3 4 5; do
	at=$((k * step + $(od -An -N2 -tu2 /dev/urandom) % (step / 2 + 1)))
	"$AANMELDD" $allow_root -c "$work/kill.conf" -f --now "2021-04-01 10:00" \
		>>"$work/kill.log" 2>&1 &
	daemon=$!
	t=0
	while [ "$t" -lt 600 ] &&
		[ "$(sql kill "SELECT count(*) FROM messages" 2>/dev/null || echo 0)" -lt "$at" ]; do
		sleep 0.05
		t=$((t + 1))
	done
	kill -9 "$daemon" 2>/dev/null && kills=$((kills + 1))
	wait "$daemon" 2>/dev/null
	daemon=
	echo "# kill $k at $(sql kill "SELECT count(*) FROM messages") recorded (aimed at $at)"
done
eq "five kills with work left" 5 "$kills"
left=$(sql kill "SELECT count(*) FROM messages")
check "the kills left work undone ($left of $backlog recorded)" test "$left" -lt "$backlog"
# an hour on: every killed run's clock started at 10:00 and ran on, so
# the mail a slow one queued late would lie in a 10:00 pass's future
once kill "2021-04-01 11:00"
ok $? "after the kills one pass finishes"
eq "every message recorded once" "$backlog" \
	"$(sql kill "SELECT count(DISTINCT message_id) FROM messages")"
eq "no message recorded twice" "$backlog" "$(sql kill "SELECT count(*) FROM messages")"
eq "no enrolment doubled" 0 \
	"$(sql kill "SELECT count(*) FROM (SELECT code FROM enrolments GROUP BY code HAVING count(*) > 1)")"
eq "no answer doubled" 0 \
	"$(sql kill "SELECT count(*) FROM (SELECT message FROM outbox WHERE kind <> 'invitation' GROUP BY message HAVING count(*) > 1)")"
sessions=$(grep -c '^\[session ' "$srcdir/../rules/programme.conf")
eq "no invitation doubled or missing" 0 \
	"$(sql kill "SELECT count(*) FROM (SELECT message FROM outbox WHERE kind = 'invitation' AND message IS NOT NULL GROUP BY message HAVING count(*) <> $sessions)")"
# a municipality's further contacts: invited by the scheduler, once each
eq "no further contact's invitation doubled or missing" 0 \
	"$(sql kill "SELECT count(*) FROM (SELECT rcpt FROM outbox WHERE kind = 'invitation' AND message IS NULL GROUP BY rcpt HAVING count(*) <> $sessions)")"
eq "every answer sent" 0 "$(sql kill "SELECT count(*) FROM outbox WHERE status <> 'sent'")"
eq "the inbox is empty" 0 "$(count INBOX)"
moved=$(doveadm search -u "$IMAP_USER" mailbox '*' header message-id '@test.example' | grep -c .)
total=$(sql kill "SELECT count(*) FROM messages")
processed=$(sql main "SELECT count(*) FROM messages")
eq "every message in exactly one folder" $((total + processed)) "$moved"

# --- UIDVALIDITY changed under it: known mail is a no-op, and the
# places of before keep their arrival
sql kill "SELECT count(*) FROM outbox WHERE kind <> 'invitation'" >"$work/outbox.before"
old=$(sql kill "SELECT message_id FROM messages WHERE verdict = 'waitlist' LIMIT 1")
places_sql="SELECT group_concat(code || ':' || arrival, ' ') FROM (SELECT e.code, e.arrival FROM enrolments e JOIN messages m ON m.id = e.message WHERE m.message_id <> 'u1@test.example' ORDER BY e.arrival)"
places_before=$(sql kill "$places_sql")
check "enrolments of before have an arrival" test -n "$places_before"
doveadm move -u "$IMAP_USER" INBOX mailbox Verwerkt header message-id "$old"
sh "$servers/dovecot.sh" uidvalidity "$dv" 4242 >/dev/null 2>&1
deliver_mail u1 griffie@zeist.nl "$S"
once kill
check "the change is logged" grep -q "UIDVALIDITY of INBOX changed" "$work/kill.out"
eq "the new message recorded" 1 \
	"$(sql kill "SELECT count(*) FROM messages WHERE message_id = 'u1@test.example'")"
check "the old message is known" grep -q "is known as message" "$work/kill.out"
eq "one answer more, not two" $(($(cat "$work/outbox.before") + 1)) \
	"$(sql kill "SELECT count(*) FROM outbox WHERE kind <> 'invitation'")"
eq "the new UIDVALIDITY saved" 4242 \
	"$(sql kill "SELECT uidvalidity FROM mailbox_state")"
eq "the enrolments of before keep their arrival" "$places_before" \
	"$(sql kill "$places_sql")"
check "and the new message arrives after them" test \
	"$(sql kill "SELECT arrival > (SELECT max(arrival) FROM enrolments) FROM messages WHERE message_id = 'u1@test.example'")" = 1
eq "the inbox is empty again" 0 "$(count INBOX)"

# --- STARTTLS, and plain IMAP to loopback with tls = none
imap_conf starttls "imap://localhost:$IMAP_PORT/INBOX"
deliver_mail s1 griffie@venlo.nl "$S"
once starttls
ok $? "STARTTLS on imap:// works"
imap_conf plain "imap://127.0.0.1:$IMAP_PORT/INBOX" "tls = none"
deliver_mail p1 griffie@venlo.nl "Uitnodiging webinar"
once plain
ok $? "tls = none to 127.0.0.1 works"

# --- keep_in_inbox: a keyword instead of a move, and no second look
imap_conf keep "$url" "keep_in_inbox = yes"
deliver_mail kw1 griffie@vught.nl "$S"
once keep
kw=$(doveadm fetch -u "$IMAP_USER" flags mailbox INBOX header message-id kw1@test.example)
case $kw in *Verwerkt*) ok 0 "keep_in_inbox: marked Verwerkt" ;;
*) ok 1 "keep_in_inbox: marked Verwerkt ($kw)" ;; esac
once keep
eq "keep_in_inbox: recorded once" 1 "$(sql keep "SELECT count(*) FROM messages WHERE message_id = 'kw1@test.example'")"
check "keep_in_inbox: the next pass fetched nothing" sh -c "! grep -q 'is known' '$work/keep.out'"
doveadm expunge -u "$IMAP_USER" mailbox INBOX all

# --- XOAUTH2 with a token from the token endpoint, renewed when rejected
printf 's3cret\n' >"$work/secret"
chmod 600 "$work/secret"
imap_conf oauth "$url" "auth = xoauth2
[oauth2]
token_url = $TOKEN_URL
client_id = aanmeld
client_secret_file = $work/secret"
deliver_mail o1 griffie@velsen.nl "$S"
once oauth
ok $? "XOAUTH2 login works"
eq "XOAUTH2: the mail processed" 1 "$(sql oauth "SELECT count(*) FROM messages")"
"$AANMELDD" $allow_root -c "$work/oauth.conf" -f --now "2021-04-01 10:00" \
	>"$work/oauth-daemon.log" 2>&1 &
daemon=$!
wait_for 20 grep -q "connected to" "$work/oauth-daemon.log"
issued=$(curl -s "$TOKEN_STATS_URL" | sed 's/.*"issued": *\([0-9]*\).*/\1/')
curl -s -X POST "$TOKEN_REVOKE_URL" >/dev/null
sh "$servers/dovecot.sh" restart "$dv" >/dev/null 2>&1
deliver_mail o2 griffie@velsen.nl "Uitnodiging webinar"
wait_for 40 sh -c "[ \"\$(sqlite3 '$work/spool-oauth/aanmeld.db' \"SELECT count(*) FROM messages WHERE message_id = 'o2@test.example'\")\" = 1 ]"
ok $? "XOAUTH2: after the token was revoked, a new one logs in"
now=$(curl -s "$TOKEN_STATS_URL" | sed 's/.*"issued": *\([0-9]*\).*/\1/')
check "XOAUTH2: a new token was fetched ($issued -> $now)" test "$now" -gt "$issued"
kill "$daemon"
wait "$daemon"
daemon=

# --- refusals, each with a clear message and no login
refused() {	# refused DESCRIPTION PATTERN
	once main
	rc=$?
	if [ "$rc" != 0 ] && grep -q "$2" "$work/main.out"; then ok 0 "$1"
	else ok 1 "$1 (exit $rc): $(tail -3 "$work/main.out")"; fi
}
deliver_mail r1 griffie@ede.nl "$S"
logins() { grep -c "Login: user=<$IMAP_USER>" "$DOVECOT_LOG"; }
logins_before=$(logins)
for cert in untrusted expired wrong; do
	DOVECOT_CERT=$cert sh "$servers/dovecot.sh" restart "$dv" >/dev/null 2>&1
	case $cert in
	untrusted) refused "an untrusted certificate is refused" "not trusted" ;;
	expired) refused "an expired certificate is refused" "expired" ;;
	wrong) refused "a certificate for another name is refused" "does not match" ;;
	esac
done
eq "no login was tried with a bad certificate" "$logins_before" "$(logins)"
DOVECOT_CERT=server sh "$servers/dovecot.sh" restart "$dv" >/dev/null 2>&1
printf 'wrong\n' >"$work/password"
refused "a wrong password is refused" "as $IMAP_USER"
printf '%s\n' "$IMAP_PASSWORD" >"$work/password"
chmod 644 "$work/password"
refused "a password file others can read is refused" "readable by group or others"
chmod 600 "$work/password"
# the refused login is tried again only after [mailbox] login_retry
once main
eq "right after the refused login the daemon does not log in yet" 1 $?
once main "2021-04-01 10:31"
ok $? "with all put right the mail is processed"
eq "the inbox is empty at the end" 0 "$(count INBOX)"

tap_done
