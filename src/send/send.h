/*
 * The one delivery vocabulary, shared by the front door smtp.h, the
 * transports behind it (smtp_backend.h) and the outbox.  On its own so
 * that the transports' header need not include smtp.h.
 */
#ifndef AANMELD_SEND_H
#define AANMELD_SEND_H

enum send_result {
	SEND_OK,
	SEND_TEMPFAIL, /* 4xx, timeout, connection: try again later */
	SEND_PERMFAIL, /* 5xx or an unsafe address: a person must look */
	/* the server refused the login (535): not about this message; it
	   stays queued, and nothing is sent until the next login try */
	SEND_REFUSED,
};

#endif
