#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>

#include "addrhash.h"
#include "buf.h"
#include "log.h"
#include "util.h"

void
addrhash_token(const char *addr, char token[ADDRHASH_TOKEN_LEN + 1])
{
	char *lower = util_lowercase(xstrdup(addr)), hex[65];
	unsigned char digest[32];

	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, lower, strlen(lower), digest) !=
	    0)
		fatalx("SHA-256 is not available");
	free(lower);
	util_hex(digest, sizeof(digest), hex);
	token[0] = 'a';
	memcpy(token + 1, hex, ADDRHASH_TOKEN_LEN - 1);
	token[ADDRHASH_TOKEN_LEN] = '\0';
}

char *
addrhash_key_scrub(const char *key)
{
	char token[ADDRHASH_TOKEN_LEN + 1];
	const char *p = key;
	struct buf b;

	buf_init(&b, strlen(key) * 2 + ADDRHASH_TOKEN_LEN + 1);
	for (;;) {
		size_t n = strcspn(p, ":");
		char *field = xstrndup(p, n);

		if (memchr(field, '@', n) != NULL) {
			addrhash_token(field, token);
			(void)buf_adds(&b, token);
		} else {
			(void)buf_add(&b, p, n);
		}
		free(field);
		if (p[n] == '\0')
			break;
		(void)buf_addc(&b, ':');
		p += n + 1;
	}
	return buf_steal(&b);
}
