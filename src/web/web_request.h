/*
 * One request to aanmeld-web as a page's handler sees it, and the ways
 * to answer it.  web_server.c fills it in after the whole request has
 * arrived: the session is checked, and for a POST the CSRF token too,
 * before any handler runs.  Every answer carries the security headers
 * (web_server.h).
 */
#ifndef AANMELD_WEB_REQUEST_H
#define AANMELD_WEB_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"

struct config;
struct rules;
struct store;
struct web_session;

#define WEB_SERVER_BODY_MAX 4096
/* Connections at once, from one address (behind a reverse proxy: the
   proxy's), and the seconds a connection may stay silent. */
#define WEB_SERVER_CONNECTIONS 64
#define WEB_SERVER_PER_ADDRESS 8
#define WEB_SERVER_TIMEOUT 10
/* A form field longer than this is refused (a password included). */
#define WEB_SERVER_FIELD_MAX 256

/* The server's settings (web_server_start()), here so that a page
   reads them without including the server. */
struct web_server_settings {
	const char *listen;  /* an IPv4 or IPv6 address, "127.0.0.1" */
	uint16_t port;	     /* 0: any free port (web_server_port()) */
	const char *users;   /* the users file, read at each login */
	time_t idle;	     /* a session's idle timeout, in seconds */
	long capacity;	     /* the programme's places; 0: no limit */
	struct store *store; /* borrowed; used by the server's thread */
	/* for the decisions, which open the database read-write for
	   their transaction only; borrowed */
	const struct config *config;
	const struct rules *rules;
	/* a session's most seconds from its login; 0: WEB_SESSION_LIFE */
	time_t session_max;
	/* PEM text (web_tls.h), borrowed; NULL: plain HTTP */
	const char *tls_cert, *tls_key;
	/* the reverse proxy whose X-Forwarded-For is believed (an IP
	   address as in [web] trusted_proxy); NULL: none */
	const char *trusted_proxy;
};

/* Strict-Transport-Security on every answer over our own TLS: a
   year. */
#define WEB_REQUEST_HSTS "max-age=31536000"

/* A page is never larger than this (the waiting list included). */
#define WEB_PAGE_MAX (4u * 1024 * 1024)
/* The most form fields a request keeps; more is refused as too large. */
#define WEB_REQUEST_FIELDS 8
#define WEB_REQUEST_NAME_MAX 32
/* The longest path segment a route's '*' matches. */
#define WEB_REQUEST_ARG_MAX 64

struct web_field {
	char name[WEB_REQUEST_NAME_MAX + 1];
	char value[WEB_SERVER_FIELD_MAX + 1];
	/* the route's long field (struct web_route), bounded by its
	   long_max, instead of value; no data for the others */
	struct buf long_value;
};

struct web_request {
	void *conn; /* the connection (struct MHD_Connection) */
	const struct web_server_settings *set;
	struct web_session *session; /* the logged-in staff member */
	bool post;
	/* the path segment the route's '*' matched, or "" */
	char arg[WEB_REQUEST_ARG_MAX + 1];
	const struct web_field *fields;
	size_t nfields;
};

/* The value of the form field name, or NULL when the form has none. */
const char *web_request_field(const struct web_request *r, const char *name);

/* The database opened read-write, for one decision's transaction
   (the server keeps a read-only connection for the pages); the caller
   closes it with store_close().  NULL after logging why. */
struct store *web_request_store_rw(struct web_request *r);

/* The answers; each returns what the handler returns (MHD_YES, or
   MHD_NO to drop the connection). */

/* A page: b holds a whole document (taken and emptied). */
int web_reply_page(struct web_request *r, unsigned status, struct buf *b);
/* The page b that a renderer made with result rc: -1 (b at its limit)
   answers 500 "De pagina is te groot." instead. */
int web_reply_built(struct web_request *r, unsigned status, struct buf *b,
		    int rc);
/* 303 See Other to location (a path of ours). */
int web_reply_redirect(struct web_request *r, const char *location);
/* 303 See Other to location with Set-Cookie: cookie (NULL: none). */
int web_reply_cookie(struct web_request *r, const char *location,
		     const char *cookie);
/* A short Dutch page for an error. */
int web_reply_error(struct web_request *r, unsigned status, const char *title,
		    const char *text);
/* b (taken) shown as type: a stylesheet, say. */
int web_reply_text(struct web_request *r, const char *type, struct buf *b);
/* 500 "De gegevens kunnen nu niet worden gelezen": the database failed
   while the page was gathered.  err (heap, taken; NULL: already logged)
   goes to the log after what. */
int web_reply_unreadable(struct web_request *r, const char *what, char *err);
/* A file to save: b (taken) as type, named filename (ASCII, no quotes)
   in Content-Disposition: attachment. */
int web_reply_download(struct web_request *r, const char *type,
		       const char *filename, struct buf *b);

#endif
