/*
 * aanmeld-web's logins: a table of sessions kept in the server, each
 * named by 32 random bytes from getrandom() (hex in the cookie) and
 * holding its own CSRF token, 32 random bytes too, that every POST must
 * carry.  A session ends after idle seconds without a request, max
 * seconds after its login however busy, or at logout.  The cookie (RFC
 * 6265) is HttpOnly, Secure and SameSite=Strict, and its name has the
 * __Host- prefix (RFC 6265bis 4.1.3.2): a browser takes it only with
 * Secure, Path=/ and no Domain, so a neighbouring host cannot set it.
 * The caller passes the time.
 */
#ifndef AANMELD_WEB_SESSION_H
#define AANMELD_WEB_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "userfile.h"

#define WEB_SESSION_COOKIE "__Host-aanmeld_session"
/* The hex of 32 random bytes. */
#define WEB_SESSION_ID_LEN 64
/* The most sessions at once; a login past it ends the one idle
   longest. */
#define WEB_SESSION_MAX 64
/* The most of one account: its login past it ends its own session idle
   longest, so that one account cannot push its colleagues out. */
#define WEB_SESSION_PER_USER 4
/* A session's lifetime from its login when none is configured. */
#define WEB_SESSION_LIFE (12 * 3600)

struct web_session {
	char id[WEB_SESSION_ID_LEN + 1];
	char csrf[WEB_SESSION_ID_LEN + 1];
	char user[USERFILE_NAME_MAX + 1];
	time_t last; /* the last request; 0: the slot is free */
	time_t born; /* the login */
};

struct web_sessions {
	struct web_session slots[WEB_SESSION_MAX];
	time_t idle; /* seconds */
	time_t max;  /* seconds from the login */
};

void web_session_init(struct web_sessions *t, time_t idle, time_t max);

/* A new session for user (at most USERFILE_NAME_MAX bytes).  Borrowed
   from t until it ends; NULL when getrandom() fails. */
struct web_session *web_session_new(struct web_sessions *t, const char *user,
				    time_t now);

/* The session a Cookie header (NULL: none) names, when it is live at
   now; its idle time starts again.  NULL otherwise, and an expired one
   is ended. */
struct web_session *web_session_find(struct web_sessions *t, const char *cookie,
				     time_t now);

void web_session_end(struct web_session *s);

/* Whether token is s's CSRF token (compared in constant time). */
bool web_session_csrf_ok(const struct web_session *s, const char *token);

/* The value of WEB_SESSION_COOKIE in a Cookie header into id_r
   (WEB_SESSION_ID_LEN + 1 bytes): 0, or -1 when it holds none of the
   right shape (64 lower-case hex digits). */
int web_session_cookie_id(const char *cookie, char *id_r);

/* Room for a Set-Cookie value of web_session_set_cookie(). */
#define WEB_SESSION_SET_COOKIE_MAX 192
/* The Set-Cookie value that gives s's id to the browser, or (s NULL)
   that clears it; static text or written into out (size bytes,
   WEB_SESSION_SET_COOKIE_MAX is enough), NULL when out is too small. */
const char *web_session_set_cookie(const struct web_session *s, char *out,
				   size_t size);

#endif
