#!/bin/sh
# IMAP intake against mbsync, on the same Dovecot over the same TLS.
# For each size: fills the inbox with COUNT realistic messages
# (bench/gen-mail.py), then, ROUNDS times in turn: mbsync pulls the inbox
# into a fresh local Maildir; the inbox is filled again; aanmeldd --once
# processes all of it (verdicts stored, answers written, mail moved).
# Prints messages per second for both, the ratio, peak RSS and CPU (median
# of the rounds).  After the timed rounds, one more pass of aanmeldd runs
# under strace, untimed, to count per message the commits, fsyncs and
# bytes written to the database, its WAL and the spool.  One table at the
# end holds every size, after the load (uptime) at the start and the end:
# on a shared machine, read the numbers with it.
#
# usage: bench/imap.sh [COUNTS [ROUNDS]]      (default 10000 3)
#   COUNTS  one size or several, comma-separated: bench/imap.sh 2000,10000 3
#   ROUNDS  interleaved rounds per size (or ROUNDS=N in the environment)
# environment:
#   BUILD   the build whose aanmeldd is measured (default _build/plain)
#   STORED  messages already processed in the database when a round
#           starts, comma-separated for several (default 0).  For N > 0
#           the database is filled once, before the rounds, by aanmeldd
#           --once over N other generated messages (other Message-IDs and
#           senders) from a Maildir, and each round starts from a copy of
#           it: STORED=0,100000 bench/imap.sh 2000 measures 2,000 messages
#           on an empty database and on one holding 100,000.
#   TRACE   0: no strace run (the per-message counts are left out)
#   PERF    0: do not count aanmeldd's instructions with perf stat (by
#           default counted when perf can: the user-space instructions
#           per message barely move with the machine's load, where its
#           CPU seconds do)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
counts=$(printf '%s' "${1:-10000}" | tr , ' ')
rounds=${2:-${ROUNDS:-3}}
stored_list=$(printf '%s' "${STORED:-0}" | tr , ' ')
trace=${TRACE:-1}
for n in $counts $rounds $stored_list; do
	case $n in
	'' | *[!0-9]*)
		echo "usage: bench/imap.sh [COUNTS [ROUNDS]], STORED=N[,N...]: not a number: $n" >&2
		exit 2
		;;
	esac
done
if [ "$trace" != 0 ] && ! command -v strace >/dev/null; then
	echo "no strace: the per-message counts are left out (apt-get install strace)" >&2
	trace=0
fi
perf=${PERF:-1}
# a virtual machine without a PMU runs perf, but counts "<not supported>"
if [ "$perf" != 0 ] && ! perf stat -x, -e instructions:u -- true 2>&1 \
	>/dev/null | grep -q '^[0-9][0-9]*,.*instructions'; then
	echo "no instruction counter here (perf stat): the counts are left out" >&2
	perf=0
fi
. "$top/bench/lib.sh"
trap 'servers_stop; rm -rf "$work"' EXIT
echo "load at start: $(uptime)"
dovecot_start
secret password "$IMAP_PASSWORD"

fill() {	# fill COUNT: a fresh mailbox holding exactly those seed messages, indexed
	rm -rf "$MAILDIR"
	mkdir -p "$MAILDIR/cur" "$MAILDIR/tmp"
	cp -r "$work/seed-$1/new" "$MAILDIR/new"
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

measure() {	# measure NAME COMMAND...: appends "seconds rss_kb user sys" to NAME.times
	name=$1
	shift
	/usr/bin/time -f '%e %M %U %S' -o "$work/time.out" "$@" >"$work/$name.log" 2>&1 || {
		echo "$name failed:" >&2
		tail "$work/$name.log" >&2
		exit 1
	}
	cat "$work/time.out" >>"$work/$name.times"
}

# prefill N: $work/stored-N.db, a database in which aanmeldd --once has
# processed N messages from a Maildir, checkpointed so that the file alone
# is the whole database.  The messages are numbered from 1,000,000 with a
# seed of their own: no Message-ID or sender is one of the measured ones.
prefill() {
	pre=$work/prefill-$1
	echo "prefill: generating $1 messages"
	t0=$(date +%s.%N)
	/usr/bin/python3 "$top/bench/gen-mail.py" --count "$1" --seed 7 \
		--first 1000000 --maildir "$pre/maildir"
	t1=$(date +%s.%N)
	printf '[main]\nrules = %s\nspool = %s\n[mailbox]\ntype = maildir\nmaildir = %s\n[classify]\ntrusted_authserv_id = mx.vng.nl\n' \
		"$top/rules" "$pre/spool" "$pre/maildir" >"$pre.conf"
	rm -f "$work/prefill.times"
	measure prefill "$aanmeldd" $root_opt -c "$pre.conf" --once \
		--now "2021-04-01 10:00"
	got=$(sqlite3 "$pre/spool/aanmeld.db" "SELECT count(*) FROM messages")
	[ "$got" -eq "$1" ] || {
		echo "prefill recorded $got of $1" >&2
		exit 1
	}
	sqlite3 "$pre/spool/aanmeld.db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
	[ ! -s "$pre/spool/aanmeld.db-wal" ] || {
		echo "prefill: the WAL is not empty after the checkpoint" >&2
		exit 1
	}
	cp "$pre/spool/aanmeld.db" "$work/stored-$1.db"
	set -- "$1" $(cat "$work/prefill.times")
	awk -v n="$1" -v t0="$t0" -v t1="$t1" -v s="$2" -v r="$3" -v u="$4" \
		-v y="$5" -v kb="$(du -k "$work/stored-$1.db" | cut -f1)" 'BEGIN {
		g = t1 - t0; c = u + y
		printf "prefill %d: generated in %.1f s; aanmeldd --once (Maildir) %.1f s, %.0f msg/s, CPU %.1f s, peak RSS %.1f MiB; database %.0f MiB\n", n, g, s, n / s, c, r / 1024, kb / 1024
	}' | tee -a "$work/prefill.txt"
	rm -rf "$pre"
}

# spool STORED: an empty spool, or one holding a copy of stored-STORED.db
spool() {
	rm -rf "$work/spool"
	mkdir -p "$work/spool"
	[ "$1" -eq 0 ] || cp "$work/stored-$1.db" "$work/spool/aanmeld.db"
}

check() {	# check COUNT STORED: every message recorded, the inbox empty
	recorded=$(sqlite3 "$work/spool/aanmeld.db" "SELECT count(*) FROM messages")
	left=$(doveadm mailbox status -u "$IMAP_USER" messages INBOX | sed 's/.*=//')
	[ "$recorded" -eq $(($1 + $2)) ] && [ "$left" -eq 0 ] || {
		echo "aanmeldd recorded $recorded of $1 (+ $2 stored), left $left" >&2
		exit 1
	}
}

median() {	# median COLUMN FILE
	cut -d' ' -f"$1" "$2" | sort -n |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
cpu_median() {	# cpu_median FILE: the median of user + sys
	awk '{ print $3 + $4 }' "$1" | sort -n |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# trace_run COUNT STORED: one untimed pass under strace; $work/sums holds
# the sums of bench/strace-sum.py, and logged_commits= when the daemon's
# log gives a count of commits
trace_run() {
	fill "$1"
	spool "$2"
	rm -rf "$work/strace"
	mkdir -p "$work/strace"
	strace -ff -y -xx -s 32 -o "$work/strace/t" \
		-e trace=write,pwrite64,writev,pwritev,fsync,fdatasync,syncfs \
		"$aanmeldd" $root_opt -c "$work/aanmeld.conf" --once \
		--now "2021-04-01 10:00" >"$work/traced.log" 2>&1 || {
		echo "aanmeldd under strace failed:" >&2
		tail "$work/traced.log" >&2
		exit 1
	}
	check "$1" "$2"
	/usr/bin/python3 "$top/bench/strace-sum.py" "$work/spool" \
		"$work"/strace/t.* >"$work/sums"
	logged=$(grep -o '[0-9][0-9]* commits' "$work/traced.log" | tail -n 1 |
		cut -d' ' -f1)
	if [ -n "$logged" ]; then
		printf 'logged_commits=%s\n' "$logged" >>"$work/sums"
	fi
	rm -rf "$work/strace"
}

for count in $counts; do
	echo "generating $count messages"
	/usr/bin/python3 "$top/bench/gen-mail.py" --count "$count" \
		--maildir "$work/seed-$count"
done
for stored in $stored_list; do
	[ "$stored" -eq 0 ] || [ -f "$work/stored-$stored.db" ] || prefill "$stored"
done

for count in $counts; do
	for stored in $stored_list; do
		echo "$count messages, $stored stored:"
		rm -f "$work/mbsync.times" "$work/aanmeldd.times" "$work/insn.times"
		i=0
		while [ "$i" -lt "$rounds" ]; do
			i=$((i + 1))
			fill "$count"
			rm -rf "$work/local"
			mkdir -p "$work/local"
			measure mbsync mbsync -c "$work/mbsyncrc" -a
			got=$(find "$work/local/INBOX/cur" "$work/local/INBOX/new" -type f | wc -l)
			[ "$got" -eq "$count" ] || {
				echo "mbsync fetched $got of $count" >&2
				exit 1
			}
			fill "$count"
			spool "$stored"
			if [ "$perf" != 0 ]; then
				measure aanmeldd perf stat -x, -o "$work/perf.out" \
					-e instructions:u -- \
					"$aanmeldd" $root_opt -c "$work/aanmeld.conf" \
					--once --now "2021-04-01 10:00"
				awk -F, '$3 ~ /^instructions/ { print $1 }' \
					"$work/perf.out" >>"$work/insn.times"
			else
				measure aanmeldd "$aanmeldd" $root_opt -c "$work/aanmeld.conf" \
					--once --now "2021-04-01 10:00"
			fi
			check "$count" "$stored"
			echo "round $i: mbsync $(cut -d' ' -f1,2 "$work/mbsync.times" | tail -n 1)," \
				"aanmeldd $(cut -d' ' -f1,2 "$work/aanmeldd.times" | tail -n 1)" \
				"(seconds, peak KiB)"
		done
		ms=$(median 1 "$work/mbsync.times")
		as=$(median 1 "$work/aanmeldd.times")
		mr=$(median 2 "$work/mbsync.times")
		ar=$(median 2 "$work/aanmeldd.times")
		ac=$(cpu_median "$work/aanmeldd.times")
		mc=$(cpu_median "$work/mbsync.times")
		# the fastest rounds too: on a shared machine the least disturbed
		mb=$(cut -d' ' -f1 "$work/mbsync.times" | sort -n | head -n 1)
		ab=$(cut -d' ' -f1 "$work/aanmeldd.times" | sort -n | head -n 1)
		awk -v n="$count" -v ms="$ms" -v as="$as" -v mr="$mr" -v ar="$ar" 'BEGIN {
			printf "%d messages, median of the rounds:\n", n
			printf "  mbsync   %7.2f s %7.0f msg/s  peak RSS %6.1f MiB\n", ms, n / ms, mr / 1024
			printf "  aanmeldd %7.2f s %7.0f msg/s  peak RSS %6.1f MiB\n", as, n / as, ar / 1024
			printf "  aanmeldd reaches %.2f of the mbsync rate\n", ms / as
		}'
		: >"$work/sums"
		if [ "$trace" != 0 ]; then
			trace_run "$count" "$stored"
		fi
		if [ -s "$work/insn.times" ]; then
			echo "insn=$(sort -n "$work/insn.times" |
				awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')" >>"$work/sums"
		fi
		echo "$count $stored $ms $as $ar $ac $mc $mb $ab" $(cat "$work/sums") >>"$work/results"
	done
done

echo "load at end: $(uptime)"
[ ! -f "$work/prefill.txt" ] || cat "$work/prefill.txt"
echo "$("$aanmeldd" --version 2>/dev/null | head -n 1 || :) from" \
	"$(git -C "$top" describe --always --dirty 2>/dev/null || echo "?")," \
	"$aanmeldd; $(nproc) cores"
echo "msg/s, RSS (aanmeldd's peak) and CPU (aanmeldd's user + sys, per pass and"
echo "per message): median of $rounds rounds.  Per message, from one more pass"
echo "under strace: commits (WAL commit frames, or the daemon's own count when"
echo "it logs one), fsyncs (fsync, fdatasync, syncfs) and KB written to the WAL,"
echo "the database and the rest of the spool.  best: the ratio of the fastest"
echo "rounds of each (the least disturbed).  mbsyncCPU: mbsync's user + sys."
echo "Minsn/msg: aanmeldd's user-space instructions per message, in millions"
echo "(perf stat, median of the rounds; parser worker and threads included)."
awk '
function get(k) { for (f = 10; f <= NF; f++) if (index($f, k "=") == 1) return substr($f, length(k) + 2); return "" }
function per(v) { return v == "" ? "-" : sprintf("%.2f", v / $1) }
function kb(v) { return v == "" ? "-" : sprintf("%.1f", v / $1 / 1024) }
BEGIN {
	printf "%8s %7s %8s %9s %6s %5s %7s %6s %7s %8s %7s %7s %7s %8s %9s %9s\n",
		"messages", "stored", "mbsync/s", "aanmeld/s", "ratio", "best", "RSS_MiB",
		"CPU_s", "ms/msg", "commits", "fsyncs", "KB_WAL", "KB_db", "KB_spool",
		"mbsyncCPU", "Minsn/msg"
}
{
	c = get("logged_commits"); if (c == "") c = get("commits")
	i = get("insn")
	printf "%8d %7d %8.0f %9.0f %6.2f %5.2f %7.1f %6.2f %7.3f %8s %7s %7s %7s %8s %9.2f %9s\n",
		$1, $2, $1 / $3, $1 / $4, $3 / $4, $8 / $9, $5 / 1024, $6, $6 * 1000 / $1,
		per(c), per(get("fsyncs")), kb(get("wal")), kb(get("db")),
		kb(get("spool")), $7, i == "" ? "-" : sprintf("%.3f", i / $1 / 1e6)
}' "$work/results"
