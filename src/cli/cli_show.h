/*
 * `aanmeld show`: one message as staff look at it, gathered once and
 * then printed (here) or rendered as a page (aanmeld-web): its row, its
 * header fields and text as parsed from the raw copy, its review items
 * (with the reason in Dutch, as staff get it) and the mail sent for it.
 */
#ifndef AANMELD_CLI_SHOW_H
#define AANMELD_CLI_SHOW_H

#include <stdint.h>

#include "cli_rows.h"

struct message;
struct store;

/* What became of the raw copy the message row names. */
enum cli_show_raw {
	CLI_SHOW_RAW_NONE,	 /* the row names none */
	CLI_SHOW_RAW_OK,	 /* parsed: msg */
	CLI_SHOW_RAW_MISSING,	 /* the name is not one in the spool */
	CLI_SHOW_RAW_UNREADABLE, /* raw_error says why */
};

struct cli_show {
	struct cli_rows message; /* the message's row (report "message") */
	char *spool_path;	 /* as stored, or NULL */
	enum cli_show_raw raw;
	char *raw_error;	 /* English, with CLI_SHOW_RAW_UNREADABLE */
	struct message *msg;	 /* with CLI_SHOW_RAW_OK */
	struct cli_rows reviews; /* store_staff_review_for() */
	struct cli_rows mails;	 /* store_staff_sent_for() */
};

/* Fills *sh (released with cli_show_deinit(), also after 0 and -1)
   with message row id and what belongs to it; the raw copy is read
   under spool_dir.  1 found, 0 no such message, -1 with *error_r
   (heap). */
int cli_show_load(struct store *s, const char *spool_dir, int64_t id,
		  struct cli_show *sh, char **error_r);
void cli_show_deinit(struct cli_show *sh);

/* Prints what cli_show_load() found to stdout, as `aanmeld show`. */
void cli_show_print(const struct cli_show *sh);

#endif
