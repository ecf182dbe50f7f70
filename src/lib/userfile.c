#include "autoconf.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "userfile.h"
#include "util.h"

struct account {
	char *name;
	char *hash;
};

struct userfile {
	struct account *accounts;
	size_t n;
	char dummy[CRYPT_GENSALT_OUTPUT_SIZE]; /* for an unknown name */
};

bool
userfile_name_ok(const char *name)
{
	size_t i, len = strlen(name);

	if (len == 0 || len > USERFILE_NAME_MAX || !util_ascii_alnum(name[0]))
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!(util_ascii_alnum(c) && !(c >= 'A' && c <= 'Z')) &&
		    c != '.' && c != '_' && c != '-')
			return false;
	}
	return true;
}

/* The file at fd may hold hashes: a regular file nobody but its owner
   may read or write. */
static int
check_secrecy(int fd, const char *path, char **error_r)
{
	struct stat st;

	if (fstat(fd, &st) == -1) {
		*error_r = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		*error_r = xasprintf("%s: not a regular file", path);
		return -1;
	}
	if ((st.st_mode & 077) != 0) {
		*error_r = xasprintf("%s: refused: group or others have access "
				     "(mode %03o; chmod 600 it)",
				     path, (unsigned)(st.st_mode & 0777));
		return -1;
	}
	return 0;
}

/* One "name:hash" line into u.  0, or -1 with *error_r. */
static int
add_line(struct userfile *u, const char *path, unsigned lineno, char *line,
	 char **error_r)
{
	char *colon = strchr(line, ':');

	if (colon == NULL) {
		*error_r = xasprintf("%s:%u: expected name:hash", path, lineno);
		return -1;
	}
	*colon = '\0';
	if (!userfile_name_ok(line) || strncmp(colon + 1, "$y$", 3) != 0) {
		*error_r = xasprintf("%s:%u: expected name:hash with a "
				     "yescrypt hash ($y$)",
				     path, lineno);
		return -1;
	}
	if (u->n == USERFILE_USERS_MAX) {
		*error_r = xasprintf("%s:%u: more than %d accounts", path,
				     lineno, USERFILE_USERS_MAX);
		return -1;
	}
	u->accounts =
		xreallocarray(u->accounts, u->n + 1, sizeof(*u->accounts));
	u->accounts[u->n].name = xstrdup(line);
	u->accounts[u->n].hash = xstrdup(colon + 1);
	u->n++;
	return 0;
}

static int
parse(struct userfile *u, const char *path, char *text, char **error_r)
{
	char *cursor = text, *line;
	unsigned lineno = 0;

	while ((line = util_next_line(&cursor)) != NULL) {
		lineno++;
		if (strlen(line) > USERFILE_LINE_MAX) {
			*error_r =
				xasprintf("%s:%u: line too long", path, lineno);
			return -1;
		}
		if (line[0] == '\0' || line[0] == '#')
			continue;
		if (add_line(u, path, lineno, line, error_r) == -1)
			return -1;
	}
	return 0;
}

/* The whole file at fd, checked; NULL with *error_r. */
static char *
read_checked(int fd, const char *path, char **error_r)
{
	struct buf b;
	char chunk[4096];
	ssize_t n;

	if (check_secrecy(fd, path, error_r) == -1)
		return NULL;
	buf_init(&b, (size_t)USERFILE_USERS_MAX * (USERFILE_LINE_MAX + 1));
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == 0)
			break;
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || buf_add(&b, chunk, (size_t)n) == -1) {
			*error_r = xasprintf("%s: %s", path,
					     n == -1 ? strerror(errno)
						     : "too large");
			buf_deinit(&b);
			return NULL;
		}
	}
	return buf_steal(&b);
}

struct userfile *
userfile_load(const char *path, char **error_r)
{
	struct userfile *u;
	char *text;
	int fd;

	/* O_NONBLOCK: a FIFO put in its place would block the open, and
	   aanmeld-web's one thread with it; it is refused just below */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd == -1) {
		*error_r = xasprintf("%s: %s", path, strerror(errno));
		return NULL;
	}
	text = read_checked(fd, path, error_r);
	close(fd);
	if (text == NULL)
		return NULL;
	u = xcalloc(1, sizeof(*u));
	if (parse(u, path, text, error_r) == -1 ||
	    crypt_gensalt_rn("$y$", 0, NULL, 0, u->dummy, sizeof(u->dummy)) ==
		    NULL) {
		if (*error_r == NULL)
			*error_r = xasprintf("cannot make a salt: %s",
					     strerror(errno));
		free(text);
		userfile_free(u);
		return NULL;
	}
	free(text);
	return u;
}

void
userfile_free(struct userfile *u)
{
	size_t i;

	if (u == NULL)
		return;
	for (i = 0; i < u->n; i++) {
		free(u->accounts[i].name);
		free(u->accounts[i].hash);
	}
	free(u->accounts);
	free(u);
}

bool
userfile_has(const struct userfile *u, const char *name)
{
	size_t i;

	for (i = 0; i < u->n; i++) {
		if (strcmp(u->accounts[i].name, name) == 0)
			return true;
	}
	return false;
}

/* Compares without stopping at the first difference. */
static bool
same(const char *a, const char *b)
{
	size_t i, la = strlen(a), lb = strlen(b);
	unsigned char d = la != lb;

	for (i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

int
userfile_verify(const struct userfile *u, const char *name,
		const char *password)
{
	struct crypt_data *cd = xcalloc(1, sizeof(*cd));
	const char *setting = u->dummy, *out;
	size_t i;
	int ok = 0;

	for (i = 0; i < u->n; i++) {
		if (strcmp(u->accounts[i].name, name) == 0)
			setting = u->accounts[i].hash;
	}
	out = crypt_rn(password, setting, cd, sizeof(*cd));
	if (out != NULL && out[0] != '*' && setting != u->dummy)
		ok = same(out, setting);
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return ok;
}

/* The new file's text: every line of path's but name's, then name's. */
static char *
new_text(const char *path, const char *name, const char *hash, char **error_r)
{
	struct userfile *u = NULL;
	struct buf b;
	size_t i;

	if (access(path, F_OK) == 0) {
		u = userfile_load(path, error_r);
		if (u == NULL)
			return NULL;
	}
	buf_init(&b,
		 (size_t)(USERFILE_USERS_MAX + 1) * (USERFILE_LINE_MAX + 1));
	for (i = 0; u != NULL && i < u->n; i++) {
		if (strcmp(u->accounts[i].name, name) != 0)
			(void)buf_addf(&b, "%s:%s\n", u->accounts[i].name,
				       u->accounts[i].hash);
	}
	(void)buf_addf(&b, "%s:%s\n", name, hash);
	userfile_free(u);
	return buf_steal(&b);
}

/* text into path through path.tmp: O_EXCL, fsync, rename, fsync the
   folder (STYLE 6). */
static int
write_file(const char *path, const char *text, uid_t uid, gid_t gid,
	   char **error_r)
{
	char *tmp = xasprintf("%s.tmp", path), *copy = xstrdup(path);
	size_t len = strlen(text), off = 0;
	ssize_t n;
	int fd, dfd, rc = -1;

	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1) {
		*error_r = xasprintf("%s: %s", tmp, strerror(errno));
		goto out;
	}
	while (off < len) {
		n = write(fd, text + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			break;
		off += (size_t)n;
	}
	if (off < len || fchown(fd, uid, gid) == -1 || fsync(fd) == -1 ||
	    close(fd) == -1 || rename(tmp, path) == -1) {
		*error_r = xasprintf("%s: %s", tmp, strerror(errno));
		(void)unlink(tmp);
		goto out;
	}
	dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd != -1) {
		(void)fsync(dfd);
		close(dfd);
	}
	rc = 0;
out:
	free(tmp);
	free(copy);
	return rc;
}

/* path.lock, held exclusively: a descriptor to close, or -1. */
static int
lock(const char *path, uid_t uid, gid_t gid, char **error_r)
{
	char *name = xasprintf("%s.lock", path);
	int fd;

	fd = open(name, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd == -1 || fchown(fd, uid, gid) == -1) {
		*error_r = xasprintf("%s: %s", name, strerror(errno));
		if (fd != -1)
			close(fd);
		free(name);
		return -1;
	}
	while (flock(fd, LOCK_EX) == -1) {
		if (errno != EINTR) {
			*error_r = xasprintf("%s: %s", name, strerror(errno));
			close(fd);
			free(name);
			return -1;
		}
	}
	free(name);
	return fd;
}

int
userfile_set(const char *path, const char *name, const char *password,
	     char **error_r)
{
	return userfile_set_owned(path, name, password, (uid_t)-1, (gid_t)-1,
				  error_r);
}

int
userfile_set_owned(const char *path, const char *name, const char *password,
		   uid_t uid, gid_t gid, char **error_r)
{
	struct crypt_data *cd;
	char salt[CRYPT_GENSALT_OUTPUT_SIZE], *text;
	const char *hash;
	int rc, fd;

	if (!userfile_name_ok(name)) {
		*error_r = xasprintf("'%s' is not an account name (a-z, 0-9, "
				     ". _ -, at most %d)",
				     name, USERFILE_NAME_MAX);
		return -1;
	}
	if (crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof(salt)) == NULL) {
		*error_r = xasprintf("cannot make a salt: %s", strerror(errno));
		return -1;
	}
	cd = xcalloc(1, sizeof(*cd));
	hash = crypt_rn(password, salt, cd, sizeof(*cd));
	if (hash == NULL || hash[0] == '*') {
		*error_r = xasprintf("cannot hash the password: %s",
				     strerror(errno));
		free(cd);
		return -1;
	}
	fd = lock(path, uid, gid, error_r);
	if (fd == -1) {
		explicit_bzero(cd, sizeof(*cd));
		free(cd);
		return -1;
	}
	text = new_text(path, name, hash, error_r);
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	rc = text == NULL ? -1 : write_file(path, text, uid, gid, error_r);
	free(text);
	close(fd); /* the lock goes with it */
	return rc;
}
