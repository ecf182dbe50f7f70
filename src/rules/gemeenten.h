/*
 * The municipalities (rules/gemeenten.tsv) and the shared service
 * organisations (rules/shared-domains.tsv): who a sender domain speaks for.
 *
 * gemeenten.tsv columns: code name province domains status merged_into
 * merged_on source; domains comma-separated; a domain covers its
 * subdomains.  '#' lines before the header are comments.
 */
#ifndef AANMELD_GEMEENTEN_H
#define AANMELD_GEMEENTEN_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

/* Largest table file we read. */
#define GEMEENTEN_FILE_MAX (4u * 1024 * 1024)

struct gemeente {
	char *code; /* "GM0344" */
	char *name; /* CBS name */
	char *province;
	char **domains;
	size_t n_domains;
	bool merged;
	char *merged_on;		  /* "2022-01-01" or NULL */
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
   exactly X, case-insensitively; NULL if none. */
const struct gemeente *gemeenten_claimed(const struct gemeenten *g,
					 const char *text);
size_t gemeenten_count(const struct gemeenten *g);

#endif
