#!/bin/sh
# Bounces of our own mail and a person's mail no rule knows, against a
# real Dovecot and a real SMTP sink (both on 127.0.0.1): three
# municipalities enrol; a Postfix DSN for Utrecht's confirmation and an
# Exim bounce without a report for Zeist's arrive (tests/data/bounce),
# with a delay report and a forged bounce.  The two bounces mark their
# outbox rows bounced and their contacts undeliverable, open review
# items in Beoordelen and are never answered; later mail to such a
# contact is held.  The delay and the forgery change nothing.  A
# contact's question goes to review with the review acknowledgement; an
# outsider's newsletter stays ignored.  The same mail bouncing again
# (qmail) keeps the first bounce's record; a temporary failure given up
# on (4.4.1) goes to review and marks nothing; a bounce of mail to an
# address that was forgotten marks nothing and brings nothing back.
set -u
: "${AANMELD:?}" "${AANMELDD:?}"
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d /tmp/aanmeld-bounce.XXXXXX)
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


# --- three municipalities enrol; their confirmations are sent
deliver_mail e1 "$U" "$S"
deliver_mail e2 "$Z" "$S"
deliver_mail e3 "$G" "$S"
once aanmeld "2021-04-01 10:00"
ok $? "the enrolments: aanmeldd --once exits 0"
uid=$(confirm_id "$U")
zid=$(confirm_id "$Z")
eq "Utrecht's confirmation reached the SMTP server" 1 "$(delivered "$uid")"
eq "Zeist's confirmation reached the SMTP server" 1 "$(delivered "$zid")"
sent_before=$(delivered)

# --- the bounces arrive, with a delay report and a forged bounce
P=aanmeld.0123456789abcdef0123456789abcdef@vng.nl
X=aanmeld.fedcba9876543210fedcba9876543210@vng.nl
bounce_of postfix-dsn.eml "$P" "$uid" b1 | deliver
bounce_of exim-unstructured.eml "$X" "$zid" b2 | deliver
bounce_of delayed-dsn.eml "$P" "$uid" b3 | deliver
bounce_of forged-bounce.eml nothing nothing b4 | deliver
once aanmeld "2021-04-01 11:00"
ok $? "the bounces: aanmeldd --once exits 0"

eq "the DSN is a bounce" bounce "$(sql "SELECT verdict FROM messages WHERE message_id = 'b1@test.example'")"
eq "the unstructured bounce is a bounce" bounce "$(sql "SELECT verdict FROM messages WHERE message_id = 'b2@test.example'")"
eq "the delay report is ignored" ignore "$(sql "SELECT verdict FROM messages WHERE message_id = 'b3@test.example'")"
eq "the forged bounce is ignored" ignore "$(sql "SELECT verdict FROM messages WHERE message_id = 'b4@test.example'")"
check "the forged bounce's reason says we never sent it" \
	sh -c "sqlite3 '$work/spool/aanmeld.db' \"SELECT reasons FROM messages WHERE message_id = 'b4@test.example'\" | grep -q 'a mail we did not send'"
check "the forged bounce is logged" grep -q "not one of our mails" "$work/aanmeld.out"

eq "Utrecht's confirmation is bounced, with the remote reply" \
	"1|550 5.1.1 <$U>: Recipient address rejected: User unknown in virtual mailbox table" \
	"$(sql "SELECT bounced_at IS NOT NULL, bounce FROM outbox WHERE message_id = '$uid'")"
eq "Zeist's confirmation is bounced, with the remote reply" \
	"1|550 5.1.1 <$Z>: Recipient address rejected: mailbox unavailable" \
	"$(sql "SELECT bounced_at IS NOT NULL, bounce FROM outbox WHERE message_id = '$zid'")"
eq "the contacts are marked undeliverable, Groningen's is not" \
	"$U|1 $G|0 $Z|1" \
	"$(sql "SELECT address, undeliverable_at IS NOT NULL FROM contacts ORDER BY address" | tr '\n' ' ' | sed 's/ $//')"
cli outbox
ok $? "aanmeld outbox exits 0"
check "aanmeld outbox shows Utrecht's confirmation bounced" \
	grep -q "confirm.*$U.*bounced" "$work/cli.out"

eq "one review item for each bounce" "1 1" \
	"$(sql "SELECT count(*) FROM review_items r JOIN messages m ON m.id = r.message WHERE m.message_id IN ('b1@test.example', 'b2@test.example') GROUP BY m.id" | tr '\n' ' ' | sed 's/ $//')"
check "the review item says the mail came back" \
	sh -c "sqlite3 '$work/spool/aanmeld.db' \"SELECT reason_codes FROM review_items WHERE id = $(item_of b1)\" | grep -q '\"bounced\",\"$U\"'"
cli queue
check "aanmeld queue lists the bounce, in Dutch" grep -q "e-mail aan $U kwam terug" "$work/cli.out"
eq "the bounces are in Beoordelen" "1 1" "$(in_folder Beoordelen b1) $(in_folder Beoordelen b2)"
eq "the delay and the forgery are in Genegeerd" "1 1" "$(in_folder Genegeerd b3) $(in_folder Genegeerd b4)"
eq "no bounce is answered" "0 0 0 0" \
	"$(answers_to b1) $(answers_to b2) $(answers_to b3) $(answers_to b4)"
eq "nothing more reached the SMTP server" "$sent_before" "$(delivered)"

# --- later mail to an undeliverable contact is held, with the reason
deliver_mail d1 "$U" "$S"
once aanmeld "2021-04-01 12:00"
ok $? "a second mail from Utrecht: aanmeldd --once exits 0"
eq "its answer is held, not sent" "failed|1" \
	"$(sql "SELECT status, cancelled_at IS NOT NULL FROM outbox o JOIN messages m ON m.id = o.message WHERE m.message_id = 'd1@test.example'")"
check "the held answer says why" \
	sh -c "sqlite3 '$work/spool/aanmeld.db' \"SELECT last_error FROM outbox WHERE rcpt = '$U' AND cancelled_at IS NOT NULL\" | grep -q 'came back'"
eq "nothing more reached the SMTP server" "$sent_before" "$(delivered)"

# --- staff take the mark off Zeist's contact (its mailbox works again)
cli contact clear-bounce GM0355 "$Z"
ok $? "contact clear-bounce exits 0"
eq "Zeist's contact is deliverable again, Utrecht's still marked" \
	"$U|1 $G|0 $Z|0" \
	"$(sql "SELECT address, undeliverable_at IS NOT NULL FROM contacts ORDER BY address" | tr '\n' ' ' | sed 's/ $//')"
eq "the audit names it" 1 \
	"$(sql "SELECT count(*) FROM audit WHERE what = 'contact deliverable' AND gemeente = 'GM0355'")"
cli contact clear-bounce GM0355 "$Z"
eq "a second time: refused, it is not marked" 1 $?
check "... saying so" grep -q "not marked undeliverable" "$work/cli.err"
cli contact clear-bounce GM0344 "$Z"
eq "for a municipality it is no contact of: refused" 1 $?

# --- a contact's question no rule knows goes to a person; an
# outsider's newsletter does not
deliver_mail q1 "$G" "Vraag over sessie 3"
deliver_mail n1 nieuws@example.org "Nieuwsbrief april"
once aanmeld "2021-04-01 13:00"
ok $? "the question: aanmeldd --once exits 0"
eq "the question is for review, Groningen suggested" "review|GM0014" \
	"$(sql "SELECT m.verdict, r.suggested FROM messages m JOIN review_items r ON r.message = m.id WHERE m.message_id = 'q1@test.example'")"
check "its reason is no recognised intent" \
	sh -c "sqlite3 '$work/spool/aanmeld.db' \"SELECT reason_codes FROM review_items WHERE id = $(item_of q1)\" | grep -q '\"no-intent\"'"
eq "it is in Beoordelen" 1 "$(in_folder Beoordelen q1)"
eq "it gets the review acknowledgement only" "review" \
	"$(sql "SELECT group_concat(kind) FROM outbox o JOIN messages m ON m.id = o.message WHERE m.message_id = 'q1@test.example'")"
eq "the newsletter is ignored, unanswered" "ignore 0" \
	"$(sql "SELECT verdict FROM messages WHERE message_id = 'n1@test.example'") $(answers_to n1)"
eq "it is in Genegeerd" 1 "$(in_folder Genegeerd n1)"

# --- the same mail bounces again (qmail, later): the row keeps the
# first bounce's time and reply, and nothing is answered
sent_before=$(delivered)
first=$(sql "SELECT bounced_at || '|' || bounce FROM outbox WHERE message_id = '$uid'")
bounce_of qmail-failure.eml "$X" "$uid" b5 | sed "s/p\.devries@zeist\.nl/$U/g" | deliver
once aanmeld "2021-04-02 09:00"
ok $? "a second bounce: aanmeldd --once exits 0"
eq "the second bounce is read as one" bounce \
	"$(sql "SELECT verdict FROM messages WHERE message_id = 'b5@test.example'")"
eq "the row keeps the first bounce's time and reply" "$first" \
	"$(sql "SELECT bounced_at || '|' || bounce FROM outbox WHERE message_id = '$uid'")"
eq "the second bounce is not answered" 0 "$(answers_to b5)"

# --- Groningen's confirmation is given up on after days of a temporary
# failure (4.4.1): staff are told, the address is not marked
gid=$(confirm_id "$G")
bounce_of expired-dsn.eml "$P" "$gid" b7 | sed "s/j\.jansen@utrecht\.nl/$G/Ig" | deliver
once aanmeld "2021-04-02 09:30"
ok $? "a temporary failure given up on: aanmeldd --once exits 0"
eq "it is for review" review \
	"$(sql "SELECT verdict FROM messages WHERE message_id = 'b7@test.example'")"
check "its review item says the address stays in use" \
	sh -c "sqlite3 '$work/spool/aanmeld.db' \"SELECT reason_codes FROM review_items WHERE id = $(item_of b7)\" | grep -q '\"bounce-transient\",\"$G\"'"
eq "the row is not bounced, the contact not marked" "0|0" \
	"$(sql "SELECT (SELECT bounced_at IS NOT NULL FROM outbox WHERE message_id = '$gid') || '|' || (SELECT undeliverable_at IS NOT NULL FROM contacts WHERE address = '$G')")"
eq "it is not answered" 0 "$(answers_to b7)"

# --- Groningen's contact is forgotten, then its confirmation bounces:
# nothing is marked, no contact comes back, nothing is answered
cli forget "$G"
ok $? "aanmeld forget exits 0"
bounce_of postfix-dsn.eml "$P" "$gid" b6 | sed "s/j\.jansen@utrecht\.nl/$G/g" | deliver
once aanmeld "2021-04-02 10:00"
ok $? "a bounce for a forgotten address: aanmeldd --once exits 0"
eq "it is ignored" ignore \
	"$(sql "SELECT verdict FROM messages WHERE message_id = 'b6@test.example'")"
eq "no contact of that address comes back" 0 \
	"$(sql "SELECT count(*) FROM contacts WHERE address = '$G'")"
eq "the forgotten row stays forgotten" "|" \
	"$(sql "SELECT rcpt || '|' || COALESCE(bounce, '') FROM outbox WHERE message_id = '$gid'")"
eq "it is not answered" 0 "$(answers_to b6)"
eq "nothing more reached the SMTP server" "$sent_before" "$(delivered)"

tap_done
