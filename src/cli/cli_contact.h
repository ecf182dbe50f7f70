/*
 * aanmeld contact add|remove CODE ADDRESS (contact.c says what each
 * does).  Gets the loaded runtime and its own arguments (argv[0] is the
 * command) and returns the exit status.
 */
#ifndef AANMELD_CLI_CONTACT_H
#define AANMELD_CLI_CONTACT_H

struct runtime;

int cli_contact_run(struct runtime *rt, int argc, char **argv);

#endif
