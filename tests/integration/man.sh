#!/bin/sh
# man.sh - the manual pages in doc/: each one formats without a single
# warning (man-db and groff), has a NAME line that apropos can read, and
# keeps up with the code: every setting in the table of src/rules/config.c is
# documented in aanmeld.conf(5) under its section (and nothing else is),
# every command of src/aanmeld.c is in aanmeld(1) (and nothing else is),
# every long option is on its program's page and every AANMELD_*
# environment variable on both program pages.  Prints TAP.
#
# Environment:
#   srcdir  the tests/ source folder (default: the folder above this script)
#
# Needs the Debian packages man-db and groff-base.

if [ -z "${srcdir:-}" ]; then
	srcdir=$(dirname "$0")/..
fi
top="$srcdir/.."
doc="$top/doc"
src="$top/src"
pages="aanmeldd.8 aanmeld.1 aanmeld.conf.5 aanmeld-web.1"

# ok STATUS DESCRIPTION and tap_done
. "$srcdir/integration/lib/tap.sh"

done_tap() {
	tap_done || exit 1
	exit 0
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/aanmeld-man.XXXXXX") || {
	echo "Bail out! cannot create a temporary folder"
	exit 99
}
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM

# prints FILE's content as TAP comments
show() {
	sed 's/^/# /' "$1"
}

# documented KIND MIN CODE PAGE WHERE: the KINDs read from CODE's table
# ($tmp/code-KINDs, more than MIN) are the ones PAGE documents WHERE
# ($tmp/doc-KINDs): none missing, none stale
documented() {
	count=$(wc -l <"$tmp/code-$1s")
	[ "$count" -gt "$2" ]
	ok $? "$3: the $1s table is read ($count $1s)"

	LC_ALL=C comm -23 "$tmp/code-$1s" "$tmp/doc-$1s" >"$tmp/undoc"
	[ ! -s "$tmp/undoc" ]
	ok $? "$4 documents every $1 of $3 $5"
	show "$tmp/undoc"

	LC_ALL=C comm -13 "$tmp/code-$1s" "$tmp/doc-$1s" >"$tmp/stale"
	[ ! -s "$tmp/stale" ]
	ok $? "$4 documents no $1 that $3 lacks"
	show "$tmp/stale"
}

missing=""
for prog in man groff lexgrog; do
	command -v "$prog" >/dev/null 2>&1 || missing="$missing $prog"
done
if [ -n "$missing" ]; then
	ok 1 "man, groff and lexgrog are installed (missing:$missing; apt-get install man-db groff-base)"
	done_tap
fi

# --- formatting ------------------------------------------------------------

for page in $pages; do
	f="$doc/$page"
	if [ ! -f "$f" ]; then
		ok 1 "$page exists"
		continue
	fi
	LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l -E UTF-8 "$f" \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 0 ] && [ ! -s "$tmp/err" ] && [ -s "$tmp/out" ]
	ok $? "$page: man --warnings formats it without a warning"
	show "$tmp/err"

	groff -ww -z -man "$f" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 0 ] && [ ! -s "$tmp/err" ] && [ ! -s "$tmp/out" ]
	ok $? "$page: groff -ww -z -man gives no warning"
	show "$tmp/err"

	groff -t -ww -man -Tutf8 "$f" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 0 ] && [ ! -s "$tmp/err" ]
	ok $? "$page: groff -t -ww -man -Tutf8 gives no warning"
	show "$tmp/err"

	# the NAME line, as mandb puts it into the whatis database
	if lexgrog "$f" >"$tmp/out" 2>&1; then
		ok 0 "$page: lexgrog reads its NAME section"
	else
		ok 1 "$page: lexgrog reads its NAME section"
		show "$tmp/out"
	fi
done

# --- aanmeld.conf(5) against the settings table ----------------------------

conf="$doc/aanmeld.conf.5"
# "section name" for every S("section", "name", ...) line of the table
sed -n 's/^[[:space:]]*S("\([a-z0-9_]*\)", *"\([a-z0-9_]*\)".*/\1 \2/p' \
	"$src/rules/config.c" | LC_ALL=C sort -u >"$tmp/code-settings"
# "section name" for every entry of the page, a .TP tag line
# ".BI "name = " ..." or ".BR "name = " ...", under the ".SS [section]"
# it stands in
awk '
	/^\.SS \[[a-z0-9_]+\]/ {
		section = $2
		gsub(/[][]/, "", section)
		next
	}
	/^\.S[HS] / { section = ""; next }
	/^\.TP/ { tag = 1; next }
	tag && section != "" && /^\.B[IR] "[a-z0-9_]+ = / {
		name = $2
		sub(/^"/, "", name)
		print section, name
	}
	{ tag = 0 }
' "$conf" | LC_ALL=C sort -u >"$tmp/doc-settings"

documented setting 30 src/rules/config.c aanmeld.conf.5 "in its section"

# every default of the table appears in the entry of its setting
: >"$tmp/bad-defaults"
sed -n 's/^[[:space:]]*S("\([a-z0-9_]*\)", *"\([a-z0-9_]*\)", *SET_[A-Z]*, *[a-z0-9_]*, *"\([^"]*\)").*/\1 \2 \3/p' \
	"$src/rules/config.c" >"$tmp/code-defaults"
# a default on the next line of the table (the line was too long)
awk '
	/^[[:space:]]*S\("[a-z0-9_]+", *"[a-z0-9_]+",/ && !/\),?[[:space:]]*$/ {
		split($0, q, "\"")
		held = q[2] " " q[4]
		next
	}
	held != "" {
		if (match($0, /"[^"]*"\)/))
			print held, substr($0, RSTART + 1, RLENGTH - 3)
		held = ""
	}
' "$src/rules/config.c" >>"$tmp/code-defaults"
while read -r section name def; do
	[ -n "$def" ] || continue
	awk -v s="$section" -v nm="$name" -v d="$def" '
		/^\.SS \[/ { sec = $2; gsub(/[][]/, "", sec); inside = 0; next }
		/^\.S[HS] / { sec = ""; inside = 0; next }
		/^\.(TP|PP)/ { inside = 0; tag = 1; next }
		tag && sec == s && /^\.B[IR] "/ {
			n = $2; sub(/^"/, "", n)
			if (n == nm) inside = 1
		}
		{ tag = 0 }
		inside && /^Default:/ { want = 1; next }
		inside && want {
			if (index($0, d) > 0) found = 1
			want = 0
		}
		END { exit !found }
	' "$conf" || echo "[$section] $name: default $def" >>"$tmp/bad-defaults"
done <"$tmp/code-defaults"
[ ! -s "$tmp/bad-defaults" ]
ok $? "aanmeld.conf.5 gives the default of src/rules/config.c for each setting"
show "$tmp/bad-defaults"

# --- aanmeld(1) against the commands table ---------------------------------

man1="$doc/aanmeld.1"
awk '
	/^static const struct command commands\[\] = \{/ { on = 1; next }
	on && /^\};/ { on = 0 }
	on && /^[[:space:]]*\{"[a-z-]+",/ {
		split($0, q, "\"")
		print q[2]
	}
' "$src/aanmeld.c" | LC_ALL=C sort -u >"$tmp/code-commands"
# the first word of every .TP tag in COMMANDS
awk '
	/^\.SH / { on = ($2 == "COMMANDS"); next }
	on && /^\.TP/ { tag = 1; next }
	on && tag {
		name = $2
		gsub(/"/, "", name)
		print name
		tag = 0
	}
' "$man1" | LC_ALL=C sort -u >"$tmp/doc-commands"

documented command 5 src/aanmeld.c aanmeld.1 "under COMMANDS"

: >"$tmp/nosyn"
while read -r cmd; do
	awk -v c="$cmd" '
		/^\.SH / { on = ($2 == "SYNOPSIS"); next }
		on && ($0 == ".B " c || index($0, ".B " c " ") == 1) { found = 1 }
		END { exit !found }
	' "$man1" || echo "$cmd" >>"$tmp/nosyn"
done <"$tmp/code-commands"
[ ! -s "$tmp/nosyn" ]
ok $? "aanmeld.1 shows every command in its SYNOPSIS"
show "$tmp/nosyn"

# --- options and environment ---------------------------------------------

# checks that every long option of PROGRAM.c appears as \-\-NAME in PAGE
check_options() {	# check_options PROGRAM PAGE
	awk '
		/struct option longopts\[\] = \{/ { on = 1; next }
		on && /\};/ { on = 0 }
		on && /\{"[a-z-]+",/ {
			split($0, q, "\"")
			print q[2]
		}
	' "$src/$1.c" >"$tmp/opts"
	: >"$tmp/noopt"
	while read -r opt; do
		esc=$(printf '%s' "$opt" | sed 's/-/\\-/g')
		grep -q -F -e "\\-\\-$esc" "$doc/$2" || echo "--$opt" >>"$tmp/noopt"
	done <"$tmp/opts"
	[ -s "$tmp/opts" ] && [ ! -s "$tmp/noopt" ]
	ok $? "$2 documents every long option of src/$1.c"
	show "$tmp/noopt"
}
check_options aanmeldd aanmeldd.8
check_options aanmeld-web aanmeld-web.1
# aanmeld's global options are parsed in src/cli/cli_args.c
check_options cli/cli_args aanmeld.1

grep -h -o '"AANMELD_[A-Z0-9_]*"' "$src"/*.c "$src"/*/*.c | tr -d '"' | LC_ALL=C sort -u \
	>"$tmp/env"
for page in aanmeldd.8 aanmeld.1; do
	: >"$tmp/noenv"
	while read -r var; do
		awk -v v="$var" '
			/^\.SH / { on = ($2 == "ENVIRONMENT"); next }
			on && index($0, v) { found = 1 }
			END { exit !found }
		' "$doc/$page" || echo "$var" >>"$tmp/noenv"
	done <"$tmp/env"
	[ -s "$tmp/env" ] && [ ! -s "$tmp/noenv" ]
	ok $? "$page: ENVIRONMENT names every AANMELD_* variable of src/"
	show "$tmp/noenv"
done

done_tap
