#include "autoconf.h"

#include <microhttpd.h>
#include <stdlib.h>

#include "buf.h"
#include "log.h"
#include "store_attendance.h"
#include "web_overview.h"
#include "web_pages.h"
#include "web_request.h"
#include "web_session.h"

int
web_overview_get(struct web_request *r)
{
	struct store_attendance_contact *rows = NULL;
	size_t n = 0;
	char *err = NULL;
	struct buf b;
	int rc;

	if (store_attendance_contacts(r->set->store, &rows, &n, &err) == -1) {
		log_warnx("web: overview: %s", err);
		free(err);
		return web_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
				       "Storing",
				       "De gegevens kunnen nu niet worden "
				       "gelezen. Probeert u het later "
				       "opnieuw.");
	}
	buf_init(&b, WEB_PAGE_MAX);
	rc = web_pages_overview(&b, r->session->user, r->session->csrf,
				r->set->capacity, rows, n);
	store_attendance_contacts_free(rows, n);
	if (rc == -1) {
		buf_deinit(&b);
		return web_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
				       "Storing", "De pagina is te groot.");
	}
	return web_reply_page(r, MHD_HTTP_OK, &b);
}
