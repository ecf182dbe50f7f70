/* Unit tests for the pure parts of the IMAP mailbox: the URL, the
   reconnection delay and the loopback rule for plain IMAP; and, against
   a scripted server (tests/servers/imap-namespace.py), how it learns the
   server's folder names from odd NAMESPACE answers. */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <libetpan/libetpan.h>

#include "imap.h"
#include "pyserver.h"
#include "testdir.h"
#include "util.h"

#define SERVER TOP_SRCDIR "/tests/servers/imap-namespace.py"

static char tmpdir[64];

static void
test_url(void **state)
{
	static const struct {
		const char *url;
		bool tls_none;
		enum imap_tls tls;
		const char *host;
		unsigned port;
		const char *mailbox;
	} rows[] = {
		{"imaps://imap.vng.nl", false, IMAP_TLS_IMPLICIT, "imap.vng.nl",
		 993, "INBOX"},
		{"imaps://imap.vng.nl/", false, IMAP_TLS_IMPLICIT,
		 "imap.vng.nl", 993, "INBOX"},
		{"IMAPS://outlook.office365.com:993/Aanmeldingen", false,
		 IMAP_TLS_IMPLICIT, "outlook.office365.com", 993,
		 "Aanmeldingen"},
		{"imap://imap.vng.nl:1143/INBOX", false, IMAP_TLS_STARTTLS,
		 "imap.vng.nl", 1143, "INBOX"},
		{"imap://127.0.0.1:1143/INBOX", true, IMAP_TLS_NONE,
		 "127.0.0.1", 1143, "INBOX"},
		{"imap://[::1]:1143/INBOX", true, IMAP_TLS_NONE, "::1", 1143,
		 "INBOX"},
		{"imap://localhost/INBOX/Sub", true, IMAP_TLS_NONE, "localhost",
		 143, "INBOX/Sub"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct imap_url u;
		char *err = NULL;

		if (imap_url_parse(rows[i].url, rows[i].tls_none, &u, &err) !=
		    0)
			fail_msg("%s: %s", rows[i].url, err);
		assert_int_equal(u.tls, rows[i].tls);
		assert_string_equal(u.host, rows[i].host);
		assert_int_equal(u.port, rows[i].port);
		assert_string_equal(u.mailbox, rows[i].mailbox);
		imap_url_deinit(&u);
	}
}

static void
test_bad_url(void **state)
{
	static const struct {
		const char *url;
		bool tls_none;
		const char *why;
	} rows[] = {
		{"pop3://mail.vng.nl", false, "expected imaps:// or imap://"},
		{"imaps://", false, "expected imaps://host"},
		{"imaps://:993/INBOX", false, "expected imaps://host"},
		{"imaps://host:0/INBOX", false, "expected imaps://host"},
		{"imaps://host:65536/INBOX", false, "expected imaps://host"},
		{"imaps://host:99x/INBOX", false, "expected imaps://host"},
		{"imaps://user@host/INBOX", false, "expected imaps://host"},
		{"imaps://[::1/INBOX", false, "expected imaps://host"},
		/* plain IMAP would send the password over the network */
		{"imap://imap.vng.nl/INBOX", true, "not a loopback address"},
		{"imap://128.0.0.1/INBOX", true, "not a loopback address"},
		{"imap://localhost.evil.example/", true,
		 "not a loopback address"},
		{"imaps://127.0.0.1/INBOX", true, "goes with imap://"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct imap_url u;
		char *err = NULL;

		if (imap_url_parse(rows[i].url, rows[i].tls_none, &u, &err) !=
		    -1)
			fail_msg("%s: accepted", rows[i].url);
		if (err == NULL || strstr(err, rows[i].why) == NULL)
			fail_msg("%s: expected '%s', got '%s'", rows[i].url,
				 rows[i].why, err);
		free(err);
	}
}

static void
test_backoff(void **state)
{
	static const struct {
		unsigned failures;
		double jitter;
		unsigned want;
	} rows[] =
		{
			{0, 0.0, 0}, /* connected: no delay */
			{1, 0.0, 1},	{2, 0.0, 2},
			{3, 0.0, 4},	{9, 0.0, 256},
			{10, 0.0, 300}, /* capped at five minutes */
			{40, 0.0, 300}, {1000, 0.0, 300},
			{3, 1.0, 5}, /* a quarter more at most */
			{10, 1.0, 375}, {10, 0.5, 337},
		};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		unsigned got = imap_backoff(rows[i].failures, rows[i].jitter);

		if (got != rows[i].want)
			fail_msg("failures %u jitter %.2f: expected %u, got %u",
				 rows[i].failures, rows[i].jitter, rows[i].want,
				 got);
	}
}

static void
test_loopback(void **state)
{
	(void)state;
	assert_true(util_is_loopback("localhost"));
	assert_true(util_is_loopback("LOCALHOST"));
	assert_true(util_is_loopback("127.0.0.1"));
	assert_true(util_is_loopback("127.255.0.9"));
	assert_true(util_is_loopback("::1"));
	assert_true(util_is_loopback("[::1]"));
	assert_false(util_is_loopback("128.0.0.1"));
	assert_false(util_is_loopback("10.0.0.1"));
	assert_false(util_is_loopback("localhost.vng.nl"));
	assert_false(util_is_loopback("127.0.0.1.nip.io"));
	assert_false(util_is_loopback(""));
}

/* A NO to LOGIN or AUTHENTICATE is a refused login; the network's
   errors and the others are not. */
static void
test_refusal(void **state)
{
	static const struct {
		int r;
		bool refusal;
	} rows[] = {
		{MAILIMAP_ERROR_LOGIN, true},
		{MAILIMAP_NO_ERROR, false},
		{MAILIMAP_ERROR_STREAM, false},
		{MAILIMAP_ERROR_CONNECTION_REFUSED, false},
		{MAILIMAP_ERROR_SSL, false},
		{MAILIMAP_ERROR_PARSE, false},
		{MAILIMAP_ERROR_PROTOCOL, false},
		{MAILIMAP_ERROR_SASL, false},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_int_equal(imap_refusal(rows[i].r), rows[i].refusal);
}

/* folder_lookup() of logical on a server that answers NAMESPACE with
   ns and has the folder extra besides INBOX; *name_r its name (heap). */
static enum mailbox_result
lookup(const char *ns, const char *extra, const char *logical, char **name_r,
       char **error_r)
{
	const char *args[] = {SERVER,	  "--namespace", ns,
			      "--folder", extra,	 NULL};
	struct mailbox_settings set = {.type = "imap",
				       .user = "globalgoals",
				       .password = "test-password",
				       .tls_none = true,
				       .timeout = 10};
	enum mailbox_result r;
	char *url;
	void *h;
	pid_t pid;
	int port;

	assert_int_equal(access(PYSERVER_PYTHON, X_OK), 0);
	port = pyserver_start(&pid, tmpdir, "imap", "the IMAP server", args);
	url = xasprintf("imap://127.0.0.1:%d/INBOX", port);
	set.url = url;
	h = imap_ops.open(&set, error_r);
	assert_non_null(h);
	*name_r = NULL;
	r = imap_ops.folder_lookup(h, logical, name_r, error_r);
	imap_ops.close(h);
	pyserver_stop(pid);
	free(url);
	return r;
}

/* The folder's name and whether it exists, on a server that has
   INBOX.Verwerkt: a prefix gets its delimiter, the existence check
   compares names (a '%' in the prefix makes the LIST pattern match
   INBOX.Verwerkt), and a wildcard in the config never reaches it. */
static void
test_names(void **state)
{
	static const struct {
		const char *ns, *logical;
		enum mailbox_result want;
		const char *name; /* or a part of the error */
	} rows[] = {
		{"((\"INBOX.\" \".\")) NIL NIL", "Verwerkt", MAILBOX_OK,
		 "INBOX.Verwerkt"},
		{"((\"INBOX\" \".\")) NIL NIL", "Verwerkt", MAILBOX_OK,
		 "INBOX.Verwerkt"},
		{"((\"IN%.\" \".\")) NIL NIL", "Verwerkt", MAILBOX_GONE,
		 "IN%.Verwerkt"},
		{"((\"INBOX.\" \".\")) NIL NIL", "Verwerkt%", MAILBOX_ERROR,
		 "LIST wildcards"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *name = NULL, *err = NULL;
		enum mailbox_result r = lookup(rows[i].ns, "INBOX.Verwerkt",
					       rows[i].logical, &name, &err);
		bool good = r == MAILBOX_ERROR
				    ? err != NULL &&
					      strstr(err, rows[i].name) != NULL
				    : name != NULL &&
					      strcmp(name, rows[i].name) == 0;

		if (r != rows[i].want || !good)
			fail_msg("%s %s: %d '%s' (%s)", rows[i].ns,
				 rows[i].logical, r, name, err);
		free(name);
		free(err);
	}
}

/* NAMESPACE is optional: a NO or a BAD falls back to the guess (INBOX
   alone at the top with '.': folders under "INBOX."). */
static void
test_namespace_refused(void **state)
{
	static const char *const answers[] = {"NO", "BAD"};
	char *name, *err = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
		enum mailbox_result r = lookup(answers[i], "INBOX.Verwerkt",
					       "Verwerkt", &name, &err);

		if (r != MAILBOX_OK)
			fail_msg("NAMESPACE %s: %d (%s)", answers[i], r, err);
		assert_string_equal(name, "INBOX.Verwerkt");
		free(name);
	}
}

static int
setup(void **state)
{
	(void)state;
	return testdir_make(tmpdir, sizeof(tmpdir), "test-imap", false, NULL);
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
		cmocka_unit_test(test_url),
		cmocka_unit_test(test_bad_url),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_refusal),
		cmocka_unit_test(test_loopback),
		cmocka_unit_test_teardown(test_names, pyserver_stop_all),
		cmocka_unit_test_teardown(test_namespace_refused,
					  pyserver_stop_all),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
