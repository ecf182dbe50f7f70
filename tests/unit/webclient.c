#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "webclient.h"

static size_t
on_data(char *p, size_t size, size_t n, void *cls)
{
	return buf_add(cls, p, size * n) == 0 ? size * n : 0;
}

CURLcode
client_perform(const struct client_call *c, const char *path, const char *body,
	       struct client_reply *r)
{
	CURLcode rc = CURLE_FAILED_INIT;
	char *url = xasprintf("%s://127.0.0.1:%u%s",
			      c->ca != NULL ? "https" : "http",
			      (unsigned)c->port, path);
	CURL *h = curl_easy_init();

	buf_init(&r->head, 64 * 1024);
	buf_init(&r->body, 4 * 1024 * 1024);
	r->status = 0;
	if (h == NULL) {
		free(url);
		return rc;
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &r->head);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &r->body);
	if (body != NULL)
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	if (c->cookie != NULL)
		curl_easy_setopt(h, CURLOPT_COOKIE, c->cookie);
	if (c->headers != NULL)
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, c->headers);
	if (c->from != NULL)
		curl_easy_setopt(h, CURLOPT_INTERFACE, c->from);
	if (c->ca != NULL)
		curl_easy_setopt(h, CURLOPT_CAINFO, c->ca);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_cleanup(h);
	free(url);
	(void)buf_str(&r->head);
	(void)buf_str(&r->body);
	return rc;
}

void
client_reply_free(struct client_reply *r)
{
	buf_deinit(&r->head);
	buf_deinit(&r->body);
}

char *
client_header(struct client_reply *r, const char *name)
{
	char *pat = xasprintf("\r\n%s: ", name), *p;

	p = strstr(buf_str(&r->head), pat);
	free(pat);
	if (p == NULL)
		return NULL;
	p += strlen(name) + 4;
	return xstrndup(p, strcspn(p, "\r\n"));
}
