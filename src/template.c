#include "autoconf.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "rules.h"
#include "template.h"
#include "util.h"

static const char *const kind_names[TEMPLATE_COUNT] = {
	"confirm",
	"waitlist",
	"duplicate",
	"reject",
	"closed",
	"review",
	"invitation",
	"reminder-session",
	"reminder-deadline",
	"invitation-update",
	"invitation-cancel",
	"withdrawn",
	/* to staff (staff.h) */
	"staff-summary",
	"staff-warning",
	"staff-recovered",
};

static const char *const known_vars[] = {
	"event",
	"organiser",
	"organiser_name",
	"event_address",
	"municipality",
	"sender",
	"original_subject",
	"original_date",
	"programme",
	"capacity",
	"position",
	"closing_date",
	/* invitation.txt */
	"session_title",
	"session_date",
	"session_time",
	"session_link",
	"session_description",
	/* staff-*.txt */
	"summary_date",
	"summary_since",
	"review_count",
	"review_items",
	"review_folder",
	"new_count",
	"new_enrolments",
	"waitlist_count",
	"waitlist",
	"failed_count",
	"failed_mail",
	"places_taken",
	"down_since",
	"last_error",
	"recovered_at",
};

struct templates {
	struct template t[TEMPLATE_COUNT];
};

const char *
template_name(enum template_kind kind)
{
	return kind_names[kind];
}

/* Checks every {{name}} in text; returns the number of unknown ones. */
static int
check_placeholders(const char *text, const char *path, unsigned line0,
		   struct buf *errors)
{
	const char *p = text, *open, *close;
	unsigned line = line0;
	int bad = 0;
	size_t i;

	for (;;) {
		open = strstr(p, "{{");
		if (open == NULL)
			break;
		for (; p < open; p++)
			line += *p == '\n';
		close = strstr(open, "}}");
		if (close == NULL) {
			rules_error(errors, path, line, "unclosed {{");
			return bad + 1;
		}
		for (i = 0; i < nitems(known_vars); i++) {
			size_t n = strlen(known_vars[i]);

			if ((size_t)(close - open - 2) == n &&
			    strncmp(open + 2, known_vars[i], n) == 0)
				break;
		}
		if (i == nitems(known_vars)) {
			rules_error(errors, path, line,
				    "unknown placeholder {{%.*s}}",
				    (int)(close - open - 2), open + 2);
			bad++;
		}
		p = close + 2;
	}
	return bad;
}

static int
load_one(struct template *t, const char *path, struct buf *errors)
{
	const char *err, *body;
	char *data, *nl;
	size_t len;

	data = util_read_file(path, TEMPLATE_FILE_MAX, &len, &err);
	if (data == NULL) {
		rules_error(errors, path, 0, "%s", err);
		return -1;
	}
	nl = strchr(data, '\n');
	if (strncmp(data, "Subject:", 8) != 0 || nl == NULL ||
	    (nl[1] != '\n' && strncmp(nl + 1, "\r\n", 2) != 0)) {
		rules_error(errors, path, 1,
			    "expected 'Subject: ...' and an empty line");
		free(data);
		return -1;
	}
	*nl = '\0';
	t->subject = util_trim(xstrdup(data + 8));
	body = nl + (nl[1] == '\r' ? 3 : 2);
	t->body = xstrdup(body);
	free(data);
	if (t->subject[0] == '\0') {
		rules_error(errors, path, 1, "empty subject");
		return -1;
	}
	if (check_placeholders(t->subject, path, 1, errors) +
		    check_placeholders(t->body, path, 3, errors) >
	    0)
		return -1;
	return 0;
}

struct templates *
template_load_dir(const char *dir, struct buf *errors)
{
	struct templates *t = xcalloc(1, sizeof(*t));
	char path[PATH_MAX];
	int rc = 0;
	size_t i;

	for (i = 0; i < TEMPLATE_COUNT; i++) {
		if (snprintf(path, sizeof(path), "%s/%s.txt", dir,
			     kind_names[i]) >= (int)sizeof(path)) {
			rules_error(errors, dir, 0, "path too long");
			rc = -1;
			continue;
		}
		if (load_one(&t->t[i], path, errors) == -1)
			rc = -1;
	}
	if (rc == -1) {
		template_free_all(t);
		return NULL;
	}
	return t;
}

void
template_free_all(struct templates *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < TEMPLATE_COUNT; i++) {
		free(t->t[i].subject);
		free(t->t[i].body);
	}
	free(t);
}

const struct template *
template_get(const struct templates *t, enum template_kind kind)
{
	return &t->t[kind];
}

char *
template_render(const char *text, const struct template_var *vars,
		size_t n_vars)
{
	const char *p = text, *open, *close;
	struct buf b;
	size_t i;

	buf_init(&b, 1024 * 1024);
	for (;;) {
		open = strstr(p, "{{");
		close = open == NULL ? NULL : strstr(open, "}}");
		if (close == NULL)
			break;
		(void)buf_add(&b, p, (size_t)(open - p));
		for (i = 0; i < n_vars; i++) {
			size_t n = strlen(vars[i].name);

			if ((size_t)(close - open - 2) == n &&
			    strncmp(open + 2, vars[i].name, n) == 0) {
				if (vars[i].value != NULL)
					(void)buf_adds(&b, vars[i].value);
				break;
			}
		}
		p = close + 2;
	}
	(void)buf_adds(&b, p);
	return buf_steal(&b);
}
