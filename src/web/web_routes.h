/*
 * The pages of aanmeld-web, one row each: a method, a path and the
 * handler in the page's own file.  A '*' in a path stands for one
 * segment of letters, digits, '-' and '_' (a review item's id, a
 * municipality's code), given to the handler as its arg.  /login and
 * /logout are the server's own (web_server.c); every route here needs a
 * session, and a POST its CSRF token, checked before the handler runs.
 */
#ifndef AANMELD_WEB_ROUTES_H
#define AANMELD_WEB_ROUTES_H

#include <stdbool.h>
#include <stddef.h>

struct web_request;

typedef int web_handler(struct web_request *r);

struct web_route {
	bool post;
	const char *path;
	web_handler *fn;
};

/* A POST route whose form is larger than the server's limits
   (web_request.h), for that route only: the most bytes of its body,
   and the one field that may be longer, up to long_max bytes. */
struct web_route_body {
	const char *path;
	size_t body_max;
	const char *long_field;
	size_t long_max;
};

/* The route for path and method, with the '*' segment in arg
   (WEB_REQUEST_ARG_MAX + 1 bytes).  NULL when there is none, with
   *other_method telling whether the path has a route for the other
   method (405 rather than 404). */
const struct web_route *web_routes_find(const char *path, bool post, char *arg,
					bool *other_method);

/* The larger limits of the POST route path, or NULL: the server's. */
const struct web_route_body *web_routes_body(const char *path);

#endif
