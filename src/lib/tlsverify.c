#include "autoconf.h"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdlib.h>
#include <string.h>

#include "tlsverify.h"
#include "util.h"

/* A chain longer than this is not a server's chain. */
#define TLSVERIFY_CHAIN_MAX 16

static int
load_trust(gnutls_x509_trust_list_t tl, const char *ca_file, char **error_r)
{
	int rc;

	if (ca_file == NULL) {
		rc = gnutls_x509_trust_list_add_system_trust(tl, 0, 0);
		if (rc <= 0) {
			*error_r = xasprintf("no system trust store (%s)",
					     rc < 0 ? gnutls_strerror(rc)
						    : "no certificates");
			return -1;
		}
		return 0;
	}
	rc = gnutls_x509_trust_list_add_trust_file(tl, ca_file, NULL,
						   GNUTLS_X509_FMT_PEM, 0, 0);
	if (rc <= 0) {
		*error_r = xasprintf("ca_file %s: %s", ca_file,
				     rc < 0 ? gnutls_strerror(rc)
					    : "no certificates in it");
		return -1;
	}
	return 0;
}

/* Parses the DER certificates of chain into crts; *loaded_r says how
   many the caller must deinit, also on error.  0, or -1 with *error_r. */
static int
import_chain(const struct tlsverify_cert *chain, size_t n,
	     gnutls_x509_crt_t *crts, size_t *loaded_r, char **error_r)
{
	size_t i;
	int grc;

	for (i = 0; i < n; i++) {
		gnutls_datum_t d = {(unsigned char *)chain[i].der,
				    (unsigned)chain[i].len};

		if (gnutls_x509_crt_init(&crts[i]) < 0) {
			*error_r = xstrdup("cannot set up certificate checks");
			return -1;
		}
		grc = gnutls_x509_crt_import(crts[i], &d, GNUTLS_X509_FMT_DER);
		if (grc < 0) {
			gnutls_x509_crt_deinit(crts[i]);
			*error_r = xasprintf("certificate %zu of the server: "
					     "%s",
					     i + 1, gnutls_strerror(grc));
			return -1;
		}
		*loaded_r = i + 1;
	}
	return 0;
}

/* The check itself: the chain leads to tl, is valid now, and its leaf
   is a TLS server certificate for host.  0, or -1 with *error_r. */
static int
verify(gnutls_x509_trust_list_t tl, gnutls_x509_crt_t *crts, size_t n,
       const char *host, char **error_r)
{
	gnutls_typed_vdata_st vdata[2];
	gnutls_datum_t text = {NULL, 0};
	unsigned status = 0;
	int grc;

	memset(vdata, 0, sizeof(vdata));
	vdata[0].type = GNUTLS_DT_DNS_HOSTNAME;
	vdata[0].data = (unsigned char *)host;
	vdata[1].type = GNUTLS_DT_KEY_PURPOSE_OID;
	vdata[1].data = (unsigned char *)GNUTLS_KP_TLS_WWW_SERVER;
	grc = gnutls_x509_trust_list_verify_crt2(tl, crts, (unsigned)n, vdata,
						 2, 0, &status, NULL);
	if (grc < 0) {
		*error_r = xasprintf("certificate check failed: %s",
				     gnutls_strerror(grc));
		return -1;
	}
	if (status == 0)
		return 0;
	gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509,
						     &text, 0);
	*error_r = xasprintf("the certificate of %s is not trusted: %s", host,
			     text.data != NULL ? (char *)text.data
					       : "unknown reason");
	gnutls_free(text.data);
	return -1;
}

int
tlsverify_chain(const struct tlsverify_cert *chain, size_t n, const char *host,
		const char *ca_file, char **error_r)
{
	gnutls_x509_crt_t crts[TLSVERIFY_CHAIN_MAX];
	gnutls_x509_trust_list_t tl = NULL;
	size_t i, loaded = 0;
	int rc = -1;

	if (n == 0) {
		*error_r = xstrdup("the server sent no certificate");
		return -1;
	}
	if (n > TLSVERIFY_CHAIN_MAX)
		n = TLSVERIFY_CHAIN_MAX;
	if (gnutls_x509_trust_list_init(&tl, 0) < 0) {
		*error_r = xstrdup("cannot set up certificate checks");
		return -1;
	}
	if (load_trust(tl, ca_file, error_r) == 0 &&
	    import_chain(chain, n, crts, &loaded, error_r) == 0)
		rc = verify(tl, crts, n, host, error_r);
	for (i = 0; i < loaded; i++)
		gnutls_x509_crt_deinit(crts[i]);
	gnutls_x509_trust_list_deinit(tl, 1);
	return rc;
}
