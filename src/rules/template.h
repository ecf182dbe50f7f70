/*
 * The Dutch answers in rules/templates/<name>.txt: a "Subject:" line, an
 * empty line, then the plain-text body.  Placeholders are {{name}}; the
 * known names are listed in template.c, and any other name is a load
 * error, so a typo never reaches a municipality.
 */
#ifndef AANMELD_TEMPLATE_H
#define AANMELD_TEMPLATE_H

#include <stddef.h>

struct buf;
struct programme;

#define TEMPLATE_FILE_MAX (64u * 1024)

enum template_kind {
	TEMPLATE_CONFIRM,
	TEMPLATE_WAITLIST,
	TEMPLATE_DUPLICATE,
	TEMPLATE_REJECT,
	TEMPLATE_CLOSED,
	TEMPLATE_REVIEW,
	TEMPLATE_INVITATION, /* one per session, with the calendar item */
	/* the programme runs itself (schedule.c, roster.c) */
	TEMPLATE_REMINDER_SESSION,
	TEMPLATE_REMINDER_DEADLINE,
	TEMPLATE_INVITATION_UPDATE, /* a session changed: REQUEST */
	TEMPLATE_INVITATION_CANCEL, /* removed, or withdrawn: CANCEL */
	TEMPLATE_WITHDRAWN,
	/* to staff ([staff] address), see staff.h */
	TEMPLATE_STAFF_SUMMARY,
	TEMPLATE_STAFF_WARNING,
	TEMPLATE_STAFF_RECOVERED,
	TEMPLATE_DELIVERED, /* a participant's text is received */
	/* the programme runs itself (roster.c, schedule.c) */
	TEMPLATE_PROMOTED,  /* a place came free: confirmed from the list */
	TEMPLATE_PROGRAMME, /* the programme changed: programma.ics anew */
	TEMPLATE_COUNT
};

struct template
{
	char *subject;
	char *body;
};

struct template_var {
	const char *name;
	const char *value; /* NULL renders as "" */
};

/* The variables every letter shares, from the programme's [event]:
   event, organiser, organiser_name and event_address. */
#define TEMPLATE_COMMON_VARS 4

struct templates;

/* Loads every kind from dir; NULL after appending errors. */
struct templates *template_load_dir(const char *dir, struct buf *errors);
void template_free_all(struct templates *t);
/* One template file of the same format (aanmeld send), whose
   placeholders must all be among the n_allowed names of allowed;
   NULL after appending errors ("file:line: unknown placeholder").
   Free with template_free(). */
struct template *template_load_file(const char *path,
				    const char *const *allowed,
				    size_t n_allowed, struct buf *errors);
/* The same from text in that format (a form staff filled in), name
   standing for the file in the errors. */
struct template *template_parse(const char *text, const char *name,
				const char *const *allowed, size_t n_allowed,
				struct buf *errors);
void template_free(struct template *t);
const struct template *template_get(const struct templates *t,
				    enum template_kind kind);
/* "confirm", "waitlist", ... (the file name without .txt). */
const char *template_name(enum template_kind kind);
/* Replaces every {{name}} in text with the value of vars[i] named so
   (names missing from vars render as "").  A value is never read as a
   template, and its control characters (C0 with CR and LF, DEL, C1)
   become spaces, so no value adds a line; only the pre-formatted lists
   (programme, the staff-*.txt lists, last_error) keep LF and TAB.  Heap
   string, caller frees. */
char *template_render(const char *text, const struct template_var *vars,
		      size_t n_vars);
/* Fills vars[0] to vars[TEMPLATE_COMMON_VARS - 1] from p; the values
   are p's.  A caller declares its own after them:
   { [TEMPLATE_COMMON_VARS] = {"session_title", ...}, ... }. */
void template_common_vars(struct template_var *vars, const struct programme *p);

#endif
