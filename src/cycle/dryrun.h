/*
 * aanmeldd --dry-run: the real intake pass on a copy of the database and
 * a spool of its own, both thrown away at the end, so the decisions are
 * the real pipeline's and the effects none.  The program prints them
 * from the copy between dryrun_begin() and dryrun_end().
 */
#ifndef AANMELD_DRYRUN_H
#define AANMELD_DRYRUN_H

#include <signal.h>
#include <stdint.h>

#include "intake.h"

struct runtime;
struct store;

struct dryrun {
	char dir[sizeof("/tmp/aanmeld-dry-run.XXXXXX")];
	char *copy;	    /* the copy of the database, in dir */
	struct store *real; /* the real database, read-only, or NULL */
	struct intake_stats stats;
	int64_t before; /* the last message id before the pass */
};

/* Points rt at the copy (rt->store then is the copy), opens the mailbox
   and runs one intake pass.  0, or -1 after logging, with everything
   already removed; after 0 the caller calls dryrun_end(). */
int dryrun_begin(struct dryrun *d, struct runtime *rt,
		 volatile sig_atomic_t *stop);
/* Closes the copy and the mailbox and removes the directory. */
void dryrun_end(struct dryrun *d, struct runtime *rt);

#endif
