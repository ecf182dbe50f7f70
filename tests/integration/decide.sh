#!/bin/sh
# Staff decisions on items that are no enrolment, against a real Dovecot
# and a real SMTP sink: a bounce of our confirmation approved and
# rejected (closed, no mail, the contact stays marked, the mailer daemon
# enrolled nowhere); a question from a contact of an enrolled
# municipality approved on the command line (refused) and by folder
# (back in Beoordelen with a Dutch note); a question from a municipality
# not enrolled approved (it enrols).
set -u
: "${AANMELD:?}" "${AANMELDD:?}"
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d /tmp/aanmeld-decide.XXXXXX)
. "$srcdir/integration/lib/tap.sh"
. "$srcdir/integration/lib/common.sh"
. "$srcdir/integration/lib/servers.sh"
daemon=
trap cleanup EXIT

servers_setup

S='Deelname praktijkproef GG & lokale inclusie'
U=j.jansen@utrecht.nl
Z=p.devries@zeist.nl
G=k.smit@groningen.nl

status_of() {	# status_of ID: the review item's status and decision
	sql "SELECT status || '|' || COALESCE(decision, '') FROM review_items WHERE id = $(item_of "$1")"
}

deliver_mail e1 "$U" "$S"
deliver_mail e2 "$Z" "$S"
once aanmeld "2021-04-01 10:00"
ok $? "the enrolments: aanmeldd --once exits 0"
uid=$(confirm_id "$U")
zid=$(confirm_id "$Z")

P=aanmeld.0123456789abcdef0123456789abcdef@vng.nl
X=aanmeld.fedcba9876543210fedcba9876543210@vng.nl
bounce_of postfix-dsn.eml "$P" "$uid" b1 | deliver
bounce_of exim-unstructured.eml "$X" "$zid" b2 | deliver
deliver_mail q1 "$G" "Vraag over sessie 3"
deliver_mail q2 "$Z" "Vraag over de tekst"
once aanmeld "2021-04-01 11:00"
ok $? "the bounces and questions: aanmeldd --once exits 0"
eq "the bounces are bounces" "bounce bounce" \
	"$(sql "SELECT verdict FROM messages WHERE message_id = 'b1@test.example'") $(sql "SELECT verdict FROM messages WHERE message_id = 'b2@test.example'")"
n_out=$(sql "SELECT count(*) FROM outbox")

# --- approve a bounce: closed, nothing sent, nobody enrolled
cli approve "$(item_of b1)"
ok $? "approve of a bounce exits 0"
check "... saying the contact stays marked" grep -q "stays marked undeliverable" "$work/cli.out"
eq "the bounce item is closed as approved" "decided|approve" "$(status_of b1)"
eq "no mail for it" 0 "$(answers_to b1)"
eq "no contact for the mailer daemon" 0 \
	"$(sql "SELECT count(*) FROM contacts WHERE lower(address) LIKE '%mailer-daemon%' OR lower(address) LIKE '%postmaster%'")"
eq "Utrecht's contact stays marked" 1 \
	"$(sql "SELECT undeliverable_at IS NOT NULL FROM contacts WHERE address = '$U'")"
eq "the bounce stays a bounce" bounce \
	"$(sql "SELECT verdict FROM messages WHERE message_id = 'b1@test.example'")"

# --- reject a bounce: closed, no letter to the mailer daemon
cli reject "$(item_of b2)"
ok $? "reject of a bounce exits 0"
eq "the bounce item is closed as rejected" "decided|reject" "$(status_of b2)"
eq "no rejection letter" 0 "$(answers_to b2)"
eq "no new outbox rows" "$n_out" "$(sql "SELECT count(*) FROM outbox")"

# --- approve a question of an enrolled municipality's contact: refused
cli approve "$(item_of q2)"
eq "approve of an enrolled contact's question exits 2" 2 $?
check "... saying why, in English" grep -q "enrolled already" "$work/cli.err"
eq "the question stays open" "open|" "$(status_of q2)"
eq "no new outbox rows" "$n_out" "$(sql "SELECT count(*) FROM outbox")"

# --- the same by folder: back in Beoordelen with a Dutch note
imap_move Beoordelen Beoordelen/Goedkeuren q2
ok $? "IMAP MOVE of the question to Beoordelen/Goedkeuren"
once aanmeld "2021-04-01 12:00"
eq "the question stays open, with a Dutch note" "open|1" \
	"$(sql "SELECT status || '|' || (note LIKE 'goedkeuren kan niet: dit is een vraag%') FROM review_items WHERE id = $(item_of q2)")"
eq "it is back in Beoordelen" 1 "$(in_folder Beoordelen q2)"
eq "no new outbox rows" "$n_out" "$(sql "SELECT count(*) FROM outbox")"

# --- approve a question of a municipality not enrolled: it enrols
cli approve "$(item_of q1)"
ok $? "approve of Groningen's question exits 0"
eq "Groningen is enrolled" "GM0014|confirmed" \
	"$(sql "SELECT code, status FROM enrolments WHERE code = 'GM0014'")"
eq "its confirmation is queued" 1 \
	"$(sql "SELECT count(*) FROM outbox WHERE kind = 'confirm' AND rcpt = '$G'")"

tap_done
