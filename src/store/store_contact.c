#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_contact.h"
#include "store_internal.h"
#include "store_write.h"
#include "util.h"

/* The status of code's enrolment and its number of contacts, and
   whether addr is one: 1 when enrolled, 0 when not, -1. */
static int
look(struct store *s, const char *code, const char *addr, char **status_r,
     int64_t *n_r, int64_t *has_r, char **error_r)
{
	sqlite3_stmt *st = store_prepare(
		s,
		"SELECT e.status, (SELECT count(*) FROM contacts c"
		" WHERE c.code = e.code), (SELECT count(*) FROM contacts c"
		" WHERE c.code = e.code AND c.address = ?2 COLLATE NOCASE)"
		" FROM enrolments e WHERE e.code = ?1",
		error_r);
	int rc;

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, code);
	store_bind_text(st, 2, addr);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*status_r = store_column_dup(st, 0);
		*n_r = sqlite3_column_int64(st, 1);
		*has_r = sqlite3_column_int64(st, 2);
	} else if (rc != SQLITE_DONE) {
		store_fail(s, error_r, "enrolment");
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		*error_r = xasprintf("%s is not enrolled", code);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Runs sql with code (?1), addr (?2) and now (?3) bound. */
static int
run3(struct store *s, const char *sql, const char *code, const char *addr,
     time_t now, char **error_r, const char *what)
{
	sqlite3_stmt *st = store_prepare(s, sql, error_r);
	int rc;

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, code);
	store_bind_text(st, 2, addr);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
	rc = store_run(s, st, error_r, what);
	sqlite3_finalize(st);
	return rc;
}

/* Begins, and checks code and addr: 0 when fine for adding (add) or
   removing, -1 with *error_r (rolled back). */
static int
begin(struct store *s, const char *code, const char *addr, bool add,
      char **error_r)
{
	char *status = NULL;
	int64_t n = 0, has = 0;
	int rc;

	if (store_begin(s, error_r) == -1)
		return -1;
	rc = look(s, code, addr, &status, &n, &has, error_r);
	if (rc == 1 && strcmp(status, "withdrawn") == 0) {
		*error_r = xasprintf("%s has withdrawn", code);
		rc = 0;
	} else if (rc == 1 && add && has > 0) {
		*error_r =
			xasprintf("%s is a contact of %s already", addr, code);
		rc = 0;
	} else if (rc == 1 && !add && has == 0) {
		*error_r = xasprintf("%s is no contact of %s", addr, code);
		rc = 0;
	} else if (rc == 1 && !add && n == 1) {
		*error_r = xasprintf("%s is the last contact of %s; "
				     "aanmeld withdraw %s ends its enrolment",
				     addr, code, code);
		rc = 0;
	}
	free(status);
	if (rc != 1) {
		store_rollback(s);
		return -1;
	}
	return 0;
}

static int
end(struct store *s, int rc, char **error_r)
{
	if (rc == 0 && store_commit(s, error_r) == 0)
		return 0;
	store_rollback(s);
	return -1;
}

int
store_contact_add(struct store *s, const char *code, const char *addr,
		  const char *actor, const char *detail, time_t now,
		  char **error_r)
{
	int rc;

	if (begin(s, code, addr, true, error_r) == -1)
		return -1;
	rc = run3(s,
		  "INSERT INTO contacts (code, address, added_at)"
		  " VALUES (?1, ?2, ?3)",
		  code, addr, now, error_r, "insert contact");
	if (rc == 0)
		rc = store_audit(s, now, actor, "contact add", 0, code, detail,
				 error_r);
	return end(s, rc, error_r);
}

int
store_contact_remove(struct store *s, const char *code, const char *addr,
		     const char *actor, const char *detail,
		     const struct outmail *mails, size_t n_mails, time_t now,
		     char **error_r)
{
	int rc;

	if (begin(s, code, addr, false, error_r) == -1)
		return -1;
	/* what waits for it as code's contact is never sent (the key
	   holds ":<code>:<address>") */
	rc = run3(s,
		  "UPDATE outbox SET status = 'failed', cancelled_at = ?3,"
		  " next_try = NULL, last_error = 'contact removed'"
		  " WHERE status = 'queued' AND rcpt = ?2 COLLATE NOCASE"
		  " AND instr(key, ':' || ?1 || ':' || lower(?2)) > 0",
		  code, addr, now, error_r, "cancel queued mail");
	if (rc == 0)
		rc = store_queue_mails(s, mails, n_mails, 0, now, error_r,
				       "queue mail");
	if (rc == 0)
		rc = run3(s,
			  "DELETE FROM contacts WHERE code = ?1"
			  " AND address = ?2 COLLATE NOCASE",
			  code, addr, now, error_r, "delete contact");
	if (rc == 0)
		rc = store_audit(s, now, actor, "contact remove", 0, code,
				 detail, error_r);
	return end(s, rc, error_r);
}

int
store_contact_undeliverable(struct store *s, const char *addr, char **error_r)
{
	sqlite3_stmt *st = store_prepare(
		s,
		"SELECT 1 FROM contacts WHERE address = ?1 COLLATE NOCASE"
		" AND undeliverable_at IS NOT NULL LIMIT 1",
		error_r);
	int rc;

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, addr);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		store_fail(s, error_r, "contact undeliverable");
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
store_contact_clear_undeliverable(struct store *s, const char *code,
				  const char *addr, const char *actor,
				  const char *detail, time_t now,
				  char **error_r)
{
	sqlite3_stmt *st;
	int64_t n = 0, marked = 0;
	int rc;

	if (store_begin(s, error_r) == -1)
		return -1;
	st = store_prepare(s,
			   "SELECT count(*), count(undeliverable_at)"
			   " FROM contacts WHERE code = ?1"
			   " AND address = ?2 COLLATE NOCASE",
			   error_r);
	rc = st == NULL ? -1 : 0;
	if (st != NULL) {
		store_bind_text(st, 1, code);
		store_bind_text(st, 2, addr);
		if (sqlite3_step(st) == SQLITE_ROW) {
			n = sqlite3_column_int64(st, 0);
			marked = sqlite3_column_int64(st, 1);
		} else {
			rc = store_fail(s, error_r, "contact");
		}
		sqlite3_finalize(st);
	}
	if (rc == 0 && n == 0) {
		*error_r = xasprintf("%s is no contact of %s", addr, code);
		rc = -1;
	} else if (rc == 0 && marked == 0) {
		*error_r = xasprintf("%s is not marked undeliverable", addr);
		rc = -1;
	}
	/* the mark is the address's: a bounce marks it wherever it is a
	   contact, and so it is cleared */
	if (rc == 0)
		rc = run3(s,
			  "UPDATE contacts SET undeliverable_at = NULL,"
			  " undeliverable = NULL WHERE address = ?2"
			  " COLLATE NOCASE AND undeliverable_at IS NOT NULL"
			  " AND ?1 IS NOT NULL AND ?3 IS NOT NULL",
			  code, addr, now, error_r, "clear undeliverable");
	if (rc == 0)
		rc = store_audit(s, now, actor, "contact deliverable", 0, code,
				 detail, error_r);
	return end(s, rc, error_r);
}
