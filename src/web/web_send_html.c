#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "programme.h"
#include "schedule.h"
#include "send_group.h"
#include "web_html.h"
#include "web_send_html.h"

static int
hidden(struct buf *b, const char *name, const char *value)
{
	int rc = buf_addf(b, "<input type=\"hidden\" name=\"%s\" value=\"",
			  name);

	return rc | web_html_escape_raw(b, value) | buf_adds(b, "\">\n");
}

static int
option(struct buf *b, const char *value, const char *chosen, const char *label,
       const char *title)
{
	int rc = buf_addf(
		b, "<option value=\"%s\"%s>%s", value,
		chosen != NULL && strcmp(chosen, value) == 0 ? " selected" : "",
		label);

	rc |= web_html_escape(b, title);
	return rc | buf_adds(b, "</option>\n");
}

/* The placeholders, as send_group_vars[] names them, in Dutch. */
static const char *const hints[][2] = {
	{"municipality", "de naam van de gemeente"},
	{"sender", "het e-mailadres van de contactpersoon"},
	{"event", "de naam van de bijeenkomst"},
	{"organiser", "de organisator"},
	{"organiser_name", "de naam van de afzender"},
	{"event_address", "het adres van de bijeenkomst"},
	{"programme", "het programma"},
	{"capacity", "het aantal plaatsen"},
	{"closing_date", "de sluitingsdatum van de aanmelding"},
};

static int
fields(struct buf *b, const struct web_send_form *f)
{
	const struct programme *p = f->programme;
	char value[32], label[64];
	size_t i;
	int rc = hidden(b, "csrf", f->csrf);

	rc |= buf_adds(b, "<p><label for=\"aan\">Aan</label><br>\n"
			  "<select id=\"aan\" name=\"aan\">\n");
	rc |= option(b, "confirmed", f->to, "Alle deelnemers", NULL);
	rc |= option(b, "waitlist", f->to, "De wachtlijst", NULL);
	for (i = 0; p != NULL && i < p->n_sessions; i++) {
		snprintf(value, sizeof(value), "session:%u",
			 p->sessions[i].number);
		snprintf(label, sizeof(label),
			 "Wie komt naar sessie %u: ", p->sessions[i].number);
		rc |= option(b, value, f->to, label, p->sessions[i].title);
	}
	rc |= buf_adds(b, "</select></p>\n"
			  "<p><label for=\"onderwerp\">Onderwerp</label><br>\n"
			  "<input type=\"text\" id=\"onderwerp\" "
			  "name=\"onderwerp\" size=\"60\" maxlength=\"200\" "
			  "required value=\"");
	rc |= web_html_escape_raw(b, f->subject);
	/* the newline after <textarea> is dropped by the parser, so a
	   text that starts with an empty line keeps it */
	rc |= buf_adds(b,
		       "\"></p>\n"
		       "<p><label for=\"tekst\">Tekst</label><br>\n"
		       "<textarea id=\"tekst\" name=\"tekst\" rows=\"16\" "
		       "cols=\"72\" required aria-describedby=\"tekst-hulp\">"
		       "\n");
	rc |= web_html_escape_raw(b, f->text);
	rc |= buf_adds(b, "</textarea></p>\n<div id=\"tekst-hulp\">\n"
			  "<p>In het onderwerp en de tekst kunt u deze "
			  "invulplaatsen gebruiken; ze worden voor iedere "
			  "ontvanger ingevuld:</p>\n<ul>\n");
	for (i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
		rc |= buf_addf(b, "<li><code>{{%s}}</code>: %s</li>\n",
			       hints[i][0], hints[i][1]);
	return rc | buf_adds(b, "</ul>\n</div>\n");
}

int
web_send_html_form(struct buf *b, const struct web_send_page *v)
{
	int rc = web_html_begin(b, "Mail aan een groep", v->form.user,
				v->form.csrf, "/versturen");

	rc |= web_html_notice(b, v->notice, v->refused);
	if (v->details != NULL) {
		rc |= buf_adds(b, "<details>\n<summary>Technische details"
				  "</summary>\n<pre lang=\"en\">");
		rc |= web_html_escape_lines(b, v->details);
		rc |= buf_adds(b, "</pre>\n</details>\n");
	}
	rc |= buf_adds(b, "<p>U schrijft een mail; eerst ziet u een voorbeeld "
			  "en wie hem krijgt. Wie deze tekst al eerder kreeg, "
			  "krijgt hem niet nog eens.</p>\n"
			  "<form method=\"post\" "
			  "action=\"/versturen/voorbeeld\">\n");
	rc |= fields(b, &v->form);
	rc |= buf_adds(b, "<p><button type=\"submit\">Voorbeeld bekijken"
			  "</button></p>\n</form>\n");
	return (rc | web_html_end(b)) == 0 ? 0 : -1;
}

static const char *
state_nl(enum send_group_state s)
{
	switch (s) {
	case SEND_GROUP_NEW:
		return "krijgt deze mail";
	case SEND_GROUP_QUEUED_BEFORE:
		return "staat al klaar om te worden verstuurd";
	case SEND_GROUP_SENT_BEFORE:
		return "heeft deze tekst al eerder gekregen";
	case SEND_GROUP_FAILED_BEFORE:
		return "eerder mislukt; zie Uitgaande mail";
	case SEND_GROUP_CAME_BACK:
		return "niet verstuurd: mail aan dit adres kwam terug";
	}
	return "";
}

static int
recipients(struct buf *b, const struct send_group *g)
{
	const struct schedule_contact *c;
	size_t i;
	int rc;

	if (g->n == 0)
		return buf_adds(b, "<p>Deze groep heeft geen contactpersonen."
				   "</p>\n");
	rc = buf_addf(b,
		      "<table>\n<caption>Ontvangers: %u krijgen deze mail, "
		      "%u niet</caption>\n<thead><tr><th scope=\"col\">"
		      "Gemeente</th><th scope=\"col\">E-mailadres</th>"
		      "<th scope=\"col\">Wat er gebeurt</th></tr></thead>\n"
		      "<tbody>\n",
		      g->fresh, (unsigned)g->n - g->fresh);
	for (i = 0; i < g->n; i++) {
		c = g->rows[i].c;
		rc |= buf_adds(b, "<tr><td>");
		rc |= web_html_escape(b, c->municipality);
		rc |= buf_adds(b, " (");
		rc |= web_html_escape(b, c->code);
		rc |= buf_adds(b, ")</td><td>");
		rc |= web_html_escape(b, c->addr);
		rc |= buf_addf(b, "</td><td>%s</td></tr>\n",
			       state_nl(g->rows[i].state));
	}
	return rc | buf_adds(b, "</tbody>\n</table>\n");
}

int
web_send_html_preview(struct buf *b, const struct web_send_preview *v)
{
	const struct web_send_form *f = &v->form;
	int rc = web_html_begin(b, "Voorbeeld van de mail", f->user, f->csrf,
				"/versturen");

	rc |= buf_adds(b, "<h2>Zo ziet de mail eruit</h2>\n");
	if (v->first != NULL) {
		rc |= buf_adds(b, "<p>Voor ");
		rc |= web_html_escape(b, v->first->municipality);
		rc |= buf_adds(b, " (");
		rc |= web_html_escape(b, v->first->addr);
		rc |= buf_adds(b, "):</p>\n<pre>Onderwerp: ");
		rc |= web_html_escape(b, v->subject);
		rc |= buf_adds(b, "\n\n");
		rc |= web_html_escape_lines(b, v->body);
		rc |= buf_adds(b, "</pre>\n");
	} else
		rc |= buf_adds(b, "<p>Er is niemand aan wie deze mail kan "
				  "worden verstuurd.</p>\n");
	rc |= buf_adds(b, "<h2>Ontvangers</h2>\n");
	rc |= recipients(b, v->g);
	rc |= buf_adds(b, "<h2>Versturen</h2>\n");
	if (v->g->fresh > 0) {
		rc |= buf_addf(b,
			       "<p>De mail gaat naar %u %s. Hij gaat bij de "
			       "volgende ronde van de verwerking de deur uit."
			       "</p>\n<form method=\"post\" "
			       "action=\"/versturen\">\n",
			       v->g->fresh,
			       v->g->fresh == 1 ? "ontvanger" : "ontvangers");
		rc |= hidden(b, "csrf", f->csrf);
		rc |= hidden(b, "aan", f->to);
		rc |= hidden(b, "onderwerp", f->subject);
		rc |= hidden(b, "tekst", f->text);
		rc |= hidden(b, "controle", v->check);
		rc |= buf_adds(b, "<p><button type=\"submit\">Versturen"
				  "</button></p>\n</form>\n");
	} else
		rc |= buf_adds(b, "<p>Niemand in deze groep krijgt deze mail: "
				  "wie hem kan krijgen, kreeg deze tekst al "
				  "eerder.</p>\n");
	rc |= buf_adds(b, "<h2>Tekst aanpassen</h2>\n<form method=\"post\" "
			  "action=\"/versturen/voorbeeld\">\n");
	rc |= fields(b, f);
	rc |= buf_adds(b, "<p><button type=\"submit\">Voorbeeld bekijken"
			  "</button></p>\n</form>\n");
	return (rc | web_html_end(b)) == 0 ? 0 : -1;
}
