/*
 * aanmeld-web's review pages at the level of requests, against a real
 * database file and spool on a free 127.0.0.1 port, with libcurl as
 * the browser: the queue, an item whose sender and subject are hostile,
 * an HTML-only mail, the three decisions with and without the CSRF
 * token, twice, by GET, for an unknown id, and the history.
 */
#include "autoconf.h"

#include <sys/stat.h>

#include <curl/curl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "buf.h"
#include "config.h"
#include "fixture.h"
#include "rules.h"
#include "store.h"
#include "userfile.h"
#include "util.h"
#include "webclient.h"
#include "web_server.h"

#define PASSWORD "geheim-wachtwoord"

struct ctx {
	struct fixture_db *f;
	struct store *ro;
	struct config *config;
	struct rules *rules;
	char *users;
	struct web_server *w;
	char *cookie;
};

static void
request(struct ctx *c, const char *path, const char *body,
	struct client_reply *r)
{
	struct client_call call = {.port = web_server_port(c->w),
				   .cookie = c->cookie};

	assert_int_equal(client_perform(&call, path, body, r), CURLE_OK);
}

/* GET path: the page's body (heap), asserting status. */
static char *
get(struct ctx *c, const char *path, long status)
{
	struct client_reply r;
	char *b;

	request(c, path, NULL, &r);
	assert_int_equal(r.status, status);
	b = buf_steal(&r.body);
	client_reply_free(&r);
	return b;
}

/* The session's token, from any page's logout form (heap). */
static char *
csrf(struct ctx *c)
{
	char *page = get(c, "/beoordelen", 200), *v;
	const char *p = strstr(page, "name=\"csrf\" value=\"");

	assert_non_null(p);
	p += strlen("name=\"csrf\" value=\"");
	v = xstrndup(p, strcspn(p, "\""));
	free(page);
	return v;
}

/* POST body to path expecting status; with 303 its Location must be
   want (NULL: not checked). */
static void
post(struct ctx *c, const char *path, const char *body, long status,
     const char *want)
{
	struct client_reply r;
	char *loc;

	request(c, path, body, &r);
	assert_int_equal(r.status, status);
	if (want != NULL) {
		loc = client_header(&r, "Location");
		assert_non_null(loc);
		assert_string_equal(loc, want);
		free(loc);
	}
	client_reply_free(&r);
}

static const char hostile[] =
	"From: \"<script>alert(1)</script>\" <x@utrecht-gemeente.nl>\r\n"
	"To: GlobalGoals@VNG.nl\r\n"
	"Subject: \"><img src=x onerror=alert(1)> \xe2\x80\xae"
	"gnidnaM\r\n"
	"Date: Thu, 01 Apr 2021 10:00:00 +0200\r\n"
	"Message-ID: <h1@test.example>\r\n"
	"Content-Type: multipart/mixed; boundary=b\r\n"
	"\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
	"Wij doen graag mee.\r\n<b>niet vet</b>\r\n"
	"--b\r\nContent-Type: application/pdf\r\n"
	"Content-Disposition: attachment; filename=\"plan<1>.pdf\"\r\n"
	"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n";

static const char html_only[] =
	"From: p@zwolle.nl\r\nTo: GlobalGoals@VNG.nl\r\n"
	"Subject: Aanmelding\r\nMessage-ID: <h2@test.example>\r\n"
	"Content-Type: text/html; charset=utf-8\r\n\r\n"
	"<html><body><p>Wij <a href=\"https://evil.example/\">melden</a>"
	" ons aan.</p><script>alert(3)</script></body></html>\r\n";

/* Message row id with its raw copy spool/mail/<id>.eml and an open
   review item id suggesting code (NULL: none). */
static void
add_item(struct ctx *c, int id, const char *raw, const char *from,
	 const char *subject, const char *code)
{
	char *dir = xasprintf("%s/mail", c->config->spool_dir);
	char *name = xasprintf("%d.eml", id);
	char *sql;

	(void)mkdir(dir, 0700);
	fixture_put(dir, name, "w", raw);
	sql = xasprintf(
		"INSERT INTO messages (id, mailbox, msgkey, message_id, sha256,"
		" spool_path, from_addr, subject, received_at, verdict,"
		" reasons) VALUES (%d, 'Beoordelen', '%d.1', "
		"'h%d@test.example',"
		" 'sha%d', 'mail/%d.eml', '%s', '%s', %lld, 'review',"
		" 'lookalike');"
		"INSERT INTO review_items (id, message, reason, reason_codes,"
		" suggested, created_at) VALUES (%d, %d, 'sender domain looks"
		" like utrecht.nl', '[[\"lookalike\",\"utrecht-gemeente.nl\","
		"\"utrecht.nl\",\"GM0344\",\"Utrecht\"]]', %s%s%s, %lld);",
		id, id, id, id, id, from, subject,
		(long long)fixture_at("2021-04-01 10:00") + id, id, id,
		code != NULL ? "'" : "", code != NULL ? code : "NULL",
		code != NULL ? "'" : "",
		(long long)fixture_at("2021-04-01 10:00") + id);
	fixture_exec(c->f->path, sql);
	free(sql);
	free(name);
	free(dir);
}

static int
setup(void **state)
{
	struct ctx *c = xcalloc(1, sizeof(*c));
	struct web_server_settings set;
	struct buf errors;
	char *err = NULL, *conf, *text, *cookie;
	struct client_reply r;

	*state = c;
	if (fixture_db_setup((void **)&c->f) != 0)
		return -1;
	c->rules = fixture_rules();
	assert_non_null(c->rules);
	text = xasprintf("[main]\nspool = %s/spool\ndatabase = %s\n"
			 "message_id_domain = test.example\n"
			 "[smtp]\nenvelope_from = GlobalGoals@VNG.nl\n",
			 c->f->dir, c->f->path);
	fixture_put(c->f->dir, "aanmeld.conf", "w", text);
	free(text);
	conf = xasprintf("%s/aanmeld.conf", c->f->dir);
	buf_init(&errors, 4096);
	c->config = config_load(conf, &errors);
	if (c->config == NULL)
		fprintf(stderr, "%s\n", buf_str(&errors));
	assert_non_null(c->config);
	buf_deinit(&errors);
	free(conf);
	(void)mkdir(c->config->spool_dir, 0700);
	add_item(c, 1, hostile, "x@utrecht-gemeente.nl",
		 "\"><img src=x onerror=alert(1)>", "GM0344");
	add_item(c, 2, html_only, "p@zwolle.nl", "Aanmelding", NULL);
	add_item(c, 3, html_only, "p@zwolle.nl", "Aanmelding", "GM0193");
	add_item(c, 4, html_only, "p@zwolle.nl", "Aanmelding", "GM0193");
	if (store_open(c->f->path, true, &c->ro, &err) == -1) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	c->users = xasprintf("%s/web-users", c->f->dir);
	assert_int_equal(userfile_set(c->users, "anna", PASSWORD, &err), 0);
	memset(&set, 0, sizeof(set));
	set.listen = "127.0.0.1";
	set.users = c->users;
	set.idle = 30 * 60;
	set.capacity = 5;
	set.store = c->ro;
	set.config = c->config;
	set.rules = c->rules;
	c->w = web_server_start(&set, &err);
	assert_non_null(c->w);
	request(c, "/login", "user=anna&password=" PASSWORD, &r);
	assert_int_equal(r.status, 303);
	cookie = client_header(&r, "Set-Cookie");
	assert_non_null(cookie);
	c->cookie = xstrndup(cookie, strcspn(cookie, ";"));
	free(cookie);
	client_reply_free(&r);
	return 0;
}

static int
teardown(void **state)
{
	struct ctx *c = *state;

	web_server_stop(&c->w);
	store_close(&c->ro);
	config_free(c->config);
	rules_free(c->rules);
	free(c->users);
	free(c->cookie);
	fixture_db_teardown((void **)&c->f);
	free(c);
	return 0;
}

static long long
q(struct ctx *c, const char *sql)
{
	return fixture_query(c->f->path, sql);
}

static void
test_queue(void **state)
{
	struct ctx *c = *state;
	char *b = get(c, "/beoordelen", 200);
	const char *one, *two;

	assert_non_null(strstr(b, "<caption>Te beoordelen, oudste eerst"));
	assert_non_null(strstr(b, "<th scope=\"col\">Reden</th>"));
	one = strstr(b, "<a href=\"/beoordelen/1\">");
	two = strstr(b, "<a href=\"/beoordelen/2\">");
	assert_non_null(one);
	assert_non_null(two);
	assert_true(one < two);
	/* the reason in Dutch, not the stored English */
	assert_non_null(strstr(b, "utrecht-gemeente.nl"));
	assert_null(strstr(b, "looks like"));
	/* received, in Dutch as on the other pages, not as stored */
	assert_non_null(strstr(b, "<td>1 april 2021, 10.00 uur</td>"));
	assert_null(strstr(b, "2021-04-01"));
	assert_null(strstr(b, "<img"));
	free(b);
}

static void
test_item_hostile(void **state)
{
	struct ctx *c = *state;
	char *b = get(c, "/beoordelen/1", 200);

	assert_null(strstr(b, "<script"));
	assert_null(strstr(b, "<img"));
	assert_null(strstr(b, "<b>"));
	assert_null(strstr(b, "\xe2\x80\xae"));
	assert_non_null(strstr(b, "&lt;script&gt;alert(1)&lt;/script&gt; "
				  "&lt;x@utrecht-gemeente.nl&gt;"));
	assert_non_null(strstr(b, "&quot;&gt;&lt;img src=x onerror=alert(1)"
				  "&gt; \\u202egnidna"));
	assert_non_null(strstr(b, "<pre>Wij doen graag mee.\n&lt;b&gt;niet "
				  "vet&lt;/b&gt;"));
	/* the attachment listed, never linked */
	assert_non_null(strstr(b, "<td>plan&lt;1&gt;.pdf</td><td>"
				  "application/pdf</td><td>9 bytes</td>"));
	assert_null(strstr(b, "href=\"/beoordelen/1/"));
	/* the three forms, the suggested municipality chosen */
	assert_non_null(strstr(b, "<label for=\"gemeente\">Gemeente</label>"));
	assert_non_null(strstr(b, "<option value=\"GM0344\" selected>Utrecht "
				  "(GM0344)</option>"));
	assert_null(strstr(b, "Kies een gemeente"));
	/* the suggestion by name, not only its code */
	assert_non_null(strstr(b, "<th scope=\"row\">Voorgestelde gemeente"
				  "</th><td>Utrecht (GM0344)</td>"));
	assert_non_null(strstr(b, "action=\"/beoordelen/1/goedkeuren\""));
	assert_non_null(strstr(b, "action=\"/beoordelen/1/afwijzen\""));
	assert_non_null(
		strstr(b, "<label for=\"stil\">Zonder bericht</label>"));
	assert_non_null(strstr(b, "action=\"/beoordelen/1/negeren\""));
	assert_non_null(strstr(b, ">Goedkeuren</button>"));
	assert_non_null(strstr(b, ">Afwijzen</button>"));
	assert_non_null(strstr(b, ">Negeren</button>"));
	free(b);
}

static void
test_item_html_only(void **state)
{
	struct ctx *c = *state;
	char *b = get(c, "/beoordelen/2", 200);

	assert_non_null(strstr(b, "alleen een HTML-deel"));
	assert_non_null(strstr(b, "<pre>"));
	assert_non_null(strstr(b, "melden"));
	assert_null(strstr(b, "<a href=\"https://evil"));
	assert_null(strstr(b, "<p>Wij"));
	assert_null(strstr(b, "<script"));
	assert_null(strstr(b, "alert(3)"));
	/* no suggestion: an empty first choice */
	assert_non_null(strstr(b, "<option value=\"\" selected>Kies een "
				  "gemeente</option>"));
	free(b);
}

static void
test_not_found(void **state)
{
	struct ctx *c = *state;

	free(get(c, "/beoordelen/99", 404));
	free(get(c, "/beoordelen/0", 404));
	free(get(c, "/beoordelen/1x", 404));
	free(get(c, "/beoordelen/-1", 404));
	free(get(c, "/geschiedenis?id=99", 404));
	free(get(c, "/geschiedenis?id=1%20", 404));
	free(get(c, "/geschiedenis?code=GM9999", 400));
}

static void
test_approve(void **state)
{
	struct ctx *c = *state;
	char *token = csrf(c), *body, *b;

	/* a GET of a decision changes nothing */
	free(get(c, "/beoordelen/1/goedkeuren", 405));
	/* no token, a wrong one: refused, nothing changes */
	post(c, "/beoordelen/1/goedkeuren", "gemeente=GM0344", 403, NULL);
	post(c, "/beoordelen/1/goedkeuren",
	     "gemeente=GM0344&csrf=00000000000000000000000000000000000000"
	     "00000000000000000000000000",
	     403, NULL);
	/* an unknown code: refused */
	body = xasprintf("csrf=%s&gemeente=GM9999", token);
	post(c, "/beoordelen/1/goedkeuren", body, 422, NULL);
	free(body);
	assert_int_equal(q(c, "SELECT count(*) FROM enrolments"), 0);
	assert_int_equal(q(c, "SELECT count(*) FROM review_items WHERE"
			      " status = 'open'"),
			 4);

	body = xasprintf("csrf=%s&gemeente=GM0344", token);
	post(c, "/beoordelen/1/goedkeuren", body, 303,
	     "/beoordelen/1?uitkomst=gedaan");
	assert_int_equal(q(c, "SELECT count(*) FROM enrolments WHERE"
			      " code = 'GM0344' AND status = 'confirmed'"),
			 1);
	assert_int_equal(q(c, "SELECT count(*) FROM review_items WHERE id = 1"
			      " AND decided_by = 'web:anna' AND"
			      " decision = 'approve'"),
			 1);
	/* the message's move is queued for the daemon */
	assert_int_equal(q(c, "SELECT count(*) FROM actions WHERE"
			      " message = 1 AND status = 'queued'"),
			 1);
	b = get(c, "/beoordelen/1?uitkomst=gedaan", 200);
	assert_non_null(strstr(b, "Uw besluit is vastgelegd."));
	assert_non_null(strstr(b, "Beoordeeld: goedgekeurd door web:anna op "));
	assert_null(strstr(b, "web:anna op 20")); /* a Dutch date */
	assert_null(strstr(b, "<form method=\"post\" action=\"/beoordelen"));
	free(b);

	/* the same again: already decided, nothing changes */
	long long outbox = q(c, "SELECT count(*) FROM outbox");
	post(c, "/beoordelen/1/goedkeuren", body, 303,
	     "/beoordelen/1?uitkomst=al-beoordeeld");
	assert_int_equal(q(c, "SELECT count(*) FROM outbox"), outbox);
	assert_int_equal(q(c, "SELECT count(*) FROM enrolments"), 1);
	b = get(c, "/beoordelen/1?uitkomst=al-beoordeeld", 200);
	assert_non_null(strstr(b, "Dit bericht is al beoordeeld door "
				  "web:anna."));
	free(b);
	/* an approval without a choice is refused */
	free(body);
	body = xasprintf("csrf=%s&gemeente=", token);
	post(c, "/beoordelen/2/goedkeuren", body, 422, NULL);
	assert_int_equal(q(c, "SELECT count(*) FROM review_items WHERE id = 2"
			      " AND status = 'open' AND note IS NULL"),
			 1);
	free(body);
	free(token);
}

static void
test_reject_dismiss(void **state)
{
	struct ctx *c = *state;
	char *token = csrf(c), *body;
	long long outbox = q(c, "SELECT count(*) FROM outbox");

	body = xasprintf("csrf=%s&stil=ja", token);
	post(c, "/beoordelen/3/afwijzen", body, 303,
	     "/beoordelen/3?uitkomst=gedaan");
	free(body);
	assert_int_equal(q(c, "SELECT count(*) FROM review_items WHERE id = 3"
			      " AND decided_by = 'web:anna' AND"
			      " decision = 'reject'"),
			 1);
	/* silent: no answer queued */
	assert_int_equal(q(c, "SELECT count(*) FROM outbox"), outbox);
	body = xasprintf("csrf=%s", token);
	post(c, "/beoordelen/4/negeren", body, 303,
	     "/beoordelen/4?uitkomst=gedaan");
	post(c, "/beoordelen/99/negeren", body, 404, NULL);
	free(body);
	assert_int_equal(q(c, "SELECT count(*) FROM review_items WHERE id = 4"
			      " AND decided_by = 'web:anna' AND"
			      " decision = 'dismiss'"),
			 1);
	assert_int_equal(q(c, "SELECT count(*) FROM outbox"), outbox);
	free(token);
}

static void
test_history(void **state)
{
	struct ctx *c = *state;
	char *b = get(c, "/geschiedenis", 200);
	const char *approve, *dismiss;

	assert_non_null(strstr(b, "<caption>Geschiedenis, nieuwste eerst"));
	approve = strstr(b, "<td>web:anna</td><td>goedgekeurd</td>");
	dismiss = strstr(b, "<td>web:anna</td><td>genegeerd</td>");
	assert_non_null(approve);
	assert_non_null(dismiss);
	assert_true(dismiss < approve); /* newest first */
	assert_non_null(strstr(b, " uur</td><td>web:anna</td>"));
	assert_null(strstr(b, "<td>20"));
	free(b);
	b = get(c, "/geschiedenis?code=GM0344", 200);
	assert_non_null(strstr(b, "Alleen gemeente Utrecht (GM0344)"));
	assert_non_null(strstr(b, "goedgekeurd"));
	assert_null(strstr(b, "genegeerd"));
	free(b);
	/* the intake's reasons in Dutch; the technical English folded
	   away and marked as English */
	fixture_exec(c->f->path,
		     "UPDATE messages SET reason_codes ="
		     " '[[\"lookalike\",\"utrecht-gemeente.nl\",\"utrecht.nl\","
		     "\"GM0344\",\"Utrecht\"]]' WHERE id = 2;"
		     "INSERT INTO audit (at, actor, what, message, detail)"
		     " VALUES (1617264000, 'aanmeldd', 'review', 2,"
		     " 'sender domain utrecht-gemeente.nl looks like"
		     " utrecht.nl');");
	b = get(c, "/geschiedenis", 200);
	assert_non_null(strstr(b, "lijkt op utrecht.nl"));
	assert_null(strstr(b, ">sender domain"));
	assert_non_null(strstr(b, "<details><summary>Technische details"
				  "</summary><span lang=\"en\">"));
	free(b);
	fixture_exec(c->f->path, "DELETE FROM audit WHERE actor = 'aanmeldd'");
	/* typed in the form: lower case, or left empty */
	b = get(c, "/geschiedenis?code=gm0344", 200);
	assert_non_null(strstr(b, "Alleen gemeente Utrecht (GM0344)"));
	free(b);
	b = get(c, "/geschiedenis?code=", 200);
	assert_null(strstr(b, "Alleen"));
	assert_non_null(strstr(b, "genegeerd"));
	assert_non_null(strstr(b, "<label for=\"code\">Gemeentecode</label>"));
	free(b);
	b = get(c, "/geschiedenis?id=4", 200);
	assert_non_null(strstr(b, "genegeerd"));
	assert_null(strstr(b, "goedgekeurd"));
	free(b);
	b = get(c, "/beoordelen", 200);
	assert_non_null(strstr(b, "Bericht 2"));
	assert_null(strstr(b, "Bericht 1<"));
	free(b);
}

/* A hostile sender from a lookalike domain, four mails whose subjects
   are 256 kB of '<' (the header block's limit), and a note as long:
   each row is cut short, so that the queue still fits a page and
   staff can reach every item. */
static void
test_queue_long_texts(void **state)
{
	struct ctx *c = *state;
	const char *row;
	char *b;
	int id;

	for (id = 5; id <= 8; id++)
		add_item(c, id, html_only, "x@utrecht-gemeente.nl", "kort",
			 NULL);
	fixture_exec(c->f->path,
		     "UPDATE messages SET subject ="
		     " replace(hex(zeroblob(131072)), '00', '<<'),"
		     " from_addr = replace(hex(zeroblob(131072)), '00', '&&')"
		     " WHERE id >= 5;"
		     "UPDATE review_items SET note ="
		     " replace(hex(zeroblob(131072)), '00', '\"\"')"
		     " WHERE id >= 5;");
	b = get(c, "/beoordelen", 200);
	for (id = 5; id <= 8; id++) {
		char *link = xasprintf("<a href=\"/beoordelen/%d\">", id);

		assert_non_null(strstr(b, link));
		free(link);
	}
	row = strstr(b, "<a href=\"/beoordelen/5\">");
	assert_non_null(row);
	/* cut, marked as cut, and still text */
	assert_non_null(strstr(row, "&lt;&lt;&lt;…</td>"));
	assert_non_null(strstr(row, "&amp;&amp;…</td>"));
	assert_non_null(strstr(row, "<br>Let op: &quot;&quot;"));
	assert_non_null(strstr(row, "&quot;…</td></tr>"));
	assert_null(strstr(b, "<<"));
	assert_true(strlen(b) < 64 * 1024);
	free(b);
	fixture_exec(c->f->path, "DELETE FROM review_items WHERE id >= 5;"
				 "DELETE FROM messages WHERE id >= 5;");
}

/* A flood of 600 items: the queue shows the oldest 500 and says so. */
static void
test_queue_many(void **state)
{
	struct ctx *c = *state;
	const char *p;
	size_t rows;
	char *b;

	fixture_exec(
		c->f->path,
		"WITH RECURSIVE n(i) AS (SELECT 1000 UNION ALL"
		" SELECT i + 1 FROM n WHERE i < 1599)"
		" INSERT INTO messages (id, mailbox, msgkey, message_id,"
		" sha256, spool_path, from_addr, subject, received_at,"
		" verdict, reasons) SELECT i, 'INBOX', i || '.1',"
		" 'f' || i || '@x', 'sf' || i, NULL, 'x@spam.example',"
		" 'vloed', 1617264000 + i, 'review', 'lookalike' FROM n;"
		"INSERT INTO review_items (id, message, reason, created_at)"
		" SELECT id, id, 'flood', received_at FROM messages"
		" WHERE id >= 1000;");
	b = get(c, "/beoordelen", 200);
	assert_non_null(strstr(b, "Hieronder staan de oudste 500;"));
	for (p = b, rows = 0; (p = strstr(p, "<tr><td><a href=")) != NULL; p++)
		rows++;
	assert_int_equal(rows, 500);
	assert_non_null(strstr(b, "<a href=\"/beoordelen/1000\">"));
	assert_null(strstr(b, "<a href=\"/beoordelen/1599\">"));
	free(b);
	fixture_exec(c->f->path, "DELETE FROM review_items WHERE id >= 1000;"
				 "DELETE FROM messages WHERE id >= 1000;");
}

/* A link (in a phishing mail, say) cannot make the page of an open
   item say that it was decided: the notice follows the item's state. */
static void
test_notice_follows_state(void **state)
{
	struct ctx *c = *state;
	char *b;

	b = get(c, "/beoordelen/2?uitkomst=gedaan", 200);
	assert_null(strstr(b, "Uw besluit is vastgelegd"));
	assert_non_null(strstr(b, ">Goedkeuren</button>"));
	free(b);
	b = get(c, "/beoordelen/2?uitkomst=al-beoordeeld", 200);
	assert_null(strstr(b, "al beoordeeld"));
	free(b);
	b = get(c, "/beoordelen/2?uitkomst=gesloten", 200);
	assert_null(strstr(b, "afgesloten zonder mail"));
	free(b);
	/* on a decided item the notice stays */
	b = get(c, "/beoordelen/4?uitkomst=gedaan", 200);
	assert_non_null(strstr(b, "Uw besluit is vastgelegd"));
	free(b);
}

/* A decision while the daemon holds the database (a long pass): once
   the wait runs out the staff member reads in Dutch that nothing
   changed and to try again, and nothing is half done. */
static void
test_decide_busy(void **state)
{
	struct ctx *c = *state;
	char *token = csrf(c), *body, *b;
	long long audit = q(c, "SELECT count(*) FROM audit");
	struct client_reply r;
	sqlite3 *db;

	assert_int_equal(sqlite3_open(c->f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL),
			 SQLITE_OK);
	body = xasprintf("csrf=%s", token);
	request(c, "/beoordelen/2/negeren", body, &r);
	assert_int_equal(r.status, 500);
	assert_non_null(strstr(buf_str(&r.body), "Er is niets veranderd; "
						 "probeert u het later "
						 "opnieuw."));
	client_reply_free(&r);
	assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	assert_int_equal(q(c, "SELECT count(*) FROM review_items WHERE id = 2"
			      " AND status = 'open' AND decided_by IS NULL"),
			 1);
	assert_int_equal(q(c, "SELECT count(*) FROM audit"), audit);
	assert_int_equal(q(c, "SELECT count(*) FROM actions WHERE"
			      " message = 2"),
			 0);
	/* the page still offers the decision */
	b = get(c, "/beoordelen/2", 200);
	assert_non_null(strstr(b, ">Negeren</button>"));
	free(b);
	free(body);
	free(token);
}

/* An item about a failed mail can only be dismissed: an approval or a
   rejection posted anyway is refused in Dutch (409), not reported as
   a failure of the system to be tried again. */
static void
test_failed_mail_item(void **state)
{
	struct ctx *c = *state;
	char *token = csrf(c), *body, *b;
	struct client_reply r;

	fixture_exec(c->f->path,
		     "INSERT INTO outbox (id, key, kind, message_id,"
		     " envelope_from, rcpt, raw, created_at, next_try,"
		     " attempts, status, last_error) VALUES (90, 'k90',"
		     " 'confirm', 'm90@x', 'a@x', 'p@zwolle.nl',"
		     " 'Subject: x' || char(13, 10) || char(13, 10) || 'x',"
		     " 1617264000, NULL, 5, 'failed', '550 no such user');"
		     "INSERT INTO review_items (id, message, outbox, reason,"
		     " created_at) VALUES (90, NULL, 90, 'mail failed',"
		     " 1617264000);");
	b = get(c, "/beoordelen/90", 200);
	assert_null(strstr(b, ">Goedkeuren</button>"));
	free(b);
	body = xasprintf("csrf=%s&gemeente=GM0193", token);
	request(c, "/beoordelen/90/goedkeuren", body, &r);
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(buf_str(&r.body), "Niet uitgevoerd: "));
	assert_non_null(strstr(buf_str(&r.body), "alleen negeren"));
	assert_null(strstr(buf_str(&r.body), "probeert u het later"));
	client_reply_free(&r);
	free(body);
	body = xasprintf("csrf=%s", token);
	request(c, "/beoordelen/90/afwijzen", body, &r);
	assert_int_equal(r.status, 409);
	client_reply_free(&r);
	assert_int_equal(q(c, "SELECT count(*) FROM review_items WHERE id = 90"
			      " AND status = 'open'"),
			 1);
	assert_int_equal(q(c, "SELECT count(*) FROM enrolments WHERE"
			      " code = 'GM0193'"),
			 0);
	post(c, "/beoordelen/90/negeren", body, 303,
	     "/beoordelen/90?uitkomst=gedaan");
	free(body);
	free(token);
}

int
main(void)
{
	/* in order: the decisions build on each other */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queue),
		cmocka_unit_test(test_item_hostile),
		cmocka_unit_test(test_item_html_only),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_approve),
		cmocka_unit_test(test_reject_dismiss),
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_queue_long_texts),
		cmocka_unit_test(test_queue_many),
		cmocka_unit_test(test_notice_follows_state),
		cmocka_unit_test(test_decide_busy),
		cmocka_unit_test(test_failed_mail_item),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
