/*
 * aanmeld-web's parts that need no server: the one HTML escaping
 * function, the session table with its cookie and CSRF token, the
 * limit on failed logins, the users file (its lock, its owner, the
 * server's view of it) and the loading of a TLS certificate and key.
 */
#include "autoconf.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <pwd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "fixture.h"
#include "testdir.h"
#include "userfile.h"
#include "util.h"
#include "web_accounts.h"
#include "web_html.h"
#include "web_limit.h"
#include "web_session.h"
#include "web_tls.h"

static char *
escaped(const char *s)
{
	struct buf b;

	buf_init(&b, 4096);
	assert_int_equal(web_html_escape(&b, s), 0);
	return buf_steal(&b);
}

static void
test_escape_table(void **state)
{
	static const struct {
		const char *in, *out;
	} rows[] = {
		{"Utrecht", "Utrecht"},
		{"<script>alert(1)</script>",
		 "&lt;script&gt;alert(1)&lt;/script&gt;"},
		{"\"><img src=x onerror=alert(1)>",
		 "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"},
		{"O'Brien & Zn", "O&#39;Brien &amp; Zn"},
		/* an entity stays text: &amp; shows as written */
		{"GG &amp; lokale", "GG &amp;amp; lokale"},
		/* controls and a bidi override shown as the terminal shows
		   them, and no line break forges a row */
		{"Zwolle\r\n<b>", "Zwolle\\r\\n&lt;b&gt;"},
		{"a\xe2\x80\xae"
		 "lnk",
		 "a\\u202elnk"},
		{"\x1b[2J", "\\x1b[2J"},
		{"Gemeente 's-Hertogenbosch", "Gemeente &#39;s-Hertogenbosch"},
		{"Súdwest-Fryslân", "Súdwest-Fryslân"},
	};
	size_t i;
	char *out;

	for (i = 0; i < nitems(rows); i++) {
		out = escaped(rows[i].in);
		assert_string_equal(out, rows[i].out);
		free(out);
	}
	out = escaped(NULL);
	assert_string_equal(out, "");
	free(out);
}

/* Every Subject and From of the corpus becomes text: no < > " ' or a
   bare & is left to start markup. */
static void
test_escape_corpus(void **state)
{
	static const char *const files[] = {
		"010-zeist-amp-entity.eml",
		"001-utrecht-plain.eml",
		"048-lookalike-nijmengen-typo.eml",
		"090-nul-byte-in-subject.eml",
	};
	char *path, *text, *cursor, *line, *out, *p;
	const char *err = NULL;
	size_t i, len, seen = 0;

	for (i = 0; i < nitems(files); i++) {
		path = xasprintf("%s/tests/data/mail/%s", TOP_SRCDIR, files[i]);
		text = util_read_file(path, 1 << 20, &len, &err);
		assert_non_null(text);
		cursor = text;
		while ((line = util_next_line(&cursor)) != NULL) {
			if (strncmp(line, "Subject:", 8) != 0 &&
			    strncmp(line, "From:", 5) != 0)
				continue;
			seen++;
			out = escaped(line);
			assert_null(strpbrk(out, "<>\"'"));
			for (p = strchr(out, '&'); p != NULL;
			     p = strchr(p + 1, '&'))
				assert_true(strncmp(p, "&amp;", 5) == 0 ||
					    strncmp(p, "&lt;", 4) == 0 ||
					    strncmp(p, "&gt;", 4) == 0 ||
					    strncmp(p, "&quot;", 6) == 0 ||
					    strncmp(p, "&#39;", 5) == 0);
			free(out);
		}
		free(text);
		free(path);
	}
	assert_true(seen >= nitems(files) * 2);
}

static void
test_escape_limit(void **state)
{
	struct buf b;

	buf_init(&b, 8);
	assert_int_equal(web_html_escape(&b, "<<<"), -1);
	buf_deinit(&b);
}

static char *
cut(const char *s, size_t max)
{
	struct buf b;

	buf_init(&b, 64 * 1024);
	assert_int_equal(web_html_escape_cut(&b, s, max), 0);
	return buf_steal(&b);
}

/* A list's cell: whole when short, else cut on a character with "…";
   a run of stray continuation bytes cannot make one character long. */
static void
test_escape_cut(void **state)
{
	char stray[4096], *v;

	(void)state;
	v = cut("<ab>", 4);
	assert_string_equal(v, "&lt;ab&gt;");
	free(v);
	v = cut("<abc>", 3);
	assert_string_equal(v, "&lt;ab…");
	free(v);
	v = cut("\xc3\xa9\xc3\xa9\xc3\xa9", 2);
	assert_string_equal(v, "\xc3\xa9\xc3\xa9…");
	free(v);
	v = cut("", 0);
	assert_string_equal(v, "");
	free(v);
	memset(stray, 0x80, sizeof(stray) - 1);
	stray[0] = 'a';
	stray[sizeof(stray) - 1] = '\0';
	v = cut(stray, 2);
	/* "a", three stray bytes and then the next three, as \xHH */
	assert_string_equal(v, "a\\x80\\x80\\x80\\x80\\x80\\x80\\x80…");
	free(v);
}

static void
test_cookie_parse(void **state)
{
	static const char id[] = "0123456789abcdef0123456789abcdef"
				 "0123456789abcdef0123456789abcdef";
	char got[WEB_SESSION_ID_LEN + 1], *h;

	h = xasprintf("__Host-aanmeld_session=%s", id);
	assert_int_equal(web_session_cookie_id(h, got), 0);
	assert_string_equal(got, id);
	free(h);
	h = xasprintf("theme=dark; __Host-aanmeld_session=%s; lang=nl", id);
	assert_int_equal(web_session_cookie_id(h, got), 0);
	assert_string_equal(got, id);
	free(h);
	/* the wrong name, length, case or characters */
	h = xasprintf("xaanmeld_session=%s", id);
	assert_int_equal(web_session_cookie_id(h, got), -1);
	free(h);
	h = xasprintf("__Host-aanmeld_session=%sa", id);
	assert_int_equal(web_session_cookie_id(h, got), -1);
	free(h);
	h = xasprintf("__Host-aanmeld_session=%.63s", id);
	assert_int_equal(web_session_cookie_id(h, got), -1);
	free(h);
	h = xasprintf("__Host-aanmeld_session=%.63sG", id);
	assert_int_equal(web_session_cookie_id(h, got), -1);
	free(h);
	assert_int_equal(web_session_cookie_id("", got), -1);
	assert_int_equal(web_session_cookie_id("__Host-aanmeld_session", got),
			 -1);
	assert_int_equal(web_session_cookie_id("__Host-aanmeld_session=", got),
			 -1);
	/* the old name without the prefix is no longer ours */
	h = xasprintf("aanmeld_session=%s", id);
	assert_int_equal(web_session_cookie_id(h, got), -1);
	free(h);
	assert_int_equal(web_session_cookie_id("a=1;;; ;", got), -1);
}

static void
test_session_cookie_and_expiry(void **state)
{
	struct web_sessions *t = xmalloc(sizeof(*t));
	struct web_session *s, *other;
	char cookie[WEB_SESSION_SET_COOKIE_MAX], *header;
	const char *set;

	web_session_init(t, 600, 3600);
	s = web_session_new(t, "anna", 1000);
	assert_non_null(s);
	assert_string_equal(s->user, "anna");
	assert_int_equal(strlen(s->id), WEB_SESSION_ID_LEN);
	assert_int_equal(strlen(s->csrf), WEB_SESSION_ID_LEN);
	assert_string_not_equal(s->id, s->csrf);
	set = web_session_set_cookie(s, cookie, sizeof(cookie));
	assert_non_null(strstr(set, "; HttpOnly"));
	assert_non_null(strstr(set, "; Secure"));
	assert_non_null(strstr(set, "; SameSite=Strict"));
	/* what the __Host- prefix asks of it */
	assert_true(strncmp(set, "__Host-", 7) == 0);
	assert_non_null(strstr(set, "; Path=/;"));
	assert_null(strstr(set, "Domain"));
	assert_non_null(
		strstr(web_session_set_cookie(NULL, NULL, 0), "Max-Age=0"));
	header = xasprintf("__Host-aanmeld_session=%s", s->id);
	/* each request starts the idle time again */
	assert_ptr_equal(web_session_find(t, header, 1599), s);
	assert_ptr_equal(web_session_find(t, header, 2198), s);
	/* idle 600 s: gone, and it stays gone */
	assert_null(web_session_find(t, header, 2798));
	assert_null(web_session_find(t, header, 2000));
	assert_null(web_session_find(t, NULL, 2000));
	free(header);
	/* a second login gets another id */
	s = web_session_new(t, "anna", 3000);
	other = web_session_new(t, "bert", 3000);
	assert_string_not_equal(s->id, other->id);
	header = xasprintf("__Host-aanmeld_session=%s", other->id);
	web_session_end(other);
	assert_null(web_session_find(t, header, 3001));
	free(header);
	free(t);
}

/* However busy, a session ends max seconds after its login. */
static void
test_session_max(void **state)
{
	struct web_sessions *t = xmalloc(sizeof(*t));
	struct web_session *s;
	char *header;
	time_t now;

	(void)state;
	web_session_init(t, 600, 3600);
	s = web_session_new(t, "anna", 1000);
	assert_non_null(s);
	header = xasprintf("__Host-aanmeld_session=%s", s->id);
	for (now = 1500; now < 1000 + 3600; now += 500)
		assert_ptr_equal(web_session_find(t, header, now), s);
	assert_ptr_equal(web_session_find(t, header, 1000 + 3599), s);
	assert_null(web_session_find(t, header, 1000 + 3600));
	assert_null(web_session_find(t, header, 1000 + 3601));
	free(header);
	free(t);
}

/* One account logging in again and again cannot push a colleague out
   of a full table: it ends its own sessions, the one idle longest
   first.  Many accounts still share the table, the one idle longest
   giving way. */
static void
test_session_per_user(void **state)
{
	struct web_sessions *t = xmalloc(sizeof(*t));
	struct web_session *s, *mine[WEB_SESSION_PER_USER];
	char *bert, *first, name[16];
	time_t now = 1000;
	int i;

	(void)state;
	web_session_init(t, 600, 3600);
	s = web_session_new(t, "bert", now);
	assert_non_null(s);
	bert = xasprintf("__Host-aanmeld_session=%s", s->id);
	s = web_session_new(t, "anna", ++now);
	first = xasprintf("__Host-aanmeld_session=%s", s->id);
	for (i = 0; i < 2 * WEB_SESSION_MAX; i++) {
		s = web_session_new(t, "anna", ++now);
		assert_non_null(s);
		mine[i % WEB_SESSION_PER_USER] = s;
	}
	assert_ptr_not_equal(web_session_find(t, bert, now), NULL);
	assert_null(web_session_find(t, first, now));
	/* her last ones live on, each in a slot of its own */
	for (i = 0; i < WEB_SESSION_PER_USER; i++) {
		char *h = xasprintf("__Host-aanmeld_session=%s", mine[i]->id);

		assert_ptr_equal(web_session_find(t, h, now), mine[i]);
		free(h);
	}
	/* a full table of other accounts: bert, idle longest, gives way */
	for (i = 0; i < WEB_SESSION_MAX; i++) {
		(void)snprintf(name, sizeof(name), "collega%d", i);
		assert_non_null(web_session_new(t, name, ++now));
	}
	assert_null(web_session_find(t, bert, now));
	free(bert);
	free(first);
	free(t);
}

static void
test_csrf(void **state)
{
	struct web_sessions *t = xmalloc(sizeof(*t));
	struct web_session *a, *b;
	char token[WEB_SESSION_ID_LEN + 1];

	web_session_init(t, 600, 3600);
	a = web_session_new(t, "anna", 1000);
	b = web_session_new(t, "bert", 1000);
	assert_true(web_session_csrf_ok(a, a->csrf));
	/* bound to its session: another's token does not do */
	assert_false(web_session_csrf_ok(a, b->csrf));
	assert_false(web_session_csrf_ok(a, NULL));
	assert_false(web_session_csrf_ok(a, ""));
	util_strlcpy(token, a->csrf, sizeof(token));
	token[WEB_SESSION_ID_LEN - 1] ^= 1;
	assert_false(web_session_csrf_ok(a, token));
	token[WEB_SESSION_ID_LEN - 1] = '\0';
	assert_false(web_session_csrf_ok(a, token));
	util_strlcpy(token, a->csrf, sizeof(token));
	web_session_end(a);
	assert_false(web_session_csrf_ok(a, token));
	free(t);
}

static void
test_limit(void **state)
{
	struct web_limit *l = xmalloc(sizeof(*l));
	char *long_a = xmalloc(WEB_LIMIT_KEY_MAX + 10);
	unsigned i;

	(void)state;
	web_limit_init(l, 5);
	for (i = 1; i < 5; i++)
		assert_int_equal(web_limit_fail(l, "192.0.2.1", 100), i);
	assert_true(web_limit_allowed(l, "192.0.2.1", 100));
	assert_int_equal(web_limit_fail(l, "192.0.2.1", 100), 5);
	assert_false(web_limit_allowed(l, "192.0.2.1", 100));
	/* another key is not held back */
	assert_true(web_limit_allowed(l, "192.0.2.2", 100));
	assert_false(
		web_limit_allowed(l, "192.0.2.1", 100 + WEB_LIMIT_WINDOW - 1));
	assert_true(web_limit_allowed(l, "192.0.2.1", 100 + WEB_LIMIT_WINDOW));
	/* clearing one key leaves the others */
	for (i = 0; i < 5; i++) {
		(void)web_limit_fail(l, "anna", 100);
		(void)web_limit_fail(l, "bert", 100);
	}
	web_limit_clear(l, "anna");
	assert_true(web_limit_allowed(l, "anna", 100));
	assert_false(web_limit_allowed(l, "bert", 100));
	/* a key too long to store is cut, not overflowed */
	memset(long_a, 'a', WEB_LIMIT_KEY_MAX + 9);
	long_a[WEB_LIMIT_KEY_MAX + 9] = '\0';
	for (i = 0; i < 5; i++)
		(void)web_limit_fail(l, long_a, 100);
	assert_false(web_limit_allowed(l, long_a, 100));
	free(long_a);
	/* a full table of new keys, each failing once, does not free a
	   locked one: the fewest failures give way first */
	web_limit_init(l, 5);
	for (i = 0; i < 5; i++)
		(void)web_limit_fail(l, "anna", 100);
	for (i = 0; i < 2 * WEB_LIMIT_SLOTS; i++) {
		char key[32];

		(void)snprintf(key, sizeof(key), "naam%u", i);
		(void)web_limit_fail(l, key, 101 + i);
	}
	assert_false(web_limit_allowed(l, "anna", 101 + i));
	/* the limit is the table's own */
	web_limit_init(l, 20);
	for (i = 0; i < 19; i++)
		(void)web_limit_fail(l, "192.0.2.1", 100);
	assert_true(web_limit_allowed(l, "192.0.2.1", 100));
	(void)web_limit_fail(l, "192.0.2.1", 100);
	assert_false(web_limit_allowed(l, "192.0.2.1", 100));
	free(l);
}

static void
test_userfile(void **state)
{
	char dir[64], *path, *err = NULL;
	struct userfile *u;

	assert_int_equal(
		testdir_make(dir, sizeof(dir), "test-web", false, NULL), 0);
	path = xasprintf("%s/users", dir);
	assert_int_equal(userfile_set(path, "anna", "geheim-wachtwoord", &err),
			 0);
	assert_int_equal(userfile_set(path, "bert", "ander-wachtwoord", &err),
			 0);
	/* a new password replaces the old line */
	assert_int_equal(userfile_set(path, "anna", "nieuw-wachtwoord", &err),
			 0);
	u = userfile_load(path, &err);
	assert_non_null(u);
	assert_int_equal(userfile_verify(u, "anna", "nieuw-wachtwoord"), 1);
	assert_int_equal(userfile_verify(u, "anna", "geheim-wachtwoord"), 0);
	assert_int_equal(userfile_verify(u, "bert", "ander-wachtwoord"), 1);
	assert_int_equal(userfile_verify(u, "bert", "nieuw-wachtwoord"), 0);
	assert_int_equal(userfile_verify(u, "carla", "nieuw-wachtwoord"), 0);
	userfile_free(u);
	free(path);
	assert_int_equal(testdir_remove(dir), 0);
}

/* Whether /proc/locks shows pid waiting for an flock. */
static bool
waits_for_flock(pid_t pid)
{
	char line[256],
		*want = xasprintf("-> FLOCK  ADVISORY  WRITE %ld ", (long)pid);
	bool found = false;
	FILE *fp = fopen("/proc/locks", "r");

	assert_non_null(fp);
	while (!found && fgets(line, sizeof(line), fp) != NULL)
		found = strstr(line, want) != NULL;
	fclose(fp);
	free(want);
	return found;
}

/* Two adds at once: the second waits for the first's lock, so it reads
   the file with the first's account in it, and neither is lost. */
static void
test_userfile_lock(void **state)
{
	char dir[64], *path, *lock, *err = NULL, *text;
	struct userfile *u;
	int fd, status, tries;
	pid_t pid;
	FILE *fp;

	(void)state;
	assert_int_equal(
		testdir_make(dir, sizeof(dir), "test-web", false, NULL), 0);
	path = xasprintf("%s/users", dir);
	lock = xasprintf("%s/users.lock", dir);
	assert_int_equal(userfile_set(path, "anna", "geheim-wachtwoord", &err),
			 0);
	/* an add in progress: it holds the lock */
	fd = open(lock, O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* the parent's lock is not the child's to hold */
		int rc;

		close(fd);
		rc = userfile_set(path, "bert", "ander-wachtwoord", &err) == 0
			     ? 0
			     : 1;
		/* the child's own leak check (valgrind) sees nothing left */
		free(err);
		free(path);
		free(lock);
		_exit(rc);
	}
	for (tries = 0; tries < 3000 && !waits_for_flock(pid); tries++)
		usleep(10 * 1000);
	assert_true(waits_for_flock(pid));
	/* the add in progress writes its account (carla, anna's hash) */
	u = userfile_load(path, &err);
	assert_non_null(u);
	userfile_free(u);
	text = xasprintf("%s/users.new", dir);
	assert_int_equal(rename(path, text), 0);
	fp = fopen(text, "a");
	assert_non_null(fp);
	fputs("carla:$y$j9T$abcdefghijklmnop$0123456789012345678901234567"
	      "890123456789012\n",
	      fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(rename(text, path), 0);
	free(text);
	close(fd);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	u = userfile_load(path, &err);
	assert_non_null(u);
	assert_true(userfile_has(u, "anna"));
	assert_true(userfile_has(u, "bert"));
	assert_true(userfile_has(u, "carla"));
	userfile_free(u);
	free(path);
	free(lock);
	assert_int_equal(testdir_remove(dir), 0);
}

/* Root adding an account gives the file to the service user (here
   nobody); anyone else can only give it to themselves. */
static void
test_userfile_owner(void **state)
{
	char dir[64], *path, *lock, *err = NULL;
	struct passwd *pw = getpwnam("nobody");
	uid_t uid = getuid();
	gid_t gid = getgid();
	struct stat st;

	(void)state;
	if (geteuid() == 0) {
		assert_non_null(pw);
		uid = pw->pw_uid;
		gid = pw->pw_gid;
	}
	assert_int_equal(
		testdir_make(dir, sizeof(dir), "test-web", false, NULL), 0);
	path = xasprintf("%s/users", dir);
	lock = xasprintf("%s/users.lock", dir);
	assert_int_equal(userfile_set_owned(path, "anna", "geheim-wachtwoord",
					    uid, gid, &err),
			 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_uid, uid);
	assert_int_equal(st.st_gid, gid);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(lock, &st), 0);
	assert_int_equal(st.st_uid, uid);
	assert_int_equal(st.st_mode & 0777, 0600);
	free(path);
	free(lock);
	assert_int_equal(testdir_remove(dir), 0);
}

/* The server's view of the file follows its changes. */
static void
test_accounts(void **state)
{
	char dir[64], *path, *err = NULL;
	struct web_accounts a;

	(void)state;
	assert_int_equal(
		testdir_make(dir, sizeof(dir), "test-web", false, NULL), 0);
	path = xasprintf("%s/users", dir);
	web_accounts_init(&a, path);
	/* no file: nobody */
	assert_false(web_accounts_has(&a, "anna"));
	assert_int_equal(userfile_set(path, "anna", "geheim-wachtwoord", &err),
			 0);
	assert_true(web_accounts_has(&a, "anna"));
	assert_false(web_accounts_has(&a, "bert"));
	assert_int_equal(userfile_set(path, "bert", "ander-wachtwoord", &err),
			 0);
	assert_true(web_accounts_has(&a, "bert"));
	/* a file others may read holds nobody, until it is fixed */
	assert_int_equal(chmod(path, 0644), 0);
	assert_false(web_accounts_has(&a, "anna"));
	assert_int_equal(chmod(path, 0600), 0);
	assert_true(web_accounts_has(&a, "anna"));
	assert_int_equal(unlink(path), 0);
	assert_false(web_accounts_has(&a, "anna"));
	web_accounts_deinit(&a);
	free(path);
	assert_int_equal(testdir_remove(dir), 0);
}

/* web_tls_load(): the error when cert or key cannot serve. */
static void
expect_tls_error(const char *cert, const char *key, const char *want)
{
	struct web_tls t;
	char *err = NULL;

	assert_int_equal(web_tls_load(&t, cert, key, &err), -1);
	assert_null(t.cert);
	assert_null(t.key);
	if (strstr(err, want) == NULL)
		fail_msg("expected '%s' in '%s'", want, err);
	free(err);
}

static void
test_tls_load(void **state)
{
	char dir[64], *cert, *key, *wrong, *open_key, *cmd, *err = NULL;
	struct web_tls t;
	bool pki = false;

	(void)state;
	assert_int_equal(
		testdir_make(dir, sizeof(dir), "test-web-tls", true, &pki), 0);
	assert_true(pki);
	cert = xasprintf("%s/pki/server.pem", dir);
	key = xasprintf("%s/pki/server.key", dir);
	wrong = xasprintf("%s/pki/wrong.key", dir);
	open_key = xasprintf("%s/open.key", dir);
	assert_int_equal(web_tls_load(&t, cert, key, &err), 0);
	assert_non_null(strstr(t.cert, "-----BEGIN CERTIFICATE-----"));
	assert_non_null(strstr(t.key, "PRIVATE KEY-----"));
	web_tls_deinit(&t);
	assert_null(t.key);
	/* the key of another certificate */
	expect_tls_error(cert, wrong, "server.pem and its key cannot be used");
	/* the key where the certificate should be */
	expect_tls_error(key, key, "server.key and its key cannot be used");
	/* a key others may read */
	cmd = xasprintf("cp '%s' '%s' && chmod 644 '%s'", key, open_key,
			open_key);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	expect_tls_error(cert, open_key, "readable by group or others");
	expect_tls_error(cert, "/nonexistent/web.key", "No such file");
	free(cert);
	free(key);
	free(wrong);
	free(open_key);
	assert_int_equal(testdir_remove(dir), 0);
}

/* A file others could read is refused, to load and to add to. */
static void
test_userfile_secrecy(void **state)
{
	static const mode_t modes[] = {0640, 0604, 0620, 0660, 0644, 0610};
	char dir[64], *path, *err = NULL;
	struct userfile *u;
	size_t i;

	assert_int_equal(
		testdir_make(dir, sizeof(dir), "test-web", false, NULL), 0);
	path = xasprintf("%s/users", dir);
	assert_int_equal(userfile_set(path, "anna", "geheim-wachtwoord", &err),
			 0);
	for (i = 0; i < nitems(modes); i++) {
		assert_int_equal(chmod(path, modes[i]), 0);
		u = userfile_load(path, &err);
		assert_null(u);
		assert_non_null(strstr(err, "refused"));
		free(err);
		err = NULL;
		assert_int_equal(
			userfile_set(path, "bert", "ander-wachtwoord", &err),
			-1);
		assert_non_null(strstr(err, "refused"));
		free(err);
		err = NULL;
	}
	assert_int_equal(chmod(path, 0600), 0);
	u = userfile_load(path, &err);
	assert_non_null(u);
	userfile_free(u);
	/* not name:hash, or not yescrypt */
	fixture_put(dir, "bad", "w", "anna:$6$salt$abc\n");
	free(path);
	path = xasprintf("%s/bad", dir);
	assert_int_equal(chmod(path, 0600), 0);
	assert_null(userfile_load(path, &err));
	assert_non_null(strstr(err, ":1: expected name:hash"));
	free(err);
	free(path);
	assert_int_equal(testdir_remove(dir), 0);
}

/* A FIFO or a symbolic link put in the users file's place is refused
   at once: opening a FIFO to read would wait for a writer, and the
   server's one thread with it. */
static void
test_userfile_not_regular(void **state)
{
	char dir[64], *path, *err = NULL;
	struct web_accounts a;

	(void)state;
	assert_int_equal(
		testdir_make(dir, sizeof(dir), "test-web", false, NULL), 0);
	path = xasprintf("%s/users", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	/* a hang ends the test as a failure */
	(void)alarm(20);
	assert_null(userfile_load(path, &err));
	assert_non_null(strstr(err, "not a regular file"));
	free(err);
	err = NULL;
	web_accounts_init(&a, path);
	assert_false(web_accounts_has(&a, "anna"));
	web_accounts_deinit(&a);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(symlink("/etc/passwd", path), 0);
	assert_null(userfile_load(path, &err));
	free(err);
	(void)alarm(0);
	free(path);
	assert_int_equal(testdir_remove(dir), 0);
}

static void
test_user_names(void **state)
{
	assert_true(userfile_name_ok("anna"));
	assert_true(userfile_name_ok("a.de-vries_2"));
	assert_false(userfile_name_ok(""));
	assert_false(userfile_name_ok("Anna"));
	assert_false(userfile_name_ok(".anna"));
	assert_false(userfile_name_ok("an:na"));
	assert_false(userfile_name_ok("an na"));
	assert_true(userfile_name_ok("abcdefghijklmnopqrstuvwxyz012345"));
	assert_false(userfile_name_ok("abcdefghijklmnopqrstuvwxyz0123456"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_table),
		cmocka_unit_test(test_escape_corpus),
		cmocka_unit_test(test_escape_limit),
		cmocka_unit_test(test_escape_cut),
		cmocka_unit_test(test_cookie_parse),
		cmocka_unit_test(test_session_cookie_and_expiry),
		cmocka_unit_test(test_session_max),
		cmocka_unit_test(test_session_per_user),
		cmocka_unit_test(test_csrf),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_userfile),
		cmocka_unit_test(test_userfile_secrecy),
		cmocka_unit_test(test_userfile_lock),
		cmocka_unit_test(test_userfile_owner),
		cmocka_unit_test(test_accounts),
		cmocka_unit_test(test_tls_load),
		cmocka_unit_test(test_userfile_not_regular),
		cmocka_unit_test(test_user_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
