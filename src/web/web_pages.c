#include "autoconf.h"

#include <string.h>

#include "buf.h"
#include "store_attendance.h"
#include "web_html.h"
#include "web_pages.h"

int
web_pages_login(struct buf *b, const char *failed)
{
	int rc = web_html_begin(b, "Inloggen", NULL, NULL, NULL);

	if (failed != NULL) {
		rc |= buf_adds(b, "<p role=\"alert\">");
		rc |= web_html_escape(b, failed);
		rc |= buf_adds(b, "</p>\n");
	}
	rc |= buf_adds(b, "<form method=\"post\" action=\"/login\">\n"
			  "<p><label for=\"user\">Gebruikersnaam</label><br>\n"
			  "<input id=\"user\" name=\"user\" type=\"text\" "
			  "autocomplete=\"username\" required></p>\n"
			  "<p><label for=\"password\">Wachtwoord</label><br>\n"
			  "<input id=\"password\" name=\"password\" "
			  "type=\"password\" autocomplete=\"current-password\" "
			  "required></p>\n"
			  "<p><button type=\"submit\">Inloggen</button></p>\n"
			  "</form>\n");
	rc |= web_html_end(b);
	return rc == 0 ? 0 : -1;
}

/* Whether rows[i] is the first row of its municipality (the rows come
   grouped by enrolment). */
static int
first_of_code(const struct store_attendance_contact *rows, size_t i)
{
	return i == 0 || strcmp(rows[i - 1].code, rows[i].code) != 0;
}

static int
waiting_list(struct buf *b, const struct store_attendance_contact *rows,
	     size_t n)
{
	size_t i, waiting = 0;
	int rc = 0;

	for (i = 0; i < n; i++) {
		if (first_of_code(rows, i) &&
		    strcmp(rows[i].status, "waitlist") == 0)
			waiting++;
	}
	rc |= buf_adds(b, "<h2>Wachtlijst</h2>\n");
	if (waiting == 0)
		return rc | buf_adds(b, "<p>Er staat niemand op de "
					"wachtlijst.</p>\n");
	rc |= buf_adds(b, "<table>\n<caption>Wachtlijst, op volgorde"
			  "</caption>\n<thead><tr><th scope=\"col\">Plaats"
			  "</th><th scope=\"col\">Gemeente</th>"
			  "<th scope=\"col\">Code</th>"
			  "<th scope=\"col\">Contactpersoon</th></tr>"
			  "</thead>\n<tbody>\n");
	for (i = 0; i < n; i++) {
		const struct store_attendance_contact *r = &rows[i];

		if (!first_of_code(rows, i) ||
		    strcmp(r->status, "waitlist") != 0)
			continue;
		rc |= buf_addf(b, "<tr><td>%zu</td><td>", r->place);
		rc |= web_html_escape(b, r->name);
		rc |= buf_adds(b, "</td><td>");
		rc |= web_html_escape(b, r->code);
		rc |= buf_adds(b, "</td><td>");
		if (r->contact_name != NULL) {
			rc |= web_html_escape(b, r->contact_name);
			rc |= buf_adds(b, " ");
		}
		if (r->address != NULL) {
			rc |= buf_adds(b, "&lt;");
			rc |= web_html_escape(b, r->address);
			rc |= buf_adds(b, "&gt;");
		}
		rc |= buf_adds(b, "</td></tr>\n");
	}
	rc |= buf_adds(b, "</tbody>\n</table>\n");
	return rc;
}

int
web_pages_overview(struct buf *b, const char *user, const char *csrf,
		   long capacity, const struct store_attendance_contact *rows,
		   size_t n)
{
	size_t i, confirmed = 0;
	int rc = web_html_begin(b, "Overzicht", user, csrf, "/");

	for (i = 0; i < n; i++) {
		if (first_of_code(rows, i) &&
		    strcmp(rows[i].status, "confirmed") == 0)
			confirmed++;
	}
	rc |= buf_adds(b, "<h2>Plaatsen</h2>\n<p>");
	if (capacity > 0)
		rc |= buf_addf(b, "%zu van de %ld plaatsen bezet.", confirmed,
			       capacity);
	else
		rc |= buf_addf(b, "%zu gemeenten ingeschreven.", confirmed);
	rc |= buf_adds(b, "</p>\n");
	rc |= waiting_list(b, rows, n);
	rc |= web_html_end(b);
	return rc == 0 ? 0 : -1;
}

int
web_pages_error(struct buf *b, const char *title, const char *text)
{
	int rc = web_html_begin(b, title, NULL, NULL, NULL);

	rc |= buf_adds(b, "<p>");
	rc |= web_html_escape(b, text);
	rc |= buf_adds(b, "</p>\n<p><a href=\"/\">Naar het overzicht</a>"
			  "</p>\n");
	rc |= web_html_end(b);
	return rc == 0 ? 0 : -1;
}
