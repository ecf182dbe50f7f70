/*
 * aanmeld-web's HTTP side on libmicrohttpd (RFC 9110, cookies RFC
 * 6265): one thread of its own answers every request, so the sessions,
 * the login limits and the database connection are used by one thread
 * only.  The routes so far:
 *
 *   GET  /login    the login form
 *   POST /login    user, password: a session cookie and 303 to /
 *   GET  /         the overview (303 to /login without a session)
 *   POST /logout   csrf: ends the session (403 without the token)
 *
 * GET changes nothing.  Every answer carries Content-Security-Policy:
 * default-src 'self', X-Frame-Options: DENY, Referrer-Policy:
 * no-referrer, X-Content-Type-Options: nosniff and Cache-Control:
 * no-store.  A form body larger than WEB_SERVER_BODY_MAX is refused.
 */
#ifndef AANMELD_WEB_SERVER_H
#define AANMELD_WEB_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define WEB_SERVER_BODY_MAX 4096
/* A form field longer than this is refused (a password included). */
#define WEB_SERVER_FIELD_MAX 256

struct store;
struct web_server;

struct web_server_settings {
	const char *listen;  /* an IPv4 or IPv6 address, "127.0.0.1" */
	uint16_t port;	     /* 0: any free port (web_server_port()) */
	const char *users;   /* the users file, read at each login */
	time_t idle;	     /* a session's idle timeout, in seconds */
	long capacity;	     /* the programme's places; 0: no limit */
	struct store *store; /* borrowed; used by the server's thread */
};

/* Starts listening; the settings' strings and store are borrowed until
   web_server_stop().  NULL with *error_r (heap). */
struct web_server *web_server_start(const struct web_server_settings *set,
				    char **error_r);
/* Whether listen (as in the settings) is a loopback address: only then
   is plain HTTP kept on the machine. */
bool web_server_loopback(const char *listen);
/* The port it listens on. */
uint16_t web_server_port(const struct web_server *w);
/* Stops and frees *w; NULLs it.  NULL or *w NULL is a no-op. */
void web_server_stop(struct web_server **w);

#endif
