/*
 * Unit tests for aanmeld.conf: the embedded default, paths relative to the
 * file, and every error reported as file:line.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
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

static void
test_errors(void **state)
{
	static const char *const expected[] = {
		":2: unknown setting [main] colour",
		":4: max_replies_per_day: invalid",
		":6: trust_unlabelled_authres: expected yes or no",
		"log_level: 'loud' is not",
		"transport: 'pigeon' is not file or smtp",
	};
	char dir[] = "/tmp/test-config-XXXXXX", *path;
	struct buf errors;
	size_t i;

	assert_non_null(mkdtemp(dir));
	path = write_conf(dir, "[main]\ncolour = blue\n[smtp]\n"
			       "max_replies_per_day = many\n[classify]\n"
			       "trust_unlabelled_authres = maybe\n[smtp]\n"
			       "transport = pigeon\n[main]\n"
			       "log_level = loud\n");
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_relative_paths),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_remote_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
