#include "autoconf.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "dryrun.h"
#include "log.h"
#include "mailbox.h"
#include "runtime.h"
#include "store.h"
#include "store_report.h"
#include "util.h"

static int
remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int
dryrun_begin(struct dryrun *d, struct runtime *rt, volatile sig_atomic_t *stop)
{
	struct intake in;
	char *err = NULL;
	int rc = -1;

	memset(d, 0, sizeof(*d));
	memcpy(d->dir, "/tmp/aanmeld-dry-run.XXXXXX", sizeof(d->dir));
	if (mkdtemp(d->dir) == NULL) {
		log_warn("dry run: %s", d->dir);
		return -1;
	}
	d->copy = xasprintf("%s/aanmeld.db", d->dir);
	if (access(rt->config->database, F_OK) == 0 &&
	    (store_open(rt->config->database, true, &d->real, &err) == -1 ||
	     store_copy(d->real, d->copy, &err) == -1)) {
		log_warnx("dry run: %s", err);
		goto out;
	}
	free(rt->config->database);
	rt->config->database = xstrdup(d->copy);
	free(rt->config->spool_dir);
	rt->config->spool_dir = xstrdup(d->dir);
	if (runtime_open_store(rt, false) == -1 || runtime_open_io(rt) == -1 ||
	    store_last_message(rt->store, &d->before, &err) == -1)
		goto out;
	intake_init(&in, rt->config, rt->rules, rt->store, rt->mailbox);
	if (intake_run(&in, util_clock(), stop, &d->stats, &err) != 0) {
		log_warnx("dry run: %s", err);
		goto out;
	}
	rc = 0;
out:
	if (err != NULL && rc == -1 && err[0] != '\0')
		log_warnx("dry run: %s", err);
	free(err);
	if (rc == -1)
		dryrun_end(d, rt);
	return rc;
}

void
dryrun_end(struct dryrun *d, struct runtime *rt)
{
	store_close(&d->real);
	store_close(&rt->store);
	mailbox_close(&rt->mailbox);
	(void)nftw(d->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(d->copy);
	d->copy = NULL;
}
