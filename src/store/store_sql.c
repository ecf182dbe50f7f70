#include "autoconf.h"

#include <string.h>

#include "store_sql.h"

/* An address in lower case without the local part's "+tag": the key of
   the daily limit.  The index and the query must use the same text. */
#define RCPT_KEY(x)                                                            \
	"lower(CASE WHEN instr(" x ", '+') BETWEEN 1 AND instr(" x ", '@')"    \
	" THEN substr(" x ", 1, instr(" x ", '+') - 1)"                        \
	" || substr(" x ", instr(" x ", '@')) ELSE " x " END)"

const char *const store_migrations[] = {
	/* 1: the pipeline */
	"CREATE TABLE messages ("
	" id INTEGER PRIMARY KEY,"
	" mailbox TEXT NOT NULL,"
	" msgkey TEXT NOT NULL,"
	" message_id TEXT,"
	" sha256 TEXT NOT NULL UNIQUE,"
	" spool_path TEXT,"
	" from_addr TEXT,"
	" from_name TEXT,"
	" subject TEXT,"
	" received_at INTEGER NOT NULL,"
	" verdict TEXT NOT NULL,"
	" reasons TEXT NOT NULL,"
	" gemeente TEXT,"
	" UNIQUE (mailbox, msgkey));"
	"CREATE INDEX messages_message_id ON messages (message_id);"
	"CREATE TABLE enrolments ("
	" code TEXT PRIMARY KEY,"
	" name TEXT NOT NULL,"
	" status TEXT NOT NULL CHECK (status IN"
	"  ('confirmed', 'waitlist', 'withdrawn')),"
	" enrolled_at INTEGER NOT NULL,"
	" message INTEGER REFERENCES messages (id));"
	"CREATE TABLE contacts ("
	" id INTEGER PRIMARY KEY,"
	" code TEXT NOT NULL REFERENCES enrolments (code),"
	" address TEXT NOT NULL,"
	" name TEXT,"
	" added_at INTEGER NOT NULL,"
	" message INTEGER REFERENCES messages (id),"
	" UNIQUE (code, address));"
	"CREATE TABLE review_items ("
	" id INTEGER PRIMARY KEY,"
	" message INTEGER REFERENCES messages (id),"
	" outbox INTEGER REFERENCES outbox (id),"
	" reason TEXT NOT NULL,"
	" suggested TEXT,"
	" status TEXT NOT NULL DEFAULT 'open',"
	" created_at INTEGER NOT NULL,"
	" decided_at INTEGER,"
	" decided_by TEXT,"
	" decision TEXT);"
	"CREATE TABLE outbox ("
	" id INTEGER PRIMARY KEY,"
	" key TEXT NOT NULL UNIQUE,"
	" message INTEGER REFERENCES messages (id),"
	" kind TEXT NOT NULL,"
	" message_id TEXT NOT NULL UNIQUE,"
	" envelope_from TEXT NOT NULL,"
	" rcpt TEXT NOT NULL,"
	" raw BLOB NOT NULL,"
	" created_at INTEGER NOT NULL,"
	" next_try INTEGER,"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN"
	"  ('queued', 'sent', 'failed')),"
	" sent_at INTEGER,"
	" last_error TEXT);"
	"CREATE INDEX outbox_due ON outbox (status, next_try);"
	"CREATE INDEX outbox_rcpt ON outbox (rcpt, created_at);"
	"CREATE TABLE actions ("
	" id INTEGER PRIMARY KEY,"
	" message INTEGER REFERENCES messages (id),"
	" mailbox TEXT NOT NULL,"
	" msgkey TEXT NOT NULL,"
	" folder TEXT NOT NULL,"
	" status TEXT NOT NULL DEFAULT 'queued',"
	" created_at INTEGER NOT NULL,"
	" done_at INTEGER,"
	" last_error TEXT);"
	"CREATE TABLE audit ("
	" id INTEGER PRIMARY KEY,"
	" at INTEGER NOT NULL,"
	" actor TEXT NOT NULL,"
	" what TEXT NOT NULL,"
	" message INTEGER,"
	" gemeente TEXT,"
	" detail TEXT);",
	/* 2: a message that crashed the daemon is not retried forever */
	"CREATE TABLE attempts ("
	" mailbox TEXT NOT NULL,"
	" msgkey TEXT NOT NULL,"
	" count INTEGER NOT NULL,"
	" last_at INTEGER NOT NULL,"
	" PRIMARY KEY (mailbox, msgkey));",
	/* 3: where IMAP intake stands per mailbox; a move that fails is
	   tried again a few times */
	"CREATE TABLE mailbox_state ("
	" mailbox TEXT PRIMARY KEY,"
	" uidvalidity INTEGER NOT NULL,"
	" last_uid INTEGER NOT NULL,"
	" updated_at INTEGER NOT NULL);"
	"ALTER TABLE actions ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;"
	/* the daily limit compares addresses without case: an index of
	   the plain column cannot serve that, and every answer scanned
	   the whole outbox */
	"ALTER TABLE outbox ADD COLUMN claimed_at INTEGER;"
	"DROP INDEX outbox_rcpt;"
	"CREATE INDEX outbox_rcpt ON outbox (rcpt COLLATE NOCASE, created_at);",
	/* attendance: the answers to our invitations (iTIP REPLY), the
	   latest per contact and item (store_attendance.c) */
	"CREATE TABLE attendance ("
	" code TEXT NOT NULL,"
	" address TEXT NOT NULL COLLATE NOCASE,"
	" item TEXT NOT NULL,"
	" session INTEGER,"
	" status TEXT NOT NULL CHECK (status IN"
	"  ('accepted', 'declined', 'tentative')),"
	" sequence INTEGER NOT NULL,"
	" replied_at INTEGER NOT NULL,"
	" received_at INTEGER NOT NULL,"
	" message_id TEXT,"
	" message INTEGER REFERENCES messages (id),"
	" PRIMARY KEY (code, address, item));",
	/* the programme runs itself (store_programme.c): each session's last
	   version sent (fingerprint, SEQUENCE), and when a municipality
	   from the waiting list was confirmed */
	"CREATE TABLE programme_items ("
	" number INTEGER PRIMARY KEY,"
	" fingerprint TEXT NOT NULL,"
	" sequence INTEGER NOT NULL DEFAULT 0,"
	" changed_at INTEGER NOT NULL,"
	" removed INTEGER NOT NULL DEFAULT 0,"
	" title TEXT NOT NULL,"
	" description TEXT,"
	" link TEXT,"
	" start INTEGER NOT NULL,"
	" end INTEGER NOT NULL);"
	"ALTER TABLE enrolments ADD COLUMN confirmed_at INTEGER;",
	/* staff review decisions (store_review.c): why an item is still
	   open after an attempt to decide it; items found by message */
	"ALTER TABLE review_items ADD COLUMN note TEXT;"
	"CREATE INDEX review_items_message ON review_items (message);",
	/* staff summaries and daemon health (staff.c, store_staff.c): one
	   row of state that survives restarts, and the last distinct errors
	   the daemon logged */
	"CREATE TABLE daemon_state ("
	" id INTEGER PRIMARY KEY CHECK (id = 1),"
	" last_cycle INTEGER,"
	" last_poll_ok INTEGER,"
	" down_since INTEGER,"
	" backlog INTEGER NOT NULL DEFAULT 0,"
	" warned_at INTEGER,"
	" summary_period TEXT,"
	" summary_sent_at INTEGER,"
	" summary_review_id INTEGER NOT NULL DEFAULT 0);"
	"INSERT INTO daemon_state (id) VALUES (1);"
	"CREATE TABLE daemon_errors ("
	" text TEXT PRIMARY KEY,"
	" first_at INTEGER NOT NULL,"
	" last_at INTEGER NOT NULL,"
	" count INTEGER NOT NULL);",
	/* a municipality that withdrew may enrol again (approved by staff):
	   the round counts its enrolments, and the keys of its mails carry
	   it, so its new invitations are not taken for the old ones */
	"ALTER TABLE enrolments ADD COLUMN round INTEGER NOT NULL DEFAULT 1;",
	/* the daily limit per address folds case and a "+tag" (RCPT_KEY);
	   the hourly cap counts the answers to addresses of no
	   municipality, marked when queued.  An index on the expression,
	   not a generated column: VACUUM INTO (the dry run's copy) fails on
	   those */
	"CREATE INDEX outbox_rcpt_key ON outbox (" RCPT_KEY(
		"rcpt") ", created_at);"
			"ALTER TABLE outbox ADD COLUMN outsider INTEGER NOT "
			"NULL DEFAULT 0;"
			"CREATE INDEX outbox_outsider ON outbox (outsider, "
			"created_at);",
	/* the reasons as data (reason_list_encode()) beside their English
	   text, so staff read them in Dutch without a parse of the
	   English; NULL in older rows */
	"ALTER TABLE messages ADD COLUMN reason_codes TEXT;"
	"ALTER TABLE review_items ADD COLUMN reason_codes TEXT;",
	/* a login a server refused (refusal.h): held until next_try, per
	   service ("imap", "smtp"), for the cycle and aanmeld status */
	"CREATE TABLE login_refused ("
	" service TEXT PRIMARY KEY,"
	" host TEXT NOT NULL,"
	" user TEXT NOT NULL,"
	" since INTEGER NOT NULL,"
	" next_try INTEGER NOT NULL);",
	/* aanmeld outbox cancel: a failed mail staff gave up on stays
	   'failed' (never sent, kept for the retention purge) but no
	   longer counts as a failure */
	"ALTER TABLE outbox ADD COLUMN cancelled_at INTEGER;",
	/* the moves waiting are found without a scan of all moves ever
	   queued: the check against a second one per message, the due
	   list, and a review decision redirecting the waiting move */
	"CREATE INDEX actions_queued ON actions (mailbox, msgkey)"
	" WHERE status = 'queued';"
	"CREATE INDEX actions_status ON actions (status);"
	"CREATE INDEX actions_queued_message ON actions (message)"
	" WHERE status = 'queued';",
	/* the scheduler looks only at what changed or fell due
	   (remind.c): how far it has evaluated the programme, and the
	   municipalities whose enrolment or contacts changed since, noted
	   by triggers so that every writer notes them */
	"CREATE TABLE schedule_state ("
	" id INTEGER PRIMARY KEY CHECK (id = 1),"
	" evaluated_at INTEGER,"
	" next_moment INTEGER,"
	" programme_hash INTEGER);"
	"INSERT INTO schedule_state (id) VALUES (1);"
	"CREATE TABLE schedule_changes ("
	" id INTEGER PRIMARY KEY,"
	" code TEXT NOT NULL);"
	"CREATE TRIGGER schedule_enrolment_insert AFTER INSERT ON enrolments"
	" BEGIN INSERT INTO schedule_changes (code) VALUES (NEW.code); END;"
	"CREATE TRIGGER schedule_enrolment_update AFTER UPDATE ON enrolments"
	" BEGIN INSERT INTO schedule_changes (code) VALUES (OLD.code),"
	" (NEW.code); END;"
	"CREATE TRIGGER schedule_enrolment_delete AFTER DELETE ON enrolments"
	" BEGIN INSERT INTO schedule_changes (code) VALUES (OLD.code); END;"
	"CREATE TRIGGER schedule_contact_insert AFTER INSERT ON contacts"
	" BEGIN INSERT INTO schedule_changes (code) VALUES (NEW.code); END;"
	"CREATE TRIGGER schedule_contact_update AFTER UPDATE ON contacts"
	" BEGIN INSERT INTO schedule_changes (code) VALUES (OLD.code),"
	" (NEW.code); END;"
	"CREATE TRIGGER schedule_contact_delete AFTER DELETE ON contacts"
	" BEGIN INSERT INTO schedule_changes (code) VALUES (OLD.code); END;",
	/* deliveries of a participant's text ([deadline] deliverable), the
	   latest per municipality counting, with their files kept in the
	   spool (paths relative to it); who is a participant is looked up
	   by address for every message */
	"CREATE TABLE deliveries ("
	" id INTEGER PRIMARY KEY,"
	" code TEXT NOT NULL,"
	" message INTEGER REFERENCES messages (id),"
	" received_at INTEGER NOT NULL);"
	"CREATE INDEX deliveries_code ON deliveries (code, received_at);"
	"CREATE TABLE delivery_files ("
	" id INTEGER PRIMARY KEY,"
	" delivery INTEGER NOT NULL REFERENCES deliveries (id),"
	" name TEXT NOT NULL,"
	" path TEXT NOT NULL,"
	" size INTEGER NOT NULL);"
	"CREATE INDEX delivery_files_delivery ON delivery_files (delivery);"
	"CREATE INDEX contacts_address ON contacts (address COLLATE NOCASE);",
	/* bounces (bounce.h): the mail that came back and the remote
	   server's reply; the contact it was for, to which nothing more is
	   sent, and why.  Contacts are found by address (a bounce, and mail
	   from a contact that no rule knows) */
	"ALTER TABLE outbox ADD COLUMN bounced_at INTEGER;"
	"ALTER TABLE outbox ADD COLUMN bounce TEXT;"
	"ALTER TABLE contacts ADD COLUMN undeliverable_at INTEGER;"
	"ALTER TABLE contacts ADD COLUMN undeliverable TEXT;",
	/* places follow arrival, the mailbox's own order, never the code
	   or a second of the clock: a message's number is taken when
	   intake first attempts it (attempts are marked in listing order,
	   before any commit of the group), so a message retried later
	   keeps its place.  Its enrolment carries its message's number;
	   a writer without one gets the next.  The rows of before keep
	   the order they had (enrolled_at, code) */
	"CREATE TABLE arrival_seq ("
	" id INTEGER PRIMARY KEY CHECK (id = 1),"
	" last INTEGER NOT NULL);"
	"ALTER TABLE attempts ADD COLUMN arrival INTEGER;"
	"ALTER TABLE messages ADD COLUMN arrival INTEGER;"
	"ALTER TABLE enrolments ADD COLUMN arrival INTEGER;"
	"UPDATE enrolments SET arrival = (SELECT count(*) FROM enrolments e"
	" WHERE e.enrolled_at < enrolments.enrolled_at"
	" OR (e.enrolled_at = enrolments.enrolled_at"
	" AND e.code <= enrolments.code));"
	"INSERT INTO arrival_seq (id, last)"
	" VALUES (1, (SELECT count(*) FROM enrolments));"
	"CREATE INDEX enrolments_arrival ON enrolments (status, arrival);"
	"CREATE TRIGGER arrival_attempt AFTER INSERT ON attempts"
	" WHEN NEW.arrival IS NULL BEGIN"
	" UPDATE arrival_seq SET last = last + 1 WHERE id = 1;"
	" UPDATE attempts SET arrival = (SELECT last FROM arrival_seq)"
	" WHERE mailbox = NEW.mailbox AND msgkey = NEW.msgkey; END;"
	"CREATE TRIGGER arrival_message AFTER INSERT ON messages"
	" WHEN NEW.arrival IS NULL BEGIN"
	" UPDATE messages SET arrival = (SELECT arrival FROM attempts"
	" WHERE mailbox = NEW.mailbox AND msgkey = NEW.msgkey)"
	" WHERE id = NEW.id;"
	" UPDATE arrival_seq SET last = last + 1 WHERE id = 1 AND"
	" (SELECT arrival FROM messages WHERE id = NEW.id) IS NULL;"
	" UPDATE messages SET arrival = (SELECT last FROM arrival_seq)"
	" WHERE id = NEW.id AND arrival IS NULL; END;"
	"CREATE TRIGGER arrival_enrolment AFTER INSERT ON enrolments"
	" WHEN NEW.arrival IS NULL BEGIN"
	" UPDATE arrival_seq SET last = last + 1 WHERE id = 1;"
	" UPDATE enrolments SET arrival = (SELECT last FROM arrival_seq)"
	" WHERE code = NEW.code; END;"
	"CREATE TRIGGER arrival_reenrolment AFTER UPDATE OF arrival"
	" ON enrolments WHEN NEW.arrival IS NULL BEGIN"
	" UPDATE arrival_seq SET last = last + 1 WHERE id = 1;"
	" UPDATE enrolments SET arrival = (SELECT last FROM arrival_seq)"
	" WHERE code = NEW.code; END;",
	/* what each contact's calendar holds of each session (the version
	   of its last invitation or update, or its CANCEL), noted when the
	   mail is queued, so that only a calendar that holds a session gets
	   its update or CANCEL and a contact added later its invitations.
	   Filled from the outbox: an invitation queued under its key, the
	   version the scheduler took it to hold (one behind when it was
	   due an update), cancelled when its CANCEL was queued */
	"CREATE TABLE contact_items ("
	" code TEXT NOT NULL,"
	" address TEXT NOT NULL COLLATE NOCASE,"
	" round INTEGER NOT NULL,"
	" number INTEGER NOT NULL,"
	" sequence INTEGER NOT NULL,"
	" cancelled INTEGER NOT NULL DEFAULT 0,"
	" at INTEGER NOT NULL,"
	" PRIMARY KEY (code, address, round, number));"
	"INSERT OR IGNORE INTO contact_items (code, address, round, number,"
	" sequence, cancelled, at)"
	" SELECT c.code, c.address, e.round, p.number,"
	" CASE WHEN p.sequence = 0 OR max(c.added_at,"
	" COALESCE(e.confirmed_at, e.enrolled_at)) >= p.changed_at"
	" OR EXISTS (SELECT 1 FROM outbox u WHERE u.key = 'invitation:'"
	" || c.code || ':' || lower(c.address) || ':' || p.number || ':'"
	" || p.sequence || CASE WHEN e.round > 1 THEN ':r' || e.round"
	" ELSE '' END) THEN p.sequence ELSE p.sequence - 1 END,"
	" p.removed AND EXISTS (SELECT 1 FROM outbox x WHERE x.key ="
	" 'cancel:' || c.code || ':' || lower(c.address) || ':' || p.number"
	" || ':' || p.sequence || CASE WHEN e.round > 1 THEN ':r' || e.round"
	" ELSE '' END), o.created_at"
	" FROM contacts c JOIN enrolments e ON e.code = c.code"
	" JOIN programme_items p JOIN outbox o ON o.key = 'invitation:'"
	" || c.code || ':' || lower(c.address) || ':' || p.number"
	" || CASE WHEN e.round > 1 THEN ':r' || e.round ELSE '' END;"
	/* the time a changed session had before, which its update names */
	"ALTER TABLE programme_items ADD COLUMN previous_start INTEGER;"
	"ALTER TABLE programme_items ADD COLUMN previous_end INTEGER;",
	/* no plain address in a stored identifier: the keys become what
	   schedule_key() builds now (addrhash.h), so a mail queued before
	   is still known; a raw copy is named relative to the spool
	   (spool.h), so a copy of the database never names another
	   spool's files.  Its file name is the message's SHA-256, the same
	   in every spool */
	"UPDATE outbox SET key = aanmeld_key_scrub(key)"
	" WHERE instr(key, '@') > 0;"
	"UPDATE messages SET spool_path = substr(spool_path, -73)"
	" WHERE spool_path GLOB '/*/mail/*.eml'"
	" AND substr(spool_path, -73, 5) = 'mail/'"
	" AND substr(spool_path, -74, 1) = '/'"
	" AND length(spool_path) > 74"
	" AND NOT substr(spool_path, -68, 64) GLOB '*[^0-9a-f]*';",
	/* an error kept for staff says what failed as a reason code
	   (reason.h), so the warning tells it in Dutch; the text stays the
	   English detail for aanmeld status */
	"ALTER TABLE daemon_errors ADD COLUMN reason_codes TEXT;",
};

const size_t store_n_migrations =
	sizeof(store_migrations) / sizeof(store_migrations[0]);

const char *const store_sql[STMT_COUNT] = {
	[STMT_MESSAGE_KNOWN] =
		"SELECT id, verdict FROM messages"
		" WHERE (mailbox = ?1 AND msgkey = ?2)"
		" OR (?3 IS NOT NULL AND message_id = ?3) OR sha256 = ?4"
		" LIMIT 1",
	[STMT_ENROLLED] = "SELECT code, status FROM enrolments"
			  " WHERE status IN ('confirmed', 'waitlist')"
			  " ORDER BY arrival",
	/* answers only: invitations (new, updated, cancelled) and
	   reminders are no loop */
	[STMT_ANSWERS_SINCE] = "SELECT count(*) FROM outbox WHERE " RCPT_KEY(
		"rcpt") " = " RCPT_KEY("?1") " AND created_at >= ?2 AND kind "
					     "NOT LIKE 'invitation%'"
					     " AND kind NOT LIKE 'reminder-%'",
	/* the answers a sender that is no municipality can get before a
	   person looked (intake.c judges which went to one) */
	[STMT_OUTSIDER_ANSWERS_SINCE] =
		"SELECT count(*) FROM outbox WHERE outsider = 1"
		" AND created_at >= ?1",
	[STMT_INSERT_MESSAGE] =
		"INSERT INTO messages (mailbox, msgkey, message_id, sha256,"
		" spool_path, from_addr, from_name, subject, received_at,"
		" verdict, reasons, gemeente, reason_codes)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[STMT_INSERT_ENROLMENT] =
		"INSERT INTO enrolments (code, name, status, enrolled_at,"
		" message, arrival) VALUES (?1, ?2, ?3, ?4, ?5,"
		" (SELECT arrival FROM messages WHERE id = ?5))"
		" ON CONFLICT (code) DO UPDATE SET name = ?2, status = ?3,"
		" enrolled_at = ?4, message = ?5, confirmed_at = NULL,"
		" round = round + 1, arrival = excluded.arrival"
		" WHERE status = 'withdrawn'",
	[STMT_INSERT_CONTACT] =
		"INSERT OR IGNORE INTO contacts (code, address, name,"
		" added_at, message) VALUES (?, ?, ?, ?, ?)",
	[STMT_INSERT_REVIEW] =
		"INSERT INTO review_items (message, reason, suggested,"
		" created_at, reason_codes) VALUES (?, ?, ?, ?, ?)",
	[STMT_INSERT_OUTBOX] =
		"INSERT INTO outbox (key, message, kind, message_id,"
		" envelope_from, rcpt, raw, created_at, next_try, outsider)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)",
	[STMT_INSERT_ACTION] =
		"INSERT INTO actions (message, mailbox, msgkey, folder,"
		" created_at) SELECT ?1, ?2, ?3, ?4, ?5 WHERE NOT EXISTS"
		" (SELECT 1 FROM actions WHERE mailbox = ?2 AND msgkey = ?3"
		" AND status = 'queued')",
	[STMT_INSERT_AUDIT] =
		"INSERT INTO audit (at, actor, what, message, gemeente,"
		" detail) VALUES (?, ?, ?, ?, ?, ?)",
	[STMT_OUTBOX_DUE] =
		"SELECT id, message_id, envelope_from, rcpt, raw, attempts,"
		" created_at"
		" FROM outbox WHERE status = 'queued' AND next_try <= ?1"
		" ORDER BY next_try, id LIMIT ?2",
	[STMT_OUTBOX_CLAIM] = "UPDATE outbox SET attempts = attempts + 1,"
			      " claimed_at = ?1 WHERE id = ?2"
			      " AND status = 'queued'",
	[STMT_OUTBOX_SENT] = "UPDATE outbox SET status = 'sent', sent_at = ?1,"
			     " last_error = NULL WHERE id = ?2",
	/* a transport that is not claimed (the file outbox) counts the
	   try that worked here */
	[STMT_OUTBOX_SENT_UNCLAIMED] =
		"UPDATE outbox SET status = 'sent', sent_at = ?1,"
		" last_error = NULL, attempts = attempts + 1 WHERE id = ?2",
	[STMT_OUTBOX_RETRY] =
		"UPDATE outbox SET next_try = ?1, last_error = ?2, claimed_at "
		"= NULL,"
		" attempts = ?4, status = CASE WHEN ?1 IS NULL THEN 'failed'"
		" ELSE 'queued' END WHERE id = ?3",
	[STMT_OUTBOX_REQUEUE] =
		"UPDATE outbox SET status = 'queued', next_try = ?1,"
		" claimed_at = NULL"
		" WHERE id = ?2 AND status IN ('queued', 'failed')"
		" AND NOT (status = 'queued' AND claimed_at IS NOT NULL)"
		" AND cancelled_at IS NULL",
	[STMT_REVIEW_FOR_OUTBOX] =
		"INSERT INTO review_items (message, outbox, reason,"
		" reason_codes, created_at)"
		" SELECT message, id, ?1, ?4, ?2 FROM outbox WHERE id = ?3",
	[STMT_OUTBOX_RCPT] = "SELECT rcpt FROM outbox WHERE id = ?1",
	[STMT_ACTIONS_DUE] = "SELECT id, mailbox, msgkey, folder FROM actions"
			     " WHERE status = 'queued' ORDER BY id LIMIT ?1",
	/* a move done is forgotten: nothing reads it again, and the
	   table stays the size of the moves waiting or given up */
	[STMT_ACTION_DONE] = "DELETE FROM actions WHERE id = ?1",
	[STMT_REPORT_LIST] =
		"SELECT e.code, e.name, e.status,"
		" " STORE_PLACE_SQL("e") " AS place,"
					 " datetime(e.enrolled_at, "
					 "'unixepoch', 'localtime')"
					 " AS enrolled_at,"
					 " (SELECT group_concat(c.address, ' "
					 "') FROM contacts c"
					 "  WHERE c.code = e.code) AS contacts"
					 " FROM enrolments e ORDER BY e.status "
					 "= 'waitlist', e.arrival",
	[STMT_REPORT_QUEUE] =
		"SELECT r.id, r.message, datetime(r.created_at, 'unixepoch', "
		"'localtime')"
		" AS created_at, m.from_addr AS sender, m.subject,"
		" r.suggested, r.reason, r.note, r.reason_codes"
		" FROM review_items r LEFT JOIN messages m ON m.id = r.message"
		" WHERE r.status = 'open' ORDER BY r.created_at, r.id",
	[STMT_REPORT_MESSAGE] =
		"SELECT m.id, m.mailbox, m.msgkey, m.message_id, m.sha256,"
		" m.spool_path, m.from_addr, m.from_name, m.subject,"
		" datetime(m.received_at, 'unixepoch', 'localtime')"
		" AS received_at, m.verdict, m.gemeente, m.reasons"
		" FROM messages m WHERE m.id = ?1",
	[STMT_REPORT_OUTBOX] =
		"SELECT id, kind, rcpt, " STORE_OUTBOX_STATE_SQL " AS status,"
		" attempts,"
		" datetime(created_at, 'unixepoch', 'localtime') AS created_at,"
		" datetime(sent_at, 'unixepoch', 'localtime') AS sent_at,"
		" message_id, COALESCE(bounce, last_error) AS last_error"
		" FROM outbox ORDER BY id",
	[STMT_REPORT_SENT_FOR] =
		"SELECT id, kind, rcpt, status, message_id FROM outbox"
		" WHERE message = ?1 ORDER BY id",
	[STMT_REPORT_MESSAGES] =
		"SELECT id, from_addr AS sender, subject, verdict, gemeente"
		" FROM messages ORDER BY id",
	[STMT_ATTEMPT_BEGIN] =
		"INSERT INTO attempts (mailbox, msgkey, count, last_at)"
		" VALUES (?1, ?2, 1, ?3) ON CONFLICT (mailbox, msgkey)"
		" DO UPDATE SET count = count + 1, last_at = ?3",
	[STMT_ATTEMPT_COUNT] =
		"SELECT count FROM attempts WHERE mailbox = ?1 AND msgkey = ?2",
	[STMT_ATTEMPT_END] =
		"DELETE FROM attempts WHERE mailbox = ?1 AND msgkey = ?2",
	[STMT_REPORT_DECISIONS] =
		"SELECT m.msgkey AS message, m.from_addr AS sender,"
		" m.verdict, COALESCE(a.folder, '') AS folder,"
		" COALESCE(o.kind || ' to ' || o.rcpt, '') AS answer, m.reasons"
		" FROM messages m LEFT JOIN actions a ON a.message = m.id"
		" AND a.status = 'queued'"
		" LEFT JOIN outbox o ON o.message = m.id"
		" WHERE m.id > CAST(?1 AS INTEGER) ORDER BY m.id",
	[STMT_OUTBOX_COUNTS] =
		"SELECT count(*) FILTER (WHERE status = 'queued'),"
		" count(*) FILTER (WHERE status = 'failed'"
		" AND cancelled_at IS NULL) FROM outbox",
	[STMT_LAST_MESSAGE] = "SELECT COALESCE(MAX(id), 0) FROM messages",
	[STMT_POSITION_GET] = "SELECT uidvalidity, last_uid FROM mailbox_state"
			      " WHERE mailbox = ?1",
	[STMT_POSITION_SET] =
		"INSERT INTO mailbox_state (mailbox, uidvalidity, last_uid,"
		" updated_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (mailbox)"
		" DO UPDATE SET uidvalidity = ?2, last_uid = ?3,"
		" updated_at = ?4",
	[STMT_ACTION_FAILED] =
		"UPDATE actions SET attempts = attempts + 1, last_error = ?1,"
		" status = CASE WHEN attempts + 1 >= ?2 THEN 'failed'"
		" ELSE 'queued' END,"
		" done_at = CASE WHEN attempts + 1 >= ?2 THEN ?3 END"
		" WHERE id = ?4",
	[STMT_OUTBOX_KEY] = "SELECT status FROM outbox WHERE key = ?1",
	[STMT_SCHEDULE_STATE] =
		"SELECT evaluated_at, next_moment, programme_hash,"
		" (SELECT COALESCE(max(id), 0) FROM schedule_changes)"
		" FROM schedule_state WHERE id = 1",
	/* the contacts of the municipalities changed up to ?1, in the
	   order of store_programme_contacts() */
	[STMT_SCHEDULE_CHANGED] =
		"SELECT e.code, e.name, c.address, c.name, e.status,"
		" max(c.added_at, COALESCE(e.confirmed_at, e.enrolled_at)),"
		" e.round, EXISTS (SELECT 1 FROM deliveries d"
		" WHERE d.code = e.code)"
		" FROM enrolments e JOIN contacts c ON c.code = e.code"
		" WHERE e.code IN (SELECT code FROM schedule_changes"
		" WHERE id <= ?1)"
		" ORDER BY e.arrival, c.added_at, c.id",
	[STMT_SCHEDULE_EVALUATED] =
		"UPDATE schedule_state SET evaluated_at = ?1, next_moment = ?2,"
		" programme_hash = ?3 WHERE id = 1",
	[STMT_SCHEDULE_FORGET] = "DELETE FROM schedule_changes WHERE id <= ?1",
	/* what rcpt's calendar holds now of a session, as a contact of
	   ?1 in round ?3: the session's stored version */
	[STMT_CONTACT_ITEM] =
		"INSERT INTO contact_items (code, address, round, number,"
		" sequence, cancelled, at) VALUES (?1, ?2, ?3, ?4,"
		" COALESCE((SELECT sequence FROM programme_items"
		" WHERE number = ?4), 0), ?5, ?6)"
		" ON CONFLICT (code, address, round, number) DO UPDATE SET"
		" sequence = excluded.sequence, cancelled = ?5, at = ?6",
	/* what one contact's calendar holds, and the sessions it
	   declined (schedule_sent) */
	[STMT_CONTACT_SENT] =
		"SELECT number, sequence, cancelled, 1, 0 FROM contact_items"
		" WHERE code = ?1 AND address = ?2 AND round = ?3"
		" UNION ALL SELECT session, 0, 0, 0, 1 FROM attendance"
		" WHERE code = ?1 AND address = ?2 AND status = 'declined'"
		" AND session > 0",
	/* a step inside intake's group (store_begin): once a message */
	/* the confirmed municipality a sender is a contact of */
	[STMT_PARTICIPANT] =
		"SELECT c.code FROM contacts c JOIN enrolments e"
		" ON e.code = c.code WHERE c.address = ?1 COLLATE NOCASE"
		" AND e.status = 'confirmed' ORDER BY c.added_at, c.id LIMIT 1",
	[STMT_INSERT_DELIVERY] = "INSERT INTO deliveries (code, message,"
				 " received_at) VALUES (?1, ?2, ?3)",
	/* a municipality's deliveries since a time (the daily cap) */
	[STMT_DELIVERIES_SINCE] = "SELECT count(*) FROM deliveries"
				  " WHERE code = ?1 AND received_at > ?2",
	[STMT_INSERT_DELIVERY_FILE] =
		"INSERT INTO delivery_files (delivery, name, path, size)"
		" VALUES (?1, ?2, ?3, ?4)",
	[STMT_SAVEPOINT] = "SAVEPOINT step",
	[STMT_RELEASE] = "RELEASE step",
	[STMT_OUTBOX_BY_MESSAGE_ID] =
		"SELECT id, rcpt FROM outbox WHERE message_id = ?1",
	/* a mail that bounces again keeps when and why it first did */
	[STMT_OUTBOX_BOUNCED] = "UPDATE outbox SET bounced_at = ?1, bounce = ?2"
				" WHERE id = ?3 AND bounced_at IS NULL",
	[STMT_CONTACT_UNDELIVERABLE] =
		"UPDATE contacts SET undeliverable_at = ?1, undeliverable = ?2"
		" WHERE address = ?3 COLLATE NOCASE"
		" AND undeliverable_at IS NULL",
	/* mail waiting for an address that bounced is not sent; the row
	   says why */
	[STMT_OUTBOX_HOLD] =
		"UPDATE outbox SET status = 'failed', cancelled_at = ?1,"
		" last_error = (SELECT 'not sent: mail to this address came"
		" back: ' || COALESCE(undeliverable, '') FROM contacts"
		" WHERE address = ?2 COLLATE NOCASE"
		" AND undeliverable_at IS NOT NULL LIMIT 1)"
		" WHERE rcpt = ?2 COLLATE NOCASE AND status = 'queued'"
		" AND EXISTS (SELECT 1 FROM contacts"
		" WHERE address = ?2 COLLATE NOCASE"
		" AND undeliverable_at IS NOT NULL)",
	[STMT_CONTACT_KNOWN] = "SELECT 1 FROM contacts"
			       " WHERE address = ?1 COLLATE NOCASE LIMIT 1",
	/* the place a message would take on the waiting list: by its
	   arrival (its own, or the one intake gave it when it first
	   attempted it; else it is the next to arrive) */
	[STMT_PLACE_FOR] =
		"SELECT 1 + count(*) FROM enrolments WHERE status = 'waitlist'"
		" AND arrival < COALESCE((SELECT arrival FROM messages"
		" WHERE id = ?3), (SELECT arrival FROM attempts"
		" WHERE mailbox = ?1 AND msgkey = ?2),"
		" (SELECT last + 1 FROM arrival_seq))",
};

static const struct {
	const char *name;
	enum store_stmt id;
} reports[] = {
	{"list", STMT_REPORT_LIST},
	{"queue", STMT_REPORT_QUEUE},
	{"message", STMT_REPORT_MESSAGE},
	{"outbox", STMT_REPORT_OUTBOX},
	{"sent-for", STMT_REPORT_SENT_FOR},
	{"messages", STMT_REPORT_MESSAGES},
	{"decisions", STMT_REPORT_DECISIONS},
};

int
store_report_stmt(const char *name, enum store_stmt *id_r)
{
	size_t i;

	for (i = 0; i < sizeof(reports) / sizeof(reports[0]); i++) {
		if (strcmp(reports[i].name, name) == 0) {
			*id_r = reports[i].id;
			return 0;
		}
	}
	return -1;
}
