/*
 * Who does it, for the audit log: "cli:<login>", the staff member's own
 * login also under sudo.
 */
#ifndef AANMELD_CLI_ACTOR_H
#define AANMELD_CLI_ACTOR_H

/* Heap; the caller frees it. */
char *cli_actor(void);

#endif
