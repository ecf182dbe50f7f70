/*
 * aanmeld-web's own TLS (RFC 8446, 5246): the certificate and key as
 * PEM in memory, for libmicrohttpd's GnuTLS side.  The files are read
 * once at start, after the drop to the service user, as aanmeldd reads
 * its password files: the key must give group and others no access.
 * They are loaded into GnuTLS credentials once here, so a file that is
 * not PEM, or a key that is not the certificate's, stops the start with
 * the reason instead of failing every handshake later.
 */
#ifndef AANMELD_WEB_TLS_H
#define AANMELD_WEB_TLS_H

#include <stddef.h>

/* TLS 1.2 and 1.3 only, GnuTLS's NORMAL ciphers among them. */
#define WEB_TLS_PRIORITY "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"
/* A certificate chain or key file larger than this is refused. */
#define WEB_TLS_FILE_MAX (256 * 1024)

struct web_tls {
	char *cert; /* PEM, NUL-terminated; the chain, leaf first */
	char *key;  /* PEM, NUL-terminated; zeroed by web_tls_deinit() */
};

/* Reads cert_path and key_path into t and checks that GnuTLS takes them
   as a pair.  0, or -1 with *error_r (heap) and t empty. */
int web_tls_load(struct web_tls *t, const char *cert_path, const char *key_path,
		 char **error_r);
/* Frees what t holds, the key wiped first. */
void web_tls_deinit(struct web_tls *t);

#endif
