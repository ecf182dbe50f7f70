#include "autoconf.h"

#define PCRE2_CODE_UNIT_WIDTH 8

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>

#include "buf.h"
#include "gemeenten.h"
#include "log.h"
#include "mailaddr.h"
#include "programme.h"
#include "rulefile.h"
#include "rules.h"
#include "template.h"
#include "util.h"

static const char *const action_names[] = {"enrol", "withdraw", "review",
					   "ignore", "deliver"};

const char *
rules_action_name(enum rule_action action)
{
	return action_names[action];
}

typedef int line_handler(struct rules *r, char *action, char *rest,
			 const char *path, unsigned line, struct buf *errors);

struct rule_lines {
	struct rules *r;
	const char *path;
	line_handler *handle;
	struct buf *errors;
};

/* One "action rest" line of subject.rules or senders.rules. */
static int
rule_line(void *ctx, char *p, unsigned line)
{
	struct rule_lines *l = ctx;
	char *rest;

	if (strlen(p) > RULES_LINE_MAX) {
		rulefile_error(l->errors, l->path, line, "line too long");
		return -1;
	}
	util_trim(p);
	if (*p == '#')
		return 0;
	rest = p + strcspn(p, " \t");
	if (*rest != '\0')
		*rest++ = '\0';
	util_trim(rest);
	return l->handle(l->r, p, rest, l->path, line, l->errors);
}

static int
read_lines(struct rules *r, const char *path, line_handler *handle,
	   struct buf *errors)
{
	struct rule_lines l = {r, path, handle, errors};

	return rulefile_each_line(path, RULES_FILE_MAX, errors, rule_line, &l);
}

static int
subject_line(struct rules *r, char *action, char *pattern, const char *path,
	     unsigned line, struct buf *errors)
{
	struct subject_rule *s;
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	pcre2_code *re;
	size_t i;
	int err;

	for (i = 0; i < nitems(action_names); i++) {
		if (strcmp(action, action_names[i]) == 0)
			break;
	}
	if (i == nitems(action_names)) {
		rulefile_error(errors, path, line,
			       "unknown action '%s' (enrol, withdraw, review, "
			       "ignore, deliver)",
			       action);
		return -1;
	}
	if (*pattern == '\0') {
		rulefile_error(errors, path, line, "missing pattern");
		return -1;
	}
	re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
			   PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS |
				   PCRE2_MATCH_INVALID_UTF,
			   &err, &off, NULL);
	if (re == NULL) {
		pcre2_get_error_message(err, msg, sizeof(msg));
		rulefile_error(errors, path, line,
			       "pattern error at offset %zu: %s", (size_t)off,
			       (const char *)msg);
		return -1;
	}
	/* JIT is an optimisation; the interpreter is used without it */
#ifndef RULES_NO_JIT
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
#endif
	r->subjects = xreallocarray(r->subjects, r->n_subjects + 1,
				    sizeof(*r->subjects));
	s = &r->subjects[r->n_subjects++];
	s->action = (enum rule_action)i;
	s->pattern = xstrdup(pattern);
	s->line = line;
	s->re = re;
	return 0;
}

static int
sender_line(struct rules *r, char *action, char *rest, const char *path,
	    unsigned line, struct buf *errors)
{
	struct sender_rule s;
	char *code;

	memset(&s, 0, sizeof(s));
	s.line = line;
	code = rest + strcspn(rest, " \t");
	if (*code != '\0')
		*code++ = '\0';
	util_trim(code);
	if (strcmp(action, "allow") == 0) {
		s.action = SENDER_ALLOW;
		s.gemeente = gemeenten_by_code(r->gemeenten, code);
		if (s.gemeente == NULL) {
			rulefile_error(errors, path, line,
				       "allow needs a known municipality code, "
				       "not '%s'",
				       code);
			return -1;
		}
	} else if (strcmp(action, "deny") == 0 ||
		   strcmp(action, "review") == 0) {
		s.action = action[0] == 'd' ? SENDER_DENY : SENDER_REVIEW;
		if (*code != '\0') {
			rulefile_error(errors, path, line,
				       "unexpected '%s' after the domain",
				       code);
			return -1;
		}
	} else {
		rulefile_error(errors, path, line,
			       "unknown action '%s' (allow, deny, review)",
			       action);
		return -1;
	}
	if (*rest == '\0' || strchr(rest, '@') != NULL ||
	    strlen(rest) > MAILADDR_DOMAIN_MAX) {
		rulefile_error(errors, path, line, "expected a domain");
		return -1;
	}
	s.domain = util_lowercase(xstrdup(rest));
	r->senders = xreallocarray(r->senders, r->n_senders + 1,
				   sizeof(*r->senders));
	r->senders[r->n_senders++] = s;
	return 0;
}

static char *
path_in(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

struct rules *
rules_load(const char *dir, struct buf *errors)
{
	struct rules *r = xcalloc(1, sizeof(*r));
	char *p1, *p2;
	int rc = 0;

	r->dir = xstrdup(dir);
	p1 = path_in(dir, "gemeenten.tsv");
	p2 = path_in(dir, "shared-domains.tsv");
	r->gemeenten = gemeenten_load(p1, p2, errors);
	free(p1);
	free(p2);
	if (r->gemeenten == NULL)
		rc = -1;
	p1 = path_in(dir, "subject.rules");
	if (read_lines(r, p1, subject_line, errors) == -1)
		rc = -1;
	free(p1);
	p1 = path_in(dir, "senders.rules");
	if (r->gemeenten != NULL &&
	    read_lines(r, p1, sender_line, errors) == -1)
		rc = -1;
	free(p1);
	p1 = path_in(dir, "programme.conf");
	r->programme = programme_load(p1, errors);
	free(p1);
	p1 = path_in(dir, "templates");
	r->templates = template_load_dir(p1, errors);
	free(p1);
	if (r->programme == NULL || r->templates == NULL)
		rc = -1;
	r->mctx = pcre2_match_context_create(NULL);
	r->md = pcre2_match_data_create(1, NULL);
	if (r->mctx == NULL || r->md == NULL)
		fatalx("out of memory");
	pcre2_set_match_limit(r->mctx, RULES_MATCH_LIMIT);
	pcre2_set_depth_limit(r->mctx, RULES_DEPTH_LIMIT);
	if (rc == -1) {
		rules_free(r);
		return NULL;
	}
	return r;
}

void
rules_free(struct rules *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n_subjects; i++) {
		free(r->subjects[i].pattern);
		pcre2_code_free(r->subjects[i].re);
	}
	free(r->subjects);
	for (i = 0; i < r->n_senders; i++)
		free(r->senders[i].domain);
	free(r->senders);
	gemeenten_free(r->gemeenten);
	programme_free(r->programme);
	template_free_all(r->templates);
	pcre2_match_context_free(r->mctx);
	pcre2_match_data_free(r->md);
	free(r->dir);
	free(r);
}

/* Length of the white space character at s (ASCII, or a Unicode space
   such as the no-break space a PDF brochure pastes), or 0. */
static size_t
space_len(const unsigned char *s)
{
	if (isspace(s[0]))
		return 1;
	if (s[0] == 0xc2 && s[1] == 0xa0)
		return 2; /* U+00A0 */
	if (s[0] == 0xe2 && s[1] == 0x80 &&
	    ((s[2] >= 0x80 && s[2] <= 0x8a) || s[2] == 0xaf))
		return 3; /* U+2000..U+200A, U+202F */
	if (s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80)
		return 3; /* U+3000 */
	return 0;
}

/* Folds white space runs to one space and trims, within the bound. */
static char *
fold_space(const char *subject)
{
	const unsigned char *s = (const unsigned char *)subject;
	struct buf b;
	int space = 0;
	size_t n;

	buf_init(&b, RULES_SUBJECT_MAX);
	while (*s != '\0') {
		n = space_len(s);
		if (n > 0) {
			space = b.len > 0;
			s += n;
			continue;
		}
		if (space && buf_addc(&b, ' ') == -1)
			break;
		space = 0;
		if (buf_addc(&b, (char)*s) == -1)
			break;
		s++;
	}
	return buf_steal(&b);
}

int
rules_match_subject(const struct rules *r, const char *subject,
		    const struct subject_rule **rule_r, char **error_r)
{
	char *s = fold_space(subject);
	size_t i, len = strlen(s);
	int rc;

	for (i = 0; i < r->n_subjects; i++) {
		rc = pcre2_match(r->subjects[i].re, (PCRE2_SPTR)s, len, 0, 0,
				 r->md, r->mctx);
		if (rc >= 0) {
			*rule_r = &r->subjects[i];
			free(s);
			return 1;
		}
		if (rc != PCRE2_ERROR_NOMATCH) {
			PCRE2_UCHAR msg[128];

			pcre2_get_error_message(rc, msg, sizeof(msg));
			*error_r = xasprintf("rule subject.rules:%u: %s",
					     r->subjects[i].line,
					     (const char *)msg);
			free(s);
			return -1;
		}
	}
	free(s);
	return 0;
}

const struct sender_rule *
rules_sender(const struct rules *r, const char *domain)
{
	size_t i;

	for (i = 0; i < r->n_senders; i++) {
		if (mailaddr_domain_within(domain, r->senders[i].domain))
			return &r->senders[i];
	}
	return NULL;
}
