/*
 * Logical folder paths to a mailbox's names: RFC 3501 5.1.3 (modified
 * UTF-7), RFC 2342 (the namespace prefix).
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "folder_name.h"
#include "util.h"

/* One code point from UTF-8 at *p, advancing *p; -1 when invalid. */
static long
utf8_next(const unsigned char **p)
{
	const unsigned char *s = *p;
	long cp;
	int n, i;

	if (s[0] < 0x80)
		n = 0, cp = s[0];
	else if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 1, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 2, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 3, cp = s[0] & 0x07;
	else
		return -1;
	for (i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* overlong, surrogates, beyond Unicode */
	if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return -1;
	*p = s + n + 1;
	return cp;
}

int
folder_name_check(const char *logical, char **error_r)
{
	const unsigned char *p = (const unsigned char *)logical;
	const char *why = NULL;
	long cp;

	if (logical[0] == '\0')
		why = "it is empty";
	else if (strlen(logical) > FOLDER_NAME_MAX)
		why = "it is too long";
	else if (logical[0] == '/' || logical[strlen(logical) - 1] == '/' ||
		 strstr(logical, "//") != NULL)
		why = "a level is empty (levels are separated by one '/')";
	while (why == NULL && *p != '\0') {
		cp = utf8_next(&p);
		if (cp == -1)
			why = "it is not valid UTF-8";
		else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			why = "it contains a control character";
		else if (cp == '*' || cp == '%')
			why = "'*' and '%' are IMAP LIST wildcards";
	}
	if (why == NULL)
		return 0;
	*error_r = xasprintf("bad folder name '%s': %s", logical, why);
	return -1;
}

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

/* Appends the UTF-16 units of level[0..len) as one "&...-" run. */
static void
utf7_run(struct buf *b, const unsigned char *s, const unsigned char *end)
{
	uint32_t bits = 0;
	int nbits = 0;
	long cp;

	(void)buf_add(b, "&", 1);
	while (s < end) {
		uint16_t units[2];
		int n = 1, i;

		cp = utf8_next(&s);
		if (cp >= 0x10000) {
			units[0] = (uint16_t)(0xd800 + ((cp - 0x10000) >> 10));
			units[1] =
				(uint16_t)(0xdc00 + ((cp - 0x10000) & 0x3ff));
			n = 2;
		} else
			units[0] = (uint16_t)cp;
		for (i = 0; i < n; i++) {
			bits = (bits << 16) | units[i];
			nbits += 16;
			while (nbits >= 6) {
				nbits -= 6;
				(void)buf_add(b, &b64[(bits >> nbits) & 0x3f],
					      1);
			}
		}
	}
	if (nbits > 0)
		(void)buf_add(b, &b64[(bits << (6 - nbits)) & 0x3f], 1);
	(void)buf_add(b, "-", 1);
}

/* Appends level[0..len) in modified UTF-7, or as it is. */
static void
add_level(struct buf *b, const char *level, size_t len, bool utf7)
{
	const unsigned char *s = (const unsigned char *)level;
	const unsigned char *end = s + len, *run;

	if (!utf7) {
		(void)buf_add(b, level, len);
		return;
	}
	while (s < end) {
		if (*s >= 0x20 && *s < 0x7f) {
			(void)buf_add(b, *s == '&' ? "&-" : (const char *)s,
				      *s == '&' ? 2 : 1);
			s++;
			continue;
		}
		for (run = s; run < end && (*run < 0x20 || *run >= 0x7f);)
			run++;
		utf7_run(b, s, run);
		s = run;
	}
}

char *
folder_name_map(const char *logical, char delim, const char *prefix, bool utf7,
		char **error_r)
{
	struct buf b;
	const char *level = logical, *slash;
	size_t len, plen = strlen(prefix);
	/* RFC 2342 prefixes end in the delimiter, but "INBOX" alone occurs */
	bool add_delim = plen > 0 && delim != '\0' && prefix[plen - 1] != delim;

	if (folder_name_check(logical, error_r) == -1)
		return NULL;
	if (delim == '\0' && strchr(logical, '/') != NULL) {
		*error_r = xasprintf("folder '%s': the server has no folder "
				     "levels",
				     logical);
		return NULL;
	}
	buf_init(&b, 4 * FOLDER_NAME_MAX + plen + 2);
	/* "INBOX/Verwerkt" under the prefix "INBOX." is INBOX.Verwerkt */
	if (!(plen == (add_delim ? 5 : 6) &&
	      strncasecmp(prefix, "INBOX", 5) == 0 &&
	      (add_delim || prefix[5] == delim) &&
	      strncasecmp(logical, "INBOX", 5) == 0 &&
	      (logical[5] == '/' || logical[5] == '\0'))) {
		(void)buf_add(&b, prefix, plen);
		if (add_delim)
			(void)buf_add(&b, &delim, 1);
	}
	for (;;) {
		slash = strchr(level, '/');
		len = slash != NULL ? (size_t)(slash - level) : strlen(level);
		if (delim != '\0' && memchr(level, delim, len) != NULL) {
			*error_r = xasprintf("folder '%s': the level '%.*s' "
					     "contains '%c', the server's "
					     "hierarchy delimiter",
					     logical, (int)len, level, delim);
			buf_deinit(&b);
			return NULL;
		}
		add_level(&b, level, len, utf7);
		if (slash == NULL)
			break;
		(void)buf_add(&b, &delim, 1);
		level = slash + 1;
	}
	return buf_steal(&b);
}
