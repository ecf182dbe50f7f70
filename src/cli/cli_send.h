/*
 * aanmeld send TEMPLATE --to confirmed|waitlist|session:N [--dry-run]:
 * a mail staff wrote (a template file, the format of rules/templates/) to
 * a group of contacts, through the outbox, once per contact and text.
 */
#ifndef AANMELD_CLI_SEND_H
#define AANMELD_CLI_SEND_H

struct runtime;

int cli_send_run(struct runtime *rt, int argc, char **argv);

#endif
