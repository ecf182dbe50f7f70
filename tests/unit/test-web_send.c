/*
 * aanmeld-web's page that mails a group (/versturen) at the level of
 * requests, against a real database file on a free 127.0.0.1 port, with
 * libcurl as the browser: the form, a preview with a hostile subject
 * and text, an unknown placeholder, sending (the same outbox rows and
 * history as aanmeld send's own function makes) and sending again, no
 * token, a GET of the preview, and the size limits.
 */
#include "autoconf.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <curl/curl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "audience.h"
#include "buf.h"
#include "config.h"
#include "fixture.h"
#include "rules.h"
#include "send_group.h"
#include "store.h"
#include "template.h"
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
	char *cookie, *csrf;
};

static void
request(struct ctx *c, const char *path, const char *body,
	struct client_reply *r)
{
	struct client_call call = {.port = web_server_port(c->w),
				   .cookie = c->cookie};

	assert_int_equal(client_perform(&call, path, body, r), CURLE_OK);
}

/* path with body (NULL: GET), asserting status: the page (heap). */
static char *
call(struct ctx *c, const char *path, const char *body, long status)
{
	struct client_reply r;
	char *b;

	request(c, path, body, &r);
	assert_int_equal(r.status, status);
	b = buf_steal(&r.body);
	client_reply_free(&r);
	return b;
}

/* POST body to path expecting 303 to want. */
static void
post_to(struct ctx *c, const char *path, const char *body, const char *want)
{
	struct client_reply r;
	char *loc;

	request(c, path, body, &r);
	assert_int_equal(r.status, 303);
	loc = client_header(&r, "Location");
	assert_non_null(loc);
	assert_string_equal(loc, want);
	free(loc);
	client_reply_free(&r);
}

/* The value of the hidden field name in page (heap). */
static char *
hidden(const char *page, const char *name)
{
	char *pat = xasprintf("type=\"hidden\" name=\"%s\" value=\"", name);
	const char *p = strstr(page, pat);

	assert_non_null(p);
	p += strlen(pat);
	free(pat);
	return xstrndup(p, strcspn(p, "\""));
}

static char *
escaped(const char *s)
{
	char *e = curl_easy_escape(NULL, s, 0), *v;

	assert_non_null(e);
	v = xstrdup(e);
	curl_free(e);
	return v;
}

/* A form's body: the session's token (or none) and the fields. */
static char *
form(struct ctx *c, bool token, const char *to, const char *subject,
     const char *text, const char *check)
{
	char *s = escaped(subject), *t = escaped(text), *body;

	body = xasprintf(
		"%s%s%saan=%s&onderwerp=%s&tekst=%s%s%s", token ? "csrf=" : "",
		token ? c->csrf : "", token ? "&" : "", to, s, t,
		check != NULL ? "&controle=" : "", check != NULL ? check : "");
	free(s);
	free(t);
	return body;
}

/* The first column of the first row of sql, as text (heap). */
static char *
text_of(struct ctx *c, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *v = NULL;

	assert_int_equal(sqlite3_open(c->f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_text(st, 0) != NULL)
		v = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v != NULL ? v : xstrdup("");
}

static long long
q(struct ctx *c, const char *sql)
{
	return fixture_query(c->f->path, sql);
}

/* Two taken, one waiting; Zwolle's second contact's mail came back. */
static void
seed(struct ctx *c)
{
	char *sql = xasprintf(
		"INSERT INTO enrolments (code, name, status, enrolled_at,"
		" arrival) VALUES"
		" ('GM0344', 'Utrecht', 'confirmed', %lld, 1),"
		" ('GM0193', 'Zwolle', 'confirmed', %lld, 2),"
		" ('GM0228', 'Ede', 'waitlist', %lld, 3);"
		"INSERT INTO contacts (code, address, name, added_at,"
		" undeliverable_at) VALUES"
		" ('GM0344', 'a@utrecht.nl', 'Anna', %lld, NULL),"
		" ('GM0193', 'b@zwolle.nl', 'Bram', %lld, NULL),"
		" ('GM0193', 'weg@zwolle.nl', 'Weg', %lld, %lld),"
		" ('GM0228', 'p@ede.nl', 'Piet', %lld, NULL);",
		(long long)fixture_at("2021-04-01 10:00"),
		(long long)fixture_at("2021-04-01 10:01"),
		(long long)fixture_at("2021-04-01 10:02"),
		(long long)fixture_at("2021-04-01 10:03"),
		(long long)fixture_at("2021-04-01 10:03"),
		(long long)fixture_at("2021-04-01 10:03"),
		(long long)fixture_at("2021-04-02 10:00"),
		(long long)fixture_at("2021-04-01 10:03"));

	fixture_exec(c->f->path, sql);
	free(sql);
}

static int
setup(void **state)
{
	struct ctx *c = xcalloc(1, sizeof(*c));
	struct web_server_settings set;
	struct buf errors;
	char *err = NULL, *conf, *text, *cookie, *page;
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
	assert_non_null(c->config);
	buf_deinit(&errors);
	free(conf);
	(void)mkdir(c->config->spool_dir, 0700);
	seed(c);
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
	page = call(c, "/versturen", NULL, 200);
	c->csrf = hidden(page, "csrf");
	free(page);
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
	free(c->csrf);
	fixture_db_teardown((void **)&c->f);
	free(c);
	return 0;
}

static void
test_form(void **state)
{
	struct ctx *c = *state;
	char *b = call(c, "/versturen", NULL, 200);

	assert_non_null(strstr(b, "<h1>Mail aan een groep</h1>"));
	assert_non_null(strstr(b, "<label for=\"aan\">Aan</label>"));
	assert_non_null(
		strstr(b, "<label for=\"onderwerp\">Onderwerp</label>"));
	assert_non_null(strstr(b, "<label for=\"tekst\">Tekst</label>"));
	assert_non_null(strstr(b, "<option value=\"confirmed\">Alle "
				  "deelnemers</option>"));
	assert_non_null(strstr(b, "<option value=\"waitlist\">De wachtlijst"
				  "</option>"));
	assert_non_null(strstr(b, "<option value=\"session:1\">Wie komt naar "
				  "sessie 1: Sessie 1: introductie en "
				  "ambities</option>"));
	assert_non_null(strstr(b, "<code>{{municipality}}</code>"));
	assert_non_null(strstr(b, ">Voorbeeld bekijken</button>"));
	assert_non_null(strstr(b,
			       "<a href=\"/versturen\" aria-current=\"page\">"
			       "Mail versturen</a>"));
	assert_true(strstr(b, "Mail versturen") < strstr(b, "Geschiedenis"));
	free(b);
}

static void
test_preview_hostile(void **state)
{
	struct ctx *c = *state;
	char *body = form(c, true, "confirmed", "<script>alert(1)</script>",
			  "Beste {{municipality}},\r\n\r\n</pre><img src=x "
			  "onerror=alert(2)>\r\nGroet",
			  NULL);
	char *b = call(c, "/versturen/voorbeeld", body, 200);

	assert_null(strstr(b, "<script"));
	assert_null(strstr(b, "<img"));
	assert_non_null(strstr(b, "<pre>Onderwerp: &lt;script&gt;alert(1)"
				  "&lt;/script&gt;\n\nBeste Utrecht,\n\n"
				  "&lt;/pre&gt;&lt;img src=x onerror=alert(2)"
				  "&gt;\nGroet</pre>"));
	/* the recipients, the one whose mail came back, not the list */
	assert_non_null(strstr(b, "a@utrecht.nl</td><td>krijgt deze mail"));
	assert_non_null(strstr(b, "b@zwolle.nl</td><td>krijgt deze mail"));
	assert_non_null(strstr(b, "weg@zwolle.nl</td><td>niet verstuurd: mail "
				  "aan dit adres kwam terug"));
	assert_null(strstr(b, "p@ede.nl"));
	assert_non_null(strstr(b, "Ontvangers: 2 krijgen deze mail, 1 niet"));
	assert_non_null(strstr(b, ">Versturen</button>"));
	assert_int_equal(q(c, "SELECT count(*) FROM outbox"), 0);
	free(b);
	free(body);
	/* the waiting list, and a session */
	body = form(c, true, "waitlist", "Nieuws", "Hallo", NULL);
	b = call(c, "/versturen/voorbeeld", body, 200);
	assert_non_null(strstr(b, "p@ede.nl</td><td>krijgt deze mail"));
	assert_null(strstr(b, "a@utrecht.nl"));
	free(b);
	free(body);
}

static void
test_unknown_placeholder(void **state)
{
	struct ctx *c = *state;
	char *body = form(c, true, "confirmed", "Nieuws", "Beste {{gemeente}}",
			  NULL),
	     *check, *b;

	b = call(c, "/versturen/voorbeeld", body, 422);
	assert_non_null(strstr(b,
			       "<p role=\"alert\">De tekst is niet gebruikt: "
			       "er staat een invulplaats in die niet "
			       "bestaat"));
	assert_non_null(strstr(b, "unknown placeholder {{gemeente}}"));
	/* what was typed is kept */
	assert_non_null(strstr(b, "Beste {{gemeente}}</textarea>"));
	free(b);
	free(body);
	/* nor sent, whatever the hash */
	check = xstrdup("0000");
	body = form(c, true, "confirmed", "Nieuws", "Beste {{gemeente}}",
		    check);
	free(call(c, "/versturen", body, 422));
	assert_int_equal(q(c, "SELECT count(*) FROM outbox"), 0);
	assert_int_equal(q(c, "SELECT count(*) FROM audit"), 0);
	free(body);
	free(check);
}

/* The outbox and history rows that matter, as text (heap). */
static char *
rows(struct ctx *c)
{
	return text_of(c, "SELECT group_concat(x, ';') FROM (SELECT kind || '|'"
			  " || key || '|' || rcpt || '|' || instr(raw, "
			  "'Subject: Nieuws voor Utrecht') AS x FROM outbox "
			  "ORDER BY key)");
}

static char *
history(struct ctx *c)
{
	return text_of(c, "SELECT group_concat(x, ';') FROM (SELECT what || '|'"
			  " || gemeente || '|' || detail AS x FROM audit "
			  "ORDER BY gemeente, detail)");
}

static const char subject[] = "Nieuws voor {{municipality}}";
static const char text[] = "Beste {{municipality}},\n\nHet programma:\n"
			   "{{programme}}\nGroet, {{organiser_name}}\n";

/* What aanmeld send's own function queues for the same file. */
static void
send_as_cli(struct ctx *c, char **rows_r, char **history_r)
{
	char *file = xasprintf("Subject: %s\n\n%s", subject, text), *path;
	char *err = NULL;
	struct send_group g;
	struct template *t;
	struct store *s;
	struct buf errors;

	fixture_put(c->f->dir, "web form", "w", file);
	path = xasprintf("%s/web form", c->f->dir);
	buf_init(&errors, 4096);
	t = template_load_file(path, send_group_vars, send_group_n_vars,
			       &errors);
	assert_non_null(t);
	assert_int_equal(store_open(c->f->path, false, &s, &err), 0);
	memset(&g, 0, sizeof(g));
	g.config = c->config;
	g.programme = c->rules->programme;
	g.t = t;
	g.name = "web form";
	g.to.kind = AUDIENCE_CONFIRMED;
	assert_int_equal(send_group_run(&g, s, true, "web:anna", &err), 0);
	assert_int_equal(g.queued, 2);
	send_group_free(&g);
	store_close(&s);
	*rows_r = rows(c);
	*history_r = history(c);
	fixture_exec(c->f->path, "DELETE FROM outbox; DELETE FROM audit;");
	template_free(t);
	buf_deinit(&errors);
	free(path);
	free(file);
}

static void
test_send(void **state)
{
	struct ctx *c = *state;
	char *cli_rows, *cli_history, *body, *b, *check, *sent;

	send_as_cli(c, &cli_rows, &cli_history);
	assert_int_equal(q(c, "SELECT count(*) FROM outbox"), 0);
	/* the browser sends lines as CR LF */
	body = form(c, true, "confirmed", subject,
		    "Beste {{municipality}},\r\n\r\nHet programma:\r\n"
		    "{{programme}}\r\nGroet, {{organiser_name}}\r\n",
		    NULL);
	b = call(c, "/versturen/voorbeeld", body, 200);
	free(body);
	check = hidden(b, "controle");
	sent = hidden(b, "tekst");
	/* the hidden text as the preview shows it, LF lines */
	assert_string_equal(sent, text);
	free(b);
	body = form(c, true, "confirmed", subject, sent, check);
	post_to(c, "/versturen", body, "/versturen?gedaan=klaargezet&aantal=2");
	sent = (free(sent), rows(c));
	assert_string_equal(sent, cli_rows);
	free(sent);
	sent = history(c);
	assert_string_equal(sent, cli_history);
	free(sent);
	assert_int_equal(q(c, "SELECT count(*) FROM audit WHERE actor = "
			      "'web:anna' AND what = 'send'"),
			 2);
	b = call(c, "/versturen?gedaan=klaargezet&aantal=2", NULL, 200);
	assert_non_null(strstr(b, "2 e-mails staan klaar; ze gaan bij de "
				  "volgende ronde de deur uit."));
	free(b);
	/* a made-up count is not shown */
	b = call(c, "/versturen?gedaan=klaargezet&aantal=2%3Cb%3E", NULL, 200);
	assert_null(strstr(b, "staan klaar"));
	free(b);
	/* again: nothing new */
	post_to(c, "/versturen", body, "/versturen?gedaan=al-verstuurd");
	assert_int_equal(q(c, "SELECT count(*) FROM outbox"), 2);
	free(body);
	body = form(c, true, "confirmed", subject, text, NULL);
	b = call(c, "/versturen/voorbeeld", body, 200);
	assert_non_null(strstr(b, "a@utrecht.nl</td><td>staat al klaar"));
	assert_null(strstr(b, ">Versturen</button>"));
	free(b);
	free(body);
	/* a changed text with the old hash */
	body = form(c, true, "confirmed", subject, "Iets anders", check);
	post_to(c, "/versturen", body, "/versturen?fout=gewijzigd");
	assert_int_equal(q(c, "SELECT count(*) FROM outbox"), 2);
	free(body);
	free(check);
	free(cli_rows);
	free(cli_history);
}

static void
test_refused(void **state)
{
	struct ctx *c = *state;
	char *body = form(c, true, "confirmed", "Nieuws", "Hallo", NULL);
	char *b = call(c, "/versturen/voorbeeld", body, 200);
	char *check = hidden(b, "controle"), *big, *t;

	free(b);
	free(body);
	/* no token */
	body = form(c, false, "confirmed", "Nieuws", "Hallo", check);
	free(call(c, "/versturen", body, 403));
	free(body);
	assert_int_equal(q(c, "SELECT count(*) FROM outbox"), 0);
	/* the preview is no page to GET */
	free(call(c, "/versturen/voorbeeld", NULL, 405));
	/* a text of 32 kB and more */
	t = xcalloc(1, 33 * 1024);
	memset(t, 'a', 33 * 1024 - 1);
	body = form(c, true, "confirmed", "Nieuws", t, NULL);
	free(call(c, "/versturen/voorbeeld", body, 413));
	free(body);
	/* 20 kB passes, over the 4 kB of the other forms */
	t[20 * 1024] = '\0';
	body = form(c, true, "confirmed", "Nieuws", t, NULL);
	free(call(c, "/versturen/voorbeeld", body, 200));
	free(body);
	/* the other routes still refuse more than 4 kB */
	t[5 * 1024] = '\0';
	big = xasprintf("csrf=%s&x=%s", c->csrf, t);
	free(call(c, "/uitgaand/1/opnieuw", big, 413));
	free(big);
	/* a long subject: only the text may be long */
	t[300] = '\0';
	body = form(c, true, "confirmed", t, "Hallo", NULL);
	free(call(c, "/versturen/voorbeeld", body, 413));
	free(body);
	assert_int_equal(q(c, "SELECT count(*) FROM outbox"), 0);
	free(t);
	free(check);
}

/* The group grew after the preview: nothing goes out, also not to
   those the preview listed; a fresh preview sends to all. */
static void
test_group_changed(void **state)
{
	struct ctx *c = *state;
	char *body = form(c, true, "confirmed", "Nieuws", "Hallo", NULL);
	char *b = call(c, "/versturen/voorbeeld", body, 200);
	char *check = hidden(b, "controle");

	assert_non_null(strstr(b, "De mail gaat naar 2 ontvangers."));
	free(b);
	free(body);
	fixture_exec(c->f->path, "UPDATE enrolments SET status = 'confirmed'"
				 " WHERE code = 'GM0228'");
	body = form(c, true, "confirmed", "Nieuws", "Hallo", check);
	post_to(c, "/versturen", body, "/versturen?fout=gewijzigd");
	assert_int_equal(q(c, "SELECT count(*) FROM outbox"), 0);
	b = call(c, "/versturen?fout=gewijzigd", NULL, 200);
	assert_non_null(strstr(b, "De tekst of de groep ontvangers is "
				  "veranderd sinds het voorbeeld."));
	free(b);
	free(body);
	free(check);
	body = form(c, true, "confirmed", "Nieuws", "Hallo", NULL);
	b = call(c, "/versturen/voorbeeld", body, 200);
	check = hidden(b, "controle");
	free(b);
	free(body);
	body = form(c, true, "confirmed", "Nieuws", "Hallo", check);
	post_to(c, "/versturen", body, "/versturen?gedaan=klaargezet&aantal=3");
	/* a second click: the same group, nothing new */
	post_to(c, "/versturen", body, "/versturen?gedaan=al-verstuurd");
	assert_int_equal(q(c, "SELECT count(*) FROM outbox"), 3);
	free(body);
	free(check);
}

/* Sends head and len bytes of body on a connection of its own; with
   whole, the status of the answer, else closes at once (an upload cut
   off) and 0. */
static long
raw(struct ctx *c, const char *head, const char *body, size_t len, bool whole)
{
	struct sockaddr_in sa;
	char in[64];
	ssize_t n;
	size_t got = 0;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	long status = 0;

	assert_true(fd != -1);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(web_server_port(c->w));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(send(fd, head, strlen(head), MSG_NOSIGNAL),
			 (ssize_t)strlen(head));
	while (len > 0) {
		n = send(fd, body, len, MSG_NOSIGNAL);
		if (n <= 0)
			break;
		body += n;
		len -= (size_t)n;
	}
	if (whole) {
		while (got < sizeof(in) - 1 &&
		       (n = recv(fd, in + got, sizeof(in) - 1 - got, 0)) > 0)
			got += (size_t)n;
		in[got] = '\0';
		assert_true(strncmp(in, "HTTP/1.1 ", 9) == 0);
		status = strtol(in + 9, NULL, 10);
	}
	close(fd);
	return status;
}

/* Bodies no browser sends: the long cap only for the two paths, an
   upload cut off midway (its text freed: the leak check at exit),
   fields without '=' or twice. */
static void
test_odd_bodies(void **state)
{
	struct ctx *c = *state;
	char *body = xcalloc(1, 40 * 1024), *head;
	char *b;

	memset(body, 'a', 40 * 1024 - 1);
	memcpy(body, "tekst=", 6);
	/* another path of 5 kB: the 4 kB cap, whatever the path says */
	head = xasprintf("POST /versturen/voorbeeld/../../uitgaand/1/opnieuw "
			 "HTTP/1.1\r\nHost: x\r\nCookie: %s\r\n"
			 "Content-Type: application/x-www-form-urlencoded\r\n"
			 "Content-Length: 5000\r\nConnection: close\r\n\r\n",
			 c->cookie);
	assert_int_equal(raw(c, head, body, 5000, true), 413);
	free(head);
	head = xasprintf("POST /versturen/ HTTP/1.1\r\nHost: x\r\n"
			 "Cookie: %s\r\n"
			 "Content-Type: application/x-www-form-urlencoded\r\n"
			 "Content-Length: 5000\r\nConnection: close\r\n\r\n",
			 c->cookie);
	assert_int_equal(raw(c, head, body, 5000, true), 413);
	free(head);
	/* cut off after 30 kB of the text, twice */
	head = xasprintf("POST /versturen/voorbeeld HTTP/1.1\r\nHost: x\r\n"
			 "Cookie: %s\r\n"
			 "Content-Type: application/x-www-form-urlencoded\r\n"
			 "Content-Length: 40000\r\n\r\n",
			 c->cookie);
	assert_int_equal(raw(c, head, body, 30 * 1024, false), 0);
	assert_int_equal(raw(c, head, body, 30 * 1024, false), 0);
	free(head);
	/* fields without a value, and the text twice */
	b = xasprintf("csrf=%s&aan=confirmed&onderwerp=Nieuws&tekst", c->csrf);
	free(call(c, "/versturen/voorbeeld", b, 422));
	free(b);
	b = xasprintf("csrf=%s&aan&onderwerp&tekst=Hallo", c->csrf);
	free(call(c, "/versturen/voorbeeld", b, 422));
	free(b);
	b = xasprintf("csrf=%s&aan=confirmed&onderwerp=Nieuws&tekst=Hallo"
		      "&tekst=Anders",
		      c->csrf);
	free(call(c, "/versturen/voorbeeld", b, 413));
	free(b);
	/* the server still answers */
	b = call(c, "/versturen", NULL, 200);
	free(b);
	assert_int_equal(q(c, "SELECT count(*) FROM outbox"), 0);
	free(body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_form, setup, teardown),
		cmocka_unit_test_setup_teardown(test_preview_hostile, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unknown_placeholder, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_send, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_changed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_odd_bodies, setup,
						teardown),
	};

	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
