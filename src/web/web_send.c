#include "autoconf.h"

#include <microhttpd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audience.h"
#include "buf.h"
#include "log.h"
#include "rules.h"
#include "schedule.h"
#include "send_group.h"
#include "spool.h"
#include "store.h"
#include "template.h"
#include "util.h"
#include "web_request.h"
#include "web_send.h"
#include "web_send_html.h"
#include "web_session.h"

/* The history's name for a text written on this page (aanmeld send
   names its file). */
#define WEB_SEND_NAME "web form"

/* What the address says (?gedaan= or ?fout=, ?aantal= a number). */
static const struct {
	const char *key, *word, *text;
	bool number;
} notices[] = {
	{"gedaan", "klaargezet",
	 " e-mails staan klaar; ze gaan bij de volgende ronde de deur uit.",
	 true},
	{"gedaan", "al-verstuurd",
	 "Deze tekst is al eerder aan deze groep verstuurd; er is niets "
	 "opnieuw klaargezet.",
	 false},
	{"fout", "gewijzigd",
	 "De tekst of de groep ontvangers is veranderd sinds het voorbeeld. "
	 "Er is niets verstuurd. Bekijkt u het voorbeeld opnieuw.",
	 false},
	{"fout", "storing",
	 "Versturen is niet gelukt door een storing. Er is niets verstuurd. "
	 "Probeert u het later opnieuw.",
	 false},
};

/* The form as sent, checked. */
struct form {
	const char *to, *subject;
	char *text; /* line breaks as LF */
	struct audience audience;
	struct template *t;
	char *why;     /* Dutch, when refused (static text copied) */
	char *details; /* the template's errors, English */
};

static const char *
query(struct web_request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND,
					   name);
}

/* Whether s is UTF-8 without control characters (but LF and TAB when
   lines): what a mail's subject and text may hold. */
static bool
clean(const char *s, bool lines)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	size_t n;

	while (*p != '\0') {
		n = util_utf8_decode(p, SIZE_MAX, &cp);
		if (n == 0)
			return false;
		if ((cp < 0x20 && !(lines && (cp == '\n' || cp == '\t'))) ||
		    (cp >= 0x7f && cp < 0xa0))
			return false;
		p += n;
	}
	return true;
}

/* s with CR LF (and a lone CR) as LF, as a browser sends a textarea's
   lines as CR LF and a template file has LF. */
static char *
unix_lines(const char *s)
{
	char *out = xstrdup(s), *q = out;

	for (; *s != '\0'; s++) {
		if (*s == '\r') {
			*q++ = '\n';
			if (s[1] == '\n')
				s++;
		} else
			*q++ = *s;
	}
	*q = '\0';
	return out;
}

static int
refuse(struct form *f, const char *why)
{
	f->why = xstrdup(why);
	return -1;
}

/* Reads and checks the form as aanmeld send checks a template file:
   0, or -1 with f->why. */
static int
read_form(struct web_request *r, struct form *f)
{
	const char *text = web_request_field(r, "tekst"), *err;
	struct buf errors;
	char *data;

	memset(f, 0, sizeof(*f));
	f->to = web_request_field(r, "aan");
	f->subject = web_request_field(r, "onderwerp");
	f->text = unix_lines(text != NULL ? text : "");
	if (f->to == NULL || audience_parse(f->to, r->set->rules->programme,
					    &f->audience, &err) == -1)
		return refuse(f, "Kiest u aan wie de mail gaat.");
	if (f->subject == NULL || f->subject[strspn(f->subject, " \t")] == '\0')
		return refuse(f, "Vult u een onderwerp in.");
	if (f->text[strspn(f->text, " \t\n")] == '\0')
		return refuse(f, "Vult u de tekst van de mail in.");
	if (!clean(f->subject, false) || !clean(f->text, true))
		return refuse(f, "Het onderwerp of de tekst bevat tekens die "
				 "niet in een mail kunnen.");
	/* the template file aanmeld send would read */
	data = xasprintf("Subject: %s\n\n%s", f->subject, f->text);
	buf_init(&errors, 65536);
	f->t = template_parse(data, "tekst", send_group_vars, send_group_n_vars,
			      &errors);
	free(data);
	if (f->t == NULL) {
		f->details = xstrdup(buf_str(&errors));
		buf_deinit(&errors);
		return refuse(f, "De tekst is niet gebruikt: er staat een "
				 "invulplaats in die niet bestaat, of een {{ "
				 "zonder }}. Hieronder staan de invulplaatsen "
				 "die u kunt gebruiken.");
	}
	buf_deinit(&errors);
	return 0;
}

static void
form_free(struct form *f)
{
	template_free(f->t);
	free(f->text);
	free(f->why);
	free(f->details);
}

/* The hash the send button carries: of the group's name, who is in it
   now (whatever each had before) and the text, keyed with the session's
   token so that no other page can make one.  So what goes out is the
   text previewed, to the people the preview listed. */
static void
check_of(struct web_request *r, const struct form *f,
	 const struct send_group *g, char hex[65])
{
	struct buf all;
	size_t i;

	buf_init(&all, WEB_PAGE_MAX);
	(void)buf_addf(&all, "%s\n%s\n%s\n", r->session->csrf, f->to,
		       f->subject);
	for (i = 0; i < g->n; i++)
		(void)buf_addf(&all, "%s %s\n", g->rows[i].c->code,
			       g->rows[i].c->addr);
	(void)buf_addc(&all, '\n');
	(void)buf_adds(&all, f->text);
	spool_sha256(buf_str(&all), all.len, hex);
	explicit_bzero(all.data, all.len);
	buf_deinit(&all);
}

static void
form_view(struct web_request *r, const struct form *f, struct web_send_form *v)
{
	memset(v, 0, sizeof(*v));
	v->user = r->session->user;
	v->csrf = r->session->csrf;
	v->programme = r->set->rules->programme;
	if (f != NULL) {
		v->to = f->to;
		v->subject = f->subject;
		v->text = f->text;
	}
}

static int
page(struct web_request *r, unsigned status, const struct form *f,
     const char *notice, bool refused)
{
	struct web_send_page v;
	struct buf b;

	memset(&v, 0, sizeof(v));
	form_view(r, f, &v.form);
	v.notice = notice;
	v.refused = refused;
	v.details = f != NULL ? f->details : NULL;
	buf_init(&b, WEB_PAGE_MAX);
	if (web_send_html_form(&b, &v) == -1) {
		buf_deinit(&b);
		return web_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
				       "Storing", "De pagina is te groot.");
	}
	return web_reply_page(r, status, &b);
}

/* The notice the address asks for (heap), or NULL. */
static char *
notice(struct web_request *r, bool *refused_r)
{
	const char *word, *count = query(r, "aantal"), *err;
	long long n = 0;
	size_t i;

	*refused_r = false;
	for (i = 0; i < nitems(notices); i++) {
		word = query(r, notices[i].key);
		if (word == NULL || strcmp(word, notices[i].word) != 0)
			continue;
		*refused_r = strcmp(notices[i].key, "fout") == 0;
		if (!notices[i].number)
			return xstrdup(notices[i].text);
		if (count == NULL ||
		    util_strtonum(count, 1, 1000000, &n, &err) == -1)
			return NULL;
		return xasprintf("%lld%s", n, notices[i].text);
	}
	return NULL;
}

int
web_send_get(struct web_request *r)
{
	bool refused;
	char *text = notice(r, &refused);
	int rc = page(r, MHD_HTTP_OK, NULL, text, refused);

	free(text);
	return rc;
}

static int
refused_form(struct web_request *r, struct form *f)
{
	int rc;

	log_info("web: %s: a mail to a group refused: %s", r->session->user,
		 f->details != NULL ? "unknown placeholder"
				    : "form incomplete");
	rc = page(r, MHD_HTTP_UNPROCESSABLE_CONTENT, f, f->why, true);
	form_free(f);
	return rc;
}

static void
group_of(struct web_request *r, const struct form *f, struct send_group *g)
{
	memset(g, 0, sizeof(*g));
	g->config = r->set->config;
	g->programme = r->set->rules->programme;
	g->t = f->t;
	g->name = WEB_SEND_NAME;
	g->to = f->audience;
}

static int
unreadable(struct web_request *r, struct send_group *g, struct form *f,
	   char *err)
{
	send_group_free(g);
	form_free(f);
	return web_reply_unreadable(r, "send preview", err);
}

int
web_send_preview_post(struct web_request *r)
{
	struct web_send_preview v;
	struct send_group g;
	struct form f;
	char *err = NULL, *subject = NULL, *body = NULL, check[65];
	struct buf b;
	size_t i;
	int rc;

	if (read_form(r, &f) == -1)
		return refused_form(r, &f);
	group_of(r, &f, &g);
	if (send_group_run(&g, r->set->store, false, NULL, &err) == -1)
		return unreadable(r, &g, &f, err);
	memset(&v, 0, sizeof(v));
	form_view(r, &f, &v.form);
	v.g = &g;
	/* the first who gets it, else the first of the group */
	for (i = 0; i < g.n && v.first == NULL; i++) {
		if (g.rows[i].state == SEND_GROUP_NEW)
			v.first = g.rows[i].c;
	}
	if (v.first == NULL && g.n > 0)
		v.first = g.rows[0].c;
	if (v.first != NULL)
		send_group_render(&g, v.first, &subject, &body);
	v.subject = subject;
	v.body = body;
	check_of(r, &f, &g, check);
	v.check = check;
	buf_init(&b, WEB_PAGE_MAX);
	rc = web_send_html_preview(&b, &v);
	free(subject);
	free(body);
	send_group_free(&g);
	form_free(&f);
	if (rc == -1) {
		buf_deinit(&b);
		return web_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
				       "Storing", "De pagina is te groot.");
	}
	return web_reply_page(r, MHD_HTTP_OK, &b);
}

/* 303 to the form with what happened. */
static int
answer(struct web_request *r, const char *key, const char *word, unsigned n)
{
	char to[96];

	if (n > 0)
		(void)snprintf(to, sizeof(to), "/versturen?%s=%s&aantal=%u",
			       key, word, n);
	else
		(void)snprintf(to, sizeof(to), "/versturen?%s=%s", key, word);
	return web_reply_redirect(r, to);
}

/* What web_send_post() previewed, for agree(). */
struct shown {
	struct web_request *r;
	const struct form *f;
	const char *check;
};

static bool
agree(const struct send_group *g, void *cls)
{
	const struct shown *sh = cls;
	char check[65];

	check_of(sh->r, sh->f, g, check);
	return strcmp(sh->check, check) == 0;
}

int
web_send_post(struct web_request *r)
{
	const char *shown = web_request_field(r, "controle");
	struct send_group g;
	struct shown sh;
	struct form f;
	struct store *s;
	char *err = NULL, *who;
	int rc;

	if (read_form(r, &f) == -1)
		return refused_form(r, &f);
	if (shown == NULL || strlen(shown) != 64) {
		form_free(&f);
		return answer(r, "fout", "gewijzigd", 0);
	}
	s = web_request_store_rw(r);
	if (s == NULL) {
		form_free(&f);
		return answer(r, "fout", "storing", 0);
	}
	group_of(r, &f, &g);
	sh = (struct shown){r, &f, shown};
	g.agree = agree;
	g.agree_cls = &sh;
	who = xasprintf("web:%s", r->session->user);
	rc = send_group_run(&g, s, true, who, &err);
	store_close(&s);
	free(who);
	if (rc == -1) {
		log_warnx("web: %s: send to %s: %s", r->session->user, f.to,
			  err);
		free(err);
		send_group_free(&g);
		form_free(&f);
		return answer(r, "fout", "storing", 0);
	}
	if (g.stopped) {
		log_info("web: %s: a mail to a group refused: not the text "
			 "or the group previewed",
			 r->session->user);
		send_group_free(&g);
		form_free(&f);
		return answer(r, "fout", "gewijzigd", 0);
	}
	log_info("web: %s sent a mail to %s: %u queued, %u queued before, %u "
		 "sent before, %u failed before, %u came back",
		 r->session->user, f.to, g.queued, g.waiting, g.known, g.failed,
		 g.back);
	rc = g.queued > 0 ? answer(r, "gedaan", "klaargezet", g.queued)
			  : answer(r, "gedaan", "al-verstuurd", 0);
	send_group_free(&g);
	form_free(&f);
	return rc;
}
