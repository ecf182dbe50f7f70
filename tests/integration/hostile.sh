#!/bin/sh
# Hostile mail against a real Dovecot and a real SMTP server (both on
# 127.0.0.1): the MIME boundaries that crash libetpan 1.9.4, in the shapes
# MIME allows (space, folding, a comment, an encoded word), each costs one
# message: it goes to review with a reason, the mail behind it is still
# answered, and staff can move it to every decision folder.  Run once with
# the guard of message.c and once without it (AANMELD_TEST_UNGUARDED_MIME),
# so that libetpan really crashes, inside the parser worker.  The command
# line (classify, show, approve, reject, dismiss) on the same mail.  A
# forged or malformed From never enrols; an outsider's calendar reply for
# a contact records nothing; an outsider's subject with an encoded CR/LF
# and a display name with a link are not reflected in the answer.
set -u
: "${AANMELD:?}" "${AANMELDD:?}"
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d /tmp/aanmeld-hostile.XXXXXX)
. "$srcdir/integration/lib/tap.sh"
. "$srcdir/integration/lib/common.sh"
. "$srcdir/integration/lib/servers.sh"
trap cleanup EXIT

servers_setup

T="2021-04-01 10:00"
S='Deelname praktijkproef GG & lokale inclusie'
# the command line runs without the guard
cli_env=AANMELD_TEST_UNGUARDED_MIME=1
# crashmail ID FROM CONTENT-TYPE-LINES: an authenticated enrolment whose
# body libetpan cannot parse
crashmail() {
	printf 'Authentication-Results: mx.vng.nl; dmarc=pass header.from=%s\r\n' "${2#*@}"
	printf 'From: %s\r\nTo: GlobalGoals@VNG.nl\r\nSubject: %s\r\n' "$2" "$S"
	printf 'Message-ID: <%s@test.example>\r\nMIME-Version: 1.0\r\n' "$1"
	printf '%s\r\n\r\n--"\r\nContent-Type: text/plain\r\n\r\n' "$3"
	printf 'Graag melden wij ons aan.\r\n--"--\r\n'
}
verdict() {	# verdict ID
	sql "SELECT verdict FROM messages WHERE message_id = '$1@test.example'"
}
answered() {	# answered RCPT: mails to RCPT that reached the SMTP server
	grep -l -i -x "To: .*$1.*" "$work/sink/"*.eml 2>/dev/null | wc -l
}

# --- the shapes, each before an ordinary enrolment, guarded and not
cr=$(printf '\r')
nl='
'
shapes=0
for mode in guarded unguarded; do
	env=
	[ "$mode" = unguarded ] && env=AANMELD_TEST_UNGUARDED_MIME=1
	# as literal text: no printf escapes (bash and dash differ there)
	for shape in 'boundary="\""' 'boundary ="\""' \
		"boundary$cr$nl =\"\\\"\"" '(c)boundary(c)="\""' \
		'=?us-ascii?q?boundary=3D=22=5C=22=22?='; do
		shapes=$((shapes + 1))
		crashmail "x$shapes" "jan$shapes@haarlem.nl" \
			"Content-Type: multipart/mixed; $shape" | deliver
		testmail "ok$shapes" "piet$shapes@utrecht.nl" "$S" | deliver
	done
	once aanmeld "$T" $env
	ok $? "$mode: aanmeldd --once exits 0"
done
sql "SELECT reasons FROM messages WHERE message_id = 'x6@test.example'" \
	>"$work/reasons"
bad=0
good=0
for i in $(seq 1 "$shapes"); do
	[ "$(verdict "x$i")" = review ] && bad=$((bad + 1))
	[ -n "$(sql "SELECT 1 FROM contacts WHERE address = 'piet$i@utrecht.nl'")" ] &&
		good=$((good + 1))
done
eq "every crashing shape goes to review" "$shapes" "$bad"
eq "the mail behind each is still recorded" "$shapes" "$good"
eq "Utrecht is enrolled once" 1 \
	"$(sql "SELECT count(*) FROM enrolments WHERE code = 'GM0344'")"
check "the guarded ones say why" grep -q "invalid boundary parameter" \
	"$work/aanmeld.log"
eq "the unguarded ones died in the worker, not the daemon" 5 \
	"$(grep -c 'the parser worker died' "$work/aanmeld.log")"
check "a crash is the reason" grep -q "the message could not be read" \
	"$work/reasons"
check "answers reached the SMTP server" test "$(answered piet1@utrecht.nl)" -ge 1
eq "all ten crashing mails are in Beoordelen" "$shapes" \
	"$(count Beoordelen)"
eq "the inbox is empty" 0 "$(count INBOX)"

# --- the command line on the crashing mail: no crash
spool=$work/spool/$(sql "SELECT spool_path FROM messages WHERE message_id = 'x6@test.example'")
cli classify --empty "$spool"
ok $? "classify on a crashing mail exits 0"
check "classify: review" grep -q "	review	" "$work/cli.out"
cli show "$(item_of x6)"
ok $? "show on a crashing mail exits 0"

# --- staff move crashing mail to each decision folder (the review pass
# parses it again, unguarded: the worker dies, the daemon does not)
imap_move Beoordelen Beoordelen/Goedkeuren x6 &&
	imap_move Beoordelen Beoordelen/Afwijzen x7 &&
	imap_move Beoordelen Beoordelen/Negeren x8
ok $? "IMAP MOVE to the three decision folders"
testmail after1 kees@ede.nl "$S" | deliver
once aanmeld "$T" AANMELD_TEST_UNGUARDED_MIME=1
ok $? "the pass after the moves exits 0"
eq "Goedkeuren is emptied" 0 "$(count Beoordelen/Goedkeuren)"
eq "Afwijzen is emptied" 0 "$(count Beoordelen/Afwijzen)"
eq "Negeren is emptied" 0 "$(count Beoordelen/Negeren)"
# what the crash left is the header: no municipality is suggested, so
# the approval goes back with the note how to give one
eq "approved without a municipality: back in Beoordelen" 1 \
	"$(in_folder Beoordelen x6)"
eq "rejected: in Afgewezen" 1 "$(in_folder Afgewezen x7)"
eq "dismissed: in Genegeerd" 1 "$(in_folder Genegeerd x8)"
eq "the decisions are recorded" "open|reject|dismiss" \
	"$(sql "SELECT group_concat(coalesce(decision, status), '|') FROM (SELECT decision, status FROM review_items WHERE id IN ($(item_of x6), $(item_of x7), $(item_of x8)) ORDER BY id)")"
check "the mail after them is recorded" test -n \
	"$(sql "SELECT 1 FROM contacts WHERE address = 'kees@ede.nl'")"

# --- the command line decides on crashing mail too
cli approve "$(item_of x6)" --gemeente GM0392 &&
	cli reject "$(item_of x9)" && cli dismiss "$(item_of x10)"
ok $? "approve, reject and dismiss on crashing mail exit 0"
eq "approved with a municipality: Haarlem enrolled" "GM0392|confirmed" \
	"$(sql "SELECT code, status FROM enrolments WHERE code = 'GM0392'")"
once aanmeld "$T" AANMELD_TEST_UNGUARDED_MIME=1
ok $? "the pass after the command line exits 0"
eq "approved: in Verwerkt" 1 "$(in_folder Verwerkt x6)"
eq "Beoordelen holds the guarded five" 5 "$(count Beoordelen)"

# --- a forged or malformed From never enrols
k=0
for from in 'jan@evil.example@amsterdam.nl' '"evil@x"@amsterdam.nl' \
	'Jan <jan@amsterdam.nl>, Eve <eve@evil.example>' \
	'group: jan@amsterdam.nl;'; do
	k=$((k + 1))
	{
		printf 'Authentication-Results: mx.vng.nl; dmarc=pass header.from=amsterdam.nl\r\n'
		printf 'From: %s\r\nTo: GlobalGoals@VNG.nl\r\n' "$from"
		printf 'Subject: %s\r\nMessage-ID: <f%s@test.example>\r\n' "$S" "$k"
		printf '\r\nGraag melden wij ons aan.\r\n'
	} | deliver
done
{
	printf 'Authentication-Results: mx.vng.nl; dmarc=pass header.from=amsterdam.nl\r\n'
	printf 'From: eve@evil.example\r\nFrom: jan@amsterdam.nl\r\n'
	printf 'Subject: %s\r\nMessage-ID: <f5@test.example>\r\n\r\nx\r\n' "$S"
} | deliver
{
	printf 'Authentication-Results: mx.vng.nl; dmarc=pass header.from=amsterdam.nl\r\n'
	printf 'From: jan@amsterdam.nl\r\nX-Hide: x\nFrom: eve@evil.example\r\n'
	printf 'Subject: %s\r\nMessage-ID: <f6@test.example>\r\n\r\nx\r\n' "$S"
} | deliver
once
ok $? "the From shapes: aanmeldd --once exits 0"
for i in 1 2 3 4 5 6; do
	eq "From shape $i: review" review "$(verdict "f$i")"
done
eq "Amsterdam is not enrolled" 0 \
	"$(sql "SELECT count(*) FROM enrolments WHERE code = 'GM0363'")"

# --- a forged attendance: an outside sender answers for Utrecht's contact
sed -e 's/mailto:k\.bakker@zwolle\.nl/mailto:piet1@utrecht.nl/' \
	-e 's/k\.bakker@zwolle\.nl/eve@evil.example/g' \
	-e 's/zwolle\.nl/evil.example/g' -e 's/-session-3@vng/-session-1@vng/' \
	-e 's/PARTSTAT=ACCEPTED/PARTSTAT=DECLINED/' \
	-e 's/<0000000000004a9e2c05bee33a1f@google.com>/<att1@test.example>/' \
	"$srcdir/data/attendance/gmail-accept-en.eml" | deliver
# --- a reflected subject: an outsider's encoded CR/LF and display name
{
	printf 'Authentication-Results: mx.vng.nl; dmarc=pass header.from=evil.example\r\n'
	printf 'From: =?utf-8?q?Visit_http=3A//evil.example/win?= <eve@evil.example>\r\n'
	printf 'Subject: =?utf-8?q?%s=0D=0ABcc:_victim@example.org?=\r\n' \
		'Deelname_praktijkproef_GG_=26_lokale_inclusie'
	printf 'Message-ID: <refl1@test.example>\r\nTo: GlobalGoals@VNG.nl\r\n'
	printf '\r\nKlik op http://evil.example/win\r\n'
} | deliver
# --- the log: a Message-ID with a C1 CSI and a bidi override
{
	printf 'Authentication-Results: mx.vng.nl; dmarc=pass header.from=evil.example\r\n'
	printf 'From: eve@evil.example\r\nSubject: hallo\r\n'
	printf 'Message-ID: <log\302\233[2J\342\200\256x@test.example>\r\n\r\nx\r\n'
} | deliver
once
ok $? "forged attendance and reflected subject: aanmeldd --once exits 0"
check "the log shows the Message-ID's controls as escapes" grep -q \
	'log\\u009b\[2J\\u202ex@test.example' "$work/aanmeld.log"
check "the log holds no raw C1 or bidi control" sh -c \
	"! LC_ALL=C grep -q -P '\\xc2\\x9b|\\xe2\\x80\\xae' '$work/aanmeld.log'"
eq "the forged attendance is ignored" ignore "$(verdict att1)"
eq "nothing is recorded for Utrecht" 0 \
	"$(sql "SELECT count(*) FROM attendance WHERE code = 'GM0344'")"
eq "the outsider is rejected" reject "$(verdict refl1)"
answer=$(grep -l -i "^In-Reply-To: <refl1@test.example>" "$work/sink/"*.eml)
check "the outsider's answer reached the SMTP server" test -n "$answer"
check "it has no injected header" sh -c "! grep -q -i '^Bcc:' $answer"
check "it quotes neither the link nor the name" sh -c \
	"! grep -q -i 'evil.example/win' $answer"
eq "it goes to the address alone" 1 \
	"$(grep -c -i '^To: <eve@evil.example>' "$answer")"

tap_done
