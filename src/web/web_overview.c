#include "autoconf.h"

#include <microhttpd.h>
#include <stdlib.h>

#include "buf.h"
#include "cli_status.h"
#include "log.h"
#include "rules.h"
#include "store_attendance.h"
#include "util.h"
#include "web_overview.h"
#include "web_pages.h"
#include "web_request.h"
#include "web_session.h"

int
web_overview_get(struct web_request *r)
{
	struct store_attendance_contact *rows = NULL;
	struct web_pages_overview v;
	struct cli_status h;
	char *err = NULL;
	struct buf b;
	int rc;

	if (store_attendance_contacts(r->set->store, &rows, &v.n, &err) == -1) {
		return web_reply_unreadable(r, "overview", err);
	}
	v.user = r->session->user;
	v.csrf = r->session->csrf;
	v.capacity = r->set->capacity;
	v.rows = rows;
	v.now = util_clock();
	v.p = r->set->rules->programme;
	v.health = &h;
	if (cli_status_load(r->set->store, r->set->config, v.now, &h, &err) ==
	    -1) {
		log_warnx("web: overview: %s", err);
		free(err);
		v.health = NULL;
	}
	v.running = cli_status_running(r->set->config, h.st.last_cycle, v.now);
	buf_init(&b, WEB_PAGE_MAX);
	rc = web_pages_overview(&b, &v);
	cli_status_deinit(&h);
	store_attendance_contacts_free(rows, v.n);
	return web_reply_built(r, MHD_HTTP_OK, &b, rc);
}
