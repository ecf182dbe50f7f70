#!/bin/sh
# What becomes of a participant's text in odd shapes, on a Maildir: an
# answer to an invitation with the text attached (the text is kept), an
# empty attachment (for a person, not confirmed), a name of 10,000 bytes
# (its extension kept), a name in RFC 2231 form; and that forget and the retention purge take the
# delivered files and their names along with the raw copies, while the
# fact that a municipality delivered stays; a sixth version within 24
# hours goes to a person.
set -u
: "${AANMELD:?}" "${AANMELDD:?}"
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d /tmp/aanmeld-deliverkeep.XXXXXX)
. "$srcdir/integration/lib/tap.sh"
. "$srcdir/integration/lib/common.sh"
trap cleanup EXIT

maildir_setup "$work"
cd "$work" || exit 1
S='Deelname praktijkproef GG & lokale inclusie'
A=a.meijer@utrecht.nl
B=p.pieters@zwolle.nl

# filed ID FROM SUBJECT NAME DATA [PART]: a mail with DATA attached as
# NAME (base64), and PART (a whole MIME part) before it
filed() {
	mixed_head "$1" "$2" "$3"
	[ -n "${6:-}" ] && printf -- '--b1\r\n%s\r\n' "$6"
	printf -- '--b1\r\nContent-Type: application/pdf\r\n'
	printf 'Content-Disposition: attachment; filename="%s"\r\n' "$4"
	printf 'Content-Transfer-Encoding: base64\r\n\r\n'
	printf '%s' "$5" | base64
	printf '\r\n--b1--\r\n'
}

mail e1 "$A" "$S"
mail e2 "$B" "$S"
once aanmeld "2021-04-01 10:00"
ok $? "enrolments: aanmeldd --once exits 0"

# the UID of Utrecht's invitation to session 5, as a reply would carry it
uid=$(/usr/bin/python3 -c 'import email, glob, re, sys
for f in sorted(glob.glob("spool/outbox/*.eml")):
    for p in email.message_from_binary_file(open(f, "rb")).walk():
        if p.get_content_type() == "text/calendar":
            m = re.search(r"^UID:(.*-session-5@.*?)\r?$", p.get_payload(decode=True).decode(), re.M)
            if m:
                print(m.group(1))
                sys.exit(0)')
check "the invitation's UID is found" test -n "$uid"
cal=$(printf 'Content-Type: text/calendar; method=REPLY; charset=utf-8\r\n\r\nBEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//x//NL\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20210720T070000Z\r\nSEQUENCE:0\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' "$uid" "$A")
filed c1 "$A" "Geaccepteerd: Sessie 5" "tekst.pdf" "c1 tekst" "$cal" |
	into_maildir 2001.c1.host
filed z1 "$B" "Onze tekst" "leeg.pdf" "" | into_maildir 2002.z1.host
long=$(printf '%10000s' '' | tr ' ' 'L')
filed l1 "$B" "Onze tekst" "$long.docx" "l1 tekst" | into_maildir 2003.l1.host
# a name in RFC 2231 form, as Thunderbird writes one that is not ASCII
filed r1 "$A" "Onze tekst" "x" "r1 tekst" |
	sed "s/filename=\"x\"/filename*=UTF-8''Tekst%20S%C3%BAdwest-Frysl%C3%A2n.docx/" |
	into_maildir 2004.r1.host
once aanmeld "2021-07-20 10:00"
ok $? "texts: aanmeldd --once exits 0"
eq "an RFC 2231 name is read" "Tekst_S_dwest-Frysl_n.docx" \
	"$(sql "SELECT f.name FROM delivery_files f JOIN deliveries d ON d.id = f.delivery JOIN messages m ON m.id = d.message WHERE m.message_id = 'r1@test.example'")"

eq "an answer with the text attached: the text is kept" "deliver" \
	"$(sql "SELECT verdict FROM messages WHERE message_id = 'c1@test.example'")"
check "and says the answer was not recorded" \
	reasons 2001.c1.host "attendance not recorded"
eq "its file is kept" "c1 tekst" \
	"$(cat "spool/$(sql "SELECT f.path FROM delivery_files f JOIN deliveries d ON d.id = f.delivery JOIN messages m ON m.id = d.message WHERE m.message_id = 'c1@test.example'")")"
eq "an empty attachment is for a person" "review" \
	"$(sql "SELECT verdict FROM messages WHERE message_id = 'z1@test.example'")"
check "and says why" reasons 2002.z1.host "empty"
eq "Zwolle: only the text with content is confirmed" 1 \
	"$(sql "SELECT count(*) FROM outbox WHERE kind = 'delivered' AND rcpt = '$B'")"
fname=$(sql "SELECT f.name FROM delivery_files f JOIN deliveries d ON d.id = f.delivery JOIN messages m ON m.id = d.message WHERE m.message_id = 'l1@test.example'")
check "a name of 10,000 bytes keeps its extension" \
	sh -c "case '$fname' in LLLL*.docx) exit 0;; esac; exit 1"

# past five deliveries in 24 hours (max_deliveries_per_day) a version is
# for a person: not kept, not confirmed
for i in 1 2 3 4; do
	filed v$i "$A" "Onze tekst" "v$i.pdf" "v$i tekst" |
		into_maildir 210$i.v$i.host
done
once aanmeld "2021-07-20 12:00"
ok $? "versions: aanmeldd --once exits 0"
eq "Utrecht: three more versions up to five are kept" "deliver deliver deliver review" \
	"$(sql "SELECT group_concat(verdict, ' ') FROM (SELECT verdict FROM messages WHERE message_id LIKE 'v_@test.example' ORDER BY message_id)")"
check "the sixth says why" reasons 2104.v4.host "delivered 5 times in 24 hours"
eq "Utrecht: five confirmations, none for the sixth" 5 \
	"$(sql "SELECT count(*) FROM outbox WHERE kind = 'delivered' AND rcpt = '$A'")"
eq "the sixth's file is not kept" 5 \
	"$(find spool/deliveries/GM0344 -type f | wc -l)"

# forget Zwolle's contact: its files and their names go, the delivery stays
zfile=spool/$(sql "SELECT f.path FROM delivery_files f JOIN deliveries d ON d.id = f.delivery WHERE d.code = 'GM0193'")
check "Zwolle's file is there before" test -f "$zfile"
cli_on aanmeld --now "2021-07-21 10:00" forget "$B" >"$work/forget.out" 2>&1
ok $? "forget exits 0"
check "forget: Zwolle's delivered file is gone" test ! -e "$zfile"
eq "forget: no name of its files left" 0 \
	"$(sql "SELECT count(*) FROM delivery_files f JOIN deliveries d ON d.id = f.delivery WHERE d.code = 'GM0193'")"
eq "forget: that Zwolle delivered stays" 1 \
	"$(sql "SELECT count(*) FROM deliveries WHERE code = 'GM0193'")"
eq "forget: Utrecht's five files untouched" 5 \
	"$(find spool/deliveries/GM0344 -type f | wc -l)"

# the purge after the cut-off takes every delivered file, and strays
printf 'stray' >spool/deliveries/GM0344/stray.pdf
cli_on aanmeld --now "2022-10-08 10:00" purge --dry-run >"$work/purge0.out" 2>&1
ok $? "purge --dry-run exits 0"
eq "dry run: the files stay" 6 "$(find spool/deliveries -type f | wc -l)"
cli_on aanmeld --now "2022-10-08 10:00" purge >"$work/purge.out" 2>&1
ok $? "purge exits 0"
eq "purge: no delivered file left" 0 "$(find spool/deliveries -type f | wc -l)"
eq "purge: no name of a file left" 0 "$(sql 'SELECT count(*) FROM delivery_files')"
eq "purge: the deliveries themselves stay" 2 \
	"$(sql 'SELECT count(DISTINCT code) FROM deliveries')"
check "no sanitizer report in the daemon's log" sh -c \
	"! grep -E 'runtime error|Sanitizer|^==[0-9]+==' '$work/aanmeld.log'"
tap_done
