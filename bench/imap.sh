#!/bin/sh
# IMAP intake against mbsync, on the same Dovecot over the same TLS.
# Fills the inbox with COUNT realistic messages (bench/gen-mail.py), then,
# ROUNDS times in turn: mbsync pulls the inbox into a fresh local Maildir;
# the inbox is filled again; aanmeldd --once processes all of it (verdicts
# stored, answers written, mail moved).  Prints messages per second for
# both, the ratio, and peak RSS (median of the rounds).
#
# usage: bench/imap.sh [COUNT] [ROUNDS]      (default 10000 3)
# BUILD names the build whose aanmeldd is measured (default _build/plain).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
count=${1:-10000}
rounds=${2:-3}
. "$top/bench/lib.sh"
trap 'servers_stop; rm -rf "$work"' EXIT
dovecot_start
secret password "$IMAP_PASSWORD"
echo "generating $count messages"
/usr/bin/python3 "$top/bench/gen-mail.py" --count "$count" --maildir "$work/seed"

fill() {	# a fresh mailbox holding exactly the seed messages, indexed
	rm -rf "$MAILDIR"
	mkdir -p "$MAILDIR/cur" "$MAILDIR/tmp"
	cp -r "$work/seed/new" "$MAILDIR/new"
	chown -R "$DOVECOT_MAIL_USER" "$MAILDIR" 2>/dev/null || :
	doveadm index -u "$IMAP_USER" INBOX
}

cat >"$work/mbsyncrc" <<END
IMAPAccount bench
Host localhost
Port $IMAPS_PORT
User $IMAP_USER
PassCmd "cat $work/password"
SSLType IMAPS
CertificateFile $CA_FILE

IMAPStore remote
Account bench

MaildirStore local
Path $work/local/
Inbox $work/local/INBOX

Channel inbox
Far :remote:INBOX
Near :local:INBOX
Sync Pull New
Create Near
SyncState *
END
{
	imap_conf
	printf '[classify]\ntrusted_authserv_id = mx.vng.nl\n'
} >"$work/aanmeld.conf"

measure() {	# measure NAME COMMAND...: appends "seconds rss_kb" to NAME.times
	name=$1
	shift
	/usr/bin/time -f '%e %M' -o "$work/time.out" "$@" >"$work/$name.log" 2>&1 || {
		echo "$name failed:" >&2
		tail "$work/$name.log" >&2
		exit 1
	}
	cat "$work/time.out" >>"$work/$name.times"
}
i=0
while [ "$i" -lt "$rounds" ]; do
	i=$((i + 1))
	fill
	rm -rf "$work/local"
	mkdir -p "$work/local"
	measure mbsync mbsync -c "$work/mbsyncrc" -a
	got=$(find "$work/local/INBOX/cur" "$work/local/INBOX/new" -type f | wc -l)
	[ "$got" -eq "$count" ] || {
		echo "mbsync fetched $got of $count" >&2
		exit 1
	}
	fill
	rm -rf "$work/spool"
	measure aanmeldd "$aanmeldd" $root_opt -c "$work/aanmeld.conf" --once \
		--now "2021-04-01 10:00"
	recorded=$(sqlite3 "$work/spool/aanmeld.db" "SELECT count(*) FROM messages")
	left=$(doveadm mailbox status -u "$IMAP_USER" messages INBOX | sed 's/.*=//')
	[ "$recorded" -eq "$count" ] && [ "$left" -eq 0 ] || {
		echo "aanmeldd recorded $recorded of $count, left $left" >&2
		exit 1
	}
	echo "round $i: mbsync $(tail -n 1 "$work/mbsync.times")," \
		"aanmeldd $(tail -n 1 "$work/aanmeldd.times") (seconds, peak KiB)"
done

median() {	# median COLUMN FILE
	cut -d' ' -f"$1" "$2" | sort -n |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
awk -v n="$count" -v ms="$(median 1 "$work/mbsync.times")" \
	-v as="$(median 1 "$work/aanmeldd.times")" \
	-v mr="$(median 2 "$work/mbsync.times")" \
	-v ar="$(median 2 "$work/aanmeldd.times")" 'BEGIN {
	printf "%d messages, median of the rounds:\n", n
	printf "  mbsync   %7.2f s %7.0f msg/s  peak RSS %6.1f MiB\n", ms, n / ms, mr / 1024
	printf "  aanmeldd %7.2f s %7.0f msg/s  peak RSS %6.1f MiB\n", as, n / as, ar / 1024
	printf "  aanmeldd reaches %.2f of the mbsync rate\n", ms / as
}'
