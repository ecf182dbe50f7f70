#!/bin/sh
# Peak memory of one "aanmeldd --once" pass on a Maildir, by what the
# mail carries: the daemon's and the parser worker's peak RSS (VmHWM,
# sampled by bench/peak-rss.py) for
#   ordinary   50 mails of bench/gen-mail.py (a tenth with a 15 KB PDF)
#   pdf-other  50 mails with a 1 MB PDF from municipalities not taking
#              part (no delivery: only the attachments' names and sizes
#              are needed)
#   pdf-part   50 mails with a 1 MB PDF from participants (deliveries:
#              the files are kept in the spool)
#   big-other  3 mails of about 24 MB (two PDFs of 8.5 MB) from
#              municipalities not taking part
#   big-part   3 such mails from participants
# The participants enrol in a pass of their own first (not measured);
# the rules are the shipped ones with room for 60.  Each row also says
# what was recorded (deliveries, kept files and their bytes), to show the
# pass did the work.  Needs no servers.  BUILD as in the other benchmarks
# (default _build/plain); set it to a build of another commit to compare.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/_build/plain}
aanmeldd=$build/src/aanmeldd
[ -x "$aanmeldd" ] || {
	echo "build first (sh contrib/build.sh _build/plain): no $aanmeldd" >&2
	exit 1
}
root_opt=
if [ "$(id -u)" = 0 ]; then root_opt=--allow-root; fi
work=$(mktemp -d /tmp/aanmeld-attach.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -r "$top/rules" "$work/rules"
sed -i 's/^capacity = .*/capacity = 60/' "$work/rules/programme.conf"

# setup NAME: a fresh spool with an empty Maildir for scenario NAME
setup() {
	d=$work/$1
	mkdir -p "$d/spool/maildir/new" "$d/spool/maildir/cur" \
		"$d/spool/maildir/tmp"
	printf '[main]\nrules = %s\nspool = %s\n[classify]\n%s\n' \
		"$work/rules" "$d/spool" "trusted_authserv_id = mx.vng.nl" \
		>"$d/aanmeld.conf"
}
gen() {
	/usr/bin/python3 "$top/bench/gen-attach.py" --top "$top" \
		--maildir "$d/spool/maildir" "$@"
}
# pass NOW [peak-rss.py]: one pass of aanmeldd on $d at NOW
pass() {
	now=$1
	shift
	"$@" "$aanmeldd" $root_opt -c "$d/aanmeld.conf" --once --now "$now" \
		2>>"$d/log"
}
# measure: the measured pass on $d and its row, named $name
measure() {
	# the three numbers of peak-rss.py: daemon, parser, exit status
	# shellcheck disable=SC2046
	set -- $(pass "2021-07-20 10:00" /usr/bin/python3 \
		"$top/bench/peak-rss.py")
	[ "$3" = 0 ] || {
		echo "aanmeldd failed on $name:" >&2
		tail -5 "$d/log" >&2
		exit 1
	}
	db=$d/spool/aanmeld.db
	printf '%s\t%d\t%d\t%d\t%d\t%d\t%d\n' "$name" \
		"$(sqlite3 "$db" 'SELECT count(*) FROM messages')" \
		$(($1 / 1024)) $(($2 / 1024)) \
		"$(sqlite3 "$db" 'SELECT count(*) FROM deliveries')" \
		"$(sqlite3 "$db" 'SELECT count(*) FROM delivery_files')" \
		"$(sqlite3 "$db" 'SELECT coalesce(sum(size), 0) / 1048576
			FROM delivery_files')"
}

printf 'mails\tmessages\tdaemon-MB\tparser-MB\tdeliveries\tfiles\tfile-MB\n'
name=ordinary
setup $name
/usr/bin/python3 "$top/bench/gen-mail.py" --count 50 --top "$top" \
	--maildir "$d/spool/maildir"
measure

name="pdf-other"
setup $name
gen --kind text --count 50
measure

name="pdf-part"
setup $name
gen --kind enrol --count 50
pass "2021-04-01 10:00"
gen --kind text --count 50
measure

big=$((8704 * 1024))
name="big-other"
setup $name
gen --kind text --count 3 --files 2 --size $big
measure

name="big-part"
setup $name
gen --kind enrol --count 3
pass "2021-04-01 10:00"
gen --kind text --count 3 --files 2 --size $big
measure
