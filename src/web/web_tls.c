#include "autoconf.h"

#include <sys/stat.h>

#include <errno.h>
#include <gnutls/gnutls.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "web_tls.h"

/* path's text; a key (secret) must give group and others no access. */
static char *
read_pem(const char *path, bool secret, char **error_r)
{
	const char *err;
	struct stat st;
	char *text;
	size_t len;

	if (stat(path, &st) == -1) {
		*error_r = xasprintf("%s: %s", path, strerror(errno));
		return NULL;
	}
	if (secret && (st.st_mode & 077) != 0) {
		*error_r = xasprintf("%s: readable by group or others (mode "
				     "%03o): refusing to use it; run chmod "
				     "600 %s",
				     path, (unsigned)(st.st_mode & 0777), path);
		return NULL;
	}
	text = util_read_file(path, WEB_TLS_FILE_MAX, &len, &err);
	if (text == NULL)
		*error_r = xasprintf("%s: %s", path, err);
	return text;
}

/* Whether GnuTLS takes the pair: parses both and matches the key to
   the certificate, as libmicrohttpd will at start. */
static int
check_pair(const struct web_tls *t, const char *cert_path, char **error_r)
{
	gnutls_certificate_credentials_t cred;
	gnutls_datum_t c = {(unsigned char *)t->cert,
			    (unsigned)strlen(t->cert)};
	gnutls_datum_t k = {(unsigned char *)t->key, (unsigned)strlen(t->key)};
	int rc;

	if (gnutls_certificate_allocate_credentials(&cred) < 0) {
		*error_r = xasprintf("TLS: out of memory");
		return -1;
	}
	rc = gnutls_certificate_set_x509_key_mem2(cred, &c, &k,
						  GNUTLS_X509_FMT_PEM, NULL, 0);
	gnutls_certificate_free_credentials(cred);
	if (rc < 0) {
		*error_r = xasprintf("%s and its key cannot be used: %s",
				     cert_path, gnutls_strerror(rc));
		return -1;
	}
	return 0;
}

int
web_tls_load(struct web_tls *t, const char *cert_path, const char *key_path,
	     char **error_r)
{
	memset(t, 0, sizeof(*t));
	t->cert = read_pem(cert_path, false, error_r);
	if (t->cert == NULL)
		return -1;
	t->key = read_pem(key_path, true, error_r);
	if (t->key == NULL || check_pair(t, cert_path, error_r) == -1) {
		web_tls_deinit(t);
		return -1;
	}
	return 0;
}

void
web_tls_deinit(struct web_tls *t)
{
	if (t->key != NULL)
		explicit_bzero(t->key, strlen(t->key));
	free(t->key);
	free(t->cert);
	memset(t, 0, sizeof(*t));
}
