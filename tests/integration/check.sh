#!/bin/sh
# aanmeld check without --connect catches what connecting would refuse,
# all of it in one run: a secret file that is missing or open to group or
# others (modes 600, 640, 644), tls = none to a host off this machine (the
# host names need no network: check connects nowhere), a secret file its
# reader does not own.  And it says, as the daemon's start does, that
# senders are not authenticated while neither trusted_authserv_id nor
# trust_unlabelled_authres is set, also for the embedded default, which
# still passes.  It names the merges that take effect within the
# programme, and warns of a planned one.
set -u
: "${AANMELD:?}" "${AANMELDD:?}"
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d /tmp/aanmeld-check.XXXXXX)
. "$srcdir/integration/lib/tap.sh"
. "$srcdir/integration/lib/common.sh"
trap cleanup EXIT
# [main] user = nobody below must reach its files in here
chmod 755 "$work"

secret ok.pw Secr3t-ok.pw 600
secret group.pw Secr3t-group.pw 640
secret world.pw Secr3t-world.pw 644
secret oauth.secret Secr3t-oauth.secret 644

run() {	# run NAME: aanmeld check; exit status in $rc, output in $work/NAME.out
	"$AANMELD" -c "$work/$1.conf" check >"$work/$1.out" 2>&1
	rc=$?
}
has() {	# has NAME TEXT: the output of NAME holds the line TEXT
	grep -qxF -- "$2" "$work/$1.out"
}
AUTH="warning: no trusted_authserv_id: senders are not authenticated; anyone can enrol in a municipality's name (see aanmeld.conf(5))"
unset AANMELD_IMAP_PASSWORD AANMELD_SMTP_PASSWORD AANMELD_OAUTH2_SECRET

# --- the embedded default: no server, no secret; passes with the warning
mkdir "$work/default"
ln -s "$srcdir/../rules" "$work/default/rules"
(cd "$work/default" && "$AANMELD" check >../default.out 2>&1)
eq "the embedded default passes" 0 $?
check "the embedded default: ok" has default ok
check "the embedded default: senders not authenticated" has default "$AUTH"
eq "the embedded default: one warning, nothing else" 1 \
	"$(grep -c '^warning: \|^failed' "$work/default.out")"

# --- the warning goes with trusted_authserv_id or trust_unlabelled_authres
conf trusted '[classify]' 'trusted_authserv_id = mx.vng.nl'
run trusted
eq "trusted_authserv_id set: passes" 0 $rc
check "trusted_authserv_id set: no warning" sh -c "! grep -q warning '$work/trusted.out'"
conf unlabelled '[classify]' 'trust_unlabelled_authres = yes'
run unlabelled
check "trust_unlabelled_authres = yes: no warning" sh -c "! grep -q warning '$work/unlabelled.out'"
conf empty '[classify]' 'trusted_authserv_id ='
run empty
eq "an empty trusted_authserv_id: passes" 0 $rc
check "an empty trusted_authserv_id: the warning" has empty "$AUTH"

# --- good servers: no connection is made (the names do not resolve here)
conf good '[mailbox]' 'type = imap' 'url = imaps://imap.example.org/INBOX' \
	'user = u' "password_file = $work/ok.pw" '[smtp]' 'transport = smtp' \
	'url = smtp://smtp.example.org:587' 'user = u' \
	"password_file = $work/ok.pw" '[classify]' 'trusted_authserv_id = mx.vng.nl'
run good
eq "secrets of mode 600 and TLS: passes without connecting" 0 $rc
check "... ending with ok" sh -c "tail -n 1 '$work/good.out' | grep -qx ok"
check "... no imap or smtp line: nothing connected" \
	sh -c "! grep -q '^imap\|^smtp' '$work/good.out'"

# --- every problem at once: missing, 640, 644, the OAuth2 secret, tls none
conf bad '[mailbox]' 'type = imap' 'url = imap://imap.example.org/INBOX' \
	'user = u' 'tls = none' "password_file = $work/group.pw" \
	'[smtp]' 'transport = smtp' 'url = smtp://smtp.example.org' \
	'user = u' 'tls = none' "password_file = $work/world.pw" \
	'[oauth2]' 'token_url = https://login.example.org/token' \
	'client_id = aanmeld' "client_secret_file = $work/oauth.secret" \
	'[classify]' 'trusted_authserv_id = mx.vng.nl'
# xoauth2 for SMTP needs [oauth2]; the password of SMTP is then unused
sed 's/^password_file = .*world.pw$/auth = xoauth2/' "$work/bad.conf" >"$work/bad2.conf"
conf missing '[mailbox]' 'type = imap' 'url = imaps://imap.example.org/INBOX' \
	'user = u' "password_file = $work/nowhere.pw" '[smtp]' \
	'transport = smtp' 'url = smtps://smtp.example.org' 'user = u' \
	"password_file = $work/world.pw"
run bad
eq "bad: check fails" 1 $rc
check "bad: ends with failed" sh -c "tail -n 1 '$work/bad.out' | grep -qx failed"
check "bad: 640 is refused, with the setting, the mode and the fix" \
	has bad "$work/bad.conf: [mailbox] password_file $work/group.pw: readable by group or others (mode 640): refusing to use it; run chmod 600 $work/group.pw"
check "bad: 644 is refused" \
	grep -qF "[smtp] password_file $work/world.pw: readable by group or others (mode 644)" "$work/bad.out"
check "bad: IMAP tls = none to imap.example.org is refused" \
	has bad "$work/bad.conf: [mailbox] tls = none: imap.example.org is not a loopback address; plain IMAP would send the password in the clear"
check "bad: SMTP tls = none to smtp.example.org is refused" \
	grep -qF "$work/bad.conf: [smtp] tls = none: SMTP without TLS is only allowed with smtp:// to a loopback host, not smtp://smtp.example.org: the password would be sent in clear text" "$work/bad.out"
check "bad: the unused OAuth2 secret is not looked at" \
	sh -c "! grep -q oauth.secret '$work/bad.out'"
eq "bad: four errors, each on a line of its own" 4 \
	"$(grep -c "^$work/bad.conf: " "$work/bad.out")"
"$AANMELD" -c "$work/bad2.conf" check >"$work/bad2.out" 2>&1
eq "xoauth2: check fails" 1 $?
check "xoauth2: the client secret of mode 644 is refused" \
	grep -qF "[oauth2] client_secret_file $work/oauth.secret: readable by group or others (mode 644)" "$work/bad2.out"
run missing
eq "a missing password file fails" 1 $rc
check "missing: named with its setting" \
	has missing "$work/missing.conf: [mailbox] password_file $work/nowhere.pw: missing"
check "missing: the 644 file of SMTP too, in the same run" \
	grep -qF "[smtp] password_file $work/world.pw: readable" "$work/missing.out"

# --- tls = none to the loopback: allowed
conf loopback '[mailbox]' 'type = imap' 'url = imap://127.0.0.1:1143/INBOX' \
	'user = u' 'tls = none' "password_file = $work/ok.pw" '[smtp]' \
	'transport = smtp' 'url = smtp://localhost:2525' 'user = u' \
	'tls = none' "password_file = $work/ok.pw" \
	'[classify]' 'trusted_authserv_id = mx.vng.nl'
run loopback
eq "tls = none to 127.0.0.1 and localhost: passes" 0 $rc
sed 's|imap://127.0.0.1:1143|imap://[::1]|; s|smtp://localhost:2525|smtp://127.0.0.2|' \
	"$work/loopback.conf" >"$work/loopback6.conf"
"$AANMELD" -c "$work/loopback6.conf" check >"$work/loopback6.out" 2>&1
eq "tls = none to ::1 and 127.0.0.2: passes" 0 $?

# --- a password left to the environment
conf env '[mailbox]' 'type = imap' 'url = imaps://imap.example.org/INBOX' \
	'user = u' '[classify]' 'trusted_authserv_id = mx.vng.nl'
run env
eq "no password_file: passes" 0 $rc
check "no password_file: says the daemon needs the variable" \
	has env "warning: $work/env.conf: [mailbox] password_file not set: the daemon needs AANMELD_IMAP_PASSWORD in its environment"
AANMELD_IMAP_PASSWORD=x "$AANMELD" -c "$work/env.conf" check >"$work/env2.out" 2>&1
check "... not when it is set" sh -c "! grep -q warning '$work/env2.out'"

# --- the owner: [main] user reads the secrets (root drops to it; others
# do not, so any other user will do)
me=$(id -un)
reader=nobody
[ "$(id -u)" = 0 ] || reader=root
conf owner '[main]' "user = $reader" '[mailbox]' 'type = imap' \
	'url = imaps://imap.example.org/INBOX' 'user = u' \
	"password_file = $work/ok.pw" '[classify]' 'trusted_authserv_id = mx.vng.nl'
run owner
check "a secret not owned by [main] user: a warning with the fix" \
	has owner "warning: $work/owner.conf: [mailbox] password_file $work/ok.pw: owned by $me, but read as $reader; chown $reader $work/ok.pw"
if [ "$(id -u)" = 0 ]; then
	# check drops to nobody, who cannot read root's file
	eq "root's file: nobody cannot read it, check fails" 1 $rc
	check "... and says so" grep -qF "password_file $work/ok.pw: Permission denied" "$work/owner.out"
	cp -p "$work/ok.pw" "$work/nobody.pw"
	chown nobody "$work/nobody.pw"
	sed "s|$work/ok.pw|$work/nobody.pw|" "$work/owner.conf" >"$work/owner2.conf"
	chmod 644 "$work/owner2.conf"
	"$AANMELD" -c "$work/owner2.conf" check >"$work/owner2.out" 2>&1
	eq "nobody's own file: passes" 0 $?
	check "nobody's own file: no warning" sh -c "! grep -q warning '$work/owner2.out'"
else
	eq "a warning only: check passes" 0 $rc
fi

# --- the register on the programme's days: the seed (2021) has no merge
# within it; a programme over New Year 2027 has the planned one, with a
# warning that it is not yet law
check "the seed's programme: no merge within it" \
	sh -c "! grep -q '^merge: ' '$work/default.out'"
mkdir "$work/later"
cp -R "$srcdir/../rules" "$work/later/rules"
chmod -R u+w "$work/later/rules"
sed 's/2021-10-07/2027-01-07/; s/2021-/2026-/' "$srcdir/../rules/programme.conf" \
	>"$work/later/rules/programme.conf"
(cd "$work/later" && "$AANMELD" check >../later.out 2>&1)
eq "a programme over New Year 2027 passes" 0 $?
check "... and names the merge that takes effect within it" has later \
	"merge: Wijdemeren (GM1696) into Hilversum (GM0402) on 2027-01-01 (planned), within the programme: before that day it enrols on its own, from it as Hilversum"
check "... and warns that it is planned" has later \
	"warning: the merge of Wijdemeren (GM1696) into Hilversum (GM0402) on 2027-01-01 is planned, not yet law: it takes effect on that date unless gemeenten.tsv says otherwise"
eq "... one merge, two warnings (with the authentication one)" "1 2" \
	"$(grep -c '^merge: ' "$work/later.out") $(grep -c '^warning: ' "$work/later.out")"

# --- the daemon says it at its start, and only then
mkdir -p "$work/spool-daemon/maildir/new" "$work/spool-daemon/maildir/cur" \
	"$work/spool-daemon/maildir/tmp"
conf daemon
"$AANMELDD" $allow_root -c "$work/daemon.conf" --once \
	--now "2021-04-01 10:00" >"$work/daemon.out" 2>&1
ok $? "the daemon starts without trusted_authserv_id"
check "the daemon warns that senders are not authenticated" \
	grep -qx "${AUTH#warning: }" "$work/daemon.out"
printf '[classify]\ntrusted_authserv_id = mx.vng.nl\n' >>"$work/daemon.conf"
"$AANMELDD" $allow_root -c "$work/daemon.conf" --once \
	--now "2021-04-01 10:00" >"$work/daemon2.out" 2>&1
ok $? "the daemon starts with trusted_authserv_id"
check "... and does not warn" sh -c "! grep -q 'not authenticated' '$work/daemon2.out'"
tap_done
