#include "autoconf.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "mailaddr.h"
#include "util.h"

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

/* RFC 5322 atext. */
static bool
is_atext(unsigned char c)
{
	return util_ascii_alnum(c) ||
	       (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

static bool
valid_domain(const char *d)
{
	size_t label = 0, labels = 1, n = strlen(d);
	const char *p;

	if (n == 0 || n > MAILADDR_DOMAIN_MAX)
		return false;
	for (p = d; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '.') {
			if (label == 0 || p[-1] == '-')
				return false;
			label = 0;
			labels++;
			continue;
		}
		if (!util_ascii_alnum(c) && c != '-')
			return false;
		if (c == '-' && label == 0)
			return false;
		if (++label > 63)
			return false;
	}
	return label > 0 && p[-1] != '-' && labels >= 2;
}

bool
mailaddr_valid(const char *addr)
{
	const char *at, *p;

	if (addr == NULL)
		return false;
	at = strchr(addr, '@');
	if (at == NULL || at == addr || strchr(at + 1, '@') != NULL ||
	    at - addr > 64)
		return false;
	if (addr[0] == '.' || at[-1] == '.')
		return false;
	for (p = addr; p < at; p++) {
		if (*p == '.' ? p[1] == '.' : !is_atext((unsigned char)*p))
			return false;
	}
	return valid_domain(at + 1);
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
		"post_master", /* Verizon's and James' bounces */
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
