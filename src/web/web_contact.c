#include "autoconf.h"

#include <microhttpd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "contact.h"
#include "export.h"
#include "gemeenten.h"
#include "log.h"
#include "outmail.h"
#include "rules.h"
#include "schedule.h"
#include "store.h"
#include "store_attendance.h"
#include "store_programme.h"
#include "util.h"
#include "web_contact.h"
#include "web_contact_html.h"
#include "web_request.h"
#include "web_session.h"

enum verb { ADD, REMOVE, RESTORE };

static const char *const english[] = {"contact add", "contact remove",
				      "contact clear-bounce"};

#define NOTHING " Er is niets veranderd."

/* Why nothing happened, by its word in the address: the text before
   and after the municipality.  The words of the municipalities' own
   refusals (onbekend, al-teruggetrokken, storing) are
   web_programme.c's, and shown there. */
static const struct {
	const char *word, *before, *after, *english;
} refused[] = {
	{"adres-ongeldig", "Het e-mailadres voor ",
	 " is geen geldig adres; vult u het in als naam@gemeente.nl." NOTHING,
	 "no plain e-mail address"},
	{"al-contact", "Dit adres is al contactpersoon van ", "." NOTHING,
	 "a contact already"},
	{"geen-contact", "Dit adres is geen contactpersoon van ", "." NOTHING,
	 "no contact"},
	{"laatste-contact", "Dit is de laatste contactpersoon van ",
	 ". Voegt u eerst een andere toe, of trekt u de gemeente terug als "
	 "die niet meer meedoet." NOTHING,
	 "the last contact"},
	{"niet-teruggekomen", "De e-mail aan dit adres van ",
	 " is niet teruggekomen." NOTHING, "not marked undeliverable"},
	{"onbekend", NULL, NULL, "not enrolled"},
	{"al-teruggetrokken", NULL, NULL, "withdrawn"},
	{"storing", NULL, NULL, "the database failed"},
};

static const char *
query(struct web_request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND,
					   name);
}

/* Appends s to b percent-encoded for a query string. */
static void
encode(struct buf *b, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
		    *p == '_' || *p == '@')
			(void)buf_add(b, (const char *)p, 1);
		else
			(void)buf_addf(b, "%%%02X", *p);
	}
}

/* 303 to the page: ?key=word&gemeente=CODE, and &adres= when addr. */
static int
answer(struct web_request *r, const char *key, const char *word,
       const char *addr)
{
	struct buf to;
	int rc;

	buf_init(&to, 4096);
	(void)buf_addf(&to, "/gemeenten?%s=%s&gemeente=%s", key, word, r->arg);
	if (addr != NULL) {
		(void)buf_adds(&to, "&adres=");
		encode(&to, addr);
	}
	rc = web_reply_redirect(r, buf_str(&to));
	buf_deinit(&to);
	return rc;
}

static int
refuse(struct web_request *r, enum verb v, const char *word)
{
	const char *why = word;
	size_t i;

	for (i = 0; i < nitems(refused); i++) {
		if (strcmp(refused[i].word, word) == 0)
			why = refused[i].english;
	}
	log_info("web: %s: %s %s refused: %s", r->session->user, english[v],
		 r->arg, why);
	return answer(r, "fout", word, NULL);
}

/* What code's contacts say of addr: whether it is one, whether its
   mail came back, and how many there are.  0, or -1 with *error_r. */
static int
look(struct store *s, const char *code, const char *addr, bool *has_r,
     bool *marked_r, size_t *n_r, char **error_r)
{
	struct schedule_contact *c = NULL;
	size_t n = 0, i;

	*has_r = *marked_r = false;
	if (store_programme_contacts_of(s, code, &c, &n, error_r) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (strcasecmp(c[i].addr, addr) == 0) {
			*has_r = true;
			*marked_r = c[i].undeliverable;
		}
	}
	*n_r = n;
	store_programme_contacts_free(c, n);
	return 0;
}

/* Why v cannot be done to addr of r->arg in s, as a word of refused[]
   (NULL: it can), in the order contact.c and store_contact.c check,
   so that staff read the reason in Dutch.  *status_r and *name_r
   (heap) are the enrolment's when it has one. */
static const char *
check(struct web_request *r, struct store *s, enum verb v, const char *addr,
      char **status_r, char **name_r)
{
	char *err = NULL;
	bool has = false, marked = false;
	size_t n = 0;
	int rc;

	*status_r = *name_r = NULL;
	if (gemeenten_by_code(r->set->rules->gemeenten, r->arg) == NULL)
		return "onbekend";
	if (addr == NULL || !contact_address_valid(addr))
		return "adres-ongeldig";
	rc = store_programme_enrolment(s, r->arg, status_r, name_r, &err);
	if (rc == 1)
		rc = look(s, r->arg, addr, &has, &marked, &n, &err) == -1 ? -1
									  : 1;
	if (rc == -1) {
		log_warnx("web: %s: %s", r->arg, err);
		free(err);
		return "storing";
	}
	if (rc == 0)
		return "onbekend";
	if (v != RESTORE && strcmp(*status_r, "withdrawn") == 0)
		return "al-teruggetrokken";
	if (v == ADD)
		return has ? "al-contact" : NULL;
	if (!has)
		return "geen-contact";
	if (v == REMOVE)
		return n == 1 ? "laatste-contact" : NULL;
	return marked ? NULL : "niet-teruggekomen";
}

int
web_contact_remove_get(struct web_request *r)
{
	struct web_contact_confirm v;
	struct outmail_list mails;
	struct store *s = r->set->store;
	const char *addr = query(r, "adres"), *why;
	char *status, *name, *err = NULL;
	struct buf b;
	int rc;

	why = check(r, s, REMOVE, addr, &status, &name);
	if (why != NULL) {
		free(status);
		free(name);
		return answer(r, "fout", why, NULL);
	}
	/* the CANCELs the POST queues, counted and thrown away */
	outmail_list_init(&mails);
	if (contact_cancels(s, r->set->rules, r->set->config, r->arg, addr,
			    util_clock(), &mails, &err) == -1) {
		outmail_list_deinit(&mails);
		free(status);
		free(name);
		return web_reply_unreadable(r, "contact remove plan", err);
	}
	memset(&v, 0, sizeof(v));
	v.user = r->session->user;
	v.csrf = r->session->csrf;
	v.code = r->arg;
	v.name = name;
	v.address = addr;
	v.cancels = mails.n;
	buf_init(&b, WEB_PAGE_MAX);
	rc = web_contact_html_confirm(&b, &v);
	outmail_list_deinit(&mails);
	free(status);
	free(name);
	return web_reply_built(r, MHD_HTTP_OK, &b, rc);
}

/* Does v to addr of r->arg in the read-write database s, by
   web:<user>: 0, or -1 logged. */
static int
apply(struct web_request *r, struct store *s, enum verb v, const char *addr,
      unsigned *cancels_r)
{
	char *who = xasprintf("web:%s", r->session->user), *err = NULL;
	const struct rules *rules = r->set->rules;
	time_t now = util_clock();
	int rc;

	*cancels_r = 0;
	if (v == ADD)
		rc = contact_add(s, rules, r->arg, addr, who, now, &err);
	else if (v == REMOVE)
		rc = contact_remove(s, rules, r->set->config, r->arg, addr, who,
				    now, cancels_r, &err);
	else
		rc = contact_clear_bounce(s, rules, r->arg, addr, who, now,
					  &err);
	if (rc == -1) {
		log_warnx("web: %s: %s %s: %s", r->session->user, english[v],
			  r->arg, err);
		free(err);
	}
	free(who);
	return rc;
}

static const char *const done_word[] = {
	"contact-toegevoegd", "contact-verwijderd", "contact-hersteld"};

static int
post(struct web_request *r, enum verb v)
{
	const char *addr = web_request_field(r, "adres"), *why;
	struct store *s = web_request_store_rw(r);
	char *status = NULL, *name = NULL, *lower;
	unsigned cancels = 0;
	int rc;

	if (s == NULL)
		return refuse(r, v, "storing");
	why = check(r, s, v, addr, &status, &name);
	if (why == NULL && apply(r, s, v, addr, &cancels) == -1)
		why = "storing";
	store_close(&s);
	free(status);
	free(name);
	if (why != NULL)
		return refuse(r, v, why);
	lower = util_lowercase(xstrdup(addr));
	if (v == REMOVE)
		log_info("web: %s: %s %s %s, %u cancellations queued",
			 r->session->user, english[v], r->arg, lower, cancels);
	else
		log_info("web: %s: %s %s %s", r->session->user, english[v],
			 r->arg, lower);
	rc = answer(r, "gedaan", done_word[v], lower);
	free(lower);
	return rc;
}

int
web_contact_add_post(struct web_request *r)
{
	return post(r, ADD);
}

int
web_contact_remove_post(struct web_request *r)
{
	return post(r, REMOVE);
}

int
web_contact_restore_post(struct web_request *r)
{
	return post(r, RESTORE);
}

/* The row of addr among code's in t, or NULL; *status_r is code's
   status in t (NULL: t has no code). */
static const struct store_attendance_contact *
row(const struct export_table *t, const char *code, const char *addr,
    const char **status_r)
{
	const struct store_attendance_contact *c;
	size_t i;

	*status_r = NULL;
	for (i = 0; i < t->n_rows; i++) {
		c = t->rows[i].contact;
		if (strcmp(c->code, code) != 0)
			continue;
		*status_r = c->status;
		if (c->address != NULL && strcasecmp(c->address, addr) == 0)
			return c;
	}
	return NULL;
}

#define SENT_LATER " bij de volgende ronde van de verwerking"

/* What happened to addr, when t agrees: heap or NULL. */
static char *
done(const struct export_table *t, const char *code, const char *who,
     const char *word, const char *addr)
{
	const struct store_attendance_contact *c;
	const char *status;

	c = row(t, code, addr, &status);
	if (status == NULL || strcmp(status, "withdrawn") == 0)
		return NULL;
	if (strcmp(word, "contact-toegevoegd") == 0 && c != NULL)
		return xasprintf(
			"%s is contactpersoon van %s geworden. %s", addr, who,
			strcmp(status, "confirmed") == 0
				? "Het adres krijgt" SENT_LATER
				  " de uitnodigingen voor de bijeenkomsten "
				  "die nog komen."
				: "Het adres krijgt de uitnodigingen zodra de "
				  "gemeente een plaats krijgt.");
	if (strcmp(word, "contact-verwijderd") == 0 && c == NULL)
		return xasprintf("%s is geen contactpersoon van %s meer.%s",
				 addr, who,
				 strcmp(status, "confirmed") == 0
					 ? " De afzeggingen gaan" SENT_LATER
					   " de deur uit."
					 : "");
	if (strcmp(word, "contact-hersteld") == 0 && c != NULL &&
	    c->undeliverable_at == 0)
		return xasprintf("%s van %s krijgt weer e-mail: de "
				 "herinneringen en wijzigingen die nog komen. "
				 "Wat niet is verstuurd toen de e-mail "
				 "terugkwam, blijft onverstuurd.",
				 addr, who);
	return NULL;
}

char *
web_contact_notice(struct web_request *r, const struct export_table *t,
		   const char *code, const char *who, bool *refused_r)
{
	const char *word = query(r, "gedaan"), *addr = query(r, "adres");
	size_t i;

	*refused_r = false;
	if (word != NULL && addr != NULL && contact_address_valid(addr))
		return done(t, code, who, word, addr);
	word = query(r, "fout");
	for (i = 0; word != NULL && i < nitems(refused); i++) {
		if (refused[i].before != NULL &&
		    strcmp(word, refused[i].word) == 0) {
			*refused_r = true;
			return xasprintf("%s%s%s", refused[i].before, who,
					 refused[i].after);
		}
	}
	return NULL;
}
