/*
 * What the transports behind smtp.h share: struct smtp and the ops each
 * transport fills in.  Only smtp.c and smtp_curl.c include this; only
 * smtp.c calls the ops.  It does not include smtp.h: the front door
 * includes what it dispatches to, not the reverse.
 */
#ifndef AANMELD_SMTP_BACKEND_H
#define AANMELD_SMTP_BACKEND_H

#include <stddef.h>

#include "send.h"

struct smtp_ops {
	/* Sends one message; smtp_send() has checked rcpt and message_id.
	   Everything is borrowed for the call.  On TEMPFAIL or PERMFAIL sets
	   *error_r (heap; the caller frees it). */
	enum send_result (*send)(struct smtp *t, const char *from,
				 const char *rcpt, const char *message_id,
				 const char *raw, size_t len, char **error_r);
	/* Frees what the backend owns in t, but not t. */
	void (*deinit)(struct smtp *t);
	/* Optional: makes what send() wrote durable (file transport). */
	int (*flush)(struct smtp *t, char **error_r);
	/* Optional: as smtp_set_bearer(); token is copied. */
	void (*set_bearer)(struct smtp *t, const char *token);
};

struct smtp_curl;

struct smtp {
	const struct smtp_ops *ops;
	char *dir;	     /* the file transport */
	struct smtp_curl *c; /* the SMTP transport */
};

extern const struct smtp_ops smtp_curl_ops;

#endif
