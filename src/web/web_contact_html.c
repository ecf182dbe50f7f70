#include "autoconf.h"

#include "buf.h"
#include "store_attendance.h"
#include "web_contact_html.h"
#include "web_html.h"

/* <form method=post action="/gemeenten/CODE/verb"> with the token. */
static int
form(struct buf *b, const char *method, const char *code, const char *verb,
     const char *csrf)
{
	int rc =
		buf_addf(b, "<form method=\"%s\" action=\"/gemeenten/", method);

	rc |= web_html_escape(b, code);
	rc |= buf_addf(b, "/%s\">\n", verb);
	if (csrf != NULL) {
		rc |= buf_adds(b, "<input type=\"hidden\" name=\"csrf\" "
				  "value=\"");
		rc |= web_html_escape(b, csrf);
		rc |= buf_adds(b, "\">\n");
	}
	return rc;
}

/* The address as a hidden field. */
static int
hidden(struct buf *b, const char *address)
{
	int rc = buf_adds(b, "<input type=\"hidden\" name=\"adres\" value=\"");

	rc |= web_html_escape(b, address);
	return rc | buf_adds(b, "\">\n");
}

int
web_contact_html_add(struct buf *b, const char *csrf, const char *code)
{
	int rc = form(b, "post", code, "contact-toevoegen", csrf);

	rc |= buf_adds(b, "<p><label for=\"adres-");
	rc |= web_html_escape(b, code);
	rc |= buf_adds(b, "\">E-mailadres van een nieuwe contactpersoon"
			  "</label>\n<input type=\"email\" name=\"adres\" "
			  "id=\"adres-");
	rc |= web_html_escape(b, code);
	rc |= buf_adds(b, "\" required maxlength=\"254\" autocomplete=\"off\">"
			  "\n<button type=\"submit\">Contactpersoon "
			  "toevoegen</button></p>\n</form>\n");
	return rc;
}

int
web_contact_html_buttons(struct buf *b, const char *csrf,
			 const struct store_attendance_contact *c)
{
	/* a GET: the next page asks first and says what will be sent */
	int rc = form(b, "get", c->code, "contact-verwijderen", NULL);

	rc |= hidden(b, c->address);
	rc |= buf_adds(b, "<button type=\"submit\" class=\"gevaar\">"
			  "Verwijderen</button>\n</form>\n");
	if (c->undeliverable_at == 0)
		return rc;
	rc |= form(b, "post", c->code, "contact-herstellen", csrf);
	rc |= hidden(b, c->address);
	return rc | buf_adds(b, "<button type=\"submit\">Adres werkt weer"
				"</button>\n</form>\n");
}

int
web_contact_html_confirm(struct buf *b, const struct web_contact_confirm *v)
{
	int rc = web_html_begin(b, "Weet u het zeker?", v->user, v->csrf,
				"/gemeenten");

	rc |= buf_adds(b, "<p>U verwijdert <strong>");
	rc |= web_html_escape(b, v->address);
	rc |= buf_adds(b, "</strong> als contactpersoon van ");
	rc |= web_html_escape(b, v->name);
	rc |= buf_adds(b, " (");
	rc |= web_html_escape(b, v->code);
	rc |= buf_adds(b, "). Dit adres krijgt daarna geen e-mail meer over "
			  "de praktijkproef; e-mail die nog klaarstaat, "
			  "wordt niet verstuurd.</p>\n");
	if (v->cancels == 0)
		rc |= buf_adds(b, "<p>Er wordt geen e-mail verstuurd.</p>\n");
	else
		rc |= buf_addf(b,
			       "<p>Er %s %zu %s klaargezet om te versturen: "
			       "voor elke bijeenkomst die nog komt een "
			       "afzegging, zodat die uit de agenda van dit "
			       "adres verdwijnt.</p>\n",
			       v->cancels == 1 ? "wordt" : "worden", v->cancels,
			       v->cancels == 1 ? "mail" : "mails");
	rc |= form(b, "post", v->code, "contact-verwijderen", v->csrf);
	rc |= hidden(b, v->address);
	rc |= buf_adds(b, "<p><button type=\"submit\" class=\"gevaar\">"
			  "Verwijderen</button></p>\n</form>\n"
			  "<p><a href=\"/gemeenten\">Nee, terug naar de "
			  "gemeenten</a></p>\n");
	rc |= web_html_end(b);
	return rc == 0 ? 0 : -1;
}
