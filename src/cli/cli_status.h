/*
 * aanmeld status: the daemon's health for operators and monitoring, read
 * from the database (store_staff.h): the last successful poll, the last
 * cycle, the backlog, the outbox, the review queue and the last errors.
 */
#ifndef AANMELD_CLI_STATUS_H
#define AANMELD_CLI_STATUS_H

struct runtime;

/* Prints the status; returns the exit code: 0 healthy, 1 when the last
   successful poll is warn_after minutes old or older (or there was
   none), when mail failed, or when the database cannot be read; 2 for
   wrong usage. */
int cli_status_run(struct runtime *rt, int argc, char **argv);

#endif
