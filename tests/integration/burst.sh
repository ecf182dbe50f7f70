#!/bin/sh
# No mail waits for the poll: aanmeldd (the daemon, poll_interval 600 s)
# takes a backlog while a burst of 30 mails arrives 0-30 ms apart, then
# three bursts on their own, and records every mail well before the poll: over
# IMAPS against a real Dovecot (mail it announced inside the answer to
# another command during a pass, it does not announce again in IDLE),
# with processed mail kept in the inbox, and on a Maildir (inotify).
# Each time the daemon comes to rest: no pass after pass once nothing
# new arrives, not even when the server's keepalive wakes it.
set -u
: "${AANMELD:?}" "${AANMELDD:?}"
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d /tmp/aanmeld-burst.XXXXXX)
. "$srcdir/integration/lib/tap.sh"
. "$srcdir/integration/lib/common.sh"
. "$srcdir/integration/lib/servers.sh"
daemon=
trap cleanup EXIT
S='Deelname praktijkproef GG & lokale inclusie'

# burst PREFIX [MAILDIR]: 30 mails <PREFIX1..30@test.example> 0-30 ms
# apart: saved by doveadm into Dovecot's INBOX (each in its own process,
# as its delivery agent does), or renamed into MAILDIR/new
burst() {
	mkdir -p "$work/burst"
	i=0
	while [ "$i" -lt 30 ]; do
		i=$((i + 1))
		testmail "$1$i" "griffie$i@zwolle.nl" "$S" >"$work/burst/$1$i"
	done
	$PY - "$work/burst" "$1" "${2:-}" "${DOVEADM:-}" "${IMAP_USER:-}" <<'END'
import os, random, shlex, subprocess, sys, time
src, p, maildir, doveadm, user = sys.argv[1:6]
saves = []
for i in range(1, 31):
    path = os.path.join(src, p + str(i))
    if maildir:
        os.rename(path, os.path.join(maildir, "new",
                                     "%d.%s%03d.burst" % (time.time(), p, i)))
    else:
        saves.append(subprocess.Popen(
            shlex.split(doveadm) + ["save", "-u", user, "-m", "INBOX"],
            stdin=open(path, "rb")))
    time.sleep(random.uniform(0, 0.03))
sys.exit(max([s.wait() for s in saves] + [0]))
END
}

# backlog PREFIX MAILDIR: $backlog mails <PREFIX1..@test.example> renamed
# into MAILDIR/new at once (Dovecot serving it finds them there): a pass
# long enough for a burst to arrive during it
backlog() {
	mkdir -p "$work/backlog"
	i=0
	while [ "$i" -lt "$backlog" ]; do
		i=$((i + 1))
		testmail "$1$i" "user$i@example.org" "$S" \
			>"$work/backlog/$(date +%s).$1$i.backlog"
	done
	[ -n "${DOVECOT_MAIL_USER:-}" ] &&
		chown "$DOVECOT_MAIL_USER" "$work/backlog/"*
	mv "$work/backlog/"* "$2/new/"
}
# the backlog; smaller under valgrind, which is slow
backlog=${BURST_BACKLOG:-500}

# recorded DB PREFIX: how many mails <PREFIX...> DB holds
recorded() {
	sqlite3 "$1" "SELECT count(*) FROM messages WHERE message_id LIKE '$2%'"
}

# waiting LOG: the last thing the daemon did was to wait for mail (a
# keepalive that woke it without new mail leaves it waiting)
waiting() {
	grep -v 'imap: woken without new mail' "$1" | tail -n 1 |
		grep -q 'mailbox: waiting for mail'
}

# at_rest LOG: the daemon waits and stays waiting (no new pass in 2 s)
at_rest() {
	# a bound for a slow build (sanitizers), not a timing
	wait_for 60 waiting "$1"
	a=$(grep -c 'mailbox: waiting for mail' "$1")
	sleep 2
	b=$(grep -c 'mailbox: waiting for mail' "$1")
	[ "$a" = "$b" ] && waiting "$1"
}

# start NAME: aanmeldd on $work/NAME.conf in the background, its log in
# $work/NAME.log; back once it waits for mail
start() {
	"$AANMELDD" $allow_root -c "$work/$1.conf" -f \
		--now "2021-04-01 10:00" >"$work/$1.log" 2>&1 &
	daemon=$!
	wait_for 20 grep -q "mailbox: waiting for mail" "$work/$1.log"
}

stop() {
	kill "$daemon"
	wait "$daemon"
	ok $? "$1: SIGTERM, exit 0"
	daemon=
}

# run NAME PREFIX MAILDIR: under daemon NAME, a burst while the backlog
# is taken, then a burst on its own (into MAILDIR with a Maildir backend)
run() {
	db=$work/spool-$1/aanmeld.db
	start "$1"
	backlog "${2}l" "$3"
	sleep 0.1
	burst "${2}b" "${4:-}"
	# a correctness bound, not a timing: the poll would be 600 s
	wait_for 60 yields "$backlog" recorded "$db" "${2}l"
	ok $? "$1: the backlog recorded ($(recorded "$db" "${2}l"))"
	wait_for 60 yields 30 recorded "$db" "${2}b"
	ok $? "$1: a burst during it, all 30 recorded ($(recorded "$db" "${2}b"))"
	check "$1: at rest afterwards, no pass after pass" at_rest "$work/$1.log"
	# a burst on its own, three times: the mail that waited for the
	# poll was the one arriving during the last pass, not every time
	for r in 1 2 3; do
		burst "${2}q$r-" "${4:-}"
		wait_for 30 yields 30 recorded "$db" "${2}q$r-"
		ok $? "$1: burst $r on its own, all 30 recorded ($(recorded "$db" "${2}q$r-"))"
		check "$1: at rest again" at_rest "$work/$1.log"
	done
}

# --- IMAPS against Dovecot, whose keepalive ("* OK Still here") every
# second wakes an idle client without new mail
dovecot_start DOVECOT_IDLE_NOTIFY='1 secs'
secret password "$IMAP_PASSWORD"
imap() {	# imap NAME [EXTRA-LINE]: $work/NAME.conf on Dovecot's INBOX
	conf "$1" 'log_level = debug' '[mailbox]' 'type = imap' \
		"url = imaps://localhost:$IMAPS_PORT/INBOX" \
		"user = $IMAP_USER" "password_file = $work/password" \
		"ca_file = $CA_FILE" 'timeout = 10' 'poll_interval = 600' \
		"${2:-}" '[classify]' 'trusted_authserv_id = mx.vng.nl'
}
imap imap
run imap i "$MAILDIR"
eq "imap: the inbox is empty" 0 "$(count INBOX)"
check "imap: the keepalive woke it, and it went on waiting" \
	grep -q 'imap: woken without new mail, idle again' "$work/imap.log"
stop imap

# processed mail stays in the inbox, below the UID a pass has seen
imap keep 'keep_in_inbox = yes'
run keep k "$MAILDIR"
eq "keep: the mails stay in the inbox" $((backlog + 120)) "$(count INBOX)"
check "keep: the keepalive woke it, and it went on waiting" \
	grep -q 'imap: woken without new mail, idle again' "$work/keep.log"
stop keep

# --- a Maildir, watched with inotify
md=$work/maildir
mkdir -p "$md/new" "$md/cur" "$md/tmp"
conf md 'log_level = debug' '[mailbox]' "maildir = $md" \
	'poll_interval = 600' '[classify]' 'trusted_authserv_id = mx.vng.nl'
run md m "$md" "$md"
eq "md: the inbox is empty" 0 "$(find "$md/new" "$md/cur" -type f | wc -l)"
stop md

tap_done
