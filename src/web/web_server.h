/*
 * aanmeld-web's HTTP side on libmicrohttpd (RFC 9110, cookies RFC
 * 6265): one thread of its own answers every request, so the sessions,
 * the login limits and the database connection are used by one thread
 * only.  Its own routes:
 *
 *   GET  /login    the login form
 *   POST /login    user, password: a session cookie and 303 to /
 *   POST /logout   csrf: ends the session (403 without the token)
 *
 * and the pages of web_routes.c, each behind the session (a GET without
 * one is sent to /login, a POST refused) and, for a POST, its CSRF
 * token (403 without it).  GET changes nothing.  Every answer carries
 * Content-Security-Policy: default-src 'self', X-Frame-Options: DENY,
 * Referrer-Policy: no-referrer, X-Content-Type-Options: nosniff and
 * Cache-Control: no-store, and with TLS of its own
 * Strict-Transport-Security.  A form body larger than WEB_SERVER_BODY_MAX is
 * refused.
 */
#ifndef AANMELD_WEB_SERVER_H
#define AANMELD_WEB_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "web_request.h"

struct web_server;

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
