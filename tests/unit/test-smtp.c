/*
 * Tests for the transports: the settings policy of the SMTP transport,
 * the file transport, and sends over libcurl to the test server
 * tests/servers/smtp-server.py with TLS from the test CA of
 * tests/servers/ca.sh.  The server stores each message as N.eml with its
 * envelope in N.env, counts connections in its stats file, and fails on
 * request through its control file.  The server cases skip when
 * /usr/bin/python3 with aiosmtpd, or openssl, is missing.
 */
#include "autoconf.h"

#include <sys/stat.h>

#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <curl/curl.h>

#include "log.h"
#include "pyserver.h"
#include "smtp.h"
#include "testdir.h"
#include "util.h"

#define SERVER TOP_SRCDIR "/tests/servers/smtp-server.py"
#define FROM "bot@example.org"
#define RCPT "a@example.org"
#define HELO "client.example.org"
#define USER "alice"
#define PASSWORD "pa55-w0rd"
#define BEARER_USER "bob"
#define TOKEN "ya29.fresh-token"
#define TOKEN2 "ya29.renewed-token"

/* A message with the things curl must carry over unchanged: a line with
   a leading dot (curl stuffs it, the server unstuffs it) and 8-bit text. */
static const char message[] = "From: Bot <bot@example.org>\r\n"
			      "To: <a@example.org>\r\n"
			      "Subject: Aanmelding ontvangen\r\n"
			      "Message-ID: <1@aanmeld.test>\r\n"
			      "MIME-Version: 1.0\r\n"
			      "Content-Type: text/plain; charset=utf-8\r\n"
			      "Content-Transfer-Encoding: 8bit\r\n"
			      "\r\n"
			      "Beste deelnemer,\r\n"
			      ".leading dot\r\n"
			      "Tot ziens op de \xc3\xa9\xc3\xa9n dag.\r\n";

/* The directory of everything a test run makes; the test CA is made once
   into its pki/ subdirectory. */
static char tmpdir[64];
static bool have_python, have_pki;

struct server {
	pid_t pid;
	int port;
	char *dir; /* its maildir, also holding control and stats */
};

/* Options for a server; NULL ones are left out. */
struct server_opts {
	const char *cert; /* a name in pki/, e.g. "server" */
	bool implicit_tls;
	const char *auth;    /* USER:PASSWORD */
	const char *bearer;  /* USER:TOKEN */
	const char *bearer2; /* another USER:TOKEN */
};

static char *
pki(const char *name)
{
	return xasprintf("%s/pki/%s", tmpdir, name);
}

/* The server cases skip without the interpreter or the CA (skip() works
   in a test, not in its setup). */
static void
need_server(bool tls)
{
	if (!have_python || access(SERVER, R_OK) == -1 || (tls && !have_pki))
		skip();
}

static void
server_start(struct server *srv, const char *name, const struct server_opts *o)
{
	char *cert = NULL, *key = NULL;
	const char *args[16];
	size_t n = 0;

	srv->dir = xasprintf("%s/%s", tmpdir, name);
	if (o->cert != NULL) {
		cert = xasprintf("%s/pki/%s.pem", tmpdir, o->cert);
		key = xasprintf("%s/pki/%s.key", tmpdir, o->cert);
	}
	args[n++] = SERVER;
	args[n++] = "--maildir";
	args[n++] = srv->dir;
	if (cert != NULL) {
		args[n++] = "--tls-cert";
		args[n++] = cert;
		args[n++] = "--tls-key";
		args[n++] = key;
	}
	if (o->implicit_tls)
		args[n++] = "--implicit-tls";
	if (o->auth != NULL) {
		args[n++] = "--auth";
		args[n++] = o->auth;
	}
	if (o->bearer != NULL) {
		args[n++] = "--bearer";
		args[n++] = o->bearer;
	}
	if (o->bearer2 != NULL) {
		args[n++] = "--bearer";
		args[n++] = o->bearer2;
	}
	args[n] = NULL;
	assert_true(n < nitems(args));
	srv->port = pyserver_start(&srv->pid, tmpdir, name, "the SMTP server",
				   args);
	free(cert);
	free(key);
}

static void
server_stop(struct server *srv)
{
	pyserver_stop(srv->pid);
	srv->pid = 0;
	free(srv->dir);
	srv->dir = NULL;
}

/* A value from the server's stats file. */
static long long
stat_of(const struct server *srv, const char *name)
{
	char *path = xasprintf("%s/stats", srv->dir);
	const char *error;
	char *text, *cursor, *line;
	long long v = -1;
	size_t len, n = strlen(name);

	text = util_read_file(path, 4096, &len, &error);
	assert_non_null(text);
	cursor = text;
	while ((line = util_next_line(&cursor)) != NULL) {
		if (strncmp(line, name, n) == 0 && line[n] == ' ')
			assert_int_equal(util_strtonum(line + n + 1, 0, INT_MAX,
						       &v, &error),
					 0);
	}
	free(text);
	free(path);
	assert_true(v >= 0);
	return v;
}

/* The server's file N.ext (heap), or NULL. */
static char *
stored(const struct server *srv, int n, const char *ext, size_t *len_r)
{
	char *path = xasprintf("%s/%d.%s", srv->dir, n, ext);
	const char *error;
	char *text;

	text = util_read_file(path, 1024 * 1024, len_r, &error);
	free(path);
	return text;
}

/* Message n arrived with this envelope and the body unchanged; env lists
   lines that N.env must hold. */
static void
assert_stored(const struct server *srv, int n, const char *const *env)
{
	char *text;
	size_t len, i;

	text = stored(srv, n, "eml", &len);
	if (text == NULL)
		fail_msg("message %d was not stored", n);
	assert_int_equal(len, sizeof(message) - 1);
	assert_memory_equal(text, message, len);
	free(text);
	text = stored(srv, n, "env", &len);
	assert_non_null(text);
	for (i = 0; env[i] != NULL; i++) {
		char *line = xasprintf("%s\n", env[i]);

		if (strstr(text, line) == NULL)
			fail_msg("%d.env lacks \"%s\":\n%s", n, env[i], text);
		free(line);
	}
	free(text);
}

/* Sets failure modes: written aside and renamed, as the server asks. */
static void
control(const struct server *srv, const char *commands)
{
	char *tmp = xasprintf("%s/control.tmp", srv->dir);
	char *path = xasprintf("%s/control", srv->dir);
	FILE *f = fopen(tmp, "w");

	assert_non_null(f);
	assert_true(fputs(commands, f) >= 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(rename(tmp, path), 0);
	free(tmp);
	free(path);
}

static struct smtp *
client_with(struct smtp_settings *set, const char *scheme, const char *host,
	    const struct server *srv)
{
	char *url = xasprintf("%s://%s:%d", scheme, host, srv->port);
	char *error = NULL;
	struct smtp *t;

	set->url = url;
	if (set->timeout == 0)
		set->timeout = 10;
	t = smtp_curl_new(set, &error);
	if (t == NULL)
		fail_msg("%s: %s", url, error);
	free(url);
	return t;
}

/* A client over STARTTLS trusting the test CA. */
static struct smtp *
client(const struct server *srv)
{
	char *ca = pki("ca.pem");
	struct smtp_settings set = {.ca_file = ca, .helo_domain = HELO};
	struct smtp *t = client_with(&set, "smtp", "localhost", srv);

	free(ca);
	return t;
}

static void
send_ok(struct smtp *t, const char *rcpt)
{
	char *error = NULL;
	enum send_result r;

	r = smtp_send(t, FROM, rcpt, "1@aanmeld.test", message,
		      sizeof(message) - 1, &error);
	if (r != SEND_OK)
		fail_msg("send to %s: %d: %s", rcpt, r, error);
	assert_null(error);
}

/* A send that fails with want, and an error holding each of the texts in
   has (NULL-terminated). */
static void
send_fails(struct smtp *t, const char *rcpt, enum send_result want, ...)
{
	char *error = NULL;
	enum send_result r;
	const char *has;
	va_list ap;

	r = smtp_send(t, FROM, rcpt, "1@aanmeld.test", message,
		      sizeof(message) - 1, &error);
	if (r != want)
		fail_msg("send to %s: got %d, want %d: %s", rcpt, r, want,
			 error != NULL ? error : "(no error)");
	assert_non_null(error);
	va_start(ap, want);
	while ((has = va_arg(ap, const char *)) != NULL) {
		if (strstr(error, has) == NULL)
			fail_msg("\"%s\" does not mention \"%s\"", error, has);
	}
	va_end(ap);
	print_message("# %s\n", error);
	free(error);
}

struct settings_row {
	struct smtp_settings set;
	const char *error; /* NULL: accepted */
};

static void
test_settings(void **state)
{
	static const struct settings_row rows[] = {
		{{.url = "smtp://mail.example.org:587"}, NULL},
		{{.url = "smtps://mail.example.org"}, NULL},
		{{.url = "SMTP://Mail.Example.org:587/client.example.org"},
		 NULL},
		{{.url = "smtp://mail.example.org", .helo_domain = HELO}, NULL},
		{{.url = "smtp://mail.example.org",
		  .helo_domain = "[10.0.0.1]"},
		 NULL},
		{{.url = "smtp://mail.example.org",
		  .user = "u",
		  .password = "p"},
		 NULL},
		{{.url = "smtp://mail.example.org", .user = "u", .bearer = "t"},
		 NULL},
		/* plain SMTP only on this machine */
		{{.url = "smtp://127.0.0.1:25", .tls_none = true}, NULL},
		{{.url = "smtp://127.9.8.7", .tls_none = true}, NULL},
		{{.url = "smtp://localhost:2525", .tls_none = true}, NULL},
		{{.url = "smtp://[::1]:2525", .tls_none = true}, NULL},
		{{.url = "smtp://mail.example.org:25", .tls_none = true},
		 "only allowed"},
		{{.url = "smtp://10.0.0.1", .tls_none = true}, "only allowed"},
		{{.url = "smtp://128.0.0.1", .tls_none = true}, "only allowed"},
		{{.url = "smtp://[::2]", .tls_none = true}, "only allowed"},
		{{.url = "smtp://127.0.0.1.example.org", .tls_none = true},
		 "only allowed"},
		{{.url = "smtp://localhost.example.org", .tls_none = true},
		 "only allowed"},
		{{.url = "smtps://127.0.0.1", .tls_none = true},
		 "only allowed"},
		/* not an SMTP URL, or one with more in it */
		{{.url = "http://mail.example.org"}, "smtp://"},
		{{.url = "imaps://mail.example.org"}, "smtp://"},
		{{.url = "mail.example.org:587"}, "SMTP url"},
		{{.url = ""}, "not a valid URL"},
		{{.url = NULL}, "not a valid URL"},
		{{.url = "smtp://u:p@mail.example.org"}, "must not hold"},
		{{.url = "smtp://u@mail.example.org"}, "must not hold"},
		{{.url = "smtp://mail.example.org/?x=1"}, "must not hold"},
		{{.url = "smtp://mail.example.org/#x"}, "must not hold"},
		/* credentials */
		{{.url = "smtp://mail.example.org", .user = "u"}, "either"},
		{{.url = "smtp://mail.example.org", .password = "p"}, "needs"},
		{{.url = "smtp://mail.example.org", .bearer = "t"}, "needs"},
		{{.url = "smtp://mail.example.org",
		  .user = "u",
		  .password = "p",
		  .bearer = "t"},
		 "either"},
		{{.url = "smtp://mail.example.org",
		  .user = "",
		  .password = "p"},
		 "either"},
		{{.url = "smtp://mail.example.org",
		  .user = "u",
		  .password = ""},
		 "empty"},
		/* the EHLO name goes into the session as it is */
		{{.url = "smtp://mail.example.org", .helo_domain = "a\r\nRSET"},
		 "EHLO"},
		{{.url = "smtp://mail.example.org", .helo_domain = "a b"},
		 "EHLO"},
		{{.url = "smtp://mail.example.org", .helo_domain = ""}, "EHLO"},
		{{.url = "smtp://mail.example.org", .helo_domain = "a/b"},
		 "EHLO"},
	};
	struct smtp *t;
	char *error;
	size_t i;

	for (i = 0; i < nitems(rows); i++) {
		error = NULL;
		t = smtp_curl_new(&rows[i].set, &error);
		if ((t != NULL) != (rows[i].error == NULL))
			fail_msg("row %zu (%s): %s", i,
				 rows[i].set.url != NULL ? rows[i].set.url
							 : "NULL",
				 t != NULL ? "accepted" : error);
		if (t == NULL && strstr(error, rows[i].error) == NULL)
			fail_msg("row %zu: \"%s\" does not mention \"%s\"", i,
				 error, rows[i].error);
		free(error);
		smtp_close(&t);
		assert_null(t);
	}
	smtp_close(&t);
}

/* The file transport writes <Message-ID>.eml and refuses unsafe names. */
static void
test_file(void **state)
{
	char *dir = xasprintf("%s/outbox", tmpdir), *error = NULL, *text;
	char *path = xasprintf("%s/1@aanmeld.test.eml", dir);
	struct smtp *t;
	const char *err;
	size_t len;

	t = smtp_file_new(dir, &error);
	assert_non_null(t);
	smtp_set_bearer(t, "ignored");
	assert_int_equal(smtp_send(t, FROM, RCPT, "1@aanmeld.test", message,
				   sizeof(message) - 1, &error),
			 SEND_OK);
	text = util_read_file(path, 4096, &len, &err);
	assert_non_null(text);
	assert_int_equal(len, sizeof(message) - 1);
	assert_memory_equal(text, message, len);
	free(text);
	assert_int_equal(smtp_send(t, FROM, RCPT, "../x@y", message,
				   sizeof(message) - 1, &error),
			 SEND_PERMFAIL);
	free(error);
	error = NULL;
	assert_int_equal(smtp_send(t, FROM, "a@b\r\nRCPT TO:<c@d>", "2@x",
				   message, sizeof(message) - 1, &error),
			 SEND_PERMFAIL);
	free(error);
	smtp_close(&t);
	free(path);
	free(dir);
}

/* One message over STARTTLS, with its envelope and body intact. */
static void
test_deliver(void **state)
{
	static const char *const env[] = {"from " FROM, "to " RCPT,
					  "helo " HELO, "tls yes", NULL};
	struct server_opts o = {.cert = "server"};
	struct server srv = {0};
	char *error = NULL;
	struct smtp *t;

	need_server(true);
	server_start(&srv, "deliver", &o);
	t = client(&srv);
	send_ok(t, RCPT);
	assert_stored(&srv, 1, env);
	/* an unsafe address never reaches the server */
	send_fails(t, "a@b>\r\nRCPT TO:<c@d", SEND_PERMFAIL, "unsafe", NULL);
	send_fails(t, "", SEND_PERMFAIL, "unsafe", NULL);
	assert_int_equal(smtp_send(t, "x>\r\nRSET", RCPT, "1@aanmeld.test",
				   message, sizeof(message) - 1, &error),
			 SEND_TEMPFAIL);
	assert_non_null(strstr(error, "envelope sender"));
	free(error);
	assert_int_equal(stat_of(&srv, "messages"), 1);
	smtp_close(&t);
	server_stop(&srv);
}

/* Ten messages, one connection; also the null sender. */
static void
test_reuse(void **state)
{
	static const char *const env[] = {"from <>", "to " RCPT, NULL};
	struct server_opts o = {.cert = "server"};
	struct server srv = {0};
	char *error = NULL;
	struct smtp *t;
	int i;

	need_server(true);
	server_start(&srv, "reuse", &o);
	t = client(&srv);
	for (i = 0; i < 10; i++)
		send_ok(t, RCPT);
	assert_int_equal(stat_of(&srv, "messages"), 10);
	assert_int_equal(stat_of(&srv, "connections"), 1);
	assert_int_equal(stat_of(&srv, "tls"), 1);
	assert_int_equal(smtp_send(t, "", RCPT, "2@aanmeld.test", message,
				   sizeof(message) - 1, &error),
			 SEND_OK);
	assert_stored(&srv, 11, env);
	assert_int_equal(stat_of(&srv, "connections"), 1);
	smtp_close(&t);
	server_stop(&srv);
}

/* 4xx to RCPT or to the message: try again later. */
static void
test_tempfail(void **state)
{
	struct server_opts o = {.cert = "server"};
	struct server srv = {0};
	struct smtp *t;

	need_server(true);
	server_start(&srv, "tempfail", &o);
	t = client(&srv);
	send_ok(t, RCPT);
	control(&srv, "tempfail 1\n");
	send_fails(t, RCPT, SEND_TEMPFAIL, "451", "4.3.0",
		   "message was refused for now", NULL);
	send_ok(t, RCPT);
	/* the session stayed in step, so the connection stays */
	assert_int_equal(stat_of(&srv, "connections"), 1);
	control(&srv, "tempfail-rcpt 1\n");
	send_fails(t, RCPT, SEND_TEMPFAIL, "451", "4.3.0",
		   "recipient was refused for now", NULL);
	send_ok(t, RCPT);
	assert_int_equal(stat_of(&srv, "messages"), 3);
	assert_int_equal(stat_of(&srv, "tempfailed"), 2);
	/* curl quits after a failed RCPT */
	assert_int_equal(stat_of(&srv, "connections"), 2);
	smtp_close(&t);
	server_stop(&srv);
}

/* 5xx to RCPT or to the message: a person must look. */
static void
test_permfail(void **state)
{
	struct server_opts o = {.cert = "server"};
	struct server srv = {0};
	struct smtp *t;

	need_server(true);
	server_start(&srv, "permfail", &o);
	t = client(&srv);
	control(&srv, "reject gone@example.org\n");
	send_fails(t, "gone@example.org", SEND_PERMFAIL, "550", "5.1.1",
		   "gone@example.org", "recipient was refused", NULL);
	send_ok(t, RCPT);
	control(&srv, "reject-data 1\n");
	send_fails(t, RCPT, SEND_PERMFAIL, "554", "5.6.0",
		   "message was refused", NULL);
	send_ok(t, RCPT);
	assert_int_equal(stat_of(&srv, "messages"), 2);
	assert_int_equal(stat_of(&srv, "rejected"), 2);
	assert_int_equal(stat_of(&srv, "connections"), 2);
	smtp_close(&t);
	server_stop(&srv);
}

/* The connection drops after the message went out: the outcome is
   unknown, so try again later, on a new connection. */
static void
test_drop(void **state)
{
	struct server_opts o = {.cert = "server"};
	struct server srv = {0};
	struct smtp *t;

	need_server(true);
	server_start(&srv, "drop", &o);
	t = client(&srv);
	send_ok(t, RCPT);
	control(&srv, "drop-after-data 1\n");
	send_fails(t, RCPT, SEND_TEMPFAIL, "connection lost", "may have", NULL);
	send_ok(t, RCPT);
	assert_int_equal(stat_of(&srv, "messages"), 2);
	assert_int_equal(stat_of(&srv, "dropped"), 1);
	assert_int_equal(stat_of(&srv, "connections"), 2);
	smtp_close(&t);
	server_stop(&srv);
}

/* A server that does not answer in time: try again later, on a new
   connection. */
static void
test_timeout(void **state)
{
	struct server_opts o = {.cert = "server"};
	struct server srv = {0};
	struct smtp_settings set;
	struct smtp *t;
	char *ca = pki("ca.pem");

	need_server(true);
	server_start(&srv, "timeout", &o);
	set = (struct smtp_settings){.ca_file = ca, .timeout = 1};
	t = client_with(&set, "smtp", "localhost", &srv);
	send_ok(t, RCPT);
	control(&srv, "stall-rcpt 3\n");
	send_fails(t, RCPT, SEND_TEMPFAIL, "timed out after 1 s", NULL);
	send_ok(t, RCPT);
	/* the message went out, so it may be there */
	control(&srv, "stall-data 2\n");
	send_fails(t, RCPT, SEND_TEMPFAIL, "timed out", "may have", NULL);
	send_ok(t, RCPT);
	/* the connection that timed out is out of step for good: curl 7.88
	   keeps it, so it must never be used again */
	sleep(2);
	send_ok(t, RCPT);
	send_ok(t, RCPT);
	assert_int_equal(stat_of(&srv, "connections"), 3);
	/* the server did take the stalled message */
	assert_int_equal(stat_of(&srv, "messages"), 6);
	smtp_close(&t);
	server_stop(&srv);
	free(ca);
}

/* The server closed the kept connection while idle (421, as Postfix
   does): the next send goes out on a new one at once. */
static void
test_idle_closed(void **state)
{
	struct server_opts o = {.cert = "server"};
	struct server srv = {0};
	struct smtp *t;
	int i;

	need_server(true);
	server_start(&srv, "idle", &o);
	t = client(&srv);
	send_ok(t, RCPT);
	control(&srv, "close-idle\n");
	/* the server looks at the control file every 0.1 s */
	for (i = 0; i < 100; i++) {
		char *path = xasprintf("%s/control", srv.dir);
		bool gone = access(path, F_OK) == -1;

		free(path);
		if (gone)
			break;
		usleep(20 * 1000);
	}
	usleep(200 * 1000);
	send_ok(t, RCPT);
	assert_int_equal(stat_of(&srv, "messages"), 2);
	assert_int_equal(stat_of(&srv, "connections"), 2);
	smtp_close(&t);
	server_stop(&srv);
}

/* A certificate from another CA, for another name or expired: refused,
   nothing sent, and the error says why. */
static void
test_certificate_refused(void **state)
{
	static const char *const certs[] = {"untrusted", "wrong", "expired"};
	struct server srv = {0};
	struct smtp_settings set;
	struct smtp *t;
	char *name, *ca;
	size_t i;

	need_server(true);
	ca = pki("ca.pem");
	for (i = 0; i < nitems(certs); i++) {
		struct server_opts o = {.cert = certs[i]};

		name = xasprintf("cert-%s", certs[i]);
		server_start(&srv, name, &o);
		t = client(&srv);
		send_fails(t, RCPT, SEND_TEMPFAIL, "certificate", "refused",
			   NULL);
		send_fails(t, RCPT, SEND_TEMPFAIL, "certificate", NULL);
		smtp_close(&t);
		assert_int_equal(stat_of(&srv, "messages"), 0);
		server_stop(&srv);
		free(name);
	}
	/* the test CA is in no system store */
	{
		struct server_opts o = {.cert = "server", .implicit_tls = true};

		server_start(&srv, "cert-system", &o);
		set = (struct smtp_settings){0};
		t = client_with(&set, "smtps", "localhost", &srv);
		send_fails(t, RCPT, SEND_TEMPFAIL, "certificate", NULL);
		smtp_close(&t);
		/* and by address: the certificate names 127.0.0.1 too */
		set = (struct smtp_settings){.ca_file = ca};
		t = client_with(&set, "smtps", "127.0.0.1", &srv);
		send_ok(t, RCPT);
		smtp_close(&t);
		assert_int_equal(stat_of(&srv, "messages"), 1);
		server_stop(&srv);
	}
	free(ca);
}

/* A server without STARTTLS gets nothing, unless plain SMTP was asked
   for on a loopback address. */
static void
test_no_starttls(void **state)
{
	static const char *const env[] = {"from " FROM, "to " RCPT, "tls no",
					  NULL};
	struct server_opts o = {0};
	struct server srv = {0};
	struct smtp_settings set = {0};
	struct smtp *t;
	char *error = NULL;

	need_server(false);
	server_start(&srv, "plain", &o);
	t = client_with(&set, "smtp", "127.0.0.1", &srv);
	send_fails(t, RCPT, SEND_TEMPFAIL, "STARTTLS", NULL);
	smtp_close(&t);
	/* smtps to a plain server */
	set = (struct smtp_settings){.timeout = 5};
	t = client_with(&set, "smtps", "127.0.0.1", &srv);
	send_fails(t, RCPT, SEND_TEMPFAIL, "TLS handshake", NULL);
	smtp_close(&t);
	assert_int_equal(stat_of(&srv, "messages"), 0);
	set = (struct smtp_settings){.tls_none = true};
	t = client_with(&set, "smtp", "127.0.0.1", &srv);
	send_ok(t, RCPT);
	smtp_close(&t);
	assert_stored(&srv, 1, env);
	/* and never to another host */
	set = (struct smtp_settings){.url = "smtp://192.0.2.1:25",
				     .tls_none = true};
	assert_null(smtp_curl_new(&set, &error));
	assert_non_null(strstr(error, "loopback"));
	free(error);
	server_stop(&srv);
}

/* AUTH with a password over STARTTLS; a wrong one is an operator's
   problem, not the message's. */
static void
test_auth_password(void **state)
{
	static const char *const env[] = {"from " FROM, "to " RCPT,
					  "auth " USER, NULL};
	struct server_opts o = {.cert = "server", .auth = USER ":" PASSWORD};
	struct server srv = {0};
	struct smtp_settings set;
	struct smtp *t;
	char *ca = pki("ca.pem"), *error = NULL;

	need_server(true);
	server_start(&srv, "auth", &o);
	set = (struct smtp_settings){
		.ca_file = ca, .user = USER, .password = PASSWORD};
	t = client_with(&set, "smtp", "localhost", &srv);
	send_ok(t, RCPT);
	send_ok(t, RCPT);
	smtp_close(&t);
	assert_stored(&srv, 1, env);
	assert_int_equal(stat_of(&srv, "auth_ok"), 1);
	/* a wrong password, never shown */
	set = (struct smtp_settings){
		.ca_file = ca, .user = USER, .password = "wrong-s3cret"};
	t = client_with(&set, "smtp", "localhost", &srv);
	assert_int_equal(smtp_send(t, FROM, RCPT, "1@aanmeld.test", message,
				   sizeof(message) - 1, &error),
			 SEND_REFUSED);
	assert_non_null(strstr(error, "authentication as " USER));
	assert_non_null(strstr(error, "password"));
	assert_null(strstr(error, "wrong-s3cret"));
	print_message("# %s\n", error);
	free(error);
	smtp_close(&t);
	/* no AUTH at all */
	set = (struct smtp_settings){.ca_file = ca};
	t = client_with(&set, "smtp", "localhost", &srv);
	send_fails(t, RCPT, SEND_TEMPFAIL, "530", "requires authentication",
		   NULL);
	smtp_close(&t);
	assert_int_equal(stat_of(&srv, "messages"), 2);
	server_stop(&srv);
	free(ca);
}

/* XOAUTH2 over smtps, and a fresh token after a refused one. */
static void
test_auth_xoauth2(void **state)
{
	static const char *const env[] = {"from " FROM, "to " RCPT, "tls yes",
					  "auth " BEARER_USER, NULL};
	struct server_opts o = {.cert = "server",
				.implicit_tls = true,
				.bearer = BEARER_USER ":" TOKEN,
				.bearer2 = BEARER_USER ":" TOKEN2};
	struct server srv = {0};
	struct smtp_settings set;
	struct smtp *t;
	char *ca = pki("ca.pem");

	need_server(true);
	server_start(&srv, "xoauth2", &o);
	set = (struct smtp_settings){
		.ca_file = ca, .user = BEARER_USER, .bearer = "ya29.stale"};
	t = client_with(&set, "smtps", "localhost", &srv);
	send_fails(t, RCPT, SEND_REFUSED, "authentication as " BEARER_USER,
		   "access token", NULL);
	smtp_set_bearer(t, TOKEN);
	send_ok(t, RCPT);
	send_ok(t, RCPT);
	assert_int_equal(stat_of(&srv, "connections"), 2);
	/* the same token again keeps the connection, a new one does not */
	smtp_set_bearer(t, TOKEN);
	send_ok(t, RCPT);
	assert_int_equal(stat_of(&srv, "connections"), 2);
	smtp_set_bearer(t, TOKEN2);
	send_ok(t, RCPT);
	send_ok(t, RCPT);
	assert_int_equal(stat_of(&srv, "connections"), 3);
	smtp_close(&t);
	assert_stored(&srv, 1, env);
	assert_int_equal(stat_of(&srv, "auth_ok"), 2);
	assert_int_equal(stat_of(&srv, "auth_failed"), 1);
	server_stop(&srv);
	free(ca);
}

/* Nothing listens: try again later. */
static void
test_refused_connection(void **state)
{
	struct server_opts o = {0};
	struct server srv = {0};
	struct smtp_settings set = {.tls_none = true};
	struct smtp *t;

	need_server(false);
	/* a port that was free a moment ago */
	server_start(&srv, "gone", &o);
	server_stop(&srv);
	t = client_with(&set, "smtp", "127.0.0.1", &srv);
	send_fails(t, RCPT, SEND_TEMPFAIL, "cannot connect", NULL);
	smtp_close(&t);
}

static int
setup(void **state)
{
	(void)state;
	have_python = access(PYSERVER_PYTHON, X_OK) == 0 &&
		      system(PYSERVER_PYTHON
			     " -c 'import aiosmtpd' 2>/dev/null") == 0;
	return testdir_make(tmpdir, sizeof(tmpdir), "test-smtp", have_python,
			    &have_pki);
}

static int
teardown(void **state)
{
	(void)state;
	return testdir_remove(tmpdir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_file),
		cmocka_unit_test_teardown(test_deliver, pyserver_stop_all),
		cmocka_unit_test_teardown(test_reuse, pyserver_stop_all),
		cmocka_unit_test_teardown(test_tempfail, pyserver_stop_all),
		cmocka_unit_test_teardown(test_permfail, pyserver_stop_all),
		cmocka_unit_test_teardown(test_drop, pyserver_stop_all),
		cmocka_unit_test_teardown(test_timeout, pyserver_stop_all),
		cmocka_unit_test_teardown(test_idle_closed, pyserver_stop_all),
		cmocka_unit_test_teardown(test_certificate_refused,
					  pyserver_stop_all),
		cmocka_unit_test_teardown(test_no_starttls, pyserver_stop_all),
		cmocka_unit_test_teardown(test_auth_password,
					  pyserver_stop_all),
		cmocka_unit_test_teardown(test_auth_xoauth2, pyserver_stop_all),
		cmocka_unit_test_teardown(test_refused_connection,
					  pyserver_stop_all),
	};
	int rc;

	signal(SIGPIPE, SIG_IGN);
	log_init(1, 0);
	if (getenv("TEST_DEBUG") != NULL)
		log_set_level(LOG_LEVEL_DEBUG);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 1;
	rc = cmocka_run_group_tests(tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
