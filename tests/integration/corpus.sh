#!/bin/sh
# corpus.sh - classify every sample mail in data/mail/ and compare the
# verdict with its .expect file.  Prints TAP.
#
# Environment:
#   AANMELD  path to the aanmeld program (required)
#   srcdir   the tests/ source folder (default: the folder above this script)
#
# Each data/mail/NAME.expect belongs to data/mail/NAME.eml and holds lines
#   verdict: enrol|waitlist|closed|duplicate|reject|review|ignore|seen
#   gemeente: GMxxxx or -
#   reason: TEXT        (repeatable; a case-insensitive substring of the reasons)
#   now: YYYY-MM-DD HH:MM   (default 2021-04-01 10:00)
#   after: OTHER.eml    (repeatable; classified first, in order, same dry run)
#
# For each one this runs
#   $AANMELD -c $srcdir/data/aanmeld.conf --now NOW classify --empty AFTER... FILE
# and compares the last output line ("file TAB verdict TAB code TAB reasons").
# One more test checks the safety rule over every line of every run: an
# enrol, waitlist, duplicate or closed verdict always names a municipality.

if [ -z "${AANMELD:-}" ] || [ ! -x "$AANMELD" ] || [ -d "$AANMELD" ]; then
	echo "Bail out! AANMELD not set (or not an executable program)"
	exit 99
fi

if [ -z "${srcdir:-}" ]; then
	srcdir=$(dirname "$0")/..
fi
conf="$srcdir/data/aanmeld.conf"
maildir="$srcdir/data/mail"
default_now="2021-04-01 10:00"

if [ ! -d "$maildir" ]; then
	echo "Bail out! no folder $maildir"
	exit 99
fi

tab=$(printf '\t')
tmp=$(mktemp -d "${TMPDIR:-/tmp}/corpus.XXXXXX") || {
	echo "Bail out! cannot create a temporary folder"
	exit 99
}
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM
all="$tmp/all-lines"
: >"$all"

# The list of .expect files, sorted (LC_ALL=C: the same order everywhere).
LC_ALL=C ls "$maildir" | LC_ALL=C sort | grep '\.expect$' >"$tmp/list"
total=$(wc -l <"$tmp/list" | tr -d ' ')
if [ "$total" -eq 0 ]; then
	echo "Bail out! no .expect files in $maildir"
	exit 99
fi

echo "1..$((total + 1))"
n=0
failed=0

# fail NUMBER NAME MESSAGE
fail() {
	echo "not ok $1 - $2: $3"
	failed=$((failed + 1))
}

# lower TEXT: prints TEXT in lower case (ASCII; other bytes unchanged)
lower() {
	printf '%s\n' "$1" | tr 'A-Z' 'a-z'
}

while IFS= read -r expect; do
	n=$((n + 1))
	name=${expect%.expect}
	eml="$maildir/$name.eml"
	want_verdict=
	want_gemeente=
	now=$default_now
	: >"$tmp/reasons"
	set --
	bad=

	# read the .expect file (CR tolerated at line ends)
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%"$(printf '\r')"}
		case $line in
		'' | '#'*) continue ;;
		esac
		key=${line%%:*}
		value=${line#*:}
		# trim leading and trailing white space of the value
		value=$(printf '%s' "$value" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
		case $key in
		verdict) want_verdict=$value ;;
		gemeente) want_gemeente=$value ;;
		reason) printf '%s\n' "$value" >>"$tmp/reasons" ;;
		now) now=$value ;;
		after)
			if [ ! -f "$maildir/$value" ]; then
				bad="after: no file $value"
			fi
			set -- "$@" "$maildir/$value"
			;;
		*) bad="unknown key '$key' in $expect" ;;
		esac
	done <"$maildir/$expect"

	if [ -z "$bad" ] && [ ! -f "$eml" ]; then
		bad="no file $name.eml"
	fi
	if [ -z "$bad" ] && { [ -z "$want_verdict" ] || [ -z "$want_gemeente" ]; }; then
		bad="$expect lacks verdict: or gemeente:"
	fi
	if [ -n "$bad" ]; then
		fail "$n" "$name.eml" "$bad"
		continue
	fi

	"$AANMELD" -c "$conf" --now "$now" classify --empty "$@" "$eml" \
		</dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
	cat "$tmp/out" >>"$all"
	last=$(grep -v '^$' "$tmp/out" | tail -n 1)
	if [ $rc -ne 0 ] || [ -z "$last" ]; then
		err=$(head -c 300 "$tmp/err" | tr '\n' ' ')
		fail "$n" "$name.eml" "expected $want_verdict, got exit status $rc and no verdict ($err)"
		continue
	fi

	# file TAB verdict TAB code TAB reasons
	rest=${last#*"$tab"}
	got_verdict=${rest%%"$tab"*}
	rest=${rest#*"$tab"}
	got_gemeente=${rest%%"$tab"*}
	case $rest in
	*"$tab"*) got_reasons=${rest#*"$tab"} ;;
	*) got_reasons= ;;
	esac

	problems=
	if [ "$got_verdict" != "$want_verdict" ]; then
		problems="verdict $want_verdict, got $got_verdict"
	fi
	if [ "$got_gemeente" != "$want_gemeente" ]; then
		problems="${problems:+$problems; }gemeente $want_gemeente, got $got_gemeente"
	fi
	have=$(lower "$got_reasons")
	while IFS= read -r reason; do
		want=$(lower "$reason")
		case $have in
		*"$want"*) ;;
		*) problems="${problems:+$problems; }reason '$reason' missing" ;;
		esac
	done <"$tmp/reasons"

	if [ -n "$problems" ]; then
		fail "$n" "$name.eml" "expected $problems (reasons: $got_reasons)"
	else
		echo "ok $n - $name.eml"
	fi
done <"$tmp/list"

# The safety rule: a verdict that enrols (or would have) names a municipality.
n=$((n + 1))
unsafe=$(awk -F '\t' '($2 == "enrol" || $2 == "waitlist" || $2 == "duplicate" ||
	$2 == "closed") && ($3 == "-" || $3 == "") {
		n = split($1, p, "/"); print p[n] " (" $2 ")" }' "$all" |
	LC_ALL=C sort -u | awk 'NR <= 10 { printf "%s ", $0 } END { if (NR > 10)
		printf "and %d more", NR - 10 }')
if [ -n "$unsafe" ]; then
	fail "$n" "safety rule" "enrol/waitlist/duplicate/closed without gemeente: $unsafe"
else
	echo "ok $n - safety rule: every enrol/waitlist/duplicate/closed names a gemeente"
fi

if [ "$failed" -gt 0 ]; then
	exit 1
fi
exit 0
