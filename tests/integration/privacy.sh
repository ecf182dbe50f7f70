#!/bin/sh
# Retention and the rights of data subjects on a real SQLite file and
# spool: export --person (text and JSON), forget (the person's rows, raw
# copies and sent copies gone, the enrolment of a municipality whose only
# contact is forgotten kept, other people untouched, an audit row without
# the address), and the retention purge by hand (before and after the
# cut-off, --dry-run, idempotent) and by the daemon.  After forget and
# after the purge the whole database (its dump, its file and its
# write-ahead log) and the spool's file names hold no trace of the
# address: in any case, nor its token in an outbox key.  A bounce of
# mail to the person (from MAILER-DAEMON, naming the address in its
# reasons, review item and raw copy) is forgotten with them, and so are
# the words of a staff summary that named them.  Raw copies are named
# relative to the spool; a name outside it is never deleted.
set -u
: "${AANMELD:?}" "${AANMELDD:?}"
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d /tmp/aanmeld-privacy.XXXXXX)
trap cleanup EXIT
. "$srcdir/integration/lib/tap.sh"
. "$srcdir/integration/lib/common.sh"
# the spool of NAME is $work/NAME/spool, its config $work/NAME/aanmeld.conf
spools=$work/%s/spool

S='Deelname praktijkproef GG & lokale inclusie'

# token ADDRESS, traces NAME ADDRESS: addr_token, and spool_traces on
# the spool of NAME
token() { addr_token "$1"; }
traces() { spool_traces "$work/$1/spool" "$2"; }

# setup NAME: a spool with six messages processed on 1 April 2021
setup() {
	dir=$work/$1
	maildir_setup "$dir"
	i=0
	while read -r from subject; do
		i=$((i + 1))
		testmail "$1-$i" "$from" "$subject" \
			>"$dir/spool/maildir/new/100$i.m$i.host"
	done <<END
utrecht@utrecht.nl $S
Jan.de.Vries@mail.utrecht.nl RE: $S
p@zwolle.nl $S
info@gmail.com $S
x@utrecht-gemeente.nl $S
p@zwolle.nl RE: $S
END
	once "$1/aanmeld"
}

setup a
eq "six messages recorded" 6 "$(sql a 'SELECT count(*) FROM messages')"
eq "Utrecht and Zwolle enrolled" "GM0193 GM0344" \
	"$(sql a 'SELECT code FROM enrolments ORDER BY code' | tr '\n' ' ' | sed 's/ $//')"
eq "Zwolle has one contact" 1 \
	"$(sql a "SELECT count(*) FROM contacts WHERE code = 'GM0193'")"

# export, any case of the address
cli_on a/aanmeld --now "2021-04-02 10:00" export --person jan.de.vries@MAIL.utrecht.nl \
	>"$work/export.txt" 2>&1
ok $? "export --person exits 0"
check "export: the contact with its municipality" \
	grep -q 'municipality .*Utrecht' "$work/export.txt"
check "export: the subject of the message" \
	grep -q "subject  *RE: $S" "$work/export.txt"
check "export: the verdict" grep -q 'verdict  *duplicate' "$work/export.txt"
check "export: the mail sent" grep -q 'kind  *duplicate' "$work/export.txt"
check "export: a date" grep -q 'received  *2021-04-01 ' "$work/export.txt"
check "export: nothing of another person" \
	sh -c "! grep -qi 'zwolle\|gmail\|utrecht@utrecht' '$work/export.txt'"
cli_on a/aanmeld --now "2021-04-02 10:00" export --json --person P@Zwolle.nl >"$work/export.json"
ok $? "export --json exits 0"
eq "json: contacts, messages, mails of p@zwolle.nl" "1 2 2" \
	"$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["contacts"]), len(d["messages"]), len([m for m in d["mails"] if m["kind"] != "invitation"]))' "$work/export.json")"
eq "json: every invitation to Zwolle listed" \
	"$(sql a "SELECT count(*) FROM outbox WHERE rcpt = 'p@zwolle.nl'")" \
	"$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["mails"]))' "$work/export.json")"
cli_on a/aanmeld --now "2021-04-02 10:00" export --person >/dev/null 2>&1
eq "export without an address: usage, exit 2" 2 $?
cli_on a/aanmeld --now "2021-04-02 10:00" export --person "not an address" >/dev/null 2>&1
eq "export of a non-address: exit 2" 2 $?

# Zwolle's confirmation came back: the bounce (from MAILER-DAEMON) names
# the address in its reasons, its review item and its raw copy; a staff
# summary sent names it too, cut by a quoted-printable soft line break,
# and so does the file transport's copy of it
zcid=$(sql a "SELECT message_id FROM outbox WHERE kind = 'confirm' AND rcpt = 'p@zwolle.nl'")
sed -e "s/aanmeld.0123456789abcdef0123456789abcdef@vng.nl/$zcid/g" \
	-e "s/j\.jansen@utrecht\.nl/p@zwolle.nl/g" \
	-e "s/^Message-Id: <[^>]*>/Message-Id: <bounce-1@test.example>/" \
	"$srcdir/data/bounce/postfix-dsn.eml" >"$work/a/spool/maildir/new/2001.b1.host"
once a/aanmeld "2021-04-01 12:00"
ok $? "the bounce: aanmeldd --once exits 0"
bid=$(sql a "SELECT id FROM messages WHERE message_id = 'bounce-1@test.example'")
eq "the bounce is recorded, with its review item" "bounce|1" \
	"$(sql a "SELECT verdict, (SELECT count(*) FROM review_items WHERE message = $bid AND instr(reason, 'p@zwolle.nl') > 0) FROM messages WHERE id = $bid")"
bspool=$(sql a "SELECT spool_path FROM messages WHERE id = $bid")
check "the bounce's raw copy names the address" grep -q 'p@zwolle.nl' "$work/a/spool/$bspool"
eq "Zwolle's contact is marked undeliverable" 1 \
	"$(sql a "SELECT count(*) FROM contacts WHERE address = 'p@zwolle.nl' AND undeliverable_at IS NOT NULL")"
sql a "INSERT INTO outbox (key, kind, message_id, envelope_from, rcpt, raw, created_at, status, sent_at) VALUES ('summary:2021-04-02', 'staff-summary', 'sum1@vng.nl', 'b@vng.nl', 'staff@vng.nl', CAST('Subject: Overzicht' || char(13, 10) || char(13, 10) || '  - Zwolle (GM0193), door p@zwo=' || char(13, 10) || 'lle.nl' || char(13, 10) AS BLOB), 1617354000, 'sent', 1617354000)"
printf 'Subject: Overzicht\r\n\r\n  - Zwolle (GM0193), door p@zwolle.nl\r\n' \
	>"$work/a/spool/outbox/sum1@vng.nl.eml"
# and one as the mail encoder writes it: "@" quoted-printable, "=40"
sql a "INSERT INTO outbox (key, kind, message_id, envelope_from, rcpt, raw, created_at, status, sent_at) VALUES ('summary:2021-04-03', 'staff-summary', 'sum2@vng.nl', 'b@vng.nl', 'staff@vng.nl', CAST('Subject: Overzicht' || char(13, 10) || 'Content-Transfer-Encoding: quoted-printable' || char(13, 10) || char(13, 10) || '  - Zwolle (GM0193), door p=40zwolle.nl' || char(13, 10) AS BLOB), 1617440400, 'sent', 1617440400)"
printf 'Subject: Overzicht\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n  - Zwolle (GM0193), door p=40zwolle.nl\r\n' \
	>"$work/a/spool/outbox/sum2@vng.nl.eml"
# another address's bounce whose reply quotes the person's
sql a "UPDATE contacts SET undeliverable_at = 1617354000, undeliverable = '550 forwarded to p@zwolle.nl: refused' WHERE address = 'utrecht@utrecht.nl'"
cli_on a/aanmeld --now "2021-04-02 10:00" export --json --person p@zwolle.nl >"$work/export2.json"
eq "export: the bounce of mail to the person is theirs too" 3 \
	"$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["messages"]))' "$work/export2.json")"

# forget the only contact of Zwolle
zspool=$(sql a "SELECT spool_path FROM messages WHERE from_addr = 'p@zwolle.nl' OR id = $bid")
eq "two raw copies of Zwolle's mail and the bounce" 3 "$(echo "$zspool" | grep -c '\.eml$')"
eq "raw copies named relative to the spool" 7 \
	"$(sql a "SELECT count(*) FROM messages WHERE spool_path GLOB 'mail/[0-9a-f]*.eml'")"
check "before forget: the address is in the database" \
	test "$(traces a p@zwolle.nl)" -gt 0
check "outbox keys hold the token, not the address" \
	test "$(sql a "SELECT count(*) FROM outbox WHERE key LIKE '%@%'")" -eq 0 -a \
	"$(sql a "SELECT count(*) FROM outbox WHERE instr(key, '$(token p@zwolle.nl)') > 0")" -gt 0
zmids=$(sql a "SELECT message_id FROM outbox WHERE rcpt = 'p@zwolle.nl' AND status = 'sent'")
check "the file transport's copies of mail to Zwolle exist" \
	sh -c "for m in $(echo $zmids); do test -f '$work/a/spool/outbox/'\$m.eml || exit 1; done"
others=$(sql a "SELECT id, from_addr, subject, spool_path, reasons FROM messages WHERE from_addr <> 'p@zwolle.nl' AND id <> $bid ORDER BY id; SELECT code, address, name FROM contacts WHERE code <> 'GM0193' ORDER BY id; SELECT id, rcpt, length(raw) FROM outbox WHERE rcpt <> 'p@zwolle.nl' AND kind <> 'staff-summary' ORDER BY id; SELECT * FROM review_items WHERE message <> $bid" | md5sum)
cli_on a/aanmeld --now "2021-04-02 10:00" forget P@ZWOLLE.NL >"$work/forget.out" 2>&1
ok $? "forget exits 0"
check "forget reports its counts" \
	grep -q '^forgotten: 1 contact, 3 messages, ' "$work/forget.out"
check "forget prints and logs no address" \
	sh -c "! grep -qi 'zwolle' '$work/forget.out'"
eq "no contact of Zwolle left" 0 \
	"$(sql a "SELECT count(*) FROM contacts WHERE address LIKE '%zwolle%'")"
eq "Zwolle's enrolment kept" "confirmed" \
	"$(sql a "SELECT status FROM enrolments WHERE code = 'GM0193'")"
eq "no message names the person" 0 \
	"$(sql a "SELECT count(*) FROM messages WHERE from_addr LIKE '%zwolle%' OR subject IS NOT NULL AND gemeente = 'GM0193' OR spool_path IS NOT NULL AND gemeente = 'GM0193'")"
eq "the verdicts of the messages kept" "enrol duplicate" \
	"$(sql a "SELECT verdict FROM messages WHERE gemeente = 'GM0193' ORDER BY id" | tr '\n' ' ' | sed 's/ $//')"
for f in $zspool; do
	check "raw copy gone: $(basename "$f")" test ! -e "$work/a/spool/$f"
done
eq "after forget: no trace of the address in the database or spool" 0 \
	"$(traces a p@zwolle.nl)"
eq "... nor in upper case" 0 "$(traces a P@ZWOLLE.NL)"
for m in $zmids; do
	check "sent copy gone: $m" test ! -e "$work/a/spool/outbox/$m.eml"
done
eq "the bounce's row keeps its verdict, nothing that names the person" "bounce||||" \
	"$(sql a "SELECT verdict, from_addr, subject, reasons, reason_codes FROM messages WHERE id = $bid")"
eq "the bounce's review item kept, its note gone" "open||" \
	"$(sql a "SELECT status, reason, reason_codes FROM review_items WHERE message = $bid")"
eq "the staff summary that named the person: its text gone" 0 \
	"$(sql a "SELECT length(raw) FROM outbox WHERE message_id = 'sum1@vng.nl'")"
check "the file transport's copy of that summary gone" \
	test ! -e "$work/a/spool/outbox/sum1@vng.nl.eml"
eq "... and of the one that wrote it quoted-printable" 0 \
	"$(sql a "SELECT length(raw) FROM outbox WHERE message_id = 'sum2@vng.nl'")"
check "... its file transport copy gone too" \
	test ! -e "$work/a/spool/outbox/sum2@vng.nl.eml"
eq "another address's mark kept, without the reply that named the person" "1|" \
	"$(sql a "SELECT undeliverable_at IS NOT NULL, undeliverable FROM contacts WHERE address = 'utrecht@utrecht.nl'")"
eq "no mail to the person, no text of it" 0 \
	"$(sql a "SELECT count(*) FROM outbox WHERE rcpt LIKE '%zwolle%' OR (rcpt = '' AND length(raw) > 0)")"
eq "mail that was still queued to them will never go" 0 \
	"$(sql a "SELECT count(*) FROM outbox WHERE rcpt = '' AND status = 'queued'")"
eq "an audit row with counts and no address" \
	"forgotten|forgotten: 1 contact, 3 messages, $(($(echo $zmids | wc -w) + 2)) mails, 1 review note" \
	"$(sql a "SELECT what, detail FROM audit WHERE what = 'forgotten'")"
check "the audit holds the address nowhere" \
	sh -c "! sqlite3 '$work/a/spool/aanmeld.db' 'SELECT * FROM audit' | grep -qi zwolle"
eq "other people's data untouched" "$others" \
	"$(sql a "SELECT id, from_addr, subject, spool_path, reasons FROM messages WHERE from_addr <> 'p@zwolle.nl' AND id <> $bid ORDER BY id; SELECT code, address, name FROM contacts WHERE code <> 'GM0193' ORDER BY id; SELECT id, rcpt, length(raw) FROM outbox WHERE rcpt <> 'p@zwolle.nl' AND rcpt <> '' AND kind <> 'staff-summary' ORDER BY id; SELECT * FROM review_items WHERE message <> $bid" | md5sum)"
cli_on a/aanmeld --now "2021-04-02 10:00" export --json --person p@zwolle.nl >"$work/after.json"
eq "export after forget: nothing left" "0 0 0 0" \
	"$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["contacts"]), len(d["messages"]), len(d["mails"]), len(d["review"]))' "$work/after.json")"
cli_on a/aanmeld --now "2021-04-02 10:00" export --person p@zwolle.nl >"$work/after.txt"
eq "export after forget, as text: (none) in every section" \
	"$(grep -c '^[a-z]*:$' "$work/after.txt")" \
	"$(grep -c '^  (none)$' "$work/after.txt")"
cli_on a/aanmeld --now "2021-04-02 10:00" forget p@zwolle.nl >"$work/forget2.out" 2>&1
check "forget again: nothing held" grep -q 'nothing was held' "$work/forget2.out"
eq "forget again: no second audit row" 1 \
	"$(sql a "SELECT count(*) FROM audit WHERE what = 'forgotten'")"

# the lookalike went to review: forgetting its sender removes the note
eq "the lookalike's review note" 1 \
	"$(sql a "SELECT count(*) FROM review_items WHERE reason <> ''")"
cli_on a/aanmeld --now "2021-04-02 10:00" forget x@utrecht-gemeente.nl >/dev/null 2>&1
eq "forget: the review note removed, the item kept" "1|open" \
	"$(sql a "SELECT count(*), status FROM review_items WHERE reason = '' AND message <> $bid")"

# the purge: the congress ends 7 October 2021 16:00; twelve months on
before=$(sql a 'SELECT * FROM messages; SELECT * FROM contacts; SELECT id, length(raw), rcpt FROM outbox; SELECT * FROM review_items' | md5sum)
files=$(ls "$work/a/spool/mail" "$work/a/spool/outbox" | grep -c '\.eml$')
cli_on a/aanmeld --now "2022-10-07 15:00" purge >"$work/purge0.out" 2>&1
ok $? "purge before the cut-off exits 0"
check "purge before the cut-off: kept until then" \
	grep -q 'kept until 2022-10-07 16:00 (12 months' "$work/purge0.out"
eq "purge before the cut-off changes nothing" "$before" \
	"$(sql a 'SELECT * FROM messages; SELECT * FROM contacts; SELECT id, length(raw), rcpt FROM outbox; SELECT * FROM review_items' | md5sum)"
cli_on a/aanmeld --now "2022-10-07 16:30" purge --dry-run >"$work/purge1.out" 2>&1
ok $? "purge --dry-run exits 0"
check "dry run: what it would purge" \
	grep -q "would purge $files files, 3 messages, 2 contacts, " "$work/purge1.out"
eq "dry run changes nothing" "$before" \
	"$(sql a 'SELECT * FROM messages; SELECT * FROM contacts; SELECT id, length(raw), rcpt FROM outbox; SELECT * FROM review_items' | md5sum)"
eq "dry run deletes no file" "$files" \
	"$(ls "$work/a/spool/mail" "$work/a/spool/outbox" | grep -c '\.eml$')"
cli_on a/aanmeld --now "2022-10-08 10:00" purge >"$work/purge2.out" 2>"$work/purge2.log"
ok $? "purge after the cut-off exits 0"
check "purge reports its counts" \
	grep -q "purged $files files, 3 messages, 2 contacts, " "$work/purge2.out"
check "purge logs counts" grep -q 'retention: purged ' "$work/purge2.log"
check "purge prints and logs no address" \
	sh -c "! grep -q '@' '$work/purge2.out' '$work/purge2.log'"
eq "no raw copy left" 0 "$(ls "$work/a/spool/mail" | grep -c '\.eml$')"
eq "no sent copy left" 0 "$(ls "$work/a/spool/outbox" | grep -c '\.eml$')"
eq "no personal column left in messages" 0 \
	"$(sql a "SELECT count(*) FROM messages WHERE from_addr IS NOT NULL OR from_name IS NOT NULL OR subject IS NOT NULL OR message_id IS NOT NULL OR spool_path IS NOT NULL OR reasons <> ''")"
eq "no contact left" 0 "$(sql a 'SELECT count(*) FROM contacts')"
eq "no text or recipient of sent mail left" 0 \
	"$(sql a "SELECT count(*) FROM outbox WHERE status <> 'queued' AND (length(raw) > 0 OR rcpt <> '')")"
eq "no review note left" 0 \
	"$(sql a "SELECT count(*) FROM review_items WHERE reason <> '' OR suggested IS NOT NULL OR decision IS NOT NULL")"
eq "no audit detail of a message left" 0 \
	"$(sql a "SELECT count(*) FROM audit WHERE message IS NOT NULL AND detail IS NOT NULL")"
eq "the municipalities' enrolments and the verdicts stay" "2 7" \
	"$(sql a "SELECT (SELECT count(*) FROM enrolments), (SELECT count(*) FROM messages WHERE verdict <> '')" | tr '|' ' ')"
eq "one audit row for the purge" 1 "$(sql a "SELECT count(*) FROM audit WHERE what = 'purged'")"
for addr in utrecht@utrecht.nl Jan.de.Vries@mail.utrecht.nl info@gmail.com \
	x@utrecht-gemeente.nl p@zwolle.nl; do
	eq "after the purge: no trace of $addr" 0 "$(traces a "$addr")"
done
eq "after the purge: no address in any outbox key" 0 \
	"$(sql a "SELECT count(*) FROM outbox WHERE key LIKE '%@%'")"
after=$(sql a 'SELECT * FROM messages; SELECT * FROM contacts; SELECT id, length(raw), rcpt FROM outbox; SELECT * FROM review_items; SELECT * FROM audit' | md5sum)
cli_on a/aanmeld --now "2022-10-09 10:00" purge >"$work/purge3.out" 2>&1
check "a second purge finds nothing" \
	grep -q 'purged 0 files, 0 messages, 0 contacts, 0 mails, 0 review notes' "$work/purge3.out"
eq "a second purge changes nothing" "$after" \
	"$(sql a 'SELECT * FROM messages; SELECT * FROM contacts; SELECT id, length(raw), rcpt FROM outbox; SELECT * FROM review_items; SELECT * FROM audit' | md5sum)"

# the daemon purges by itself once the period is over, and not before
setup b
rm -f "$work/b/spool/maildir/new/"*
once b/aanmeld "2022-06-01 10:00"
ok $? "daemon before the cut-off exits 0"
eq "daemon before the cut-off keeps the raw copies" 6 \
	"$(ls "$work/b/spool/mail" | grep -c '\.eml$')"
once b/aanmeld "2022-11-01 10:00"
ok $? "daemon after the cut-off exits 0"
eq "daemon after the cut-off: no raw copy left" 0 \
	"$(ls "$work/b/spool/mail" | grep -c '\.eml$')"
eq "daemon after the cut-off: no sender left" 0 \
	"$(sql b "SELECT count(*) FROM messages WHERE from_addr IS NOT NULL")"
check "the daemon logs the purge" grep -q 'retention: purged ' "$work/b/aanmeld.out"
check "the daemon's log of the purge holds no address" \
	sh -c "! grep 'retention' '$work/b/aanmeld.out' | grep -q '@'"

# a database of an older version: plain addresses in keys, absolute
# paths; the migration makes them tokens and names relative to the spool,
# and a key that was plain is the key built now (the mail is not queued
# twice)
setup c
cq=$(sql c "SELECT id FROM outbox WHERE rcpt = 'p@zwolle.nl' AND kind = 'invitation' ORDER BY id LIMIT 1")
ckey=$(sql c "SELECT key FROM outbox WHERE id = $cq")
cqueued=$(sql c "SELECT count(*) FROM outbox")
# schema 18 is the one before the keys and paths changed (19) and the
# errors got their codes (20); a migration appended later is undone here
# too
sql c "UPDATE outbox SET key = replace(key, '$(token p@zwolle.nl)', 'P@Zwolle.nl') WHERE instr(key, '$(token p@zwolle.nl)') > 0;
UPDATE messages SET spool_path = '$work/c/spool/' || spool_path;
ALTER TABLE daemon_errors DROP COLUMN reason_codes;
PRAGMA user_version = 18;"
eq "old rows: plain addresses in keys" 1 \
	"$(sql c "SELECT count(*) > 0 FROM outbox WHERE key LIKE '%:P@Zwolle.nl:%'")"
once c/aanmeld "2021-04-02 10:00"
ok $? "the daemon migrates an older database"
eq "migrated: no address in a key" 0 \
	"$(sql c "SELECT count(*) FROM outbox WHERE key LIKE '%@%'")"
eq "migrated: the key is the one built now" "$ckey" \
	"$(sql c "SELECT key FROM outbox WHERE id = $cq")"
eq "migrated: no mail queued twice" "$cqueued" "$(sql c "SELECT count(*) FROM outbox")"
eq "migrated: raw copies relative to the spool" 6 \
	"$(sql c "SELECT count(*) FROM messages WHERE spool_path GLOB 'mail/[0-9a-f]*.eml'")"

# a purge on a database whose rows name files outside its spool (a copy
# of another's database) deletes none of them
mkdir -p "$work/outside"
for k in 1 2 3; do echo keep >"$work/outside/keep$k.eml"; done
sql c "UPDATE messages SET spool_path = '$work/outside/keep1.eml' WHERE id = 1;
UPDATE messages SET spool_path = '../../outside/keep2.eml' WHERE id = 2;
UPDATE messages SET spool_path = '$work/c/spool/../../outside/keep3.eml' WHERE id = 3;"
cli_on c/aanmeld --now "2022-10-08 10:00" purge >"$work/purgec.out" 2>"$work/purgec.log"
ok $? "purge with names outside the spool exits 0"
for k in 1 2 3; do
	check "a file outside the spool is never deleted ($k)" test -f "$work/outside/keep$k.eml"
done
eq "each refused, and said so" 3 "$(grep -c 'is not in the spool' "$work/purgec.log")"
eq "the spool's own raw copies purged" 0 "$(ls "$work/c/spool/mail" | grep -c '\.eml$')"

# a shorter period from the config
printf 'retention_months = 1\n' >"$work/one.conf"
sed '/^\[main\]/r '"$work/one.conf" "$work/b/aanmeld.conf" >"$work/b/short.conf"
"$AANMELD" -c "$work/b/short.conf" --now "2021-11-08 10:00" purge --dry-run \
	>"$work/short.out" 2>&1
check "retention_months = 1: ended 7 November 2021" \
	grep -q '^retention: ended 2021-11-07 16:00' "$work/short.out"
tap_done
