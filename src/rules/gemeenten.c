#include "autoconf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "gemeenten.h"
#include "mailaddr.h"
#include "rulefile.h"
#include "util.h"

struct domain_entry {
	const char *domain; /* borrowed from the gemeente */
	const struct gemeente *gemeente;
};

struct gemeenten {
	struct gemeente *list;
	size_t n;
	struct domain_entry *index; /* sorted by domain */
	size_t n_index;
	struct shared_org *shared;
	size_t n_shared;
};

/* Splits a tab-separated line in place; returns the field count. */
static size_t
split_tabs(char *line, char **fields, size_t max)
{
	size_t n = 0;
	char *p = line;

	while (n < max) {
		fields[n++] = p;
		p = strchr(p, '\t');
		if (p == NULL)
			break;
		*p++ = '\0';
	}
	return p == NULL ? n : max + 1;
}

/* Splits a comma-separated list into a new array of lower-case copies. */
static char **
split_commas(const char *s, size_t *n_r)
{
	char *copy = xstrdup(s), *p = copy, *comma;
	char **out = NULL;
	size_t n = 0;

	for (;;) {
		comma = strchr(p, ',');
		if (comma != NULL)
			*comma = '\0';
		util_trim(p);
		if (*p != '\0') {
			out = xreallocarray(out, n + 1, sizeof(*out));
			out[n++] = util_lowercase(xstrdup(p));
		}
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	free(copy);
	*n_r = n;
	return out;
}

/* The name for display-name matching: lower case, without a
   parenthesised province hint such as "Laren (NH.)". */
static char *
match_name(const char *name)
{
	char *s = util_lowercase(xstrdup(name));
	char *paren = strstr(s, " (");

	if (paren != NULL)
		*paren = '\0';
	return s;
}

/* "2027-01-01" as 20270101, or 0 when it is no such date. */
static long
day_number(const char *s)
{
	static const char shape[] = "dddd-dd-dd";
	long y = 0, m, d;
	size_t i;

	if (strlen(s) != sizeof(shape) - 1)
		return 0;
	for (i = 0; shape[i] != '\0'; i++) {
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i])
				    : s[i] != '-')
			return 0;
	}
	for (i = 0; i < 4; i++)
		y = y * 10 + (s[i] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1800 || m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	return y * 10000 + m * 100 + d;
}

/* The local day of t as 20270101. */
static long
local_day(time_t t)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return 0;
	return (tm.tm_year + 1900L) * 10000 + (tm.tm_mon + 1) * 100 +
	       tm.tm_mday;
}

bool
gemeenten_merged_at(const struct gemeente *m, time_t now)
{
	if (m->successor == NULL)
		return false;
	return m->merged_day == 0 || local_day(now) >= m->merged_day;
}

const struct gemeente *
gemeenten_at(const struct gemeente *m, time_t now)
{
	size_t hops = 0;

	/* a chain of merges, each on its own date; the loader refuses
	   none of a cycle, so it is cut short */
	while (m != NULL && gemeenten_merged_at(m, now) && hops++ < 16)
		m = m->successor;
	return m;
}

void
gemeenten_each_merge(const struct gemeenten *g, time_t from, time_t to,
		     void (*fn)(void *ctx, const struct gemeente *m), void *ctx)
{
	long first = local_day(from), last = local_day(to);
	size_t i;

	for (i = 0; i < g->n; i++) {
		const struct gemeente *m = &g->list[i];

		if (m->merged && m->merged_day >= first &&
		    m->merged_day <= last)
			fn(ctx, m);
	}
}

static int
add_gemeente(struct gemeenten *g, char **f, const char *path, unsigned line,
	     struct buf *errors)
{
	struct gemeente *m;
	size_t i;

	if (strncmp(f[0], "GM", 2) != 0 || strlen(f[0]) != 6) {
		rulefile_error(errors, path, line, "bad municipality code '%s'",
			       f[0]);
		return -1;
	}
	if (strcmp(f[4], "current") != 0 && strcmp(f[4], "merged") != 0 &&
	    strcmp(f[4], "planned") != 0) {
		rulefile_error(errors, path, line, "bad status '%s'", f[4]);
		return -1;
	}
	for (i = 0; i < g->n; i++) {
		if (strcmp(g->list[i].code, f[0]) == 0) {
			rulefile_error(errors, path, line, "duplicate code %s",
				       f[0]);
			return -1;
		}
	}
	g->list = xreallocarray(g->list, g->n + 1, sizeof(*g->list));
	m = &g->list[g->n++];
	memset(m, 0, sizeof(*m));
	m->code = xstrdup(f[0]);
	m->name = xstrdup(f[1]);
	m->province = xstrdup(f[2]);
	m->domains = split_commas(f[3], &m->n_domains);
	m->planned = strcmp(f[4], "planned") == 0;
	m->merged = m->planned || strcmp(f[4], "merged") == 0;
	/* successor codes are resolved once every row is read */
	m->successor = NULL;
	m->merged_on = f[6][0] == '\0' ? NULL : xstrdup(f[6]);
	m->name_lower = match_name(f[1]);
	m->merged_into = f[5][0] == '\0' ? NULL : xstrdup(f[5]);
	if (m->merged && m->merged_into == NULL) {
		rulefile_error(errors, path, line, "%s without merged_into",
			       f[4]);
		return -1;
	}
	if (m->merged_on != NULL &&
	    (m->merged_day = day_number(m->merged_on)) == 0) {
		rulefile_error(errors, path, line,
			       "bad merged_on '%s' (YYYY-MM-DD)", m->merged_on);
		return -1;
	}
	/* a plan has a date: it takes effect on it */
	if (m->planned && m->merged_on == NULL) {
		rulefile_error(errors, path, line, "planned without merged_on");
		return -1;
	}
	return 0;
}

static int
domain_cmp(const void *a, const void *b)
{
	const struct domain_entry *x = a, *y = b;

	return strcmp(x->domain, y->domain);
}

static void
build_index(struct gemeenten *g)
{
	size_t i, j;

	for (i = 0; i < g->n; i++) {
		for (j = 0; j < g->list[i].n_domains; j++) {
			g->index = xreallocarray(g->index, g->n_index + 1,
						 sizeof(*g->index));
			g->index[g->n_index].domain = g->list[i].domains[j];
			g->index[g->n_index].gemeente = &g->list[i];
			g->n_index++;
		}
	}
	qsort(g->index, g->n_index, sizeof(*g->index), domain_cmp);
}

struct tsv {
	const char *path;
	const char *header0;
	size_t nfields;
	struct buf *errors;
	int (*row)(void *ctx, char **f, unsigned line);
	void *ctx;
	int seen_header;
};

static int
tsv_line(void *ctx, char *p, unsigned line)
{
	struct tsv *t = ctx;
	char *f[16];

	if (!t->seen_header) {
		t->seen_header = 1;
		if (strncmp(p, t->header0, strlen(t->header0)) == 0)
			return 0;
		rulefile_error(t->errors, t->path, line,
			       "expected the header line");
		return -1;
	}
	if (split_tabs(p, f, t->nfields) != t->nfields) {
		rulefile_error(t->errors, t->path, line, "expected %zu fields",
			       t->nfields);
		return -1;
	}
	return t->row(t->ctx, f, line);
}

/* Reads a TSV file: comments, a header starting with header0, rows. */
static int
read_tsv(const char *path, const char *header0, size_t nfields,
	 struct buf *errors, int (*row)(void *ctx, char **f, unsigned line),
	 void *ctx)
{
	struct tsv t = {path, header0, nfields, errors, row, ctx, 0};

	return rulefile_each_line(path, GEMEENTEN_FILE_MAX, errors, tsv_line,
				  &t);
}

struct load_ctx {
	struct gemeenten *g;
	const char *path;
	struct buf *errors;
};

static int
gemeente_row(void *ctx, char **f, unsigned line)
{
	struct load_ctx *c = ctx;

	return add_gemeente(c->g, f, c->path, line, c->errors);
}

static int
shared_row(void *ctx, char **f, unsigned line)
{
	struct load_ctx *c = ctx;
	struct gemeenten *g = c->g;
	struct shared_org *s;
	char **codes;
	size_t n, i;

	g->shared =
		xreallocarray(g->shared, g->n_shared + 1, sizeof(*g->shared));
	s = &g->shared[g->n_shared++];
	memset(s, 0, sizeof(*s));
	s->domain = util_lowercase(xstrdup(f[0]));
	s->organisation = xstrdup(f[1]);
	s->member_names = xstrdup(f[3]);
	codes = split_commas(f[2], &n);
	s->members = xcalloc(n, sizeof(*s->members));
	for (i = 0; i < n; i++) {
		/* codes were lower-cased; a short one keeps its end */
		if (strncmp(codes[i], "gm", 2) == 0) {
			codes[i][0] = 'G';
			codes[i][1] = 'M';
		}
		s->members[s->n_members] = gemeenten_by_code(g, codes[i]);
		if (s->members[s->n_members] == NULL)
			rulefile_error(c->errors, c->path, line,
				       "unknown municipality code %s",
				       codes[i]);
		else
			s->n_members++;
		free(codes[i]);
	}
	free(codes);
	return s->n_members == n ? 0 : -1;
}

struct gemeenten *
gemeenten_load(const char *path, const char *shared_path, struct buf *errors)
{
	struct gemeenten *g = xcalloc(1, sizeof(*g));
	struct load_ctx c = {g, path, errors};
	int rc;
	size_t i;

	rc = read_tsv(path, "code\tname", 8, errors, gemeente_row, &c);
	/* resolve successors now that every code is known */
	for (i = 0; rc == 0 && i < g->n; i++) {
		if (!g->list[i].merged)
			continue;
		g->list[i].successor =
			gemeenten_by_code(g, g->list[i].merged_into);
		if (g->list[i].successor == NULL) {
			rulefile_error(errors, path, 0,
				       "%s merged into unknown code %s",
				       g->list[i].code, g->list[i].merged_into);
			rc = -1;
		}
	}
	if (rc == 0 && g->n == 0) {
		rulefile_error(errors, path, 0, "no municipalities");
		rc = -1;
	}
	c.path = shared_path;
	if (rc == 0 && read_tsv(shared_path, "domain\torganisation", 7, errors,
				shared_row, &c) == -1)
		rc = -1;
	if (rc == -1) {
		gemeenten_free(g);
		return NULL;
	}
	build_index(g);
	return g;
}

void
gemeenten_free(struct gemeenten *g)
{
	size_t i, j;

	if (g == NULL)
		return;
	for (i = 0; i < g->n; i++) {
		struct gemeente *m = &g->list[i];

		free(m->code);
		free(m->name);
		free(m->province);
		for (j = 0; j < m->n_domains; j++)
			free(m->domains[j]);
		free(m->domains);
		free(m->merged_on);
		free(m->merged_into);
		free(m->name_lower);
	}
	free(g->list);
	free(g->index);
	for (i = 0; i < g->n_shared; i++) {
		free(g->shared[i].domain);
		free(g->shared[i].organisation);
		free(g->shared[i].member_names);
		free(g->shared[i].members);
	}
	free(g->shared);
	free(g);
}

size_t
gemeenten_count(const struct gemeenten *g)
{
	return g->n;
}

const struct gemeente *
gemeenten_nth(const struct gemeenten *g, size_t i)
{
	return &g->list[i];
}

const struct gemeente *
gemeenten_by_code(const struct gemeenten *g, const char *code)
{
	size_t i;

	for (i = 0; i < g->n; i++) {
		if (strcasecmp(g->list[i].code, code) == 0)
			return &g->list[i];
	}
	return NULL;
}

const struct gemeente *
gemeenten_by_domain(const struct gemeenten *g, const char *domain,
		    const char **matched_r)
{
	char lower[MAILADDR_DOMAIN_MAX + 1];
	const char *p;

	if (util_strlcpy(lower, domain, sizeof(lower)) >= sizeof(lower))
		return NULL;
	util_lowercase(lower);
	/* try the domain, then each parent: mail.utrecht.nl, utrecht.nl */
	for (p = lower; p != NULL && *p != '\0';) {
		struct domain_entry key = {p, NULL}, *hit;

		hit = bsearch(&key, g->index, g->n_index, sizeof(*g->index),
			      domain_cmp);
		if (hit != NULL) {
			*matched_r = hit->domain;
			return hit->gemeente;
		}
		p = strchr(p, '.');
		if (p != NULL)
			p++;
	}
	return NULL;
}

const struct shared_org *
gemeenten_shared_by_domain(const struct gemeenten *g, const char *domain)
{
	size_t i;

	for (i = 0; i < g->n_shared; i++) {
		if (mailaddr_domain_within(domain, g->shared[i].domain))
			return &g->shared[i];
	}
	return NULL;
}

/* True if token (len bytes) equals a municipal domain's first label or
   "gemeente" + that label. */
static bool
token_imitates(const char *token, size_t len, const char *municipal)
{
	const char *dot = strchr(municipal, '.');
	size_t stem =
		dot == NULL ? strlen(municipal) : (size_t)(dot - municipal);

	if (len == stem && strncasecmp(token, municipal, len) == 0)
		return true;
	return len == stem + 8 && strncasecmp(token, "gemeente", 8) == 0 &&
	       strncasecmp(token + 8, municipal, stem) == 0;
}

static bool
domain_imitates(const char *domain, const char *municipal)
{
	const char *p = domain;

	/* whole labels first ("h-i-ambacht"), then '-'-separated parts */
	while (*p != '\0') {
		size_t label = strcspn(p, "."), part;
		const char *q = p;

		if (token_imitates(p, label, municipal))
			return true;
		while (q < p + label) {
			part = strcspn(q, ".-");
			if (part > label - (size_t)(q - p))
				part = label - (size_t)(q - p);
			if (token_imitates(q, part, municipal))
				return true;
			q += part + 1;
		}
		p += label;
		if (*p == '.')
			p++;
	}
	/* one typing error away, on names long enough to mean something */
	return strlen(municipal) >= 7 &&
	       mailaddr_distance(domain, municipal, 1) == 1;
}

const struct gemeente *
gemeenten_lookalike(const struct gemeenten *g, const char *domain,
		    const char **like_r)
{
	size_t i;

	for (i = 0; i < g->n_index; i++) {
		if (domain_imitates(domain, g->index[i].domain)) {
			*like_r = g->index[i].domain;
			return g->index[i].gemeente;
		}
	}
	return NULL;
}

/* True if name occurs in text at pos as a whole word. */
static bool
word_at(const char *text, const char *pos, size_t len)
{
	unsigned char before = pos == text ? ' ' : (unsigned char)pos[-1];
	unsigned char after = (unsigned char)pos[len];

	return !isalnum(before) && !isalnum(after) && after < 0x80;
}

const struct gemeente *
gemeenten_claimed(const struct gemeenten *g, const char *text)
{
	const struct gemeente *best = NULL;
	size_t best_len = 0, i;
	char *lower = util_lowercase(util_trim(xstrdup(text)));

	for (i = 0; i < g->n; i++) {
		const char *name = g->list[i].name_lower, *hit;
		size_t len = strlen(name);
		char *phrase;

		if (len <= best_len)
			continue;
		if (strcmp(lower, name) == 0) {
			best = &g->list[i];
			best_len = len;
			continue;
		}
		phrase = xasprintf("gemeente %s", name);
		hit = strstr(lower, phrase);
		if (hit != NULL && word_at(lower, hit, strlen(phrase))) {
			best = &g->list[i];
			best_len = len;
		}
		free(phrase);
	}
	free(lower);
	return best;
}
