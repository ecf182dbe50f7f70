#include "autoconf.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gnutls/crypto.h>

#include "log.h"
#include "spool.h"
#include "util.h"

int
spool_mkdir(const char *dir, char **error_r)
{
	if (util_mkdirs(dir) == -1) {
		*error_r = xasprintf("%s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

static int
write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Writes dir/name by way of a temporary name; with sync, the file and
   the folder are fsync()ed as well. */
static int
put(const char *dir, const char *name, const void *data, size_t len, bool sync,
    char **path_r, char **error_r)
{
	static unsigned counter;
	char *tmp, *path;
	int fd;

	if (strchr(name, '/') != NULL || name[0] == '.' || name[0] == '\0') {
		*error_r = xasprintf("unsafe spool name '%s'", name);
		return -1;
	}
	/* intake keeps copies in a thread of its own (intake.c) */
	tmp = xasprintf("%s/.tmp.%ld.%u.%s", dir, (long)getpid(),
			__atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED),
			name);
	path = xasprintf("%s/%s", dir, name);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1) {
		*error_r = xasprintf("%s: %s", tmp, strerror(errno));
		goto fail;
	}
	if (write_all(fd, data, len) == -1 || (sync && fsync(fd) == -1)) {
		*error_r = xasprintf("%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		goto fail;
	}
	close(fd);
	if (rename(tmp, path) == -1 || (sync && fsync_dir(dir) == -1)) {
		*error_r = xasprintf("%s: %s", path, strerror(errno));
		unlink(tmp);
		goto fail;
	}
	free(tmp);
	if (path_r != NULL)
		*path_r = path;
	else
		free(path);
	return 0;
fail:
	free(tmp);
	free(path);
	return -1;
}

int
spool_write(const char *dir, const char *name, const void *data, size_t len,
	    char **path_r, char **error_r)
{
	return put(dir, name, data, len, true, path_r, error_r);
}

int
spool_put(const char *dir, const char *name, const void *data, size_t len,
	  char **path_r, char **error_r)
{
	return put(dir, name, data, len, false, path_r, error_r);
}

int
spool_sync(const char *dir, char **error_r)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	/* one syncfs() makes every file put since durable, names and data,
	   for the price of about one fsync() */
	if (fd == -1 || syncfs(fd) == -1) {
		*error_r = xasprintf("%s: %s", dir, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

void
spool_safe_name(const char *name, char *out)
{
	const char *p, *base = name, *ext;
	size_t n = 0, elen;

	for (p = name; *p != '\0'; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	for (p = base; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		bool ok = isalnum(c) && c < 0x80;

		if (ok || ((c == '.' || c == '-' || c == '_') && n > 0))
			out[n++] = (char)c;
		else if (n > 0 && out[n - 1] != '_')
			out[n++] = '_';
		if (n == SPOOL_SAFE_NAME_MAX)
			break;
	}
	out[n] = '\0';
	/* at the limit, keep the extension: a ".docx" says what it is */
	ext = strrchr(base, '.');
	elen = ext != NULL ? strlen(ext) : 0;
	if (n == SPOOL_SAFE_NAME_MAX && elen > 1 && elen <= 8 &&
	    strspn(ext + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW"
			    "XYZ0123456789") == elen - 1) {
		memcpy(out + SPOOL_SAFE_NAME_MAX - elen, ext, elen);
		out[SPOOL_SAFE_NAME_MAX] = '\0';
	}
	while (n > 0 && (out[n - 1] == '_' || out[n - 1] == '.'))
		out[--n] = '\0';
	if (out[0] == '\0')
		util_strlcpy(out, "bijlage", SPOOL_SAFE_NAME_MAX + 1);
}

void
spool_sha256(const void *data, size_t len, char hex[65])
{
	unsigned char digest[32];

	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, data, len, digest) != 0)
		fatalx("SHA-256 is not available");
	util_hex(digest, sizeof(digest), hex);
}

/* Whether name climbs out of its folder: an empty, "." or ".." part. */
static bool
climbs(const char *name)
{
	const char *p = name;

	for (;;) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return true;
		if (p[n] == '\0')
			return false;
		p += n + 1;
	}
}

char *
spool_relative(const char *spool_dir, const char *path)
{
	size_t len = strlen(spool_dir);

	while (len > 1 && spool_dir[len - 1] == '/')
		len--;
	if (strncmp(path, spool_dir, len) != 0 || path[len] != '/' ||
	    climbs(path + len + 1))
		return NULL;
	return xstrdup(path + len + 1);
}

char *
spool_resolve(const char *spool_dir, const char *stored)
{
	char *rel;

	if (stored == NULL || stored[0] == '\0')
		return NULL;
	if (stored[0] != '/')
		return climbs(stored) ? NULL
				      : xasprintf("%s/%s", spool_dir, stored);
	rel = spool_relative(spool_dir, stored);
	if (rel == NULL)
		return NULL;
	free(rel);
	return xstrdup(stored);
}
