/*
 * Erasure and export of personal data (store_privacy.h).  Rare commands
 * and a daily purge: the statements are prepared per call.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrhash.h"
#include "defs.h"
#include "log.h"
#include "store.h"
#include "store_internal.h"
#include "store_privacy.h"
#include "store_write.h"
#include "util.h"

/* ?1 is the address, NULL for everyone.  A report of our mail to the
   person that came back (a bounce, a delay report: reason codes
   "bounce..." naming the address) is the person's too: it quotes their
   address and the remote reply about their mailbox, and its raw copy
   often their whole mail.  XXX the address is found as a substring, so
   forgetting jan@x.nl also takes a bounce for dejan@x.nl along. */
#define BOUNCE_NAMES                                                           \
	"(instr(reason_codes, '[\"bounce') > 0"                                \
	" AND instr(lower(reason_codes), lower(?1)) > 0)"
#define PERSON_WHERE "from_addr = ?1 COLLATE NOCASE OR " BOUNCE_NAMES
#define PERSON_MESSAGES "SELECT id FROM messages WHERE " PERSON_WHERE
/* A mail's text names ?1 (the staff summary names people): as written,
   or quoted-printable as the mail encoder writes it ("=40" for "@"),
   with the soft line breaks undone, so an address cut by one is found
   too. */
#define RAW_TEXT "lower(replace(CAST(raw AS TEXT), '=' || char(13, 10), ''))"
#define RAW_NAMES                                                              \
	"(instr(" RAW_TEXT ", lower(?1)) > 0 OR instr(" RAW_TEXT               \
	", replace(lower(?1), '@', '=40')) > 0)"
#define PERSON_MAIL "SELECT id FROM outbox WHERE rcpt = ?1 COLLATE NOCASE"
#define MESSAGE_HOLDS                                                          \
	"(from_addr IS NOT NULL OR from_name IS NOT NULL OR"                   \
	" subject IS NOT NULL OR message_id IS NOT NULL OR"                    \
	" spool_path IS NOT NULL OR reasons <> '' OR"                          \
	" reason_codes IS NOT NULL)"

/* A token of addrhash.h, as a GLOB pattern: 32 hex digits. */
#define HEX "[0-9a-f]"
#define HEX8 HEX HEX HEX HEX HEX HEX HEX HEX
#define TOKEN_GLOB HEX8 HEX8 HEX8 HEX8

/* ?2 is the address's token (addrhash.h), NULL for everyone.  In this
   order: the links from review items and mail to a person go
   through the messages' sender, so the messages come last. */
static const char *const erase_sql[] = {
	/* review notes */
	"UPDATE review_items SET reason = '', suggested = NULL,"
	" decision = NULL, note = NULL, reason_codes = NULL"
	" WHERE (reason <> '' OR suggested IS NOT NULL OR"
	"  decision IS NOT NULL OR note IS NOT NULL OR"
	"  reason_codes IS NOT NULL)"
	" AND (?1 IS NULL OR message IN (" PERSON_MESSAGES ")"
	"  OR outbox IN (" PERSON_MAIL "))",
	/* mail sent: its text and recipient; to the person also what is
	   still queued, which must then never go out */
	"UPDATE outbox SET raw = X'', rcpt = '', last_error = 'forgotten',"
	" bounce = NULL,"
	" status = CASE WHEN status = 'queued' THEN 'failed' ELSE status END"
	" WHERE ?1 IS NOT NULL AND rcpt = ?1 COLLATE NOCASE",
	"UPDATE outbox SET raw = X'', rcpt = '', last_error = NULL,"
	" bounce = NULL WHERE ?1 IS NULL AND status IN ('sent', 'failed')"
	" AND (length(raw) > 0 OR rcpt <> '')",
	"DELETE FROM contacts WHERE ?1 IS NULL OR address = ?1 COLLATE NOCASE",
	/* the answers to invitations are the contact's too */
	"DELETE FROM attendance WHERE ?1 IS NULL OR address = ?1 COLLATE "
	"NOCASE",
	/* the files of the person's texts go (retention.c deletes them),
	   and with them their names; that the municipality delivered
	   stays */
	"DELETE FROM delivery_files WHERE ?1 IS NULL OR delivery IN"
	" (SELECT d.id FROM deliveries d JOIN messages m ON m.id = d.message"
	"  WHERE m.from_addr = ?1 COLLATE NOCASE)",
	/* the audit detail of a message repeats its reasons */
	"UPDATE audit SET detail = NULL WHERE detail IS NOT NULL"
	" AND message IN (SELECT id FROM messages WHERE (?1 IS NULL AND"
	" " MESSAGE_HOLDS ") OR " PERSON_WHERE ")",
	"UPDATE messages SET from_addr = NULL, from_name = NULL,"
	" subject = NULL, message_id = NULL, spool_path = NULL, reasons = '',"
	" reason_codes = NULL"
	" WHERE (?1 IS NULL AND " MESSAGE_HOLDS ") OR " PERSON_WHERE,
	/* what else may name the person: a key (the address's token, or
	   the address itself in a key of older code), a note in the
	   audit, an error the daemon kept (a server's reply quotes the
	   recipient).  The purge takes every address, and the keys of the
	   mail it clears; a queued mail keeps its key with its recipient */
	"UPDATE outbox SET key = CASE WHEN ?1 IS NULL THEN 'purged:'"
	" ELSE 'forgotten:' END || id WHERE (?1 IS NULL AND status IN"
	" ('sent', 'failed') AND (instr(key, '@') > 0 OR"
	" key GLOB '*:a" TOKEN_GLOB "*')) OR instr(key, ?2) > 0 OR"
	" instr(lower(key), lower(?1)) > 0",
	"UPDATE audit SET detail = NULL WHERE"
	" (?1 IS NULL AND instr(detail, '@') > 0) OR"
	" instr(lower(detail), lower(?1)) > 0",
	"DELETE FROM daemon_errors WHERE"
	" (?1 IS NULL AND instr(text, '@') > 0) OR"
	" instr(lower(text), lower(?1)) > 0",
	/* what the contact's calendar holds, and staff's adding or
	   removing it, which names it */
	"DELETE FROM contact_items WHERE ?1 IS NULL"
	" OR address = ?1 COLLATE NOCASE",
	"UPDATE audit SET detail = NULL WHERE detail IS NOT NULL"
	" AND what IN ('contact add', 'contact remove')"
	" AND (?1 IS NULL OR instr(lower(detail), lower(?1)) > 0)",
	/* another row that names the person in its words: a review note or
	   a message's reasons (their own rows are blank by now), and a mail
	   to someone else whose text, reply or error names them (a staff
	   summary lists addresses); such a mail still queued never goes */
	"UPDATE review_items SET reason = '', reason_codes = NULL,"
	" note = NULL, decision = NULL WHERE ?1 IS NOT NULL"
	" AND (instr(lower(reason), lower(?1)) > 0"
	" OR instr(lower(reason_codes), lower(?1)) > 0"
	" OR instr(lower(note), lower(?1)) > 0"
	" OR instr(lower(decision), lower(?1)) > 0)",
	"UPDATE messages SET reasons = '', reason_codes = NULL,"
	" subject = CASE WHEN instr(lower(subject), lower(?1)) > 0"
	" THEN NULL ELSE subject END,"
	" from_name = CASE WHEN instr(lower(from_name), lower(?1)) > 0"
	" THEN NULL ELSE from_name END WHERE ?1 IS NOT NULL"
	" AND (instr(lower(reasons), lower(?1)) > 0"
	" OR instr(lower(reason_codes), lower(?1)) > 0"
	" OR instr(lower(subject), lower(?1)) > 0"
	" OR instr(lower(from_name), lower(?1)) > 0)",
	"UPDATE outbox SET raw = X'', last_error = 'forgotten', bounce = NULL,"
	" status = CASE WHEN status = 'queued' THEN 'failed' ELSE status END"
	" WHERE ?1 IS NOT NULL AND (" RAW_NAMES
	" OR instr(lower(bounce), lower(?1)) > 0"
	" OR instr(lower(last_error), lower(?1)) > 0)",
	/* another address's mark keeps, without a reply that names them */
	"UPDATE contacts SET undeliverable = '' WHERE ?1 IS NOT NULL"
	" AND instr(lower(undeliverable), lower(?1)) > 0",
};

/* The counts of erase_sql's statements, by their place in it. */
enum {
	ERASE_REVIEW,
	ERASE_MAIL_PERSON,
	ERASE_MAIL_ALL,
	ERASE_CONTACTS,
	ERASE_ATTENDANCE,
	ERASE_DELIVERY_FILES,
	ERASE_AUDIT_MESSAGE,
	ERASE_MESSAGES,
	ERASE_KEYS,
	ERASE_AUDIT,
	ERASE_ERRORS,
	ERASE_CONTACT_ITEMS,
	ERASE_AUDIT_CONTACT,
	ERASE_REVIEW_NAMING,
	ERASE_MESSAGES_NAMING,
	ERASE_MAIL_NAMING,
	ERASE_MARK_NAMING,
	ERASE_COUNT
};

static int
run_erase(struct store *s, const char *address, unsigned *counts,
	  char **error_r)
{
	sqlite3_stmt *st;
	size_t i;
	int rc;

	char token[ADDRHASH_TOKEN_LEN + 1];

	if (address != NULL)
		addrhash_token(address, token);
	for (i = 0; i < nitems(erase_sql); i++) {
		st = store_prepare(s, erase_sql[i], error_r);
		if (st == NULL)
			return -1;
		store_bind_text(st, 1, address);
		if (sqlite3_bind_parameter_count(st) >= 2)
			store_bind_text(st, 2, address != NULL ? token : NULL);
		rc = store_run(s, st, error_r, "erase");
		counts[i] = (unsigned)sqlite3_changes(s->db);
		sqlite3_finalize(st);
		if (rc == -1)
			return -1;
	}
	return 0;
}

static int
audit(struct store *s, const char *what, time_t now,
      const struct store_privacy_counts *n, char **error_r)
{
	char *detail;
	int rc;

	detail = xasprintf("%s: %u contact%s, %u message%s, %u mail%s, "
			   "%u review note%s",
			   what, n->contacts, n->contacts == 1 ? "" : "s",
			   n->messages, n->messages == 1 ? "" : "s", n->outbox,
			   n->outbox == 1 ? "" : "s", n->review,
			   n->review == 1 ? "" : "s");
	rc = store_audit(s, now, "aanmeld", what, 0, NULL, detail, error_r);
	free(detail);
	return rc;
}

/* The old pages stay in the write-ahead log until a checkpoint: the
   erased text with them.  Copied back and the log emptied, unless a
   reader (the daemon mid-pass) holds it; then the next checkpoint does
   it, which is said. */
static int
wal_truncate(struct store *s, char **error_r)
{
	int64_t v[3];

	if (store_query_ints(s, "PRAGMA wal_checkpoint(TRUNCATE)", v, 3,
			     error_r, "checkpoint") == -1)
		return -1;
	if (v[0] != 0)
		log_warnx("erase: the database is in use; the erased data "
			  "leaves its write-ahead log at the next checkpoint");
	return 0;
}

int
store_privacy_erase(struct store *s, const char *address, bool dry_run,
		    time_t now, struct store_privacy_counts *n_r,
		    char **error_r)
{
	unsigned c[nitems(erase_sql)];
	_Static_assert(nitems(erase_sql) == ERASE_COUNT,
		       "a count for every statement");

	memset(n_r, 0, sizeof(*n_r));
	/* freed space is zeroed, not left for a file dump to find */
	if (store_exec(s, "PRAGMA secure_delete = ON", error_r) == -1 ||
	    store_begin(s, error_r) == -1)
		return -1;
	if (run_erase(s, address, c, error_r) == -1) {
		store_rollback(s);
		return -1;
	}
	/* a row the second statement of its table counts was not blank
	   after the first */
	n_r->review = c[ERASE_REVIEW] + c[ERASE_REVIEW_NAMING];
	n_r->outbox =
		c[ERASE_MAIL_PERSON] + c[ERASE_MAIL_ALL] + c[ERASE_MAIL_NAMING];
	n_r->contacts = c[ERASE_CONTACTS];
	n_r->attendance = c[ERASE_ATTENDANCE];
	n_r->delivery_files = c[ERASE_DELIVERY_FILES];
	n_r->messages = c[ERASE_MESSAGES] + c[ERASE_MESSAGES_NAMING];
	if (dry_run) {
		store_rollback(s);
		return 0;
	}
	if ((n_r->review | n_r->outbox | n_r->contacts | n_r->attendance |
	     n_r->delivery_files | n_r->messages) != 0 &&
	    audit(s, address != NULL ? "forgotten" : "purged", now, n_r,
		  error_r) == -1) {
		store_rollback(s);
		return -1;
	}
	if (store_commit(s, error_r) == -1) {
		store_rollback(s);
		return -1;
	}
	return wal_truncate(s, error_r);
}

int
store_privacy_files(struct store *s, const char *address, char ***paths_r,
		    size_t *n_paths_r, char ***mids_r, size_t *n_mids_r,
		    char **error_r)
{
	if (store_strings_of(s,
			     "SELECT spool_path FROM messages WHERE spool_path"
			     " IS NOT NULL AND (?1 IS NULL OR " PERSON_WHERE
			     ")",
			     address, paths_r, n_paths_r, error_r,
			     "privacy files") == -1)
		return -1;
	if (store_strings_of(s,
			     "SELECT message_id FROM outbox WHERE (?1 IS NULL"
			     " AND status IN ('sent', 'failed')) OR rcpt = ?1"
			     " COLLATE NOCASE OR " RAW_NAMES,
			     address, mids_r, n_mids_r, error_r,
			     "privacy files") == -1) {
		util_free_strv(*paths_r, *n_paths_r);
		*paths_r = NULL;
		*n_paths_r = 0;
		return -1;
	}
	return 0;
}

int
store_privacy_delivery_files(struct store *s, const char *address,
			     char ***paths_r, size_t *n_r, char **error_r)
{
	return store_strings_of(
		s,
		"SELECT f.path FROM delivery_files f JOIN deliveries d"
		" ON d.id = f.delivery LEFT JOIN messages m ON m.id = d.message"
		" WHERE ?1 IS NULL OR m.from_addr = ?1 COLLATE NOCASE",
		address, paths_r, n_r, error_r, "delivery files");
}

const char *const store_privacy_sections[] = {
	"contacts", "messages", "mails", "review", "attendance",
};
const size_t store_privacy_n_sections = nitems(store_privacy_sections);

#define LOCAL(col) "datetime(" col ", 'unixepoch', 'localtime')"

static const char *const export_sql[] = {
	"SELECT c.code AS municipality_code, e.name AS municipality,"
	" c.address, c.name, " LOCAL(
		"c.added_at") " AS added,"
			      " c.message FROM contacts c LEFT JOIN enrolments "
			      "e USING (code)"
			      " WHERE c.address = ?1 COLLATE NOCASE ORDER BY "
			      "c.added_at, c.id",
	"SELECT id, " LOCAL(
		"received_at") " AS received, from_addr,"
			       " from_name, subject, verdict, "
			       "gemeente AS municipality_code,"
			       " reasons, CASE WHEN spool_path IS "
			       "NULL THEN 'no' ELSE 'yes' END"
			       " AS raw_copy FROM messages WHERE " PERSON_WHERE
			       " ORDER BY received_at, id",
	"SELECT id, kind, rcpt, " LOCAL(
		"created_at") " AS created, status,"
			      " " LOCAL(
				      "sent_at") " AS sent, message FROM outbox"
						 " WHERE rcpt = ?1 COLLATE "
						 "NOCASE ORDER BY created_at, "
						 "id",
	"SELECT id, message, outbox, reason, suggested, status, decision,"
	" " LOCAL("created_at") " AS created FROM review_items"
				" WHERE message IN (" PERSON_MESSAGES
				") OR outbox IN"
				" (" PERSON_MAIL ") ORDER BY created_at, id",
	/* a table of another feature: shown when it exists and names the
	   person by address */
	"SELECT * FROM attendance WHERE address = ?1 COLLATE NOCASE",
};

/* Whether table has a column of this name. */
static bool
has_column(struct store *s, const char *table, const char *column)
{
	sqlite3_stmt *st;
	bool found = false;

	if (sqlite3_prepare_v2(s->db,
			       "SELECT 1 FROM pragma_table_info(?1)"
			       " WHERE name = ?2",
			       -1, &st, NULL) != SQLITE_OK)
		return false;
	store_bind_text(st, 1, table);
	store_bind_text(st, 2, column);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

int
store_privacy_export(struct store *s, const char *section, const char *address,
		     store_row_fn *fn, void *ctx, char **error_r)
{
	sqlite3_stmt *st;
	int k, rc;

	k = util_name_index(store_privacy_sections, nitems(export_sql),
			    section);
	if (k == -1) {
		*error_r = xasprintf("unknown section '%s'", section);
		return -1;
	}
	if (strcmp(section, "attendance") == 0 &&
	    !has_column(s, "attendance", "address"))
		return 0;
	st = store_prepare(s, export_sql[k], error_r);
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, address);
	rc = store_rows(s, st, fn, ctx, error_r, section);
	sqlite3_finalize(st);
	return rc;
}
