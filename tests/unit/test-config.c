/*
 * Unit tests for aanmeld.conf: the embedded default, paths relative to the
 * file, every error reported as file:line, what aanmeld check finds
 * without connecting, and the warning about unauthenticated senders.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "buf.h"
#include "check_servers.h"
#include "config.h"
#include "util.h"

static char *
write_conf(char *dir, const char *text)
{
	char *path = xasprintf("%s/aanmeld.conf", dir);
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	return path;
}

static void
test_default(void **state)
{
	struct buf errors;
	struct config *c;

	buf_init(&errors, 4096);
	c = config_load(NULL, &errors);
	assert_non_null(c);
	assert_string_equal(c->rules_dir, "rules");
	assert_string_equal(c->database, "spool/aanmeld.db");
	assert_string_equal(c->maildir, "spool/maildir");
	assert_string_equal(c->outbox_dir, "spool/outbox");
	assert_string_equal(c->folder_processed, "Verwerkt");
	assert_string_equal(c->folder_review, "Beoordelen");
	assert_string_equal(c->folder_rejected, "Afgewezen");
	assert_string_equal(c->folder_ignored, "Genegeerd");
	assert_int_equal(c->max_replies_per_day, 5);
	assert_false(c->trust_unlabelled_authres);
	/* the choices, parsed from their defaults */
	assert_int_equal(c->level, LOG_LEVEL_INFO);
	assert_int_equal(c->mailbox, CONFIG_MAILBOX_MAILDIR);
	assert_int_equal(c->transport_kind, CONFIG_TRANSPORT_FILE);
	assert_int_equal(c->imap_auth_method, CONFIG_AUTH_PASSWORD);
	assert_int_equal(c->imap_tls_mode, CONFIG_TLS_VERIFY);
	assert_int_equal(c->smtp_auth_method, CONFIG_AUTH_PASSWORD);
	assert_int_equal(c->smtp_tls_mode, CONFIG_TLS_VERIFY);
	config_derive(c, "GlobalGoals@VNG.nl");
	assert_string_equal(c->message_id_domain, "vng.nl");
	assert_string_equal(c->envelope_from, "GlobalGoals@VNG.nl");
	config_free(c);
	buf_deinit(&errors);
}

static void
test_relative_paths(void **state)
{
	char dir[] = "/tmp/test-config-XXXXXX", *path, *want;
	struct buf errors;
	struct config *c;

	assert_non_null(mkdtemp(dir));
	path = write_conf(dir, "[main]\nspool = state\nrules = /etc/r\n"
			       "[classify]\ntrust_unlabelled_authres = yes\n");
	buf_init(&errors, 4096);
	c = config_load(path, &errors);
	assert_non_null(c);
	want = xasprintf("%s/state/aanmeld.db", dir);
	assert_string_equal(c->database, want);
	free(want);
	assert_string_equal(c->rules_dir, "/etc/r");
	assert_true(c->trust_unlabelled_authres);
	config_free(c);
	buf_deinit(&errors);
	remove(path);
	free(path);
	remove(dir);
}

/* Each word of a choice setting becomes its value, once, at load. */
static void
test_choices(void **state)
{
	static const struct {
		const char *conf;
		enum log_level level;
		enum config_mailbox mailbox;
		enum config_auth imap_auth;
		enum config_tls imap_tls;
		enum config_transport transport;
		enum config_auth smtp_auth;
		enum config_tls smtp_tls;
	} rows[] = {
		{"[main]\nlog_level = debug\n", LOG_LEVEL_DEBUG,
		 CONFIG_MAILBOX_MAILDIR, CONFIG_AUTH_PASSWORD,
		 CONFIG_TLS_VERIFY, CONFIG_TRANSPORT_FILE, CONFIG_AUTH_PASSWORD,
		 CONFIG_TLS_VERIFY},
		{"[main]\nlog_level = error\n[mailbox]\ntype = imap\n"
		 "url = imap://127.0.0.1/INBOX\nuser = u\ntls = none\n",
		 LOG_LEVEL_ERROR, CONFIG_MAILBOX_IMAP, CONFIG_AUTH_PASSWORD,
		 CONFIG_TLS_NONE, CONFIG_TRANSPORT_FILE, CONFIG_AUTH_PASSWORD,
		 CONFIG_TLS_VERIFY},
		{"[mailbox]\ntype = imap\nurl = imaps://h/INBOX\nuser = u\n"
		 "auth = xoauth2\n[smtp]\ntransport = smtp\n"
		 "url = smtps://h\nauth = none\ntls = none\n"
		 "[oauth2]\ntoken_url = https://h/t\nclient_id = c\n"
		 "client_secret_file = s\n",
		 LOG_LEVEL_INFO, CONFIG_MAILBOX_IMAP, CONFIG_AUTH_XOAUTH2,
		 CONFIG_TLS_VERIFY, CONFIG_TRANSPORT_SMTP, CONFIG_AUTH_NONE,
		 CONFIG_TLS_NONE},
		{"[smtp]\ntransport = smtp\nurl = smtp://h\nuser = u\n"
		 "auth = xoauth2\n[oauth2]\ntoken_url = https://h/t\n"
		 "client_id = c\nclient_secret_file = s\n",
		 LOG_LEVEL_INFO, CONFIG_MAILBOX_MAILDIR, CONFIG_AUTH_PASSWORD,
		 CONFIG_TLS_VERIFY, CONFIG_TRANSPORT_SMTP, CONFIG_AUTH_XOAUTH2,
		 CONFIG_TLS_VERIFY},
	};
	char dir[] = "/tmp/test-config-XXXXXX", *path;
	struct buf errors;
	struct config *c;
	size_t i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		buf_init(&errors, 4096);
		path = write_conf(dir, rows[i].conf);
		c = config_load(path, &errors);
		if (c == NULL)
			fail_msg("row %zu: %s", i, buf_str(&errors));
		assert_int_equal(c->level, rows[i].level);
		assert_int_equal(c->mailbox, rows[i].mailbox);
		assert_int_equal(c->imap_auth_method, rows[i].imap_auth);
		assert_int_equal(c->imap_tls_mode, rows[i].imap_tls);
		assert_int_equal(c->transport_kind, rows[i].transport);
		assert_int_equal(c->smtp_auth_method, rows[i].smtp_auth);
		assert_int_equal(c->smtp_tls_mode, rows[i].smtp_tls);
		config_free(c);
		buf_deinit(&errors);
		remove(path);
		free(path);
	}
	remove(dir);
}

static void
test_errors(void **state)
{
	static const char *const expected[] = {
		":2: unknown setting [main] colour",
		":4: max_replies_per_day: invalid",
		":6: trust_unlabelled_authres: expected yes or no",
		"log_level: 'loud' is not",
		"transport: 'pigeon' is not file or smtp",
		"[mailbox] folder_review: bad folder name '/Beoordelen': a "
		"level is empty",
		"[review] folder_approve: bad folder name 'Beoordelen//Goed': "
		"a level is empty",
		"[mailbox] folder_ignored: folder 'Genegeerd.oud': the level "
		"'Genegeerd.oud' contains '.'",
	};
	char dir[] = "/tmp/test-config-XXXXXX", *path;
	struct buf errors;
	size_t i;

	assert_non_null(mkdtemp(dir));
	path = write_conf(dir, "[main]\ncolour = blue\n[smtp]\n"
			       "max_replies_per_day = many\n[classify]\n"
			       "trust_unlabelled_authres = maybe\n[smtp]\n"
			       "transport = pigeon\n[main]\n"
			       "log_level = loud\n[mailbox]\n"
			       "folder_review = /Beoordelen\n"
			       "folder_ignored = Genegeerd.oud\n[review]\n"
			       "folder_approve = Beoordelen//Goed\n");
	buf_init(&errors, 4096);
	assert_null(config_load(path, &errors));
	for (i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		if (strstr(buf_str(&errors), expected[i]) == NULL)
			fail_msg("expected '%s' in:\n%s", expected[i],
				 buf_str(&errors));
	}
	buf_deinit(&errors);
	remove(path);
	free(path);
	remove(dir);
}

/* [web] url: unset by default, an http(s) address or refused. */
static void
test_web_url(void **state)
{
	static const char *const bad[] = {
		"aanmeld.vng.nl",
		"ftp://aanmeld.vng.nl",
		"https://",
		"https://aanmeld.vng.nl/a b",
	};
	char dir[] = "/tmp/test-config-XXXXXX", *path, *text;
	struct config *c;
	struct buf errors;
	size_t i;

	(void)state;
	buf_init(&errors, 4096);
	c = config_load(NULL, &errors);
	assert_non_null(c);
	assert_null(c->web_url);
	config_free(c);
	assert_non_null(mkdtemp(dir));
	path = write_conf(dir, "[web]\nurl = https://aanmeld.vng.nl\n");
	c = config_load(path, &errors);
	assert_non_null(c);
	assert_string_equal(c->web_url, "https://aanmeld.vng.nl");
	config_free(c);
	remove(path);
	free(path);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		text = xasprintf("[web]\nurl = %s\n", bad[i]);
		path = write_conf(dir, text);
		free(text);
		assert_null(config_load(path, &errors));
		assert_non_null(strstr(buf_str(&errors), "[web] url: '"));
		buf_deinit(&errors);
		buf_init(&errors, 4096);
		remove(path);
		free(path);
	}
	buf_deinit(&errors);
	remove(dir);
}

/* [web]: the defaults, a file's values, and what is refused. */
static void
test_web(void **state)
{
	static const char *const expected[] = {
		"[web] listen: 'localhost' is not an IP address",
		"[web] port must be 1 to 65535",
		"[web] session_idle must be at least 1",
		"[web] tls_cert and tls_key go together",
		"[web] trusted_proxy: 'proxy' is not an IP address",
	};
	char dir[] = "/tmp/test-config-XXXXXX", *path, *want;
	struct config *c;
	struct buf errors;
	size_t i;

	buf_init(&errors, 4096);
	c = config_load(NULL, &errors);
	assert_non_null(c);
	assert_string_equal(c->web_listen, "127.0.0.1");
	assert_int_equal(c->web_port, 8080);
	assert_int_equal(c->web_session_idle, 30);
	assert_int_equal(c->web_session_max, 720);
	assert_null(c->web_tls_cert);
	assert_null(c->web_tls_key);
	assert_null(c->web_trusted_proxy);
	config_free(c);
	assert_non_null(mkdtemp(dir));
	path = write_conf(dir, "[web]\nlisten = ::1\nport = 8443\n"
			       "users = staff/users\nsession_idle = 5\n"
			       "session_max = 60\ntls_cert = web.pem\n"
			       "tls_key = web.key\ntrusted_proxy = ::1\n");
	c = config_load(path, &errors);
	assert_non_null(c);
	assert_string_equal(c->web_listen, "::1");
	assert_int_equal(c->web_port, 8443);
	want = xasprintf("%s/staff/users", dir);
	assert_string_equal(c->web_users, want);
	free(want);
	assert_int_equal(c->web_session_idle, 5);
	assert_int_equal(c->web_session_max, 60);
	want = xasprintf("%s/web.pem", dir);
	assert_string_equal(c->web_tls_cert, want);
	free(want);
	want = xasprintf("%s/web.key", dir);
	assert_string_equal(c->web_tls_key, want);
	free(want);
	assert_string_equal(c->web_trusted_proxy, "::1");
	config_free(c);
	remove(path);
	free(path);
	path = write_conf(dir, "[web]\nlisten = localhost\nport = 65536\n"
			       "session_idle = 0\ntls_cert = web.pem\n"
			       "trusted_proxy = proxy\n");
	assert_null(config_load(path, &errors));
	for (i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		if (strstr(buf_str(&errors), expected[i]) == NULL)
			fail_msg("expected '%s' in:\n%s", expected[i],
				 buf_str(&errors));
	}
	remove(path);
	free(path);
	/* a maximum below the idle timeout would never be reached */
	buf_deinit(&errors);
	buf_init(&errors, 4096);
	path = write_conf(dir, "[web]\nsession_idle = 60\n"
			       "session_max = 30\n");
	assert_null(config_load(path, &errors));
	assert_non_null(strstr(buf_str(&errors), "[web] session_max must be "
						 "at least session_idle"));
	buf_deinit(&errors);
	remove(path);
	free(path);
	remove(dir);
}

static void
test_remote_errors(void **state)
{
	static const char *const expected[] = {
		"[mailbox] needs a url",
		"[mailbox] auth = password needs user",
		"[mailbox] tls: 'maybe' is not verify or none",
		"[smtp] auth: 'kerberos' is not password, none or xoauth2",
		"auth = xoauth2 needs [oauth2] token_url, client_id and "
		"client_secret_file",
	};
	char dir[] = "/tmp/test-config-XXXXXX", *path;
	struct buf errors;
	struct config *c;
	size_t i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = write_conf(dir, "[mailbox]\ntype = imap\ntls = maybe\n"
			       "[smtp]\ntransport = smtp\nurl = smtp://x\n"
			       "user = u\nauth = kerberos\n");
	buf_init(&errors, 4096);
	assert_null(config_load(path, &errors));
	for (i = 0; i < 4; i++) {
		if (strstr(buf_str(&errors), expected[i]) == NULL)
			fail_msg("expected '%s' in:\n%s", expected[i],
				 buf_str(&errors));
	}
	buf_deinit(&errors);
	buf_init(&errors, 4096);
	remove(path);
	free(path);
	path = write_conf(dir, "[mailbox]\ntype = imap\n"
			       "url = imaps://imap.example.org/INBOX\n"
			       "user = globalgoals@vng.nl\nauth = xoauth2\n");
	assert_null(config_load(path, &errors));
	if (strstr(buf_str(&errors), expected[4]) == NULL)
		fail_msg("expected '%s' in:\n%s", expected[4],
			 buf_str(&errors));
	buf_deinit(&errors);
	buf_init(&errors, 4096);
	remove(path);
	free(path);
	/* complete: the defaults of the rest apply */
	path = write_conf(dir, "[mailbox]\ntype = imap\n"
			       "url = imaps://imap.example.org/INBOX\n"
			       "user = globalgoals@vng.nl\nauth = xoauth2\n"
			       "[oauth2]\ntoken_url = https://login.example/t\n"
			       "client_id = abc\nclient_secret_file = s\n");
	c = config_load(path, &errors);
	if (c == NULL)
		fail_msg("%s", buf_str(&errors));
	assert_string_equal(c->imap_tls, "verify");
	assert_int_equal(c->imap_timeout, 60);
	assert_true(c->imap_idle);
	assert_false(c->keep_in_inbox);
	assert_string_equal(c->folder_processed, "Verwerkt");
	config_free(c);
	buf_deinit(&errors);
	remove(path);
	free(path);
	remove(dir);
}

static void
test_auth_warning(void **state)
{
	static const struct {
		const char *conf;
		bool warns;
	} rows[] = {
		{"", true},
		{"[classify]\ntrusted_authserv_id =\n", true},
		{"[classify]\ntrust_unlabelled_authres = no\n", true},
		{"[classify]\ntrusted_authserv_id = mx.vng.nl\n", false},
		{"[classify]\ntrust_unlabelled_authres = yes\n", false},
	};
	char dir[] = "/tmp/test-config-XXXXXX", *path;
	struct buf errors;
	struct config *c;
	size_t i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	buf_init(&errors, 4096);
	c = config_load(NULL, &errors);
	assert_non_null(c);
	assert_non_null(strstr(config_auth_warning(c),
			       "senders are not authenticated"));
	config_free(c);
	for (i = 0; i < nitems(rows); i++) {
		path = write_conf(dir, rows[i].conf);
		c = config_load(path, &errors);
		if (c == NULL)
			fail_msg("%s", buf_str(&errors));
		if ((config_auth_warning(c) != NULL) != rows[i].warns)
			fail_msg("row %zu: warning %s", i,
				 rows[i].warns ? "missing" : "unexpected");
		config_free(c);
		remove(path);
		free(path);
	}
	buf_deinit(&errors);
	remove(dir);
}

/* Secret files beside the config, which names them relative to it. */
static const struct {
	const char *name;
	mode_t mode;
	const char *text;
} secret_files[] = {
	{"ok.pw", 0600, "Secr3t\n"},	{"ro.pw", 0400, "Secr3t\n"},
	{"world.pw", 0644, "Secr3t\n"}, {"group.pw", 0640, "Secr3t\n"},
	{"gw.pw", 0620, "Secr3t\n"},	{"empty.pw", 0600, ""},
};

static void
test_check_servers(void **state)
{
	static const struct {
		const char *conf;
		int rc;
		const char *want; /* in the report; "" for an empty one */
	} rows[] = {
		{"", 0, ""},
		{"[mailbox]\ntype = imap\nurl = imaps://imap.example.org\n"
		 "user = u\npassword_file = ok.pw\n",
		 0, ""},
		{"[mailbox]\ntype = imap\nurl = imaps://imap.example.org\n"
		 "user = u\npassword_file = ro.pw\n",
		 0, ""},
		{"[mailbox]\ntype = imap\nurl = imaps://imap.example.org\n"
		 "user = u\npassword_file = world.pw\n",
		 -1,
		 "[mailbox] password_file @/world.pw: readable by group or "
		 "others (mode 644): refusing to use it; run chmod 600 "
		 "@/world.pw\n"},
		{"[mailbox]\ntype = imap\nurl = imaps://imap.example.org\n"
		 "user = u\npassword_file = group.pw\n",
		 -1, "(mode 640)"},
		{"[mailbox]\ntype = imap\nurl = imaps://imap.example.org\n"
		 "user = u\npassword_file = gw.pw\n",
		 -1, "(mode 620)"},
		{"[mailbox]\ntype = imap\nurl = imaps://imap.example.org\n"
		 "user = u\npassword_file = empty.pw\n",
		 -1, "@/empty.pw: empty\n"},
		{"[mailbox]\ntype = imap\nurl = imaps://imap.example.org\n"
		 "user = u\npassword_file = nowhere.pw\n",
		 -1,
		 "@/aanmeld.conf: [mailbox] password_file @/nowhere.pw: "
		 "missing\n"},
		/* the environment's variable is unset here */
		{"[mailbox]\ntype = imap\nurl = imaps://imap.example.org\n"
		 "user = u\n",
		 0,
		 "warning: @/aanmeld.conf: [mailbox] password_file not "
		 "set: the daemon needs AANMELD_IMAP_PASSWORD in its "
		 "environment\n"},
		/* a password_file of a server not in use is not read */
		{"[mailbox]\npassword_file = nowhere.pw\n[smtp]\n"
		 "password_file = world.pw\n",
		 0, ""},
		{"[mailbox]\ntype = imap\nurl = imap://imap.example.org\n"
		 "user = u\npassword_file = ok.pw\ntls = none\n",
		 -1,
		 "[mailbox] tls = none: imap.example.org is not a loopback "
		 "address; plain IMAP would send the password in the "
		 "clear\n"},
		{"[mailbox]\ntype = imap\nurl = imap://127.0.0.1:1143\n"
		 "user = u\npassword_file = ok.pw\ntls = none\n",
		 0, ""},
		{"[mailbox]\ntype = imap\nurl = imaps://localhost\n"
		 "user = u\npassword_file = ok.pw\ntls = none\n",
		 -1, "[mailbox] tls = none goes with imap://"},
		{"[smtp]\ntransport = smtp\nurl = smtp://smtp.example.org\n"
		 "user = u\npassword_file = ok.pw\ntls = none\n",
		 -1,
		 "[smtp] tls = none: SMTP without TLS is only allowed with "
		 "smtp:// to a loopback host, not smtp://smtp.example.org: "
		 "the password would be sent in clear text\n"},
		{"[smtp]\ntransport = smtp\nurl = smtp://smtp.example.org\n"
		 "auth = none\ntls = none\n",
		 -1, "the mail would be sent in clear text\n"},
		{"[smtp]\ntransport = smtp\nurl = smtp://[::1]:2525\n"
		 "auth = none\ntls = none\n",
		 0, ""},
		{"[smtp]\ntransport = smtp\nurl = smtps://localhost\n"
		 "user = u\npassword_file = ok.pw\ntls = none\n",
		 -1, "not smtps://localhost"},
		{"[smtp]\ntransport = smtp\nurl = ftp://smtp.example.org\n"
		 "auth = none\n",
		 -1,
		 "[smtp] url: SMTP url ftp://smtp.example.org must start "
		 "with smtp:// or smtps://\n"},
		{"[mailbox]\ntype = imap\nurl = imaps://imap.example.org\n"
		 "user = u\nauth = xoauth2\n[oauth2]\n"
		 "token_url = https://login.example.org/t\nclient_id = a\n"
		 "client_secret_file = world.pw\n",
		 -1, "[oauth2] client_secret_file @/world.pw: readable"},
	};
	char dir[] = "/tmp/test-config-XXXXXX", *path, *p, *f;
	struct buf errors, report, want;
	const char *w;
	struct config *c;
	size_t i;
	int rc;

	(void)state;
	unsetenv("AANMELD_IMAP_PASSWORD");
	unsetenv("AANMELD_SMTP_PASSWORD");
	unsetenv("AANMELD_OAUTH2_SECRET");
	assert_non_null(mkdtemp(dir));
	for (i = 0; i < nitems(secret_files); i++) {
		f = xasprintf("%s/%s", dir, secret_files[i].name);
		p = write_conf(dir, secret_files[i].text);
		assert_int_equal(rename(p, f), 0);
		assert_int_equal(chmod(f, secret_files[i].mode), 0);
		free(p);
		free(f);
	}
	buf_init(&errors, 4096);
	buf_init(&report, 4096);
	buf_init(&want, 4096);
	for (i = 0; i < nitems(rows); i++) {
		path = write_conf(dir, rows[i].conf);
		c = config_load(path, &errors);
		if (c == NULL)
			fail_msg("row %zu: %s", i, buf_str(&errors));
		rc = check_servers(c, &report);
		/* "@" stands for the folder */
		for (w = rows[i].want; *w != '\0'; w++) {
			if (*w == '@')
				assert_int_equal(buf_adds(&want, dir), 0);
			else
				assert_int_equal(buf_addc(&want, *w), 0);
		}
		if (rc != rows[i].rc ||
		    (rows[i].want[0] == '\0' && report.len != 0) ||
		    strstr(buf_str(&report), buf_str(&want)) == NULL)
			fail_msg("row %zu: %d, expected %d with '%s' in:\n%s",
				 i, rc, rows[i].rc, buf_str(&want),
				 buf_str(&report));
		buf_deinit(&report);
		buf_deinit(&want);
		config_free(c);
		remove(path);
		free(path);
	}
	for (i = 0; i < nitems(secret_files); i++) {
		f = xasprintf("%s/%s", dir, secret_files[i].name);
		remove(f);
		free(f);
	}
	remove(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_relative_paths),
		cmocka_unit_test(test_choices),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_web),
		cmocka_unit_test(test_web_url),
		cmocka_unit_test(test_remote_errors),
		cmocka_unit_test(test_auth_warning),
		cmocka_unit_test(test_check_servers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
