#include "autoconf.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "log.h"
#include "mailaddr.h"
#include "programme_item.h"
#include "util.h"

static bool
domain_is_safe(const char *d)
{
	size_t i, len = strlen(d);

	if (len == 0 || len > MAILADDR_DOMAIN_MAX)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)d[i];

		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !(c >= '0' && c <= '9') && c != '.' && c != '-')
			return false;
	}
	return true;
}

/* The domain of p->address, or NULL. */
static const char *
address_domain(const struct programme *p)
{
	const char *at;

	if (p->address == NULL)
		return NULL;
	at = strrchr(p->address, '@');
	return at == NULL ? NULL : at + 1;
}

const char *
programme_uid_domain(const struct programme *p, const char *uid_domain)
{
	if (uid_domain == NULL)
		uid_domain = address_domain(p);
	if (uid_domain == NULL || !domain_is_safe(uid_domain))
		return NULL;
	return uid_domain;
}

/* The UID of item number; a session's with prefix before "session-". */
static char *
item_uid(const struct programme *p, unsigned number, const char *uid_domain,
	 const char *prefix)
{
	unsigned char digest[32];
	char hex[33], what[48];
	char *addr, *key;

	uid_domain = programme_uid_domain(p, uid_domain);
	if (uid_domain == NULL)
		return NULL;
	if (number >= 1 && number <= PROGRAMME_SESSIONS_MAX)
		snprintf(what, sizeof(what), "%ssession-%u", prefix, number);
	else if (number == PROGRAMME_DEADLINE)
		util_strlcpy(what, "deadline", sizeof(what));
	else if (number == PROGRAMME_CONGRESS)
		util_strlcpy(what, "congress", sizeof(what));
	else
		return NULL;
	/* GlobalGoals@VNG.nl and globalgoals@vng.nl are one mailbox */
	addr = util_lowercase(xstrdup(p->address != NULL ? p->address : ""));
	key = xasprintf("%s\n%s", addr, p->name != NULL ? p->name : "");
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, key, strlen(key), digest) < 0)
		fatalx("SHA-256 is not available");
	free(key);
	free(addr);
	util_hex(digest, 16, hex);
	/* a domain in another case must not give other UIDs */
	return util_lowercase(
		xasprintf("aanmeld-%s-%s@%s", hex, what, uid_domain));
}

char *
programme_item_uid(const struct programme *p, unsigned number,
		   const char *uid_domain)
{
	return item_uid(p, number, uid_domain, "");
}

char *
programme_item_overview_uid(const struct programme *p, unsigned number,
			    const char *uid_domain)
{
	return item_uid(p, number, uid_domain, "programme-");
}

unsigned
programme_item_by_uid(const struct programme *p, const char *uid,
		      const char *uid_domain)
{
	unsigned numbers[PROGRAMME_SESSIONS_MAX + 2];
	size_t i, n = 0;
	unsigned found = 0;

	for (i = 0; i < p->n_sessions; i++)
		numbers[n++] = p->sessions[i].number;
	if (p->deadline.title != NULL)
		numbers[n++] = PROGRAMME_DEADLINE;
	if (p->congress.title != NULL)
		numbers[n++] = PROGRAMME_CONGRESS;
	for (i = 0; i < n && found == 0; i++) {
		char *ours = programme_item_uid(p, numbers[i], uid_domain);

		if (ours != NULL && strcasecmp(ours, uid) == 0)
			found = numbers[i];
		free(ours);
	}
	return found;
}

void
programme_item_name(unsigned item, bool key, char *buf, size_t size)
{
	if (item == PROGRAMME_DEADLINE)
		util_strlcpy(buf, "deadline", size);
	else if (item == PROGRAMME_CONGRESS)
		util_strlcpy(buf, "congress", size);
	else
		snprintf(buf, size, key ? "session-%u" : "session %u", item);
}
