#!/bin/sh
# Is the work per message flat as the database grows?  Counts the
# instructions aanmeldd --once executes for COUNT realistic messages
# (bench/gen-mail.py) from a Maildir, once on an empty database and once
# on each database prefilled with N other processed messages (STORED).
# The count comes from valgrind (cachegrind without its cache model, the
# parser worker and the threads included): unlike CPU seconds it does not
# move with the load of a shared machine, so a ratio of 1.05 means 5 %
# more work, not a busier neighbour.  Prints instructions per message and
# the ratio to the empty database.  Takes a few minutes (valgrind runs
# some 30 times slower).
#
# usage: bench/flat.sh [COUNT]               (default 2000)
# environment:
#   BUILD   the build whose aanmeldd is measured (default _build/plain)
#   STORED  messages already in the database, comma-separated for several
#           (default 100000)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
count=${1:-2000}
stored_list=$(printf '%s' "${STORED:-100000}" | tr , ' ')
for n in $count $stored_list; do
	case $n in
	'' | *[!0-9]*)
		echo "usage: bench/flat.sh [COUNT], STORED=N[,N...]: not a number: $n" >&2
		exit 2
		;;
	esac
done
command -v valgrind >/dev/null || {
	echo "bench/flat.sh needs valgrind (apt-get install valgrind)" >&2
	exit 1
}
. "$top/bench/lib.sh"
trap 'rm -rf "$work"' EXIT

# conf NAME: $work/NAME.conf, a Maildir desk in $work/NAME
conf() {
	printf '[main]\nrules = %s\nspool = %s\n[mailbox]\ntype = maildir\nmaildir = %s\n[classify]\ntrusted_authserv_id = mx.vng.nl\n' \
		"$top/rules" "$work/$1/spool" "$work/$1/maildir" >"$work/$1.conf"
	mkdir -p "$work/$1/spool"
}

# prefill N: $work/stored-N.db, N other messages processed (not counted)
prefill() {
	echo "prefill: $1 messages"
	conf pre
	/usr/bin/python3 "$top/bench/gen-mail.py" --count "$1" --seed 7 \
		--first 1000000 --maildir "$work/pre/maildir"
	"$aanmeldd" $root_opt -c "$work/pre.conf" --once \
		--now "2021-04-01 10:00" >"$work/pre.log" 2>&1
	sqlite3 "$work/pre/spool/aanmeld.db" \
		"PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
	cp "$work/pre/spool/aanmeld.db" "$work/stored-$1.db"
	rm -rf "$work/pre"
}

# count STORED: instructions for the COUNT messages on that database
count_run() {
	rm -rf "$work/run"
	conf run
	cp -r "$work/seed" "$work/run/maildir"
	[ "$1" -eq 0 ] || cp "$work/stored-$1.db" "$work/run/spool/aanmeld.db"
	rm -f "$work"/cg.out.*
	valgrind --tool=cachegrind --cache-sim=no --trace-children=yes \
		--cachegrind-out-file="$work/cg.out.%p" \
		"$aanmeldd" $root_opt -c "$work/run.conf" --once \
		--now "2021-04-01 10:00" >"$work/run.log" 2>&1 || {
		echo "aanmeldd under valgrind failed:" >&2
		tail "$work/run.log" >&2
		exit 1
	}
	got=$(sqlite3 "$work/run/spool/aanmeld.db" \
		"SELECT count(*) FROM messages")
	[ "$got" -eq $(($1 + count)) ] || {
		echo "recorded $got of $count (+ $1 stored)" >&2
		exit 1
	}
	# every process's total: the daemon and its parser worker
	cat "$work"/cg.out.* | awk '/^summary:/ { s += $2 } END { print s }'
}

/usr/bin/python3 "$top/bench/gen-mail.py" --count "$count" \
	--maildir "$work/seed"
for s in $stored_list; do
	prefill "$s"
done
base=$(count_run 0)
{
	echo "0 $base"
	for s in $stored_list; do
		echo "$s $(count_run "$s")"
	done
} | awk -v n="$count" '
NR == 1 { base = $2; printf "%8s %9s %12s %6s\n", "messages", "stored", "instr/msg", "ratio" }
{ printf "%8d %9d %12.0f %6.2f\n", n, $1, $2 / n, $2 / base }'
echo "$("$aanmeldd" --version 2>/dev/null | head -n 1 || :) from" \
	"$(git -C "$top" describe --always --dirty 2>/dev/null || echo "?");" \
	"instructions counted by valgrind (cachegrind), user space"
