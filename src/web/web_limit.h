/*
 * Failed logins per client address: after WEB_LIMIT_FAILURES within
 * WEB_LIMIT_WINDOW seconds an address gets no answer to a login until
 * the window that began with its first failure has passed.  A table of
 * fixed size; when it is full the oldest window gives way.  The caller
 * passes the time.
 */
#ifndef AANMELD_WEB_LIMIT_H
#define AANMELD_WEB_LIMIT_H

#include <stdbool.h>
#include <time.h>

#define WEB_LIMIT_FAILURES 5
#define WEB_LIMIT_WINDOW (15 * 60)
#define WEB_LIMIT_ADDRS 256
/* An address as text (INET6_ADDRSTRLEN). */
#define WEB_LIMIT_ADDR_MAX 46

struct web_limit_entry {
	char addr[WEB_LIMIT_ADDR_MAX];
	unsigned failures;
	time_t since; /* the window's first failure; 0: the slot is free */
};

struct web_limit {
	struct web_limit_entry e[WEB_LIMIT_ADDRS];
};

void web_limit_init(struct web_limit *l);
/* Whether addr may try a login at now. */
bool web_limit_allowed(struct web_limit *l, const char *addr, time_t now);
/* Counts a failed login of addr; returns its failures in the window. */
unsigned web_limit_fail(struct web_limit *l, const char *addr, time_t now);
/* A good login clears addr's count. */
void web_limit_clear(struct web_limit *l, const char *addr);

#endif
