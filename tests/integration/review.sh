#!/bin/sh
# Staff decisions against a real Dovecot and a real SMTP server (both on
# 127.0.0.1): a lookalike sender moved to Beoordelen/Goedkeuren (with a
# real IMAP MOVE, as staff's mail client does) is enrolled with its
# suggested municipality; Afwijzen and Negeren; the command line while the
# daemon runs; a decision made twice (command line then folder, and two
# command lines at once) applied once; mail dropped into Goedkeuren by
# hand processed as new mail first; approving without a municipality;
# the commands' exit codes.
set -u
: "${AANMELD:?}" "${AANMELDD:?}"
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d /tmp/aanmeld-review.XXXXXX)
. "$srcdir/integration/lib/tap.sh"
. "$srcdir/integration/lib/common.sh"
. "$srcdir/integration/lib/servers.sh"
daemon=
trap cleanup EXIT

servers_setup

T="2021-04-01 10:00"
S='Deelname praktijkproef GG & lokale inclusie'
delivered_kind() {	# delivered_kind KIND RCPT: such mails that reached the sink
	kind_n=0
	for id in $(sql "SELECT message_id FROM outbox WHERE kind = '$1' AND rcpt = '$2' AND status = 'sent'"); do
		kind_n=$((kind_n + $(delivered "$id")))
	done
	echo "$kind_n"
}

# --- the folders exist from the first run
deliver_mail a1 x@utrecht-gemeente.nl "$S"
once
ok $? "aanmeldd --once exits 0"
for f in Beoordelen Beoordelen/Goedkeuren Beoordelen/Afwijzen \
	Beoordelen/Negeren; do
	eq "folder $f exists" 1 "$(doveadm mailbox list -u "$IMAP_USER" "$f" | grep -c -x "$f")"
done
eq "the lookalike is for review, Utrecht suggested" "review|GM0344" \
	"$(sql "SELECT m.verdict, r.suggested FROM messages m JOIN review_items r ON r.message = m.id WHERE m.message_id = 'a1@test.example'")"
eq "it is in Beoordelen" 1 "$(in_folder Beoordelen a1)"

# --- approve by folder, moved with a real IMAP MOVE
imap_move Beoordelen Beoordelen/Goedkeuren a1
ok $? "IMAP MOVE to Beoordelen/Goedkeuren"
once
eq "approve: Utrecht enrolled" "GM0344|confirmed" \
	"$(sql "SELECT code, status FROM enrolments")"
eq "approve: the sender is its contact" x@utrecht-gemeente.nl \
	"$(sql "SELECT address FROM contacts WHERE code = 'GM0344'")"
eq "approve: the confirmation reached the SMTP server" 1 \
	"$(delivered_kind confirm x@utrecht-gemeente.nl)"
check "approve: the invitations reached it too" test \
	"$(delivered_kind invitation x@utrecht-gemeente.nl)" -ge 1
eq "approve: the message is in Verwerkt" 1 "$(in_folder Verwerkt a1)"
eq "approve: Goedkeuren is empty" 0 "$(count Beoordelen/Goedkeuren)"
eq "approve: decided by mailbox" "decided|mailbox|approve" \
	"$(sql "SELECT status, decided_by, decision FROM review_items WHERE id = $(item_of a1)")"
cli history GM0344
ok $? "history GM0344 exits 0"
check "history: the mailbox approved Utrecht" grep -q "mailbox.approve.*GM0344" "$work/cli.out"
n_out=$(sql "SELECT count(*) FROM outbox")
once
eq "a second run sends nothing more" "$n_out" "$(sql "SELECT count(*) FROM outbox")"

# --- reject and dismiss by folder (doveadm move)
deliver_mail b1 y@amsterdam-gemeente.nl "$S"
deliver_mail c1 z@ede-gemeente.nl "$S"
once
doveadm move -u "$IMAP_USER" Beoordelen/Afwijzen mailbox Beoordelen header message-id b1@test.example
doveadm move -u "$IMAP_USER" Beoordelen/Negeren mailbox Beoordelen header message-id c1@test.example
before_c=$(sql "SELECT count(*) FROM outbox WHERE rcpt = 'z@ede-gemeente.nl'")
once
eq "reject: decided" "reject|mailbox" \
	"$(sql "SELECT decision, decided_by FROM review_items WHERE id = $(item_of b1)")"
eq "reject: the answer reached the SMTP server" 1 \
	"$(delivered_kind reject y@amsterdam-gemeente.nl)"
check "reject: it says municipalities only" grep -qi "gemeente" \
	"$(grep -l -i "^To:.*y@amsterdam-gemeente.nl" "$work/sink/"*.eml | tail -n 1)"
eq "reject: in Afgewezen" 1 "$(in_folder Afgewezen b1)"
eq "reject: Amsterdam not enrolled" 0 \
	"$(sql "SELECT count(*) FROM enrolments WHERE code = 'GM0363'")"
eq "dismiss: decided" "dismiss|mailbox" \
	"$(sql "SELECT decision, decided_by FROM review_items WHERE id = $(item_of c1)")"
eq "dismiss: nothing sent" "$before_c" \
	"$(sql "SELECT count(*) FROM outbox WHERE rcpt = 'z@ede-gemeente.nl'")"
eq "dismiss: in Genegeerd" 1 "$(in_folder Genegeerd c1)"
eq "the decision folders are empty" "0 0 0" \
	"$(count Beoordelen/Goedkeuren) $(count Beoordelen/Afwijzen) $(count Beoordelen/Negeren)"

# --- the command line's errors and exit codes
cli approve --help
eq "approve --help exits 0" 0 $?
check "approve --help shows the usage" grep -q "approve ID" "$work/cli.out"
for c in reject dismiss history; do
	cli $c --help
	eq "$c --help exits 0" 0 $?
done
cli approve
eq "approve without an id: usage, 2" 2 $?
cli approve abc
eq "approve abc: usage, 2" 2 $?
cli approve 9999
eq "approve of an unknown item: 4" 4 $?
check "the error names the item" grep -q "no review item 9999" "$work/cli.err"
cli approve "$(item_of a1)"
eq "approve of a decided item: 3" 3 $?
check "the error says already decided" grep -q "already decided (by mailbox)" "$work/cli.err"
deliver_mail h1 w@almere-gemeente.nl "$S"
once
cli approve "$(item_of h1)" --gemeente GM9999
eq "approve --gemeente with an unknown code: 4" 4 $?
check "the error names the code" grep -q "no municipality GM9999" "$work/cli.err"
cli history GM9999
eq "history of an unknown code: 4" 4 $?

# --- the command line while the daemon runs (IDLE, poll_interval 1)
"$AANMELDD" $allow_root -c "$work/aanmeld.conf" -f --now "$T" >"$work/daemon.log" 2>&1 &
daemon=$!
wait_for 20 grep -q "connected to" "$work/daemon.log"
cli approve "$(item_of h1)" --gemeente GM0034
ok $? "approve --gemeente GM0034 while the daemon runs"
wait_for 30 yields 1 in_folder Verwerkt h1
eq "cli approve: the daemon moved the message to Verwerkt" 1 "$(in_folder Verwerkt h1)"
wait_for 30 yields 1 delivered_kind confirm w@almere-gemeente.nl
eq "cli approve: the confirmation reached the SMTP server" 1 \
	"$(delivered_kind confirm w@almere-gemeente.nl)"
eq "cli approve: Almere enrolled" confirmed \
	"$(sql "SELECT status FROM enrolments WHERE code = 'GM0034'")"
check "cli approve: the audit names the command line" sh -c \
	"sqlite3 '$work/spool/aanmeld.db' \"SELECT actor FROM audit WHERE what = 'approve' AND gemeente = 'GM0034'\" | grep -q '^cli:'"

# --- a folder move while the daemon runs
deliver_mail i1 v@zwolle-gemeente.nl "$S"
wait_for 30 yields 1 in_folder Beoordelen i1
imap_move Beoordelen Beoordelen/Goedkeuren i1
wait_for 30 yields 1 in_folder Verwerkt i1
eq "folder approve while the daemon runs: in Verwerkt" 1 "$(in_folder Verwerkt i1)"
eq "folder approve while the daemon runs: Zwolle enrolled" confirmed \
	"$(sql "SELECT status FROM enrolments WHERE code = 'GM0193'")"
kill "$daemon"
wait "$daemon"
ok $? "the daemon stops with 0"
daemon=

# --- the command line, then the folder, for the same message: once
deliver_mail e1 a@leiden-gemeente.nl "$S"
once
e1=$(item_of e1)
cli approve "$e1"
ok $? "cli approve of e1"
imap_move Beoordelen Beoordelen/Goedkeuren e1
ok $? "then staff move e1 to Goedkeuren as well"
once
eq "twice: one confirmation" 1 \
	"$(sql "SELECT count(*) FROM outbox WHERE kind = 'confirm' AND rcpt = 'a@leiden-gemeente.nl'")"
eq "twice: one approve in the audit log" 1 \
	"$(sql "SELECT count(*) FROM audit WHERE what = 'approve' AND message = (SELECT message FROM review_items WHERE id = $e1)")"
eq "twice: decided by the command line" cli \
	"$(sql "SELECT substr(decided_by, 1, 3) FROM review_items WHERE id = $e1")"
eq "twice: the message ends in Verwerkt" 1 "$(in_folder Verwerkt e1)"
eq "twice: Goedkeuren is empty" 0 "$(count Beoordelen/Goedkeuren)"

# --- two command lines at once: one applies, the other says so
deliver_mail f1 b@delft-gemeente.nl "$S"
once
f1=$(item_of f1)
"$AANMELD" -c "$work/aanmeld.conf" --now "$T" approve "$f1" >"$work/p1.out" 2>&1 &
p1=$!
"$AANMELD" -c "$work/aanmeld.conf" --now "$T" approve "$f1" >"$work/p2.out" 2>&1 &
p2=$!
wait "$p1"
r1=$?
wait "$p2"
r2=$?
eq "parallel: exit codes 0 and 3" "0 3" "$(printf '%s\n' "$r1" "$r2" | sort | tr '\n' ' ' | sed 's/ $//')"
eq "parallel: one confirmation" 1 \
	"$(sql "SELECT count(*) FROM outbox WHERE kind = 'confirm' AND rcpt = 'b@delft-gemeente.nl'")"
eq "parallel: one enrolment" 1 \
	"$(sql "SELECT count(*) FROM enrolments WHERE code = (SELECT suggested FROM review_items WHERE id = $f1)")"
eq "parallel: one approve in the audit log" 1 \
	"$(sql "SELECT count(*) FROM audit WHERE what = 'approve' AND message = (SELECT message FROM review_items WHERE id = $f1)")"
once
eq "parallel: the message ends in Verwerkt" 1 "$(in_folder Verwerkt f1)"

# --- unknown mail dropped into Goedkeuren: new mail first
testmail g1 c@haarlem-gemeente.nl "$S" | deliver Beoordelen/Goedkeuren
testmail g2 griffie@ede.nl "$S" | deliver Beoordelen/Goedkeuren
once
eq "dropped lookalike: first judged as new mail (review)" "aanmeldd|review" \
	"$(sql "SELECT a.actor, a.what FROM audit a JOIN messages m ON m.id = a.message WHERE m.message_id = 'g1@test.example' ORDER BY a.id LIMIT 1")"
eq "dropped lookalike: then approved by mailbox" "approve|mailbox" \
	"$(sql "SELECT decision, decided_by FROM review_items WHERE id = $(item_of g1)")"
eq "dropped lookalike: in Verwerkt" 1 "$(in_folder Verwerkt g1)"
# the five places went to Utrecht, Almere, Zwolle, Leiden and Delft
eq "approved when full: Haarlem on the waiting list" waitlist \
	"$(sql "SELECT status FROM enrolments WHERE code = 'GM0392'")"
eq "dropped enrolment: judged as new mail (waiting list)" waitlist \
	"$(sql "SELECT verdict FROM messages WHERE message_id = 'g2@test.example'")"
eq "dropped enrolment: in Verwerkt" 1 "$(in_folder Verwerkt g2)"

# --- approve without a municipality: back to Beoordelen, with a note
deliver_mail n1 someone@gmail.com "Deelname praktijkproef"
once
n1=$(item_of n1)
eq "no suggestion for n1" "" "$(sql "SELECT suggested FROM review_items WHERE id = $n1")"
imap_move Beoordelen Beoordelen/Goedkeuren n1
once
eq "no municipality: the item stays open" open \
	"$(sql "SELECT status FROM review_items WHERE id = $n1")"
check "no municipality: the note says why" sh -c \
	"sqlite3 '$work/spool/aanmeld.db' \"SELECT note FROM review_items WHERE id = $n1\" | grep -q 'geen gemeente'"
eq "no municipality: back in Beoordelen" 1 "$(in_folder Beoordelen n1)"
cli queue
check "queue shows the note" grep -q "^$n1	.*geen gemeente" "$work/cli.out"
cli approve "$n1"
eq "cli approve without a municipality: 2" 2 $?
cli reject "$n1" --silent
ok $? "reject --silent"
once
eq "reject --silent: no answer" 0 \
	"$(sql "SELECT count(*) FROM outbox WHERE kind = 'reject' AND rcpt = 'someone@gmail.com'")"
eq "reject --silent: in Afgewezen" 1 "$(in_folder Afgewezen n1)"
cli history "$n1"
ok $? "history ID exits 0"
check "history ID: the return and the reject, oldest first" sh -c \
	"grep -n 'returned' '$work/cli.out' | cut -d: -f1 | head -n 1 | { read a; b=\$(grep -n 'reject' '$work/cli.out' | tail -n 1 | cut -d: -f1); [ \"\$a\" -lt \"\$b\" ]; }"

# the programs' own reports (sanitizer and valgrind builds) would be in
# the logs
check "no sanitizer or valgrind report in the daemon's logs" sh -c \
	"! grep -E 'runtime error|Sanitizer|^==[0-9]+==' '$work/aanmeld.log' '$work/daemon.log'"

tap_done
