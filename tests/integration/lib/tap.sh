# TAP helpers the shell tests share: source it, call ok/check/eq, and end
# with tap_done.  Writes test mail with testmail.
n=0
failed=0

ok() {	# ok STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

check() {	# check DESCRIPTION COMMAND...
	d=$1
	shift
	"$@" >/dev/null 2>&1
	ok $? "$d"
}

eq() {	# eq DESCRIPTION EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then ok 0 "$1"; else
		ok 1 "$1 (expected '$2', got '$3')"
	fi
}

tap_done() {
	echo "1..$n"
	[ "$failed" -eq 0 ]
}

# yields WANT COMMAND...: whether COMMAND prints WANT; for wait_for, which
# runs it anew each time ("$(...)" in wait_for's arguments would not be)
yields() {
	want=$1
	shift
	[ "$("$@")" = "$want" ]
}

wait_for() {	# wait_for SECONDS COMMAND...: until it succeeds
	t=$(($1 * 10))
	shift
	while [ "$t" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		t=$((t - 1))
	done
	return 1
}

# maildir_setup DIR: DIR/aanmeld.conf on the rules in the source tree,
# reading the Maildir DIR/spool/maildir (made here) and trusting the
# Authentication-Results of mx.vng.nl, as testmail writes them.
maildir_setup() {
	mkdir -p "$1/spool/maildir/new" "$1/spool/maildir/cur" \
		"$1/spool/maildir/tmp"
	cat >"$1/aanmeld.conf" <<EOF
[main]
rules = $srcdir/../rules
spool = spool
[classify]
trusted_authserv_id = mx.vng.nl
EOF
}

# Prints a test message: testmail ID FROM SUBJECT [EXTRA-HEADER]
testmail() {
	printf 'Return-Path: <%s>\r\n' "$2"
	printf 'Authentication-Results: mx.vng.nl; dmarc=pass header.from=%s\r\n' "${2#*@}"
	printf 'From: Tester <%s>\r\nTo: GlobalGoals@VNG.nl\r\n' "$2"
	printf 'Subject: %s\r\nMessage-ID: <%s@test.example>\r\n' "$3" "$1"
	printf 'Date: Thu, 01 Apr 2021 09:00:00 +0200\r\n'
	[ -n "${4:-}" ] && printf '%s\r\n' "$4"
	printf 'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'
	printf 'Graag melden wij ons aan.\r\n'
}

# aanmeldd refuses to run as root without [main] user; the tests run it
# directly, as root in CI, on folders of their own: say so when root.
allow_root=
if [ "$(id -u)" = 0 ]; then allow_root=--allow-root; fi
