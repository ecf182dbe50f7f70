/*
 * RFC 8601 Authentication-Results; RFC 5322 3.2 (CFWS, quoted-string);
 * RFC 7489 (DMARC results); RFC 6376 and RFC 6008 (header.d, header.i);
 * RFC 4343 (domain names compare without case).
 *
 * XXX A server that copies a sender's text (smtp.helo, smtp.mailfrom)
 * with a bare ';' into its field cannot be told from its own results:
 * the trusted server must quote what it copies (RFC 8601 pvalue).
 */
#include "autoconf.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authres.h"
#include "mailaddr.h"
#include "util.h"

struct authres {
	char *text;	   /* the value (owned); NULL when too long */
	const char *p;	   /* where reading goes on */
	const char *id;	   /* the authserv-id (in out), or NULL */
	char *out;	   /* the words read, each NUL-terminated */
	size_t used;	   /* bytes of out in use */
	size_t base;	   /* out up to here holds the id */
	size_t size;	   /* of out */
	int state;	   /* 1 reading, 0 done, -1 broken */
	const char *error; /* why broken */
};

static void
broken(struct authres *ar, const char *why)
{
	if (ar->state != -1) {
		ar->state = -1;
		ar->error = why;
	}
}

/* RFC 8601 Keyword characters, ASCII whatever the locale. */
static bool
is_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Where an unquoted value ends; '"' is an error inside one. */
static bool
ends_value(char c)
{
	return c == '\0' || is_space(c) || c == ';' || c == '(' || c == ')';
}

/* Skips white space and comments (CFWS): 0, or -1 when a comment is not
   closed or nests deeper than AUTHRES_DEPTH_MAX. */
static int
skip_cfws(struct authres *ar)
{
	const char *p = ar->p;
	int depth = 0;

	for (;;) {
		if (*p == '\0' && depth > 0) {
			broken(ar, "a comment is not closed");
			return -1;
		}
		if (*p == '\0' || (depth == 0 && !is_space(*p) && *p != '('))
			break;
		if (*p == '(') {
			depth++;
			if (depth > AUTHRES_DEPTH_MAX) {
				broken(ar, "comments nest too deep");
				return -1;
			}
		} else if (*p == ')') {
			depth--;
		} else if (*p == '\\' && depth > 0 && p[1] != '\0') {
			p++; /* a quoted-pair: "\)" closes nothing */
		}
		p++;
	}
	ar->p = p;
	return 0;
}

static void
put(struct authres *ar, char c)
{
	/* out has room for every byte of text twice over */
	if (ar->used >= ar->size) {
		broken(ar, "no room (a bug)");
		return;
	}
	ar->out[ar->used++] = c;
}

/* Ends the word that began at offset start; returns it. */
static const char *
word_end(struct authres *ar, size_t start)
{
	put(ar, '\0');
	if (ar->state == -1)
		return "";
	return ar->out + start;
}

/* A Keyword, lower case ("" when none); with dots, "published-p.x". */
static const char *
read_word(struct authres *ar, bool dots)
{
	size_t start = ar->used;
	char c;

	while (is_word(*ar->p) || (dots && *ar->p == '.')) {
		c = *ar->p++;
		put(ar, c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c);
	}
	return word_end(ar, start);
}

/* Appends the content of the quoted string at ar->p, unescaped. */
static int
read_quoted(struct authres *ar)
{
	const char *p = ar->p + 1;

	for (;;) {
		if (*p == '\0' || (*p == '\\' && p[1] == '\0')) {
			broken(ar, "a quoted string is not closed");
			return -1;
		}
		if (*p == '"')
			break;
		if (*p == '\\')
			p++;
		put(ar, *p++);
	}
	ar->p = p + 1;
	return 0;
}

/* A value: a quoted string (then perhaps "@domain"), or a run of bytes
   up to white space, ';' or a comment; NULL when broken. */
static const char *
read_value(struct authres *ar)
{
	size_t start = ar->used;

	if (*ar->p == '"') {
		if (read_quoted(ar) == -1)
			return NULL;
		if (*ar->p != '@')
			return word_end(ar, start);
	}
	while (!ends_value(*ar->p)) {
		if (*ar->p == '"') {
			broken(ar, "a quote inside a value");
			return NULL;
		}
		put(ar, *ar->p++);
	}
	return word_end(ar, start);
}

/* Skips to the ';' that ends this element (or the end): 0 or -1. */
static int
skip_element(struct authres *ar)
{
	size_t mark = ar->used;

	for (;;) {
		if (skip_cfws(ar) == -1)
			return -1;
		if (*ar->p == '\0' || *ar->p == ';')
			break;
		if (*ar->p == ')') {
			broken(ar, "a ')' without '('");
			return -1;
		}
		if (*ar->p == '"') {
			if (read_quoted(ar) == -1)
				return -1;
		} else {
			ar->p++;
		}
	}
	ar->used = mark;
	return 0;
}

/* Reads the authserv-id, or finds there is none (Microsoft 365). */
static void
read_id(struct authres *ar)
{
	const char *start;
	size_t at;
	bool quoted;

	if (skip_cfws(ar) == -1)
		return;
	start = ar->p;
	at = ar->used;
	quoted = *ar->p == '"';
	if (quoted) {
		if (read_quoted(ar) == -1)
			return;
	} else {
		while (!ends_value(*ar->p) && *ar->p != '=' && *ar->p != '/' &&
		       *ar->p != '"')
			put(ar, *ar->p++);
		if (ar->used == at) {
			broken(ar, "no authserv-id");
			return;
		}
	}
	ar->id = word_end(ar, at);
	if (skip_cfws(ar) == -1)
		return;
	if (!quoted && (*ar->p == '=' || *ar->p == '/')) {
		/* a method result in its place */
		ar->p = start;
		ar->used = at;
		ar->id = word_end(ar, at);
		return;
	}
	/* the version, and words some servers put here */
	if (skip_element(ar) == -1)
		return;
	if (*ar->p == ';')
		ar->p++;
}

struct authres *
authres_new(const char *value)
{
	struct authres *ar = xcalloc(1, sizeof(*ar));
	size_t len = strlen(value);

	ar->state = 1;
	if (len > AUTHRES_VALUE_MAX) {
		broken(ar, "longer than AUTHRES_VALUE_MAX");
		return ar;
	}
	ar->text = xstrdup(value);
	ar->p = ar->text;
	/* each word takes at most its bytes and a NUL; an empty one
	   follows a '=' or '.' that takes nothing */
	ar->size = 2 * len + 8;
	ar->out = xmalloc(ar->size);
	read_id(ar);
	ar->base = ar->used;
	return ar;
}

const char *
authres_id(const struct authres *ar)
{
	return ar->id;
}

/* The properties after a result, up to the ';' or the end. */
static int
read_props(struct authres *ar, struct authres_result *r)
{
	const char *name, *property, *value;
	struct authres_prop *pr;

	for (;;) {
		if (skip_cfws(ar) == -1)
			return -1;
		if (*ar->p == '\0' || *ar->p == ';')
			return 0;
		if (*ar->p == ')') {
			broken(ar, "a ')' without '('");
			return -1;
		}
		if (*ar->p == '"') {
			size_t mark = ar->used;

			if (read_quoted(ar) == -1)
				return -1;
			ar->used = mark; /* a stray string: no property */
			continue;
		}
		name = read_word(ar, false);
		if (name[0] == '\0') {
			ar->p++; /* a stray special: no property */
			continue;
		}
		property = NULL;
		if (skip_cfws(ar) == -1)
			return -1;
		if (*ar->p == '.') {
			ar->p++;
			if (skip_cfws(ar) == -1)
				return -1;
			property = read_word(ar, true);
			if (skip_cfws(ar) == -1)
				return -1;
		}
		if (*ar->p != '=')
			continue; /* a bare word: no property */
		ar->p++;
		if (skip_cfws(ar) == -1)
			return -1;
		value = read_value(ar);
		if (value == NULL)
			return -1;
		if (property == NULL && strcmp(name, "reason") == 0) {
			r->reason = value;
			continue;
		}
		if (r->n_props == AUTHRES_PROPS_MAX) {
			broken(ar, "more than AUTHRES_PROPS_MAX properties");
			return -1;
		}
		pr = &r->props[r->n_props++];
		pr->ptype = property == NULL ? "" : name;
		pr->property = property == NULL ? name : property;
		pr->value = value;
	}
}

/* One element: 1 for a result, 0 for none (a bare token), -1. */
static int
read_result(struct authres *ar, struct authres_result *r)
{
	const char *method, *result;

	method = read_word(ar, false);
	if (method[0] == '\0')
		return skip_element(ar);
	if (skip_cfws(ar) == -1)
		return -1;
	if (*ar->p == '/') {
		ar->p++;
		if (skip_cfws(ar) == -1)
			return -1;
		(void)read_word(ar, false);
		if (skip_cfws(ar) == -1)
			return -1;
	}
	if (*ar->p != '=')
		return skip_element(ar);
	ar->p++;
	if (skip_cfws(ar) == -1)
		return -1;
	result = read_word(ar, false);
	if (result[0] == '\0')
		return skip_element(ar);
	r->method = method;
	r->result = result;
	if (read_props(ar, r) == -1)
		return -1;
	return 1;
}

int
authres_next(struct authres *ar, struct authres_result *r, const char **error_r)
{
	memset(r, 0, sizeof(*r));
	ar->used = ar->base;
	while (ar->state == 1) {
		if (skip_cfws(ar) == -1)
			break;
		if (*ar->p == '\0') {
			ar->state = 0;
			break;
		}
		if (*ar->p == ';') {
			ar->p++;
			continue;
		}
		if (read_result(ar, r) == 1 && ar->state == 1)
			return 1;
		memset(r, 0, sizeof(*r));
	}
	memset(r, 0, sizeof(*r));
	if (ar->state == -1)
		*error_r = ar->error;
	return ar->state;
}

const char *
authres_prop(const struct authres_result *r, const char *ptype,
	     const char *property)
{
	size_t i;

	for (i = 0; i < r->n_props; i++) {
		if (strcasecmp(r->props[i].ptype, ptype) == 0 &&
		    strcasecmp(r->props[i].property, property) == 0)
			return r->props[i].value;
	}
	return NULL;
}

void
authres_free(struct authres *ar)
{
	if (ar == NULL)
		return;
	free(ar->text);
	free(ar->out);
	free(ar);
}

/* What the results of one or more header fields say. */
struct tally {
	bool fail;	   /* DMARC fail, or a quarantine/reject action */
	bool pass;	   /* DMARC pass for the From domain */
	bool pass_other;   /* DMARC pass for another (or no) header.from */
	bool no_policy;	   /* DMARC none, bestguesspass or temperror */
	bool other;	   /* any other DMARC result */
	bool dkim_aligned; /* DKIM pass for the From domain or a parent */
	char dmarc[AUTHRES_WORD_MAX];
	char spf[AUTHRES_WORD_MAX];
	char dkim[AUTHRES_WORD_MAX];
};

/* Keeps the first word seen; a longer one is cut (it is only shown). */
static void
first_word(char *dst, const char *word)
{
	if (dst[0] == '\0')
		(void)util_strlcpy(dst, word, AUTHRES_WORD_MAX);
}

/* "quarantine", "reject", and Microsoft's "oreject", "pct.quarantine". */
static bool
is_policy_action(const char *value)
{
	return value != NULL && (util_has_suffix_ci(value, "quarantine") ||
				 util_has_suffix_ci(value, "reject"));
}

/* A DKIM pass whose signing domain is from_domain or a parent of it
   (and not a top-level domain alone). */
static bool
dkim_aligned(const struct authres_result *r, const char *from_domain)
{
	const char *d = authres_prop(r, "header", "d"), *i;

	if (d == NULL) {
		/* Gmail writes only header.i=@domain */
		i = authres_prop(r, "header", "i");
		d = i != NULL ? strrchr(i, '@') : NULL;
		if (d != NULL)
			d++;
	}
	return from_domain != NULL && d != NULL && strchr(d, '.') != NULL &&
	       mailaddr_domain_within(from_domain, d);
}

static void
tally_dmarc(struct tally *t, const struct authres_result *r,
	    const char *from_domain)
{
	const char *res = r->result, *from;

	first_word(t->dmarc, res);
	if (strcmp(res, "fail") == 0 ||
	    is_policy_action(authres_prop(r, "", "action")) ||
	    is_policy_action(authres_prop(r, "policy", "dmarc"))) {
		t->fail = true;
	} else if (strcmp(res, "pass") == 0) {
		from = authres_prop(r, "header", "from");
		if (from != NULL && from_domain != NULL &&
		    strcasecmp(from, from_domain) == 0)
			t->pass = true;
		else
			t->pass_other = true;
	} else if (strcmp(res, "none") == 0 ||
		   strcmp(res, "bestguesspass") == 0 ||
		   strcmp(res, "temperror") == 0) {
		t->no_policy = true;
	} else {
		t->other = true;
	}
}

static void
tally_result(struct tally *t, const struct authres_result *r,
	     const char *from_domain)
{
	if (strcmp(r->method, "dmarc") == 0) {
		tally_dmarc(t, r, from_domain);
	} else if (strcmp(r->method, "spf") == 0) {
		first_word(t->spf, r->result);
	} else if (strcmp(r->method, "dkim") == 0) {
		if (strcmp(r->result, "pass") != 0) {
			first_word(t->dkim, r->result);
			return;
		}
		(void)util_strlcpy(t->dkim, "pass", sizeof(t->dkim));
		if (dkim_aligned(r, from_domain))
			t->dkim_aligned = true;
	}
}

static void
tally_merge(struct tally *t, const struct tally *h)
{
	t->fail |= h->fail;
	t->pass |= h->pass;
	t->pass_other |= h->pass_other;
	t->no_policy |= h->no_policy;
	t->other |= h->other;
	t->dkim_aligned |= h->dkim_aligned;
	first_word(t->dmarc, h->dmarc);
	first_word(t->spf, h->spf);
	if (strcmp(h->dkim, "pass") == 0)
		(void)util_strlcpy(t->dkim, "pass", sizeof(t->dkim));
	else
		first_word(t->dkim, h->dkim);
}

/* Adds the results of one trusted field to t; -1 when it is broken
   (then none of them count). */
static int
tally_field(struct tally *t, struct authres *ar, const char *from_domain)
{
	struct authres_result r;
	struct tally h;
	const char *error;
	int rc;

	memset(&h, 0, sizeof(h));
	for (;;) {
		rc = authres_next(ar, &r, &error);
		if (rc != 1)
			break;
		tally_result(&h, &r, from_domain);
	}
	if (rc == -1)
		return -1;
	tally_merge(t, &h);
	return 0;
}

static enum authres_outcome
decide(const struct tally *t, struct authres_summary *out)
{
	if (t->fail) {
		out->detail = "DMARC failed, or its policy quarantines or "
			      "rejects";
		(void)util_strlcpy(out->dmarc, "fail", sizeof(out->dmarc));
		return AUTHRES_FAIL;
	}
	if (out->unreadable > 0) {
		out->detail = "a trusted header cannot be read";
		return AUTHRES_NONE;
	}
	if (t->pass) {
		out->detail = "DMARC pass for the From domain";
		(void)util_strlcpy(out->dmarc, "pass", sizeof(out->dmarc));
		return AUTHRES_PASS;
	}
	if (t->no_policy && t->dkim_aligned) {
		out->detail = "no DMARC policy, DKIM pass for the From domain";
		return AUTHRES_PASS;
	}
	if (out->trusted == 0)
		out->detail = "no Authentication-Results from the trusted "
			      "server";
	else if (t->pass_other)
		out->detail = "the DMARC pass is not for the From domain";
	else if (t->no_policy)
		out->detail = "no DMARC policy and no aligned DKIM pass";
	else if (t->other)
		out->detail = "no usable DMARC result";
	else
		out->detail = "no DMARC result";
	return AUTHRES_NONE;
}

enum authres_outcome
authres_judge(const char *const *values, const unsigned *zones, size_t n,
	      const char *trusted_id, bool trust_unlabelled,
	      const char *from_domain, struct authres_summary *out)
{
	bool have_id = trusted_id != NULL && trusted_id[0] != '\0';
	bool unlabelled_seen = false, zone_seen = false, trusted;
	unsigned zone = 0;
	enum authres_outcome o;
	struct tally t;
	const char *id;
	size_t i;

	memset(out, 0, sizeof(*out));
	memset(&t, 0, sizeof(t));
	if (!have_id && !trust_unlabelled) {
		out->detail = "no trusted server configured";
		return AUTHRES_UNTRUSTED;
	}
	for (i = 0; i < n; i++) {
		struct authres *ar = authres_new(values[i]);

		id = authres_id(ar);
		trusted = false;
		if (id != NULL && id[0] == '\0' && !unlabelled_seen) {
			/* the topmost one, and only in the zone of the
			   topmost field of all: below a Received field a
			   sender may have written it */
			unlabelled_seen = true;
			trusted = trust_unlabelled &&
				  (zones == NULL || zones[i] == zones[0]);
		} else if (id != NULL && id[0] != '\0' && have_id) {
			trusted = strcasecmp(id, trusted_id) == 0;
			/* only in the zone of the topmost one */
			if (trusted && !zone_seen) {
				zone_seen = true;
				zone = zones != NULL ? zones[i] : 0;
			} else if (trusted &&
				   (zones != NULL ? zones[i] : 0) != zone) {
				trusted = false;
				out->forged++;
			}
		}
		if (trusted) {
			out->trusted++;
			if (tally_field(&t, ar, from_domain) == -1)
				out->unreadable++;
		}
		authres_free(ar);
	}
	o = decide(&t, out);
	if (out->dmarc[0] == '\0')
		(void)util_strlcpy(out->dmarc, t.dmarc, sizeof(out->dmarc));
	(void)util_strlcpy(out->spf, t.spf, sizeof(out->spf));
	(void)util_strlcpy(out->dkim, t.dkim, sizeof(out->dkim));
	return o;
}
