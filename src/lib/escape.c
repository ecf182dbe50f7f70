/*
 * Visible escapes for the terminal (escape.h); UTF-8 as RFC 3629
 * defines it, the bidi controls as Unicode's UAX #9 lists them.
 */
#include "autoconf.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "escape.h"
#include "util.h"

/* Room for the longest escape ("\\u" and a code point's hex) and a NUL. */
#define OUT_MAX 16

/* Valid UTF-8 that must still not reach a terminal as it is. */
static const struct {
	uint32_t lo, hi;
} hidden[] = {
	{0x0080, 0x009f}, /* C1 controls, CSI (U+009B) among them */
	{0x061c, 0x061c}, /* ARABIC LETTER MARK */
	{0x200e, 0x200f}, /* LRM, RLM */
	{0x2028, 0x202e}, /* LS, PS; LRE, RLE, PDF, LRO, RLO */
	{0x2066, 0x2069}, /* LRI, RLI, FSI, PDI */
	{0xfeff, 0xfeff}, /* ZERO WIDTH NO-BREAK SPACE (BOM) */
};

static bool
is_hidden(uint32_t cp)
{
	size_t i;

	for (i = 0; i < nitems(hidden); i++) {
		if (cp >= hidden[i].lo && cp <= hidden[i].hi)
			return true;
	}
	return false;
}

/* What the character at s becomes, into out ("" when it stays as it
   is); returns how many bytes of s that covers. */
static size_t
escape_one(const char *s, unsigned flags, char out[OUT_MAX])
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	size_t n;

	out[0] = '\0';
	if ((flags & ESCAPE_LINES) != 0) {
		if (p[0] == '\n' || p[0] == '\t')
			return 1;
		if (p[0] == '\r' && p[1] == '\n') {
			snprintf(out, OUT_MAX, "\n");
			return 2;
		}
	}
	switch (p[0]) {
	case '\\':
		snprintf(out, OUT_MAX, "\\\\");
		return 1;
	case '\t':
		snprintf(out, OUT_MAX, "\\t");
		return 1;
	case '\n':
		snprintf(out, OUT_MAX, "\\n");
		return 1;
	case '\r':
		snprintf(out, OUT_MAX, "\\r");
		return 1;
	}
	/* the other controls, and bytes that are not UTF-8 */
	n = p[0] < 0x20 || p[0] == 0x7f ? 0
					: util_utf8_decode(p, SIZE_MAX, &cp);
	if (n == 0) {
		snprintf(out, OUT_MAX, "\\x%02x", p[0]);
		return 1;
	}
	if (is_hidden(cp))
		snprintf(out, OUT_MAX, "\\u%04x", (unsigned)cp);
	return n;
}

size_t
escape_hidden_at(const char *s)
{
	uint32_t cp;
	size_t n = util_utf8_decode((const unsigned char *)s, SIZE_MAX, &cp);

	return n > 0 && is_hidden(cp) ? n : 0;
}

int
escape_buf(struct buf *b, const char *s, unsigned flags)
{
	const char *run = s;
	char out[OUT_MAX];
	size_t n;

	if (s == NULL)
		return 0;
	while (*s != '\0') {
		n = escape_one(s, flags, out);
		if (out[0] != '\0') {
			if (buf_add(b, run, (size_t)(s - run)) == -1 ||
			    buf_adds(b, out) == -1)
				return -1;
			run = s + n;
		}
		s += n;
	}
	return buf_add(b, run, (size_t)(s - run));
}

char *
escape_str(const char *s, unsigned flags)
{
	struct buf b;
	size_t len = s != NULL ? strlen(s) : 0;

	/* no character grows past ESCAPE_GROWTH times its bytes */
	buf_init(&b, len <= SIZE_MAX / ESCAPE_GROWTH ? len * ESCAPE_GROWTH
						     : SIZE_MAX);
	if (escape_buf(&b, s, flags) == -1)
		abort(); /* a broken invariant; log.c is above escape */
	return buf_steal(&b);
}

int
escape_fputs(const char *s, unsigned flags, FILE *fp)
{
	char *e;
	int rc;

	if (s == NULL)
		return 0;
	e = escape_str(s, flags);
	rc = fputs(e, fp) == EOF || ferror(fp) ? -1 : 0;
	free(e);
	return rc;
}
