/*
 * The municipalities (rules/gemeenten.tsv) and the shared service
 * organisations (rules/shared-domains.tsv): who a sender domain speaks for.
 *
 * gemeenten.tsv columns: code name province domains status merged_into
 * merged_on source; domains comma-separated; a domain covers its
 * subdomains.  '#' lines before the header are comments.  status is
 * current, merged (into merged_into on merged_on), or planned: a merge
 * decided on whose law is not yet in force.  A merge, planned or not,
 * takes effect on its date (gemeenten_at()): before it the old
 * municipality enrols on its own.
 */
#ifndef AANMELD_GEMEENTEN_H
#define AANMELD_GEMEENTEN_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct buf;

/* Largest table file we read. */
#define GEMEENTEN_FILE_MAX (4u * 1024 * 1024)

struct gemeente {
	char *code; /* "GM0344" */
	char *name; /* CBS name */
	char *province;
	char **domains;
	size_t n_domains;
	bool merged;			  /* a merge, done or planned */
	bool planned;			  /* status planned: not yet law */
	char *merged_on;		  /* "2022-01-01" or NULL */
	long merged_day;		  /* merged_on as 20220101; 0 */
	char *merged_into;		  /* successor's code, or NULL */
	const struct gemeente *successor; /* set when merged */
	char *name_lower;		  /* for matching display names */
};

struct shared_org {
	char *domain;
	char *organisation;
	char *member_names;
	const struct gemeente **members;
	size_t n_members;
};

struct gemeenten;

/* Loads both files; returns NULL after appending "file:line: message"
   lines to errors.  Free with gemeenten_free(). */
struct gemeenten *gemeenten_load(const char *path, const char *shared_path,
				 struct buf *errors);
void gemeenten_free(struct gemeenten *g);

/* The municipality whose domain is domain or a parent of it, or NULL;
 *matched_r gets the listed domain (borrowed, valid while g lives). */
const struct gemeente *gemeenten_by_domain(const struct gemeenten *g,
					   const char *domain,
					   const char **matched_r);
const struct gemeente *gemeenten_by_code(const struct gemeenten *g,
					 const char *code);
const struct shared_org *gemeenten_shared_by_domain(const struct gemeenten *g,
						    const char *domain);
/* A municipality the domain imitates (a label or '-'-separated part equal
   to a municipal domain's first label, "gemeente" + that label, or one
   edit away from a municipal domain), or NULL.  *like_r gets that
   municipal domain (borrowed). */
const struct gemeente *gemeenten_lookalike(const struct gemeenten *g,
					   const char *domain,
					   const char **like_r);
/* A municipality that text (a display name) claims to be: "gemeente X" or
   exactly X, case-insensitively; NULL if none.  The one named, merged or
   not: gemeenten_at() says who it is on a day. */
const struct gemeente *gemeenten_claimed(const struct gemeenten *g,
					 const char *text);
size_t gemeenten_count(const struct gemeenten *g);
/* The i-th row of gemeenten.tsv (i < gemeenten_count()), borrowed. */
const struct gemeente *gemeenten_nth(const struct gemeenten *g, size_t i);
/* Whether m's merge has taken effect on the local day of now: from its
   merged_on date on (always for a merged row without a date). */
bool gemeenten_merged_at(const struct gemeente *m, time_t now);
/* Who m is on the day of now: its successor (and theirs) once the merge
   has taken effect, m itself before.  Borrowed like m. */
const struct gemeente *gemeenten_at(const struct gemeente *m, time_t now);
/* The merges, done or planned, that take effect in [from, to] (local
   days): calls fn for each, in the order of the file. */
void gemeenten_each_merge(const struct gemeenten *g, time_t from, time_t to,
			  void (*fn)(void *ctx, const struct gemeente *m),
			  void *ctx);

#endif
