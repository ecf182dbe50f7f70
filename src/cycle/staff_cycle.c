#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compose.h"
#include "config.h"
#include "log.h"
#include "outmail.h"
#include "programme.h"
#include "refusal.h"
#include "rules.h"
#include "staff.h"
#include "staff_cycle.h"
#include "store_staff.h"
#include "util.h"

/* Composes a mail to staff into *sm (empty after a failure); the
   caller queues it with its state change. */
static int
staff_mail_build(struct outmail *sm, const struct config *c,
		 const struct rules *r, const char *key, const char *kind,
		 char *subject, char *body, time_t now, char **error_r)
{
	struct compose_mail m;
	const char *err;
	size_t len;

	outmail_init(sm, xstrdup(key), kind, c);
	memset(&m, 0, sizeof(m));
	m.from_name = r->programme->organiser_name;
	m.from_addr = r->programme->address;
	m.to_addr = c->staff_address;
	m.subject = subject;
	m.message_id = sm->message_id;
	m.auto_submitted = "auto-generated";
	m.date = now;
	m.body = body;
	sm->raw = compose_message(&m, &len, &err);
	free(subject);
	free(body);
	if (sm->raw == NULL) {
		*error_r = xasprintf("cannot compose the %s: %s", kind, err);
		outmail_deinit(sm);
		return -1;
	}
	sm->rcpt = xstrdup(c->staff_address);
	sm->len = len;
	return 0;
}

/* The warning of an outage, or the note that it is over. */
static int
poll_mail(struct store *s, const struct config *c, const struct rules *r,
	  const struct store_staff_state *st, bool ok, time_t now,
	  char **error_r)
{
	struct outmail sm;
	char *subject, *body, *last = NULL, *codes = NULL, key[64];
	time_t since = staff_down_since(
		st->last_poll_ok, st->down_since != 0 ? st->down_since : now);
	int rc;

	switch (staff_poll_step(ok, now, st->last_poll_ok, st->down_since,
				st->warned_at,
				(time_t)c->staff_warn_after * 60)) {
	case STAFF_POLL_WARN:
		if (store_staff_last_error(s, &last, &codes, error_r) == -1)
			return -1;
		/* staff read what failed in Dutch; the detail is logged */
		staff_warning_render(r, since, codes, &subject, &body);
		free(last);
		free(codes);
		snprintf(key, sizeof(key), "staff-warning:%lld",
			 (long long)since);
		if (staff_mail_build(&sm, c, r, key, "staff-warning", subject,
				     body, now, error_r) == -1)
			return -1;
		rc = store_staff_warned(s, &sm, now, now, error_r);
		if (rc == 0)
			log_warnx("no successful poll for %u minutes: "
				  "warning queued for %s",
				  c->staff_warn_after, c->staff_address);
		break;
	case STAFF_POLL_RECOVERED:
		staff_recovered_render(r, since, now, &subject, &body);
		snprintf(key, sizeof(key), "staff-recovered:%lld",
			 (long long)st->warned_at);
		if (staff_mail_build(&sm, c, r, key, "staff-recovered", subject,
				     body, now, error_r) == -1)
			return -1;
		rc = store_staff_warned(s, &sm, 0, now, error_r);
		if (rc == 0)
			log_info("polling works again: note queued for %s",
				 c->staff_address);
		break;
	default:
		return 0;
	}
	outmail_deinit(&sm);
	return rc;
}

static int
summary(struct store *s, const struct config *c, const struct rules *r,
	const struct store_staff_state *st, time_t now, char **error_r)
{
	char period[STAFF_PERIOD_MAX], key[32], *subject, *body;
	struct staff_summary sum;
	struct outmail sm;
	bool news = false;
	int rc;

	if (staff_period(now, c->staff_summary_minute, c->staff_summary_every,
			 period) == -1)
		return 0;
	if (st->summary_period[0] != '\0' &&
	    strcmp(period, st->summary_period) > 0 &&
	    store_staff_news(s, st->summary_review_id, st->summary_sent_at,
			     &news, error_r) == -1)
		return -1;
	switch (staff_summary_step(period, st->summary_period, news)) {
	case STAFF_SUMMARY_WAIT:
		return 0;
	case STAFF_SUMMARY_BASELINE:
	case STAFF_SUMMARY_SKIP:
		return store_staff_summary_done(
			s, period, NULL, st->summary_review_id, now, error_r);
	case STAFF_SUMMARY_SEND:
		break;
	}
	if (store_staff_summary(s, st->summary_sent_at, &sum, error_r) == -1)
		return -1;
	staff_summary_render(&sum, r, c->folder_review, c->web_url, now,
			     &subject, &body);
	snprintf(key, sizeof(key), "summary:%s", period);
	if (staff_mail_build(&sm, c, r, key, "staff-summary", subject, body,
			     now, error_r) == -1) {
		staff_summary_deinit(&sum);
		return -1;
	}
	rc = store_staff_summary_done(s, period, &sm, sum.last_review, now,
				      error_r);
	if (rc == 0)
		log_info("summary for %s queued for %s: %zu to review, %zu "
			 "new, %zu waiting, %zu failed",
			 period, c->staff_address, sum.n_reviews,
			 sum.n_enrolled, sum.n_waitlist, sum.n_failed);
	staff_summary_deinit(&sum);
	outmail_deinit(&sm);
	return rc;
}

/* --- an unusable folder: kept as an error "folder ...", told once a day */

struct folder_find {
	char since[32]; /* as the database writes last_at */
	char *text;
	char *codes;
};

/* Whether an error row is about a folder: its code, or in a row from
   before the codes its text. */
static bool
about_folder(const char *text, const char *codes)
{
	struct reason_list l;
	bool yes = false;

	if (codes == NULL)
		return strncmp(text, "folder", 6) == 0;
	if (reason_list_decode(codes, &l) == -1)
		return false;
	for (size_t i = 0; i < l.n; i++)
		yes = yes || l.v[i].code == REASON_OP_FOLDER;
	reason_list_deinit(&l);
	return yes;
}

static void
folder_row(void *ctx, int n, const char *const *v, const char *const *names)
{
	struct folder_find *f = ctx;

	(void)names;
	if (n >= 4 && f->text == NULL && v[0] != NULL && v[2] != NULL &&
	    strcmp(v[0], f->since) >= 0 && about_folder(v[2], v[3])) {
		f->text = xstrdup(v[2]);
		f->codes = v[3] != NULL ? xstrdup(v[3]) : NULL;
	}
}

/* The newest folder error since: its English text and its codes (heap;
   codes NULL in an old row).  1 found, 0 none, -1. */
static int
folder_find(struct store *s, time_t since, char **text_r, char **codes_r,
	    char **error_r)
{
	struct folder_find f = {"", NULL, NULL};
	struct tm tm;

	if (localtime_r(&since, &tm) != NULL)
		(void)strftime(f.since, sizeof(f.since), "%Y-%m-%d %H:%M:%S",
			       &tm);
	if (store_staff_errors(s, folder_row, &f, error_r) == -1)
		return -1;
	*text_r = f.text;
	*codes_r = f.codes;
	return f.text != NULL ? 1 : 0;
}

int
staff_cycle_folder_problem(struct store *s, time_t since, char **text_r,
			   char **error_r)
{
	char *codes = NULL;
	int rc = folder_find(s, since, text_r, &codes, error_r);

	free(codes);
	return rc;
}

/* The staff warning of a folder that cannot be used (at most one a day):
   the moves into it wait in the inbox until someone looks. */
static int
folder_mail(struct store *s, const struct config *c, const struct rules *r,
	    time_t now, char **error_r)
{
	struct store_staff_state st;
	struct outmail sm;
	char *text = NULL, *codes = NULL, *why, key[48];
	int rc;

	rc = folder_find(s, now - (time_t)c->poll_interval - 60, &text, &codes,
			 error_r);
	if (rc != 1)
		return rc;
	/* in Dutch from the code; the English text is in the log */
	why = staff_error_text(codes);
	free(codes);
	free(text);
	snprintf(key, sizeof(key), "staff-folders:%lld",
		 (long long)(now / 86400));
	rc = staff_mail_build(
		&sm, c, r, key, "staff-warning",
		xstrdup("Let op: aanmeld kan een map in de mailbox niet "
			"gebruiken"),
		xasprintf("Geachte collega,\n\n"
			  "aanmeld kan een map in de mailbox %s niet "
			  "gebruiken.\nBerichten die daarheen moeten, blijven "
			  "in de inbox staan; er gaat\nniets verloren. Wilt u "
			  "de beheerder vragen ernaar te kijken?\nWat er "
			  "misging:\n\n  %s.\n\n"
			  "Met vriendelijke groet,\n\naanmeld, de "
			  "aanmeldbalie van %s\n",
			  r->programme->address, why, r->programme->address),
		now, error_r);
	free(why);
	/* the outage state stays as it is (poll_mail() may just have set
	   it); the key keeps the warning to one a day */
	if (rc == 0)
		rc = store_staff_state(s, &st, error_r);
	if (rc == 0)
		rc = store_staff_warned(s, &sm, st.warned_at, now, error_r);
	outmail_deinit(&sm);
	return rc;
}

void
staff_cycle_run(struct store *s, const struct config *c, const struct rules *r,
		int intake_rc, unsigned backlog, time_t now)
{
	struct store_staff_state st;
	char *err = NULL;
	bool ok = intake_rc == 0;

	/* the state before this poll: the outage's start is in it */
	if (store_staff_state(s, &st, &err) == -1 ||
	    store_staff_poll(s, ok, backlog, now, &err) == -1 ||
	    (c->staff_address != NULL &&
	     (poll_mail(s, c, r, &st, ok, now, &err) == -1 ||
	      summary(s, c, r, &st, now, &err) == -1 ||
	      folder_mail(s, c, r, now, &err) == -1))) {
		log_warnx("staff: %s", err);
		free(err);
	}
}

time_t
staff_cycle_held(struct store *s, const char *service, unsigned retry,
		 time_t now)
{
	struct store_staff_refusal f;
	char *err = NULL, at[16];
	struct tm tm;
	bool found;
	time_t next = 0;

	if (store_staff_refusal(s, service, &f, &found, &err) == -1) {
		log_warnx("staff: %s", err);
		free(err);
		return 0;
	}
	if (found)
		next = refusal_held_until(f.next_try, now, retry);
	/* a clock set back: the cap is kept, or it would move with now */
	if (next != 0 && next != f.next_try &&
	    store_staff_refused(s, service, f.host, f.user, next, NULL, false,
				now, &err) == -1) {
		log_warnx("staff: %s", err);
		free(err);
	}
	if (next != 0) { /* not silent: a fixed password waits for this */
		if (localtime_r(&next, &tm) == NULL ||
		    strftime(at, sizeof(at), "%H:%M", &tm) == 0)
			util_strlcpy(at, "?", sizeof(at));
		log_warnx("%s: login held after a refused login until %s "
			  "(login_retry)",
			  service, at);
	}
	store_staff_refusal_deinit(&f);
	return next;
}

/* The warning of a first refusal into *sm; false when none goes out. */
static bool
refused_mail(struct outmail *sm, const struct config *c, const struct rules *r,
	     const struct staff_login *l, time_t now, char **error_r)
{
	char key[64], *subject, *body;

	if (c->staff_address == NULL)
		return false;
	refusal_warning_render(r, strcmp(l->service, "imap") == 0, l->host,
			       l->user, now, l->retry, &subject, &body);
	snprintf(key, sizeof(key), "staff-refused:%s:%lld", l->service,
		 (long long)now);
	return staff_mail_build(sm, c, r, key, "staff-warning", subject, body,
				now, error_r) == 0;
}

void
staff_cycle_refused(struct store *s, const struct config *c,
		    const struct rules *r, const struct staff_login *l,
		    time_t now)
{
	struct store_staff_refusal f;
	struct outmail sm;
	char next_at[32], *err = NULL;
	bool found, mail = false;
	time_t next = refusal_next_try(now, l->retry);

	if (store_staff_refusal(s, l->service, &f, &found, &err) == 0 &&
	    !found && (mail = refused_mail(&sm, c, r, l, now, &err)) == false &&
	    err != NULL) {
		log_warnx("staff: %s", err);
		free(err);
		err = NULL;
	}
	store_staff_refusal_deinit(&f);
	if (err == NULL &&
	    store_staff_refused(
		    s, l->service, l->host, l->user, next, mail ? &sm : NULL,
		    mail && strcmp(l->service, "imap") == 0, now, &err) == 0) {
		log_warnx("%s: login refused by %s as %s; next try at %s%s%s",
			  l->service, l->host, l->user,
			  util_format_time(next, next_at, sizeof(next_at)),
			  mail ? ": warning queued for " : "",
			  mail ? c->staff_address : "");
	}
	if (err != NULL) {
		log_warnx("staff: %s", err);
		free(err);
	}
	if (mail)
		outmail_deinit(&sm);
}

void
staff_cycle_login_ok(struct store *s, const struct config *c,
		     const struct rules *r, const char *service, time_t now)
{
	struct store_staff_refusal f;
	struct outmail sm;
	char key[64], *subject, *body, *err = NULL;
	bool found, mail = false;
	int rc;

	if (store_staff_refusal(s, service, &f, &found, &err) == -1 || !found)
		goto out;
	if (strcmp(service, "smtp") == 0 && c->staff_address != NULL) {
		staff_recovered_render(r, f.since, now, &subject, &body);
		snprintf(key, sizeof(key), "staff-recovered:%s:%lld", service,
			 (long long)f.since);
		mail = staff_mail_build(&sm, c, r, key, "staff-recovered",
					subject, body, now, &err) == 0;
	}
	if (err == NULL) {
		rc = store_staff_login_ok(s, service, mail ? &sm : NULL, now,
					  &err);
		if (rc == 0)
			log_info("%s: %s accepts the login as %s again",
				 service, f.host, f.user);
	}
	if (mail)
		outmail_deinit(&sm);
out:
	store_staff_refusal_deinit(&f);
	if (err != NULL) {
		log_warnx("staff: %s", err);
		free(err);
	}
}

void
staff_cycle_error(struct store *s, time_t now, enum reason_code code,
		  const char *arg, const char *fmt, ...)
{
	char *text, *clean, *codes, *err = NULL;
	struct reason_list why = {NULL, 0};
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || s == NULL)
		return;
	text = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	(void)vsnprintf(text, (size_t)n + 1, fmt, ap);
	va_end(ap);
	clean = staff_error_clean(text);
	/* a code without an argument ignores arg */
	reason_list_add(&why, code, arg);
	codes = reason_list_encode(&why);
	reason_list_deinit(&why);
	if (store_staff_error(s, clean, codes, now, &err) == -1) {
		log_debug("status: cannot keep the error: %s", err);
		free(err);
	}
	free(codes);
	free(clean);
	free(text);
}
