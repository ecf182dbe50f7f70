#include "autoconf.h"

#include <string.h>

#include "util.h"
#include "web_limit.h"

void
web_limit_init(struct web_limit *l)
{
	memset(l, 0, sizeof(*l));
}

/* addr's entry with a window still open at now, or NULL. */
static struct web_limit_entry *
find(struct web_limit *l, const char *addr, time_t now)
{
	size_t i;

	for (i = 0; i < WEB_LIMIT_ADDRS; i++) {
		struct web_limit_entry *e = &l->e[i];

		if (e->since == 0 || strcmp(e->addr, addr) != 0)
			continue;
		if (now - e->since >= WEB_LIMIT_WINDOW) {
			memset(e, 0, sizeof(*e));
			return NULL;
		}
		return e;
	}
	return NULL;
}

bool
web_limit_allowed(struct web_limit *l, const char *addr, time_t now)
{
	const struct web_limit_entry *e = find(l, addr, now);

	return e == NULL || e->failures < WEB_LIMIT_FAILURES;
}

unsigned
web_limit_fail(struct web_limit *l, const char *addr, time_t now)
{
	struct web_limit_entry *e = find(l, addr, now);
	size_t i;

	if (e == NULL) {
		e = &l->e[0];
		for (i = 0; i < WEB_LIMIT_ADDRS; i++) {
			if (l->e[i].since == 0 ||
			    now - l->e[i].since >= WEB_LIMIT_WINDOW) {
				e = &l->e[i];
				break;
			}
			if (l->e[i].since < e->since)
				e = &l->e[i];
		}
		memset(e, 0, sizeof(*e));
		util_strlcpy(e->addr, addr, sizeof(e->addr));
		e->since = now;
	}
	return ++e->failures;
}

void
web_limit_clear(struct web_limit *l, const char *addr)
{
	size_t i;

	for (i = 0; i < WEB_LIMIT_ADDRS; i++) {
		if (l->e[i].since != 0 && strcmp(l->e[i].addr, addr) == 0)
			memset(&l->e[i], 0, sizeof(l->e[i]));
	}
}
