#include "autoconf.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli_rows.h"
#include "cli_show.h"
#include "gemeenten.h"
#include "message.h"
#include "nldate.h"
#include "staff.h"
#include "store_review.h"
#include "util.h"
#include "web_html.h"
#include "web_review_html.h"

/* Words the store keeps in English (verdicts, decisions, audit
   events), as staff read them; one not here is shown as it is. */
static const char *const words[][2] = {
	{"enrol", "aangemeld"},
	{"waitlist", "op de wachtlijst"},
	{"closed", "na de sluiting"},
	{"duplicate", "al aangemeld"},
	{"reject", "afgewezen"},
	{"review", "te beoordelen"},
	{"ignore", "genegeerd"},
	{"attendance", "antwoord op uitnodiging"},
	{"withdraw", "afgemeld"},
	{"deliver", "tekst ingeleverd"},
	{"bounce", "onbestelbaar"},
	{"approve", "goedgekeurd"},
	{"dismiss", "genegeerd"},
	{"returned", "teruggezet ter beoordeling"},
	{"cancel", "e-mail geannuleerd"},
	{"promote", "van de wachtlijst geplaatst"},
};

static int
word(struct buf *b, const char *w)
{
	size_t i;

	if (w == NULL)
		return buf_adds(b, "–");
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcmp(words[i][0], w) == 0)
			return buf_adds(b, words[i][1]);
	}
	return web_html_escape(b, w);
}

/* A stored value in a cell, "–" for none. */
static int
cell(struct buf *b, const char *v)
{
	int rc = buf_adds(b, "<td>");

	rc |= v != NULL && v[0] != '\0' ? web_html_escape(b, v)
					: buf_adds(b, "–");
	return rc | buf_adds(b, "</td>");
}

/* In a list (the queue, the history) a stored text is cut to this
   many characters; the item's own page shows it whole. */
#define LIST_TEXT_MAX 300
/* The rows a list shows at most, so that a flood of mail cannot make
   it too large to show at all. */
#define LIST_ROWS_MAX 500u

/* n digits of s as a number, or -1. */
static int
digits(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* A stored local time ("2021-04-01 10:00[:00]") as the other pages and
   the mails write it ("1 april 2021, 10.00 uur"); anything else as it
   is, "–" for none. */
static int
when(struct buf *b, const char *v)
{
	int y, mo, d, h, mi;

	if (v == NULL || v[0] == '\0')
		return buf_adds(b, "–");
	y = digits(v, 4);
	mo = strlen(v) >= 16 && v[4] == '-' ? digits(v + 5, 2) : -1;
	d = mo > 0 && v[7] == '-' ? digits(v + 8, 2) : -1;
	h = d > 0 && v[10] == ' ' ? digits(v + 11, 2) : -1;
	mi = h >= 0 && v[13] == ':' ? digits(v + 14, 2) : -1;
	if (y < 0 || mi < 0 || nldate_month(mo - 1) == NULL)
		return web_html_escape(b, v);
	return buf_addf(b, "%d %s %d, %02d.%02d uur", d, nldate_month(mo - 1),
			y, h, mi);
}

static int
when_cell(struct buf *b, const char *v)
{
	return buf_adds(b, "<td>") | when(b, v) | buf_adds(b, "</td>");
}

/* A stored value in a list's cell, cut short, "–" for none. */
static int
list_cell(struct buf *b, const char *v)
{
	int rc = buf_adds(b, "<td>");

	rc |= v != NULL && v[0] != '\0'
		      ? web_html_escape_cut(b, v, LIST_TEXT_MAX)
		      : buf_adds(b, "–");
	return rc | buf_adds(b, "</td>");
}

/* The reasons in Dutch, never the English codes alone; max: the
   characters shown (SIZE_MAX: all). */
static int
reasons(struct buf *b, const char *reason, const char *codes, size_t max)
{
	char *nl;
	int rc;

	if (reason == NULL)
		return buf_adds(b, "–");
	nl = staff_reason_text(reason, codes);
	rc = web_html_escape_cut(b, nl, max);
	free(nl);
	return rc;
}

int
web_review_html_queue(struct buf *b, const char *user, const char *csrf,
		      const struct cli_rows *rows)
{
	int rc = web_html_begin(b, "Beoordelen", user, csrf, "/beoordelen");
	const struct cli_row *r;
	const char *id, *note;
	size_t i;

	if (rows->n == 0) {
		rc |= buf_adds(b, "<p>Er is niets te beoordelen.</p>\n");
		rc |= web_html_end(b);
		return rc == 0 ? 0 : -1;
	}
	rc |= buf_addf(b, "<p>%zu %s te beoordelen.", rows->n,
		       rows->n == 1 ? "bericht" : "berichten");
	if (rows->n > LIST_ROWS_MAX)
		rc |= buf_addf(b,
			       " Hieronder staan de oudste %u; de "
			       "andere ziet u als u over deze hebt "
			       "beslist.",
			       LIST_ROWS_MAX);
	rc |= buf_adds(b, "</p>\n");
	rc |= buf_adds(b, "<table>\n<caption>Te beoordelen, oudste eerst"
			  "</caption>\n<thead><tr>"
			  "<th scope=\"col\">Nummer</th>"
			  "<th scope=\"col\">Ontvangen</th>"
			  "<th scope=\"col\">Afzender</th>"
			  "<th scope=\"col\">Onderwerp</th>"
			  "<th scope=\"col\">Voorgestelde gemeente</th>"
			  "<th scope=\"col\">Reden</th></tr></thead>\n"
			  "<tbody>\n");
	for (i = 0; i < rows->n && i < LIST_ROWS_MAX; i++) {
		r = &rows->v[i];
		id = cli_rows_value(r, "id");
		/* the id is the store's integer: digits only */
		rc |= buf_adds(b, "<tr><td><a href=\"/beoordelen/");
		rc |= web_html_escape(b, id);
		rc |= buf_adds(b, "\">Bericht ");
		rc |= web_html_escape(b, id);
		rc |= buf_adds(b, "</a></td>");
		rc |= when_cell(b, cli_rows_value(r, "created_at"));
		rc |= list_cell(b, cli_rows_value(r, "sender"));
		rc |= list_cell(b, cli_rows_value(r, "subject"));
		rc |= list_cell(b, cli_rows_value(r, "suggested"));
		rc |= buf_adds(b, "<td>");
		rc |= reasons(b, cli_rows_value(r, "reason"),
			      cli_rows_value(r, "reason_codes"), LIST_TEXT_MAX);
		note = cli_rows_value(r, "note");
		if (note != NULL) {
			rc |= buf_adds(b, "<br>Let op: ");
			rc |= web_html_escape_cut(b, note, LIST_TEXT_MAX);
		}
		rc |= buf_adds(b, "</td></tr>\n");
	}
	rc |= buf_adds(b, "</tbody>\n</table>\n");
	rc |= web_html_end(b);
	return rc == 0 ? 0 : -1;
}

/* A row of a two-column table of fields: the name as its header. */
static int
field_row(struct buf *b, const char *name, const char *v)
{
	int rc = buf_addf(b, "<tr><th scope=\"row\">%s</th>", name);

	return rc | cell(b, v) | buf_adds(b, "</tr>\n");
}

static int
notice(struct buf *b, const struct web_review_item *v)
{
	const struct store_review_item *it = v->it;
	int rc = 0;

	switch (v->notice) {
	case WEB_REVIEW_NOTICE_NONE:
		break;
	case WEB_REVIEW_NOTICE_DONE:
		rc |= buf_adds(b, "<p role=\"status\" class=\"melding\">Uw "
				  "besluit is vastgelegd. Binnen enkele "
				  "minuten gaat het antwoord weg en staat het "
				  "bericht in de juiste map van de "
				  "mailbox.</p>\n");
		break;
	case WEB_REVIEW_NOTICE_CLOSED:
		rc |= buf_adds(b,
			       "<p role=\"status\" class=\"melding\">Het "
			       "bericht is afgesloten zonder e-mail en zonder "
			       "aanmelding.</p>\n");
		break;
	case WEB_REVIEW_NOTICE_ALREADY:
		rc |= buf_adds(b, "<p role=\"alert\">Dit bericht is al "
				  "beoordeeld door ");
		rc |= web_html_escape(b, it->decided_by != NULL ? it->decided_by
								: "een ander");
		rc |= buf_adds(b, ". Er is niets veranderd.</p>\n");
		break;
	case WEB_REVIEW_NOTICE_REFUSED:
		rc |= buf_adds(b, "<p role=\"alert\">Niet uitgevoerd: ");
		rc |= web_html_escape(b, v->refusal);
		rc |= buf_adds(b, ".</p>\n");
		break;
	}
	return rc;
}

/* When the item was decided, from the message's review rows. */
static const char *
decided_at(const struct web_review_item *v)
{
	const struct cli_rows *rows;
	const char *id;
	char want[32];
	size_t i;

	if (v->show == NULL)
		return NULL;
	rows = &v->show->reviews;
	snprintf(want, sizeof(want), "%lld", (long long)v->it->id);
	for (i = 0; i < rows->n; i++) {
		id = cli_rows_value(&rows->v[i], "id");
		if (id != NULL && strcmp(id, want) == 0)
			return cli_rows_value(&rows->v[i], "decided_at");
	}
	return NULL;
}

/* The suggested municipality by name, as the approve form lists it. */
static int
suggested_row(struct buf *b, const struct web_review_item *v)
{
	const char *code = v->it->suggested;
	int rc;

	for (size_t i = 0; code != NULL && i < v->n_gemeenten; i++) {
		if (strcmp(v->gemeenten[i]->code, code) != 0)
			continue;
		rc = buf_adds(b, "<tr><th scope=\"row\">Voorgestelde gemeente"
				 "</th><td>");
		rc |= web_html_escape(b, v->gemeenten[i]->name);
		rc |= buf_adds(b, " (");
		rc |= web_html_escape(b, code);
		return rc | buf_adds(b, ")</td></tr>\n");
	}
	return field_row(b, "Voorgestelde gemeente", code);
}

static int
summary(struct buf *b, const struct web_review_item *v)
{
	const struct store_review_item *it = v->it;
	const char *at;
	int rc = 0;

	rc |= buf_adds(b, "<h2>Beoordeling</h2>\n<table>\n<caption>Waarom "
			  "dit bericht ter beoordeling ligt</caption>\n"
			  "<tbody>\n<tr><th scope=\"row\">Status</th><td>");
	if (strcmp(it->status, "open") == 0) {
		rc |= buf_adds(b, "Open");
	} else {
		rc |= buf_adds(b, "Beoordeeld: ");
		rc |= word(b, it->decision);
		rc |= buf_adds(b, " door ");
		rc |= web_html_escape(b, it->decided_by != NULL ? it->decided_by
								: "onbekend");
		at = decided_at(v);
		if (at != NULL) {
			rc |= buf_adds(b, " op ");
			rc |= when(b, at);
		}
	}
	rc |= buf_adds(b, "</td></tr>\n<tr><th scope=\"row\">Oordeel</th>"
			  "<td>");
	rc |= word(b, it->verdict);
	rc |= buf_adds(b, "</td></tr>\n<tr><th scope=\"row\">Reden</th><td>");
	rc |= reasons(b, it->reason, it->reason_codes, SIZE_MAX);
	rc |= buf_adds(b, "</td></tr>\n");
	rc |= suggested_row(b, v);
	if (it->note != NULL)
		rc |= field_row(b, "Let op", it->note);
	rc |= buf_adds(b, "</tbody>\n</table>\n");
	return rc;
}

static int
headers(struct buf *b, const struct message *msg)
{
	int rc = buf_adds(b, "<h2>Kopregels</h2>\n<table>\n<caption>"
			     "Kopregels van het bericht</caption>\n<tbody>\n");
	char *from;

	if (msg->from_name != NULL && msg->from_name[0] != '\0')
		from = xasprintf("%s <%s>", msg->from_name,
				 msg->from_addr != NULL ? msg->from_addr : "?");
	else
		from = NULL;
	rc |= field_row(b, "Van (From)", from != NULL ? from : msg->from_addr);
	free(from);
	rc |= field_row(b, "Aan (To)", msg->to);
	rc |= field_row(b, "Datum (Date)", msg->date);
	rc |= field_row(b, "Onderwerp (Subject)", msg->subject);
	rc |= field_row(b, "Message-ID", msg->message_id);
	rc |= buf_adds(b, "</tbody>\n</table>\n");
	return rc;
}

/* The text as plain text: never the mail's HTML, only what the parser
   made of it. */
static int
text(struct buf *b, const struct message *msg)
{
	int rc = buf_adds(b, "<h2>Tekst</h2>\n");

	if (msg->body_html)
		rc |= buf_adds(b, "<p>Dit bericht heeft alleen een HTML-deel. "
				  "Hieronder staat de tekst daarvan, zonder "
				  "opmaak, links of afbeeldingen.</p>\n");
	if (msg->body == NULL || msg->body[0] == '\0')
		return rc | buf_adds(b, "<p>Het bericht heeft geen tekst."
					"</p>\n");
	rc |= buf_adds(b, "<pre>");
	rc |= web_html_escape_lines(b, msg->body);
	return rc | buf_adds(b, "</pre>\n");
}

/* A size as people read it. */
static int
size(struct buf *b, size_t n)
{
	if (n < 1024)
		return buf_addf(b, "%zu bytes", n);
	if (n < 1024 * 1024)
		return buf_addf(b, "%zu kB", (n + 1023) / 1024);
	return buf_addf(b, "%.1f MB", (double)n / (1024.0 * 1024.0));
}

/* Listed, not opened: no link to their bytes. */
static int
attachments(struct buf *b, const struct message *msg)
{
	int rc = buf_adds(b, "<h2>Bijlagen</h2>\n");
	size_t i;

	if (msg->n_attachments == 0 && msg->attachments_dropped == 0)
		return rc | buf_adds(b, "<p>Geen bijlagen.</p>\n");
	if (msg->n_attachments > 0) {
		rc |= buf_adds(b, "<table>\n<caption>Bijlagen (niet geopend)"
				  "</caption>\n<thead><tr>"
				  "<th scope=\"col\">Naam</th>"
				  "<th scope=\"col\">Soort</th>"
				  "<th scope=\"col\">Grootte</th></tr>"
				  "</thead>\n<tbody>\n");
		for (i = 0; i < msg->n_attachments; i++) {
			rc |= buf_adds(b, "<tr>");
			rc |= cell(b, msg->attachments[i].name);
			rc |= cell(b, msg->attachments[i].type);
			rc |= buf_adds(b, "<td>");
			rc |= size(b, msg->attachments[i].len);
			rc |= buf_adds(b, "</td></tr>\n");
		}
		rc |= buf_adds(b, "</tbody>\n</table>\n");
	}
	if (msg->attachments_dropped > 0)
		rc |= buf_addf(b,
			       "<p>En nog %u bijlage(n), te veel of te "
			       "groot om te bewaren.</p>\n",
			       msg->attachments_dropped);
	return rc;
}

static int
message_part(struct buf *b, const struct cli_show *sh)
{
	switch (sh->raw) {
	case CLI_SHOW_RAW_OK:
		return headers(b, sh->msg) | text(b, sh->msg) |
		       attachments(b, sh->msg);
	case CLI_SHOW_RAW_NONE:
	case CLI_SHOW_RAW_MISSING:
		return buf_adds(b, "<h2>Bericht</h2>\n<p>Van dit bericht is "
				   "geen kopie meer bewaard.</p>\n");
	case CLI_SHOW_RAW_UNREADABLE:
		break;
	}
	return buf_adds(b, "<h2>Bericht</h2>\n<p>De kopie van dit bericht "
			   "kan nu niet worden gelezen.</p>\n");
}

/* The start of a decision's form: POST to its own path with the token. */
static int
form_begin(struct buf *b, int64_t id, const char *what, const char *csrf)
{
	int rc = buf_addf(b,
			  "<form method=\"post\" action=\"/beoordelen/%lld/"
			  "%s\">\n<input type=\"hidden\" name=\"csrf\" "
			  "value=\"",
			  (long long)id, what);

	rc |= web_html_escape(b, csrf);
	return rc | buf_adds(b, "\">\n");
}

static int
approve_form(struct buf *b, const struct web_review_item *v, const char *csrf)
{
	const struct gemeente *g;
	int rc = form_begin(b, v->it->id, "goedkeuren", csrf);
	size_t i;

	rc |= buf_adds(b, "<p><label for=\"gemeente\">Gemeente</label><br>\n"
			  "<select id=\"gemeente\" name=\"gemeente\" "
			  "required>\n");
	if (v->selected == NULL)
		rc |= buf_adds(b, "<option value=\"\" selected>Kies een "
				  "gemeente</option>\n");
	for (i = 0; i < v->n_gemeenten; i++) {
		g = v->gemeenten[i];
		rc |= buf_adds(b, "<option value=\"");
		rc |= web_html_escape(b, g->code);
		rc |= buf_adds(b, "\"");
		if (v->selected != NULL && strcmp(v->selected, g->code) == 0)
			rc |= buf_adds(b, " selected");
		rc |= buf_adds(b, ">");
		rc |= web_html_escape(b, g->name);
		rc |= buf_adds(b, " (");
		rc |= web_html_escape(b, g->code);
		rc |= buf_adds(b, ")</option>\n");
	}
	rc |= buf_adds(b, "</select></p>\n<p><button type=\"submit\">"
			  "Goedkeuren</button></p>\n</form>\n");
	return rc;
}

static int
forms(struct buf *b, const struct web_review_item *v, const char *csrf)
{
	const struct store_review_item *it = v->it;
	int rc = buf_adds(b, "<h2>Besluit</h2>\n");

	if (it->outbox > 0 || it->message <= 0) {
		/* review_decide() lets only dismiss close these */
		rc |= buf_adds(b, "<p>Dit gaat niet over een binnengekomen "
				  "bericht; u kunt het alleen negeren.</p>\n");
	} else {
		rc |= buf_adds(b, "<p>Na uw besluit zet de desk het bericht "
				  "in de juiste map van de gedeelde mailbox, "
				  "net als wanneer u het naar een map "
				  "sleept.</p>\n");
		rc |= buf_adds(b, "<p>Goedkeuren meldt de gekozen gemeente "
				  "aan. De afzender krijgt de bevestiging en "
				  "de agenda-uitnodigingen, of een plaats op "
				  "de wachtlijst als alle plaatsen bezet "
				  "zijn.</p>\n");
		rc |= approve_form(b, v, csrf);
		rc |= buf_adds(b, "<p>Afwijzen stuurt de afzender het "
				  "bericht dat de praktijkproef alleen voor "
				  "gemeenten is; vinkt u Zonder bericht aan, "
				  "dan krijgt de afzender niets.</p>\n");
		rc |= form_begin(b, it->id, "afwijzen", csrf);
		rc |= buf_adds(b, "<p><input type=\"checkbox\" id=\"stil\" "
				  "name=\"stil\" value=\"ja\"> <label "
				  "for=\"stil\">Zonder bericht</label></p>\n"
				  "<p><button type=\"submit\" class=\"gevaar\">"
				  "Afwijzen</button></p>\n</form>\n");
		rc |= buf_adds(b, "<p>Negeren sluit het bericht zonder "
				  "antwoord.</p>\n");
	}
	rc |= form_begin(b, it->id, "negeren", csrf);
	rc |= buf_adds(b, "<p><button type=\"submit\">Negeren</button></p>\n"
			  "</form>\n");
	return rc;
}

int
web_review_html_item(struct buf *b, const char *user, const char *csrf,
		     const struct web_review_item *v)
{
	char title[64];
	int rc;

	snprintf(title, sizeof(title), "Bericht %lld", (long long)v->it->id);
	rc = web_html_begin(b, title, user, csrf, NULL);
	rc |= buf_adds(b, "<p><a href=\"/beoordelen\">Terug naar de lijst"
			  "</a></p>\n");
	rc |= notice(b, v);
	rc |= summary(b, v);
	if (v->show != NULL)
		rc |= message_part(b, v->show);
	if (strcmp(v->it->status, "open") == 0)
		rc |= forms(b, v, csrf);
	rc |= web_html_end(b);
	return rc == 0 ? 0 : -1;
}

/* The history's explanation for staff: the intake's reasons in Dutch,
   a note (Dutch already), else the audit's own technical English,
   folded away and marked as English. */
static int
explanation(struct buf *b, const struct cli_row *r)
{
	const char *detail = cli_rows_value(r, "detail");
	const char *codes = cli_rows_value(r, "reason_codes");
	const char *what = cli_rows_value(r, "what");
	int rc = buf_adds(b, "<td>");

	if (codes != NULL) {
		rc |= reasons(b, detail, codes, LIST_TEXT_MAX);
	} else if (what != NULL && strcmp(what, "returned") == 0) {
		rc |= web_html_escape_cut(b, detail, LIST_TEXT_MAX);
	} else if (detail != NULL && detail[0] != '\0') {
		rc |= buf_adds(b, "<details><summary>Technische details"
				  "</summary><span lang=\"en\">");
		rc |= web_html_escape_cut(b, detail, LIST_TEXT_MAX);
		rc |= buf_adds(b, "</span></details>");
	} else {
		rc |= buf_adds(b, "–");
	}
	return rc | buf_adds(b, "</td>");
}

int
web_review_html_history(struct buf *b, const char *user, const char *csrf,
			const char *filter, const struct cli_rows *rows)
{
	static const char *const cols[][2] = {
		{"at", "Tijd"},		  {"actor", "Door"},
		{"what", "Wat"},	  {"message", "Bericht"},
		{"gemeente", "Gemeente"}, {"detail", "Toelichting"},
	};
	const struct cli_row *r;
	size_t i, j;
	int rc = web_html_begin(b, "Geschiedenis", user, csrf, "/geschiedenis");

	rc |= buf_adds(b, "<form method=\"get\" action=\"/geschiedenis\">\n"
			  "<p><label for=\"code\">Gemeentecode</label>\n"
			  "<input id=\"code\" name=\"code\" type=\"text\" "
			  "size=\"8\" placeholder=\"GM0363\">\n"
			  "<button type=\"submit\">Tonen</button></p>\n"
			  "</form>\n");
	if (filter != NULL) {
		rc |= buf_adds(b, "<p>Alleen ");
		rc |= web_html_escape(b, filter);
		rc |= buf_adds(b, ". <a href=\"/geschiedenis\">Alles tonen"
				  "</a></p>\n");
	}
	if (rows->n == 0) {
		rc |= buf_adds(b, "<p>Er is nog niets gebeurd.</p>\n");
		rc |= web_html_end(b);
		return rc == 0 ? 0 : -1;
	}
	if (rows->n > LIST_ROWS_MAX)
		rc |= buf_addf(b,
			       "<p>De nieuwste %u van %zu staan hieronder; "
			       "kies een gemeente om alles daarvan te "
			       "zien.</p>\n",
			       LIST_ROWS_MAX, rows->n);
	rc |= buf_adds(b, "<table>\n<caption>Geschiedenis, nieuwste eerst"
			  "</caption>\n<thead><tr>");
	for (j = 0; j < sizeof(cols) / sizeof(cols[0]); j++)
		rc |= buf_addf(b, "<th scope=\"col\">%s</th>", cols[j][1]);
	rc |= buf_adds(b, "</tr></thead>\n<tbody>\n");
	for (i = rows->n; i-- > 0 && rows->n - i <= LIST_ROWS_MAX;) {
		r = &rows->v[i];
		rc |= buf_adds(b, "<tr>");
		for (j = 0; j < sizeof(cols) / sizeof(cols[0]); j++) {
			const char *val = cli_rows_value(r, cols[j][0]);

			if (strcmp(cols[j][0], "what") == 0) {
				rc |= buf_adds(b, "<td>");
				rc |= word(b, val);
				rc |= buf_adds(b, "</td>");
			} else if (strcmp(cols[j][0], "at") == 0) {
				rc |= when_cell(b, val);
			} else if (strcmp(cols[j][0], "detail") == 0) {
				rc |= explanation(b, r);
			} else {
				rc |= list_cell(b, val);
			}
		}
		rc |= buf_adds(b, "</tr>\n");
	}
	rc |= buf_adds(b, "</tbody>\n</table>\n");
	rc |= web_html_end(b);
	return rc == 0 ? 0 : -1;
}
