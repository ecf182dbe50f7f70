/*
 * The daemon keeps its last distinct errors by their text, and a retry
 * countdown ("localhost unreachable, next try in 8 s") is a new text
 * every pass.  aanmeld status shows such a run of errors as one.
 */
#ifndef AANMELD_COUNTDOWN_H
#define AANMELD_COUNTDOWN_H

#include <stdbool.h>

/* True when a and b are the same text but for the seconds after
   "next try in ". */
bool countdown_same(const char *a, const char *b);

#endif
