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

int
tlsverify_chain(const struct tlsverify_cert *chain, size_t n, const char *host,
		const char *ca_file, char **error_r)
{
	gnutls_x509_crt_t crts[TLSVERIFY_CHAIN_MAX];
	gnutls_x509_trust_list_t tl = NULL;
	gnutls_typed_vdata_st vdata[2];
	unsigned status = 0;
	size_t i, loaded = 0;
	int rc = -1, grc;

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
	if (load_trust(tl, ca_file, error_r) == -1)
		goto out;
	for (loaded = 0; loaded < n; loaded++) {
		gnutls_datum_t d = {(unsigned char *)chain[loaded].der,
				    (unsigned)chain[loaded].len};

		if (gnutls_x509_crt_init(&crts[loaded]) < 0)
			goto out;
		grc = gnutls_x509_crt_import(crts[loaded], &d,
					     GNUTLS_X509_FMT_DER);
		if (grc < 0) {
			gnutls_x509_crt_deinit(crts[loaded]);
			*error_r = xasprintf("certificate %zu of the server: "
					     "%s",
					     loaded + 1, gnutls_strerror(grc));
			goto out;
		}
	}
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
	} else if (status != 0) {
		gnutls_datum_t text = {NULL, 0};

		gnutls_certificate_verification_status_print(
			status, GNUTLS_CRT_X509, &text, 0);
		*error_r = xasprintf("the certificate of %s is not trusted: "
				     "%s",
				     host,
				     text.data != NULL ? (char *)text.data
						       : "unknown reason");
		gnutls_free(text.data);
	} else {
		rc = 0;
	}
out:
	for (i = 0; i < loaded; i++)
		gnutls_x509_crt_deinit(crts[i]);
	gnutls_x509_trust_list_deinit(tl, 1);
	return rc;
}
