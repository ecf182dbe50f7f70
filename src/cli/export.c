/*
 * CSV as RFC 4180 describes it, UTF-8; the Excel variant as Dutch Excel
 * opens a file by double-click (byte order mark, ';').
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "calendar.h"
#include "escape.h"
#include "export.h"
#include "itip_reply.h"
#include "programme_item.h"
#include "util.h"

#define BOM "\xef\xbb\xbf"

/* English words in the database, Dutch in the file staff opens. */
static const struct {
	const char *word;
	const char *dutch;
} dutch[] = {
	{"confirmed", "bevestigd"}, {"waitlist", "wachtlijst"},
	{"withdrawn", "afgemeld"},  {"accepted", "geaccepteerd"},
	{"declined", "afgewezen"},  {"tentative", "voorlopig"},
};

const char *
export_dutch(const char *word)
{
	size_t i;

	for (i = 0; word != NULL && i < nitems(dutch); i++) {
		if (strcmp(word, dutch[i].word) == 0)
			return dutch[i].dutch;
	}
	return word;
}

static void
add_item(struct export_table *t, unsigned number, const char *title)
{
	programme_item_name(number, true, t->keys[t->n_items],
			    sizeof(t->keys[0]));
	t->titles[t->n_items++] = title;
}

void
export_table_init(struct export_table *t, const struct programme *p,
		  const struct store_attendance_contact *contacts,
		  size_t n_contacts,
		  const struct store_attendance_answer *answers,
		  size_t n_answers)
{
	size_t i, j, k;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < p->n_sessions && i < PROGRAMME_SESSIONS_MAX; i++)
		add_item(t, p->sessions[i].number, p->sessions[i].title);
	if (p->deadline.title != NULL)
		add_item(t, PROGRAMME_DEADLINE, p->deadline.title);
	if (p->congress.title != NULL)
		add_item(t, PROGRAMME_CONGRESS, p->congress.title);
	t->rows = xcalloc(n_contacts + 1, sizeof(*t->rows));
	t->n_rows = n_contacts;
	for (i = 0; i < n_contacts; i++)
		t->rows[i].contact = &contacts[i];
	for (j = 0; j < n_answers; j++) {
		const struct store_attendance_answer *a = &answers[j];

		for (k = 0; k < t->n_items; k++) {
			if (strcmp(t->keys[k], a->item) == 0)
				break;
		}
		for (i = 0; k < t->n_items && i < n_contacts; i++) {
			const struct store_attendance_contact *c = &contacts[i];

			if (c->address != NULL &&
			    strcmp(c->code, a->code) == 0 &&
			    strcasecmp(c->address, a->address) == 0)
				t->rows[i].answers[k] = a->status;
		}
	}
}

void
export_table_deinit(struct export_table *t)
{
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

/* What a spreadsheet takes for a formula (OWASP's "CSV injection"). */
static const char *const formula_starts[] = {
	"=",
	"+",
	"-",
	"@",
	"\t",
	"\r",
	"\xef\xbc\x9d", /* U+FF1D FULLWIDTH EQUALS SIGN */
	"\xef\xbc\x8b", /* U+FF0B FULLWIDTH PLUS SIGN */
	"\xef\xbc\x8d", /* U+FF0D FULLWIDTH HYPHEN-MINUS */
	"\xef\xbc\xa0", /* U+FF20 FULLWIDTH COMMERCIAL AT */
};

bool
export_csv_formula(const char *v)
{
	size_t i;

	for (i = 0; v != NULL && i < nitems(formula_starts); i++) {
		if (strncmp(v, formula_starts[i], strlen(formula_starts[i])) ==
		    0)
			return true;
	}
	return false;
}

int
export_csv_field(struct buf *b, const char *v, char sep)
{
	char *safe, *p;
	size_t len;
	int rc = 0;
	bool quote;

	/* one line, no controls or bidi overrides: a cell is read in a
	   terminal and a spreadsheet alike */
	safe = escape_str(v, ESCAPE_LINE);
	v = safe;
	len = strlen(v);
	quote = strchr(v, sep) != NULL || strchr(v, '"') != NULL ||
		(len > 0 && (v[0] == ' ' || v[len - 1] == ' '));
	if (quote)
		rc |= buf_addc(b, '"');
	if (export_csv_formula(v))
		rc |= buf_addc(b, '\'');
	for (p = safe; *p != '\0'; p++) {
		if (*p == '"')
			rc |= buf_addc(b, '"');
		rc |= buf_addc(b, *p);
	}
	if (quote)
		rc |= buf_addc(b, '"');
	free(safe);
	return rc == 0 ? 0 : -1;
}

static void
format_time(time_t t, char *out, size_t size)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(out, size, "%Y-%m-%d %H:%M", &tm) == 0)
		util_strlcpy(out, "", size);
}

/* When the latest version of c's text came ("" for none) and how many
   versions there are ("0"). */
static void
delivered(const struct store_attendance_contact *c, char *got, size_t size,
	  char *versions, size_t vsize)
{
	if (c->delivered_at != 0)
		format_time(c->delivered_at, got, size);
	else
		util_strlcpy(got, "", size);
	snprintf(versions, vsize, "%u", c->deliveries);
}

/* When a mail to c came back ("" when none). */
static void
bounced_at(const struct store_attendance_contact *c, char *out, size_t size)
{
	if (c->undeliverable_at != 0)
		format_time(c->undeliverable_at, out, size);
	else
		util_strlcpy(out, "", size);
}

/* The list's contact, marked when mail to it came back: heap, or NULL
   when the address is to be shown as it is. */
static char *
list_marked(const struct store_attendance_contact *c)
{
	if (c->address == NULL || c->undeliverable_at == 0)
		return NULL;
	return xasprintf("%s (bounced)", c->address);
}

/* A value of `aanmeld list`: "-" when empty, else escaped for the
   terminal on one line. */
static int
list_text_value(struct buf *b, const char *v)
{
	if (v == NULL || *v == '\0')
		return buf_addc(b, '-');
	return escape_buf(b, v, ESCAPE_LINE);
}

/* A value of `aanmeld list --csv`: always quoted, as before. */
static int
list_csv_value(struct buf *b, const char *v)
{
	int rc = buf_addc(b, '"');

	if (export_csv_formula(v))
		rc |= buf_addc(b, '\'');
	for (; v != NULL && *v != '\0'; v++) {
		if (*v == '"')
			rc |= buf_addc(b, '"');
		rc |= buf_addc(b, *v);
	}
	rc |= buf_addc(b, '"');
	return rc == 0 ? 0 : -1;
}

/* One line of fields: CSV or the list's text. */
static int
add_line(struct buf *b, const char *const *v, size_t n, char sep,
	 bool list_text, bool list_csv)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < n; i++) {
		if (i > 0)
			rc |= buf_addc(b, sep);
		if (list_text)
			rc |= list_text_value(b, v[i]);
		else if (list_csv)
			rc |= list_csv_value(b, v[i]);
		else
			rc |= export_csv_field(b, v[i], sep);
	}
	rc |= buf_adds(b, list_text || list_csv ? "\n" : "\r\n");
	return rc == 0 ? 0 : -1;
}

/* The place on the waiting list; NULL (empty) for the others. */
static const char *
place_text(const struct store_attendance_contact *c, char *buf, size_t size)
{
	if (c->place == 0)
		return NULL;
	snprintf(buf, size, "%zu", c->place);
	return buf;
}

/* the CSV's head, the items, the deliverable's two and the bounce */
#define COLUMNS_MAX (10 + EXPORT_ITEMS_MAX)

char *
export_csv(const struct export_table *t, bool excel, size_t *len_r)
{
	static const char *const head[] = {
		"CBS-code",	"gemeente",
		"status",	"plaats op de wachtlijst",
		"aangemeld op", "contactpersoon",
		"e-mailadres",
	};
	const char *v[COLUMNS_MAX];
	char sep = excel ? ';' : ',', when[32], got[32], versions[16],
	     place[24], bounced[32];
	struct buf b;
	size_t i, k, n;
	int rc = 0;

	buf_init(&b, EXPORT_SIZE_MAX);
	if (excel)
		rc |= buf_adds(&b, BOM);
	for (n = 0; n < nitems(head); n++)
		v[n] = head[n];
	for (k = 0; k < t->n_items; k++)
		v[n++] = t->titles[k];
	v[n++] = "tekst ontvangen";
	v[n++] = "versies";
	/* last, so that the columns before keep their place */
	v[n++] = "e-mail kwam terug";
	rc |= add_line(&b, v, n, sep, false, false);
	for (i = 0; i < t->n_rows; i++) {
		const struct store_attendance_contact *c = t->rows[i].contact;

		format_time(c->enrolled_at, when, sizeof(when));
		n = 0;
		v[n++] = c->code;
		v[n++] = c->name;
		v[n++] = export_dutch(c->status);
		v[n++] = place_text(c, place, sizeof(place));
		v[n++] = when;
		v[n++] = c->contact_name;
		v[n++] = c->address;
		for (k = 0; k < t->n_items; k++)
			v[n++] = export_dutch(t->rows[i].answers[k]);
		delivered(c, got, sizeof(got), versions, sizeof(versions));
		v[n++] = got;
		v[n++] = versions;
		bounced_at(c, bounced, sizeof(bounced));
		v[n++] = bounced;
		rc |= add_line(&b, v, n, sep, false, false);
	}
	if (rc != 0) {
		buf_deinit(&b);
		return NULL;
	}
	*len_r = b.len;
	return buf_steal(&b);
}

char *
export_list(const struct export_table *t, bool csv)
{
	static const char *const head[] = {
		"code", "name", "status", "place", "enrolled_at", "contact",
	};
	const char *v[COLUMNS_MAX];
	char when[32], got[32], versions[16], place[24], *contact;
	struct buf b;
	size_t i, k, n;
	int rc = 0;

	buf_init(&b, EXPORT_SIZE_MAX);
	for (n = 0; n < nitems(head); n++)
		v[n] = head[n];
	for (k = 0; k < t->n_items; k++)
		v[n++] = t->keys[k];
	v[n++] = "delivered_at";
	v[n++] = "deliveries";
	rc |= add_line(&b, v, n, csv ? ',' : '\t', !csv, csv);
	for (i = 0; i < t->n_rows; i++) {
		const struct store_attendance_contact *c = t->rows[i].contact;

		format_time(c->enrolled_at, when, sizeof(when));
		n = 0;
		v[n++] = c->code;
		v[n++] = c->name;
		v[n++] = c->status;
		v[n++] = place_text(c, place, sizeof(place));
		v[n++] = when;
		contact = list_marked(c);
		v[n++] = contact != NULL ? contact : c->address;
		for (k = 0; k < t->n_items; k++)
			v[n++] = t->rows[i].answers[k];
		delivered(c, got, sizeof(got), versions, sizeof(versions));
		v[n++] = got;
		v[n++] = versions;
		rc |= add_line(&b, v, n, csv ? ',' : '\t', !csv, csv);
		free(contact);
	}
	if (rc != 0) {
		buf_deinit(&b);
		return NULL;
	}
	return buf_steal(&b);
}
