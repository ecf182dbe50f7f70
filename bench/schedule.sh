#!/bin/sh
# The scheduler's cost per pass (issue 14): the instructions spent inside
# remind_run() (callgrind, collecting in that function only) by one
# "aanmeld remind" at a fixed --now, with N contacts (N/5 confirmed
# municipalities of 5 contacts each), in three states:
#   full   the first pass: the reminder due (session 2, 7 days before)
#          is queued for every contact
#   idle   the next pass at the same moment: nothing changed or fell due
#   change one contact added to one municipality since
# SIZES (default "2000 10000") and BUILD (default _build/plain) as in the
# other benchmarks; needs valgrind and sqlite3.  Run the same script with
# BUILD set to a build of an older commit to compare.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/_build/plain}
aanmeld=$build/src/aanmeld
aanmeldd=$build/src/aanmeldd
# a bench in a folder of its own may run as root: say so (aanmeldd(8))
root_opt=
if [ "$(id -u)" = 0 ]; then root_opt=--allow-root; fi
sizes=${SIZES:-2000 10000}
now="2021-04-23 10:00"
[ -x "$aanmeld" ] || {
	echo "build first (sh contrib/build.sh _build/plain): no $aanmeld" >&2
	exit 1
}
for tool in valgrind sqlite3; do
	command -v $tool >/dev/null || { echo "no $tool" >&2; exit 1; }
done
work=$(mktemp -d /tmp/aanmeld-schedule.XXXXXX)
trap 'rm -rf "$work"' EXIT

# instructions of remind_run in one "aanmeld remind" on $1's config
remind_ir() {
	valgrind --tool=callgrind --toggle-collect=remind_run \
		--callgrind-out-file="$work/cg.out" \
		"$aanmeld" -c "$1/aanmeld.conf" --now "$now" remind \
		>"$work/remind.out" 2>"$work/valgrind.err"
	sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$work/valgrind.err"
}

printf 'contacts\tfull\tidle\tchange\t(instructions in remind_run)\n'
for n in $sizes; do
	d=$work/n$n
	mkdir -p "$d/spool/maildir/new" "$d/spool/maildir/tmp" \
		"$d/spool/maildir/cur"
	printf '[main]\nrules = %s\nspool = %s\n' "$top/rules" "$d/spool" \
		>"$d/aanmeld.conf"
	# the database, made by a pass of the daemon on an empty Maildir
	"$aanmeldd" $root_opt -c "$d/aanmeld.conf" --once --now "$now" \
		2>"$work/once.err" || { cat "$work/once.err" >&2; exit 1; }
	t0=$(date -d "2021-03-01 10:00" +%s)
	sqlite3 "$d/spool/aanmeld.db" <<SQL
WITH RECURSIVE i(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM i
	WHERE k < $n / 5)
INSERT INTO enrolments (code, name, status, enrolled_at)
	SELECT printf('GX%05d', k), printf('Gemeente %d', k), 'confirmed',
	$t0 + k FROM i;
WITH RECURSIVE i(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM i
	WHERE k < $n - 1)
INSERT INTO contacts (code, address, name, added_at)
	SELECT printf('GX%05d', k / 5 + 1), printf('c%d@gx%05d.nl', k,
	k / 5 + 1), NULL, $t0 + k / 5 + 1 FROM i;
SQL
	full=$(remind_ir "$d")
	idle=$(remind_ir "$d")
	sqlite3 "$d/spool/aanmeld.db" "INSERT INTO contacts (code, address,
		added_at) VALUES ('GX00001', 'new@gx00001.nl', $t0 + 1)"
	change=$(remind_ir "$d")
	printf '%s\t%s\t%s\t%s\n' "$n" "$full" "$idle" "$change"
done
