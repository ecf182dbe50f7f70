#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "inifile.h"
#include "nldate.h"
#include "programme.h"
#include "rulefile.h"
#include "util.h"

struct load {
	struct programme *p;
	const char *path;
	struct buf *errors;
	int tz_pass; /* the first pass only reads the time zone */
};

static int
set_time(struct load *l, unsigned line, const char *name, const char *value,
	 time_t *t)
{
	if (util_parse_time(value, t) == -1) {
		rulefile_error(l->errors, l->path, line,
			       "%s: '%s' is not a time (YYYY-MM-DD HH:MM)",
			       name, value);
		return -1;
	}
	return 0;
}

static int
event_value(struct load *l, const char *name, const char *value, unsigned line)
{
	struct programme *p = l->p;
	const char *err;
	long long n;

	if (strcmp(name, "name") == 0)
		p->name = (free(p->name), xstrdup(value));
	else if (strcmp(name, "organiser") == 0)
		p->organiser = (free(p->organiser), xstrdup(value));
	else if (strcmp(name, "organiser_name") == 0)
		p->organiser_name = (free(p->organiser_name), xstrdup(value));
	else if (strcmp(name, "address") == 0)
		p->address = (free(p->address), xstrdup(value));
	else if (strcmp(name, "timezone") == 0)
		return 0; /* read in the first pass */
	else if (strcmp(name, "capacity") == 0) {
		if (util_strtonum(value, 1, 100000, &n, &err) == -1) {
			rulefile_error(l->errors, l->path, line, "capacity: %s",
				       err);
			return -1;
		}
		p->capacity = (long)n;
	} else if (strcmp(name, "enrolment_opens") == 0)
		return set_time(l, line, name, value, &p->opens);
	else if (strcmp(name, "enrolment_closes") == 0)
		return set_time(l, line, name, value, &p->closes);
	else {
		rulefile_error(l->errors, l->path, line, "unknown key '%s'",
			       name);
		return -1;
	}
	return 0;
}

static int
item_value(struct load *l, struct programme_item *it, const char *name,
	   const char *value, unsigned line)
{
	if (strcmp(name, "title") == 0)
		it->title = (free(it->title), xstrdup(value));
	else if (strcmp(name, "description") == 0)
		it->description = (free(it->description), xstrdup(value));
	else if (strcmp(name, "link") == 0)
		it->link = (free(it->link), xstrdup(value));
	else if (strcmp(name, "start") == 0 || strcmp(name, "date") == 0)
		return set_time(l, line, name, value, &it->start);
	else if (strcmp(name, "end") == 0) {
		it->line = line; /* a bad end is the likeliest error */
		return set_time(l, line, name, value, &it->end);
	} else {
		rulefile_error(l->errors, l->path, line, "unknown key '%s'",
			       name);
		return -1;
	}
	return 0;
}

/* "7d 1d" (or "none") into offsets, largest first. */
static int
offsets_value(struct load *l, const char *name, const char *value,
	      unsigned line, struct programme_offset *offs, size_t *n_r)
{
	char *copy = xstrdup(value), *word, *save = NULL, unit;
	const char *err;
	long long n;
	size_t i, j, len, count = 0;
	int rc = 0;

	for (word = strtok_r(copy, " \t,", &save); word != NULL && rc == 0;
	     word = strtok_r(NULL, " \t,", &save)) {
		if (strcmp(word, "none") == 0)
			continue;
		len = strlen(word);
		unit = word[len - 1];
		word[len - 1] = '\0';
		if ((unit != 'd' && unit != 'h') || word[0] == '+' ||
		    util_strtonum(word, 1, PROGRAMME_OFFSET_MAX, &n, &err) ==
			    -1) {
			word[len - 1] = unit;
			rulefile_error(
				l->errors, l->path, line,
				"%s: '%s' is not an offset like 7d or 12h "
				"(1 to %d)",
				name, word, PROGRAMME_OFFSET_MAX);
			rc = -1;
		} else if (count == PROGRAMME_REMINDERS_MAX) {
			rulefile_error(l->errors, l->path, line,
				       "%s: more than %d reminders", name,
				       PROGRAMME_REMINDERS_MAX);
			rc = -1;
		} else {
			offs[count].n = (unsigned)n;
			offs[count].unit = unit;
			count++;
		}
	}
	free(copy);
	if (rc == -1)
		return -1;
	/* largest first: the scheduler sends only the latest one due */
	for (i = 1; i < count; i++) {
		for (j = i; j > 0; j--) {
			unsigned long a = offs[j - 1].n *
					  (offs[j - 1].unit == 'd' ? 24u : 1u);
			unsigned long b =
				offs[j].n * (offs[j].unit == 'd' ? 24u : 1u);
			struct programme_offset t;

			if (a > b)
				break;
			if (a == b) {
				rulefile_error(l->errors, l->path, line,
					       "%s: the same offset twice",
					       name);
				return -1;
			}
			t = offs[j - 1];
			offs[j - 1] = offs[j];
			offs[j] = t;
		}
	}
	*n_r = count;
	return 0;
}

static int
reminders_value(struct load *l, const char *name, const char *value,
		unsigned line)
{
	struct programme *p = l->p;

	if (strcmp(name, "session") == 0)
		return offsets_value(l, name, value, line, p->session_reminders,
				     &p->n_session_reminders);
	if (strcmp(name, "deadline") == 0)
		return offsets_value(l, name, value, line,
				     p->deadline_reminders,
				     &p->n_deadline_reminders);
	rulefile_error(l->errors, l->path, line, "unknown key '%s'", name);
	return -1;
}

static struct programme_item *
session_for(struct load *l, const char *section, unsigned line)
{
	struct programme *p = l->p;
	const char *err;
	long long n;
	size_t i;

	if (util_strtonum(section + strlen("session "), 1,
			  PROGRAMME_SESSIONS_MAX, &n, &err) == -1) {
		rulefile_error(l->errors, l->path, line,
			       "[%s]: session number %s", section, err);
		return NULL;
	}
	for (i = 0; i < p->n_sessions; i++) {
		if (p->sessions[i].number == (unsigned)n)
			return &p->sessions[i];
	}
	if (p->n_sessions == PROGRAMME_SESSIONS_MAX)
		return NULL; /* unreachable: numbers are bounded */
	p->sessions[p->n_sessions].number = (unsigned)n;
	p->sessions[p->n_sessions].line = line;
	return &p->sessions[p->n_sessions++];
}

/* [deadline] max_deliveries_per_day. */
static int
max_deliveries(struct load *l, const char *value, unsigned line)
{
	const char *err = NULL;
	long long n;

	if (util_strtonum(value, 1, 1000, &n, &err) == -1) {
		rulefile_error(l->errors, l->path, line,
			       "max_deliveries_per_day: %s", err);
		return -1;
	}
	l->p->max_deliveries_per_day = (unsigned)n;
	return 0;
}

static int
on_value(void *user, const char *section, const char *name, const char *value,
	 unsigned line)
{
	struct load *l = user;
	struct programme_item *it;

	if (l->tz_pass) {
		if (strcmp(section, "event") == 0 &&
		    strcmp(name, "timezone") == 0)
			l->p->timezone = (free(l->p->timezone), xstrdup(value));
		return 0;
	}
	if (strcmp(section, "event") == 0)
		return event_value(l, name, value, line);
	if (strcmp(section, "deadline") == 0 &&
	    strcmp(name, "deliverable") == 0) {
		l->p->deliverable = (free(l->p->deliverable), xstrdup(value));
		return 0;
	}
	if (strcmp(section, "deadline") == 0 &&
	    strcmp(name, "max_deliveries_per_day") == 0)
		return max_deliveries(l, value, line);
	if (strcmp(section, "deadline") == 0)
		return item_value(l, &l->p->deadline, name, value, line);
	if (strcmp(section, "congress") == 0)
		return item_value(l, &l->p->congress, name, value, line);
	if (strcmp(section, "reminders") == 0)
		return reminders_value(l, name, value, line);
	if (strncmp(section, "session ", 8) == 0) {
		it = session_for(l, section, line);
		return it == NULL ? -1 : item_value(l, it, name, value, line);
	}
	rulefile_error(l->errors, l->path, line, "unknown section [%s]",
		       section);
	return -1;
}

static int
item_cmp(const void *a, const void *b)
{
	const struct programme_item *x = a, *y = b;

	return x->number < y->number ? -1 : x->number > y->number;
}

/* Checks what the whole file must say; 0 or -1 with errors added. */
static int
check(struct load *l)
{
	struct programme *p = l->p;
	int rc = 0;
	size_t i;

	if (p->name == NULL || p->address == NULL || p->capacity == 0 ||
	    p->closes == 0) {
		rulefile_error(l->errors, l->path, 0,
			       "[event] needs name, address, capacity and "
			       "enrolment_closes");
		rc = -1;
	}
	if (p->organiser_name == NULL)
		p->organiser_name = xstrdup(
			p->organiser != NULL ? p->organiser : "de organisatie");
	qsort(p->sessions, p->n_sessions, sizeof(p->sessions[0]), item_cmp);
	for (i = 0; i < p->n_sessions; i++) {
		struct programme_item *s = &p->sessions[i];

		if (s->title == NULL || s->start == 0 || s->end <= s->start) {
			rulefile_error(
				l->errors, l->path, s->line,
				"[session %u] needs a title, a start and "
				"an end after the start",
				s->number);
			rc = -1;
		}
	}
	if (p->deadline.title != NULL && p->deadline.end == 0)
		p->deadline.end = p->deadline.start;
	if (p->deliverable != NULL &&
	    (p->deadline.title == NULL || p->deadline.start == 0)) {
		rulefile_error(l->errors, l->path, 0,
			       "[deadline] deliverable needs the deadline's "
			       "title and date");
		rc = -1;
	}
	return rc;
}

struct programme *
programme_load(const char *path, struct buf *errors)
{
	struct programme *p = xcalloc(1, sizeof(*p));
	struct load l = {p, path, errors, 1};
	const char *err = NULL;
	unsigned syntax;
	int rc;

	/* the defaults, replaced by [reminders] */
	p->session_reminders[0] = (struct programme_offset){7, 'd'};
	p->session_reminders[1] = (struct programme_offset){1, 'd'};
	p->n_session_reminders = 2;
	p->deadline_reminders[0] = (struct programme_offset){14, 'd'};
	p->deadline_reminders[1] = (struct programme_offset){3, 'd'};
	p->n_deadline_reminders = 2;
	p->max_deliveries_per_day = PROGRAMME_DELIVERIES_PER_DAY;

	rc = inifile_parse(path, on_value, &l, &syntax, &err);
	if (rc == 0) {
		if (p->timezone == NULL)
			p->timezone = xstrdup("Europe/Amsterdam");
		setenv("TZ", p->timezone, 1);
		tzset();
		l.tz_pass = 0;
		rc = inifile_parse(path, on_value, &l, &syntax, &err);
	}
	if (err != NULL)
		rulefile_error(errors, path, 0, "%s", err);
	else if (syntax != 0)
		rulefile_error(errors, path, syntax, "syntax error");
	if (rc == 0)
		rc = check(&l);
	if (rc == -1) {
		programme_free(p);
		return NULL;
	}
	return p;
}

static void
item_free(struct programme_item *it)
{
	free(it->title);
	free(it->description);
	free(it->link);
}

void
programme_free(struct programme *p)
{
	size_t i;

	if (p == NULL)
		return;
	free(p->name);
	free(p->organiser);
	free(p->organiser_name);
	free(p->address);
	free(p->timezone);
	for (i = 0; i < p->n_sessions; i++)
		item_free(&p->sessions[i]);
	item_free(&p->deadline);
	item_free(&p->congress);
	free(p->deliverable);
	free(p);
}

const struct programme_item *
programme_session(const struct programme *p, unsigned number)
{
	size_t i;

	for (i = 0; i < p->n_sessions; i++) {
		if (p->sessions[i].number == number)
			return &p->sessions[i];
	}
	return NULL;
}

time_t
programme_offset_before(time_t t, const struct programme_offset *o)
{
	struct tm tm;

	if (o->unit == 'h')
		return t - (time_t)o->n * 3600;
	/* calendar days: 7 days before 13:30 is 13:30, summer time or not */
	if (localtime_r(&t, &tm) == NULL)
		return t - (time_t)o->n * 24 * 3600;
	tm.tm_mday -= (int)o->n;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

void
programme_offset_format(const struct programme_offset *o, char *buf,
			size_t size)
{
	snprintf(buf, size, "%u%c", o->n, o->unit);
}

static void
format_item(struct buf *b, const struct programme_item *it)
{
	char date[64], hours[32];

	nldate_format(it->start, date, sizeof(date));
	nldate_format_hours(it->start, it->end, hours, sizeof(hours));
	(void)buf_addf(b, "- %s, ", date);
	if (hours[0] != '\0')
		(void)buf_addf(b, "%s: ", hours);
	(void)buf_addf(b, "%s\n", it->title);
}

static int
item_by_start(const void *a, const void *b)
{
	const struct programme_item *x =
		*(const struct programme_item *const *)a;
	const struct programme_item *y =
		*(const struct programme_item *const *)b;

	return x->start < y->start ? -1 : x->start > y->start;
}

char *
programme_format(const struct programme *p)
{
	const struct programme_item *items[PROGRAMME_SESSIONS_MAX + 2];
	struct buf b;
	size_t i, n = 0;

	for (i = 0; i < p->n_sessions; i++)
		items[n++] = &p->sessions[i];
	if (p->deadline.title != NULL)
		items[n++] = &p->deadline;
	if (p->congress.title != NULL)
		items[n++] = &p->congress;
	/* in date order: the text deadline falls between two sessions */
	qsort(items, n, sizeof(items[0]), item_by_start);
	buf_init(&b, 64 * 1024);
	for (i = 0; i < n; i++)
		format_item(&b, items[i]);
	return buf_steal(&b);
}
