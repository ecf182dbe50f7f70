#include "autoconf.h"

#include <ctype.h>
#include <string.h>

#include "countdown.h"

#define COUNTDOWN_MARK "next try in "

/* Past the digits at s. */
static const char *
skip_digits(const char *s)
{
	while (isdigit((unsigned char)*s))
		s++;
	return s;
}

bool
countdown_same(const char *a, const char *b)
{
	const char *ma = strstr(a, COUNTDOWN_MARK);
	const char *mb = strstr(b, COUNTDOWN_MARK);
	size_t skip = strlen(COUNTDOWN_MARK);

	if (ma == NULL || mb == NULL || ma - a != mb - b ||
	    strncmp(a, b, (size_t)(ma - a)) != 0 ||
	    !isdigit((unsigned char)ma[skip]) ||
	    !isdigit((unsigned char)mb[skip]))
		return strcmp(a, b) == 0;
	return strcmp(skip_digits(ma + skip), skip_digits(mb + skip)) == 0;
}
