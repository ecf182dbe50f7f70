#!/bin/sh
# The whole programme as people live it, 15 March to 8 October 2021, over
# IMAPS against a real Dovecot and sending over SMTP to the real test
# server, with aanmeldd --once --now T at chosen moments:
# - twelve enrolments wait in the inbox for one pass (capacity 5), in an
#   order that is neither code nor name order: the first five take part,
#   the waiting-list letters announce places 1 to 7 in arrival order, as
#   aanmeld list and the export show them; two places come free (a
#   withdrawal by mail, one by staff) and go to the first two to arrive;
# - Groningen's confirmation comes back as a DSN, Tilburg's as an Exim
#   bounce without a report: the rows bounced, the contacts marked, review
#   items, and no more mail to them;
# - Zwolle gets a second contact after session 1 (invitations 2 to 5
#   only), which declines session 3 (no reminder of it; the first contact
#   gets it); Almere asks a question no rule knows (review, the
#   acknowledgement only);
# - three texts before 15 August (an attachment, a subject, one twice):
#   confirmed, and the deadline's reminders only to the one that did not
#   deliver; aanmeld send to the confirmed, twice (the second sends
#   nothing); at the end aanmeld forget leaves no trace of the address.
# Then every contact's mails, in order, against the list written here;
# those of Zwolle and Amersfoort are printed as comments and kept in
# $work/lists.txt.
set -u
: "${AANMELD:?}" "${AANMELDD:?}"
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d /tmp/aanmeld-season.XXXXXX)
. "$srcdir/integration/lib/tap.sh"
. "$srcdir/integration/lib/common.sh"
. "$srcdir/integration/lib/servers.sh"
trap cleanup EXIT

servers_setup
eq "the shipped programme has capacity 5" 1 \
	"$(grep -c '^capacity = 5$' "$srcdir/../rules/programme.conf")"

runs=0
once_ok() {	# once_ok TIME: one pass of the daemon at that moment, checked
	runs=$((runs + 1))
	echo "--- $1" >>"$work/aanmeld.log"
	once aanmeld "$1"
	ok $? "aanmeldd --once --now '$1'"
}
one_line() { tr '\n' ' ' | sed 's/ $//'; }
S='Deelname praktijkproef GG & lokale inclusie'
W='Afmelding praktijkproef GG & lokale inclusie'
# in order of arrival
A=p.pieters@zwolle.nl	# GM0193, a second contact A2 later
L=m.devries@almere.nl	# GM0034, asks a question
U=j.jansen@utrecht.nl	# GM0344, withdraws by mail
H=e.vandenberg@s-hertogenbosch.nl	# GM0796, delivers twice
G=k.smit@groningen.nl	# GM0014, its confirmation bounces (DSN)
Y=r.mulder@tilburg.nl	# GM0855, plaats 1, its confirmation bounces
M=a.smit@amersfoort.nl	# GM0307, plaats 2, promoted
N=k.bakker@nijmegen.nl	# GM0268, plaats 3
D=l.dekker@delft.nl	# GM0503, plaats 4
B=s.bos@breda.nl	# GM0758, plaats 5
R=j.hendriks@arnhem.nl	# GM0202, plaats 6
E=f.vos@leiden.nl	# GM0546, plaats 7
A2=r.devries@zwolle.nl
everyone="A L U H G Y M N D B R E A2"

# --- 15 March: twelve enrolments wait for one pass, delivered one by one
i=0
for who in A L U H G Y M N D B R E; do
	i=$((i + 1))
	eval addr=\$$who
	deliver_mail "e$i" "$addr" "$S"
done
eq "twelve mails in the inbox" 12 "$(count INBOX)"
once_ok "2021-03-15 10:00"
eq "the first five to arrive take part, the rest wait" \
	"GM0014 GM0034 GM0193 GM0344 GM0796" \
	"$(sql "SELECT code FROM enrolments WHERE status = 'confirmed'
		ORDER BY code" | one_line)"
received
eq "the waiting-list letters announce the places in arrival order" \
	"waitlist:1 waitlist:2 waitlist:3 waitlist:4 waitlist:5 waitlist:6 waitlist:7" \
	"$(for who in Y M N D B R E; do eval got \$$who; echo; done | one_line)"
cli list
ok $? "aanmeld list"
cp "$work/cli.out" "$work/list-0315.out"
eq "aanmeld list: in arrival order, the waiting list last, with its places" \
	"GM0193|confirmed|- GM0034|confirmed|- GM0344|confirmed|- GM0796|confirmed|- GM0014|confirmed|- GM0855|waitlist|1 GM0307|waitlist|2 GM0268|waitlist|3 GM0503|waitlist|4 GM0758|waitlist|5 GM0202|waitlist|6 GM0546|waitlist|7" \
	"$(cut -f1,3,4 "$work/cli.out" | grep '^GM' | tr '\t' '|' | one_line)"
cli export --csv
ok $? "aanmeld export --csv"
eq "the export: the same places" \
	"GM0193| GM0034| GM0344| GM0796| GM0014| GM0855|1 GM0307|2 GM0268|3 GM0503|4 GM0758|5 GM0202|6 GM0546|7" \
	"$($PY -c 'import csv, sys
for r in list(csv.reader(open(sys.argv[1], encoding="utf-8-sig")))[1:]:
    print("%s|%s" % (r[0], r[3]))' "$work/cli.out" | one_line)"

# --- 16 March: Groningen's confirmation comes back, a Postfix DSN
gid=$(sql "SELECT message_id FROM outbox WHERE kind = 'confirm' AND rcpt = '$G'")
bounce_of postfix-dsn.eml aanmeld.0123456789abcdef0123456789abcdef@vng.nl \
	"$gid" b1 'j\.jansen@utrecht\.nl' "$G" | deliver
once_ok "2021-03-16 10:00"

# --- 22 March: Utrecht withdraws by mail; Tilburg, first to wait, is in
deliver_mail w1 "$U" "$W"
once_ok "2021-03-22 10:00"
eq "Utrecht withdrawn, Tilburg confirmed" "GM0344|withdrawn GM0855|confirmed" \
	"$(sql "SELECT code, status FROM enrolments
		WHERE code IN ('GM0344', 'GM0855') ORDER BY code" | one_line)"

# --- 23 March: Tilburg's confirmation comes back, an Exim bounce
tid=$(sql "SELECT message_id FROM outbox WHERE kind = 'promoted' AND rcpt = '$Y'")
bounce_of exim-unstructured.eml aanmeld.fedcba9876543210fedcba9876543210@vng.nl \
	"$tid" b2 'p\.devries@zeist\.nl' "$Y" | deliver
once_ok "2021-03-23 10:00"

for b in "b1 $gid $G" "b2 $tid $Y"; do
	set -- $b
	eq "$1: verdict bounce, in Beoordelen" "bounce 1" \
		"$(sql "SELECT verdict FROM messages
			WHERE message_id = '$1@test.example'") $(in_folder Beoordelen "$1")"
	eq "$1: the outbox row bounced with the remote reply" "1|1" \
		"$(sql "SELECT bounced_at IS NOT NULL, bounce LIKE '550 5.1.1 <$3>%'
			FROM outbox WHERE message_id = '$2'")"
	eq "$1: the contact $3 marked undeliverable" 1 \
		"$(sql "SELECT undeliverable_at IS NOT NULL FROM contacts
			WHERE address = '$3'")"
	eq "$1: an open review item saying it came back" 1 \
		"$(sql "SELECT count(*) FROM review_items
			WHERE id = '$(item_of "$1")' AND status = 'open'
			AND reason_codes LIKE '%\"bounced\",\"$3\"%'")"
	eq "$1: never answered" 0 \
		"$(sql "SELECT count(*) FROM outbox o JOIN messages m
			ON m.id = o.message WHERE m.message_id = '$1@test.example'")"
done
cli queue
check "aanmeld queue names both bounces in Dutch" sh -c \
	"grep -q 'e-mail aan $G kwam terug' '$work/cli.out' &&
		grep -q 'e-mail aan $Y kwam terug' '$work/cli.out'"

# --- 25 March: staff withdraw Groningen; Amersfoort, next to arrive, is in
T="2021-03-25 10:00"
cli withdraw GM0014
ok $? "aanmeld withdraw GM0014"
once_ok "2021-03-25 10:05"
eq "the two places went to the first two to arrive" \
	"GM0014|withdrawn GM0307|confirmed GM0344|withdrawn GM0855|confirmed" \
	"$(sql "SELECT code, status FROM enrolments
		WHERE code IN ('GM0014', 'GM0307', 'GM0344', 'GM0855')
		ORDER BY code" | one_line)"
cli list
eq "aanmeld list: the places moved up, in arrival order" \
	"GM0268|waitlist|1 GM0503|waitlist|2 GM0758|waitlist|3 GM0202|waitlist|4 GM0546|waitlist|5" \
	"$(cut -f1,3,4 "$work/cli.out" | grep '	waitlist' | tr '\t' '|' | one_line)"

# --- session 1 (13 April 13:30)
once_ok "2021-04-06 13:30"
once_ok "2021-04-12 13:30"

# --- 14 April: Zwolle's second contact
T="2021-04-14 10:00"
cli contact add GM0193 "$A2"
ok $? "aanmeld contact add GM0193 $A2"
once_ok "2021-04-14 10:05"

# --- 15 April: it declines session 3
itip_reply d3 "$A2" 3 REPLY DECLINED | deliver
once_ok "2021-04-15 10:00"
eq "the decline recorded" "$A2|session-3|declined" \
	"$(sql "SELECT address, item, status FROM attendance")"

# --- 20 April: Almere asks a question no rule knows
deliver_mail q1 "$L" "Vraag over sessie 2"
once_ok "2021-04-20 10:00"
eq "the question: review, in Beoordelen" "review 1" \
	"$(sql "SELECT verdict FROM messages
		WHERE message_id = 'q1@test.example'") $(in_folder Beoordelen q1)"
eq "... an open review item: no recognised intent" 1 \
	"$(sql "SELECT count(*) FROM review_items WHERE id = '$(item_of q1)'
		AND status = 'open' AND reason_codes LIKE '%\"no-intent\"%'")"
eq "... answered with the acknowledgement only" "review" \
	"$(sql "SELECT group_concat(kind) FROM outbox o JOIN messages m
		ON m.id = o.message WHERE m.message_id = 'q1@test.example'")"

# --- sessions 2, 3 and 4
for t in "04-22 13:30" "04-28 13:30" "05-20 13:30" "05-26 13:30" \
	"06-17 13:30" "06-23 13:30"; do
	once_ok "2021-$t"
done

# --- the texts: Zwolle attaches it, Almere names it, 's-Hertogenbosch twice
attached t1 "$A" "Onze bijdrage" "Zwolle best practice.pdf" | deliver
deliver_mail t2 "$L" "Opleveren tekst (best practice)"
attached t3 "$H" "Tekst 's-Hertogenbosch" "tekst-v1.pdf" | deliver
once_ok "2021-07-20 10:00"
attached t4 "$H" "Tekst 's-Hertogenbosch, tweede versie" "tekst-v2.pdf" |
	deliver
once_ok "2021-07-25 10:00"
eq "four deliveries of three municipalities" "GM0034|1 GM0193|1 GM0796|2" \
	"$(sql "SELECT code, count(*) FROM deliveries GROUP BY code
		ORDER BY code" | one_line)"
eq "the attachments kept in the spool" 3 \
	"$(find "$work/spool/deliveries" -type f | wc -l)"

# --- the deadline's reminders (15 August: 1 and 12 August, 09:00)
once_ok "2021-08-01 09:00"
once_ok "2021-08-12 09:00"

# --- staff write to the confirmed, twice
printf 'Subject: Nieuws over de {{event}}\n\nGeachte heer, mevrouw,\n\nDe gemeente {{municipality}} ontvangt dit bericht.\n\nMet vriendelijke groet,\n\n{{organiser_name}}\n' \
	>"$work/nieuws.txt"
T="2021-08-20 09:00"
cli send "$work/nieuws.txt" --to confirmed --dry-run
ok $? "aanmeld send --dry-run"
eq "... counts the five it would send, not Tilburg's address that came back" \
	"dry run: 5 new, 0 queued before, 0 sent before, 1 came back" "$(tail -n 1 "$work/cli.out")"
eq "... says so of Tilburg's" "came back	GM0855	Tilburg	$Y" \
	"$(grep "	$Y\$" "$work/cli.out")"
cli send "$work/nieuws.txt" --to confirmed
ok $? "aanmeld send --to confirmed"
eq "... queued for the five contacts of the confirmed it can reach" \
	"queued: 5 new, 0 queued before, 0 sent before, 1 came back" "$(tail -n 1 "$work/cli.out")"
once_ok "2021-08-20 10:00"
sent=$(delivered)
cli send "$work/nieuws.txt" --to confirmed
ok $? "aanmeld send again"
eq "... queues nothing" "queued: 0 new, 0 queued before, 5 sent before, 1 came back" \
	"$(tail -n 1 "$work/cli.out")"
eq "no send row for Tilburg's address" 0 \
	"$(sql "SELECT count(*) FROM outbox WHERE kind = 'send' AND rcpt = '$Y'")"
once_ok "2021-08-20 10:05"
eq "... and sends nothing" "$sent" "$(delivered)"

# --- session 5, and after the congress
once_ok "2021-09-09 13:30"
once_ok "2021-09-15 13:30"
once_ok "2021-10-08 10:00"

# --- what each contact received, in order
received 'Nieuws over=send'
ok $? "read back every delivered mail"
inv="invitation:1 invitation:2 invitation:3 invitation:4 invitation:5"
r1="reminder:1@04-06 reminder:1@04-12"
r2="reminder:2@04-22 reminder:2@04-28"
r3="reminder:3@05-20 reminder:3@05-26"
r4="reminder:4@06-17 reminder:4@06-23"
r5="reminder:5@09-09 reminder:5@09-15"
dl="reminder:deadline@08-01 reminder:deadline@08-12"
want_A="confirm $inv $r1 $r2 $r3 $r4 delivered send $r5"
want_A2="invitation:2 invitation:3 invitation:4 invitation:5 $r2 $r4 send $r5"
want_L="confirm $inv $r1 review $r2 $r3 $r4 delivered send $r5"
want_U="confirm $inv cancel:1 cancel:2 cancel:3 cancel:4 cancel:5 withdrawn"
want_H="confirm $inv $r1 $r2 $r3 $r4 delivered delivered send $r5"
want_G="confirm $inv"
want_Y="waitlist:1 promoted $inv"
want_M="waitlist:2 promoted $inv $r1 $r2 $r3 $r4 $dl send $r5"
want_N="waitlist:3"
want_D="waitlist:4"
want_B="waitlist:5"
want_R="waitlist:6"
want_E="waitlist:7"
# the letter's text up to the list of sessions
mailpart "$M" "Bevestiging deelname" text |
	awk 'prev == "" && NR > 1 && /^- / { exit } { print; prev = $0 }' \
		>"$work/promoted.txt"
check "Amersfoort's letter says the place came free" \
	grep -q "plaats vrijgekomen" "$work/promoted.txt"
eq "... in lines of at most 78 characters" 0 \
	"$(awk 'length($0) > 78' "$work/promoted.txt" | wc -l)"
pattern=
for who in $everyone; do
	eval addr=\$$who want=\$want_$who
	eq "$addr received exactly this, in order" "$want" "$(got "$addr")"
	pattern="$pattern -e ^$addr "
done
# shellcheck disable=SC2086
eq "nobody else received anything" 0 \
	"$(grep -v $pattern "$work/received" | wc -l)"
{
	for who in A A2 M; do
		eval addr=\$$who
		printf '%s: %s\n' "$addr" "$(got "$addr")"
	done
} >"$work/lists.txt"
echo "# the mails of Zwolle and Amersfoort, in order ($work/lists.txt):"
sed 's/^/# /' "$work/lists.txt"
eq "the held rows are the bounced contacts' and Groningen's withdrawal" \
	"$(sql "SELECT count(*) FROM outbox
		WHERE rcpt IN ('$G', '$Y') AND status = 'failed'")" \
	"$(sql "SELECT count(*) FROM outbox WHERE status = 'failed'")"
eq "nothing planned for Tilburg's contact once its mail came back" 0 \
	"$(sql "SELECT count(*) FROM outbox WHERE rcpt = '$Y' COLLATE NOCASE
		AND created_at > (SELECT undeliverable_at FROM contacts
		WHERE address = '$Y' COLLATE NOCASE)")"
eq "every other row sent once" \
	"$(sql "SELECT count(*) FROM outbox WHERE status = 'sent'")" \
	"$(delivered)"

# --- forget the second contact: no trace of it
check "before forget: the database knows $A2" \
	test "$(spool_traces "$work/spool" "$A2")" -gt 0
T="2021-10-08 11:00"
cli forget "$A2"
ok $? "aanmeld forget $A2"
eq "after forget: no trace of $A2 in the dump or the spool's names" 0 \
	"$(spool_traces "$work/spool" "$A2")"
eq "... nor in upper case" 0 \
	"$(spool_traces "$work/spool" "$(echo "$A2" | tr a-z A-Z)")"
eq "Zwolle still takes part, with its first contact" "confirmed $A" \
	"$(sql "SELECT status FROM enrolments WHERE code = 'GM0193'") $(sql \
		"SELECT address FROM contacts WHERE code = 'GM0193'")"

check "no sanitizer report in the daemon's log" sh -c \
	"! grep -E 'runtime error|Sanitizer|^==[0-9]+==' '$work/aanmeld.log'"
echo "# $runs passes"
if [ "$failed" -gt 0 ]; then
	sed 's/^/# /' "$work/received"
	tail -n 40 "$work/aanmeld.log" | sed 's/^/# /'
fi
tap_done
