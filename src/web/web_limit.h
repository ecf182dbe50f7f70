/*
 * Failed logins per key (a client address, an account name): after
 * max failures within WEB_LIMIT_WINDOW seconds a key gets no answer to
 * a login until the window that began with its first failure has
 * passed.  A table of fixed size; when it is full the key with the
 * fewest failures (of those, the oldest window) gives way: a locked key
 * only when every other is locked too.  The caller passes the time.
 */
#ifndef AANMELD_WEB_LIMIT_H
#define AANMELD_WEB_LIMIT_H

#include <stdbool.h>
#include <time.h>

/* One account (the name typed) is locked after this many failures. */
#define WEB_LIMIT_ACCOUNT_FAILURES 5
/* One address after this many: higher, as a reverse proxy makes every
   member of staff one address. */
#define WEB_LIMIT_ADDR_FAILURES 20
#define WEB_LIMIT_WINDOW (15 * 60)
#define WEB_LIMIT_SLOTS 256
/* An address as text (INET6_ADDRSTRLEN). */
#define WEB_LIMIT_ADDR_MAX 46
/* A longer key is cut: names that long are no account anyway. */
#define WEB_LIMIT_KEY_MAX 64

struct web_limit_entry {
	char key[WEB_LIMIT_KEY_MAX];
	unsigned failures;
	time_t since; /* the window's first failure; 0: the slot is free */
};

struct web_limit {
	unsigned max; /* failures that lock a key */
	struct web_limit_entry e[WEB_LIMIT_SLOTS];
};

void web_limit_init(struct web_limit *l, unsigned max);
/* Whether key may try a login at now. */
bool web_limit_allowed(struct web_limit *l, const char *key, time_t now);
/* Counts a failed login of key; returns its failures in the window. */
unsigned web_limit_fail(struct web_limit *l, const char *key, time_t now);
/* Clears key's count (an account's, at its good login). */
void web_limit_clear(struct web_limit *l, const char *key);

#endif
