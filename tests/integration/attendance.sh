#!/bin/sh
# Answers to the invitations, end to end: the real daemon on a Maildir
# with two enrolments, then the Outlook and Gmail replies of their
# contacts (tests/data/attendance), a reply to an unknown event, one from
# a stranger, a forged one, then a later and an older answer; then a
# reply sent from an outside address for a contact and one at a SEQUENCE
# we never sent, which must neither record nor lock anything.  Checks the
# attendance table, that nothing is answered or sent to review, the
# folders, `aanmeld list`, and the bytes of `aanmeld export`.
set -u
: "${AANMELD:?}" "${AANMELDD:?}"
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
data=$srcdir/data/attendance
work=$(mktemp -d /tmp/aanmeld-attendance.XXXXXX)
trap 'rm -rf "$work"' EXIT
. "$srcdir/integration/lib/tap.sh"
. "$srcdir/integration/lib/common.sh"

cr=$(printf '\r')
words() {	# the rows of a query on one line
	sql "$1" | tr '\n' ' ' | sed 's/ $//'
}

maildir_setup "$work"
md=$work/spool/maildir

same() {	# same DESCRIPTION WANT-FILE GOT-FILE: byte for byte
	cmp -s "$2" "$3"
	ok $? "$1"
	cmp -s "$2" "$3" || diff "$2" "$3" | od -c | sed 's/^/# /' | head -40
}

# 1. two municipalities enrol: these are the contacts that reply
S='Deelname praktijkproef GG & lokale inclusie'
testmail 1000.utrecht.host a.meijer@utrecht.nl "$S" | into_maildir 1000.utrecht.host
once aanmeld "2021-04-01 10:00"
ok $? "Utrecht enrols: aanmeldd --once exits 0"
testmail 1001.zwolle.host k.bakker@zwolle.nl "$S" | into_maildir 1001.zwolle.host
once aanmeld "2021-04-01 10:05"
ok $? "Zwolle enrols: aanmeldd --once exits 0"
eq "two municipalities enrolled" "GM0344|confirmed GM0193|confirmed" \
	"$(words 'SELECT code, status FROM enrolments ORDER BY enrolled_at')"
mails=$(sql 'SELECT count(*) FROM outbox')

# 2. the replies: Outlook (Exchange) accepts session 1 in Dutch and
# declines session 2 in English; Gmail accepts session 3 in English and
# is tentative for session 4 in Dutch
cp "$data/outlook-accept-nl.eml" "$md/new/2001.outlook-accept.host"
cp "$data/outlook-decline-en.eml" "$md/new/2002.outlook-decline.host"
cp "$data/gmail-accept-en.eml" "$md/new/2003.gmail-accept.host"
cp "$data/gmail-tentative-nl.eml" "$md/new/2004.gmail-tentative.host"
# a reply to an event that is not ours (the corpus's Outlook sample)
cp "$srcdir/data/mail/076-outlook-calendar-accept.eml" \
	"$md/new/2005.unknown-uid.host"
# a reply from someone who is no contact
sed -e 's/k\.bakker@zwolle\.nl/p.jansen@amsterdam.nl/g' \
	-e 's/header\.from=zwolle\.nl/header.from=amsterdam.nl/' \
	-e 's/<0000000000004a9e2c05bee33a1f@google.com>/<stranger@google.com>/' \
	"$data/gmail-accept-en.eml" | into_maildir 2006.stranger.host
# a reply whose sender fails DMARC: declining session 1 for Utrecht
sed -e 's/dmarc=pass (p=NONE/dmarc=fail (p=NONE/' \
	-e 's/k\.bakker@zwolle\.nl/a.meijer@utrecht.nl/g' \
	-e 's/header\.from=zwolle\.nl/header.from=utrecht.nl/' \
	-e 's/PARTSTAT=ACCEPTED/PARTSTAT=DECLINED/' \
	-e 's/-session-3@vng/-session-1@vng/' \
	-e 's/<0000000000004a9e2c05bee33a1f@google.com>/<forged@google.com>/' \
	"$data/gmail-accept-en.eml" | into_maildir 2007.forged.host
once aanmeld "2021-04-01 11:00"
ok $? "replies: aanmeldd --once exits 0"

for k in 2001.outlook-accept 2002.outlook-decline 2003.gmail-accept \
	2004.gmail-tentative; do
	eq "$k: verdict attendance" attendance "$(key_verdict "$k.host")"
done
check "Outlook accept: reason in words" \
	reasons 2001.outlook-accept.host 'attendance: accepted session 1'
check "Outlook decline: reason in words" \
	reasons 2002.outlook-decline.host 'attendance: declined session 2'
check "Gmail accept: reason in words" \
	reasons 2003.gmail-accept.host 'attendance: accepted session 3'
check "Gmail tentative: reason in words" \
	reasons 2004.gmail-tentative.host 'attendance: tentative session 4'
eq "the replies name their municipality" "GM0344 GM0344 GM0193 GM0193" \
	"$(words "SELECT gemeente FROM messages WHERE verdict = 'attendance' ORDER BY msgkey")"
eq "unknown event: ignored" ignore "$(key_verdict 2005.unknown-uid.host)"
check "unknown event: the reason says why" \
	reasons 2005.unknown-uid.host 'not in the programme'
eq "stranger: ignored" ignore "$(key_verdict 2006.stranger.host)"
check "stranger: the reason says why" reasons 2006.stranger.host \
	'p.jansen@amsterdam.nl is no contact of an enrolled municipality: nothing recorded'
eq "forged: ignored" ignore "$(key_verdict 2007.forged.host)"
check "forged: the reason says why" reasons 2007.forged.host \
	'dmarc=fail.*attendance not recorded'

eq "attendance recorded per contact and item" \
	"GM0193|k.bakker@zwolle.nl|session-3|3|accepted GM0193|k.bakker@zwolle.nl|session-4|4|tentative GM0344|a.meijer@utrecht.nl|session-1|1|accepted GM0344|a.meijer@utrecht.nl|session-2|2|declined" \
	"$(words 'SELECT code, address, item, session, status FROM attendance ORDER BY code, item')"
eq "DTSTAMP kept as replied_at" "2021-04-01 08:15:12" \
	"$(sql "SELECT datetime(replied_at, 'unixepoch') FROM attendance WHERE item = 'session-1'")"
eq "the reply's Message-ID kept" \
	"0000000000004a9e2c05bee33a1f@google.com" \
	"$(sql "SELECT message_id FROM attendance WHERE item = 'session-3'")"
eq "nothing answered: no mail queued for any reply" 0 \
	"$(sql "SELECT count(*) FROM outbox o JOIN messages m ON m.id = o.message WHERE m.msgkey LIKE '200%'")"
eq "nothing answered: the outbox did not grow" "$mails" \
	"$(sql 'SELECT count(*) FROM outbox')"
eq "nothing in review" 0 "$(sql 'SELECT count(*) FROM review_items')"
eq "Verwerkt holds the enrolments and the four answers" 6 \
	"$(ls "$md/.Verwerkt/cur" | wc -l)"
eq "Genegeerd holds the three that were not used" 3 \
	"$(ls "$md/.Genegeerd/cur" | wc -l)"
eq "Beoordelen is empty" 0 "$(ls "$md/.Beoordelen/cur" 2>/dev/null | wc -l)"

# 3. a later answer wins; an older one changes nothing
sed -e 's/PARTSTAT=ACCEPTED/PARTSTAT=DECLINED/' \
	-e 's/^DTSTAMP:20210401T094127Z/DTSTAMP:20210405T120000Z/' \
	-e 's/<0000000000004a9e2c05bee33a1f@google.com>/<later@google.com>/' \
	"$data/gmail-accept-en.eml" | into_maildir 3001.later.host
sed -e 's/PARTSTAT=TENTATIVE/PARTSTAT=DECLINED/' \
	-e 's/^DTSTAMP:20210401T095803Z/DTSTAMP:20210331T120000Z/' \
	-e 's/<000000000000b81f7d05bee376c2@google.com>/<older@google.com>/' \
	"$data/gmail-tentative-nl.eml" | into_maildir 3002.older.host
once aanmeld "2021-04-06 09:00"
ok $? "later and older: aanmeldd --once exits 0"
eq "a later answer replaces the earlier one" "declined|later@google.com" \
	"$(sql "SELECT status, message_id FROM attendance WHERE item = 'session-3'")"
eq "an older answer changes nothing" tentative \
	"$(sql "SELECT status FROM attendance WHERE item = 'session-4'")"
check "an older answer: the reason says so" reasons 3002.older.host \
	'a later answer (tentative) is recorded'
eq "still four answers" 4 "$(sql 'SELECT count(*) FROM attendance')"
eq "still nothing answered" "$mails" "$(sql 'SELECT count(*) FROM outbox')"

before=$(sql 'SELECT * FROM attendance; SELECT count(*) FROM messages' | md5sum)
once aanmeld "2021-04-06 09:30"
eq "a second run changes nothing" "$before" \
	"$(sql 'SELECT * FROM attendance; SELECT count(*) FROM messages' | md5sum)"

# 4. attendance only from the attendee.  Gmail's reply made into another
# one: reply FROM ATTENDEE SESSION PARTSTAT SEQUENCE DTSTAMP MESSAGE-ID,
# the trusted server authenticating FROM's domain (dmarc=pass)
reply() {
	sed -e "s/mailto:k\\.bakker@zwolle\\.nl/mailto:$2/" \
		-e "s/k\\.bakker@zwolle\\.nl/$1/g" \
		-e "s/zwolle\\.nl/${1#*@}/g" \
		-e "s/-session-3@vng/-session-$3@vng/" \
		-e "s/PARTSTAT=ACCEPTED/PARTSTAT=$4/" \
		-e "s/^SEQUENCE:0/SEQUENCE:$5/" \
		-e "s/^DTSTAMP:20210401T094127Z/DTSTAMP:$6/" \
		-e "s/<0000000000004a9e2c05bee33a1f@google.com>/<$7>/" \
		"$data/gmail-accept-en.eml"
}
session1() {	# Utrecht's answer to session 1: status|message_id|replied_at
	sql "SELECT status, message_id, replied_at FROM attendance WHERE code = 'GM0344' AND item = 'session-1'"
}
was1=$(session1)
eq "session 1 holds Outlook's accept" accepted "${was1%%|*}"
# an outside address declines for Utrecht's contact: at our SEQUENCE, a
# later answer than Outlook's; at a SEQUENCE and a DTSTAMP that would
# outrank every later answer
reply mallory@example.net a.meijer@utrecht.nl 1 DECLINED 0 \
	20210406T075000Z forged-outside@example.net | into_maildir 4001.outside.host
reply mallory@example.net a.meijer@utrecht.nl 1 DECLINED 999999 \
	20300101T000000Z forged-lock@example.net | into_maildir 4004.lock.host
# Zwolle's contact answers a SEQUENCE we never sent
reply k.bakker@zwolle.nl k.bakker@zwolle.nl 3 ACCEPTED 1 \
	20210406T080000Z sequence@google.com | into_maildir 4002.sequence.host
once aanmeld "2021-04-06 10:00"
ok $? "forged and too new: aanmeldd --once exits 0"
for k in 4001.outside 4004.lock; do
	eq "$k: outside sender: ignored" ignore "$(key_verdict $k.host)"
	check "$k: outside sender: the reason says why" reasons $k.host \
		'calendar reply sent by mallory@example.net for a.meijer@utrecht.nl: nothing recorded'
done
eq "outside sender: Utrecht's answer unchanged" "$was1" "$(session1)"
eq "SEQUENCE above ours: ignored" ignore "$(key_verdict 4002.sequence.host)"
check "SEQUENCE above ours: the reason says why" reasons 4002.sequence.host \
	'calendar reply from k.bakker@zwolle.nl for session 3 with SEQUENCE 1, above the 0 we sent: nothing recorded'
eq "SEQUENCE above ours: Zwolle's answer unchanged" "declined|later@google.com|0" \
	"$(sql "SELECT status, message_id, sequence FROM attendance WHERE item = 'session-3'")"
eq "none is recorded" 0 \
	"$(sql "SELECT count(*) FROM attendance a JOIN messages m ON m.id = a.message WHERE m.msgkey LIKE '400%'")"
eq "none names a municipality" 0 \
	"$(sql "SELECT count(*) FROM messages WHERE msgkey LIKE '400%' AND gemeente IS NOT NULL")"
eq "none is answered or sent to review" "$mails 0" \
	"$(sql 'SELECT count(*) FROM outbox') $(sql 'SELECT count(*) FROM review_items')"
# nothing is locked: the contact's own next answer is recorded
reply a.meijer@utrecht.nl a.meijer@utrecht.nl 1 ACCEPTED 0 \
	20210406T081500Z own@google.com | into_maildir 4003.own.host
once aanmeld "2021-04-06 10:30"
ok $? "the contact's own answer: aanmeldd --once exits 0"
eq "the contact's own answer: attendance" attendance "$(key_verdict 4003.own.host)"
eq "the contact's own answer is recorded" \
	"accepted|own@google.com|$(sql "SELECT strftime('%s', '2021-04-06 08:15:00')")" \
	"$(session1)"
eq "and still four answers" 4 "$(sql 'SELECT count(*) FROM attendance')"

# 5. aanmeld list: one line per contact, a column per item
cli_on aanmeld list >"$work/list.out" 2>"$work/list.err"
ok $? "list exits 0"
eq "list header" \
	"code	name	status	place	enrolled_at	contact	session-1	session-2	session-3	session-4	session-5	deadline	congress	delivered_at	deliveries" \
	"$(head -n 1 "$work/list.out")"
eq "list: Utrecht's contact" \
	"GM0344	Utrecht	confirmed	-	2021-04-01 10:00	a.meijer@utrecht.nl	accepted	declined	-	-	-	-	-	-	0" \
	"$(grep '^GM0344' "$work/list.out")"
eq "list: Zwolle's contact" \
	"GM0193	Zwolle	confirmed	-	2021-04-01 10:05	k.bakker@zwolle.nl	-	-	declined	tentative	-	-	-	-	0" \
	"$(grep '^GM0193' "$work/list.out")"
cli_on aanmeld list --csv >"$work/list.csv"
ok $? "list --csv exits 0"
check "list --csv: Utrecht's row, every value quoted" grep -q \
	'^"GM0344","Utrecht","confirmed","","2021-04-01 10:00","a.meijer@utrecht.nl","accepted","declined","","","","","","","0"$' \
	"$work/list.csv"

# 6. aanmeld export: the exact bytes
cli_on aanmeld export --csv >"$work/plain.csv"
ok $? "export --csv exits 0"
{
	printf 'CBS-code,gemeente,status,plaats op de wachtlijst,aangemeld op,contactpersoon,e-mailadres,'
	printf 'Sessie 1: introductie en ambities,Sessie 2: inspiratie van buitenlandse gemeenten,'
	printf 'Sessie 3: werksessie,Sessie 4: werksessie,'
	printf 'Sessie 5: teksten afronden en prototype handreiking,'
	printf 'Opleveren tekst (best practice),Slotcongres Iedereen Doet Mee!,tekst ontvangen,versies,e-mail kwam terug\r\n'
	printf 'GM0344,Utrecht,bevestigd,,2021-04-01 10:00,Tester,a.meijer@utrecht.nl,geaccepteerd,afgewezen,,,,,,,0,\r\n'
	printf 'GM0193,Zwolle,bevestigd,,2021-04-01 10:05,Tester,k.bakker@zwolle.nl,,,afgewezen,voorlopig,,,,,0,\r\n'
} >"$work/plain.want"
same "export --csv: the bytes (RFC 4180, CRLF)" "$work/plain.want" "$work/plain.csv"
cli_on aanmeld export --csv --excel >"$work/excel.csv"
ok $? "export --csv --excel exits 0"
eq "excel: starts with the UTF-8 byte order mark" "efbbbf" \
	"$(head -c 3 "$work/excel.csv" | od -An -tx1 | tr -d ' \n')"
{
	printf '\357\273\277'
	tr ',' ';' <"$work/plain.want"
} >"$work/excel.want"
same "excel: the bytes (';' between fields, CRLF)" "$work/excel.want" "$work/excel.csv"
eq "excel: every line ends in CRLF" 3 "$(grep -c "$cr\$" "$work/excel.csv")"
# a name with the separator and a quote, and one Excel would run
sql "UPDATE contacts SET name = 'Meijer; \"Anouk\"' WHERE address = 'a.meijer@utrecht.nl'"
sql "UPDATE contacts SET name = '=HYPERLINK(\"http://x\")' WHERE address = 'k.bakker@zwolle.nl'"
cli_on aanmeld export --csv --excel >"$work/quoted.csv"
check "excel: a value with ';' and '\"' is quoted, quotes doubled" \
	grep -q ';"Meijer; ""Anouk""";a.meijer@utrecht.nl;' "$work/quoted.csv"
check "excel: a formula from mail is text" \
	grep -q ";\"'=HYPERLINK(\"\"http://x\"\")\";k.bakker@zwolle.nl;" "$work/quoted.csv"
cli_on aanmeld export --csv >"$work/quoted-plain.csv"
check "plain: ';' needs no quotes, '\"' does" \
	grep -q ',"Meijer; ""Anouk""",a.meijer@utrecht.nl,' "$work/quoted-plain.csv"

# a contact that mail came back from (a bounce marks it): list and export
# say so, in the contact column and in the export's last column
sql "UPDATE contacts SET undeliverable_at = 1628589600 WHERE address = 'k.bakker@zwolle.nl'"
cli_on aanmeld list >"$work/bounced.out" 2>&1
ok $? "list with a bounced contact exits 0"
eq "list: the bounced contact is marked" \
	"GM0193	Zwolle	confirmed	-	2021-04-01 10:05	k.bakker@zwolle.nl (bounced)	-	-	declined	tentative	-	-	-	-	0" \
	"$(grep '^GM0193' "$work/bounced.out")"
cli_on aanmeld export --csv >"$work/bounced.csv"
check "export: when mail to it came back, at the end of its line" \
	grep -q ',k.bakker@zwolle.nl,,,afgewezen,voorlopig,,,,,0,2021-08-10 12:00'"$cr"'$' "$work/bounced.csv"
check "export: the other contact is not marked" \
	grep -q ',a.meijer@utrecht.nl,.*,0,'"$cr"'$' "$work/bounced.csv"
sql "UPDATE contacts SET undeliverable_at = NULL"

# 7. usage and exit codes
cli_on aanmeld export --help >"$work/help.out" 2>&1
ok $? "export --help exits 0"
check "export --help shows the usage" grep -q 'usage: aanmeld export --csv \[--excel\]' "$work/help.out"
cli_on aanmeld list --help >/dev/null 2>&1
ok $? "list --help exits 0"
cli_on aanmeld export >"$work/err.out" 2>&1
eq "export without --csv: exit 2" 2 $?
check "export without --csv: says so" grep -q -- '--csv is required' "$work/err.out"
cli_on aanmeld export --csv --tsv >"$work/err.out" 2>&1
eq "export with an unknown argument: exit 2" 2 $?
check "export with an unknown argument: names it" grep -q "unknown argument '--tsv'" "$work/err.out"
cli_on aanmeld list --bogus >/dev/null 2>&1
eq "list with an unknown argument: exit 2" 2 $?
if [ -w /dev/full ]; then
	cli_on aanmeld export --csv >/dev/full 2>"$work/err.out"
	eq "export to a full disk: exit 1" 1 $?
	check "export to a full disk: says so" grep -q 'cannot write' "$work/err.out"
fi

# 8. a person's answers are theirs: export --person shows them, forget
#    erases them and leaves the other contacts' answers
cli_on aanmeld export --person A.Meijer@utrecht.nl >"$work/person.out" 2>&1
ok $? "export --person exits 0"
check "export --person lists the answers to invitations" \
	grep -q "accepted" "$work/person.out"
others=$(sql "SELECT count(*) FROM attendance WHERE address <> 'a.meijer@utrecht.nl'")
cli_on aanmeld forget a.meijer@utrecht.nl >/dev/null 2>&1
ok $? "forget exits 0"
eq "forget: none of the person's answers is left" 0 \
	"$(sql "SELECT count(*) FROM attendance WHERE address = 'a.meijer@utrecht.nl' COLLATE NOCASE")"
eq "forget: the other contacts' answers stay" "$others" \
	"$(sql "SELECT count(*) FROM attendance WHERE address <> 'a.meijer@utrecht.nl'")"
check "forget: someone else's answers are still there" test "$others" -gt 0

sed "s|^spool = spool|spool = $work/none|" "$work/aanmeld.conf" >"$work/none.conf"
"$AANMELD" -c "$work/none.conf" export --csv >/dev/null 2>&1
eq "export without a database: exit 1" 1 $?

tap_done
