#!/bin/sh
# A login the server refuses is not retried like a network error: the
# real Dovecot with a wrong password, smtp-server.py answering 535 and
# oauth2-server.py answering invalid_client each see one login per
# [mailbox]/[smtp] login_retry (30 minutes) over passes of aanmeldd
# --once --now; staff are warned at the first refusal, `aanmeld status`
# says who refused and when the next try is, and a login that works again
# clears it with the note that it works.
set -u
: "${AANMELD:?}" "${AANMELDD:?}"
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d /tmp/aanmeld-authfail.XXXXXX)
. "$srcdir/integration/lib/tap.sh"
. "$srcdir/integration/lib/common.sh"
. "$srcdir/integration/lib/servers.sh"
trap cleanup EXIT
dovecot_start
smtp_start "$PKI_DIR/server" aanmeld:smtp-secret
secret smtp.password smtp-secret
secret imap.password wrong-password
secret smtp.wrong wrong-secret
secret oauth2.wrong wrong-secret
S='Deelname praktijkproef GG & lokale inclusie'

imap_lines() {	# imap_lines PASSWORD-FILE [MORE]: a [mailbox] on Dovecot
	printf '%s\n' 'type = imap' "url = imaps://localhost:$IMAPS_PORT/INBOX" \
		"user = $IMAP_USER" "password_file = $work/$1" \
		"ca_file = $CA_FILE" 'timeout = 10'
}
smtp_lines() {	# smtp_lines PASSWORD-FILE: an [smtp] on the sink
	printf '%s\n' 'transport = smtp' "url = smtp://localhost:$smtp_port" \
		'user = aanmeld' "password_file = $work/$1" \
		"ca_file = $CA_FILE" 'envelope_from = bounces@vng.nl' 'timeout = 5'
}
staff() {	# staff NAME KIND: rows of that kind for ops@vng.nl
	sql "$1" "SELECT count(*) FROM outbox WHERE rcpt = 'ops@vng.nl' AND kind = '$2'"
}
status() {	# status NAME TIME: aanmeld status into $work/status.out
	cli_on "$1" --now "$2" status >"$work/status.out" 2>&1
}
logins() {	# Dovecot's refused logins so far
	grep -c 'auth failed' "$DOVECOT_LOG"
}
smtp_stat() {	# smtp_stat NAME: a counter of the SMTP server
	sed -n "s/^$1 //p" "$work/sink/stats" 2>/dev/null | grep . || echo 0
}
token_requests() {
	$PY -c "import json, urllib.request; print(json.load(urllib.request.urlopen('$TOKEN_STATS_URL'))['token_requests'])"
}

# The clock of --now runs on from the time given: a try due at 10:30:00
# plus the seconds a pass takes is tested a minute later.

# --- IMAP: a wrong password
conf imap '[mailbox]' "$(imap_lines imap.password)" '[smtp]' \
	"$(smtp_lines smtp.password)" '[staff]' 'address = ops@vng.nl'
before=$(logins)
once imap "2021-04-05 10:00"
eq "IMAP refused: aanmeldd --once exits 1" 1 $?
eq "IMAP refused: Dovecot saw one login" 1 $(($(logins) - before))
eq "IMAP refused: the staff warning is queued at once" 1 "$(staff imap staff-warning)"
eq "IMAP refused: and sent over SMTP" 1 \
	"$(sql imap "SELECT count(*) FROM outbox WHERE kind = 'staff-warning' AND status = 'sent'")"
check "IMAP refused: the daemon says so" grep -q 'login refused by localhost as globalgoals; next try at 2021-04-05 10:30' "$work/imap.out"
mail=$(grep -l -x "to ops@vng.nl" "$work/sink/"*.env | head -1)
check "IMAP warning: names the server" grep -q 'weigert localhost' "${mail%.env}.eml"
check "IMAP warning: whose login" grep -q \
	'^het inloggen van de aanmeldbalie met het account' "${mail%.env}.eml"
check "IMAP warning: names the account and what it is for" grep -q \
	"^$IMAP_USER (voor het lezen van de mailbox)\\." "${mail%.env}.eml"
check "IMAP warning: what to check" grep -q 'wachtwoord of het geheim' "${mail%.env}.eml"
check "IMAP warning: every 30 minutes" grep -q 'elke 30' "${mail%.env}.eml"
status imap "2021-04-05 10:01"
eq "IMAP refused: status exits 1" 1 $?
check "IMAP refused: status says who refused and the next try" grep -q \
	"^mailbox: *login refused by localhost as $IMAP_USER since 2021-04-05 10:00; next try at 2021-04-05 10:30$" \
	"$work/status.out"
check "IMAP refused: status health" grep -q '^health: *PROBLEM:.* a login was refused;' "$work/status.out"
for t in 10:01 10:10 10:20 10:29; do
	once imap "2021-04-05 $t"
done
eq "IMAP: no login before 30 minutes (4 passes)" 1 $(($(logins) - before))
once imap "2021-04-05 10:31"
eq "IMAP: the second login after 30 minutes" 2 $(($(logins) - before))
once imap "2021-04-05 10:45"
once imap "2021-04-05 11:00"
eq "IMAP: none until 30 minutes after that" 2 $(($(logins) - before))
eq "IMAP: still one warning, and no outage warning besides" 1 "$(staff imap staff-warning)"
secret imap.password "$IMAP_PASSWORD"
once imap "2021-04-05 11:02"
ok $? "IMAP: the right password works at the next try"
eq "IMAP: no refusal since" 2 $(($(logins) - before))
eq "IMAP: the refusal is forgotten" 0 "$(sql imap "SELECT count(*) FROM login_refused")"
eq "IMAP: the recovered note is queued" 1 "$(staff imap staff-recovered)"
status imap "2021-04-05 11:03"
eq "IMAP back: status exits 0" 0 $?
check "IMAP back: no refusal in status" sh -c "! grep -q 'login refused' '$work/status.out'"

# --- the operator fixes the password: check --connect ends the hold
secret imap.password wrong-password
once imap "2021-04-05 12:00"
eq "IMAP refused again: exit 1" 1 $?
deliver_mail h1 griffie@utrecht.nl "$S"
once imap "2021-04-05 12:05"
eq "IMAP held: exit 1" 1 $?
check "IMAP held: the pass says so, not silently" grep -q \
	'imap: login held after a refused login until 12:30 (login_retry)' \
	"$work/imap.out"
status imap "2021-04-05 12:06"
check "IMAP held: status says how to retry now" grep -q \
	'^ *fixed the password? aanmeld check --connect clears the hold$' \
	"$work/status.out"
secret imap.password "$IMAP_PASSWORD"
cli_on imap check --connect >"$work/check.out" 2>&1
ok $? "IMAP fixed: aanmeld check --connect"
check "... says the hold is cleared" grep -qx \
	'imap: the hold after a refused login is cleared' "$work/check.out"
eq "... the refusal is forgotten" 0 "$(sql imap "SELECT count(*) FROM login_refused")"
status imap "2021-04-05 12:06"
check "IMAP fixed: no hold in status" sh -c "! grep -q 'login refused\\|clears the hold' '$work/status.out'"
once imap "2021-04-05 12:06"
ok $? "IMAP fixed: the next pass at the same time logs in"
eq "IMAP fixed: the mail is processed" 1 \
	"$(sql imap "SELECT count(*) FROM messages WHERE message_id LIKE '%h1@test.example%'")"
cli_on imap check --connect >"$work/check.out" 2>&1
check "nothing held: check --connect says nothing of a hold" sh -c \
	"! grep -q 'hold' '$work/check.out'"

# --- a clock set back does not stretch the hold past login_retry
secret imap.password wrong-password
once imap "2021-04-05 20:00"
before=$(logins)
sql imap "UPDATE login_refused SET next_try = next_try + 86400" >/dev/null
once imap "2021-04-05 20:10"
check "a far next_try is capped: held until 20:40" grep -q \
	'until 20:40 (login_retry)' "$work/imap.out"
once imap "2021-04-05 20:41"
eq "... and the login is tried after that" 1 $(($(logins) - before))

# --- SMTP 535: a wrong password for the outgoing mail
conf smtp '[mailbox]' 'type = maildir' '[smtp]' "$(smtp_lines smtp.wrong)" \
	'[classify]' 'trusted_authserv_id = mx.vng.nl' \
	'[staff]' 'address = ops@vng.nl'
md=$work/spool-smtp/maildir
mkdir -p "$md/new" "$md/tmp"
testmail s1 griffie@utrecht.nl "$S" | into_maildir s1 "$md"
failed0=$(smtp_stat auth_failed)
once smtp "2021-04-06 10:00"
eq "SMTP 535: one refused AUTH" 1 $(($(smtp_stat auth_failed) - failed0))
eq "SMTP 535: the staff warning is queued at once" 1 "$(staff smtp staff-warning)"
eq "SMTP 535: the answer stays queued" queued \
	"$(sql smtp "SELECT group_concat(DISTINCT status) FROM outbox WHERE rcpt = 'griffie@utrecht.nl'")"
status smtp "2021-04-06 10:01"
eq "SMTP 535: status exits 1" 1 $?
check "SMTP 535: status says who refused and the next try" grep -q \
	'^sending: *login refused by localhost as aanmeld since 2021-04-06 10:00; next try at 2021-04-06 10:30$' \
	"$work/status.out"
for t in 10:05 10:15 10:29; do
	once smtp "2021-04-06 $t"
done
eq "SMTP: no AUTH before 30 minutes (3 passes)" 1 $(($(smtp_stat auth_failed) - failed0))
once smtp "2021-04-06 10:31"
eq "SMTP: the second AUTH after 30 minutes" 2 $(($(smtp_stat auth_failed) - failed0))
eq "SMTP: still one warning" 1 "$(staff smtp staff-warning)"
conf smtp '[mailbox]' 'type = maildir' '[smtp]' "$(smtp_lines smtp.password)" \
	'[classify]' 'trusted_authserv_id = mx.vng.nl' \
	'[staff]' 'address = ops@vng.nl'
once smtp "2021-04-06 10:45"
eq "SMTP: the fixed password waits for the next try" queued \
	"$(sql smtp "SELECT group_concat(DISTINCT status) FROM outbox WHERE rcpt = 'griffie@utrecht.nl'")"
once smtp "2021-04-06 11:02"
eq "SMTP: the answer goes out at the next try" sent \
	"$(sql smtp "SELECT group_concat(DISTINCT status) FROM outbox WHERE rcpt = 'griffie@utrecht.nl'")"
eq "SMTP: the refusal is forgotten" 0 "$(sql smtp "SELECT count(*) FROM login_refused")"
once smtp "2021-04-06 11:03"
eq "SMTP: warning and recovered note delivered" "1|1" \
	"$(sql smtp "SELECT count(*) FILTER (WHERE kind = 'staff-warning' AND status = 'sent'), count(*) FILTER (WHERE kind = 'staff-recovered' AND status = 'sent') FROM outbox WHERE rcpt = 'ops@vng.nl'")"

# --- OAuth2: the token endpoint refuses the client (invalid_client)
conf oauth '[mailbox]' "$(imap_lines imap.password)" 'auth = xoauth2' \
	'[smtp]' "$(smtp_lines smtp.password)" '[oauth2]' "token_url = $TOKEN_URL" \
	"client_id = $OAUTH2_CLIENT_ID" "client_secret_file = $work/oauth2.wrong" \
	'[staff]' 'address = ops@vng.nl'
requests0=$(token_requests)
once oauth "2021-04-07 10:00"
eq "OAuth2 invalid_client: aanmeldd --once exits 1" 1 $?
eq "OAuth2 invalid_client: one token request" 1 $(($(token_requests) - requests0))
eq "OAuth2 invalid_client: the staff warning is queued at once" 1 "$(staff oauth staff-warning)"
status oauth "2021-04-07 10:01"
check "OAuth2: status names the token endpoint and the client" grep -q \
	"^mailbox: *login refused by 127.0.0.1 as $OAUTH2_CLIENT_ID since 2021-04-07 10:00; next try at 2021-04-07 10:30$" \
	"$work/status.out"
for t in 10:05 10:15 10:29; do
	once oauth "2021-04-07 $t"
done
eq "OAuth2: no token request before 30 minutes (3 passes)" 1 $(($(token_requests) - requests0))
once oauth "2021-04-07 10:31"
eq "OAuth2: the second request after 30 minutes" 2 $(($(token_requests) - requests0))
eq "OAuth2: still one warning" 1 "$(staff oauth staff-warning)"
# --- OAuth2 for SMTP, refused from the start: the daemon starts anyway
# (a start that failed would have the service manager ask the token
# endpoint every 10 s), the mail waits, and a start during the hold asks
# nobody
conf smtpoauth '[mailbox]' 'type = maildir' '[smtp]' 'transport = smtp' \
	"url = smtp://localhost:$smtp_port" 'user = aanmeld' 'auth = xoauth2' \
	"ca_file = $CA_FILE" 'envelope_from = bounces@vng.nl' 'timeout = 5' \
	'[oauth2]' "token_url = $TOKEN_URL" "client_id = $OAUTH2_CLIENT_ID" \
	"client_secret_file = $work/oauth2.wrong" '[staff]' 'address = ops@vng.nl'
requests0=$(token_requests)
sent0=$(smtp_stat messages)
auth0=$(smtp_stat auth_failed)
once smtpoauth "2021-04-08 10:00"
check "SMTP OAuth2 refused at the start: the pass ran" \
	grep -q "no access token yet" "$work/smtpoauth.out"
eq "SMTP OAuth2 refused: the start and the cycle asked, no more" 2 \
	$(($(token_requests) - requests0))
eq "SMTP OAuth2 refused: the staff warning is queued" 1 \
	"$(staff smtpoauth staff-warning)"
eq "SMTP OAuth2 refused: no login, nothing sent with a made-up token" \
	"$auth0 $sent0" "$(smtp_stat auth_failed) $(smtp_stat messages)"
status smtpoauth "2021-04-08 10:01"
check "SMTP OAuth2: status shows the hold" grep -q \
	"^sending: *login refused by 127.0.0.1 as $OAUTH2_CLIENT_ID since" \
	"$work/status.out"
once smtpoauth "2021-04-08 10:10"
eq "SMTP OAuth2: a start during the hold asks nobody" 2 \
	$(($(token_requests) - requests0))
tap_done
