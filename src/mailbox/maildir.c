#include "autoconf.h"

#include <sys/inotify.h>
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "folder_name.h"
#include "mailbox_backend.h"
#include "maildir.h"
#include "util.h"

struct entry {
	char *key;
	char *path; /* where list() saw it */
};

struct maildir {
	char *root;
	int inotify; /* -1 until the first wait */
	/* what the last list() saw, sorted by key: fetch and move find a
	   file without reading the folder again */
	struct entry *seen;
	size_t n_seen;
};

static void
forget(struct maildir *md)
{
	size_t i;

	for (i = 0; i < md->n_seen; i++) {
		free(md->seen[i].key);
		free(md->seen[i].path);
	}
	free(md->seen);
	md->seen = NULL;
	md->n_seen = 0;
}

/* An inotify descriptor watching new/ and cur/, or -1 (then wait()
   falls back to polling the folders). */
static int
watch(const char *root)
{
	static const char *const subdirs[] = {"new", "cur"};
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	size_t i;

	for (i = 0; fd != -1 && i < nitems(subdirs); i++) {
		char *dir = xasprintf("%s/%s", root, subdirs[i]);

		if (inotify_add_watch(fd, dir, IN_MOVED_TO | IN_CREATE) == -1) {
			close(fd);
			fd = -1;
		}
		free(dir);
	}
	return fd;
}

static void *
maildir_open(const struct mailbox_settings *set, char **error_r)
{
	const char *location = set->maildir;
	static const char *const subdirs[] = {"", "/new", "/cur", "/tmp"};
	struct maildir *md;
	size_t i;

	for (i = 0; i < nitems(subdirs); i++) {
		char *dir = xasprintf("%s%s", location, subdirs[i]);

		if (util_mkdirs(dir) == -1) {
			*error_r = xasprintf("%s: %s", dir, strerror(errno));
			free(dir);
			return NULL;
		}
		free(dir);
	}
	md = xcalloc(1, sizeof(*md));
	md->root = xstrdup(location);
	/* watch before the first list(): mail that arrives in between
	   must wake the first wait */
	md->inotify = watch(md->root);
	return md;
}

/* The number at *p (digits only, saturating), and p moved past it. */
static unsigned long long
leading_number(const char **p)
{
	unsigned long long v = 0;

	for (; **p >= '0' && **p <= '9'; (*p)++)
		v = v > ULLONG_MAX / 10 - 10 ? ULLONG_MAX
					     : v * 10 + (**p - '0');
	return v;
}

/* When within its second a name was delivered, from the unique part p
   (after the second's '.', up to the host's '.'): the microsecond of
   Dovecot's, getmail's and Courier's "M<usec>P<pid>", Postfix's
   "V<dev>I<inode>M<usec>" (hex before the M) and Exim's "H<usec>P<pid>";
   the serial of mbsync's and procmail's "<pid>_<serial>".  0 for what
   a name does not say. */
static void
subsecond(const char *p, unsigned long long *usec_r,
	  unsigned long long *serial_r)
{
	const char *q;

	*usec_r = *serial_r = 0;
	if (*p != '.')
		return;
	p++;
	if (*p == 'H' && p[1] >= '0' && p[1] <= '9') {
		p++;
		*usec_r = leading_number(&p);
		return;
	}
	for (q = p; *q != '\0' && strchr(".,:", *q) == NULL; q++) {
		if (*q == 'M' && q[1] >= '0' && q[1] <= '9' &&
		    (q == p || isxdigit((unsigned char)q[-1]))) {
			q++;
			*usec_r = leading_number(&q);
			return;
		}
	}
	q = p;
	(void)leading_number(&q);
	if (q > p && *q == '_' && q[1] >= '0' && q[1] <= '9') {
		q++;
		*serial_r = leading_number(&q);
	}
}

/* The delivery order of two Maildir names: the second of delivery, then
   what each delivery agent writes for the time within it (subsecond():
   "1617264000.M5P1.host" came before "1617264000.M123456P1.host", which
   strcmp() puts first), then the name.  A name that says nothing counts
   as the start of its second, so the order stays total.  Equal only for
   equal names. */
static int
name_cmp(const char *x, const char *y)
{
	const char *p = x, *q = y;
	unsigned long long a = leading_number(&p), b = leading_number(&q);
	unsigned long long au, as, bu, bs;

	if (a != b)
		return a < b ? -1 : 1;
	subsecond(p, &au, &as);
	subsecond(q, &bu, &bs);
	if (au != bu)
		return au < bu ? -1 : 1;
	if (as != bs)
		return as < bs ? -1 : 1;
	return strcmp(x, y);
}

static int
entry_cmp(const void *a, const void *b)
{
	return name_cmp(((const struct entry *)a)->key,
			((const struct entry *)b)->key);
}

static int
list_dir(struct maildir *md, const char *dir, char **error_r)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	if (d == NULL) {
		*error_r = xasprintf("%s: %s", dir, strerror(errno));
		return -1;
	}
	for (;;) {
		de = readdir(d);
		if (de == NULL || md->n_seen >= MAILDIR_LIST_MAX)
			break;
		if (de->d_name[0] == '.')
			continue;
		md->seen = xreallocarray(md->seen, md->n_seen + 1,
					 sizeof(*md->seen));
		md->seen[md->n_seen].key =
			xstrndup(de->d_name, strcspn(de->d_name, ":"));
		md->seen[md->n_seen].path = xasprintf("%s/%s", dir, de->d_name);
		md->n_seen++;
	}
	closedir(d);
	return 0;
}

static enum mailbox_result
maildir_list(void *h, char ***keys_r, size_t *n_r, char **error_r)
{
	struct maildir *md = h;
	char **keys, *dir;
	size_t i;
	int rc;

	forget(md);
	dir = xasprintf("%s/new", md->root);
	rc = list_dir(md, dir, error_r);
	free(dir);
	if (rc == 0) {
		dir = xasprintf("%s/cur", md->root);
		rc = list_dir(md, dir, error_r);
		free(dir);
	}
	if (rc == -1) {
		forget(md);
		return MAILBOX_ERROR;
	}
	/* Maildir names start with the delivery time: oldest first, the
	   order of arrival (name_cmp) */
	if (md->n_seen > 0)
		qsort(md->seen, md->n_seen, sizeof(*md->seen), entry_cmp);
	keys = xcalloc(md->n_seen, sizeof(*keys));
	for (i = 0; i < md->n_seen; i++)
		keys[i] = xstrdup(md->seen[i].key);
	*keys_r = keys;
	*n_r = md->n_seen;
	return MAILBOX_OK;
}

/* The current path of key in new/ or cur/ (heap), or NULL if gone. */
static char *
find(struct maildir *md, const char *key, int *in_new_r)
{
	static const char *const subdirs[] = {"new", "cur"};
	struct entry probe = {(char *)key, NULL}, *hit;
	size_t klen = strlen(key), i;

	if (strchr(key, '/') != NULL || key[0] == '.')
		return NULL;
	hit = md->n_seen == 0 ? NULL
			      : bsearch(&probe, md->seen, md->n_seen,
					sizeof(*md->seen), entry_cmp);
	if (hit != NULL && access(hit->path, F_OK) == 0) {
		*in_new_r =
			strstr(hit->path + strlen(md->root), "/new/") != NULL;
		return xstrdup(hit->path);
	}
	for (i = 0; i < nitems(subdirs); i++) {
		char *dir = xasprintf("%s/%s", md->root, subdirs[i]);
		DIR *d = opendir(dir);
		struct dirent *de;
		char *found = NULL;

		while (d != NULL && found == NULL) {
			de = readdir(d);
			if (de == NULL)
				break;
			if (strncmp(de->d_name, key, klen) == 0 &&
			    (de->d_name[klen] == '\0' ||
			     de->d_name[klen] == ':'))
				found = xasprintf("%s/%s", dir, de->d_name);
		}
		if (d != NULL)
			closedir(d);
		free(dir);
		if (found != NULL) {
			*in_new_r = i == 0;
			return found;
		}
	}
	return NULL;
}

/* Reads at most max bytes of path: an oversize message is still seen
   (and judged by its beginning) rather than refused. */
static char *
read_head(const char *path, size_t max, size_t *len_r, char **error_r)
{
	char *data = xmalloc(max + 1);
	size_t done = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd == -1) {
		*error_r = xasprintf("%s: %s", path, strerror(errno));
		free(data);
		return NULL;
	}
	while (done < max) {
		ssize_t n = read(fd, data + done, max - done);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			*error_r = xasprintf("%s: %s", path, strerror(errno));
			close(fd);
			free(data);
			return NULL;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	close(fd);
	data[done] = '\0';
	*len_r = done;
	/* held with a batch: not the 25 MB asked for (a worker forked then
	   inherits it, counted against its RLIMIT_DATA) */
	return xreallocarray(data, done + 1, 1);
}

static enum mailbox_result
maildir_fetch(void *h, const char *key, size_t max, char **data_r,
	      size_t *len_r, size_t *size_r, char **error_r)
{
	int in_new;
	char *path = find(h, key, &in_new);

	if (path == NULL)
		return MAILBOX_GONE;
	*data_r = read_head(path, max, len_r, error_r);
	free(path);
	/* read_head() stops at max, and intake asks for one byte past its
	   limit: enough to tell a message is too large */
	*size_r = *len_r;
	return *data_r == NULL ? MAILBOX_ERROR : MAILBOX_OK;
}

static const char *
maildir_inbox(void *h)
{
	(void)h;
	return "INBOX";
}

/* The Maildir++ folder of a logical folder name: "Beoordelen/Goedkeuren"
   is root/.Beoordelen.Goedkeuren (heap), each level in modified UTF-7 as
   Dovecot and Courier write it; NULL for a name that is no folder.
   Before, a non-ASCII level was written as UTF-8: such a folder that
   exists is used as it is. */
static char *
folder_path(const char *root, const char *folder, char **error_r)
{
	char *name, *path, *old;
	struct stat st;

	name = folder_name_map(folder, '.', "", true, error_r);
	if (name == NULL)
		return NULL;
	path = xasprintf("%s/.%s", root, name);
	free(name);
	if (stat(path, &st) == 0 || errno != ENOENT)
		return path;
	name = folder_name_map(folder, '.', "", false, error_r);
	old = xasprintf("%s/.%s", root, name);
	free(name);
	if (strcmp(old, path) != 0 && stat(old, &st) == 0) {
		free(path);
		return old;
	}
	free(old);
	return path;
}

/* Creates the Maildir++ folder dir (new, cur, tmp, the marker). */
static int
make_folder(const char *dir, char **error_r)
{
	static const char *const subdirs[] = {"tmp", "new", "cur"};
	char *sub;
	size_t i;
	int fd;

	for (i = 0; i < nitems(subdirs); i++) {
		sub = xasprintf("%s/%s", dir, subdirs[i]);
		if (util_mkdirs(sub) == -1) {
			*error_r = xasprintf("%s: %s", sub, strerror(errno));
			free(sub);
			return -1;
		}
		free(sub);
	}
	sub = xasprintf("%s/maildirfolder", dir);
	fd = open(sub, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd != -1)
		close(fd);
	free(sub);
	return 0;
}

/* Moves key from src (the inbox or a folder) to root's folder. */
static enum mailbox_result
move_from(struct maildir *src, const char *root, const char *key,
	  const char *folder, char **error_r)
{
	char *from, *dir, *to;
	const char *info;
	int in_new;

	dir = folder_path(root, folder, error_r);
	if (dir == NULL)
		return MAILBOX_ERROR;
	from = find(src, key, &in_new);
	if (from == NULL) {
		free(dir);
		return MAILBOX_GONE;
	}
	if (make_folder(dir, error_r) == -1) {
		free(dir);
		free(from);
		return MAILBOX_ERROR;
	}
	/* a message from new/ goes to cur/ without flags: still unread */
	info = strchr(strrchr(from, '/'), ':');
	to = xasprintf("%s/cur/%s%s", dir, key,
		       in_new || info == NULL ? ":2," : info);
	free(dir);
	if (rename(from, to) == -1) {
		/* moved by someone else since find() */
		bool gone = errno == ENOENT;

		if (!gone)
			*error_r = xasprintf("%s: %s", from, strerror(errno));
		free(from);
		free(to);
		return gone ? MAILBOX_GONE : MAILBOX_ERROR;
	}
	free(from);
	free(to);
	return MAILBOX_OK;
}

static enum mailbox_result
maildir_move(void *h, const char *key, const char *folder, char **error_r)
{
	struct maildir *md = h;

	return move_from(md, md->root, key, folder, error_r);
}

/* A view of a folder for the functions above (no inotify). */
static struct maildir *
folder_open(struct maildir *md, const char *folder, char **error_r)
{
	struct maildir *sub;
	char *path = folder_path(md->root, folder, error_r);

	if (path == NULL)
		return NULL;
	sub = xcalloc(1, sizeof(*sub));
	sub->root = path;
	sub->inotify = -1;
	return sub;
}

static void
folder_close(struct maildir *sub)
{
	forget(sub);
	free(sub->root);
	free(sub);
}

static enum mailbox_result
maildir_folder_list(void *h, const char *folder, char ***keys_r, size_t *n_r,
		    char **error_r)
{
	struct maildir *sub = folder_open(h, folder, error_r);
	enum mailbox_result rc;

	if (sub == NULL)
		return MAILBOX_ERROR;
	if (access(sub->root, F_OK) == -1) {
		/* no folder, no messages */
		*keys_r = NULL;
		*n_r = 0;
		folder_close(sub);
		return MAILBOX_OK;
	}
	rc = maildir_list(sub, keys_r, n_r, error_r);
	folder_close(sub);
	return rc;
}

static enum mailbox_result
maildir_folder_fetch(void *h, const char *folder, const char *key, size_t max,
		     char **data_r, size_t *len_r, size_t *size_r,
		     char **error_r)
{
	struct maildir *sub = folder_open(h, folder, error_r);
	enum mailbox_result rc;

	if (sub == NULL)
		return MAILBOX_ERROR;
	rc = maildir_fetch(sub, key, max, data_r, len_r, size_r, error_r);
	folder_close(sub);
	return rc;
}

static enum mailbox_result
maildir_folder_move(void *h, const char *folder, const char *key,
		    const char *dest, char **error_r)
{
	struct maildir *md = h;
	struct maildir *sub = folder_open(md, folder, error_r);
	enum mailbox_result rc;

	if (sub == NULL)
		return MAILBOX_ERROR;
	rc = move_from(sub, md->root, key, dest, error_r);
	folder_close(sub);
	return rc;
}

static enum mailbox_result
maildir_folder_create(void *h, const char *folder, char **error_r)
{
	struct maildir *md = h;
	char *dir = folder_path(md->root, folder, error_r);
	int rc;

	if (dir == NULL)
		return MAILBOX_ERROR;
	rc = make_folder(dir, error_r);
	free(dir);
	return rc == 0 ? MAILBOX_OK : MAILBOX_ERROR;
}

static enum mailbox_result
maildir_folder_lookup(void *h, const char *folder, char **name_r,
		      char **error_r)
{
	struct maildir *md = h;
	char *dir = folder_path(md->root, folder, error_r);
	struct stat st;

	if (dir == NULL)
		return MAILBOX_ERROR;
	*name_r = dir;
	return stat(dir, &st) == 0 ? MAILBOX_OK : MAILBOX_GONE;
}

static enum mailbox_result
maildir_wait(void *h, int timeout, volatile sig_atomic_t *stop, char **error_r)
{
	struct maildir *md = h;
	struct pollfd pfd;
	char events[4096];
	int elapsed = 0;

	if (md->inotify == -1) {
		/* no inotify: look again after the poll interval */
		while (elapsed < timeout && !*stop) {
			sleep(1);
			elapsed++;
		}
		return MAILBOX_TIMEOUT;
	}
	pfd.fd = md->inotify;
	pfd.events = POLLIN;
	/* wake every second to look at *stop: signals may arrive between
	   the check and poll() */
	while (elapsed < timeout && !*stop) {
		int rc = poll(&pfd, 1, 1000);

		if (rc > 0) {
			while (read(md->inotify, events, sizeof(events)) > 0)
				;
			return MAILBOX_OK;
		}
		if (rc == -1 && errno != EINTR) {
			*error_r = xasprintf("poll: %s", strerror(errno));
			return MAILBOX_ERROR;
		}
		elapsed++;
	}
	return MAILBOX_TIMEOUT;
}

static void
maildir_close(void *h)
{
	struct maildir *md = h;

	if (md->inotify != -1)
		close(md->inotify);
	forget(md);
	free(md->root);
	free(md);
}

const struct mailbox_ops maildir_ops = {
	.name = "maildir",
	.open = maildir_open,
	.inbox = maildir_inbox,
	.list = maildir_list,
	.fetch = maildir_fetch,
	.move = maildir_move,
	.folder_list = maildir_folder_list,
	.folder_fetch = maildir_folder_fetch,
	.folder_move = maildir_folder_move,
	.folder_create = maildir_folder_create,
	.folder_lookup = maildir_folder_lookup,
	.wait = maildir_wait,
	.close = maildir_close,
};
