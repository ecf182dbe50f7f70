#!/bin/sh
# A backlog of ordinary mail with an attachment on a Maildir (the
# embedded default), read as one batch by a daemon just started: the
# parser worker is started while the batch is held, and every message
# is still parsed and judged; none goes to review because the worker
# could not get memory.
set -u
: "${AANMELD:?}" "${AANMELDD:?}"
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d /tmp/aanmeld-batchmem.XXXXXX)
. "$srcdir/integration/lib/tap.sh"
. "$srcdir/integration/lib/common.sh"
trap cleanup EXIT

maildir_setup "$work"
cd "$work" || exit 1
S='Deelname praktijkproef GG & lokale inclusie'
# 60 enrolments with a 150 KB body, 9 MB in all: a batch of about 50
i=0
while [ "$i" -lt 60 ]; do
	i=$((i + 1))
	{
		testmail "big$i" "griffie$i@utrecht.nl" "$S"
		yes 'Bijlage: het raadsbesluit, ingescand als tekst, regel na regel.' |
			head -n 2300 | sed 's/$/\r/'
	} | into_maildir "$((1700000000 + i)).big$i.host"
done
once
ok $? "aanmeldd --once exits 0"
check "the parser worker never ran out of memory" \
	sh -c "! grep -q 'out of memory' '$work/aanmeld.out'"
check "the parser worker never died" \
	sh -c "! grep -q 'parser worker died' '$work/aanmeld.out'"
eq "sixty messages recorded" 60 "$(sql 'SELECT count(*) FROM messages')"
eq "none sent to review" 0 "$(sql "SELECT count(*) FROM messages WHERE verdict = 'review'")"
eq "Utrecht enrolled once, the rest contacts" "1 59" \
	"$(sql "SELECT count(*) FROM messages WHERE verdict = 'enrol'") $(sql "SELECT count(*) FROM messages WHERE verdict = 'duplicate'")"
tap_done
