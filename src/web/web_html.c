#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "escape.h"
#include "web_html.h"

int
web_html_escape(struct buf *b, const char *s)
{
	char *safe, *p;
	int rc = 0;

	if (s == NULL)
		return 0;
	safe = escape_str(s, ESCAPE_LINE);
	for (p = safe; *p != '\0' && rc == 0; p++) {
		switch (*p) {
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
			rc = buf_addc(b, *p);
		}
	}
	free(safe);
	return rc;
}

/* No inline style or script: default-src 'self' refuses both. */
int
web_html_begin(struct buf *b, const char *title, const char *user)
{
	int rc = 0;

	rc |= buf_adds(b, "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n"
			  "<meta charset=\"utf-8\">\n"
			  "<meta name=\"viewport\" content=\"width=device-"
			  "width, initial-scale=1\">\n<title>");
	rc |= web_html_escape(b, title);
	rc |= buf_adds(b, " – Aanmeldingen</title>\n</head>\n<body>\n"
			  "<header>\n<p>Aanmeldingen praktijkproef</p>\n");
	if (user != NULL) {
		rc |= buf_adds(b, "<p>Ingelogd als ");
		rc |= web_html_escape(b, user);
		rc |= buf_adds(b, "</p>\n");
	}
	rc |= buf_adds(b, "</header>\n<main>\n<h1>");
	rc |= web_html_escape(b, title);
	rc |= buf_adds(b, "</h1>\n");
	return rc == 0 ? 0 : -1;
}

int
web_html_end(struct buf *b)
{
	return buf_adds(b, "</main>\n</body>\n</html>\n");
}
