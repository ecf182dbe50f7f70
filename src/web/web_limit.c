#include "autoconf.h"

#include <string.h>

#include "util.h"
#include "web_limit.h"

void
web_limit_init(struct web_limit *l, unsigned max)
{
	memset(l, 0, sizeof(*l));
	l->max = max;
}

/* key as stored: cut to fit. */
static void
cut(char *dst, const char *key)
{
	util_strlcpy(dst, key, WEB_LIMIT_KEY_MAX);
}

/* key's entry with a window still open at now, or NULL. */
static struct web_limit_entry *
find(struct web_limit *l, const char *key, time_t now)
{
	char k[WEB_LIMIT_KEY_MAX];
	size_t i;

	cut(k, key);
	for (i = 0; i < WEB_LIMIT_SLOTS; i++) {
		struct web_limit_entry *e = &l->e[i];

		if (e->since == 0 || strcmp(e->key, k) != 0)
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
web_limit_allowed(struct web_limit *l, const char *key, time_t now)
{
	const struct web_limit_entry *e = find(l, key, now);

	return e == NULL || e->failures < l->max;
}

unsigned
web_limit_fail(struct web_limit *l, const char *key, time_t now)
{
	struct web_limit_entry *e = find(l, key, now);
	size_t i;

	if (e == NULL) {
		e = &l->e[0];
		for (i = 0; i < WEB_LIMIT_SLOTS; i++) {
			if (l->e[i].since == 0 ||
			    now - l->e[i].since >= WEB_LIMIT_WINDOW) {
				e = &l->e[i];
				break;
			}
			/* the fewest failures give way first, so that many
			   new keys do not free a locked one */
			if (l->e[i].failures < e->failures ||
			    (l->e[i].failures == e->failures &&
			     l->e[i].since < e->since))
				e = &l->e[i];
		}
		memset(e, 0, sizeof(*e));
		cut(e->key, key);
		e->since = now;
	}
	return ++e->failures;
}

void
web_limit_clear(struct web_limit *l, const char *key)
{
	char k[WEB_LIMIT_KEY_MAX];
	size_t i;

	cut(k, key);
	for (i = 0; i < WEB_LIMIT_SLOTS; i++) {
		if (l->e[i].since != 0 && strcmp(l->e[i].key, k) == 0)
			memset(&l->e[i], 0, sizeof(l->e[i]));
	}
}
