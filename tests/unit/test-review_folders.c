/*
 * Unit tests for the decision folders: the Maildir++ folders they live
 * in, and a pass whose messages leave (or fail, or the server goes away)
 * between the listing and the fetch.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"
#include "fixture.h"
#include "mailbox.h"
#include "review.h"
#include "review_folders.h"
#include "store.h"
#include "testdir.h"
#include "util.h"

/* --- Maildir++ decision folders */

static void
test_maildir_folders(void **state)
{
	/* names that are no folder */
	static const char *const bad[] = {"", "/x", "x/", "a//b", ".x", "a.b"};
	char dir[64], *err = NULL, **keys, *data, *path;
	size_t n, len, size;
	struct mailbox *mb;

	(void)state;
	mb = fixture_maildir(dir, sizeof(dir), "test-review_folders-md");
	/* not there yet: empty, no error */
	assert_int_equal(mailbox_folder_list(mb, "Beoordelen/Goedkeuren", &keys,
					     &n, &err),
			 MAILBOX_OK);
	assert_int_equal(n, 0);
	free(keys);
	assert_int_equal(
		mailbox_folder_create(mb, "Beoordelen/Goedkeuren", &err),
		MAILBOX_OK);
	path = xasprintf("%s/.Beoordelen.Goedkeuren/cur", dir);
	assert_int_equal(access(path, F_OK), 0);
	fixture_put(path, "1000.a.host:2,S", "w", "Subject: a\r\n\r\nx\r\n");
	free(path);
	assert_int_equal(mailbox_folder_list(mb, "Beoordelen/Goedkeuren", &keys,
					     &n, &err),
			 MAILBOX_OK);
	assert_int_equal(n, 1);
	assert_string_equal(keys[0], "1000.a.host");
	util_free_strv(keys, n);
	assert_int_equal(mailbox_folder_fetch(mb, "Beoordelen/Goedkeuren",
					      "1000.a.host", 100, &data, &len,
					      &size, &err),
			 MAILBOX_OK);
	assert_string_equal(data, "Subject: a\r\n\r\nx\r\n");
	free(data);
	assert_int_equal(mailbox_folder_move(mb, "Beoordelen/Goedkeuren",
					     "1000.a.host", "Verwerkt", &err),
			 MAILBOX_OK);
	/* the flags travel with it; gone from the folder */
	path = xasprintf("%s/.Verwerkt/cur/1000.a.host:2,S", dir);
	assert_int_equal(access(path, F_OK), 0);
	free(path);
	assert_int_equal(mailbox_folder_move(mb, "Beoordelen/Goedkeuren",
					     "1000.a.host", "Verwerkt", &err),
			 MAILBOX_GONE);
	for (size_t i = 0; i < nitems(bad); i++) {
		assert_int_equal(mailbox_folder_create(mb, bad[i], &err),
				 MAILBOX_ERROR);
		free(err);
		err = NULL;
	}
	mailbox_close(&mb);
	assert_int_equal(testdir_remove(dir), 0);
}

/* --- a message that leaves a decision folder during the pass */

/* A backend whose decision folders each list two messages that are gone
   (or worse) by the time they are fetched. */
struct leaving {
	enum mailbox_result first, second; /* the two fetches' answers */
	unsigned lists, fetches;
};

static enum mailbox_result
leaving_folder_list(void *h, const char *folder, char ***keys_r, size_t *n_r,
		    char **error_r)
{
	struct leaving *l = h;

	(void)folder;
	(void)error_r;
	l->lists++;
	*keys_r = xcalloc(3, sizeof(**keys_r));
	(*keys_r)[0] = xstrdup("7.1");
	(*keys_r)[1] = xstrdup("7.2");
	*n_r = 2;
	return MAILBOX_OK;
}

static enum mailbox_result
leaving_folder_fetch(void *h, const char *folder, const char *key, size_t max,
		     char **data_r, size_t *len_r, size_t *size_r,
		     char **error_r)
{
	struct leaving *l = h;
	enum mailbox_result r;

	(void)folder;
	(void)max;
	(void)data_r;
	(void)len_r;
	(void)size_r;
	l->fetches++;
	r = strcmp(key, "7.1") == 0 ? l->first : l->second;
	if (r == MAILBOX_ERROR || r == MAILBOX_UNREACHABLE)
		*error_r = xasprintf("cannot fetch %s", key);
	return r;
}

static enum mailbox_result
leaving_folder_move(void *h, const char *folder, const char *key,
		    const char *dest, char **error_r)
{
	(void)h;
	(void)folder;
	(void)key;
	(void)dest;
	(void)error_r;
	fail_msg("nothing is moved");
	return MAILBOX_ERROR;
}

static enum mailbox_result
leaving_folder_create(void *h, const char *folder, char **error_r)
{
	(void)h;
	(void)folder;
	(void)error_r;
	return MAILBOX_OK;
}

static const struct mailbox_ops leaving_ops = {
	.name = "leaving",
	.folder_list = leaving_folder_list,
	.folder_fetch = leaving_folder_fetch,
	.folder_move = leaving_folder_move,
	.folder_create = leaving_folder_create,
};

static void
test_gone_during_pass(void **state)
{
	struct fixture_db *f = *state;
	struct config config;
	struct review r = {&config, NULL, f->s};
	struct leaving l = {MAILBOX_GONE, MAILBOX_ERROR, 0, 0};
	struct mailbox mb = {&leaving_ops, &l, (char *)"INBOX"};
	struct review_stats stats;
	volatile sig_atomic_t stop = 0;
	char *err = NULL;

	memset(&config, 0, sizeof(config));
	config.folder_review = (char *)"Beoordelen";
	config.review_approve = (char *)"Beoordelen/Goedkeuren";
	config.review_reject = (char *)"Beoordelen/Afwijzen";
	config.review_dismiss = (char *)"Beoordelen/Negeren";
	/* the first message left, the second failed: both skipped, and
	   every folder is looked at */
	memset(&stats, 0, sizeof(stats));
	assert_int_equal(
		review_folders_run(&r, &mb, 1617264000, &stop, &stats, &err),
		0);
	assert_null(err);
	assert_int_equal(l.lists, REVIEW_DECISION_COUNT);
	assert_int_equal(l.fetches, 2 * REVIEW_DECISION_COUNT);
	assert_int_equal(stats.failed, REVIEW_DECISION_COUNT);
	assert_int_equal(stats.new_mail, 0);
	/* the server went away: the pass ends at once, and says why */
	l = (struct leaving){MAILBOX_UNREACHABLE, MAILBOX_GONE, 0, 0};
	memset(&stats, 0, sizeof(stats));
	assert_int_equal(
		review_folders_run(&r, &mb, 1617264000, &stop, &stats, &err),
		MAILBOX_UNREACHABLE);
	assert_string_equal(err, "cannot fetch 7.1");
	free(err);
	assert_int_equal(l.lists, 1);
	assert_int_equal(l.fetches, 1);
	assert_int_equal(stats.failed, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_maildir_folders),
		cmocka_unit_test_setup_teardown(test_gone_during_pass,
						fixture_db_setup,
						fixture_db_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
