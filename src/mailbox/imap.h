/*
 * The IMAP mailbox (libetpan): the real GlobalGoals@VNG.nl inbox.  It
 * verifies the server's certificate before it sends a password, finds new
 * mail by UID after the position saved in the database, fetches it in
 * batches without setting \Seen, moves it to the folder of its outcome,
 * and waits with IDLE.  Staff's decision folders are looked at with one
 * STATUS each, and selected only when not empty; the inbox is selected
 * again before it is used.  When the server cannot be reached it tries again
 * with a growing delay (1 s doubling to 5 min), and says so once.
 */
#ifndef AANMELD_IMAP_H
#define AANMELD_IMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "mailbox_backend.h"

extern const struct mailbox_ops imap_ops;

enum imap_tls {
	IMAP_TLS_IMPLICIT, /* imaps:// */
	IMAP_TLS_STARTTLS, /* imap:// */
	IMAP_TLS_NONE,	   /* imap:// with tls = none, loopback only */
};

struct imap_url {
	enum imap_tls tls;
	char *host;
	uint16_t port;
	char *mailbox; /* "INBOX" when the URL names none */
};

/* Parses imaps://host[:port][/MAILBOX] or imap://...; tls_none asks for
   plain IMAP, which only a loopback host may have.  0, or -1 with
   *error_r (heap). */
int imap_url_parse(const char *url, bool tls_none, struct imap_url *u,
		   char **error_r);
void imap_url_deinit(struct imap_url *u);

/* aanmeld check --connect: connects, verifies the certificate, logs in
   and opens the mailbox with EXAMINE (read-only: no \Recent or flag
   changes), then logs out.  *exists_r is its number of messages.  0, or
   -1 with *error_r (heap; never the password or token). */
int imap_probe(const struct mailbox_settings *set, uint32_t *exists_r,
	       char **error_r);
/* True when libetpan's error r of LOGIN or AUTHENTICATE is the server
   refusing the login (a NO), not the network: see mailbox_refused(). */
bool imap_refusal(int r);
/* The delay before connection attempt number failures + 1: 1 s doubling
   to IMAP_BACKOFF_MAX, plus up to a quarter more from jitter (0..1). */
#define IMAP_BACKOFF_MAX 300
unsigned imap_backoff(unsigned failures, double jitter);

#endif
