/*
 * The IMAP backend's batches against a real Dovecot (tests/servers): 250
 * messages of mixed sizes, fetched in order in batches of at most 100
 * messages or 8 MB, each batch's UID FETCH sent while the one before is
 * worked on.  Every message arrives with its own bytes, an oversize one
 * by its header; a move while a batch is on its way (of a message
 * fetched, and of one not yet fetched, which is then gone) reads or
 * drops that batch first, and the fetching goes on.
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

#include "mailbox.h"
#include "testdir.h"
#include "util.h"

#define N_MAIL 250
#define OVERSIZE 150	  /* this message is larger than MAX */
#define MAX (300u * 1024) /* what fetch is given */
#define MOVED_DONE 10	  /* moved after it was fetched */
#define MOVED_AHEAD 200	  /* moved before it was fetched */
#define MOVE_AT 130	  /* after this many fetches */

static char dir[256];
static char env_port[16], env_user[64], env_password[128], env_ca[512],
	env_maildir[512], env_owner[64];

/* The text of message i: a Message-ID to know it by, and a body of a
   size that varies from a line to 200 KB (OVERSIZE: over MAX). */
static char *
message(size_t i, size_t *len_r)
{
	size_t body = i == OVERSIZE ? 400 * 1024 : (i * 37 % 11) * 20480 + i;
	size_t cap = body + 512, len, line;
	char *m = xmalloc(cap);

	len = (size_t)snprintf(m, cap,
			       "From: <p%zu@example.org>\r\n"
			       "Subject: pipeline %zu\r\n"
			       "Message-ID: <p%zu@test.example>\r\n\r\n",
			       i, i, i);
	for (line = 0; len + 80 < cap - 3 && line * 78 < body; line++)
		len += (size_t)snprintf(m + len, cap - len, "%03zu%074zu\r\n",
					i % 1000, line);
	*len_r = len;
	return m;
}

/* VALUE of NAME='VALUE' in dir/dovecot/env. */
static void
env_read(const char *name, char *value, size_t size)
{
	char path[512], line[1024];
	size_t nlen = strlen(name);
	FILE *f;

	snprintf(path, sizeof(path), "%s/dovecot/env", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	value[0] = '\0';
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, name, nlen) == 0 && line[nlen] == '=' &&
		    line[nlen + 1] == '\'') {
			util_strlcpy(value, line + nlen + 2, size);
			value[strcspn(value, "'")] = '\0';
		}
	}
	fclose(f);
}

static int
setup(void **state)
{
	char cmd[1024];

	(void)state;
	if (testdir_make(dir, sizeof(dir), "test-imap_pipeline", false, NULL) ==
	    -1)
		return -1;
	snprintf(cmd, sizeof(cmd),
		 "sh %s/tests/servers/dovecot.sh start %s/dovecot "
		 ">%s/start.log 2>&1",
		 TOP_SRCDIR, dir, dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "# Dovecot did not start: see %s/start.log\n",
			dir);
		return -1;
	}
	env_read("IMAPS_PORT", env_port, sizeof(env_port));
	env_read("IMAP_USER", env_user, sizeof(env_user));
	env_read("IMAP_PASSWORD", env_password, sizeof(env_password));
	env_read("CA_FILE", env_ca, sizeof(env_ca));
	env_read("MAILDIR", env_maildir, sizeof(env_maildir));
	env_read("DOVECOT_MAIL_USER", env_owner, sizeof(env_owner));
	return 0;
}

static int
teardown(void **state)
{
	char cmd[1024];

	(void)state;
	snprintf(cmd, sizeof(cmd),
		 "sh %s/tests/servers/dovecot.sh stop %s/dovecot >/dev/null "
		 "2>&1",
		 TOP_SRCDIR, dir);
	(void)system(cmd);
	return testdir_remove(dir);
}

/* The messages into the Maildir Dovecot serves, as a delivery agent
   puts them there. */
static void
deliver_all(void)
{
	char path[768], cmd[1200];
	size_t i, len;

	for (i = 0; i < N_MAIL; i++) {
		char *m = message(i, &len);
		FILE *f;

		snprintf(path, sizeof(path), "%s/new/1600000000.p%03zu.test",
			 env_maildir, i);
		f = fopen(path, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(m, 1, len, f), len);
		assert_int_equal(fclose(f), 0);
		free(m);
	}
	if (env_owner[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "chown -R %s %s 2>/dev/null",
			 env_owner, env_maildir);
		(void)system(cmd);
	}
}

/* Which message data is, by its Message-ID; -1 for none. */
static long
which(const char *data)
{
	const char *p = strstr(data, "Message-ID: <p");

	return p == NULL ? -1 : strtol(p + 14, NULL, 10);
}

/* Fetches key and checks it is message's bytes (its header only when
   oversize); the number of the message. */
static long
fetch_check(struct mailbox *mb, const char *key, bool *seen)
{
	char *data = NULL, *err = NULL, *want;
	size_t len = 0, size = 0, want_len;
	long i;

	assert_int_equal(mailbox_fetch(mb, key, MAX, &data, &len, &size, &err),
			 MAILBOX_OK);
	i = which(data);
	assert_true(i >= 0 && i < N_MAIL);
	assert_false(seen[i]);
	seen[i] = true;
	want = message((size_t)i, &want_len);
	assert_int_equal(size, want_len);
	if (i == OVERSIZE) {
		/* the header alone, up to and with its blank line */
		assert_true(len < want_len);
		assert_memory_equal(data, want, len);
		assert_memory_equal(data + len - 4, "\r\n\r\n", 4);
	} else {
		assert_int_equal(len, want_len);
		assert_memory_equal(data, want, len);
	}
	free(want);
	free(data);
	return i;
}

static void
move(struct mailbox *mb, const char *key)
{
	char *err = NULL;

	assert_int_equal(mailbox_move(mb, key, "Verwerkt", &err), MAILBOX_OK);
}

static void
test_batches(void **state)
{
	struct mailbox_settings set;
	struct mailbox *mb;
	bool seen[N_MAIL] = {false};
	char url[128], **keys = NULL, **moved = NULL, *err = NULL;
	char *ahead_key;
	size_t n = 0, n_moved = 0, i, fetched = 0;
	char *data;
	size_t len, size;

	(void)state;
	deliver_all();
	snprintf(url, sizeof(url), "imaps://localhost:%s/INBOX", env_port);
	memset(&set, 0, sizeof(set));
	set.type = "imap";
	set.url = url;
	set.user = env_user;
	set.password = env_password;
	set.ca_file = env_ca;
	set.timeout = 20;
	mb = mailbox_open(&set, &err);
	assert_non_null(mb);
	assert_int_equal(mailbox_list(mb, &keys, &n, &err), MAILBOX_OK);
	assert_int_equal(n, N_MAIL);
	for (i = 0; i < MOVE_AT; i++) {
		fetch_check(mb, keys[i], seen);
		fetched++;
	}
	/* a batch is on its way now: the moves come first */
	move(mb, keys[MOVED_DONE]);
	ahead_key = keys[MOVED_AHEAD];
	move(mb, ahead_key);
	for (; i < n; i++) {
		if (keys[i] == ahead_key) {
			assert_int_equal(mailbox_fetch(mb, keys[i], MAX, &data,
						       &len, &size, &err),
					 MAILBOX_GONE);
			continue;
		}
		fetch_check(mb, keys[i], seen);
		fetched++;
	}
	assert_int_equal(fetched, N_MAIL - 1);
	assert_int_equal(
		mailbox_folder_list(mb, "Verwerkt", &moved, &n_moved, &err),
		MAILBOX_OK);
	assert_int_equal(n_moved, 2);
	util_free_strv(moved, n_moved);
	/* and the inbox answers as before */
	util_free_strv(keys, n);
	assert_int_equal(mailbox_list(mb, &keys, &n, &err), MAILBOX_OK);
	assert_int_equal(n, N_MAIL - 2);
	util_free_strv(keys, n);
	mailbox_close(&mb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batches),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
