#!/bin/sh
# The text deliverable and mail from staff, end to end on a real Dovecot
# and SMTP sink: four municipalities enrol; Utrecht delivers its text as
# an attachment (with a hostile file name), Zwolle by the subject alone
# (a deliver rule), Amersfoort twice; the attachment of a municipality not
# taking part is no delivery (a person reads it).  Each delivery is recorded, its file kept in the spool under
# a safe name, and confirmed by mail; the deadline's reminder (run with
# --now before the deadline) goes only to Nijmegen, which did not
# deliver.  Then aanmeld send to the confirmed, twice: the second run
# sends nothing.  Last, the summary for staff lists the texts delivered
# and a mail that came back.
set -u
: "${AANMELD:?}" "${AANMELDD:?}"
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d /tmp/aanmeld-deliver.XXXXXX)
. "$srcdir/integration/lib/tap.sh"
. "$srcdir/integration/lib/common.sh"
. "$srcdir/integration/lib/servers.sh"
daemon=
trap cleanup EXIT

servers_setup

S='Deelname praktijkproef GG & lokale inclusie'
A=a.meijer@utrecht.nl
B=p.pieters@zwolle.nl
C=a.smit@amersfoort.nl
D=k.bakker@nijmegen.nl
sent_kind() {	# sent_kind KIND RCPT: such mails that reached the sink
	n=0
	for id in $(sql "SELECT message_id FROM outbox WHERE kind = '$1' AND rcpt = '$2' AND status = 'sent'"); do
		n=$((n + $(delivered "$id")))
	done
	echo "$n"
}

# 1. four municipalities enrol
for x in "e1 $A" "e2 $B" "e3 $C" "e4 $D"; do
	# shellcheck disable=SC2086
	deliver_mail $x "$S"
done
once aanmeld "2021-04-01 10:00"
ok $? "enrolments: aanmeldd --once exits 0"
eq "four confirmed" 4 \
	"$(sql "SELECT count(*) FROM enrolments WHERE status = 'confirmed'")"

# 2. the texts
attached d1 "$A" "Onze bijdrage" "../../etc/passwd" | deliver
deliver_mail d2 "$B" "Opleveren tekst (best practice)"
attached d3 "$C" "RE: Herinnering: Opleveren tekst (best practice)" \
	"Tekst Amersfoort v1.pdf" | deliver
attached d5 j.jansen@almere.nl "Onze bijdrage" "almere.pdf" | deliver
once aanmeld "2021-07-20 10:00"
ok $? "deliveries: aanmeldd --once exits 0"
attached d4 "$C" "Tekst Amersfoort, tweede versie" \
	"Tekst Amersfoort v2.pdf" | deliver
once aanmeld "2021-07-25 10:00"
ok $? "a second version: aanmeldd --once exits 0"

eq "four deliveries recorded" "d1|deliver|GM0344 d2|deliver|GM0193 d3|deliver|GM0307 d4|deliver|GM0307" \
	"$(sql "SELECT message_id, verdict, gemeente FROM messages WHERE message_id LIKE 'd%' AND verdict = 'deliver' ORDER BY message_id" | sed 's/@test.example//' | tr '\n' ' ' | sed 's/ $//')"
eq "the attachment of a municipality not taking part is no delivery: review" "review" \
	"$(sql "SELECT verdict FROM messages WHERE message_id = 'd5@test.example'")"
eq "deliveries per municipality" "GM0193|1 GM0307|2 GM0344|1" \
	"$(sql 'SELECT code, count(*) FROM deliveries GROUP BY code ORDER BY code' | tr '\n' ' ' | sed 's/ $//')"
eq "Zwolle's delivery by subject has no file" 0 \
	"$(sql "SELECT count(*) FROM delivery_files f JOIN deliveries d ON d.id = f.delivery WHERE d.code = 'GM0193'")"
p=$(sql "SELECT f.path FROM delivery_files f JOIN deliveries d ON d.id = f.delivery WHERE d.code = 'GM0344'")
check "Utrecht's file: a path relative to the spool" \
	sh -c "case '$p' in deliveries/GM0344/*-1-passwd) exit 0;; esac; exit 1"
eq "Utrecht's file: kept with its bytes" "d1 tekst" "$(cat "$work/spool/$p")"
eq "nothing written outside the deliveries folder" "" \
	"$(find "$work/spool" -name passwd ! -path "$work/spool/deliveries/GM0344/*")"
eq "Amersfoort's two versions both kept" 2 \
	"$(ls "$work/spool/deliveries/GM0307" | wc -l)"
check "their names made safe" ls "$work/spool/deliveries/GM0307/"*-1-Tekst_Amersfoort_v2.pdf

# every delivery confirmed by mail, the second version again
once aanmeld "2021-07-25 10:05"
eq "Utrecht: one confirmation" 1 "$(sent_kind delivered "$A")"
eq "Zwolle: one confirmation" 1 "$(sent_kind delivered "$B")"
eq "Amersfoort: two confirmations" 2 "$(sent_kind delivered "$C")"
eq "Nijmegen: none" 0 "$(sent_kind delivered "$D")"
f=$(grep -l "^To: .*$A" "$work/sink/"*.eml | xargs grep -l "^Subject: Wij hebben uw tekst" | head -n 1)
check "the confirmation's subject" test -n "$f"
check "the confirmation names the municipality" grep -q "gemeente Utrecht" "$f"

# 3. the deadline's first reminder (14 days before 15 August, 09:00)
once aanmeld "2021-08-01 09:00"
ok $? "reminder: aanmeldd --once exits 0"
once aanmeld "2021-08-01 09:01"
eq "the reminder goes to Nijmegen" 1 "$(sent_kind reminder-deadline "$D")"
eq "and to no one that delivered" 1 \
	"$(sql "SELECT count(*) FROM outbox WHERE kind = 'reminder-deadline'")"

# 4. aanmeld list and the export show it
cli_on aanmeld list >"$work/list.out"
ok $? "list exits 0"
check "list: Amersfoort's latest version and the count" \
	grep -q "^GM0307	.*	2021-07-25 10:00	2\$" "$work/list.out"
check "list: Nijmegen without" grep -q "^GM0268	.*	-	0\$" "$work/list.out"
cli_on aanmeld export --csv >"$work/export.csv"
check "export: the column" grep -q 'tekst ontvangen,versies' "$work/export.csv"

# 5. aanmeld send, twice
printf 'Subject: Nieuws over de {{event}}\n\nGeachte heer, mevrouw,\n\nDe gemeente {{municipality}} ontvangt dit bericht.\n\nMet vriendelijke groet,\n\n{{organiser_name}}\n' \
	>"$work/nieuws.txt"
cli_on aanmeld send "$work/nieuws.txt" --to confirmed --dry-run >"$work/send.out"
ok $? "send --dry-run exits 0"
eq "dry run: four would get it" 4 "$(grep -c '^would send' "$work/send.out")"
eq "dry run: nothing queued" 0 "$(sql "SELECT count(*) FROM outbox WHERE kind = 'send'")"
cli_on aanmeld --now "2021-08-02 09:00" send "$work/nieuws.txt" --to confirmed >"$work/send.out"
ok $? "send exits 0"
eq "send: four queued" "queued: 4 new, 0 queued before, 0 sent before" "$(tail -n 1 "$work/send.out")"
# again before the daemon sent them: queued, not yet sent
cli_on aanmeld --now "2021-08-02 09:30" send "$work/nieuws.txt" --to confirmed >"$work/send.out"
ok $? "send again before the daemon ran exits 0"
eq "send before the daemon ran: still queued" "queued: 0 new, 4 queued before, 0 sent before" \
	"$(tail -n 1 "$work/send.out")"
eq "send before the daemon ran: each line says queued" 4 \
	"$(grep -c '^queued before	' "$work/send.out")"
once aanmeld "2021-08-02 10:00"
for r in "$A" "$B" "$C" "$D"; do
	eq "send: $r got it once" 1 "$(sent_kind send "$r")"
done
eq "no address in the keys" 0 \
	"$(sql "SELECT count(*) FROM outbox WHERE kind = 'send' AND key LIKE '%@%'")"
cli_on aanmeld --now "2021-08-02 09:00" send "$work/nieuws.txt" --to confirmed >"$work/send.out"
ok $? "send again exits 0"
eq "send again: nothing new" "queued: 0 new, 0 queued before, 4 sent before" "$(tail -n 1 "$work/send.out")"
eq "send again: each line says sent" 4 "$(grep -c '^sent before	' "$work/send.out")"
eq "still four in the outbox" 4 "$(sql "SELECT count(*) FROM outbox WHERE kind = 'send'")"
cli_on aanmeld history >"$work/history.out"
eq "history: one line per mail sent" 4 "$(grep -c '	send	' "$work/history.out")"
printf 'Subject: x\n\n{{session_title}}\n' >"$work/bad.txt"
cli_on aanmeld send "$work/bad.txt" --to confirmed >"$work/bad.out" 2>&1
eq "unknown placeholder: exit 1" 1 $?
check "unknown placeholder: says which" grep -q 'unknown placeholder {{session_title}}' "$work/bad.out"
cli_on aanmeld send "$work/nieuws.txt" --to session:99 >"$work/bad.out" 2>&1
eq "unknown session: exit 2" 2 $?

# 6. the summary for staff: the texts delivered, with their versions and
# files, and a mail that came back (a DSN for Zwolle's mail of step 5)
printf '[staff]\naddress = staff@vng.nl\n' >>"$work/aanmeld.conf"
zid=$(sql "SELECT message_id FROM outbox WHERE kind = 'send' AND rcpt = '$B'")
sed -e "s/aanmeld.0123456789abcdef0123456789abcdef@vng.nl/$zid/g" \
	-e "s/j\.jansen@utrecht\.nl/$B/g" \
	-e "s/^Message-Id: <[^>]*>/Message-Id: <b1@test.example>/" \
	"$srcdir/data/bounce/postfix-dsn.eml" | deliver
once aanmeld "2021-08-03 08:00"
ok $? "the bounce: aanmeldd --once exits 0"
eq "Zwolle's mail is bounced" 1 \
	"$(sql "SELECT count(*) FROM outbox WHERE message_id = '$zid' AND bounced_at IS NOT NULL")"
eq "no summary before 09:00" 0 "$(sent_kind staff-summary staff@vng.nl)"
once aanmeld "2021-08-03 09:00"
ok $? "the summary: aanmeldd --once exits 0"
eq "one summary reached staff" 1 "$(sent_kind staff-summary staff@vng.nl)"
f=$(grep -l "^Message-ID: <$(sql "SELECT message_id FROM outbox WHERE kind = 'staff-summary'")>" "$work/sink/"*.eml)
$PY - "$f" >"$work/summary.txt" <<'PYEOF'
import email, sys
from email import policy
with open(sys.argv[1], 'rb') as f:
    m = email.message_from_binary_file(f, policy=policy.default)
print(m.get_content())
PYEOF
check "summary: the section of delivered texts" \
	grep -q '^Ingeleverde teksten (4)$' "$work/summary.txt"
check "summary: Amersfoort's second version with its file" \
	grep -q '^  - Amersfoort (GM0307), 25 juli 2021, 10.00 uur, versie 2:' "$work/summary.txt"
check "summary: the file's name, as kept" grep -q 'Tekst_Amersfoort_v2.pdf' "$work/summary.txt"
check "summary: Zwolle's text without a file" \
	grep -q '^  - Zwolle (GM0193), 20 juli 2021, 10.00 uur, versie 1: geen bestand' "$work/summary.txt"
check "summary: Nijmegen has not delivered, the deadline near" sh -c \
	"grep -q '^  De uiterste datum is 15 augustus 2021. Van deze gemeenten is de tekst' '$work/summary.txt' && grep -q '^  - Nijmegen (GM0268)\$' '$work/summary.txt'"
check "summary: the section of mail that came back" \
	grep -q '^Teruggekomen e-mail (1)$' "$work/summary.txt"
check "summary: the address and its municipality" \
	sh -c "grep -q '^  - bericht van de organisatie aan $B, gemeente Zwolle\$' '$work/summary.txt' && grep -q '^    (GM0193), kwam terug op 3 augustus 2021, 08.00 uur\$' '$work/summary.txt'"
check "summary: the server's reply" grep -q 'Antwoord van de mailserver: 550 5.1.1' "$work/summary.txt"
check "summary: what staff can do, the command only for the operator" sh -c \
	"grep -q 'Vraag de gemeente om een' '$work/summary.txt' && grep -q '(voor de beheerder: aanmeld contact add GM0193 ADRES)' '$work/summary.txt'"
eq "summary: no line over 76 characters" 0 "$(awk 'length > 76' "$work/summary.txt" | wc -l)"

check "no sanitizer report in the daemon's log" sh -c \
	"! grep -E 'runtime error|Sanitizer|^==[0-9]+==' '$work/aanmeld.log'"

tap_done
