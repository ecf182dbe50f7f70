#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "escape.h"
#include "nldate.h"
#include "util.h"
#include "web_html.h"

int
web_html_escape_raw(struct buf *b, const char *s)
{
	int rc = 0;

	for (; s != NULL && *s != '\0' && rc == 0; s++) {
		switch (*s) {
		case '&':
			rc = buf_adds(b, "&amp;");
			break;
		case '<':
			rc = buf_adds(b, "&lt;");
			break;
		case '>':
			rc = buf_adds(b, "&gt;");
			break;
		case '"':
			rc = buf_adds(b, "&quot;");
			break;
		case '\'':
			rc = buf_adds(b, "&#39;");
			break;
		default:
			rc = buf_addc(b, *s);
		}
	}
	return rc;
}

static int
escape_as(struct buf *b, const char *s, unsigned flags)
{
	char *safe;
	int rc;

	if (s == NULL)
		return 0;
	safe = escape_str(s, flags);
	rc = web_html_escape_raw(b, safe);
	free(safe);
	return rc;
}

int
web_html_escape(struct buf *b, const char *s)
{
	return escape_as(b, s, ESCAPE_LINE);
}

int
web_html_escape_lines(struct buf *b, const char *s)
{
	return escape_as(b, s, ESCAPE_LINES);
}

int
web_html_escape_cut(struct buf *b, const char *s, size_t max)
{
	size_t n = 0, chars, k;
	char *head;
	int rc;

	if (s == NULL)
		return 0;
	for (chars = 0; s[n] != '\0' && chars < max; chars++) {
		n++;
		/* bounded: a run of stray continuation bytes is cut too */
		for (k = 0; k < 3 && ((unsigned char)s[n] & 0xc0) == 0x80; k++)
			n++;
	}
	if (s[n] == '\0')
		return web_html_escape(b, s);
	head = xstrndup(s, n);
	rc = web_html_escape(b, head);
	free(head);
	return rc | buf_adds(b, "…");
}

/* The programme's name in every page's header (web_html_event()). */
static const char *event = "";

void
web_html_event(const char *name)
{
	event = name != NULL ? name : "";
}

/* The pages in the menu, in its order. */
static const char *const menu[][2] = {
	{"/", "Overzicht"},
	{"/gemeenten", "Gemeenten"},
	{"/beoordelen", "Beoordelen"},
	{"/uitgaand", "Uitgaande mail"},
	{"/versturen", "Mail versturen"},
	{"/geschiedenis", "Geschiedenis"},
	{"/export.csv", "Export (CSV)"},
};

static int
nav(struct buf *b, const char *csrf, const char *here)
{
	size_t i;
	int rc = buf_adds(b, "<nav aria-label=\"Hoofdmenu\">\n<ul>\n");

	for (i = 0; i < sizeof(menu) / sizeof(menu[0]); i++) {
		rc |= buf_addf(b, "<li><a href=\"%s\"%s>%s</a></li>\n",
			       menu[i][0],
			       here != NULL && strcmp(here, menu[i][0]) == 0
				       ? " aria-current=\"page\""
				       : "",
			       menu[i][1]);
	}
	rc |= buf_adds(b, "</ul>\n</nav>\n"
			  "<form method=\"post\" action=\"/logout\" "
			  "class=\"uitloggen\">\n"
			  "<input type=\"hidden\" name=\"csrf\" value=\"");
	rc |= web_html_escape(b, csrf);
	rc |= buf_adds(b, "\">\n<button type=\"submit\">Uitloggen</button>"
			  "\n</form>\n");
	return rc;
}

/* No inline style or script: default-src 'self' refuses both. */
int
web_html_begin(struct buf *b, const char *title, const char *user,
	       const char *csrf, const char *here)
{
	int rc = 0;

	rc |= buf_adds(b, "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n"
			  "<meta charset=\"utf-8\">\n"
			  "<meta name=\"viewport\" content=\"width=device-"
			  "width, initial-scale=1\">\n<title>");
	rc |= web_html_escape(b, title);
	rc |= buf_adds(b, " – Aanmeldingen</title>\n"
			  "<link rel=\"stylesheet\" href=\"" WEB_HTML_STYLE
			  "\">\n</head>\n<body>\n"
			  "<a class=\"naar-inhoud\" href=\"#inhoud\">Naar de "
			  "inhoud</a>\n"
			  "<header>\n<p class=\"naam\">Aanmeldingen ");
	rc |= web_html_escape(b, event);
	rc |= buf_adds(b, "</p>\n");
	if (user != NULL) {
		rc |= buf_adds(b, "<p>Ingelogd als ");
		rc |= web_html_escape(b, user);
		rc |= buf_adds(b, "</p>\n");
		rc |= nav(b, csrf, here);
	}
	rc |= buf_adds(b, "</header>\n<main id=\"inhoud\">\n<h1>");
	rc |= web_html_escape(b, title);
	rc |= buf_adds(b, "</h1>\n");
	return rc == 0 ? 0 : -1;
}

/* Plain and calm: the browser's own fonts, contrast above 7:1 for the
   text and 4.5:1 for the rest, and a focus ring no one can miss. */
static const char style[] =
	"body{font-family:system-ui,sans-serif;line-height:1.5;margin:0;"
	"color:#1b1b1b;background:#fff}\n"
	"header,main{max-width:72rem;margin:0 auto;padding:0 1rem}\n"
	"header{border-bottom:2px solid #154273}\n"
	".naam{font-weight:bold;color:#154273}\n"
	"nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;"
	"gap:.25rem 1.25rem}\n"
	"a{color:#154273}\n"
	"a[aria-current=page]{font-weight:bold;text-decoration:none}\n"
	":focus-visible{outline:3px solid #c25700;outline-offset:2px}\n"
	".naar-inhoud{position:absolute;left:-999rem}\n"
	".naar-inhoud:focus{position:static;display:block;padding:.5rem}\n"
	"table{border-collapse:collapse;margin:1rem 0}\n"
	"caption{text-align:left;font-weight:bold}\n"
	"th,td{border:1px solid #767676;padding:.25rem .5rem;"
	"text-align:left;vertical-align:top}\n"
	"button{font:inherit;padding:.25rem .75rem;color:#fff;"
	"background:#154273;border:1px solid #154273;border-radius:3px;"
	"cursor:pointer}\n"
	"button.gevaar{background:#8b1a1a;border-color:#8b1a1a}\n"
	"input,select,textarea{font:inherit}\n"
	"pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f3f3f3;"
	"padding:.5rem;border:1px solid #767676}\n"
	"form.uitloggen{margin:.5rem 0}\n"
	"form.inline{display:inline}\n"
	"[role=alert],.melding{border-left:4px solid #8b1a1a;"
	"padding-left:.5rem}\n";

const char *
web_html_style(size_t *len_r)
{
	*len_r = sizeof(style) - 1;
	return style;
}

int
web_html_notice(struct buf *b, const char *text, bool refused)
{
	int rc;

	if (text == NULL)
		return 0;
	rc = buf_adds(b, refused ? "<p role=\"alert\">"
				 : "<p class=\"melding\" role=\"status\">");
	rc |= web_html_escape(b, text);
	return rc | buf_adds(b, "</p>\n");
}

int
web_html_when(struct buf *b, time_t t, const char *none)
{
	char text[64];

	if (t == 0)
		return buf_adds(b, none);
	nldate_format_when(t, text, sizeof(text));
	return web_html_escape(b, text);
}

int
web_html_end(struct buf *b)
{
	return buf_adds(b, "</main>\n</body>\n</html>\n");
}
