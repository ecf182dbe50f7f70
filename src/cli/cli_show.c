#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_show.h"
#include "escape.h"
#include "message.h"
#include "message_worker.h"
#include "reason.h"
#include "spool.h"
#include "staff.h"
#include "store_report.h"
#include "store_staff.h"
#include "util.h"

int
cli_show_load(struct store *s, const char *spool_dir, int64_t id,
	      struct cli_show *sh, char **error_r)
{
	const char *stored, *err;
	char num[32], *path, *data;
	size_t len;

	memset(sh, 0, sizeof(*sh));
	snprintf(num, sizeof(num), "%lld", (long long)id);
	if (store_report(s, "message", num, cli_rows_add, &sh->message,
			 error_r) == -1)
		return -1;
	if (sh->message.n == 0)
		return 0;
	stored = cli_rows_value(&sh->message.v[0], "spool_path");
	if (stored != NULL) {
		sh->spool_path = xstrdup(stored);
		path = spool_resolve(spool_dir, stored);
		sh->raw = CLI_SHOW_RAW_MISSING;
		data = NULL;
		if (path != NULL)
			data = util_read_file(path, MESSAGE_SIZE_MAX + 1, &len,
					      &err);
		if (path != NULL && data == NULL) {
			sh->raw = CLI_SHOW_RAW_UNREADABLE;
			sh->raw_error = xstrdup(err);
		} else if (data != NULL) {
			sh->raw = CLI_SHOW_RAW_OK;
			sh->msg = message_worker_parse(data, len, len);
			free(data);
		}
		free(path);
	}
	if (store_staff_review_for(s, id, cli_rows_add, &sh->reviews,
				   error_r) == -1 ||
	    store_staff_sent_for(s, id, cli_rows_add, &sh->mails, error_r) ==
		    -1)
		return -1;
	return 1;
}

void
cli_show_deinit(struct cli_show *sh)
{
	cli_rows_deinit(&sh->message);
	cli_rows_deinit(&sh->reviews);
	cli_rows_deinit(&sh->mails);
	free(sh->spool_path);
	free(sh->raw_error);
	message_free(sh->msg);
	memset(sh, 0, sizeof(*sh));
}

/* A value from mail on one line, controls and bidi visible: a line
   break in it would look like another field, a control would drive the
   terminal. */
static void
value(const char *v)
{
	escape_fputs(v != NULL ? v : "-", ESCAPE_LINE, stdout);
	putchar('\n');
}

static void
field(const char *name, const char *v)
{
	if (v == NULL)
		return;
	printf("  %-24s ", name);
	value(v);
}

static void
print_headers(const struct message *msg)
{
	printf("\nheaders:\n");
	field("From:", msg->from_addr);
	field("From (name):", msg->from_name);
	field("Sender:", msg->sender_addr);
	field("Reply-To:", msg->reply_to_addr);
	field("To:", msg->to);
	field("Subject:", msg->subject);
	field("Date:", msg->date);
	field("Message-ID:", msg->message_id);
	field("In-Reply-To:", msg->in_reply_to);
	field("References:", msg->references);
	field("Return-Path:", msg->return_path);
	field("Auto-Submitted:", msg->auto_submitted);
	field("Precedence:", msg->precedence);
	field("List-Id:", msg->list_id);
	field("Content-Type:", msg->content_type);
	for (size_t i = 0; i < msg->n_authres; i++)
		field("Authentication-Results:", msg->authres[i]);
	if (msg->problem != NULL) {
		char *problem = reason_english(msg->problem);

		field("(problem)", problem);
		free(problem);
	}
}

/* The text of the raw copy, as staff would read it, at most 60 lines.
   Each line behind "  | ", so that none passes for a field above or a
   review item below; controls and bidi visible (escape.h). */
static void
print_text(const struct message *msg)
{
	const char *p, *nl;
	char *text;
	size_t len;
	int lines = 0;

	print_headers(msg);
	printf("\ntext:\n");
	text = escape_str(msg->body, ESCAPE_LINES);
	for (p = text; *p != '\0' && lines < 60; lines++) {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		fputs("  | ", stdout);
		fwrite(p, 1, len, stdout);
		putchar('\n');
		p += nl != NULL ? len + 1 : len;
	}
	if (*p != '\0')
		printf("  [...]\n");
	free(text);
}

/* A review item or a mail: one field a line, the reason in Dutch too. */
static void
print_row(const struct cli_row *row)
{
	const char *codes = cli_rows_value(row, "reason_codes");

	for (size_t i = 0; i < row->n; i++) {
		if (strcmp(row->names[i], "reason_codes") == 0)
			continue; /* shown in Dutch below the reason */
		printf("  %-12s ", row->names[i]);
		value(row->values[i]);
		if (strcmp(row->names[i], "reason") == 0 &&
		    row->values[i] != NULL) {
			char *nl = staff_reason_text(row->values[i], codes);

			printf("  %-12s ", "in Dutch");
			value(nl);
			free(nl);
		}
	}
}

static void
print_rows(const char *title, const struct cli_rows *rows)
{
	printf("\n%s:\n", title);
	for (size_t i = 0; i < rows->n; i++) {
		if (i > 0)
			putchar('\n');
		print_row(&rows->v[i]);
	}
	if (rows->n == 0)
		printf("  (none)\n");
}

void
cli_show_print(const struct cli_show *sh)
{
	const struct cli_row *row = &sh->message.v[0];

	for (size_t i = 0; i < row->n; i++) {
		printf("%-12s ", row->names[i]);
		escape_fputs(row->values[i] != NULL ? row->values[i] : "-",
			     ESCAPE_LINE, stdout);
		putchar('\n');
	}
	switch (sh->raw) {
	case CLI_SHOW_RAW_NONE:
		break;
	case CLI_SHOW_RAW_OK:
		print_text(sh->msg);
		break;
	case CLI_SHOW_RAW_MISSING:
		printf("\ntext: (the raw copy ");
		escape_fputs(sh->spool_path, ESCAPE_LINE, stdout);
		printf(" is not in the spool)\n");
		break;
	case CLI_SHOW_RAW_UNREADABLE:
		printf("\ntext: (the raw copy ");
		escape_fputs(sh->spool_path, ESCAPE_LINE, stdout);
		printf(" cannot be read: %s)\n", sh->raw_error);
		break;
	}
	print_rows("review", &sh->reviews);
	print_rows("mail sent for it", &sh->mails);
}
