#include "autoconf.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "authres.h"
#include "util.h"

/* Copies value without (nested) comments, keeping quoted strings. */
static void
strip_comments(const char *in, char *out, size_t size)
{
	size_t o = 0;
	int depth = 0, quoted = 0;

	for (; *in != '\0' && o + 1 < size; in++) {
		if (quoted) {
			/* an escaped character is kept with its backslash,
			   which next_semicolon() reads again */
			if (*in == '\\' && in[1] != '\0' && o + 2 < size)
				out[o++] = *in++;
			else if (*in == '"')
				quoted = 0;
			out[o++] = *in;
		} else if (*in == '(') {
			depth++;
		} else if (*in == ')' && depth > 0) {
			depth--;
			if (depth == 0)
				out[o++] = ' ';
		} else if (depth == 0) {
			if (*in == '"')
				quoted = 1;
			out[o++] = *in;
		}
	}
	out[o] = '\0';
}

static void
copy_token(char *dst, const char *src, size_t len)
{
	if (len >= AUTHRES_TOKEN_MAX)
		len = AUTHRES_TOKEN_MAX - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
	util_lowercase(dst);
}

/* Handles one "method=result prop=value ..." element. */
static int
take_method(struct authres *out, const char *e)
{
	const char *eq, *res;
	size_t mlen, rlen;

	while (isspace((unsigned char)*e))
		e++;
	eq = strchr(e, '=');
	if (eq == NULL)
		return 0; /* a bare token: skipped (M365 writes some) */
	mlen = strcspn(e, "=/ \t");
	res = eq + 1;
	while (isspace((unsigned char)*res))
		res++;
	rlen = strcspn(res, " \t;");
	if (mlen == 5 && strncasecmp(e, "dmarc", 5) == 0) {
		const char *hf = strcasestr(res, "header.from=");

		if (out->dmarc[0] == '\0')
			copy_token(out->dmarc, res, rlen);
		if (hf != NULL && out->header_from[0] == '\0')
			copy_token(out->header_from, hf + 12,
				   strcspn(hf + 12, " \t;"));
	} else if (mlen == 3 && strncasecmp(e, "spf", 3) == 0) {
		if (out->spf[0] == '\0')
			copy_token(out->spf, res, rlen);
	} else if (mlen == 4 && strncasecmp(e, "dkim", 4) == 0) {
		if (out->dkim[0] == '\0' || strcmp(out->dkim, "pass") != 0)
			copy_token(out->dkim, res, rlen);
	} else {
		return 0;
	}
	return 1;
}

/* The next ';' outside a quoted string: a sender chooses the quoted
   values (smtp.mailfrom="x; dmarc=pass"), so they must not split. */
static char *
next_semicolon(char *p)
{
	int quoted = 0;

	for (; *p != '\0'; p++) {
		if (quoted && *p == '\\' && p[1] != '\0')
			p++;
		else if (*p == '"')
			quoted = !quoted;
		else if (*p == ';' && !quoted)
			return p;
	}
	return NULL;
}

int
authres_parse(const char *value, struct authres *out)
{
	char clean[8192];
	char *p, *semi;
	int first = 1, methods = 0;

	memset(out, 0, sizeof(*out));
	strip_comments(value, clean, sizeof(clean));
	for (p = clean; p != NULL; p = semi) {
		semi = next_semicolon(p);
		if (semi != NULL)
			*semi++ = '\0';
		util_trim(p);
		if (first) {
			first = 0;
			/* "mx.example.org [version]", unless it is already
			   a method result (Microsoft 365) */
			if (strchr(p, '=') == NULL) {
				copy_token(out->authserv_id, p,
					   strcspn(p, " \t"));
				continue;
			}
		}
		methods += take_method(out, p);
	}
	return methods > 0 ? 0 : -1;
}
