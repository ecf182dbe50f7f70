#include "autoconf.h"

#include <string.h>

#include "buf.h"
#include "cli_status.h"
#include "nldate.h"
#include "programme.h"
#include "store_attendance.h"
#include "web_html.h"
#include "web_pages.h"

int
web_pages_login(struct buf *b, const char *failed)
{
	int rc = web_html_begin(b, "Inloggen", NULL, NULL, NULL);

	rc |= web_html_notice(b, failed, true);
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

static int
reviews(struct buf *b, const struct cli_status *h)
{
	int rc = buf_adds(b, "<h2>Te beoordelen</h2>\n<p>");

	if (h->reviews == 0)
		rc |= buf_adds(b, "Er is niets te beoordelen.");
	else
		rc |= buf_addf(b, "Er %s %u %s te beoordelen.",
			       h->reviews == 1 ? "wacht" : "wachten",
			       h->reviews,
			       h->reviews == 1 ? "bericht" : "berichten");
	return rc | buf_adds(b, " <a href=\"/beoordelen\">Naar "
				"beoordelen</a></p>\n");
}

static int
failed_mail(struct buf *b, const struct cli_status *h)
{
	int rc = buf_adds(b, "<h2>Mislukte mail</h2>\n<p>");

	if (h->failed == 0)
		rc |= buf_adds(b, "Alle mail is verstuurd of wacht nog op "
				  "verzending.");
	else
		rc |= buf_addf(b, "%u %s niet worden verstuurd.", h->failed,
			       h->failed == 1 ? "mail kon" : "mails konden");
	return rc | buf_adds(b, " <a href=\"/uitgaand\">Naar de uitgaande "
				"mail</a></p>\n");
}

/* Who delivered the text and who not yet, as the summary names them:
   the municipalities taking part. */
static int
deliverables(struct buf *b, const struct web_pages_overview *v)
{
	const struct programme_item *d = &v->p->deadline;
	char day[64];
	size_t i;
	int rc = 0;

	if (d->title == NULL || v->p->deliverable == NULL)
		return 0;
	nldate_format_day(d->start, day, sizeof(day));
	/* the deliverable's name speaks to the participants ("uw tekst"):
	   staff read the date as the summary gives it */
	rc |= buf_adds(b, "<h2>Ingeleverde teksten</h2>\n<p>De uiterste "
			  "datum");
	rc |= buf_adds(b, v->now < d->start ? " is " : " was ");
	rc |= web_html_escape(b, day);
	for (i = 0; i < v->n; i++) {
		if (first_of_code(v->rows, i) &&
		    strcmp(v->rows[i].status, "confirmed") == 0)
			break;
	}
	if (i == v->n)
		return rc | buf_adds(b, ". Er neemt nog geen gemeente "
					"deel.</p>\n");
	rc |= buf_adds(b, ".</p>\n<table>\n<caption>Teksten van de "
			  "deelnemers</caption>\n<thead><tr>"
			  "<th scope=\"col\">Gemeente</th>"
			  "<th scope=\"col\">Code</th>"
			  "<th scope=\"col\">Tekst</th></tr></thead>\n"
			  "<tbody>\n");
	for (i = 0; i < v->n; i++) {
		const struct store_attendance_contact *c = &v->rows[i];

		if (!first_of_code(v->rows, i) ||
		    strcmp(c->status, "confirmed") != 0)
			continue;
		rc |= buf_adds(b, "<tr><td>");
		rc |= web_html_escape(b, c->name);
		rc |= buf_adds(b, "</td><td>");
		rc |= web_html_escape(b, c->code);
		rc |= buf_adds(b, "</td><td>");
		if (c->deliveries == 0) {
			rc |= buf_adds(b, "nog niet ingeleverd");
		} else {
			nldate_format_when(c->delivered_at, day, sizeof(day));
			rc |= buf_adds(b, "ingeleverd, het laatst op ");
			rc |= web_html_escape(b, day);
			rc |= buf_addf(b, " (%u %s)", c->deliveries,
				       c->deliveries == 1 ? "versie"
							  : "versies");
		}
		rc |= buf_adds(b, "</td></tr>\n");
	}
	return rc | buf_adds(b, "</tbody>\n</table>\n");
}

/* The daemon's health, as aanmeld status judges it, in Dutch. */
static int
health(struct buf *b, const struct web_pages_overview *v)
{
	const struct cli_status *h = v->health;
	int rc = buf_adds(b, "<h2>Werking</h2>\n<p>");

	if (!cli_status_problem(h)) {
		rc |= buf_adds(b, "<strong>In orde.</strong></p>\n");
	} else {
		rc |= buf_adds(b, "<strong>Probleem:</strong>");
		if (h->stale)
			rc |= buf_adds(b, " de postbus is te lang niet met "
					  "succes gelezen;");
		if (h->failed > 0)
			rc |= buf_adds(b, " er is mislukte mail;");
		if (h->refused > 0)
			rc |= buf_adds(b, " een mailserver weigert het "
					  "inloggen;");
		if (h->folders != NULL)
			rc |= buf_adds(b, " een map in de postbus is niet te "
					  "gebruiken;");
		rc |= buf_adds(b, " de beheerder kan het nakijken met "
				  "aanmeld status.</p>\n");
	}
	rc |= buf_adds(b, "<dl>\n<dt>Verwerking</dt><dd>");
	if (h->st.last_cycle == 0)
		rc |= buf_adds(b, "heeft nog niet gedraaid");
	else if (v->running)
		rc |= buf_adds(b, "draait");
	else
		rc |= buf_adds(b, "draait niet (meer)?");
	rc |= buf_adds(b, "</dd>\n<dt>Laatste ronde</dt><dd>");
	rc |= web_html_when(b, h->st.last_cycle, "nog nooit");
	rc |= buf_adds(b, "</dd>\n<dt>Postbus laatst met succes gelezen"
			  "</dt><dd>");
	rc |= web_html_when(b, h->st.last_poll_ok, "nog nooit");
	rc |= buf_addf(b,
		       "</dd>\n<dt>Nog in de postbus</dt><dd>%u %s; %u "
		       "%s</dd>\n",
		       h->st.backlog,
		       h->st.backlog == 1 ? "bericht" : "berichten", h->moves,
		       h->moves == 1 ? "verplaatsing wacht"
				     : "verplaatsingen wachten");
	rc |= buf_addf(b,
		       "<dt>Uitgaande mail</dt><dd>%u %s, %u mislukt"
		       "</dd>\n",
		       h->queued, h->queued == 1 ? "wacht" : "wachten",
		       h->failed);
	if (h->folders != NULL) {
		rc |= buf_adds(b, "<dt>Mappen</dt><dd>");
		rc |= web_html_escape(b, h->folders);
		rc |= buf_adds(b, "</dd>\n");
	}
	return rc | buf_adds(b, "</dl>\n");
}

int
web_pages_overview(struct buf *b, const struct web_pages_overview *v)
{
	size_t i, confirmed = 0;
	int rc = web_html_begin(b, "Overzicht", v->user, v->csrf, "/");

	for (i = 0; i < v->n; i++) {
		if (first_of_code(v->rows, i) &&
		    strcmp(v->rows[i].status, "confirmed") == 0)
			confirmed++;
	}
	rc |= buf_adds(b, "<h2>Plaatsen</h2>\n<p>");
	if (v->capacity > 0)
		rc |= buf_addf(b, "%zu van de %ld plaatsen bezet.", confirmed,
			       v->capacity);
	else
		rc |= buf_addf(b, "%zu gemeenten ingeschreven.", confirmed);
	rc |= buf_adds(b, " <a href=\"/gemeenten\">Naar de gemeenten</a>"
			  "</p>\n");
	rc |= waiting_list(b, v->rows, v->n);
	if (v->health != NULL) {
		rc |= reviews(b, v->health);
		rc |= failed_mail(b, v->health);
	}
	if (v->p != NULL)
		rc |= deliverables(b, v);
	if (v->health != NULL)
		rc |= health(b, v);
	else
		rc |= buf_adds(b, "<h2>Werking</h2>\n<p role=\"alert\">De "
				  "werking kan nu niet worden gelezen.</p>\n");
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
