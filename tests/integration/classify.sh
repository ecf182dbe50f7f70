#!/bin/sh
# aanmeld classify over many files with many duplicates among them: a
# file is "seen" when an earlier file that was not itself seen had the
# same Message-ID or the same bytes, whatever lies between them.  The
# mails: 300 different ones, 100 byte-for-byte copies, 100 with a known
# Message-ID and other bytes, and 50 without a Message-ID (25 pairs of
# equal bytes), in a shuffled order; the expected list is worked out
# here from sha256sum and the Message-ID header.
set -u
: "${AANMELD:?}"
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$srcdir/integration/lib/tap.sh"
. "$srcdir/integration/lib/common.sh"
work=$(mktemp -d /tmp/aanmeld-classify.XXXXXX)
trap cleanup EXIT

conf_spool=$work/spool conf aanmeld
m=$work/mail
mkdir -p "$m"
S='Deelname praktijkproef GG & lokale inclusie'
senders="j.jansen@utrecht.nl p.pieters@zwolle.nl a.smit@amersfoort.nl
k.bakker@nijmegen.nl someone@gmail.com"
sender() {	# sender I: one of the senders, by I
	set -- $senders "$1"
	k=$(($6 % 5 + 1))
	eval "echo \${$k}"
}
i=1
while [ $i -le 300 ]; do
	testmail "u$i" "$(sender $i)" "$S" >"$m/u$i.eml"
	i=$((i + 1))
done
i=1
while [ $i -le 100 ]; do
	cp "$m/u$((i * 3)).eml" "$m/c$i.eml"
	testmail "u$((i * 3 - 1))" "$(sender $i)" "$S" "X-Copy: $i" \
		>"$m/d$i.eml"
	i=$((i + 1))
done
i=1
while [ $i -le 25 ]; do
	testmail "n$i" "$(sender $i)" "$S" "X-Number: $i" | grep -v '^Message-ID:' \
		>"$m/n$i.eml"
	cp "$m/n$i.eml" "$m/n$i-copy.eml"
	i=$((i + 1))
done
# a shuffled order, the same on every run
(cd "$m" && ls) | awk 'BEGIN { srand(14) } { print rand() "\t" $0 }' |
	sort -n | cut -f2 >"$work/order"
eq "550 files" 550 "$(wc -l <"$work/order")"

# the files that must be seen, in order
for f in $(cat "$work/order"); do
	printf '%s\t%s\t%s\n' "$f" \
		"$(sha256sum "$m/$f" | cut -d' ' -f1)" \
		"$(sed -n 's/^Message-ID: *\(.*\)\r$/\1/p' "$m/$f")"
done | awk -F '\t' '
	{ seen = ($2 in k) || ($3 != "" && ($3 in k)) }
	seen { print $1; next }
	{ k[$2] = 1; if ($3 != "") k[$3] = 1 }' >"$work/want"
eq "the shuffle puts 225 duplicates after a first" 225 \
	"$(wc -l <"$work/want")"

# shellcheck disable=SC2046
(cd "$m" && "$AANMELD" -c "$work/aanmeld.conf" --now "2021-04-01 10:00" \
	classify --empty -- $(cat "$work/order")) >"$work/out" 2>"$work/err"
ok $? "classify over 550 files exits 0"
eq "one line per file, in order" "$(cat "$work/order")" \
	"$(cut -f1 "$work/out")"
awk -F '\t' '$2 == "seen" { print $1 }' "$work/out" >"$work/got"
check "exactly the duplicates are seen" cmp -s "$work/want" "$work/got"
eq "each seen file says why" 225 "$(grep -c \
	'	seen	-	already processed (same Message-ID or same bytes)$' \
	"$work/out")"
eq "every first one gets a verdict" 325 \
	"$(awk -F '\t' '$2 != "seen" && $2 != ""' "$work/out" | wc -l)"
tap_done
