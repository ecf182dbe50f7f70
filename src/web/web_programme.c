#include "autoconf.h"

#include <microhttpd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "export.h"
#include "log.h"
#include "roster.h"
#include "rules.h"
#include "store.h"
#include "store_attendance.h"
#include "store_programme.h"
#include "util.h"
#include "web_contact.h"
#include "web_programme.h"
#include "web_programme_html.h"
#include "web_request.h"
#include "web_session.h"

/* The longest code a notice names (a CBS code is 6). */
#define CODE_MAX 16

/* Whether s may be a municipality's code in a notice's address. */
static bool
code_ok(const char *s)
{
	size_t n;

	if (s == NULL || s[0] == '\0')
		return false;
	for (n = 0; s[n] != '\0'; n++) {
		if (n == CODE_MAX || !((s[n] >= 'A' && s[n] <= 'Z') ||
				       (s[n] >= 'a' && s[n] <= 'z') ||
				       (s[n] >= '0' && s[n] <= '9') ||
				       s[n] == '-' || s[n] == '_'))
			return false;
	}
	return true;
}

static const char *
query(struct web_request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND,
					   name);
}

/* Whether the table has code in status. */
static bool
is(const struct export_table *t, const char *code, const char *status)
{
	size_t i;

	for (i = 0; i < t->n_rows; i++) {
		if (strcmp(t->rows[i].contact->code, code) == 0)
			return strcmp(t->rows[i].contact->status, status) == 0;
	}
	return false;
}

/* "Utrecht (GM0344)" when the table knows code, else code (heap). */
static char *
named(const struct export_table *t, const char *code)
{
	size_t i;

	for (i = 0; i < t->n_rows; i++) {
		if (strcmp(t->rows[i].contact->code, code) == 0)
			return xasprintf("%s (%s)", t->rows[i].contact->name,
					 code);
	}
	return xstrdup(code);
}

#define SENT_LATER                                                             \
	" De mails gaan bij de volgende ronde van de verwerking de deur uit."
#define NOTHING " Er is niets veranderd."

/* Why nothing happened, by its word in the address: the text before
   and after the municipality. */
static const struct {
	const char *word, *before, *after, *english;
} refused[] = {
	{"onbekend", "Gemeente ", " staat niet ingeschreven." NOTHING,
	 "not enrolled"},
	{"al-teruggetrokken", "", " heeft zich al teruggetrokken." NOTHING,
	 "withdrawn already"},
	{"niet-wachtend", "", " staat niet op de wachtlijst." NOTHING,
	 "not on the waiting list"},
	{"vol",
	 "Alle plaatsen zijn bezet. Kruist u \"Ook als alle plaatsen bezet "
	 "zijn\" aan om ",
	 " toch een plaats te geven." NOTHING, "no place free"},
	{"storing", "Dat is bij ",
	 " niet gelukt door een storing." NOTHING
	 " Probeert u het later opnieuw.",
	 "the database failed"},
};

/* What happened to code, as the address says (?gedaan=) and the
   table agrees (a link cannot say what did not happen): heap or
   NULL. */
static char *
done(struct web_request *r, const struct export_table *t, const char *code,
     const char *who)
{
	const char *word = query(r, "gedaan"), *next = query(r, "plaats");
	char *other, *text;

	if (word != NULL && strcmp(word, "plaats-geven") == 0)
		return is(t, code, "confirmed")
			       ? xasprintf("%s heeft een plaats "
					   "gekregen." SENT_LATER,
					   who)
			       : NULL;
	if (word == NULL || strcmp(word, "terugtrekken") != 0 ||
	    !is(t, code, "withdrawn"))
		return NULL;
	if (!code_ok(next) || !is(t, next, "confirmed"))
		return xasprintf("%s is teruggetrokken." SENT_LATER, who);
	other = named(t, next);
	text = xasprintf("%s is teruggetrokken. %s krijgt de vrijgekomen "
			 "plaats." SENT_LATER,
			 who, other);
	free(other);
	return text;
}

/* The notice the address asks for (heap), or NULL; *refused_r tells
   whether it says why nothing happened. */
static char *
notice(struct web_request *r, const struct export_table *t, bool *refused_r)
{
	const char *word, *code = query(r, "gemeente");
	char *who, *text;
	size_t i;

	*refused_r = false;
	if (!code_ok(code))
		return NULL;
	who = named(t, code);
	text = done(r, t, code, who);
	word = query(r, "fout");
	for (i = 0; text == NULL && word != NULL && i < nitems(refused); i++) {
		if (strcmp(word, refused[i].word) == 0) {
			text = xasprintf("%s%s%s", refused[i].before, who,
					 refused[i].after);
			*refused_r = true;
		}
	}
	/* the contacts' notices, with their own words */
	if (text == NULL)
		text = web_contact_notice(r, t, code, who, refused_r);
	free(who);
	return text;
}

int
web_programme_get(struct web_request *r)
{
	struct store_attendance_contact *contacts = NULL;
	struct store_attendance_answer *answers = NULL;
	size_t n_contacts = 0, n_answers = 0;
	struct web_programme_list v;
	struct export_table t;
	char *err = NULL, *text;
	struct buf b;
	int rc;

	if (store_attendance_contacts(r->set->store, &contacts, &n_contacts,
				      &err) == -1)
		return web_reply_unreadable(r, "municipalities", err);
	if (store_attendance_answers(r->set->store, &answers, &n_answers,
				     &err) == -1) {
		store_attendance_contacts_free(contacts, n_contacts);
		return web_reply_unreadable(r, "municipalities", err);
	}
	export_table_init(&t, r->set->rules->programme, contacts, n_contacts,
			  answers, n_answers);
	memset(&v, 0, sizeof(v));
	v.user = r->session->user;
	v.csrf = r->session->csrf;
	v.capacity = r->set->rules->programme->capacity;
	v.table = &t;
	text = notice(r, &t, &v.refused);
	v.notice = text;
	buf_init(&b, WEB_PAGE_MAX);
	rc = web_programme_html_list(&b, &v);
	free(text);
	export_table_deinit(&t);
	store_attendance_contacts_free(contacts, n_contacts);
	store_attendance_answers_free(answers, n_answers);
	return web_reply_built(r, MHD_HTTP_OK, &b, rc);
}

/* 303 to the page, saying what happened to code (and next). */
static int
answer(struct web_request *r, const char *key, const char *word,
       const char *code, const char *next)
{
	char *to;
	int rc;

	if (code_ok(next))
		to = xasprintf("/gemeenten?%s=%s&gemeente=%s&plaats=%s", key,
			       word, code, next);
	else
		to = xasprintf("/gemeenten?%s=%s&gemeente=%s", key, word, code);
	rc = web_reply_redirect(r, to);
	free(to);
	return rc;
}

static int
refuse(struct web_request *r, const char *what, const char *word)
{
	const char *why = word;
	size_t i;

	for (i = 0; i < nitems(refused); i++) {
		if (strcmp(refused[i].word, word) == 0)
			why = refused[i].english;
	}
	log_info("web: %s: %s %s refused: %s", r->session->user, what, r->arg,
		 why);
	return answer(r, "fout", word, r->arg, NULL);
}

/* The word of refused[] for why roster refused a plan ("storing" for
   an error of the store or of a mail). */
static const char *
refusal_word(enum roster_refusal why)
{
	switch (why) {
	case ROSTER_NOT_ENROLLED:
		return "onbekend";
	case ROSTER_WITHDRAWN:
		return "al-teruggetrokken";
	case ROSTER_NOT_WAITING:
	case ROSTER_NO_WAITING:
		return "niet-wachtend";
	case ROSTER_FULL:
		return "vol";
	case ROSTER_NOT_REFUSED:
		break;
	}
	return "storing";
}

int
web_programme_withdraw_get(struct web_request *r)
{
	struct web_programme_confirm v;
	struct roster_plan plan;
	struct store *s = r->set->store;
	char *err = NULL, *status = NULL, *name = NULL;
	char *next_status = NULL, *next_name = NULL;
	struct buf b;
	int rc;

	/* the plan the POST makes, shown and thrown away */
	if (roster_plan_withdraw(s, r->set->rules, r->set->config, r->arg,
				 "web", NULL, util_clock(), &plan,
				 &err) == -1) {
		if (plan.refused == ROSTER_NOT_REFUSED)
			return web_reply_unreadable(r, "withdraw plan", err);
		free(err);
		return answer(r, "fout", refusal_word(plan.refused), r->arg,
			      NULL);
	}
	rc = store_programme_enrolment(s, r->arg, &status, &name, &err);
	if (rc == 1 && plan.promote != NULL)
		rc = store_programme_enrolment(s, plan.promote, &next_status,
					       &next_name, &err);
	if (rc != 1) {
		roster_plan_free(&plan);
		free(status);
		free(name);
		free(next_status);
		return web_reply_unreadable(
			r, "withdraw plan",
			rc == -1 ? err : xstrdup("enrolment gone"));
	}
	memset(&v, 0, sizeof(v));
	v.user = r->session->user;
	v.csrf = r->session->csrf;
	v.code = r->arg;
	v.name = name;
	v.confirmed = strcmp(status, "confirmed") == 0;
	v.promote = plan.promote;
	v.promote_name = next_name;
	v.mails = plan.mails.n;
	buf_init(&b, WEB_PAGE_MAX);
	rc = web_programme_html_confirm(&b, &v);
	roster_plan_free(&plan);
	free(status);
	free(name);
	free(next_status);
	free(next_name);
	return web_reply_built(r, MHD_HTTP_OK, &b, rc);
}

/* Plans and applies the decision on r->arg in the read-write database
   s, by web:<user>.  0 with what changed in *plan, or -1 with why in
   plan->refused (an error logged). */
static int
decide(struct web_request *r, struct store *s, bool promote, bool force,
       struct roster_plan *plan)
{
	char *who = xasprintf("web:%s", r->session->user), *err = NULL;
	time_t now = util_clock();
	int rc;

	if (promote)
		rc = roster_plan_promote(s, r->set->rules, r->set->config,
					 r->arg, who, force, now, plan, &err);
	else
		rc = roster_plan_withdraw(s, r->set->rules, r->set->config,
					  r->arg, who, NULL, now, plan, &err);
	if (rc == 0) {
		rc = store_programme_change(s, &plan->change, now, &err);
		if (rc == -1)
			roster_plan_free(plan);
	}
	if (rc == -1 && plan->refused == ROSTER_NOT_REFUSED)
		log_warnx("web: %s: %s %s: %s", r->session->user,
			  promote ? "promote" : "withdraw", r->arg, err);
	if (rc == -1)
		free(err);
	free(who);
	return rc;
}

static int
post(struct web_request *r, bool promote)
{
	const char *force_field = web_request_field(r, "force");
	bool force =
		promote && force_field != NULL && strcmp(force_field, "1") == 0;
	const char *what = promote ? "promote" : "withdraw";
	struct roster_plan plan;
	struct store *s = web_request_store_rw(r);
	int rc;

	if (s == NULL)
		return refuse(r, what, "storing");
	rc = decide(r, s, promote, force, &plan);
	store_close(&s);
	if (rc == -1)
		return refuse(r, what, refusal_word(plan.refused));
	if (promote) {
		log_info("web: %s promoted %s from the waiting list%s, %zu "
			 "mails queued",
			 r->session->user, r->arg, force ? " (forced)" : "",
			 plan.mails.n);
		rc = answer(r, "gedaan", "plaats-geven", r->arg, NULL);
	} else {
		log_info("web: %s withdrew %s%s%s, %zu mails queued",
			 r->session->user, r->arg,
			 plan.promote != NULL ? "; promoted " : "",
			 plan.promote != NULL ? plan.promote : "",
			 plan.mails.n);
		rc = answer(r, "gedaan", "terugtrekken", r->arg, plan.promote);
	}
	roster_plan_free(&plan);
	return rc;
}

int
web_programme_withdraw_post(struct web_request *r)
{
	return post(r, false);
}

int
web_programme_promote_post(struct web_request *r)
{
	return post(r, true);
}
