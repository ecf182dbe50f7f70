#include "autoconf.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "escape.h"
#include "programme.h"
#include "rulefile.h"
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
	"delivered",
	"promoted",
	"programme",
};

/* The placeholders.  Text a sender wrote (a subject, a display name, the
   Date header) has none: an answer may go to a forged address and must
   not carry an attacker's words there.  lines: a pre-formatted text of
   several lines; every other value is one line (template_render). */
static const struct {
	const char *name;
	bool lines;
} known_vars[] = {
	{"event", false},
	{"organiser", false},
	{"organiser_name", false},
	{"event_address", false},
	{"municipality", false},
	{"sender", false},
	{"received_date", false},
	{"programme", true},
	{"capacity", false},
	{"position", false},
	{"closing_date", false},
	/* invitation.txt */
	{"session_title", false},
	{"session_date", false},
	{"session_time", false},
	{"session_link", false},
	{"session_description", false},
	/* invitation-update.txt: the time before the change */
	{"previous_date", false},
	{"previous_time", false},
	/* staff-*.txt */
	{"summary_date", false},
	{"summary_since", false},
	{"review_count", false},
	{"review_items", true},
	{"review_folder", false},
	{"new_count", false},
	{"new_enrolments", true},
	{"waitlist_count", false},
	{"waitlist", true},
	{"failed_count", false},
	{"failed_mail", true},
	{"places_taken", false},
	{"summary_news", true},
	{"web_help", true},
	{"failed_help", true},
	{"down_since", false},
	{"last_error", true},
	{"recovered_at", false},
	/* delivered.txt, from [deadline] deliverable */
	{"deliverable", false},
};

struct templates {
	struct template t[TEMPLATE_COUNT];
};

const char *
template_name(enum template_kind kind)
{
	return kind_names[kind];
}

/* Whether name (n bytes) is one of allowed, or with allowed NULL one
   of known_vars. */
static bool
var_known(const char *name, size_t n, const char *const *allowed,
	  size_t n_allowed)
{
	size_t i;

	if (allowed == NULL) {
		for (i = 0; i < nitems(known_vars); i++) {
			if (strlen(known_vars[i].name) == n &&
			    strncmp(name, known_vars[i].name, n) == 0)
				return true;
		}
		return false;
	}
	for (i = 0; i < n_allowed; i++) {
		if (strlen(allowed[i]) == n &&
		    strncmp(name, allowed[i], n) == 0)
			return true;
	}
	return false;
}

/* Checks every {{name}} in text against allowed (NULL: every known
   name); returns the number of unknown ones. */
static int
check_placeholders(const char *text, const char *path, unsigned line0,
		   const char *const *allowed, size_t n_allowed,
		   struct buf *errors)
{
	const char *p = text, *open, *close;
	unsigned line = line0;
	int bad = 0;

	for (;;) {
		open = strstr(p, "{{");
		if (open == NULL)
			break;
		for (; p < open; p++)
			line += *p == '\n';
		close = strstr(open, "}}");
		if (close == NULL) {
			rulefile_error(errors, path, line, "unclosed {{");
			return bad + 1;
		}
		if (!var_known(open + 2, (size_t)(close - open - 2), allowed,
			       n_allowed)) {
			rulefile_error(errors, path, line,
				       "unknown placeholder {{%.*s}}",
				       (int)(close - open - 2), open + 2);
			bad++;
		}
		p = close + 2;
	}
	return bad;
}

/* Parses data (the file's text, taken) into t. */
static int
parse_one(struct template *t, char *data, const char *path,
	  const char *const *allowed, size_t n_allowed, struct buf *errors)
{
	const char *body;
	char *nl;

	nl = strchr(data, '\n');
	if (strncmp(data, "Subject:", 8) != 0 || nl == NULL ||
	    (nl[1] != '\n' && strncmp(nl + 1, "\r\n", 2) != 0)) {
		rulefile_error(errors, path, 1,
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
		rulefile_error(errors, path, 1, "empty subject");
		return -1;
	}
	if (check_placeholders(t->subject, path, 1, allowed, n_allowed,
			       errors) +
		    check_placeholders(t->body, path, 3, allowed, n_allowed,
				       errors) >
	    0)
		return -1;
	return 0;
}

static int
load_one(struct template *t, const char *path, const char *const *allowed,
	 size_t n_allowed, struct buf *errors)
{
	const char *err;
	char *data;
	size_t len;

	data = util_read_file(path, TEMPLATE_FILE_MAX, &len, &err);
	if (data == NULL) {
		rulefile_error(errors, path, 0, "%s", err);
		return -1;
	}
	return parse_one(t, data, path, allowed, n_allowed, errors);
}

struct template *
template_parse(const char *text, const char *name, const char *const *allowed,
	       size_t n_allowed, struct buf *errors)
{
	struct template *t = xcalloc(1, sizeof(*t));

	if (parse_one(t, xstrdup(text), name, allowed, n_allowed, errors) ==
	    -1) {
		template_free(t);
		return NULL;
	}
	return t;
}

struct template *
template_load_file(const char *path, const char *const *allowed,
		   size_t n_allowed, struct buf *errors)
{
	struct template *t = xcalloc(1, sizeof(*t));

	if (load_one(t, path, allowed, n_allowed, errors) == -1) {
		template_free(t);
		return NULL;
	}
	return t;
}

void
template_free(struct template *t)
{
	if (t == NULL)
		return;
	free(t->subject);
	free(t->body);
	free(t);
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
			rulefile_error(errors, dir, 0, "path too long");
			rc = -1;
			continue;
		}
		if (load_one(&t->t[i], path, NULL, 0, errors) == -1)
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

/* Whether the placeholder name holds several lines. */
static bool
var_lines(const char *name)
{
	size_t i;

	for (i = 0; i < nitems(known_vars); i++)
		if (strcmp(known_vars[i].name, name) == 0)
			return known_vars[i].lines;
	return false;
}

/* Appends v with each control character as a space: C0 (CR and LF
   included), DEL, C1, the bidi controls and the line separators that
   escape.h escapes on a terminal (a mail to staff is read as much).  A
   value of several lines keeps LF and TAB, and a CR before an LF goes. */
static void
add_value(struct buf *b, const char *v, bool lines)
{
	const unsigned char *p = (const unsigned char *)v;
	size_t hidden;

	for (; *p != '\0'; p++) {
		if (lines && (*p == '\n' || *p == '\t'))
			(void)buf_addc(b, (char)*p);
		else if (lines && *p == '\r' && p[1] == '\n')
			continue;
		else if (*p < 0x20 || *p == 0x7f)
			(void)buf_addc(b, ' ');
		else if ((hidden = escape_hidden_at((const char *)p)) > 0) {
			(void)buf_addc(b, ' ');
			p += hidden - 1;
		} else
			(void)buf_addc(b, (char)*p);
	}
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
					add_value(&b, vars[i].value,
						  var_lines(vars[i].name));
				break;
			}
		}
		p = close + 2;
	}
	(void)buf_adds(&b, p);
	return buf_steal(&b);
}

void
template_common_vars(struct template_var *vars, const struct programme *p)
{
	vars[0] = (struct template_var){"event", p->name};
	vars[1] = (struct template_var){"organiser", p->organiser};
	vars[2] = (struct template_var){"organiser_name", p->organiser_name};
	vars[3] = (struct template_var){"event_address", p->address};
}
