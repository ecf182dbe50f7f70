#!/bin/sh
# aanmeld classify over many files (issue 14): files per second at each
# size in SIZES (default "1000 20000"), the best of RUNS (default 3)
# runs of "aanmeld classify --empty" on files written by gen-mail.py
# (all different), with the output thrown away, and the CPU time of the
# command itself per file (the duplicate check is there; parsing is in
# the parser's process).  Needs /usr/bin/time.  BUILD as in the other
# benchmarks (default _build/plain); set it to a build of an older commit
# to compare.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/_build/plain}
aanmeld=$build/src/aanmeld
sizes=${SIZES:-1000 20000}
runs=${RUNS:-3}
[ -x "$aanmeld" ] || {
	echo "build first (sh contrib/build.sh _build/plain): no $aanmeld" >&2
	exit 1
}
work=$(mktemp -d /tmp/aanmeld-classify.XXXXXX)
trap 'rm -rf "$work"' EXIT
printf '[main]\nrules = %s\nspool = %s\n' "$top/rules" "$work/spool" \
	>"$work/aanmeld.conf"

printf 'files\tseconds\tfiles/s\tcpu-us/file\n'
for n in $sizes; do
	d=$work/m$n
	mkdir -p "$d/new" "$d/cur" "$d/tmp"
	/usr/bin/python3 "$top/bench/gen-mail.py" --count "$n" --maildir "$d" \
		--top "$top"
	best=
	i=0
	while [ $i -lt "$runs" ]; do
		# one command line for all: the duplicate check spans them;
		# elapsed, user and system seconds of aanmeld itself (the
		# parser's process is not counted)
		(cd "$d/new" && /usr/bin/time -f '%e %U %S' -o "$work/time" \
			"$aanmeld" -c "$work/aanmeld.conf" classify --empty \
			-- * >"$work/out" 2>"$work/err") || {
			cat "$work/err" >&2
			exit 1
		}
		best=$(echo "$(cat "$work/time") ${best:-}" |
			awk '{ if ($4 != "" && $4 < $1) print $4, $5, $6;
				else print $1, $2, $3 }')
		i=$((i + 1))
	done
	[ "$(wc -l <"$work/out")" -eq "$n" ] || {
		echo "classify printed $(wc -l <"$work/out") lines for $n" >&2
		exit 1
	}
	echo "$n $best" | awk '{ printf "%d\t%.2f\t%.0f\t%.0f\n", $1, $2,
		$1 / $2, ($3 + $4) * 1e6 / $1 }'
done
