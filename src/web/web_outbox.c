#include "autoconf.h"

#include <microhttpd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "cli_attendance.h"
#include "cli_outbox.h"
#include "log.h"
#include "message.h"
#include "rules.h"
#include "store.h"
#include "store_outbox.h"
#include "util.h"
#include "web_outbox.h"
#include "web_outbox_html.h"
#include "web_request.h"
#include "web_session.h"

#define NOTHING " Er is niets veranderd."

/* What the address says (?gedaan= or ?fout=, with ?mail=): the text
   before and after the mail's number. */
static const struct {
	const char *key, *word, *before, *after;
} notices[] = {
	{"gedaan", "opnieuw", "Mail ",
	 " staat weer klaar; hij gaat bij de volgende ronde van de "
	 "verwerking de deur uit."},
	{"gedaan", "annuleren", "Mail ",
	 " is geannuleerd; hij wordt nooit verstuurd."},
	{"fout", "onbekend", "Mail ", " bestaat niet." NOTHING},
	{"fout", "geannuleerd", "Mail ",
	 " is geannuleerd en wordt nooit verstuurd." NOTHING},
	{"fout", "verstuurd", "Mail ", " is al verstuurd." NOTHING},
	{"fout", "onderweg", "Mail ",
	 " wordt op dit moment verstuurd." NOTHING},
	{"fout", "teruggekomen", "Mail ",
	 " is al verstuurd en kwam terug." NOTHING},
	{"fout", "storing", "Dat is bij mail ",
	 " niet gelukt door een storing." NOTHING
	 " Probeert u het later opnieuw."},
};

static const char *
query(struct web_request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND,
					   name);
}

/* The mail number in s, or 0 when s is none. */
static long long
number(const char *s)
{
	long long id;
	const char *err;

	if (s == NULL || util_strtonum(s, 1, INT64_MAX, &id, &err) == -1)
		return 0;
	return id;
}

/* Whether mail id, among the rows shown, is in a state that "gedaan"
   word leaves it in: a link cannot say what did not happen. */
static bool
agrees(const struct web_outbox_list *v, long long id, const char *word)
{
	const char *state = NULL;
	size_t i;

	for (i = 0; i < v->n; i++) {
		if (v->rows[i].id == id)
			state = v->rows[i].state;
	}
	if (state == NULL)
		return false;
	if (strcmp(word, "annuleren") == 0)
		return strcmp(state, "cancelled") == 0;
	return strcmp(state, "queued") == 0 || strcmp(state, "retrying") == 0 ||
	       strcmp(state, "sending") == 0;
}

static char *
notice(struct web_request *r, const struct web_outbox_list *v, bool *refused_r)
{
	long long id = number(query(r, "mail"));
	const char *word;
	size_t i;

	*refused_r = false;
	for (i = 0; id != 0 && i < nitems(notices); i++) {
		word = query(r, notices[i].key);
		if (word != NULL && strcmp(word, notices[i].word) == 0) {
			if (strcmp(notices[i].key, "gedaan") == 0 &&
			    !agrees(v, id, word))
				return NULL;
			*refused_r = strcmp(notices[i].key, "fout") == 0;
			return xasprintf("%s%lld%s", notices[i].before, id,
					 notices[i].after);
		}
	}
	return NULL;
}

/* The decoded subject of each mail (heap strings or NULL). */
static char **
subjects(const struct store_outbox_item *rows, size_t n)
{
	char **v = xcalloc(n + 1, sizeof(*v));
	struct message *m;
	size_t i;

	for (i = 0; i < n; i++) {
		/* our own mail, as compose wrote it: its header only */
		m = message_parse_header(rows[i].head, rows[i].head_len,
					 rows[i].head_len);
		if (m->subject != NULL)
			v[i] = xstrdup(m->subject);
		message_free(m);
	}
	return v;
}

int
web_outbox_get(struct web_request *r)
{
	struct store_outbox_item *rows = NULL;
	struct web_outbox_list v;
	size_t n = 0;
	int more = 0, rc;
	char *err = NULL, *text, **subj;
	struct buf b;

	if (store_outbox_list(r->set->store, WEB_OUTBOX_ROWS, &rows, &n, &more,
			      &err) == -1) {
		return web_reply_unreadable(r, "outbox", err);
	}
	subj = subjects(rows, n);
	memset(&v, 0, sizeof(v));
	v.user = r->session->user;
	v.csrf = r->session->csrf;
	v.rows = rows;
	v.subjects = (const char *const *)subj;
	v.n = n;
	v.more = more != 0;
	text = notice(r, &v, &v.refused);
	v.notice = text;
	buf_init(&b, WEB_PAGE_MAX);
	rc = web_outbox_html_list(&b, &v);
	free(text);
	util_free_strv(subj, n);
	store_outbox_items_free(rows, n);
	return web_reply_built(r, MHD_HTTP_OK, &b, rc);
}

/* 303 to the page with what happened to mail id. */
static int
answer(struct web_request *r, const char *key, const char *word, long long id)
{
	char to[96];

	(void)snprintf(to, sizeof(to), "/uitgaand?%s=%s&mail=%lld", key, word,
		       id);
	return web_reply_redirect(r, to);
}

/* Why a mail in state is left alone, as a word of notices[]. */
static const char *
refusal(const char *state)
{
	if (state == NULL)
		return "onbekend";
	if (strcmp(state, "cancelled") == 0)
		return "geannuleerd";
	if (strcmp(state, "bounced") == 0)
		return "teruggekomen";
	if (strcmp(state, "sending") == 0)
		return "onderweg";
	return "verstuurd";
}

static int
decide(struct web_request *r, bool cancel)
{
	long long id = number(r->arg);
	const char *what = cancel ? "cancel" : "retry";
	char *who, *state = NULL, *err = NULL;
	struct store *s;
	int rc;

	if (id == 0)
		return web_reply_error(r, MHD_HTTP_NOT_FOUND, "Niet gevonden",
				       "Deze mail bestaat niet.");
	s = web_request_store_rw(r);
	if (s == NULL)
		return answer(r, "fout", "storing", id);
	who = xasprintf("web:%s", r->session->user);
	if (cancel)
		rc = cli_outbox_cancel(s, id, who, util_clock(), &state, &err);
	else
		rc = cli_outbox_retry(s, id, util_clock(), &state, &err);
	store_close(&s);
	free(who);
	if (rc == -1) {
		log_warnx("web: %s: %s of mail %lld: %s", r->session->user,
			  what, id, err);
		free(err);
		return answer(r, "fout", "storing", id);
	}
	if (rc == 0) {
		log_info("web: %s: %s of mail %lld refused: it is %s",
			 r->session->user, what, id,
			 state != NULL ? state : "unknown");
		rc = answer(r, "fout", refusal(state), id);
		free(state);
		return rc;
	}
	log_info("web: %s %s mail %lld", r->session->user,
		 cancel ? "cancelled" : "queued again", id);
	return answer(r, "gedaan", cancel ? "annuleren" : "opnieuw", id);
}

int
web_outbox_retry_post(struct web_request *r)
{
	return decide(r, false);
}

int
web_outbox_cancel_post(struct web_request *r)
{
	return decide(r, true);
}

int
web_outbox_export_get(struct web_request *r)
{
	char *csv, *err = NULL, name[64];
	time_t now = util_clock();
	struct tm tm;
	size_t len;
	struct buf b;

	csv = cli_attendance_csv(r->set->store, r->set->rules->programme, true,
				 &len, &err);
	if (csv == NULL) {
		log_warnx("web: export: %s", err);
		free(err);
		return web_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
				       "Storing",
				       "De export kan nu niet worden gemaakt. "
				       "Probeert u het later opnieuw.");
	}
	if (localtime_r(&now, &tm) == NULL ||
	    strftime(name, sizeof(name), "aanmeldingen-%Y-%m-%d.csv", &tm) == 0)
		util_strlcpy(name, "aanmeldingen.csv", sizeof(name));
	buf_init(&b, len + 1);
	(void)buf_add(&b, csv, len);
	free(csv);
	log_info("web: %s downloaded the export", r->session->user);
	return web_reply_download(r, "text/csv; charset=utf-8", name, &b);
}
