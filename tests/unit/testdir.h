/*
 * What the unit tests that start a server share: a temporary folder with
 * a test CA in it (tests/servers/ca.sh), removed at the end.
 */
#ifndef AANMELD_TESTDIR_H
#define AANMELD_TESTDIR_H

#include <stdbool.h>
#include <stddef.h>

/* Makes /tmp/<name>-XXXXXX into dir (size bytes); with pki, runs ca.sh
   into dir/pki and sets *pki_r.  0, or -1 when the folder cannot be
   made. */
int testdir_make(char *dir, size_t size, const char *name, bool pki,
		 bool *pki_r);
/* Removes dir and everything in it.  0 or -1. */
int testdir_remove(const char *dir);

#endif
