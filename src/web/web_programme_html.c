#include "autoconf.h"

#include <string.h>

#include "buf.h"
#include "export.h"
#include "nldate.h"
#include "web_contact_html.h"
#include "web_html.h"
#include "web_programme_html.h"

/* The parts of the page, in its order: who takes part, who waits, who
   withdrew. */
static const struct {
	const char *status, *heading, *none;
} parts[] = {
	{"confirmed", "Deelnemers", "Er doet nog geen gemeente mee."},
	{"waitlist", "Wachtlijst", "Er staat niemand op de wachtlijst."},
	{"withdrawn", "Teruggetrokken",
	 "Geen gemeente heeft zich "
	 "teruggetrokken."},
};

static const struct store_attendance_contact *
contact(const struct export_table *t, size_t i)
{
	return t->rows[i].contact;
}

/* Whether row i is the first of its municipality (rows come grouped). */
static bool
first_of_code(const struct export_table *t, size_t i)
{
	return i == 0 ||
	       strcmp(contact(t, i - 1)->code, contact(t, i)->code) != 0;
}

/* "Utrecht (GM0344)", escaped. */
static int
municipality(struct buf *b, const struct store_attendance_contact *c)
{
	int rc = web_html_escape(b, c->name);

	rc |= buf_adds(b, " (");
	rc |= web_html_escape(b, c->code);
	return rc | buf_adds(b, ")");
}

static const char *
answer(const char *a)
{
	return a != NULL ? export_dutch(a) : "geen antwoord";
}

/* The contacts of the municipality whose rows start at first, with the
   answer of each to each invitation, and with csrf (NULL: withdrawn,
   nothing to change) the buttons of each. */
static int
contacts(struct buf *b, const struct export_table *t, size_t first,
	 const char *csrf)
{
	const struct store_attendance_contact *c = contact(t, first);
	char when[64];
	size_t i, k;
	int rc = 0;

	if (c->address == NULL)
		return buf_adds(b, "<p>Geen contactpersonen.</p>\n");
	rc |= buf_adds(b, "<table>\n<caption>Contactpersonen van ");
	rc |= web_html_escape(b, c->name);
	rc |= buf_adds(b, " en hun antwoord per bijeenkomst</caption>\n"
			  "<thead><tr><th scope=\"col\">Naam</th>"
			  "<th scope=\"col\">E-mailadres</th>");
	for (k = 0; k < t->n_items; k++) {
		rc |= buf_adds(b, "<th scope=\"col\">");
		rc |= web_html_escape(b, t->titles[k]);
		rc |= buf_adds(b, "</th>");
	}
	if (csrf != NULL)
		rc |= buf_adds(b, "<th scope=\"col\">Wijzigen</th>");
	rc |= buf_adds(b, "</tr></thead>\n<tbody>\n");
	for (i = first; i < t->n_rows && (i == first || !first_of_code(t, i));
	     i++) {
		c = contact(t, i);
		rc |= buf_adds(b, "<tr><th scope=\"row\">");
		rc |= web_html_escape(b, c->contact_name != NULL
						 ? c->contact_name
						 : "(geen naam)");
		rc |= buf_adds(b, "</th><td>");
		rc |= web_html_escape(b, c->address);
		if (c->undeliverable_at != 0) {
			nldate_format_when(c->undeliverable_at, when,
					   sizeof(when));
			rc |= buf_adds(b, " <strong>(e-mail kwam terug op ");
			rc |= web_html_escape(b, when);
			rc |= buf_adds(b, "; krijgt geen mail meer)</strong>");
		}
		rc |= buf_adds(b, "</td>");
		for (k = 0; k < t->n_items; k++) {
			rc |= buf_adds(b, "<td>");
			rc |= web_html_escape(b, answer(t->rows[i].answers[k]));
			rc |= buf_adds(b, "</td>");
		}
		if (csrf != NULL) {
			rc |= buf_adds(b, "<td>");
			rc |= web_contact_html_buttons(b, csrf, c);
			rc |= buf_adds(b, "</td>");
		}
		rc |= buf_adds(b, "</tr>\n");
	}
	return rc | buf_adds(b, "</tbody>\n</table>\n");
}

/* The buttons for c: withdraw (asked first), and give a place. */
static int
actions(struct buf *b, const struct web_programme_list *v,
	const struct store_attendance_contact *c, bool full)
{
	int rc = 0;

	if (strcmp(c->status, "withdrawn") == 0)
		return 0;
	rc |= buf_adds(b, "<div class=\"acties\">\n");
	if (strcmp(c->status, "waitlist") == 0) {
		rc |= buf_adds(b, "<form method=\"post\" action=\"/gemeenten/");
		rc |= web_html_escape(b, c->code);
		rc |= buf_adds(b, "/plaats-geven\">\n<input type=\"hidden\" "
				  "name=\"csrf\" value=\"");
		rc |= web_html_escape(b, v->csrf);
		rc |= buf_adds(b, "\">\n");
		if (full) {
			rc |= buf_adds(b, "<p><input type=\"checkbox\" "
					  "name=\"force\" value=\"1\" "
					  "id=\"force-");
			rc |= web_html_escape(b, c->code);
			rc |= buf_adds(b, "\"> <label for=\"force-");
			rc |= web_html_escape(b, c->code);
			rc |= buf_adds(b, "\">Ook als alle plaatsen bezet "
					  "zijn</label></p>\n");
		}
		rc |= buf_adds(b, "<p><button type=\"submit\">Plaats geven"
				  "</button></p>\n</form>\n");
	}
	/* a GET: the next page asks first and says what will happen */
	rc |= buf_adds(b, "<form method=\"get\" action=\"/gemeenten/");
	rc |= web_html_escape(b, c->code);
	rc |= buf_adds(b, "/terugtrekken\">\n<p><button type=\"submit\" "
			  "class=\"gevaar\">Terugtrekken</button></p>\n"
			  "</form>\n</div>\n");
	return rc;
}

/* One municipality: its heading, state, contacts and buttons. */
static int
one(struct buf *b, const struct web_programme_list *v, size_t first, bool full)
{
	const struct store_attendance_contact *c = contact(v->table, first);
	const char *csrf = strcmp(c->status, "withdrawn") != 0 ? v->csrf : NULL;
	char when[64];
	int rc = 0;

	rc |= buf_adds(b, "<section>\n<h3>");
	rc |= municipality(b, c);
	rc |= buf_adds(b, "</h3>\n<p>");
	nldate_format_when(c->enrolled_at, when, sizeof(when));
	rc |= buf_adds(b, "Aangemeld op ");
	rc |= web_html_escape(b, when);
	if (strcmp(c->status, "waitlist") == 0)
		rc |= buf_addf(b, "; plaats %zu op de wachtlijst", c->place);
	rc |= buf_adds(b, ".</p>\n");
	rc |= contacts(b, v->table, first, csrf);
	if (csrf != NULL)
		rc |= web_contact_html_add(b, csrf, c->code);
	rc |= actions(b, v, c, full);
	return rc | buf_adds(b, "</section>\n");
}

int
web_programme_html_list(struct buf *b, const struct web_programme_list *v)
{
	const struct export_table *t = v->table;
	size_t i, p, confirmed = 0, shown;
	bool full;
	int rc = web_html_begin(b, "Gemeenten", v->user, v->csrf, "/gemeenten");

	rc |= web_html_notice(b, v->notice, v->refused);
	for (i = 0; i < t->n_rows; i++) {
		if (first_of_code(t, i) &&
		    strcmp(contact(t, i)->status, "confirmed") == 0)
			confirmed++;
	}
	full = v->capacity > 0 && confirmed >= (size_t)v->capacity;
	for (p = 0; p < sizeof(parts) / sizeof(parts[0]); p++) {
		rc |= buf_addf(b, "<h2>%s</h2>\n", parts[p].heading);
		if (p == 0 && v->capacity > 0)
			rc |= buf_addf(b,
				       "<p>%zu van de %ld plaatsen bezet."
				       "</p>\n",
				       confirmed, v->capacity);
		shown = 0;
		for (i = 0; i < t->n_rows; i++) {
			if (!first_of_code(t, i) ||
			    strcmp(contact(t, i)->status, parts[p].status) != 0)
				continue;
			rc |= one(b, v, i, full);
			shown++;
		}
		if (shown == 0)
			rc |= buf_addf(b, "<p>%s</p>\n", parts[p].none);
	}
	rc |= web_html_end(b);
	return rc == 0 ? 0 : -1;
}

int
web_programme_html_confirm(struct buf *b, const struct web_programme_confirm *v)
{
	int rc = web_html_begin(b, "Weet u het zeker?", v->user, v->csrf,
				"/gemeenten");

	rc |= buf_adds(b, "<p>U trekt ");
	rc |= web_html_escape(b, v->name);
	rc |= buf_adds(b, " (");
	rc |= web_html_escape(b, v->code);
	rc |= buf_adds(b, ") terug uit de praktijkproef. De contactpersonen "
			  "krijgen daarover bericht");
	rc |= buf_adds(b, v->confirmed ? " en de bijeenkomsten vervallen in "
					 "hun agenda.</p>\n"
				       : ".</p>\n");
	if (!v->confirmed) {
		rc |= buf_adds(b, "<p>De gemeente staat op de wachtlijst; er "
				  "komt geen plaats vrij.</p>\n");
	} else if (v->promote != NULL) {
		rc |= buf_adds(b, "<p><strong>");
		rc |= web_html_escape(b, v->promote_name);
		rc |= buf_adds(b, " (");
		rc |= web_html_escape(b, v->promote);
		rc |= buf_adds(b, ")</strong> krijgt de vrijgekomen plaats: "
				  "de eerste op de wachtlijst. Die gemeente "
				  "krijgt ook bericht.</p>\n");
	} else {
		rc |= buf_adds(b, "<p>Niemand krijgt de vrijgekomen plaats: "
				  "de wachtlijst is leeg.</p>\n");
	}
	rc |= buf_addf(b, "<p>Er %s %zu %s klaargezet om te versturen.</p>\n",
		       v->mails == 1 ? "wordt" : "worden", v->mails,
		       v->mails == 1 ? "mail" : "mails");
	rc |= buf_adds(b, "<form method=\"post\" action=\"/gemeenten/");
	rc |= web_html_escape(b, v->code);
	rc |= buf_adds(b, "/terugtrekken\">\n<input type=\"hidden\" "
			  "name=\"csrf\" value=\"");
	rc |= web_html_escape(b, v->csrf);
	rc |= buf_adds(b, "\">\n<p><button type=\"submit\" class=\"gevaar\">"
			  "Terugtrekken</button></p>\n</form>\n"
			  "<p><a href=\"/gemeenten\">Nee, terug naar de "
			  "gemeenten</a></p>\n");
	rc |= web_html_end(b);
	return rc == 0 ? 0 : -1;
}
