#include "autoconf.h"

#include <sys/random.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "web_session.h"

void
web_session_init(struct web_sessions *t, time_t idle, time_t max)
{
	memset(t, 0, sizeof(*t));
	t->idle = idle;
	t->max = max;
}

/* The hex of 32 fresh random bytes into out. */
static int
random_hex(char *out)
{
	unsigned char raw[WEB_SESSION_ID_LEN / 2];
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(raw)) {
		n = getrandom(raw + got, sizeof(raw) - got, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		got += (size_t)n;
	}
	util_hex(raw, sizeof(raw), out);
	explicit_bzero(raw, sizeof(raw));
	return 0;
}

static bool
live(const struct web_sessions *t, const struct web_session *s, time_t now)
{
	return s->last != 0 && now - s->last < t->idle &&
	       now - s->born < t->max;
}

struct web_session *
web_session_new(struct web_sessions *t, const char *user, time_t now)
{
	struct web_session *s = &t->slots[0], *own = NULL;
	size_t i, mine = 0;

	/* a free or dead slot, else the one idle longest */
	for (i = 0; i < WEB_SESSION_MAX; i++) {
		if (!live(t, &t->slots[i], now)) {
			s = &t->slots[i];
			break;
		}
		if (t->slots[i].last < s->last)
			s = &t->slots[i];
	}
	/* but one account logging in again and again ends only its own
	   sessions, not its colleagues' */
	for (i = 0; i < WEB_SESSION_MAX; i++) {
		struct web_session *o = &t->slots[i];

		if (!live(t, o, now) || strcmp(o->user, user) != 0)
			continue;
		mine++;
		if (own == NULL || o->last < own->last)
			own = o;
	}
	if (mine >= WEB_SESSION_PER_USER)
		s = own;
	web_session_end(s);
	if (random_hex(s->id) == -1 || random_hex(s->csrf) == -1) {
		web_session_end(s);
		return NULL;
	}
	util_strlcpy(s->user, user, sizeof(s->user));
	s->last = now;
	s->born = now;
	return s;
}

/* Compares without stopping at the first difference. */
static bool
same(const char *a, const char *b, size_t len)
{
	unsigned char d = 0;
	size_t i;

	for (i = 0; i < len; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

struct web_session *
web_session_find(struct web_sessions *t, const char *cookie, time_t now)
{
	char id[WEB_SESSION_ID_LEN + 1];
	struct web_session *found = NULL;
	size_t i;

	if (cookie == NULL || web_session_cookie_id(cookie, id) == -1)
		return NULL;
	for (i = 0; i < WEB_SESSION_MAX; i++) {
		struct web_session *s = &t->slots[i];

		if (s->last != 0 && same(s->id, id, WEB_SESSION_ID_LEN))
			found = s;
	}
	if (found == NULL)
		return NULL;
	if (!live(t, found, now)) {
		web_session_end(found);
		return NULL;
	}
	found->last = now;
	return found;
}

void
web_session_end(struct web_session *s)
{
	explicit_bzero(s, sizeof(*s));
}

bool
web_session_csrf_ok(const struct web_session *s, const char *token)
{
	return token != NULL && strlen(token) == WEB_SESSION_ID_LEN &&
	       s->last != 0 && same(s->csrf, token, WEB_SESSION_ID_LEN);
}

static bool
is_id(const char *v, size_t len)
{
	size_t i;

	if (len != WEB_SESSION_ID_LEN)
		return false;
	for (i = 0; i < len; i++) {
		if (!((v[i] >= '0' && v[i] <= '9') ||
		      (v[i] >= 'a' && v[i] <= 'f')))
			return false;
	}
	return true;
}

int
web_session_cookie_id(const char *cookie, char *id_r)
{
	const size_t nlen = strlen(WEB_SESSION_COOKIE);
	const char *p = cookie, *v;
	size_t len;

	/* RFC 6265 5.4: name=value pairs separated by "; " */
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		v = strchr(p, '=');
		len = strcspn(p, ";");
		if (v != NULL && (size_t)(v - p) == nlen && v < p + len &&
		    strncmp(p, WEB_SESSION_COOKIE, nlen) == 0 &&
		    is_id(v + 1, len - nlen - 1)) {
			memcpy(id_r, v + 1, WEB_SESSION_ID_LEN);
			id_r[WEB_SESSION_ID_LEN] = '\0';
			return 0;
		}
		p += len;
	}
	return -1;
}

const char *
web_session_set_cookie(const struct web_session *s, char *out, size_t size)
{
	if (s == NULL)
		return WEB_SESSION_COOKIE "=; Path=/; Max-Age=0; HttpOnly; "
					  "Secure; SameSite=Strict";
	if ((size_t)snprintf(out, size,
			     "%s=%s; Path=/; HttpOnly; Secure; "
			     "SameSite=Strict",
			     WEB_SESSION_COOKIE, s->id) >= size)
		return NULL;
	return out;
}
