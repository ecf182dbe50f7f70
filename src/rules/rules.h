/*
 * rules/: everything an organiser edits per event, loaded and checked at
 * start and on SIGHUP.  Every problem is reported as "file:line: message";
 * all of them are collected, then loading fails once.
 *
 * subject.rules: "action pattern" lines; actions enrol, withdraw, review,
 * ignore, deliver; PCRE2 with UTF, UCP, CASELESS and MATCH_INVALID_UTF, run
 * with a match and depth limit; first match wins; no match means ignore.
 * senders.rules: "action domain [GMxxxx]" lines; actions allow (with the
 * municipality's code), deny, review; a domain covers its subdomains;
 * first match wins; no match means: look the domain up in gemeenten.tsv.
 */
#ifndef AANMELD_RULES_H
#define AANMELD_RULES_H

#include <stddef.h>

#include "defs.h"

struct buf;
struct gemeente;
struct gemeenten;
struct programme;
struct templates;
struct pcre2_real_code_8;
struct pcre2_real_match_context_8;
struct pcre2_real_match_data_8;

#define RULES_FILE_MAX (1024u * 1024)
#define RULES_LINE_MAX 4096
/* Backtracking bounds for one subject match (STYLE 25). */
#define RULES_MATCH_LIMIT 100000
#define RULES_DEPTH_LIMIT 1000
/* Subjects longer than this are matched on their first bytes only. */
#define RULES_SUBJECT_MAX 2048

enum rule_action {
	RULE_ENROL,
	RULE_WITHDRAW,
	RULE_REVIEW,
	RULE_IGNORE,
	RULE_DELIVER, /* a participant delivers its text (the deadline's) */
};

struct subject_rule {
	enum rule_action action;
	char *pattern;
	unsigned line;
	struct pcre2_real_code_8 *re;
};

enum sender_action {
	SENDER_ALLOW,
	SENDER_DENY,
	SENDER_REVIEW,
};

struct sender_rule {
	enum sender_action action;
	char *domain;
	const struct gemeente *gemeente; /* for allow */
	unsigned line;
};

struct rules {
	char *dir;
	struct gemeenten *gemeenten;
	struct programme *programme;
	struct templates *templates;
	struct subject_rule *subjects;
	size_t n_subjects;
	struct sender_rule *senders;
	size_t n_senders;
	struct pcre2_real_match_context_8 *mctx;
	struct pcre2_real_match_data_8 *md;
};

/* Loads dir/{subject.rules,senders.rules,gemeenten.tsv,shared-domains.tsv,
   programme.conf,templates/}.  NULL after appending errors. */
struct rules *rules_load(const char *dir, struct buf *errors);
void rules_free(struct rules *r);

/*
 * Matches subject (white space runs folded to one space, trimmed) against
 * subject.rules.  Returns 1 and *rule_r on a match, 0 when no rule
 * matches, -1 with *error_r (heap, caller frees) when a rule hit its
 * match limit: the classifier then asks a person.
 */
int rules_match_subject(const struct rules *r, const char *subject,
			const struct subject_rule **rule_r, char **error_r);
/* The first senders.rules line whose domain covers domain, or NULL. */
const struct sender_rule *rules_sender(const struct rules *r,
				       const char *domain);
const char *rules_action_name(enum rule_action action);

#endif
