#include "autoconf.h"

#include <string.h>

#include "buf.h"
#include "store_outbox.h"
#include "web_html.h"
#include "web_outbox_html.h"

static const struct {
	const char *state, *dutch;
} states[] = {
	{"queued", "wacht op verzending"},
	{"retrying", "wordt opnieuw geprobeerd"},
	{"sending", "wordt verstuurd"},
	{"sent", "verstuurd"},
	{"failed", "mislukt"},
	{"cancelled", "geannuleerd"},
	{"bounced", "kwam terug"},
};

const char *
web_outbox_html_state(const char *state)
{
	size_t i;

	for (i = 0; state != NULL && i < sizeof(states) / sizeof(states[0]);
	     i++) {
		if (strcmp(state, states[i].state) == 0)
			return states[i].dutch;
	}
	return state != NULL ? state : "onbekend";
}

/* A button posting to /uitgaand/ID/what with the session's token. */
static int
button(struct buf *b, const struct web_outbox_list *v, long long id,
       const char *what, const char *label)
{
	int rc = buf_addf(b,
			  "<form method=\"post\" action=\"/uitgaand/%lld/%s\" "
			  "class=\"inline\">\n<input type=\"hidden\" "
			  "name=\"csrf\" value=\"",
			  id, what);

	rc |= web_html_escape(b, v->csrf);
	return rc | buf_addf(b,
			     "\">\n<button type=\"submit\">%s</button>\n"
			     "</form>\n",
			     label);
}

static int
row(struct buf *b, const struct web_outbox_list *v, size_t i)
{
	const struct store_outbox_item *o = &v->rows[i];
	bool failed = strcmp(o->state, "failed") == 0;
	bool waiting = strcmp(o->state, "queued") == 0 ||
		       strcmp(o->state, "retrying") == 0;
	int rc = buf_addf(b, "<tr><th scope=\"row\">%lld</th><td>",
			  (long long)o->id);

	rc |= web_html_escape(b, o->rcpt);
	rc |= buf_adds(b, "</td><td>");
	rc |= web_html_escape(b, v->subjects[i] != NULL ? v->subjects[i]
							: "(onbekend)");
	rc |= buf_adds(b, "</td><td>");
	rc |= web_html_escape(b, web_outbox_html_state(o->state));
	rc |= buf_addf(b, "</td><td>%u</td><td>", o->attempts);
	rc |= web_html_when(b, o->created_at, "–");
	rc |= buf_adds(b, "</td><td>");
	rc |= web_html_when(b, o->sent_at, "–");
	rc |= buf_adds(b, "</td><td>");
	rc |= web_html_escape(b, o->error != NULL ? o->error : "–");
	rc |= buf_adds(b, "</td><td>");
	if (failed || strcmp(o->state, "retrying") == 0)
		rc |= button(b, v, (long long)o->id, "opnieuw",
			     "Opnieuw versturen");
	if (failed || waiting)
		rc |= button(b, v, (long long)o->id, "annuleren", "Annuleren");
	if (!failed && !waiting)
		rc |= buf_adds(b, "–");
	return rc | buf_adds(b, "</td></tr>\n");
}

int
web_outbox_html_list(struct buf *b, const struct web_outbox_list *v)
{
	size_t i;
	int rc = web_html_begin(b, "Uitgaande mail", v->user, v->csrf,
				"/uitgaand");

	rc |= web_html_notice(b, v->notice, v->refused);
	rc |= buf_adds(b, "<p>Mislukte mail kunt u opnieuw laten versturen "
			  "of annuleren; mail die nog wacht kunt u "
			  "annuleren. Een geannuleerde mail wordt nooit "
			  "verstuurd.</p>\n");
	if (v->n == 0) {
		rc |= buf_adds(b, "<p>Er is nog geen mail verstuurd.</p>\n");
		rc |= web_html_end(b);
		return rc == 0 ? 0 : -1;
	}
	rc |= buf_adds(b, "<table>\n<caption>Uitgaande mail, de nieuwste "
			  "eerst</caption>\n<thead><tr>"
			  "<th scope=\"col\">Nummer</th>"
			  "<th scope=\"col\">Aan</th>"
			  "<th scope=\"col\">Onderwerp</th>"
			  "<th scope=\"col\">Status</th>"
			  "<th scope=\"col\">Pogingen</th>"
			  "<th scope=\"col\">Aangemaakt</th>"
			  "<th scope=\"col\">Verstuurd</th>"
			  "<th scope=\"col\">Foutmelding</th>"
			  "<th scope=\"col\">Acties</th></tr></thead>\n"
			  "<tbody>\n");
	for (i = 0; i < v->n; i++)
		rc |= row(b, v, i);
	rc |= buf_adds(b, "</tbody>\n</table>\n");
	if (v->more)
		rc |= buf_addf(b,
			       "<p>Alleen de nieuwste %zu mails staan hier; "
			       "de beheerder kan de oudere opvragen."
			       "</p>\n",
			       v->n);
	rc |= web_html_end(b);
	return rc == 0 ? 0 : -1;
}
