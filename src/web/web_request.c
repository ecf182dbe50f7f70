#include "autoconf.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "log.h"
#include "store.h"
#include "util.h"
#include "web_pages.h"
#include "web_request.h"

static const char *const common_headers[][2] = {
	{"Content-Security-Policy",
	 "default-src 'self'; form-action 'self'; frame-ancestors 'none'; "
	 "base-uri 'none'"},
	{"X-Frame-Options", "DENY"},
	{"Referrer-Policy", "no-referrer"},
	{"X-Content-Type-Options", "nosniff"},
	{"Cache-Control", "no-store"},
};

const char *
web_request_field(const struct web_request *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nfields; i++) {
		if (strcmp(r->fields[i].name, name) == 0)
			return r->fields[i].long_value.data != NULL
				       ? r->fields[i].long_value.data
				       : r->fields[i].value;
	}
	return NULL;
}

struct store *
web_request_store_rw(struct web_request *r)
{
	struct store *s = NULL;
	char *err = NULL;

	if (store_open(r->set->config->database, false, &s, &err) == -1) {
		log_warnx("web: %s", err);
		free(err);
		return NULL;
	}
	return s;
}

/* The optional headers of an answer (NULL: left out). */
struct extra {
	const char *type, *location, *cookie, *disposition;
};

/* Queues an answer: b (taken) or no body, with the headers every answer
   has and those of x. */
static int
answer(struct web_request *r, unsigned status, struct buf *b,
       const struct extra *x)
{
	static const char *const names[] = {
		MHD_HTTP_HEADER_CONTENT_TYPE,
		MHD_HTTP_HEADER_LOCATION,
		MHD_HTTP_HEADER_SET_COOKIE,
		MHD_HTTP_HEADER_CONTENT_DISPOSITION,
	};
	const char *values[] = {x->type, x->location, x->cookie,
				x->disposition};
	struct MHD_Response *resp;
	enum MHD_Result rc;
	size_t i, len = 0;
	char *body = NULL;

	if (b != NULL) {
		len = b->len;
		body = buf_steal(b);
	}
	resp = MHD_create_response_from_buffer(len, body,
					       MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(body);
		return MHD_NO;
	}
	for (i = 0; i < nitems(common_headers); i++)
		(void)MHD_add_response_header(resp, common_headers[i][0],
					      common_headers[i][1]);
	/* a browser that has seen our TLS does not try plain HTTP again
	   (RFC 6797); without TLS of ours, the proxy says it, if any */
	if (r->set != NULL && r->set->tls_cert != NULL)
		(void)MHD_add_response_header(resp, "Strict-Transport-Security",
					      WEB_REQUEST_HSTS);
	for (i = 0; i < nitems(names); i++) {
		if (values[i] != NULL)
			(void)MHD_add_response_header(resp, names[i],
						      values[i]);
	}
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		(void)MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
					      "GET, POST");
	rc = MHD_queue_response(r->conn, status, resp);
	MHD_destroy_response(resp);
	return rc;
}

int
web_reply_page(struct web_request *r, unsigned status, struct buf *b)
{
	const struct extra x = {.type = "text/html; charset=utf-8"};

	return answer(r, status, b, &x);
}

int
web_reply_text(struct web_request *r, const char *type, struct buf *b)
{
	const struct extra x = {.type = type};

	return answer(r, MHD_HTTP_OK, b, &x);
}

int
web_reply_redirect(struct web_request *r, const char *location)
{
	return web_reply_cookie(r, location, NULL);
}

int
web_reply_cookie(struct web_request *r, const char *location,
		 const char *cookie)
{
	const struct extra x = {.location = location, .cookie = cookie};

	return answer(r, MHD_HTTP_SEE_OTHER, NULL, &x);
}

int
web_reply_built(struct web_request *r, unsigned status, struct buf *b, int rc)
{
	if (rc == -1) {
		buf_deinit(b);
		return web_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
				       "Storing", "De pagina is te groot.");
	}
	return web_reply_page(r, status, b);
}

int
web_reply_error(struct web_request *r, unsigned status, const char *title,
		const char *text)
{
	struct buf b;

	buf_init(&b, WEB_PAGE_MAX);
	(void)web_pages_error(&b, title, text);
	return web_reply_page(r, status, &b);
}

int
web_reply_unreadable(struct web_request *r, const char *what, char *err)
{
	if (err != NULL) {
		log_warnx("web: %s: %s", what, err);
		free(err);
	}
	return web_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "Storing",
			       "De gegevens kunnen nu niet worden gelezen. "
			       "Probeert u het later opnieuw.");
}

int
web_reply_download(struct web_request *r, const char *type,
		   const char *filename, struct buf *b)
{
	char disposition[160];
	struct extra x = {.type = type, .disposition = disposition};

	(void)snprintf(disposition, sizeof(disposition),
		       "attachment; filename=\"%s\"", filename);
	return answer(r, MHD_HTTP_OK, b, &x);
}
