#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_show.h"
#include "escape.h"
#include "message.h"
#include "reason.h"
#include "staff.h"
#include "store_staff.h"

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

void
cli_show_headers(const struct message *msg)
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

struct rows {
	unsigned n;
};

static void
print_rows(void *ctx, int n, const char *const *values,
	   const char *const *names)
{
	struct rows *r = ctx;

	if (r->n++ > 0)
		putchar('\n');
	const char *codes = NULL;

	for (int i = 0; i < n; i++) {
		if (strcmp(names[i], "reason_codes") == 0)
			codes = values[i];
	}
	for (int i = 0; i < n; i++) {
		if (strcmp(names[i], "reason_codes") == 0)
			continue; /* shown in Dutch below the reason */
		printf("  %-12s ", names[i]);
		value(values[i]);
		if (strcmp(names[i], "reason") == 0 && values[i] != NULL) {
			char *nl = staff_reason_text(values[i], codes);

			printf("  %-12s ", "in Dutch");
			value(nl);
			free(nl);
		}
	}
}

int
cli_show_rest(struct store *s, int64_t id)
{
	struct rows reviews = {0}, mails = {0};
	char *err = NULL;

	printf("\nreview:\n");
	if (store_staff_review_for(s, id, print_rows, &reviews, &err) == -1)
		goto fail;
	if (reviews.n == 0)
		printf("  (none)\n");
	printf("\nmail sent for it:\n");
	if (store_staff_sent_for(s, id, print_rows, &mails, &err) == -1)
		goto fail;
	if (mails.n == 0)
		printf("  (none)\n");
	return 0;
fail:
	fprintf(stderr, "show: %s\n", err);
	free(err);
	return -1;
}
