#!/bin/sh
# End to end on the embedded default: a Maildir in, a real SQLite file, the
# file outbox.  Checks database rows, the mail written and the folders, then
# that a second run changes nothing, that a copy of a processed message is
# a no-op, that answers quote nothing of hostile mail and keep to the
# daily limit per address (+tag and case folded) and the hourly cap on
# answers to non-municipal addresses, that the daemon picks up new mail
# and stops on SIGTERM, and that --pid-file puts it in the background,
# locked against a second one.
set -u
: "${AANMELD:?}" "${AANMELDD:?}"
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d /tmp/aanmeld-e2e.XXXXXX)
daemon=
trap cleanup EXIT
. "$srcdir/integration/lib/tap.sh"
. "$srcdir/integration/lib/common.sh"

maildir_setup "$work"

S='Deelname praktijkproef GG & lokale inclusie'
mail 1000.a.host utrecht@utrecht.nl "$S"
mail 1001.b.host jan@mail.utrecht.nl "RE: $S"
mail 1002.c.host info@gmail.com "$S"
mail 1003.d.host p@amsterdam.nl "Automatisch antwoord: $S" 'Auto-Submitted: auto-replied'
mail 1004.e.host x@utrecht-gemeente.nl "$S"
mail 1005.f.host y@webinars.example "Uitnodiging webinar"

once
ok $? "aanmeldd --once exits 0"
eq "six messages recorded" 6 "$(sql 'SELECT count(*) FROM messages')"
eq "verdicts" "enrol duplicate reject ignore review ignore" \
	"$(sql 'SELECT verdict FROM messages ORDER BY id' | tr '\n' ' ' | sed 's/ $//')"
eq "Utrecht enrolled once, confirmed" "GM0344|confirmed" \
	"$(sql 'SELECT code, status FROM enrolments')"
eq "two Utrecht contacts" 2 "$(sql "SELECT count(*) FROM contacts WHERE code = 'GM0344'")"
eq "one open review item (lookalike)" 1 \
	"$(sql "SELECT count(*) FROM review_items WHERE status = 'open'")"
eq "answers queued: confirm, duplicate, reject, review" \
	"confirm duplicate reject review" \
	"$(sql "SELECT kind FROM outbox WHERE kind <> 'invitation' ORDER BY id" | tr '\n' ' ' | sed 's/ $//')"
sessions=$(grep -c '^\[session ' "$srcdir/../rules/programme.conf")
eq "one invitation per session for the enrolment" "$sessions" \
	"$(sql "SELECT count(*) FROM outbox WHERE kind = 'invitation' AND rcpt = 'utrecht@utrecht.nl'")"
# the second contact takes part too: the scheduler invites it
eq "one invitation per session for the second contact" "$sessions" \
	"$(sql "SELECT count(*) FROM outbox WHERE kind = 'invitation' AND rcpt = 'jan@mail.utrecht.nl'")"
eq "every mail sent" $((4 + 2 * sessions)) "$(sql "SELECT count(*) FROM outbox WHERE status = 'sent'")"
eq "a file per mail in the outbox" $((4 + 2 * sessions)) "$(ls "$work/spool/outbox" | grep -c '\.eml$')"
for f in "$work"/spool/outbox/*.eml; do
	b=$(basename "$f" .eml)
	case $(sql "SELECT kind FROM outbox WHERE message_id = '$b'") in
	invitation)
		check "$b: Auto-Submitted: auto-generated" grep -q '^Auto-Submitted: auto-generated' "$f"
		check "$b: an iMIP invitation" grep -q 'text/calendar; charset=UTF-8; method=REQUEST' "$f"
		;;
	*) check "$b: Auto-Submitted: auto-replied" grep -q '^Auto-Submitted: auto-replied' "$f" ;;
	esac
	check "$b: X-Auto-Response-Suppress" grep -q '^X-Auto-Response-Suppress: All' "$f"
	# what answers a message threads to it; the second contact's
	# invitations answer none
	[ "$(sql "SELECT message IS NOT NULL FROM outbox WHERE message_id = '$b'")" = 1 ] &&
		check "$b: In-Reply-To" grep -q '^In-Reply-To: <10' "$f"
	check "$b: Message-ID matches its file" grep -q "^Message-ID: <$b>" "$f"
	check "$b: CRLF line ends" grep -q "$(printf '\r')\$" "$f"
	eq "$b: recorded as sent" 1 \
		"$(sql "SELECT count(*) FROM outbox WHERE message_id = '$b' AND status = 'sent'")"
done
confirm=$(sql "SELECT message_id FROM outbox WHERE kind = 'confirm'")
check "the confirmation goes to utrecht@utrecht.nl" \
	grep -q '^To: .*utrecht@utrecht.nl' "$work/spool/outbox/$confirm.eml"
eq "inbox empty" 0 "$(ls "$work/spool/maildir/new" "$work/spool/maildir/cur" | grep -c host)"
eq "Verwerkt holds the enrolment and the duplicate" 2 \
	"$(ls "$work/spool/maildir/.Verwerkt/cur" | grep -c host)"
eq "Afgewezen holds the reject" 1 "$(ls "$work/spool/maildir/.Afgewezen/cur" | wc -l)"
eq "Beoordelen holds the lookalike" 1 "$(ls "$work/spool/maildir/.Beoordelen/cur" | wc -l)"
eq "Genegeerd holds the auto-reply and the webinar" 2 \
	"$(ls "$work/spool/maildir/.Genegeerd/cur" | wc -l)"
eq "raw copies spooled" 6 "$(ls "$work/spool/mail" | grep -c '\.eml$')"

# a second run over the same Maildir changes nothing
dump() {
	sql 'SELECT * FROM messages; SELECT * FROM enrolments;
	     SELECT * FROM contacts; SELECT * FROM review_items;
	     SELECT id, key, status FROM outbox;' | md5sum
	ls -R "$work/spool/outbox" "$work/spool/maildir" | md5sum
}
before=$(dump)
once
ok $? "second run exits 0"
eq "second run changes nothing" "$before" "$(dump)"

# a copy of a processed message under a new name is a no-op
cp "$work/spool/maildir/.Verwerkt/cur/1000.a.host:2," \
	"$work/spool/maildir/new/2000.copy.host"
once
eq "copy: still six messages" 6 "$(sql 'SELECT count(*) FROM messages')"
eq "copy: nothing more queued" $((4 + 2 * sessions)) "$(sql 'SELECT count(*) FROM outbox')"
eq "copy: moved out of the inbox" 0 "$(ls "$work/spool/maildir/new" | wc -l)"

# a message that crashed the daemon three times goes to review unparsed
eq "no attempts left over after clean runs" 0 "$(sql 'SELECT count(*) FROM attempts')"
mail 2500.poison.host p@utrecht.nl "$S"
sql "INSERT INTO attempts (mailbox, msgkey, count, last_at) VALUES ('INBOX', '2500.poison.host', 3, 0)"
once
eq "poison: recorded as review" "review" "$(key_verdict 2500.poison.host)"
check "poison: the reason says why" \
	reasons 2500.poison.host 'processing failed 3 times'
eq "poison: not answered" $((4 + 2 * sessions)) "$(sql 'SELECT count(*) FROM outbox')"
eq "poison: in Beoordelen" 1 "$(ls "$work/spool/maildir/.Beoordelen/cur" | grep -c poison)"
eq "poison: attempt forgotten" 0 "$(sql 'SELECT count(*) FROM attempts')"

# a message over the size limit is judged by its head: review, no answer
{
	printf 'From: big@utrecht.nl\r\nSubject: %s\r\n\r\n' "$S"
	head -c 27000000 /dev/zero | tr '\0' 'x'
} >"$work/spool/maildir/new/2600.big.host"
once
eq "oversize: recorded as review" "review" "$(key_verdict 2600.big.host)"
check "oversize: the reason says so" \
	reasons 2600.big.host 'exceeds 26214400 bytes'
eq "oversize: out of the inbox" 0 "$(ls "$work/spool/maildir/new" | wc -l)"

# no more than max_replies_per_day answers to one address
i=0
while [ "$i" -lt 7 ]; do
	mail "2700.$i.limit.host" griffie@ede.nl "$S"
	i=$((i + 1))
done
once
eq "daily limit: seven messages recorded" 7 \
	"$(sql "SELECT count(*) FROM messages WHERE from_addr = 'griffie@ede.nl'")"
eq "daily limit: five answers" 5 \
	"$(sql "SELECT count(*) FROM outbox WHERE rcpt = 'griffie@ede.nl' AND kind <> 'invitation'")"
eq "daily limit: the invitations do not count against it" "$sessions" \
	"$(sql "SELECT count(*) FROM outbox WHERE rcpt = 'griffie@ede.nl' AND kind = 'invitation'")"

# a reflected subject: mail from an address that is no municipality's,
# with an encoded CR LF in its subject (a Bcc line once decoded) and a link
# in its display name, is answered without a word of either
reflect() {	# reflect NAME FROM: delivered the Maildir way
	{
		printf 'Return-Path: <%s>\r\n' "$2"
		printf 'Authentication-Results: mx.vng.nl; dmarc=pass header.from=%s\r\n' "${2#*@}"
		printf 'From: "Klik hier https://evil.example/prijs" <%s>\r\n' "$2"
		printf 'To: GlobalGoals@VNG.nl\r\n'
		printf 'Subject: =?utf-8?q?Deelname_praktijkproef_GG_=%s_lokale_inclusie=%s=%sBcc:_x@evil.example?=\r\n' 26 0D 0A
		printf 'Message-ID: <%s@test.example>\r\n' "$1"
		printf 'Date: Mon, 29 Mar 1999 09:00:00 +0200\r\n'
		printf 'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'
		printf 'Zie https://evil.example/prijs\r\n'
	} | into_maildir "$1"
}
# the reject of a non-municipal domain, and the acknowledgement of a review
# (a lookalike), which used to quote the subject and the Date header
reflect 2800.reflect.host victim@example.org
reflect 2801.reflect.host victim@utrecht-gemeente.nl
once
for k in 2800:reject 2801:review; do
	key=${k%%:*}.reflect.host
	answer=$(sql "SELECT o.message_id FROM outbox o JOIN messages m
		ON m.id = o.message WHERE m.msgkey = '$key'")
	rcpt=$(sql "SELECT from_addr FROM messages WHERE msgkey = '$key'")
	eq "reflected subject: $key answered with ${k#*:}" "${k#*:}" \
		"$(sql "SELECT kind FROM outbox WHERE message_id = '$answer'")"
	out=$work/spool/outbox/$answer.eml
	check "reflected subject: $key: the answer is written" test -s "$out"
	check "reflected subject: $key: no Bcc line" sh -c "! grep -qi '^bcc' '$out'"
	check "reflected subject: $key: nothing of the injected line" \
		sh -c "! grep -qi 'evil' '$out'"
	check "reflected subject: $key: no display name" \
		sh -c "! grep -qi 'klik' '$out'"
	check "reflected subject: $key: To: is the bare address" \
		grep -q "^To: <$rcpt>$(printf '\r')\$" "$out"
	check "reflected subject: $key: not the sender's Date" \
		sh -c "! grep -q '1999' '$out'"
done
check "reflected subject: the review says when we received it" grep -q \
	'donderdag 1 april 2021' "$work/spool/outbox/$answer.eml"

# the daily limit folds a +tag and capitals: twelve mails from x+1@, X+2@,
# ... make one address, which gets max_replies_per_day answers
i=1
while [ "$i" -le 12 ]; do
	case $i in
	*[02468]) from="X+$i@Example.ORG" ;;
	*) from="x+$i@example.org" ;;
	esac
	mail "2900.$i.tag.host" "$from" "$S"
	i=$((i + 1))
done
once
eq "+tag: twelve messages recorded" 12 \
	"$(sql "SELECT count(*) FROM messages WHERE msgkey LIKE '2900.%'")"
eq "+tag: five answers in all" 5 \
	"$(sql "SELECT count(*) FROM outbox o JOIN messages m ON m.id = o.message
		WHERE m.msgkey LIKE '2900.%'")"
eq "+tag: all twelve moved all the same" 12 \
	"$(ls "$work/spool/maildir/.Afgewezen/cur" | grep -c '^2900\.')"

# at most max_outsider_replies_per_hour answers to non-municipal addresses
# together (here 3): the fourth outsider in the hour gets none, a
# municipality's mail to review still does, and the next hour answers again
cap=$work/cap
maildir_setup "$cap"
printf '[smtp]\nmax_outsider_replies_per_hour = 3\n' >>"$cap/aanmeld.conf"
# the spool of "cap" is $work/cap/spool: for sql cap
spools=$work/%s/spool
for i in 1 2 3 4; do
	testmail "5000.$i.cap.host" "iemand$i@example.net" "$S" |
		into_maildir "5000.$i.cap.host" "$cap/spool/maildir"
done
testmail 5005.gemeente.host griffie@utrecht.nl "Vraag over de praktijkproef" |
	into_maildir 5005.gemeente.host "$cap/spool/maildir"
once cap/aanmeld "2021-04-01 10:00"
ok $? "cap: aanmeldd --once exits 0"
eq "cap: five messages recorded" 5 "$(sql cap 'SELECT count(*) FROM messages')"
eq "cap: three outsiders answered (the third with limit-1 sent)" 3 \
	"$(sql cap "SELECT count(*) FROM outbox WHERE rcpt LIKE '%@example.net'")"
eq "cap: the fourth (limit sent, limit+1 mails) is not" 0 \
	"$(sql cap "SELECT count(*) FROM outbox WHERE rcpt = 'iemand4@example.net'")"
check "cap: the log says why" grep -q \
	'not answering iemand4@example.net: 3 answers to non-municipal addresses in the last hour' \
	"$cap/aanmeld.out"
eq "cap: the municipality's review is answered" "review" \
	"$(sql cap "SELECT kind FROM outbox WHERE rcpt = 'griffie@utrecht.nl'")"
eq "cap: every message moved out of the inbox" 0 \
	"$(ls "$cap/spool/maildir/new" | wc -l)"
testmail 5006.later.host iemand6@example.net "$S" |
	into_maildir 5006.later.host "$cap/spool/maildir"
once cap/aanmeld "2021-04-01 11:01"
eq "cap: an hour later an outsider is answered again" 1 \
	"$(sql cap "SELECT count(*) FROM outbox WHERE rcpt = 'iemand6@example.net'")"

# the daemon watches the Maildir, and SIGTERM stops it with exit 0
"$AANMELDD" $allow_root -c "$work/aanmeld.conf" -f --now "2021-04-01 10:00" \
	>"$work/daemon.log" 2>&1 &
daemon=$!
# the Maildir is watched from the start line on
i=0
while [ "$i" -lt 100 ] && ! grep -q "started" "$work/daemon.log"; do
	sleep 0.1
	i=$((i + 1))
done
mail 3000.g.host griffie@zwolle.nl "$S"
i=0
while [ "$i" -lt 50 ] && [ "$(sql "SELECT count(*) FROM enrolments WHERE code = 'GM0193'")" != 1 ]; do
	sleep 0.2
	i=$((i + 1))
done
eq "new mail processed while the daemon waits" 1 \
	"$(sql "SELECT count(*) FROM enrolments WHERE code = 'GM0193'")"
kill -HUP "$daemon"
i=0
while [ "$i" -lt 50 ] && ! grep -q "reloaded the rules" "$work/daemon.log"; do
	sleep 0.2
	i=$((i + 1))
done
check "SIGHUP reloads the rules" grep -q "reloaded the rules" "$work/daemon.log"
kill -TERM "$daemon"
wait "$daemon"
ok $? "SIGTERM: exit 0"
daemon=
check "the daemon logged its stop" grep -q "aanmeldd stopped" "$work/daemon.log"

# without a service manager: --pid-file, and the daemon leaves the terminal
pidf=$work/aanmeldd.pid
bg() {	# bg CONF: a start in the background, output in $work/bg.out
	"$AANMELDD" $allow_root -c "$1" --pid-file "$pidf" \
		--now "2021-04-01 10:00" >"$work/bg.out" 2>&1
}
gone() {	# gone PID: true once the process has ended
	! kill -0 "$1" 2>/dev/null
}
bg "$work/aanmeld.conf"
ok $? "--pid-file: the start returns, with 0"
daemon=$(cat "$pidf" 2>/dev/null)
check "--pid-file: the file holds a running aanmeldd ($daemon)" sh -c \
	"tr '\\0' ' ' </proc/${daemon:-0}/cmdline | grep -q aanmeldd"
check "--pid-file: it left the terminal's session" sh -c \
	"[ \"\$(awk '{ print \$6 }' /proc/${daemon:-0}/stat)\" = ${daemon:-0} ]"
mail 3100.h.host griffie@almere.nl "$S"
wait_for 30 yields 1 sql "SELECT count(*) FROM enrolments WHERE code = 'GM0034'"
ok $? "--pid-file: new mail processed in the background"
bg "$work/aanmeld.conf"
eq "--pid-file: a second start exits 1" 1 $?
check "--pid-file: ... naming the first one" \
	grep -q "runs already as process $daemon" "$work/bg.out"
eq "--pid-file: ... and leaves the file alone" "$daemon" "$(cat "$pidf")"
kill -TERM "$daemon"
wait_for 30 gone "$daemon"
ok $? "--pid-file: SIGTERM stops it"
check "--pid-file: the file is removed at the stop" test ! -e "$pidf"
daemon=
# a start that fails after the fork: the exit status and the reason still
# reach the shell, and no file is left
mkdir -p "$work/bad/spool/aanmeld.db"
sed 's/^spool = .*/spool = spool/' "$work/aanmeld.conf" >"$work/bad/aanmeld.conf"
bg "$work/bad/aanmeld.conf"
eq "--pid-file: a start that fails exits 1" 1 $?
check "--pid-file: ... and says why on stderr" grep -q "aanmeld.db" "$work/bg.out"
check "--pid-file: ... and leaves no file" test ! -e "$pidf"
"$AANMELDD" $allow_root -c "$work/aanmeld.conf" --once --pid-file "$pidf" \
	>/dev/null 2>&1
eq "--pid-file with --once is a usage error" 2 $?

# aanmeld check loads everything and reports a broken config by file:line
check "aanmeld check" "$AANMELD" -c "$work/aanmeld.conf" check
printf '[main]\nbogus = 1\n[smtp]\nmax_replies_per_day = many\n' >"$work/bad.conf"
"$AANMELD" -c "$work/bad.conf" check >"$work/bad.out" 2>&1
eq "a bad config fails check" 1 $?
check "bad config: unknown setting at line 2" grep -q "bad.conf:2: unknown setting" "$work/bad.out"
check "bad config: bad number at line 4" grep -q "bad.conf:4: max_replies_per_day" "$work/bad.out"

# the command line reads the same database
list=$("$AANMELD" -c "$work/aanmeld.conf" list --csv)
check "list --csv names Utrecht" sh -c "printf '%s' '$list' | grep -q '\"GM0344\",\"Utrecht\",\"confirmed\"'"
queue=$("$AANMELD" -c "$work/aanmeld.conf" queue)
check "queue shows the lookalike" sh -c "printf '%s' '$queue' | grep -q 'utrecht-gemeente.nl'"
"$AANMELD" -c "$work/aanmeld.conf" show 1 >"$work/show.out" 2>&1
ok $? "show 1"
check "show prints the verdict" grep -q "^verdict *enrol" "$work/show.out"
check "show prints the text" grep -q "Graag melden wij ons aan" "$work/show.out"
check "show lists the answer" grep -q "confirm" "$work/show.out"
"$AANMELD" -c "$work/aanmeld.conf" show 999 >/dev/null 2>&1
eq "show of an unknown id fails" 1 $?

# hostile mail: what staff see of it has every control, line break and
# bidi override as a visible escape, and a CSV cell no formula
raw_controls() {	# raw_controls FILE: true when FILE holds a control
	# byte (but LF and TAB), a C1 or a bidi control as it is
	LC_ALL=C grep -E -q "$(printf '[\001-\010\013-\037\177]|\302[\200-\237]|\342\200[\216\217\250-\256]|\342\201[\246-\251]|\330\234')" "$1"
}
clean() {	# clean FILE: no raw control in FILE, and FILE not empty
	test -s "$1" && ! raw_controls "$1"
}
{
	testmail 4000.evil.host x@utrecht-gemeente.nl \
		"=?UTF-8?B?$(b64 'Aanmelding GG\r\nverdict      enrol')?= =?UTF-8?B?$(b64 ' \302\23331m \342\200\256fdp.exe')?="
	printf 'verdict      enrol\r\n\033[2J\302\233\342\200\256 einde\r\n'
} >"$work/spool/maildir/tmp/4000.evil.host"
testmail 4001.formula.host griffie@amersfoort.nl "$S" |
	sed 's/^From: Tester /From: "=1+2 Jansen" /' \
	>"$work/spool/maildir/tmp/4001.formula.host"
mv "$work/spool/maildir/tmp/4000.evil.host" \
	"$work/spool/maildir/tmp/4001.formula.host" "$work/spool/maildir/new/"
check "hostile: the test mail holds raw controls" raw_controls \
	"$work/spool/maildir/new/4000.evil.host"
once
evil=$(sql "SELECT id FROM messages WHERE msgkey = '4000.evil.host'")
eq "hostile: for review" review \
	"$(sql "SELECT verdict FROM messages WHERE id = ${evil:-0}")"
"$AANMELD" -c "$work/aanmeld.conf" show "${evil:-0}" >"$work/evil.show" 2>&1
ok $? "hostile: show $evil"
check "hostile: show has the subject's C1 and bidi controls escaped" \
	grep -q '^subject  *Aanmelding GG.*enrol \\u009b31m \\u202efdp\.exe$' \
	"$work/evil.show"
eq "hostile: one verdict line in show, the real one" "verdict      review" \
	"$(grep '^verdict' "$work/evil.show")"
check "hostile: the text behind a bar" \
	grep -q '^  | verdict      enrol$' "$work/evil.show"
check "hostile: the text's controls escaped" \
	grep -q '^  | .*\\u009b\\u202e einde$' "$work/evil.show"
check "hostile: no raw control in show" clean "$work/evil.show"
# a row stored before intake cleaned line breaks and C0 controls
sql "UPDATE messages SET subject = 'Aanmelding GG' || char(13, 10) ||
	'verdict      enrol ' || char(27) || '[2J ' || char(155) || ' ' ||
	char(8238) || 'fdp.exe', from_name = 'Tester' || CAST(x'ff' AS TEXT)
	WHERE id = ${evil:-0}"
subj='Aanmelding GG\\r\\nverdict      enrol \\x1b\[2J \\u009b \\u202efdp\.exe'
"$AANMELD" -c "$work/aanmeld.conf" show "${evil:-0}" >"$work/evil.show" 2>&1
check "hostile: show has an old subject on one line, escaped" \
	grep -q "^subject  *$subj\$" "$work/evil.show"
check "hostile: ... and a byte that is not UTF-8" \
	grep -q '^from_name  *Tester\\xff$' "$work/evil.show"
eq "hostile: still one verdict line in show" "verdict      review" \
	"$(grep '^verdict' "$work/evil.show")"
check "hostile: still no raw control in show" clean "$work/evil.show"
tab=$(printf '\t')
for c in messages queue; do
	"$AANMELD" -c "$work/aanmeld.conf" $c >"$work/evil.$c" 2>&1
	check "hostile: $c has the subject escaped" \
		grep -q "$tab$subj$tab" "$work/evil.$c"
	check "hostile: no raw control in $c" clean "$work/evil.$c"
done
"$AANMELD" -c "$work/aanmeld.conf" export --csv >"$work/evil.csv"
check "hostile: export --csv gives a formula its apostrophe" \
	grep -q ",'=1+2 Jansen,griffie@amersfoort.nl," "$work/evil.csv"
"$AANMELD" -c "$work/aanmeld.conf" export --csv --excel >"$work/evil.xls.csv"
check "hostile: ... and so does --excel" \
	grep -q ";'=1+2 Jansen;griffie@amersfoort.nl;" "$work/evil.xls.csv"

tap_done
