#include "autoconf.h"

#include <ctype.h>
#include <microhttpd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli_review.h"
#include "cli_rows.h"
#include "cli_show.h"
#include "config.h"
#include "gemeenten.h"
#include "log.h"
#include "review.h"
#include "rules.h"
#include "store.h"
#include "store_report.h"
#include "store_review.h"
#include "util.h"
#include "web_request.h"
#include "web_review.h"
#include "web_review_html.h"
#include "web_session.h"

static int
not_found(struct web_request *r)
{
	return web_reply_error(r, MHD_HTTP_NOT_FOUND, "Niet gevonden",
			       "Er is geen bericht met dit nummer.");
}

/* A review item's id: digits only, at least 1; -1 for anything else. */
static int
parse_id(const char *s, int64_t *id_r)
{
	const char *err, *p;
	long long v;

	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
	}
	if (util_strtonum(s, 1, INT64_MAX, &v, &err) == -1)
		return -1;
	*id_r = v;
	return 0;
}

int
web_review_queue(struct web_request *r)
{
	struct cli_rows rows = {NULL, 0};
	char *err = NULL;
	struct buf b;
	int rc;

	/* the same report as aanmeld queue */
	if (store_report(r->set->store, "queue", NULL, cli_rows_add, &rows,
			 &err) == -1) {
		log_warnx("web: queue: %s", err);
		free(err);
		cli_rows_deinit(&rows);
		return web_reply_unreadable(r, NULL, NULL);
	}
	buf_init(&b, WEB_PAGE_MAX);
	rc = web_review_html_queue(&b, r->session->user, r->session->csrf,
				   &rows);
	cli_rows_deinit(&rows);
	return web_reply_built(r, MHD_HTTP_OK, &b, rc);
}

static int
by_name(const void *a, const void *b)
{
	const struct gemeente *const *x = a, *const *y = b;

	return strcmp((*x)->name_lower, (*y)->name_lower);
}

/* The item's page with notice (refusal: why, in Dutch). */
static int
item_page(struct web_request *r, int64_t id, unsigned status,
	  enum web_review_notice notice, const char *refusal)
{
	const struct gemeenten *all = r->set->rules->gemeenten;
	const struct gemeente **list, *g;
	struct web_review_item v;
	struct store_review_item it;
	struct cli_show sh;
	time_t now = util_clock();
	char *err = NULL;
	size_t i, n = 0;
	struct buf b;
	int rc;

	rc = store_review_get(r->set->store, id, &it, &err);
	if (rc == 1 && it.message > 0)
		rc = cli_show_load(r->set->store, r->set->config->spool_dir,
				   it.message, &sh, &err) == -1
			     ? -1
			     : 1;
	else
		memset(&sh, 0, sizeof(sh));
	if (rc != 1) {
		if (rc == -1)
			log_warnx("web: review item %lld: %s", (long long)id,
				  err);
		free(err);
		store_review_item_deinit(&it);
		cli_show_deinit(&sh);
		return rc == 0 ? not_found(r)
			       : web_reply_unreadable(r, NULL, NULL);
	}
	/* a link may ask for any notice: one that says the item was
	   decided shows only on an item that was */
	if (strcmp(it.status, "open") == 0 &&
	    notice != WEB_REVIEW_NOTICE_REFUSED)
		notice = WEB_REVIEW_NOTICE_NONE;
	/* the register in force, by name */
	list = xcalloc(gemeenten_count(all) + 1, sizeof(*list));
	for (i = 0; i < gemeenten_count(all); i++) {
		g = gemeenten_nth(all, i);
		if (!gemeenten_merged_at(g, now))
			list[n++] = g;
	}
	qsort(list, n, sizeof(*list), by_name);
	memset(&v, 0, sizeof(v));
	v.it = &it;
	v.show = it.message > 0 ? &sh : NULL;
	v.gemeenten = list;
	v.n_gemeenten = n;
	g = it.suggested != NULL ? gemeenten_by_code(all, it.suggested) : NULL;
	v.selected = g != NULL ? gemeenten_at(g, now)->code : NULL;
	v.notice = notice;
	v.refusal = refusal;
	buf_init(&b, WEB_PAGE_MAX);
	rc = web_review_html_item(&b, r->session->user, r->session->csrf, &v);
	free(list);
	store_review_item_deinit(&it);
	cli_show_deinit(&sh);
	return web_reply_built(r, status, &b, rc);
}

/* What ?uitkomst= a decision's redirect carries means. */
static const struct {
	const char *name;
	enum web_review_notice notice;
} outcomes[] = {
	{"gedaan", WEB_REVIEW_NOTICE_DONE},
	{"gesloten", WEB_REVIEW_NOTICE_CLOSED},
	{"al-beoordeeld", WEB_REVIEW_NOTICE_ALREADY},
};

int
web_review_item(struct web_request *r)
{
	enum web_review_notice notice = WEB_REVIEW_NOTICE_NONE;
	const char *said;
	int64_t id;
	size_t i;

	if (parse_id(r->arg, &id) == -1)
		return not_found(r);
	said = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND,
					   "uitkomst");
	for (i = 0; said != NULL && i < nitems(outcomes); i++) {
		if (strcmp(said, outcomes[i].name) == 0)
			notice = outcomes[i].notice;
	}
	return item_page(r, id, MHD_HTTP_OK, notice, NULL);
}

/* 303 to the item's page saying outcome (an outcomes[] name). */
static int
to_item(struct web_request *r, int64_t id, const char *outcome)
{
	char where[96];

	snprintf(where, sizeof(where), "/beoordelen/%lld?uitkomst=%s",
		 (long long)id, outcome);
	return web_reply_redirect(r, where);
}

/* Whether open item id is about no message of its own (a failed mail):
   review_decide() lets only dismiss close it, and says so in English
   as a failure.  1, 0, or -1 logged. */
static int
only_dismiss(struct web_request *r, int64_t id)
{
	struct store_review_item it;
	char *err = NULL;
	int rc = store_review_get(r->set->store, id, &it, &err);

	if (rc == -1) {
		log_warnx("web: review item %lld: %s", (long long)id, err);
		free(err);
	} else if (rc == 1) {
		rc = strcmp(it.status, "open") == 0 &&
		     (it.outbox > 0 || it.message <= 0);
	}
	store_review_item_deinit(&it);
	return rc;
}

static int
decide(struct web_request *r, enum review_decision d, const char *code,
       bool silent)
{
	const char *name = review_decision_name(d);
	struct review rv;
	char *by = NULL, *err = NULL, *actor;
	int64_t id;
	int rc;

	if (parse_id(r->arg, &id) == -1)
		return not_found(r);
	if (d != REVIEW_DISMISS) {
		rc = only_dismiss(r, id);
		if (rc == -1)
			return web_reply_unreadable(r, NULL, NULL);
		if (rc == 1)
			return item_page(r, id, MHD_HTTP_CONFLICT,
					 WEB_REVIEW_NOTICE_REFUSED,
					 "dit gaat niet over een binnengekomen "
					 "bericht; u kunt het alleen negeren");
	}
	if (d == REVIEW_APPROVE && (code == NULL || code[0] == '\0'))
		return item_page(r, id, MHD_HTTP_UNPROCESSABLE_CONTENT,
				 WEB_REVIEW_NOTICE_REFUSED,
				 "kies eerst een gemeente");
	if (d == REVIEW_APPROVE &&
	    gemeenten_by_code(r->set->rules->gemeenten, code) == NULL)
		return item_page(r, id, MHD_HTTP_UNPROCESSABLE_CONTENT,
				 WEB_REVIEW_NOTICE_REFUSED,
				 "deze gemeentecode staat niet in het "
				 "register");
	rv.config = r->set->config;
	rv.rules = r->set->rules;
	rv.store = web_request_store_rw(r);
	if (rv.store == NULL)
		return web_reply_unreadable(r, NULL, NULL);
	actor = xasprintf("web:%s", r->session->user);
	rc = cli_review_decide(&rv, d, id, code, silent, actor, true, &by,
			       &err);
	store_close(&rv.store);
	switch (rc) {
	case REVIEW_APPLIED:
	case REVIEW_CLOSED:
		/* review_decide() logged it, with the actor */
		rc = to_item(r, id,
			     rc == REVIEW_APPLIED ? "gedaan" : "gesloten");
		break;
	case REVIEW_ALREADY:
		log_info("review item %lld: %s by %s refused: decided "
			 "already by %s",
			 (long long)id, name, actor, by);
		rc = to_item(r, id, "al-beoordeeld");
		break;
	case REVIEW_NOT_FOUND:
		rc = not_found(r);
		break;
	case REVIEW_REFUSED:
	case REVIEW_NO_MUNICIPALITY:
		log_info("review item %lld: %s by %s refused: %s",
			 (long long)id, name, actor, err);
		rc = item_page(r, id, MHD_HTTP_CONFLICT,
			       WEB_REVIEW_NOTICE_REFUSED, err);
		break;
	default:
		log_warnx("review item %lld: %s by %s failed: %s",
			  (long long)id, name, actor, err);
		rc = web_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
				     "Storing",
				     "Het besluit kon niet worden vastgelegd. "
				     "Er is niets veranderd; probeert u het "
				     "later opnieuw.");
	}
	free(actor);
	free(by);
	free(err);
	return rc;
}

int
web_review_approve(struct web_request *r)
{
	return decide(r, REVIEW_APPROVE, web_request_field(r, "gemeente"),
		      false);
}

int
web_review_reject(struct web_request *r)
{
	return decide(r, REVIEW_REJECT, NULL,
		      web_request_field(r, "stil") != NULL);
}

int
web_review_dismiss(struct web_request *r)
{
	return decide(r, REVIEW_DISMISS, NULL, false);
}

int
web_review_history(struct web_request *r)
{
	const char *qcode, *qid;
	char upper[16];
	size_t i;
	const struct gemeente *g = NULL;
	struct cli_rows rows = {NULL, 0};
	char *err = NULL, *filter = NULL;
	int64_t id = 0;
	struct buf b;
	int rc;

	qcode = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND,
					    "code");
	qid = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "id");
	if (qcode != NULL && qid != NULL)
		return web_reply_error(r, MHD_HTTP_BAD_REQUEST, "Ongeldig",
				       "Kies een gemeente of een bericht, "
				       "niet allebei.");
	if (qcode != NULL && *qcode == '\0')
		qcode = NULL; /* the form sent with the field empty */
	if (qcode != NULL) {
		/* typed in the form: gm0363 is GM0363 */
		util_strlcpy(upper, qcode, sizeof(upper));
		for (i = 0; upper[i] != '\0'; i++)
			upper[i] = (char)toupper((unsigned char)upper[i]);
		g = gemeenten_by_code(r->set->rules->gemeenten, upper);
		if (g == NULL)
			return web_reply_error(r, MHD_HTTP_BAD_REQUEST,
					       "Ongeldig",
					       "Deze gemeentecode staat niet "
					       "in het register.");
		filter = xasprintf("gemeente %s (%s)", g->name, g->code);
	}
	if (qid != NULL) {
		if (parse_id(qid, &id) == -1)
			return not_found(r);
		filter = xasprintf("bericht %lld", (long long)id);
	}
	rc = cli_review_history_load(r->set->store, g != NULL ? g->code : NULL,
				     id, &rows, &err);
	if (rc != 1) {
		if (rc == -1)
			log_warnx("web: history: %s", err);
		free(err);
		free(filter);
		cli_rows_deinit(&rows);
		return rc == 0 ? not_found(r)
			       : web_reply_unreadable(r, NULL, NULL);
	}
	buf_init(&b, WEB_PAGE_MAX);
	rc = web_review_html_history(&b, r->session->user, r->session->csrf,
				     filter, &rows);
	free(filter);
	cli_rows_deinit(&rows);
	return web_reply_built(r, MHD_HTTP_OK, &b, rc);
}
