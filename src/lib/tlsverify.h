/*
 * Checks a server's certificate chain the way a browser does: the chain
 * leads to a trusted root (the system store or a CA file), every
 * certificate is in its validity period, and the leaf names the host.
 * libetpan's GnuTLS build checks none of this itself, so the IMAP side
 * calls tlsverify_chain() after the handshake and before any password or
 * token is sent.
 */
#ifndef AANMELD_TLSVERIFY_H
#define AANMELD_TLSVERIFY_H

#include <stddef.h>

struct tlsverify_cert {
	const unsigned char *der;
	size_t len;
};

/* Verifies chain (leaf first) for host against ca_file (PEM; NULL: the
   system trust store).  0 when trusted; -1 with *error_r (heap) saying
   why, in words an operator can act on. */
int tlsverify_chain(const struct tlsverify_cert *chain, size_t n,
		    const char *host, const char *ca_file, char **error_r);

#endif
