#!/bin/sh
# make install into a DESTDIR: every file in its place, the installed
# programs run on the installed rules against a real Dovecot and SMTP
# server, a second install keeps an operator's changed rules, and make
# uninstall takes away what install put there (and nothing changed).
set -u
: "${builddir:?}"
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top=$(cd "$builddir/.." && pwd)
work=$(mktemp -d /tmp/aanmeld-install.XXXXXX)
dv=$work/dovecot
server=
# the servers are started here, not by servers.sh: cleanup stops them so
at_exit='test -n "$server" && kill "$server" 2>/dev/null
sh "$srcdir/servers/dovecot.sh" stop "$dv" >/dev/null 2>&1'
trap cleanup EXIT
. "$srcdir/integration/lib/tap.sh"
. "$srcdir/integration/lib/common.sh"
root=$work/root
# the install folders as configured; each names others, so resolve thrice
dirs=$(sed -n 's/^\(prefix\|exec_prefix\|sysconfdir\|localstatedir\|datarootdir\|mandir\|systemdsystemunitdir\) = \(.*\)$/\1="\2"/p' \
	"$top/Makefile" | sed 's/\$(\([a-z_]*\))/${\1}/g')
prefix= exec_prefix= sysconfdir= localstatedir= datarootdir= mandir=
systemdsystemunitdir=
eval "$dirs"
eval "$dirs"
eval "$dirs"

make -C "$top" install DESTDIR="$root" >"$work/install.log" 2>&1
ok $? "make install DESTDIR=..."
for f in "$exec_prefix/sbin/aanmeldd" "$exec_prefix/bin/aanmeld"; do
	check "installed: $f" test -x "$root$f"
done
for f in "$datarootdir/aanmeld/rules/gemeenten.tsv" \
	"$datarootdir/aanmeld/rules/templates/invitation.txt" \
	"$datarootdir/aanmeld/aanmeld.conf.example" \
	"$sysconfdir/aanmeld/aanmeld.conf" \
	"$sysconfdir/aanmeld/rules/subject.rules" \
	"$sysconfdir/aanmeld/rules/templates/confirm.txt" \
	"$sysconfdir/aanmeld/rules/templates/staff-summary.txt" \
	"$systemdsystemunitdir/aanmeldd.service" \
	"$mandir/man8/aanmeldd.8" "$mandir/man1/aanmeld.1" \
	"$mandir/man5/aanmeld.conf.5"; do
	check "installed: $f" test -f "$root$f"
done
check "the spool folder, not for others" sh -c "test \"\$(stat -c %a '$root$localstatedir/lib/aanmeld')\" = 750"
check "the live config names the live rules" grep -qx "rules = $sysconfdir/aanmeld/rules" "$root$sysconfdir/aanmeld/aanmeld.conf"

# the installed programs on the installed rules, against real servers
sh "$srcdir/servers/dovecot.sh" start "$dv" >/dev/null 2>&1
. "$dv/env"
/usr/bin/python3 "$srcdir/servers/smtp-server.py" --port 0 \
	--port-file "$work/port" --maildir "$work/sink" \
	--tls-cert "$PKI_DIR/server.pem" --tls-key "$PKI_DIR/server.key" \
	2>/dev/null &
server=$!
i=0
while [ ! -s "$work/port" ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
printf '%s\n' "$IMAP_PASSWORD" >"$work/imap.password"
chmod 600 "$work/imap.password"
cat >"$work/aanmeld.conf" <<EOF
[main]
rules = $root$sysconfdir/aanmeld/rules
spool = $work/spool
[mailbox]
type = imap
url = imaps://localhost:$IMAPS_PORT/INBOX
user = $IMAP_USER
password_file = $work/imap.password
ca_file = $CA_FILE
[smtp]
transport = smtp
url = smtp://localhost:$(cat "$work/port")
auth = none
ca_file = $CA_FILE
[classify]
trusted_authserv_id = mx.vng.nl
EOF
"$root$exec_prefix/bin/aanmeld" -c "$work/aanmeld.conf" check >"$work/check.out" 2>&1
ok $? "installed aanmeld check: $(tail -n 1 "$work/check.out")"
testmail i1 griffie@utrecht.nl 'Deelname praktijkproef GG & lokale inclusie' |
	sh "$srcdir/servers/dovecot.sh" deliver "$dv"
"$root$exec_prefix/sbin/aanmeldd" $allow_root -c "$work/aanmeld.conf" --once \
	--now "2021-04-01 10:00" >"$work/run.log" 2>&1
ok $? "installed aanmeldd --once over IMAP and SMTP"
eq "enrolled from the installed rules" GM0344 \
	"$(sql 'SELECT code FROM enrolments')"
check "the confirmation reached the SMTP server" sh -c "grep -l '^Subject: Bevestiging' '$work'/sink/*.eml"
"$root$exec_prefix/bin/aanmeld" -c "$work/aanmeld.conf" list >"$work/list.out" 2>&1
check "installed aanmeld list names Utrecht" grep -q Utrecht "$work/list.out"

# an operator's change survives a new install and an uninstall
printf '# changed here\n' >>"$root$sysconfdir/aanmeld/rules/subject.rules"
make -C "$top" install DESTDIR="$root" >"$work/install2.log" 2>&1
ok $? "a second make install"
check "the changed rules are kept" grep -q '^# changed here' "$root$sysconfdir/aanmeld/rules/subject.rules"
make -C "$top" uninstall DESTDIR="$root" >"$work/uninstall.log" 2>&1
ok $? "make uninstall"
left=$(cd "$root" && find . -type f | sort | tr '\n' ' ')
eq "uninstall leaves only the changed file" "./${sysconfdir#/}/aanmeld/rules/subject.rules " "$left"

tap_done
