/*
 * Unit tests for intake, through intake.h only: real mail in a Maildir in
 * a temporary folder, the project's rules and a real SQLite database.
 * The outcome is read back with plain SQL and from the folders on disk,
 * so that these tests hold whatever intake, classify, the mailbox and the
 * outbox become inside.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "actions.h"
#include "buf.h"
#include "config.h"
#include "fixture.h"
#include "intake.h"
#include "mailbox.h"
#include "message.h"
#include "message_worker.h"
#include "programme.h"
#include "rules.h"
#include "store.h"
#include "store_attendance.h"
#include "util.h"

/* 25 March 2021, 10:00 in the programme's zone: enrolment is open */
#define OPEN_AT 2021, 3, 25, 10, 0

static struct rules *rules;

struct env {
	char dir[64];
	char *db;
	struct store *s;
	struct config *config;
	struct mailbox *mb;
	struct intake in;
	struct intake_stats stats;
};

static int
group_setup(void **state)
{
	(void)state;
	rules = fixture_rules(); /* sets TZ to the programme's zone */
	return rules == NULL ? -1 : 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	rules_free(rules);
	return 0;
}

static int
setup(void **state)
{
	struct env *e = xcalloc(1, sizeof(*e));
	struct mailbox_settings set;
	struct buf errors;
	char *conf, *text, *maildir, *err = NULL;
	FILE *fp;

	if (fixture_store_open(e->dir, sizeof(e->dir), "test-intake", &e->db,
			       &e->s) == -1)
		return -1;
	/* the border MTA's Authentication-Results are believed, as in
	   production; a sender without a dmarc=pass is not authenticated */
	conf = xasprintf("%s/aanmeld.conf", e->dir);
	text = xasprintf("[main]\nrules = %s/rules\nspool = %s/spool\n"
			 "database = %s\n"
			 "[mailbox]\ntype = maildir\nmaildir = %s/maildir\n"
			 "[classify]\ntrusted_authserv_id = mx.vng.nl\n",
			 TOP_SRCDIR, e->dir, e->db, e->dir);
	fp = fopen(conf, "w");
	if (fp == NULL || fputs(text, fp) == EOF || fclose(fp) == EOF)
		return -1;
	free(text);
	buf_init(&errors, 64 * 1024);
	e->config = config_load(conf, &errors);
	if (e->config == NULL)
		fprintf(stderr, "%s", buf_str(&errors));
	buf_deinit(&errors);
	free(conf);
	if (e->config == NULL)
		return -1;
	config_derive(e->config, rules->programme->address);
	memset(&set, 0, sizeof(set));
	maildir = xasprintf("%s/maildir", e->dir);
	set.type = "maildir";
	set.maildir = maildir;
	e->mb = mailbox_open(&set, &err);
	free(maildir);
	if (e->mb == NULL) {
		fprintf(stderr, "%s\n", err);
		free(err);
		return -1;
	}
	intake_init(&e->in, e->config, rules, e->s, e->mb);
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;

	mailbox_close(&e->mb);
	config_free(e->config);
	fixture_store_close(e->dir, e->db, &e->s);
	free(e);
	return 0;
}

/* --- mail */

/* A message as a municipality's server hands it over: fixed Date and
   Message-ID; dmarc is "pass", "fail" or NULL (no Authentication-Results
   by the trusted server).  Heap. */
static char *
mail(const char *from, const char *subject, const char *msgid,
     const char *dmarc, const char *extra)
{
	const char *addr =
		strrchr(from, '<') != NULL ? strrchr(from, '<') + 1 : from;
	const char *domain = strchr(addr, '@') + 1;
	char *authres, *m;

	authres = dmarc == NULL
			  ? xstrdup("")
			  : xasprintf("Authentication-Results: mx.vng.nl;"
				      " dmarc=%s header.from=%.*s\r\n",
				      dmarc, (int)strcspn(domain, ">"), domain);
	m = xasprintf("Return-Path: <x@example.org>\r\n"
		      "%s"
		      "From: %s\r\n"
		      "To: GlobalGoals@VNG.nl\r\n"
		      "Subject: %s\r\n"
		      "Date: Thu, 25 Mar 2021 09:14:02 +0100\r\n"
		      "Message-ID: <%s>\r\n"
		      "MIME-Version: 1.0\r\n"
		      "Content-Type: text/plain; charset=utf-8\r\n"
		      "%s"
		      "\r\n"
		      "Beste organisatie,\r\n\r\nHierbij melden wij ons aan."
		      "\r\n\r\nMet vriendelijke groet,\r\nde gemeente\r\n",
		      authres, from, subject, msgid,
		      extra != NULL ? extra : "");
	free(authres);
	return m;
}

#define ENROL "Deelname praktijkproef GG & lokale inclusie"
#define WITHDRAW "Afmelding praktijkproef GG & lokale inclusie"

/* Delivers text into the inbox's new/ as key (Maildir keys sort by
   delivery time: the order intake sees them in); frees text. */
static void
deliver(struct env *e, const char *key, char *text)
{
	char *path = xasprintf("%s/maildir/new/%s", e->dir, key);
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) == EOF, 0);
	assert_int_equal(fclose(fp), 0);
	free(path);
	free(text);
}

static void
enrol_from(struct env *e, const char *key, const char *from, const char *id)
{
	deliver(e, key, mail(from, ENROL, id, "pass", NULL));
}

/* 1 when key is in the inbox's new/ (as delivered), else 0. */
static int
in_inbox(struct env *e, const char *key)
{
	char *path = xasprintf("%s/maildir/new/%s", e->dir, key);
	int rc = access(path, F_OK) == 0;

	free(path);
	return rc;
}

/* One pass at now; asserts it returns 0. */
static void
pass(struct env *e, time_t now)
{
	volatile sig_atomic_t stop = 0;
	char *err = NULL;

	memset(&e->stats, 0, sizeof(e->stats));
	if (intake_run(&e->in, now, &stop, &e->stats, &err) != 0)
		fail_msg("intake_run: %s", err != NULL ? err : "?");
}

/* --- the database, read as another program would */

/* The text in the first row and column of the query, or NULL for no row
   or NULL; heap.  fmt is sqlite3_mprintf's (%q, %Q). */
static char *
query_text(struct env *e, const char *fmt, ...)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *sql, *v = NULL;
	va_list ap;

	va_start(ap, fmt);
	sql = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	assert_non_null(sql);
	assert_int_equal(sqlite3_open(e->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	sqlite3_free(sql);
	return v;
}

static long long
count(struct env *e, const char *fmt, ...)
{
	char *sql;
	long long n;
	va_list ap;

	va_start(ap, fmt);
	sql = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	assert_non_null(sql);
	n = fixture_query(e->db, sql);
	sqlite3_free(sql);
	return n;
}

/* Asserts the message with Message-ID id was recorded once with verdict
   and queued to move to that verdict's folder. */
static void
assert_recorded(struct env *e, const char *id, enum verdict v)
{
	char *s;

	assert_int_equal(count(e,
			       "SELECT count(*) FROM messages"
			       " WHERE message_id = '%q'",
			       id),
			 1);
	s = query_text(e,
		       "SELECT verdict FROM messages WHERE message_id = "
		       "'%q'",
		       id);
	assert_non_null(s);
	assert_string_equal(s, verdict_name(v));
	free(s);
	s = query_text(e,
		       "SELECT a.folder FROM actions a JOIN messages m"
		       " ON m.id = a.message WHERE m.message_id = '%q'",
		       id);
	assert_non_null(s);
	assert_string_equal(s, intake_folder(e->config, v));
	free(s);
}

/* The reasons recorded with the message with Message-ID id; heap. */
static char *
reasons(struct env *e, const char *id)
{
	char *s = query_text(e,
			     "SELECT reasons FROM messages WHERE message_id ="
			     " '%q'",
			     id);

	assert_non_null(s);
	return s;
}

/* Asserts the reasons recorded with the message with Message-ID id
   contain part. */
static void
check_reason(struct env *e, const char *id, const char *part)
{
	char *s = reasons(e, id);

	assert_non_null(strstr(s, part));
	free(s);
}

/* Asserts the query (no arguments) gives the text want. */
static void
check_text(struct env *e, const char *sql, const char *want)
{
	char *s = query_text(e, "%s", sql);

	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
}

/* Asserts the last pass recorded one message, with Message-ID id and
   verdict v. */
static void
check_one(struct env *e, const char *id, enum verdict v)
{
	assert_int_equal(e->stats.recorded, 1);
	assert_int_equal(e->stats.verdicts[v], 1);
	assert_recorded(e, id, v);
}

/* Outgoing mails caused by the message with Message-ID id (of kind, or
   of any kind for NULL). */
static long long
answers(struct env *e, const char *id, const char *kind)
{
	return count(e,
		     "SELECT count(*) FROM outbox o JOIN messages m"
		     " ON m.id = o.message WHERE m.message_id = '%q'"
		     " AND (%Q IS NULL OR o.kind = %Q)",
		     id, kind, kind);
}

/* Sessions of the programme that start after now: one invitation each. */
static long long
sessions_after(time_t now)
{
	const struct programme *p = rules->programme;
	long long n = 0;
	size_t i;

	for (i = 0; i < p->n_sessions; i++)
		n += p->sessions[i].start > now;
	return n;
}

/* --- the cases */

static void
test_enrol(void **state)
{
	struct env *e = *state;
	time_t now = fixture_local(OPEN_AT);
	struct actions_stats as;
	char *s, *path, *err = NULL;

	enrol_from(e, "1616660000.M1.test",
		   "\"Vries, Jeroen de\" <J.deVries@utrecht.nl>",
		   "enrol-1@utrecht.nl");
	pass(e, now);
	assert_int_equal(e->stats.recorded, 1);
	assert_int_equal(e->stats.known, 0);
	assert_int_equal(e->stats.failed, 0);
	check_one(e, "enrol-1@utrecht.nl", VERDICT_ENROL);
	check_text(e, "SELECT gemeente FROM messages", "GM0344");
	check_reason(e, "enrol-1@utrecht.nl",
		     "utrecht.nl is municipality GM0344 Utrecht");
	check_reason(e, "enrol-1@utrecht.nl", "place 1 of 5");
	check_reason(e, "enrol-1@utrecht.nl", "dmarc=pass");
	/* a confirmed place, the sender its contact */
	assert_int_equal(count(e, "SELECT count(*) FROM enrolments WHERE code ="
				  " 'GM0344' AND status = 'confirmed'"),
			 1);
	assert_int_equal(count(e, "SELECT count(*) FROM contacts WHERE code ="
				  " 'GM0344'"),
			 1);
	/* the answer queued (not sent: that is the outbox's), to the
	   sender (its address as the parser folds it), with an invitation
	   per session to come */
	assert_int_equal(answers(e, "enrol-1@utrecht.nl", "confirm"), 1);
	check_text(e, "SELECT rcpt FROM outbox WHERE kind = 'confirm'",
		   "j.devries@utrecht.nl");
	check_text(e, "SELECT status FROM outbox WHERE kind = 'confirm'",
		   "queued");
	assert_int_equal(answers(e, "enrol-1@utrecht.nl", "invitation"),
			 sessions_after(now));
	assert_int_equal(answers(e, "enrol-1@utrecht.nl", NULL),
			 1 + sessions_after(now));
	assert_int_equal(count(e, "SELECT count(*) FROM review_items"), 0);
	assert_int_equal(count(e, "SELECT count(*) FROM attempts"), 0);
	/* the raw copy in the spool */
	s = query_text(e, "SELECT spool_path FROM messages");
	assert_non_null(s);
	/* named relative to the spool: a copy of the database names no
	   other spool's file */
	assert_int_equal(strncmp(s, "mail/", 5), 0);
	path = xasprintf("%s/%s", e->config->spool_dir, s);
	assert_int_equal(access(path, R_OK), 0);
	free(path);
	free(s);
	/* nothing leaves the inbox in intake: the move is queued ... */
	assert_true(in_inbox(e, "1616660000.M1.test"));
	assert_string_equal(intake_folder(e->config, VERDICT_ENROL),
			    "Verwerkt");
	/* ... and done by the actions after it */
	memset(&as, 0, sizeof(as));
	assert_int_equal(actions_run(e->s, e->mb, now, &as, &err), 0);
	assert_int_equal(as.moved, 1);
	assert_false(in_inbox(e, "1616660000.M1.test"));
	path = xasprintf("%s/maildir/.Verwerkt/cur/1616660000.M1.test:2,",
			 e->dir);
	assert_int_equal(access(path, F_OK), 0);
	free(path);
	/* and the next pass finds nothing */
	pass(e, now + 60);
	assert_int_equal(e->stats.recorded + e->stats.known + e->stats.failed,
			 0);
}

static void
test_same_pass_again(void **state)
{
	struct env *e = *state;
	time_t now = fixture_local(OPEN_AT);

	enrol_from(e, "1616660000.M1.test", "J.deVries@utrecht.nl",
		   "enrol-1@utrecht.nl");
	pass(e, now);
	assert_int_equal(e->stats.recorded, 1);
	/* the move has not run: the same mail is listed again */
	pass(e, now + 60);
	assert_int_equal(e->stats.recorded, 0);
	assert_int_equal(e->stats.known, 1);
	assert_int_equal(e->stats.failed, 0);
	for (int v = 0; v < VERDICT_COUNT; v++)
		assert_int_equal(e->stats.verdicts[v], 0);
	assert_int_equal(count(e, "SELECT count(*) FROM messages"), 1);
	assert_int_equal(count(e, "SELECT count(*) FROM enrolments"), 1);
	assert_int_equal(count(e, "SELECT count(*) FROM contacts"), 1);
	assert_int_equal(count(e, "SELECT count(*) FROM outbox WHERE kind ="
				  " 'confirm'"),
			 1);
	assert_int_equal(count(e, "SELECT count(*) FROM outbox"),
			 1 + sessions_after(now));
	/* one move, not two; no attempt left behind */
	assert_int_equal(count(e, "SELECT count(*) FROM actions"), 1);
	assert_int_equal(count(e, "SELECT count(*) FROM attempts"), 0);
	assert_true(in_inbox(e, "1616660000.M1.test"));
	/* the same mail delivered again under another name: a copy */
	enrol_from(e, "1616660001.M2.test", "J.deVries@utrecht.nl",
		   "enrol-1@utrecht.nl");
	pass(e, now + 120);
	assert_int_equal(e->stats.recorded, 0);
	assert_int_equal(e->stats.known, 2);
	assert_int_equal(count(e, "SELECT count(*) FROM messages"), 1);
	assert_int_equal(count(e, "SELECT count(*) FROM outbox"),
			 1 + sessions_after(now));
}

static void
test_reject(void **state)
{
	struct env *e = *state;
	time_t now = fixture_local(OPEN_AT);

	/* authenticated: the polite answer that it is for municipalities */
	enrol_from(e, "1616660000.M1.test", "Piet <piet.jansen@gmail.com>",
		   "gmail-1@mail.gmail.com");
	/* not authenticated: a reject all the same, but no answer (a forged
	   sender gets no backscatter) */
	deliver(e, "1616660001.M2.test",
		mail("kees@example.org", ENROL, "other-1@example.org", NULL,
		     NULL));
	pass(e, now);
	assert_int_equal(e->stats.recorded, 2);
	assert_int_equal(e->stats.verdicts[VERDICT_REJECT], 2);
	assert_recorded(e, "gmail-1@mail.gmail.com", VERDICT_REJECT);
	assert_recorded(e, "other-1@example.org", VERDICT_REJECT);
	assert_string_equal(intake_folder(e->config, VERDICT_REJECT),
			    "Afgewezen");
	check_reason(e, "gmail-1@mail.gmail.com",
		     "sender domain gmail.com is not a municipality");
	assert_int_equal(answers(e, "gmail-1@mail.gmail.com", "reject"), 1);
	assert_int_equal(answers(e, "gmail-1@mail.gmail.com", NULL), 1);
	check_text(e, "SELECT rcpt FROM outbox WHERE kind = 'reject'",
		   "piet.jansen@gmail.com");
	check_reason(e, "other-1@example.org",
		     "the sender is not authenticated");
	assert_int_equal(answers(e, "other-1@example.org", NULL), 0);
	assert_int_equal(count(e, "SELECT count(*) FROM enrolments"), 0);
	assert_int_equal(count(e, "SELECT count(*) FROM review_items"), 0);
}

static void
test_duplicate(void **state)
{
	struct env *e = *state;
	time_t now = fixture_local(OPEN_AT);

	enrol_from(e, "1616660000.M1.test", "J.deVries@utrecht.nl",
		   "enrol-1@utrecht.nl");
	pass(e, now);
	enrol_from(e, "1616660100.M2.test", "Anna Bakker <a.bakker@utrecht.nl>",
		   "enrol-2@utrecht.nl");
	pass(e, now + 3600);
	assert_int_equal(e->stats.known, 1); /* the first, not yet moved */
	check_one(e, "enrol-2@utrecht.nl", VERDICT_DUPLICATE);
	check_reason(e, "enrol-2@utrecht.nl", "Utrecht is already enrolled");
	/* still one place; the second sender becomes a contact */
	assert_int_equal(count(e, "SELECT count(*) FROM enrolments"), 1);
	assert_int_equal(count(e, "SELECT count(*) FROM contacts WHERE code ="
				  " 'GM0344'"),
			 2);
	assert_int_equal(answers(e, "enrol-2@utrecht.nl", "duplicate"), 1);
	assert_int_equal(answers(e, "enrol-2@utrecht.nl", "invitation"), 0);
	check_text(e, "SELECT rcpt FROM outbox WHERE kind = 'duplicate'",
		   "a.bakker@utrecht.nl");
}

static void
test_waitlist(void **state)
{
	static const char *const senders[] = {
		"a@utrecht.nl",	 "b@groningen.nl", "c@almere.nl",
		"d@zeewolde.nl", "e@veendam.nl",   "f@stadskanaal.nl",
		"g@ameland.nl",
	};
	struct env *e = *state;
	time_t now = fixture_local(OPEN_AT);
	char key[64], id[64], *s;
	size_t i;

	assert_int_equal(rules->programme->capacity, 5);
	/* capacity + 1 in one pass */
	for (i = 0; i < 6; i++) {
		snprintf(key, sizeof(key), "16166600%02zu.M%zu.test", i, i);
		snprintf(id, sizeof(id), "enrol-%zu@test", i);
		enrol_from(e, key, senders[i], id);
	}
	pass(e, now);
	assert_int_equal(e->stats.recorded, 6);
	assert_int_equal(e->stats.verdicts[VERDICT_ENROL], 5);
	assert_int_equal(e->stats.verdicts[VERDICT_WAITLIST], 1);
	assert_recorded(e, "enrol-4@test", VERDICT_ENROL);
	assert_recorded(e, "enrol-5@test", VERDICT_WAITLIST);
	check_reason(e, "enrol-5@test", "capacity 5 reached");
	assert_int_equal(count(e, "SELECT count(*) FROM enrolments WHERE"
				  " status = 'confirmed'"),
			 5);
	assert_int_equal(count(e, "SELECT count(*) FROM enrolments WHERE"
				  " status = 'waitlist' AND code = 'GM0037'"),
			 1);
	assert_int_equal(answers(e, "enrol-5@test", "waitlist"), 1);
	assert_int_equal(answers(e, "enrol-5@test", "invitation"), 0);
	s = query_text(e, "SELECT raw FROM outbox WHERE kind = 'waitlist'");
	assert_non_null(strstr(s, "op plaats 1."));
	free(s);
	/* the next one is second in line */
	snprintf(id, sizeof(id), "enrol-6@test");
	enrol_from(e, "1616669999.M6.test", senders[6], id);
	pass(e, now + 60);
	check_one(e, "enrol-6@test", VERDICT_WAITLIST);
	s = query_text(e, "SELECT o.raw FROM outbox o JOIN messages m ON"
			  " m.id = o.message WHERE m.message_id ="
			  " 'enrol-6@test' AND o.kind = 'waitlist'");
	assert_non_null(s);
	assert_non_null(strstr(s, "op plaats 2."));
	free(s);
}

/* A backlog of twelve in one pass, delivered within one second in an
   order that is neither the codes' nor the names' as strcmp() sorts
   them: places, letters, promotions, the list and the export follow
   arrival. */
static const struct {
	const char *usec; /* the Maildir name's microsecond */
	const char *from, *code;
} backlog[] = {
	{"9", "a@utrecht.nl", "GM0344"},
	{"10", "b@heerenveen.nl", "GM0074"},
	{"80", "c@leeuwarden.nl", "GM0080"},
	{"100", "d@ameland.nl", "GM0060"},
	{"700", "e@zeewolde.nl", "GM0050"},
	/* the waiting list, plaats 1 to 7 */
	{"1000", "f@s-hertogenbosch.nl", "GM0796"},
	{"5000", "g@opsterland.nl", "GM0086"},
	{"20000", "h@harlingen.nl", "GM0072"},
	{"30000", "i@veendam.nl", "GM0047"},
	{"300000", "j@stadskanaal.nl", "GM0037"},
	{"400000", "k@almere.nl", "GM0034"},
	{"999999", "l@groningen.nl", "GM0014"},
};

/* The place on the waiting list of code as aanmeld list and the export
   read it (store_attendance_contacts()); 0 when not waiting. */
static size_t
listed_place(struct env *e, const char *code)
{
	struct store_attendance_contact *rows;
	size_t n, i, place = 99;
	char *err = NULL;

	assert_int_equal(store_attendance_contacts(e->s, &rows, &n, &err), 0);
	for (i = 0; i < n; i++) {
		if (strcmp(rows[i].code, code) == 0)
			place = rows[i].place;
	}
	store_attendance_contacts_free(rows, n);
	return place;
}

/* The place the waiting-list letter to rcpt announced. */
static size_t
letter_place(struct env *e, const char *rcpt)
{
	char *s = query_text(e,
			     "SELECT raw FROM outbox WHERE kind = 'waitlist'"
			     " AND rcpt = '%q'",
			     rcpt);
	const char *p;
	size_t place = 0;

	assert_non_null(s);
	p = strstr(s, "op plaats ");
	assert_non_null(p);
	for (p += 10; *p >= '0' && *p <= '9'; p++)
		place = place * 10 + (size_t)(*p - '0');
	free(s);
	return place;
}

static void
test_backlog_arrival(void **state)
{
	struct env *e = *state;
	time_t now = fixture_local(OPEN_AT);
	char key[64], id[64], *order;
	size_t i;

	for (i = 0; i < nitems(backlog); i++) {
		snprintf(key, sizeof(key), "1616660000.M%sP1.test",
			 backlog[i].usec);
		snprintf(id, sizeof(id), "backlog-%zu@test", i);
		enrol_from(e, key, backlog[i].from, id);
	}
	pass(e, now);
	assert_int_equal(e->stats.recorded, 12);
	assert_int_equal(e->stats.verdicts[VERDICT_ENROL], 5);
	assert_int_equal(e->stats.verdicts[VERDICT_WAITLIST], 7);
	order = query_text(e,
			   "SELECT group_concat(code, ' ') FROM"
			   " (SELECT code FROM enrolments ORDER BY arrival)");
	assert_string_equal(order,
			    "GM0344 GM0074 GM0080 GM0060 GM0050 GM0796"
			    " GM0086 GM0072 GM0047 GM0037 GM0034 GM0014");
	free(order);
	/* the letter's place is the list's and the export's */
	for (i = 5; i < nitems(backlog); i++) {
		assert_int_equal(letter_place(e, backlog[i].from), i - 4);
		assert_int_equal(listed_place(e, backlog[i].code), i - 4);
	}
	assert_int_equal(listed_place(e, "GM0344"), 0);

	/* three withdraw in one pass: the first three in line move up, in
	   the order they arrived, not by code */
	deliver(e, "1616660100.M1P1.test",
		mail("a@utrecht.nl", WITHDRAW, "w-1@test", "pass", NULL));
	deliver(e, "1616660100.M2P1.test",
		mail("d@ameland.nl", WITHDRAW, "w-2@test", "pass", NULL));
	deliver(e, "1616660100.M3P1.test",
		mail("e@zeewolde.nl", WITHDRAW, "w-3@test", "pass", NULL));
	pass(e, now + 3600);
	assert_int_equal(e->stats.verdicts[VERDICT_WITHDRAW], 3);
	order = query_text(e, "SELECT group_concat(code, ' ') FROM"
			      " (SELECT gemeente AS code FROM audit"
			      " WHERE what = 'promote' ORDER BY id)");
	assert_string_equal(order, "GM0796 GM0086 GM0072");
	free(order);
	/* their letters that a place came free, and no one else's */
	assert_int_equal(count(e, "SELECT count(*) FROM outbox WHERE kind ="
				  " 'promoted' AND rcpt IN"
				  " ('f@s-hertogenbosch.nl', 'g@opsterland.nl',"
				  " 'h@harlingen.nl')"),
			 3);
	assert_int_equal(count(e, "SELECT count(*) FROM outbox"
				  " WHERE kind = 'promoted'"),
			 3);
	assert_int_equal(count(e, "SELECT count(*) FROM outbox"
				  " WHERE kind = 'confirm'"),
			 5);
	/* the rest keep their order: each three places up */
	for (i = 8; i < nitems(backlog); i++)
		assert_int_equal(listed_place(e, backlog[i].code),
				 letter_place(e, backlog[i].from) - 3);
	assert_int_equal(listed_place(e, "GM0796"), 0);
}

static void
test_window(void **state)
{
	struct env *e = *state;
	const struct programme *p = rules->programme;

	/* a minute before it opens: a person decides, and it is answered
	   with the review letter */
	enrol_from(e, "1616660000.M1.test", "a@utrecht.nl", "early@test");
	pass(e, p->opens - 60);
	check_one(e, "early@test", VERDICT_REVIEW);
	check_reason(e, "early@test", "enrolment opens on ");
	check_reason(e, "early@test", ": for staff to decide");
	assert_int_equal(count(e, "SELECT count(*) FROM review_items r JOIN"
				  " messages m ON m.id = r.message WHERE"
				  " m.message_id = 'early@test' AND"
				  " r.status = 'open'"),
			 1);
	assert_int_equal(answers(e, "early@test", "review"), 1);
	assert_int_equal(count(e, "SELECT count(*) FROM enrolments"), 0);
	/* a minute after it closes: the closed answer, no place */
	enrol_from(e, "1616660001.M2.test", "b@groningen.nl", "late@test");
	pass(e, p->closes + 60);
	check_one(e, "late@test", VERDICT_CLOSED);
	assert_string_equal(intake_folder(e->config, VERDICT_CLOSED),
			    "Verwerkt");
	check_reason(e, "late@test", "enrolment closed on ");
	assert_int_equal(answers(e, "late@test", "closed"), 1);
	assert_int_equal(answers(e, "late@test", NULL), 1);
	assert_int_equal(count(e, "SELECT count(*) FROM enrolments"), 0);
}

static void
test_withdraw_and_back(void **state)
{
	struct env *e = *state;
	time_t now = fixture_local(OPEN_AT);
	char *s;

	enrol_from(e, "1616660000.M1.test", "J.deVries@utrecht.nl",
		   "enrol-1@utrecht.nl");
	pass(e, now);
	deliver(e, "1616660100.M2.test",
		mail("J.deVries@utrecht.nl", WITHDRAW, "withdraw-1@utrecht.nl",
		     "pass", NULL));
	pass(e, now + 3600);
	check_one(e, "withdraw-1@utrecht.nl", VERDICT_WITHDRAW);
	check_reason(e, "withdraw-1@utrecht.nl", "withdrawal of Utrecht");
	assert_int_equal(count(e, "SELECT count(*) FROM enrolments WHERE code ="
				  " 'GM0344' AND status = 'withdrawn'"),
			 1);
	/* withdrawn.txt to the contact, a cancel of each invitation */
	assert_int_equal(count(e, "SELECT count(*) FROM outbox WHERE kind ="
				  " 'withdrawn' AND rcpt ="
				  " 'j.devries@utrecht.nl'"),
			 1);
	assert_int_equal(count(e, "SELECT count(*) FROM outbox WHERE kind ="
				  " 'invitation-cancel'"),
			 sessions_after(now + 3600));
	assert_int_equal(count(e, "SELECT count(*) FROM review_items"), 0);

	/* and enrols again: for a person, with the reason why */
	enrol_from(e, "1616660200.M3.test", "J.deVries@utrecht.nl",
		   "enrol-2@utrecht.nl");
	pass(e, now + 7200);
	check_one(e, "enrol-2@utrecht.nl", VERDICT_REVIEW);
	check_reason(e, "enrol-2@utrecht.nl", "place 1 of 5; ");
	check_reason(e, "enrol-2@utrecht.nl",
		     "; Utrecht withdrew earlier: for staff to decide");
	s = query_text(e, "SELECT r.reason FROM review_items r JOIN messages m"
			  " ON m.id = r.message WHERE m.message_id ="
			  " 'enrol-2@utrecht.nl' AND r.status = 'open'");
	assert_non_null(s);
	assert_non_null(strstr(s, "Utrecht withdrew earlier"));
	free(s);
	check_text(e, "SELECT suggested FROM review_items", "GM0344");
	/* still withdrawn until a person decides; the review letter, no
	   confirmation or invitations */
	assert_int_equal(count(e, "SELECT count(*) FROM enrolments WHERE code ="
				  " 'GM0344' AND status = 'withdrawn'"),
			 1);
	assert_int_equal(answers(e, "enrol-2@utrecht.nl", "review"), 1);
	assert_int_equal(answers(e, "enrol-2@utrecht.nl", NULL), 1);
}

static void
test_machine_mail(void **state)
{
	struct env *e = *state;
	time_t now = fixture_local(OPEN_AT);

	/* an out-of-office answer from a municipality */
	deliver(e, "1616660000.M1.test",
		mail("J.deVries@utrecht.nl", "Automatisch antwoord: " ENROL,
		     "oof-1@utrecht.nl", "pass",
		     "Auto-Submitted: auto-replied\r\n"));
	/* a bounce from a municipality's server */
	deliver(e, "1616660001.M2.test",
		mail("Mail Delivery System <MAILER-DAEMON@mx.utrecht.nl>",
		     "Undelivered Mail Returned to Sender", "bounce-1@mx",
		     "pass", "Auto-Submitted: auto-generated\r\n"));
	pass(e, now);
	assert_int_equal(e->stats.recorded, 2);
	assert_int_equal(e->stats.verdicts[VERDICT_IGNORE], 2);
	assert_recorded(e, "oof-1@utrecht.nl", VERDICT_IGNORE);
	assert_recorded(e, "bounce-1@mx", VERDICT_IGNORE);
	assert_string_equal(intake_folder(e->config, VERDICT_IGNORE),
			    "Genegeerd");
	check_reason(e, "oof-1@utrecht.nl", "auto-replied");
	/* never answered, nothing enrolled, nothing for a person */
	assert_int_equal(count(e, "SELECT count(*) FROM outbox"), 0);
	assert_int_equal(count(e, "SELECT count(*) FROM enrolments"), 0);
	assert_int_equal(count(e, "SELECT count(*) FROM review_items"), 0);
}

static void
test_hostile(void **state)
{
	struct env *e = *state;
	time_t now = fixture_local(OPEN_AT);

	/* a second From that would speak for another municipality */
	deliver(e, "1616660000.M1.test",
		mail("J.deVries@utrecht.nl", ENROL, "two-from@test", "pass",
		     "From: b@groningen.nl\r\n"));
	pass(e, now);
	check_one(e, "two-from@test", VERDICT_REVIEW);
	assert_string_equal(intake_folder(e->config, VERDICT_REVIEW),
			    "Beoordelen");
	check_reason(e, "two-from@test", "2 From fields (RFC 5322 allows one)");
	assert_int_equal(count(e, "SELECT count(*) FROM review_items WHERE"
				  " status = 'open'"),
			 1);
	/* mail that cannot be read is never answered */
	assert_int_equal(count(e, "SELECT count(*) FROM outbox"), 0);
	assert_int_equal(count(e, "SELECT count(*) FROM enrolments"), 0);
}

static void
test_attempts(void **state)
{
	struct env *e = *state;
	time_t now = fixture_local(OPEN_AT);
	unsigned i;
	char *s;

	enrol_from(e, "1616660000.M1.test", "J.deVries@utrecht.nl",
		   "enrol-1@utrecht.nl");
	/* the record of the message fails, as a full disk would: each pass
	   counts one attempt and leaves the mail in the inbox */
	fixture_exec(e->db, "CREATE TRIGGER no_messages BEFORE INSERT ON "
			    "messages BEGIN SELECT RAISE(ABORT, 'disk full');"
			    " END;");
	for (i = 1; i <= INTAKE_ATTEMPTS_MAX; i++) {
		pass(e, now + i);
		assert_int_equal(e->stats.failed, 1);
		assert_int_equal(e->stats.recorded, 0);
		assert_int_equal(count(e, "SELECT count FROM attempts WHERE"
					  " mailbox = 'INBOX' AND msgkey ="
					  " '1616660000.M1.test'"),
				 i);
		assert_int_equal(count(e, "SELECT count(*) FROM messages"), 0);
		assert_int_equal(count(e, "SELECT count(*) FROM outbox"), 0);
		assert_true(in_inbox(e, "1616660000.M1.test"));
	}
	/* once it could be recorded, it is not tried again: a person looks */
	fixture_exec(e->db, "DROP TRIGGER no_messages;");
	pass(e, now + 60);
	assert_int_equal(e->stats.failed, 0);
	assert_int_equal(e->stats.recorded, 1);
	assert_int_equal(e->stats.verdicts[VERDICT_REVIEW], 1);
	check_text(e, "SELECT verdict FROM messages", "review");
	s = query_text(e, "SELECT reasons FROM messages");
	assert_non_null(strstr(s, "processing failed 3 times (the daemon "
				  "stopped while handling it): for a person"));
	free(s);
	check_text(e, "SELECT folder FROM actions",
		   intake_folder(e->config, VERDICT_REVIEW));
	assert_int_equal(count(e, "SELECT count(*) FROM review_items WHERE"
				  " status = 'open'"),
			 1);
	/* not parsed: no enrolment, no answer; the counter forgotten */
	assert_int_equal(count(e, "SELECT count(*) FROM enrolments"), 0);
	assert_int_equal(count(e, "SELECT count(*) FROM outbox"), 0);
	assert_int_equal(count(e, "SELECT count(*) FROM attempts"), 0);
}

static void
test_attempts_below_max(void **state)
{
	struct env *e = *state;
	time_t now = fixture_local(OPEN_AT);

	/* failed INTAKE_ATTEMPTS_MAX - 1 times before: this last try is
	   parsed and decided as usual */
	enrol_from(e, "1616660000.M1.test", "J.deVries@utrecht.nl",
		   "enrol-1@utrecht.nl");
	fixture_exec(e->db, "INSERT INTO attempts (mailbox, msgkey, count,"
			    " last_at) VALUES ('INBOX', '1616660000.M1.test',"
			    " 2, 0);");
	pass(e, now);
	check_one(e, "enrol-1@utrecht.nl", VERDICT_ENROL);
	assert_int_equal(count(e, "SELECT count(*) FROM attempts"), 0);
}

static void
test_stop(void **state)
{
	struct env *e = *state;
	time_t now = fixture_local(OPEN_AT);
	volatile sig_atomic_t stop = 1;
	char *err = NULL;

	enrol_from(e, "1616660000.M1.test", "J.deVries@utrecht.nl",
		   "enrol-1@utrecht.nl");
	enrol_from(e, "1616660001.M2.test", "b@groningen.nl",
		   "enrol-2@groningen.nl");
	memset(&e->stats, 0, sizeof(e->stats));
	assert_int_equal(intake_run(&e->in, now, &stop, &e->stats, &err), 0);
	assert_int_equal(e->stats.recorded + e->stats.known + e->stats.failed,
			 0);
	assert_int_equal(count(e, "SELECT count(*) FROM messages"), 0);
	assert_int_equal(count(e, "SELECT count(*) FROM attempts"), 0);
	assert_int_equal(count(e, "SELECT count(*) FROM outbox"), 0);
	assert_true(in_inbox(e, "1616660000.M1.test"));
	assert_true(in_inbox(e, "1616660001.M2.test"));
	/* nothing lost: the next pass takes both */
	pass(e, now + 60);
	assert_int_equal(e->stats.recorded, 2);
	assert_int_equal(e->stats.verdicts[VERDICT_ENROL], 2);
}

static void
test_stats(void **state)
{
	struct env *e = *state;
	time_t now = fixture_local(OPEN_AT);
	unsigned sum = 0;
	int v;

	enrol_from(e, "1616660000.M1.test", "a@utrecht.nl", "s1@test");
	enrol_from(e, "1616660001.M2.test", "b@groningen.nl", "s2@test");
	enrol_from(e, "1616660002.M3.test", "c@utrecht.nl", "s3@test");
	enrol_from(e, "1616660003.M4.test", "x@gmail.com", "s4@test");
	deliver(e, "1616660004.M5.test",
		mail("a@utrecht.nl", "Automatisch antwoord: " ENROL, "s5@test",
		     "pass", "Auto-Submitted: auto-replied\r\n"));
	deliver(e, "1616660005.M6.test",
		mail("a@utrecht.nl", ENROL, "s6@test", "pass",
		     "From: b@groningen.nl\r\n"));
	deliver(e, "1616660006.M7.test",
		mail("a@utrecht.nl", "Vergadering dinsdag", "s7@test", "pass",
		     NULL));
	pass(e, now);
	assert_int_equal(e->stats.recorded, 7);
	assert_int_equal(e->stats.known, 0);
	assert_int_equal(e->stats.failed, 0);
	for (v = 0; v < VERDICT_COUNT; v++) {
		assert_int_equal(e->stats.verdicts[v],
				 count(e,
				       "SELECT count(*) FROM messages WHERE"
				       " verdict = %Q",
				       verdict_name((enum verdict)v)));
		sum += e->stats.verdicts[v];
	}
	assert_int_equal(sum, e->stats.recorded);
	/* and what they are */
	assert_int_equal(e->stats.verdicts[VERDICT_ENROL], 2);
	assert_int_equal(e->stats.verdicts[VERDICT_DUPLICATE], 1);
	assert_int_equal(e->stats.verdicts[VERDICT_REJECT], 1);
	/* the meeting is a contact's mail no rule knows: for a person */
	assert_int_equal(e->stats.verdicts[VERDICT_IGNORE], 1);
	assert_int_equal(e->stats.verdicts[VERDICT_REVIEW], 2);
}

/* Delivers n enrolments from n people at one municipality, keys in
   delivery order. */
static void
deliver_many(struct env *e, unsigned n)
{
	char key[64], from[64], id[64];
	unsigned i;

	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "%u.M%u.test", 1616660000u + i, i);
		snprintf(from, sizeof(from), "p%u@utrecht.nl", i);
		snprintf(id, sizeof(id), "many-%u@utrecht.nl", i);
		enrol_from(e, key, from, id);
	}
}

static void
test_group_commit(void **state)
{
	struct env *e = *state;
	time_t now = fixture_local(OPEN_AT);
	unsigned long before = store_commits(e->s);

	/* more than a batch: each is marked in one commit and recorded in
	   one more; a commit a message would be 300 and more */
	deliver_many(e, INTAKE_BATCH_COUNT + 50);
	pass(e, now);
	assert_int_equal(e->stats.recorded, INTAKE_BATCH_COUNT + 50);
	assert_int_equal(e->stats.failed, 0);
	assert_true(store_commits(e->s) - before <= 2 * 2 + 2);
	assert_int_equal(count(e, "SELECT count(*) FROM messages"),
			 INTAKE_BATCH_COUNT + 50);
	assert_int_equal(count(e, "SELECT count(DISTINCT msgkey) FROM"
				  " actions WHERE status = 'queued'"),
			 INTAKE_BATCH_COUNT + 50);
	assert_int_equal(count(e, "SELECT count(*) FROM attempts"), 0);
	/* in arrival order: the first is the enrolment, the rest contacts */
	check_text(e, "SELECT message_id FROM messages ORDER BY id LIMIT 1",
		   "many-0@utrecht.nl");
	assert_int_equal(count(e, "SELECT count(*) FROM enrolments"), 1);
}

static void
test_poison_in_batch(void **state)
{
	struct env *e = *state;
	time_t now = fixture_local(OPEN_AT);
	unsigned i;

	/* the fifth of ten fails each time it is handled, as one that stops
	   the daemon would; the others are recorded with the group */
	deliver_many(e, 10);
	fixture_exec(e->db, "CREATE TRIGGER poison BEFORE INSERT ON messages"
			    " WHEN NEW.message_id = 'many-4@utrecht.nl'"
			    " BEGIN SELECT RAISE(ABORT, 'poison'); END;");
	pass(e, now);
	assert_int_equal(e->stats.recorded, 9);
	assert_int_equal(e->stats.failed, 1);
	assert_int_equal(count(e, "SELECT count FROM attempts"), 1);
	assert_int_equal(count(e, "SELECT count(*) FROM attempts"), 1);
	assert_int_equal(count(e, "SELECT count(*) FROM messages"), 9);
	/* alone from now on, one attempt a pass */
	for (i = 2; i <= INTAKE_ATTEMPTS_MAX; i++) {
		pass(e, now + i);
		assert_int_equal(e->stats.failed, 1);
		assert_int_equal(e->stats.known, 9);
		assert_int_equal(count(e, "SELECT count FROM attempts"), i);
	}
	/* then it is not parsed again: a person looks */
	pass(e, now + 60);
	assert_int_equal(e->stats.failed, 0);
	assert_int_equal(e->stats.recorded, 1);
	assert_int_equal(e->stats.verdicts[VERDICT_REVIEW], 1);
	assert_int_equal(count(e, "SELECT count(*) FROM messages"), 10);
	assert_int_equal(count(e, "SELECT count(*) FROM attempts"), 0);
	assert_int_equal(count(e, "SELECT count(*) FROM review_items"), 1);
	/* handled last, it kept the place of its arrival: fifth */
	assert_int_equal(count(e, "SELECT count(*) FROM messages m"
				  " WHERE m.arrival < (SELECT arrival FROM"
				  " messages WHERE msgkey ="
				  " '1616660004.M4.test')"),
			 4);
}

/* A group whose marks fail ends the pass: a later group would otherwise
   take its arrival first. */
static void
test_unmarked_group(void **state)
{
	struct env *e = *state;
	time_t now = fixture_local(OPEN_AT);

	enrol_from(e, "1616660000.M1.test", "a@utrecht.nl", "a@test");
	enrol_from(e, "1616660000.M2.test", "b@zwolle.nl", "s@test");
	enrol_from(e, "1616660000.M3.test", "c@almere.nl", "b@test");
	/* the second, a suspect, splits them into two groups */
	fixture_exec(e->db, "INSERT INTO attempts (mailbox, msgkey, count,"
			    " last_at) VALUES ('INBOX', '1616660000.M2.test',"
			    " 1, 0);"
			    "CREATE TRIGGER nomark BEFORE INSERT ON attempts"
			    " WHEN NEW.msgkey = '1616660000.M1.test'"
			    " BEGIN SELECT RAISE(ABORT, 'no mark'); END;");
	pass(e, now);
	assert_int_equal(e->stats.recorded, 0);
	assert_int_equal(count(e, "SELECT count(*) FROM messages"), 0);
	assert_int_equal(count(e, "SELECT count(*) FROM attempts"), 1);
	fixture_exec(e->db, "DROP TRIGGER nomark;");
	pass(e, now + 60);
	assert_int_equal(e->stats.recorded, 3);
	assert_int_equal(count(e,
			       "SELECT (SELECT arrival FROM messages WHERE"
			       " message_id = 'a@test') < (SELECT arrival"
			       " FROM messages WHERE message_id = 'b@test')"),
			 1);
}

static void
test_unfinished_batch(void **state)
{
	struct env *e = *state;
	time_t now = fixture_local(OPEN_AT);

	/* a batch cut short by an unclean stop left its marks and nothing
	   else: its messages are handled one by one, each once */
	deliver_many(e, 6);
	fixture_exec(e->db,
		     "INSERT INTO attempts (mailbox, msgkey, count, last_at)"
		     " VALUES ('INBOX', '1616660001.M1.test', 1, 0),"
		     " ('INBOX', '1616660002.M2.test', 1, 0),"
		     " ('INBOX', '1616660003.M3.test', 1, 0);");
	pass(e, now);
	assert_int_equal(e->stats.recorded, 6);
	assert_int_equal(e->stats.failed, 0);
	assert_int_equal(count(e, "SELECT count(*) FROM attempts"), 0);
	assert_int_equal(count(e, "SELECT count(DISTINCT message_id) FROM"
				  " messages"),
			 6);
	/* in arrival order, the suspects among them */
	check_text(e,
		   "SELECT group_concat(message_id, ' ') FROM"
		   " (SELECT message_id FROM messages ORDER BY id)",
		   "many-0@utrecht.nl many-1@utrecht.nl many-2@utrecht.nl"
		   " many-3@utrecht.nl many-4@utrecht.nl many-5@utrecht.nl");
}

/* Runs a pass in a child of its own (its own connection), killed after
   usec microseconds: true if it was, false if it ended first. */
static bool
killed_pass(struct env *e, time_t now, useconds_t usec)
{
	pid_t pid = fork();
	int status;

	assert_true(pid != -1);
	if (pid == 0) {
		struct mailbox_settings set;
		struct store *s = NULL;
		struct mailbox *mb;
		struct intake in;
		struct intake_stats st;
		volatile sig_atomic_t stop = 0;
		char *err = NULL, *maildir;

		memset(&set, 0, sizeof(set));
		maildir = xasprintf("%s/maildir", e->dir);
		set.type = "maildir";
		set.maildir = maildir;
		mb = mailbox_open(&set, &err);
		if (mb == NULL || store_open(e->db, false, &s, &err) == -1)
			_exit(2);
		intake_init(&in, e->config, rules, s, mb);
		memset(&st, 0, sizeof(st));
		_exit(intake_run(&in, now, &stop, &st, &err) == 0 ? 0 : 1);
	}
	usleep(usec);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status))
		assert_int_equal(WEXITSTATUS(status), 0);
	return WIFSIGNALED(status);
}

static void
test_killed_in_batches(void **state)
{
	struct env *e = *state;
	time_t now = fixture_local(OPEN_AT);
	useconds_t usec;
	unsigned i;

	/* SIGKILL at several points of a backlog of batches: nothing lost,
	   nothing recorded or queued twice */
	deliver_many(e, INTAKE_BATCH_COUNT + 50);
	/* later each time, until a pass ends before its kill */
	for (i = 0, usec = 1000; i < 30 && killed_pass(e, now, usec); i++)
		usec += usec * 2 / 3;
	assert_true(i > 0 && i < 30);
	pass(e, now + 60);
	assert_int_equal(e->stats.failed, 0);
	assert_int_equal(count(e, "SELECT count(*) FROM messages"),
			 INTAKE_BATCH_COUNT + 50);
	assert_int_equal(count(e, "SELECT count(DISTINCT msgkey) FROM"
				  " messages"),
			 INTAKE_BATCH_COUNT + 50);
	assert_int_equal(count(e, "SELECT count(*) FROM attempts"), 0);
	assert_int_equal(count(e, "SELECT count(*) FROM (SELECT message"
				  " FROM actions WHERE status = 'queued'"
				  " GROUP BY message HAVING count(*) > 1)"),
			 0);
	/* one answer each (a contact's), and one enrolment's invitations */
	assert_int_equal(count(e, "SELECT count(*) FROM (SELECT message FROM"
				  " outbox WHERE kind NOT LIKE 'invitation%%'"
				  " GROUP BY message HAVING count(*) > 1)"),
			 0);
	assert_int_equal(count(e, "SELECT count(DISTINCT message) FROM outbox"
				  " WHERE kind LIKE 'invitation%%'"),
			 1);
	assert_int_equal(count(e, "SELECT count(*) FROM enrolments"), 1);
}

/* A parse that takes its time: a message that is hard to read. */
static struct message *
slow_parse(const char *data, size_t len, size_t size)
{
	sleep(2);
	return message_parse_sized(data, len, size);
}

static void
test_parse_holds_no_lock(void **state)
{
	struct env *e = *state;
	time_t now = fixture_local(OPEN_AT);
	int status;
	pid_t pid;

	/* while a batch is parsed, a member of staff can write: the group
	   takes the write lock only to record what was parsed */
	deliver_many(e, 2);
	message_worker_stop();
	message_worker_set_parser(slow_parse, 10000);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		sqlite3 *db;
		int rc;

		usleep(700 * 1000);
		if (sqlite3_open(e->db, &db) != SQLITE_OK)
			_exit(2);
		sqlite3_busy_timeout(db, 300);
		rc = sqlite3_exec(db, "BEGIN IMMEDIATE; COMMIT", NULL, NULL,
				  NULL);
		sqlite3_close(db);
		_exit(rc == SQLITE_OK ? 0 : 1);
	}
	pass(e, now);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(e->stats.recorded, 2);
	message_worker_stop();
	message_worker_set_parser(NULL, 0);
}

/* n bytes in base64, in lines of 76 (RFC 2045 section 6.8); heap. */
static char *
base64_lines(const unsigned char *p, size_t n)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
				  "qrstuvwxyz0123456789+/";
	struct buf b;
	size_t i;

	buf_init(&b, SIZE_MAX);
	for (i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;

		v |= i + 1 < n ? (unsigned)p[i + 1] << 8 : 0;
		v |= i + 2 < n ? p[i + 2] : 0;
		(void)buf_addc(&b, abc[v >> 18]);
		(void)buf_addc(&b, abc[(v >> 12) & 63]);
		(void)buf_addc(&b, i + 1 < n ? abc[(v >> 6) & 63] : '=');
		(void)buf_addc(&b, i + 2 < n ? abc[v & 63] : '=');
		if ((i / 3 + 1) % 19 == 0)
			(void)buf_adds(&b, "\r\n");
	}
	(void)buf_adds(&b, "\r\n");
	return buf_steal(&b);
}

/* The file kept at path (relative to the spool) holds n bytes p. */
static void
assert_kept(struct env *e, const char *path, const unsigned char *p, size_t n)
{
	char *full = xasprintf("%s/spool/%s", e->dir, path), *data;
	const char *err = NULL;
	size_t len;

	data = util_read_file(full, 2 * n + 1, &len, &err);
	if (data == NULL)
		fail_msg("%s: %s", full, err);
	assert_int_equal(len, n);
	assert_memory_equal(data, p, n);
	free(data);
	free(full);
}

/* A participant's text: its files are read from the raw message only
   for the delivery, one at a time, and kept byte for byte. */
static void
test_delivery_files(void **state)
{
	const size_t n = 300 * 1024;
	struct env *e = *state;
	unsigned char *bin = xmalloc(n);
	char *pdf, *doc, *text, *path;
	size_t i;

	for (i = 0; i < n; i++)
		bin[i] = (unsigned char)(i * 31 + 7); /* NULs, CRs, LFs */
	enrol_from(e, "1616660000.M1.test", "Utrecht <a.meijer@utrecht.nl>",
		   "e1@utrecht.nl");
	pass(e, fixture_local(OPEN_AT));
	assert_recorded(e, "e1@utrecht.nl", VERDICT_ENROL);

	pdf = base64_lines(bin, n);
	doc = base64_lines((const unsigned char *)"tweede", 6);
	text = xasprintf(
		"From: Utrecht <a.meijer@utrecht.nl>\r\n"
		"Authentication-Results: mx.vng.nl; dmarc=pass "
		"header.from=utrecht.nl\r\nTo: GlobalGoals@VNG.nl\r\n"
		"Subject: Onze tekst\r\nMessage-ID: <t1@utrecht.nl>\r\n"
		"Date: Tue, 20 Jul 2021 09:00:00 +0200\r\nMIME-Version: 1.0\r\n"
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n"
		"--b\r\nContent-Type: text/plain\r\n\r\nHierbij.\r\n"
		"--b\r\nContent-Type: application/pdf\r\n"
		"Content-Disposition: attachment; filename=tekst.pdf\r\n"
		"Content-Transfer-Encoding: base64\r\n\r\n%s"
		"--b\r\nContent-Type: image/png\r\nContent-ID: <logo>\r\n\r\n"
		"logo\r\n"
		"--b\r\nContent-Type: application/msword; name=\"../b.doc\"\r\n"
		"Content-Transfer-Encoding: base64\r\n\r\n%s--b--\r\n",
		pdf, doc);
	free(pdf);
	free(doc);
	deliver(e, "1626764400.M2.test", text);
	pass(e, fixture_local(2021, 7, 20, 10, 0));
	assert_recorded(e, "t1@utrecht.nl", VERDICT_DELIVER);
	assert_int_equal(count(e, "SELECT count(*) FROM delivery_files"), 2);
	path = query_text(e,
			  "SELECT path FROM delivery_files"
			  " WHERE name = 'tekst.pdf' AND size = %lld",
			  (long long)n);
	assert_non_null(path);
	assert_kept(e, path, bin, n);
	free(path);
	path = query_text(e, "SELECT path FROM delivery_files"
			     " WHERE name = 'b.doc' AND size = 6");
	assert_non_null(path);
	assert_kept(e, path, (const unsigned char *)"tweede", 6);
	free(path);
	free(bin);
}

/* A parse that says the file is where the text is: the bytes asked for
   again are not there. */
static struct message *
wrong_part(const char *data, size_t len, size_t size)
{
	struct message *m = message_parse_sized(data, len, size);

	if (m->n_attachments > 0)
		m->attachments[0].part = 1;
	return m;
}

/* Files in the spool's deliveries/ (and below). */
static int
delivered_files(struct env *e)
{
	char *cmd = xasprintf("find %s/spool/deliveries -type f 2>/dev/null"
			      " | wc -l",
			      e->dir);
	FILE *fp = popen(cmd, "r");
	int n = -1;

	assert_non_null(fp);
	if (fscanf(fp, "%d", &n) != 1)
		n = -1;
	pclose(fp);
	free(cmd);
	return n;
}

/* A delivery whose file cannot be read again is not recorded, keeps no
   file and stays in the inbox; the next pass records it. */
static void
test_delivery_file_unreadable(void **state)
{
	struct env *e = *state;
	time_t later = fixture_local(2021, 7, 20, 10, 0);

	enrol_from(e, "1616660000.M1.test", "Utrecht <a.meijer@utrecht.nl>",
		   "e1@utrecht.nl");
	pass(e, fixture_local(OPEN_AT));
	deliver(e, "1626764400.M2.test",
		xstrdup("From: Utrecht <a.meijer@utrecht.nl>\r\n"
			"Authentication-Results: mx.vng.nl; dmarc=pass "
			"header.from=utrecht.nl\r\nTo: GlobalGoals@VNG.nl\r\n"
			"Subject: Onze tekst\r\nMessage-ID: <t2@utrecht.nl>\r\n"
			"MIME-Version: 1.0\r\n"
			"Content-Type: multipart/mixed; boundary=b\r\n\r\n"
			"--b\r\nContent-Type: text/plain\r\n\r\nHierbij.\r\n"
			"--b\r\nContent-Type: application/pdf\r\n"
			"Content-Disposition: attachment; filename=t.pdf\r\n"
			"Content-Transfer-Encoding: base64\r\n\r\n"
			"VGVrc3Q=\r\n--b--\r\n"));
	message_worker_stop();
	message_worker_set_parser(wrong_part, 0);
	pass(e, later);
	message_worker_stop();
	message_worker_set_parser(NULL, 0);
	assert_int_equal(e->stats.failed, 1);
	assert_int_equal(in_inbox(e, "1626764400.M2.test"), 1);
	assert_int_equal(count(e, "SELECT count(*) FROM messages"
				  " WHERE message_id = 't2@utrecht.nl'"),
			 0);
	assert_int_equal(count(e, "SELECT count(*) FROM delivery_files"), 0);
	assert_int_equal(delivered_files(e), 0);

	pass(e, later);
	assert_recorded(e, "t2@utrecht.nl", VERDICT_DELIVER);
	assert_int_equal(count(e, "SELECT count(*) FROM delivery_files"
				  " WHERE name = 't.pdf' AND size = 5"),
			 1);
	assert_int_equal(delivered_files(e), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_enrol),
		T(test_same_pass_again),
		T(test_reject),
		T(test_duplicate),
		T(test_waitlist),
		T(test_backlog_arrival),
		T(test_unmarked_group),
		T(test_window),
		T(test_withdraw_and_back),
		T(test_machine_mail),
		T(test_hostile),
		T(test_attempts),
		T(test_attempts_below_max),
		T(test_stop),
		T(test_stats),
		T(test_group_commit),
		T(test_poison_in_batch),
		T(test_unfinished_batch),
		T(test_killed_in_batches),
		T(test_parse_holds_no_lock),
		T(test_delivery_files),
		T(test_delivery_file_unreadable),
#undef T
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
