/*
 * The enrolments with their contacts and their answers to the
 * invitations, as a table: one row per contact, one column per
 * programme item with a calendar UID (the sessions, the deadline, the
 * congress).  Written as text for `aanmeld list` and as CSV (RFC 4180,
 * UTF-8) for `aanmeld export`, optionally for Dutch Excel.  Pure: the
 * caller reads the store and writes the result.
 */
#ifndef AANMELD_EXPORT_H
#define AANMELD_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "programme.h"
#include "store_attendance.h"

struct buf;

/* Columns for programme items: every session, the deadline, the
   congress. */
#define EXPORT_ITEMS_MAX (PROGRAMME_SESSIONS_MAX + 2)
/* The largest output made (far above 5 municipalities' worth). */
#define EXPORT_SIZE_MAX (64u * 1024 * 1024)

struct export_row {
	const struct store_attendance_contact *contact; /* borrowed */
	/* "accepted", "declined", "tentative" or NULL, per item */
	const char *answers[EXPORT_ITEMS_MAX];
};

struct export_table {
	size_t n_items;
	char keys[EXPORT_ITEMS_MAX][32];      /* "session-1", "deadline", ... */
	const char *titles[EXPORT_ITEMS_MAX]; /* the programme's (borrowed) */
	struct export_row *rows;	      /* heap */
	size_t n_rows;
};

/* Builds the table; it borrows from p, contacts and answers, which must
   outlive it.  An answer for an item or contact not in the table is left
   out.  Release with export_table_deinit(). */
void export_table_init(struct export_table *t, const struct programme *p,
		       const struct store_attendance_contact *contacts,
		       size_t n_contacts,
		       const struct store_attendance_answer *answers,
		       size_t n_answers);
void export_table_deinit(struct export_table *t);

/* The Dutch word the export writes for a status or an answer
   ("confirmed" is "bevestigd", "accepted" "geaccepteerd"); any other
   word as it is. */
const char *export_dutch(const char *word);

/*
 * Whether a spreadsheet could take v for a formula: it starts with =, +,
 * -, @, TAB or CR, or with the full-width =, +, - or @ (U+FF1D, U+FF0B,
 * U+FF0D, U+FF20).  Every CSV written gives such a value a leading
 * apostrophe, so that Excel or LibreOffice shows it as text and never
 * runs it (the names come from mail).
 */
bool export_csv_formula(const char *v);

/*
 * Appends one CSV field to b (RFC 4180 §2): in double quotes when it
 * holds sep, a double quote, CR or LF, or starts or ends with a space;
 * a double quote inside is doubled; a formula as above gets its
 * apostrophe first.  0, or -1 at b's limit.
 */
int export_csv_field(struct buf *b, const char *v, char sep);

/*
 * The table as CSV, header first, CRLF line ends (RFC 4180), UTF-8, with
 * Dutch column names and values for staff.  Plain: ',' between fields.
 * excel: a UTF-8 byte order mark first and ';' between fields (Dutch
 * Excel's list separator).  Both with formula protection.  Times are
 * local ("YYYY-MM-DD HH:MM").  Heap bytes, *len_r long (NUL-terminated);
 * NULL past EXPORT_SIZE_MAX.
 */
char *export_csv(const struct export_table *t, bool excel, size_t *len_r);

/*
 * The table for `aanmeld list`: English column names (code, name,
 * status, enrolled_at, contact, then the item keys) and values, one line
 * per row with LF.  Text: tab-separated, each value escaped for the
 * terminal as one line (escape.h), an empty value as "-".  csv: every
 * value in double quotes (doubled inside), a formula with its apostrophe
 * inside them, ',' between.  Heap string; NULL past EXPORT_SIZE_MAX.
 */
char *export_list(const struct export_table *t, bool csv);

#endif
