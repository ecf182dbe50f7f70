/*
 * Retention and erasure: the cut-off (pure), and the files on disk that
 * go with the rows store_privacy.c blanks.  Files go first: a crash in
 * between leaves a row naming a missing file, which the next run blanks;
 * the other order could leave a file no row names any more.
 */
#include "autoconf.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "programme.h"
#include "retention.h"
#include "spool.h"
#include "store_privacy.h"
#include "util.h"

static void
later(time_t *max, const struct programme_item *it)
{
	if (it->end > *max)
		*max = it->end;
	if (it->start > *max)
		*max = it->start;
}

time_t
retention_programme_end(const struct programme *p)
{
	time_t end = p->closes;
	size_t i;

	for (i = 0; i < p->n_sessions; i++)
		later(&end, &p->sessions[i]);
	if (p->deadline.title != NULL)
		later(&end, &p->deadline);
	if (p->congress.title != NULL)
		later(&end, &p->congress);
	return end;
}

static int
days_in_month(int year, int mon)
{
	static const int days[] = {31, 28, 31, 30, 31, 30,
				   31, 31, 30, 31, 30, 31};

	if (mon == 1 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
		return 29;
	return days[mon];
}

time_t
retention_cutoff(time_t end, unsigned months)
{
	struct tm tm;
	long mon;
	int dim;

	localtime_r(&end, &tm);
	mon = (long)tm.tm_mon + (long)months;
	tm.tm_year += (int)(mon / 12);
	tm.tm_mon = (int)(mon % 12);
	dim = days_in_month(tm.tm_year + 1900, tm.tm_mon);
	if (tm.tm_mday > dim)
		tm.tm_mday = dim;
	tm.tm_isdst = -1; /* summer or winter time of the later date */
	return mktime(&tm);
}

/* Deletes path; a file already gone counts as done.  dry_run: only
   counts it, if it is there. */
static void
remove_file(const char *path, bool dry_run, unsigned *n)
{
	if (dry_run) {
		if (access(path, F_OK) == 0)
			(*n)++;
	} else if (unlink(path) == 0)
		(*n)++;
	else if (errno != ENOENT)
		log_warn("retention: cannot delete %s", path);
}

/* Every file in dir whose name ends in suffix and does not start with
   "." (suffix NULL: every file, a stray of a failed write too). */
static void
sweep(const char *dir, const char *suffix, bool dry_run, unsigned *n)
{
	struct dirent *de;
	size_t len;
	char *path;
	DIR *d;

	d = opendir(dir);
	if (d == NULL)
		return;
	for (;;) {
		de = readdir(d);
		if (de == NULL)
			break;
		len = strlen(de->d_name);
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (suffix != NULL &&
		    (de->d_name[0] == '.' || len <= strlen(suffix) ||
		     strcmp(de->d_name + len - strlen(suffix), suffix) != 0))
			continue;
		if (dry_run) {
			(*n)++;
			continue;
		}
		path = xasprintf("%s/%s", dir, de->d_name);
		remove_file(path, false, n);
		free(path);
	}
	closedir(d);
}

/* Whether path is a file right in dir. */
static bool
in_dir(const char *path, const char *dir)
{
	size_t len = dir != NULL ? strlen(dir) : 0;

	return len > 0 && strncmp(path, dir, len) == 0 && path[len] == '/' &&
	       strchr(path + len + 1, '/') == NULL;
}

/* The raw copies the rows name, and the file transport's copies.  Those
   in swept, a folder the purge sweeps next, are left to the sweep, and so
   is the outbox folder then.  A name outside spool_dir (a row of another
   spool, say in a copy of the database) is refused, never deleted. */
static int
remove_files(struct store *s, const char *address, const char *spool_dir,
	     const char *outbox_dir, const char *swept, bool dry_run,
	     unsigned *n, char **error_r)
{
	char **paths, **mids, *path;
	size_t np, nm, i;

	if (store_privacy_files(s, address, &paths, &np, &mids, &nm, error_r) ==
	    -1)
		return -1;
	for (i = 0; i < np; i++) {
		path = spool_resolve(spool_dir, paths[i]);
		if (path == NULL) {
			log_warnx("retention: %s is not in the spool %s: not "
				  "deleted",
				  paths[i], spool_dir);
			continue;
		}
		/* one in the swept folder: the sweep takes it */
		if (!in_dir(path, swept))
			remove_file(path, dry_run, n);
		free(path);
	}
	for (i = 0; outbox_dir != NULL && swept == NULL && i < nm; i++) {
		/* the transport refuses such ids; never a path */
		if (mids[i] == NULL || strchr(mids[i], '/') != NULL)
			continue;
		path = xasprintf("%s/%s.eml", outbox_dir, mids[i]);
		remove_file(path, dry_run, n);
		free(path);
	}
	util_free_strv(paths, np);
	util_free_strv(mids, nm);
	return 0;
}

/* The delivered files of the person's texts (address NULL: of every
   text), which the rows name relative to spool_dir. */
static int
remove_deliveries(struct store *s, const char *address, const char *spool_dir,
		  bool dry_run, unsigned *n, char **error_r)
{
	char **paths, *path;
	size_t np, i;

	if (store_privacy_delivery_files(s, address, &paths, &np, error_r) ==
	    -1)
		return -1;
	for (i = 0; i < np; i++) {
		/* a file of ours under deliveries/, nothing above it */
		if (strncmp(paths[i], "deliveries/", 11) != 0 ||
		    (path = spool_resolve(spool_dir, paths[i])) == NULL)
			continue;
		remove_file(path, dry_run, n);
		free(path);
	}
	util_free_strv(paths, np);
	return 0;
}

/* Every municipality's folder under spool_dir/deliveries/. */
static void
sweep_deliveries(const char *spool_dir, bool dry_run, unsigned *n)
{
	char *top = xasprintf("%s/deliveries", spool_dir), *dir;
	struct dirent *de;
	DIR *d;

	d = opendir(top);
	for (;;) {
		de = d != NULL ? readdir(d) : NULL;
		if (de == NULL)
			break;
		if (de->d_name[0] == '.')
			continue;
		dir = xasprintf("%s/%s", top, de->d_name);
		sweep(dir, NULL, dry_run, n);
		if (!dry_run)
			(void)rmdir(dir);
		free(dir);
	}
	if (d != NULL)
		closedir(d);
	free(top);
}

static void
copy_counts(struct retention_counts *n, const struct store_privacy_counts *c)
{
	n->messages = c->messages;
	n->contacts = c->contacts;
	n->outbox = c->outbox;
	n->review = c->review;
}

int
retention_purge(struct store *s, const struct programme *p, unsigned months,
		const char *spool_dir, const char *outbox_dir, time_t now,
		bool dry_run, struct retention_counts *n_r, char **error_r)
{
	struct store_privacy_counts c;
	time_t cutoff = retention_cutoff(retention_programme_end(p), months);
	char *dir;

	memset(n_r, 0, sizeof(*n_r));
	if (now < cutoff)
		return 0;
	dir = xasprintf("%s/mail", spool_dir);
	if (remove_files(s, NULL, spool_dir, outbox_dir, dir, dry_run,
			 &n_r->spool_files, error_r) == -1) {
		free(dir);
		return -1;
	}
	sweep(dir, ".eml", dry_run, &n_r->spool_files);
	free(dir);
	/* the texts were in the raw copies: they go with them */
	sweep_deliveries(spool_dir, dry_run, &n_r->spool_files);
	if (outbox_dir != NULL)
		sweep(outbox_dir, ".eml", dry_run, &n_r->spool_files);
	if (store_privacy_erase(s, NULL, dry_run, now, &c, error_r) == -1)
		return -1;
	copy_counts(n_r, &c);
	if (!dry_run && (n_r->spool_files | c.messages | c.contacts | c.outbox |
			 c.review) != 0)
		log_info("retention: purged %u files, %u messages, %u "
			 "contacts, %u mails, %u review notes",
			 n_r->spool_files, c.messages, c.contacts, c.outbox,
			 c.review);
	return 1;
}

int
retention_forget(struct store *s, const char *address, const char *spool_dir,
		 const char *outbox_dir, time_t now,
		 struct retention_counts *n_r, char **error_r)
{
	struct store_privacy_counts c;

	memset(n_r, 0, sizeof(*n_r));
	if (remove_files(s, address, spool_dir, outbox_dir, NULL, false,
			 &n_r->spool_files, error_r) == -1 ||
	    remove_deliveries(s, address, spool_dir, false, &n_r->spool_files,
			      error_r) == -1)
		return -1;
	if (store_privacy_erase(s, address, false, now, &c, error_r) == -1)
		return -1;
	copy_counts(n_r, &c);
	log_info("forget: erased %u files, %u messages, %u contacts, %u "
		 "mails, %u review notes",
		 n_r->spool_files, c.messages, c.contacts, c.outbox, c.review);
	return 0;
}
