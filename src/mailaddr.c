#include "autoconf.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "mailaddr.h"

const char *
mailaddr_domain(const char *addr)
{
	const char *at;

	if (addr == NULL)
		return NULL;
	at = strrchr(addr, '@');
	if (at == NULL || at[1] == '\0' || strlen(at + 1) > MAILADDR_DOMAIN_MAX)
		return NULL;
	return at + 1;
}

bool
mailaddr_domain_within(const char *domain, const char *parent)
{
	size_t n = strlen(domain), m = strlen(parent);

	if (m == 0 || n < m)
		return false;
	if (strcasecmp(domain + n - m, parent) != 0)
		return false;
	return n == m || domain[n - m - 1] == '.';
}

bool
mailaddr_is_machine(const char *addr)
{
	static const char *const locals[] = {
		"mailer-daemon", "postmaster", "no-reply", "noreply",
		"do-not-reply",	 "donotreply", "bounce",   "bounces",
	};
	const char *at = strrchr(addr, '@');
	size_t n = at == NULL ? strlen(addr) : (size_t)(at - addr), i;

	for (i = 0; i < sizeof(locals) / sizeof(locals[0]); i++) {
		if (strlen(locals[i]) == n &&
		    strncasecmp(addr, locals[i], n) == 0)
			return true;
	}
	return false;
}

size_t
mailaddr_distance(const char *a, const char *b, size_t limit)
{
	size_t n = strlen(a), m = strlen(b), i, j;
	size_t row[MAILADDR_DOMAIN_MAX + 2];

	if (n > MAILADDR_DOMAIN_MAX || m > MAILADDR_DOMAIN_MAX)
		return limit + 1;
	if ((n > m ? n - m : m - n) > limit)
		return limit + 1;
	for (j = 0; j <= m; j++)
		row[j] = j;
	for (i = 1; i <= n; i++) {
		size_t diag = row[0], best;

		row[0] = i;
		best = row[0];
		for (j = 1; j <= m; j++) {
			size_t up = row[j];
			size_t cost =
				tolower((unsigned char)a[i - 1]) ==
						tolower((unsigned char)b[j - 1])
					? 0
					: 1;
			size_t v = diag + cost;

			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			if (up + 1 < v)
				v = up + 1;
			row[j] = v;
			diag = up;
			if (v < best)
				best = v;
		}
		if (best > limit)
			return limit + 1;
	}
	return row[m] > limit ? limit + 1 : row[m];
}
