/*
 * The parts of `aanmeld show` beyond the message's row: its header
 * fields as parsed from the raw copy, its review items (with the reason
 * in Dutch, as staff get it) and the mail sent for it.
 */
#ifndef AANMELD_CLI_SHOW_H
#define AANMELD_CLI_SHOW_H

#include <stdint.h>

struct message;
struct store;

/* Prints "headers:" and the fields msg has, one per line. */
void cli_show_headers(const struct message *msg);
/* Prints the review items and the mail of message id.  0, or -1 after
   printing the error. */
int cli_show_rest(struct store *s, int64_t id);

#endif
