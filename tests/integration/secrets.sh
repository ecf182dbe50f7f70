#!/bin/sh
# aanmeld check --connect against a real Dovecot and the real SMTP server
# (tests/servers), and secrets never shown: with log_level = debug the
# daemon and check --connect run with the right passwords, wrong ones and
# an OAuth2 client secret (right and wrong), and every output, every log
# and the database are searched for each secret, plain and in the base64
# forms AUTH PLAIN and LOGIN would send.  Also: check --connect changes
# nothing (no mail sent, no message marked seen, no database made).
set -u
: "${AANMELD:?}" "${AANMELDD:?}"
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d /tmp/aanmeld-secrets.XXXXXX)
. "$srcdir/integration/lib/tap.sh"
. "$srcdir/integration/lib/common.sh"
. "$srcdir/integration/lib/servers.sh"
trap cleanup EXIT
out=$work/out # everything aanmeld and aanmeldd print goes in here
mkdir -p "$out"

SMTP_SECRET=smtp-Secr3t-4711
OAUTH_SECRET=oauth2-Secr3t-0815
WRONG_IMAP=wrong-imap-Pw-9931
WRONG_SMTP=wrong-smtp-Pw-2207
WRONG_OAUTH=wrong-oauth2-Secr3t-5150
dovecot_start OAUTH2_CLIENT_SECRET="$OAUTH_SECRET"
IMAP_SECRET=$IMAP_PASSWORD

sh "$servers/ca.sh" "$work/pki" >/dev/null
smtp_start "$work/pki/server" "aanmeld:$SMTP_SECRET"

secret imap.pw "$IMAP_SECRET"
secret smtp.pw "$SMTP_SECRET"
secret oauth.secret "$OAUTH_SECRET"
secret imap-wrong.pw "$WRONG_IMAP"
secret smtp-wrong.pw "$WRONG_SMTP"
secret oauth-wrong.secret "$WRONG_OAUTH"

url="imaps://localhost:$IMAPS_PORT/INBOX"
# connect_conf NAME IMAP-AUTH-LINES SMTP-PASSWORD-FILE [OAUTH2-SECRET-FILE]
connect_conf() {
	conf "$1" 'log_level = debug' '[mailbox]' 'type = imap' "url = $url" \
		"user = $IMAP_USER" "$2" "ca_file = $CA_FILE" 'timeout = 10' \
		'[smtp]' 'transport = smtp' "url = smtp://localhost:$smtp_port" \
		'user = aanmeld' "password_file = $work/$3" \
		"ca_file = $work/pki/ca.pem" 'envelope_from = bounces@vng.nl' \
		'timeout = 10' '[oauth2]' "token_url = $TOKEN_URL" \
		'client_id = aanmeld' \
		"client_secret_file = $work/${4:-oauth.secret}" \
		'[classify]' 'trusted_authserv_id = mx.vng.nl'
}
connect_conf good "password_file = $work/imap.pw" smtp.pw
connect_conf wrong "password_file = $work/imap-wrong.pw" smtp-wrong.pw
connect_conf oauth "auth = xoauth2" smtp.pw
connect_conf oauthwrong "auth = xoauth2" smtp.pw oauth-wrong.secret

S='Deelname praktijkproef GG & lokale inclusie'
testmail s1 griffie@utrecht.nl "$S" | deliver
testmail s2 info@gmail.com "$S" | deliver
flags() {
	$DOVEADM fetch -u "$IMAP_USER" flags mailbox INBOX all | tr '\n' ' '
}
flags_before=$(flags)

check_connect() {	# check_connect NAME: exit status; output in $out/check-NAME
	"$AANMELD" -c "$work/$1.conf" check --connect >"$out/check-$1" 2>&1
}

# --- check --connect with everything right
check_connect good
ok $? "check --connect: exit 0 when everything works"
check "check --connect: IMAP logged in, the messages counted" \
	grep -qx "imap: logged in to $url as $IMAP_USER, INBOX has 2 messages" \
	"$out/check-good"
check "check --connect: SMTP logged in" \
	grep -qx "smtp: smtp://localhost:$smtp_port as aanmeld: ok" "$out/check-good"
check "check --connect: ends with ok" grep -qx ok "$out/check-good"
stat() {	# stat NAME: the SMTP server's count
	sed -n "s/^$1 //p" "$work/sink/stats"
}
eq "check --connect: one SMTP session, with TLS and AUTH, no message" \
	"1 1 1 0" "$(stat connections) $(stat tls) $(stat auth_ok) $(stat messages)"
eq "check --connect sent no mail" 0 "$(ls "$work/sink" | grep -c '\.eml$')"
eq "check --connect changed no flag in the inbox (EXAMINE)" \
	"$flags_before" "$(flags)"
check "check --connect made no database" test ! -e "$work/spool-good/aanmeld.db"
check "check without --connect connects nowhere" \
	sh -c "'$AANMELD' -c '$work/good.conf' check | grep -q '^imap\|^smtp' && exit 1 || exit 0"

# --- wrong passwords: both fail, each on its own line
check_connect wrong
eq "check --connect: exit 1 when a login fails" 1 $?
check "check --connect: the IMAP login failure" \
	grep -q "^imap: $url as $IMAP_USER: failed: .*login" "$out/check-wrong"
check "check --connect: the SMTP login failure" \
	grep -q "^smtp: smtp://localhost:$smtp_port as aanmeld: failed: .*authentication as aanmeld was refused" \
	"$out/check-wrong"
check "check --connect: ends with failed" grep -qx failed "$out/check-wrong"
eq "check --connect: the refused AUTH reached the server" 1 "$(stat auth_failed)"

# --- OAuth2: a token for IMAP, and a wrong client secret
check_connect oauth
ok $? "check --connect with XOAUTH2: exit 0"
check "check --connect: the token fetched" \
	grep -qx "oauth2: token from $TOKEN_URL: ok" "$out/check-oauth"
check "check --connect: IMAP logged in with the token" \
	grep -q "^imap: logged in to $url as $IMAP_USER, INBOX has 2 messages" \
	"$out/check-oauth"
check_connect oauthwrong
eq "check --connect with a wrong client secret: exit 1" 1 $?
check "check --connect: the token failure" \
	grep -q "^oauth2: token from $TOKEN_URL: failed: " "$out/check-oauthwrong"

# --- the daemon with debug logs: right, wrong, and OAuth2
"$AANMELDD" $allow_root -c "$work/good.conf" --once \
	--now "2021-04-01 10:00" >"$out/daemon-good" 2>&1
ok $? "the daemon runs with the right passwords"
check "the daemon sent mail over SMTP" sh -c "ls '$work/sink' | grep -q ."
testmail s3 griffie@zwolle.nl "$S" | deliver
"$AANMELDD" $allow_root -c "$work/wrong.conf" --once \
	--now "2021-04-01 10:00" >"$out/daemon-wrong" 2>&1
check "the daemon logs the refused IMAP login" grep -qi "login" "$out/daemon-wrong"
# a queued mail meets the wrong SMTP password
mkdir -p "$work/spool-wrong"
cp "$work/spool-good/aanmeld.db" "$work/spool-wrong/aanmeld.db"
sqlite3 "$work/spool-wrong/aanmeld.db" \
	"UPDATE outbox SET status = 'queued', next_try = 0, sent_at = NULL"
"$AANMELDD" $allow_root -c "$work/wrong.conf" --once \
	--now "2021-04-01 10:00" >"$out/daemon-wrong-smtp" 2>&1
check "the daemon logs the refused SMTP login" \
	grep -q "authentication as aanmeld was refused" "$out/daemon-wrong-smtp"
"$AANMELDD" $allow_root -c "$work/oauth.conf" --once \
	--now "2021-04-01 10:00" >"$out/daemon-oauth" 2>&1
ok $? "the daemon runs with XOAUTH2"
"$AANMELDD" $allow_root -c "$work/oauthwrong.conf" --once \
	--now "2021-04-01 10:00" >"$out/daemon-oauthwrong" 2>&1
check "the daemon logs the refused client secret" \
	grep -qi "token" "$out/daemon-oauthwrong"
check "debug logging was on" grep -q "curl" "$out/daemon-good"

# --- no secret anywhere: plain, AUTH PLAIN and AUTH LOGIN base64
for s in "$IMAP_SECRET" "$SMTP_SECRET" "$OAUTH_SECRET" "$WRONG_IMAP" \
	"$WRONG_SMTP" "$WRONG_OAUTH"; do
	for form in "$s" "$(b64 "$s")" "$(b64 "\\0aanmeld\\0$s")" \
		"$(b64 "\\0$IMAP_USER\\0$s")"; do
		found=$(grep -rlaF -- "$form" "$out" "$work"/spool-*/aanmeld.db* 2>/dev/null)
		eq "no '$s' ($(echo "$form" | cut -c1-12)...) in any output, log or database" "" "$found"
	done
done
tap_done
