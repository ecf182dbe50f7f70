/*
 * The web tests' client: one libcurl request to aanmeld-web on
 * 127.0.0.1, with the answer's status, headers and body kept.
 */
#ifndef AANMELD_TEST_WEBCLIENT_H
#define AANMELD_TEST_WEBCLIENT_H

#include <stdint.h>

#include <curl/curl.h>

#include "buf.h"

/* One answer: its status, headers and body. */
struct client_reply {
	long status;
	struct buf head, body;
};

/* Who asks, beside the path and the body. */
struct client_call {
	uint16_t port;
	const char *cookie;	    /* the Cookie header, or NULL */
	struct curl_slist *headers; /* more headers, or NULL */
	const char *from;	    /* the local address to ask from, or NULL */
	const char *ca;		    /* https, trusting this CA file; or NULL */
};

/* A request to path; body NULL makes it a GET.  libcurl's answer; r is
   filled (and to be freed) either way. */
CURLcode client_perform(const struct client_call *c, const char *path,
			const char *body, struct client_reply *r);
void client_reply_free(struct client_reply *r);
/* The value of header name (case as the server writes it), heap; NULL
   when the answer has none. */
char *client_header(struct client_reply *r, const char *name);

#endif
