/*
 * Unit tests for the mailbox front door: every wrapper passes each answer
 * of a backend through and hands it the right arguments, a missing
 * optional op is answered in the wrapper, a folder view works in its
 * folder, and the Maildir backend answers GONE and TIMEOUT.
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
#include <cmocka.h>
#include <sys/stat.h>

#include "defs.h"
#include "mailbox.h"
#include "fixture.h"
#include "testdir.h"
#include "util.h"

/* A backend that answers what it is told and notes what it was asked. */
struct fake {
	enum mailbox_result answer;
	char call[32];	  /* the last op called */
	char folder[64];  /* its folder, or "" */
	char key[64];	  /* its key, or "" */
	uint32_t resumed; /* resume()'s last */
};

static void
note(struct fake *f, const char *call, const char *folder, const char *key)
{
	util_strlcpy(f->call, call, sizeof(f->call));
	util_strlcpy(f->folder, folder != NULL ? folder : "",
		     sizeof(f->folder));
	util_strlcpy(f->key, key != NULL ? key : "", sizeof(f->key));
}

/* The answer, with an error text where the contract wants one. */
static enum mailbox_result
answer(struct fake *f, char **error_r)
{
	if (f->answer == MAILBOX_ERROR || f->answer == MAILBOX_UNREACHABLE)
		*error_r = xasprintf("%s failed", f->call);
	return f->answer;
}

static void
fake_resume(void *h, uint32_t validity, uint32_t last)
{
	struct fake *f = h;

	(void)validity;
	note(f, "resume", NULL, NULL);
	f->resumed = last;
}

static enum mailbox_result
fake_position(void *h, const char *key, uint32_t *validity_r, uint32_t *last_r)
{
	struct fake *f = h;

	note(f, "position", NULL, key);
	*validity_r = 7;
	*last_r = 9;
	return f->answer == MAILBOX_GONE ? MAILBOX_GONE : MAILBOX_OK;
}

static enum mailbox_result
keys(struct fake *f, char ***keys_r, size_t *n_r, char **error_r)
{
	if (f->answer != MAILBOX_OK)
		return answer(f, error_r);
	*keys_r = xcalloc(2, sizeof(**keys_r));
	(*keys_r)[0] = xstrdup("k1");
	*n_r = 1;
	return MAILBOX_OK;
}

static enum mailbox_result
fake_list(void *h, char ***keys_r, size_t *n_r, char **error_r)
{
	note(h, "list", NULL, NULL);
	return keys(h, keys_r, n_r, error_r);
}

static enum mailbox_result
data(struct fake *f, char **data_r, size_t *len_r, size_t *size_r,
     char **error_r)
{
	if (f->answer != MAILBOX_OK)
		return answer(f, error_r);
	*data_r = xstrdup("Subject: x\r\n\r\n");
	*len_r = strlen(*data_r);
	*size_r = *len_r;
	return MAILBOX_OK;
}

static enum mailbox_result
fake_fetch(void *h, const char *key, size_t max, char **data_r, size_t *len_r,
	   size_t *size_r, char **error_r)
{
	(void)max;
	note(h, "fetch", NULL, key);
	return data(h, data_r, len_r, size_r, error_r);
}

static enum mailbox_result
fake_move(void *h, const char *key, const char *folder, char **error_r)
{
	note(h, "move", folder, key);
	return answer(h, error_r);
}

static enum mailbox_result
fake_move_set(void *h, const char *const *k, size_t n, const char *folder,
	      char **error_r)
{
	note(h, "move_set", folder, n > 0 ? k[0] : NULL);
	return answer(h, error_r);
}

static enum mailbox_result
fake_folder_list(void *h, const char *folder, char ***keys_r, size_t *n_r,
		 char **error_r)
{
	note(h, "folder_list", folder, NULL);
	return keys(h, keys_r, n_r, error_r);
}

static enum mailbox_result
fake_folder_fetch(void *h, const char *folder, const char *key, size_t max,
		  char **data_r, size_t *len_r, size_t *size_r, char **error_r)
{
	(void)max;
	note(h, "folder_fetch", folder, key);
	return data(h, data_r, len_r, size_r, error_r);
}

static enum mailbox_result
fake_folder_move(void *h, const char *folder, const char *key, const char *dest,
		 char **error_r)
{
	(void)dest;
	note(h, "folder_move", folder, key);
	return answer(h, error_r);
}

static enum mailbox_result
fake_folder_create(void *h, const char *folder, char **error_r)
{
	note(h, "folder_create", folder, NULL);
	return answer(h, error_r);
}

static enum mailbox_result
fake_wait(void *h, int timeout, volatile sig_atomic_t *stop, char **error_r)
{
	(void)timeout;
	(void)stop;
	note(h, "wait", NULL, NULL);
	return answer(h, error_r);
}

static const struct mailbox_ops fake_ops = {
	.name = "fake",
	.resume = fake_resume,
	.position = fake_position,
	.list = fake_list,
	.fetch = fake_fetch,
	.move = fake_move,
	.move_set = fake_move_set,
	.folder_list = fake_folder_list,
	.folder_fetch = fake_folder_fetch,
	.folder_move = fake_folder_move,
	.folder_create = fake_folder_create,
	.wait = fake_wait,
};

/* Only what every backend must have. */
static const struct mailbox_ops bare_ops = {
	.name = "bare",
	.list = fake_list,
	.fetch = fake_fetch,
	.move = fake_move,
};

/* Checks one answer's out-parameters and frees them. */
static void
check(enum mailbox_result got, enum mailbox_result want, char **err, char ***k,
      size_t n, char **data)
{
	assert_int_equal(got, want);
	if (want == MAILBOX_ERROR || want == MAILBOX_UNREACHABLE) {
		assert_non_null(*err);
		free(*err);
		*err = NULL;
		return;
	}
	assert_null(*err);
	if (k != NULL && want == MAILBOX_OK) {
		assert_int_equal(n, 1);
		assert_string_equal((*k)[0], "k1");
		util_free_strv(*k, n);
	}
	if (data != NULL && want == MAILBOX_OK) {
		assert_string_equal(*data, "Subject: x\r\n\r\n");
		free(*data);
	}
}

static void
test_every_answer(void **state)
{
	static const enum mailbox_result answers[] = {
		MAILBOX_OK, MAILBOX_GONE, MAILBOX_ERROR, MAILBOX_UNREACHABLE};
	static const char *const one[] = {"k1"};
	struct fake f;
	struct mailbox mb = {&fake_ops, &f, (char *)"INBOX"};
	enum mailbox_result r;
	char *err = NULL, **k, *d;
	size_t i, n, len, size;

	(void)state;
	for (i = 0; i < nitems(answers); i++) {
		enum mailbox_result a = answers[i];

		memset(&f, 0, sizeof(f));
		f.answer = a;
		/* the answer first: n is read after the call */
		r = mailbox_list(&mb, &k, &n, &err);
		check(r, a, &err, &k, n, NULL);
		assert_string_equal(f.call, "list");
		check(mailbox_fetch(&mb, "k1", 100, &d, &len, &size, &err), a,
		      &err, NULL, 0, &d);
		assert_string_equal(f.key, "k1");
		check(mailbox_move(&mb, "k2", "Verwerkt", &err), a, &err, NULL,
		      0, NULL);
		assert_string_equal(f.call, "move");
		assert_string_equal(f.folder, "Verwerkt");
		assert_string_equal(f.key, "k2");
		check(mailbox_move_set(&mb, one, 1, "Genegeerd", &err), a, &err,
		      NULL, 0, NULL);
		assert_string_equal(f.call, "move_set");
		assert_string_equal(f.folder, "Genegeerd");
		r = mailbox_folder_list(&mb, "B/G", &k, &n, &err);
		check(r, a, &err, &k, n, NULL);
		assert_string_equal(f.folder, "B/G");
		check(mailbox_folder_fetch(&mb, "B/A", "k3", 100, &d, &len,
					   &size, &err),
		      a, &err, NULL, 0, &d);
		assert_string_equal(f.call, "folder_fetch");
		assert_string_equal(f.folder, "B/A");
		assert_string_equal(f.key, "k3");
		check(mailbox_folder_move(&mb, "B/N", "k4", "Verwerkt", &err),
		      a, &err, NULL, 0, NULL);
		assert_string_equal(f.call, "folder_move");
		assert_string_equal(f.folder, "B/N");
		assert_string_equal(f.key, "k4");
		check(mailbox_folder_create(&mb, "B", &err), a, &err, NULL, 0,
		      NULL);
		assert_string_equal(f.call, "folder_create");
	}
	/* a wait has its own answers */
	f.answer = MAILBOX_OK;
	check(mailbox_wait(&mb, 1, NULL, &err), MAILBOX_OK, &err, NULL, 0,
	      NULL);
	f.answer = MAILBOX_TIMEOUT;
	check(mailbox_wait(&mb, 1, NULL, &err), MAILBOX_TIMEOUT, &err, NULL, 0,
	      NULL);
	f.answer = MAILBOX_ERROR;
	check(mailbox_wait(&mb, 1, NULL, &err), MAILBOX_ERROR, &err, NULL, 0,
	      NULL);
	assert_string_equal(f.call, "wait");
}

static void
test_position(void **state)
{
	struct fake f;
	struct mailbox mb = {&fake_ops, &f, (char *)"INBOX"};
	uint32_t validity = 0, last = 0;

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_true(mailbox_has_position(&mb));
	mailbox_resume(&mb, 7, 5);
	assert_int_equal(f.resumed, 5);
	assert_int_equal(mailbox_position(&mb, "7.9", &validity, &last),
			 MAILBOX_OK);
	assert_string_equal(f.key, "7.9");
	assert_int_equal(validity, 7);
	assert_int_equal(last, 9);
	f.answer = MAILBOX_GONE; /* not one of its keys */
	assert_int_equal(mailbox_position(&mb, "x", &validity, &last),
			 MAILBOX_GONE);
}

static void
test_missing_ops(void **state)
{
	static const char *const one[] = {"k1"};
	struct fake f;
	struct mailbox mb = {&bare_ops, &f, (char *)"INBOX"};
	char *err = NULL, **k, *d;
	size_t n, len, size;
	uint32_t validity, last;

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_false(mailbox_has_position(&mb));
	assert_false(mailbox_has_folders(&mb));
	assert_false(mailbox_has_move_set(&mb));
	/* no position: nothing to resume, nothing to save */
	mailbox_resume(&mb, 1, 2);
	assert_string_equal(f.call, "");
	assert_int_equal(mailbox_position(&mb, "1.2", &validity, &last),
			 MAILBOX_GONE);
	assert_int_equal(mailbox_folder_list(&mb, "B", &k, &n, &err),
			 MAILBOX_ERROR);
	assert_string_equal(err, "the bare mailbox has no folders");
	free(err);
	err = NULL;
	assert_int_equal(
		mailbox_folder_fetch(&mb, "B", "k", 10, &d, &len, &size, &err),
		MAILBOX_ERROR);
	assert_string_equal(err, "the bare mailbox has no folders");
	free(err);
	err = NULL;
	assert_int_equal(mailbox_folder_move(&mb, "B", "k", "V", &err),
			 MAILBOX_ERROR);
	assert_string_equal(err, "the bare mailbox has no folders");
	free(err);
	err = NULL;
	assert_int_equal(mailbox_folder_create(&mb, "B", &err), MAILBOX_ERROR);
	assert_string_equal(err, "the bare mailbox has no folders");
	free(err);
	err = NULL;
	assert_int_equal(mailbox_move_set(&mb, one, 1, "V", &err),
			 MAILBOX_ERROR);
	assert_string_equal(err, "the bare mailbox has no set moves");
	free(err);
	err = NULL;
	assert_int_equal(mailbox_wait(&mb, 1, NULL, &err), MAILBOX_ERROR);
	assert_string_equal(err,
			    "the bare mailbox has no way to wait for mail");
	free(err);
	err = NULL;
	/* nothing reached the backend */
	assert_string_equal(f.call, "");
	/* and no folder can be seen as a mailbox */
	assert_null(mailbox_view_open(&mb, "B", NULL, 0, &err));
	assert_string_equal(err, "the bare mailbox has no folders");
	free(err);
}

static void
test_view(void **state)
{
	static char *const given[] = {(char *)"a", (char *)"b"};
	struct fake f;
	struct mailbox mb = {&fake_ops, &f, (char *)"INBOX"};
	struct mailbox *view;
	char *err = NULL, **k, *d;
	size_t n, len, size;

	(void)state;
	memset(&f, 0, sizeof(f));
	view = mailbox_view_open(&mb, "Beoordelen/Goedkeuren", given, 2, &err);
	assert_non_null(view);
	assert_string_equal(view->name, "Beoordelen/Goedkeuren");
	assert_false(mailbox_has_folders(view));
	assert_false(mailbox_has_position(view));
	/* the given keys, not the folder's */
	assert_int_equal(mailbox_list(view, &k, &n, &err), MAILBOX_OK);
	assert_int_equal(n, 2);
	assert_string_equal(k[0], "a");
	assert_string_equal(k[1], "b");
	util_free_strv(k, n);
	assert_string_equal(f.call, "");
	/* fetch and move work in the folder */
	assert_int_equal(mailbox_fetch(view, "a", 100, &d, &len, &size, &err),
			 MAILBOX_OK);
	free(d);
	assert_string_equal(f.call, "folder_fetch");
	assert_string_equal(f.folder, "Beoordelen/Goedkeuren");
	assert_string_equal(f.key, "a");
	f.answer = MAILBOX_GONE;
	assert_int_equal(mailbox_move(view, "b", "Verwerkt", &err),
			 MAILBOX_GONE);
	assert_string_equal(f.call, "folder_move");
	assert_string_equal(f.folder, "Beoordelen/Goedkeuren");
	assert_string_equal(f.key, "b");
	f.answer = MAILBOX_UNREACHABLE;
	assert_int_equal(mailbox_fetch(view, "a", 100, &d, &len, &size, &err),
			 MAILBOX_UNREACHABLE);
	assert_string_equal(err, "folder_fetch failed");
	free(err);
	mailbox_close(&view);
	assert_null(view);
}

/* A Maildir mailbox in a new folder dir (64 bytes), set as its settings. */
static void
test_maildir_answers(void **state)
{
	struct mailbox_settings set;
	struct mailbox *mb;
	volatile sig_atomic_t stop = 0;
	char dir[64], *err = NULL, **k, *d;
	size_t n, len, size;

	(void)state;
	mb = fixture_maildir(dir, sizeof(dir), "test-mailbox");
	assert_string_equal(mb->name, "INBOX");
	assert_true(mailbox_has_folders(mb));
	assert_false(mailbox_has_position(mb));
	assert_false(mailbox_has_move_set(mb));
	assert_int_equal(mailbox_list(mb, &k, &n, &err), MAILBOX_OK);
	assert_int_equal(n, 0);
	util_free_strv(k, n);
	/* a key that names nothing: gone, and no error text */
	assert_int_equal(mailbox_fetch(mb, "1.x", 10, &d, &len, &size, &err),
			 MAILBOX_GONE);
	assert_int_equal(mailbox_move(mb, "1.x", "Verwerkt", &err),
			 MAILBOX_GONE);
	assert_null(err);
	assert_int_equal(mailbox_wait(mb, 0, &stop, &err), MAILBOX_TIMEOUT);
	mailbox_close(&mb);
	assert_null(mb);
	memset(&set, 0, sizeof(set));
	set.type = "mbox";
	set.maildir = dir;
	assert_null(mailbox_open(&set, &err));
	assert_string_equal(err, "unknown mailbox type 'mbox'");
	free(err);
	assert_int_equal(testdir_remove(dir), 0);
}

/* lookup FOLDER: the Maildir's name of it, relative to dir; "" when
   refused; the answer in *r */
static char *
lookup(struct mailbox *mb, const char *dir, const char *folder,
       enum mailbox_result *r)
{
	char *name = NULL, *err = NULL, *rel;

	*r = mailbox_folder_lookup(mb, folder, &name, &err);
	if (*r == MAILBOX_ERROR) {
		assert_null(name);
		assert_non_null(strstr(err, "contains '.'"));
		free(err);
		return xstrdup("");
	}
	assert_null(err);
	assert_memory_equal(name, dir, strlen(dir));
	rel = xstrdup(name + strlen(dir));
	free(name);
	return rel;
}

static void
test_maildir_names(void **state)
{
	static const char old[] = "Afgewezen \xe2\x80\x93 oud";
	struct mailbox *mb;
	enum mailbox_result r;
	char dir[64], *err = NULL, *name, *path;

	(void)state;
	mb = fixture_maildir(dir, sizeof(dir), "test-mailbox");
	/* Maildir++: '.' between the levels, missing until created */
	name = lookup(mb, dir, "Beoordelen/Goedkeuren", &r);
	assert_string_equal(name, "/.Beoordelen.Goedkeuren");
	assert_int_equal(r, MAILBOX_GONE);
	free(name);
	assert_int_equal(
		mailbox_folder_create(mb, "Beoordelen/Goedkeuren", &err),
		MAILBOX_OK);
	name = lookup(mb, dir, "Beoordelen/Goedkeuren", &r);
	assert_int_equal(r, MAILBOX_OK);
	free(name);
	/* non-ASCII in modified UTF-7, as Dovecot and Courier write it */
	name = lookup(mb, dir, old, &r);
	assert_string_equal(name, "/.Afgewezen &IBM- oud");
	assert_int_equal(r, MAILBOX_GONE);
	free(name);
	/* a UTF-8 folder made by an earlier version is used as it is */
	path = xasprintf("%s/.%s", dir, old);
	assert_int_equal(mkdir(path, 0700), 0);
	free(path);
	name = lookup(mb, dir, old, &r);
	assert_string_equal(name, "/.Afgewezen \xe2\x80\x93 oud");
	assert_int_equal(r, MAILBOX_OK);
	free(name);
	/* '.' is the delimiter on disk: no level may hold it */
	name = lookup(mb, dir, "Genegeerd.oud", &r);
	assert_string_equal(name, "");
	assert_int_equal(r, MAILBOX_ERROR);
	free(name);
	assert_int_equal(mailbox_move(mb, "1.x", "Genegeerd.oud", &err),
			 MAILBOX_ERROR);
	assert_non_null(strstr(err, "contains '.'"));
	free(err);
	mailbox_close(&mb);
	assert_int_equal(testdir_remove(dir), 0);
}

/* Delivery order within one second, as each delivery agent writes its
   names (listed in the order they were delivered): Postfix local
   (V, I in hex, then M and the microsecond), Exim (H and the
   microsecond), Dovecot LDA and getmail (M first), mbsync and procmail
   (pid_serial), and a name without any of these.  Files are created in
   an order unlike the delivery's. */
static const char *const delivered[] = {
	"1617181919.999999.other:2,",
	"1617181920.V801I124M000005.mx",
	"1617181920.H9P44.mx",
	"1617181920.M40P789.mx,S=1234,W=1260:2,",
	"1617181920.V801I123M456789.mx",
	"1617181920.H456790P12.mx",
	"1617181920.M999999P1Q2R0abc.mx",
	"1617181921.123_4.mx,U=5:2,S",
	"1617181921.123_10.mx,U=6:2,S",
	"9999999999.M1P1.future",
};

static void
test_maildir_order(void **state)
{
	static const size_t made[] = {9, 4, 2, 0, 7, 1, 8, 5, 3, 6};
	struct mailbox *mb;
	char dir[64], *err = NULL, **k, *path, *want;
	size_t n, i;
	FILE *f;

	(void)state;
	mb = fixture_maildir(dir, sizeof(dir), "test-mailbox");
	for (i = 0; i < nitems(made); i++) {
		const char *name = delivered[made[i]];

		path = xasprintf("%s/%s/%s", dir,
				 strchr(name, ':') != NULL ? "cur" : "new",
				 name);
		f = fopen(path, "w");
		assert_non_null(f);
		fputs("Subject: x\r\n\r\nx\r\n", f);
		assert_int_equal(fclose(f), 0);
		free(path);
	}
	assert_int_equal(mailbox_list(mb, &k, &n, &err), MAILBOX_OK);
	assert_int_equal(n, nitems(delivered));
	for (i = 0; i < n; i++) {
		want = xstrndup(delivered[i], strcspn(delivered[i], ":"));
		print_message("%zu: %s\n", i, k[i]);
		assert_string_equal(k[i], want);
		free(want);
	}
	util_free_strv(k, n);
	mailbox_close(&mb);
	assert_int_equal(testdir_remove(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_answer),
		cmocka_unit_test(test_position),
		cmocka_unit_test(test_missing_ops),
		cmocka_unit_test(test_view),
		cmocka_unit_test(test_maildir_answers),
		cmocka_unit_test(test_maildir_names),
		cmocka_unit_test(test_maildir_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
