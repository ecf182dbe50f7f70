#include "autoconf.h"

#include <string.h>

#include "util.h"
#include "web_overview.h"
#include "web_request.h"
#include "web_routes.h"

static const struct web_route routes[] = {
	{false, "/", web_overview_get},
};

static bool
segment_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Whether path matches pattern, with the '*' segment into arg. */
static bool
match(const char *pattern, const char *path, char *arg)
{
	size_t n;

	arg[0] = '\0';
	while (*pattern != '\0') {
		if (*pattern == '*') {
			for (n = 0; segment_char(path[n]); n++) {
				if (n == WEB_REQUEST_ARG_MAX)
					return false;
			}
			if (n == 0)
				return false;
			memcpy(arg, path, n);
			arg[n] = '\0';
			path += n;
			pattern++;
			continue;
		}
		if (*pattern++ != *path++)
			return false;
	}
	return *path == '\0';
}

const struct web_route *
web_routes_find(const char *path, bool post, char *arg, bool *other_method)
{
	char scratch[WEB_REQUEST_ARG_MAX + 1];
	size_t i;

	*other_method = false;
	for (i = 0; i < nitems(routes); i++) {
		if (!match(routes[i].path, path, scratch))
			continue;
		if (routes[i].post != post) {
			*other_method = true;
			continue;
		}
		util_strlcpy(arg, scratch, WEB_REQUEST_ARG_MAX + 1);
		return &routes[i];
	}
	return NULL;
}
