#include "autoconf.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "programme.h"
#include "reason.h"
#include "rules.h"
#include "gemeenten.h"
#include "nldate.h"
#include "staff.h"
#include "template.h"
#include "util.h"

/* Text that goes to staff is wrapped at this column. */
#define WRAP 72
/* Untrusted values (a subject, a server's reply) are cut at this. */
#define VALUE_MAX 200
/* Items listed in one block of the summary: a flood of mail (about
   3,000 hostile messages filled the old 1 MB block) must not make the
   mail huge or cut an item off unseen; the rest are counted. */
#define LIST_MAX 100

/* Days since 1970-01-01 of a civil date (H. Hinnant's algorithm). */
static long
days_from_civil(long y, unsigned m, unsigned d)
{
	long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

static void
civil_from_days(long z, long *y_r, unsigned *m_r, unsigned *d_r)
{
	long era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d_r = doy - (153 * mp + 2) / 5 + 1;
	*m_r = mp < 10 ? mp + 3 : mp - 9;
	*y_r = (long)yoe + era * 400 + (*m_r <= 2);
}

int
staff_period(time_t now, unsigned at_minute, unsigned every_days,
	     char key[STAFF_PERIOD_MAX])
{
	struct tm tm;
	long day, y;
	unsigned m, d;

	if (every_days == 0 || localtime_r(&now, &tm) == NULL)
		return -1;
	day = days_from_civil((long)tm.tm_year + 1900, (unsigned)tm.tm_mon + 1,
			      (unsigned)tm.tm_mday);
	/* before summary_at the period of the day before still runs */
	if ((unsigned)(tm.tm_hour * 60 + tm.tm_min) < at_minute)
		day--;
	day -= ((day % (long)every_days) + (long)every_days) % (long)every_days;
	civil_from_days(day, &y, &m, &d);
	if (y < 1 || y > 9999)
		return -1;
	snprintf(key, STAFF_PERIOD_MAX, "%04ld-%02u-%02u", y, m % 100u,
		 d % 100u);
	return 0;
}

enum staff_summary_step
staff_summary_step(const char *period, const char *last_period, bool news)
{
	if (last_period == NULL || last_period[0] == '\0')
		return STAFF_SUMMARY_BASELINE;
	/* a clock set back never sends an older period's summary */
	if (strcmp(period, last_period) <= 0)
		return STAFF_SUMMARY_WAIT;
	return news ? STAFF_SUMMARY_SEND : STAFF_SUMMARY_SKIP;
}

time_t
staff_down_since(time_t last_ok, time_t down_since)
{
	return last_ok != 0 ? last_ok : down_since;
}

enum staff_poll_step
staff_poll_step(bool ok, time_t now, time_t last_ok, time_t down_since,
		time_t warned_at, time_t warn_after)
{
	time_t since;

	if (ok)
		return warned_at != 0 ? STAFF_POLL_RECOVERED : STAFF_POLL_NONE;
	if (warned_at != 0)
		return STAFF_POLL_NONE; /* one warning per outage */
	since = staff_down_since(last_ok, down_since != 0 ? down_since : now);
	return now - since >= warn_after ? STAFF_POLL_WARN : STAFF_POLL_NONE;
}

/* Appends s without control characters, cut at max bytes (on a UTF-8
   character boundary). */
static void
add_clean(struct buf *b, const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		(void)buf_addc(b, c < 0x20 || c == 0x7f ? ' ' : (char)c);
	}
	if (n < strlen(s))
		(void)buf_adds(b, "...");
}

char *
staff_error_clean(const char *text)
{
	struct buf b;
	const char *p = text, *scheme, *at, *colon;

	buf_init(&b, STAFF_ERROR_MAX * 2);
	/* scheme://user:password@host: keep the user, mask the rest */
	while ((scheme = strstr(p, "://")) != NULL) {
		const char *auth = scheme + 3;

		at = auth + strcspn(auth, "@/ ");
		colon = memchr(auth, ':', (size_t)(at - auth));
		if (*at != '@' || colon == NULL) {
			(void)buf_add(&b, p, (size_t)(auth - p));
			p = auth;
			continue;
		}
		(void)buf_add(&b, p, (size_t)(colon - p));
		(void)buf_adds(&b, ":***");
		p = at;
	}
	(void)buf_adds(&b, p);
	{
		char *raw = buf_steal(&b);

		buf_init(&b, STAFF_ERROR_MAX * 2);
		add_clean(&b, raw, STAFF_ERROR_MAX);
		free(raw);
	}
	return buf_steal(&b);
}

char *
staff_reason_text(const char *stored, const char *codes)
{
	struct reason_list l;
	char *text;

	/* an older row has only English words: never shown to staff */
	(void)stored;
	if (codes == NULL || reason_list_decode(codes, &l) == -1)
		return xstrdup("de reden is niet in het Nederlands vastgelegd "
			       "(een ouder bericht); bekijk het bericht zelf");
	text = reason_list_dutch(&l);
	reason_list_deinit(&l);
	return text;
}

char *
staff_error_text(const char *codes)
{
	struct reason_list l;
	char *text;

	if (codes == NULL || reason_list_decode(codes, &l) == -1 || l.n == 0) {
		struct reason r;

		if (codes != NULL)
			reason_list_deinit(&l);
		reason_set(&r, REASON_OP_UNKNOWN);
		text = reason_dutch(&r);
		reason_deinit(&r);
	} else {
		text = reason_list_dutch(&l);
		reason_list_deinit(&l);
	}
	/* a sentence of its own */
	if (text[0] >= 'a' && text[0] <= 'z')
		text[0] = (char)(text[0] - 'a' + 'A');
	return text;
}

/* Appends prefix and text, wrapped at WRAP with indent for the lines
   after the first, and a line break. */
static void
add_wrapped(struct buf *b, const char *prefix, const char *text, size_t indent)
{
	size_t col = strlen(prefix);
	const char *p = text;
	bool first = true;

	(void)buf_adds(b, prefix);
	while (*p == ' ')
		p++;
	while (*p != '\0') {
		size_t word = strcspn(p, " ");

		if (!first && col + 1 + word > WRAP) {
			(void)buf_addc(b, '\n');
			for (col = 0; col < indent; col++)
				(void)buf_addc(b, ' ');
		} else if (!first) {
			(void)buf_addc(b, ' ');
			col++;
		}
		/* a word longer than a line (a cut value of 200 bytes, a
		   long address) fills lines of its own, broken between
		   characters */
		while (col + word > WRAP && word > WRAP - indent) {
			size_t n = WRAP > col ? WRAP - col : 0;

			while (n > 0 && ((unsigned char)p[n] & 0xc0) == 0x80)
				n--;
			if (n == 0)
				break;
			(void)buf_add(b, p, n);
			p += n;
			word -= n;
			(void)buf_addc(b, '\n');
			for (col = 0; col < indent; col++)
				(void)buf_addc(b, ' ');
		}
		(void)buf_add(b, p, word);
		col += word;
		p += word;
		first = false;
		while (*p == ' ')
			p++;
	}
	(void)buf_addc(b, '\n');
}

/* Appends lead (5 columns), "Label:" and the value, cleaned and
   wrapped. */
static void
add_field(struct buf *b, const char *lead, const char *label, const char *value)
{
	char prefix[32];
	struct buf v;
	char *clean;

	snprintf(prefix, sizeof(prefix), "%-5s%-12s", lead, label);
	buf_init(&v, 4096);
	add_clean(&v, value != NULL && value[0] != '\0' ? value : "-",
		  VALUE_MAX);
	clean = buf_steal(&v);
	add_wrapped(b, prefix, clean, strlen(prefix));
	free(clean);
}

/* The line after a list cut at LIST_MAX items, if it was. */
static void
add_more(struct buf *b, size_t n, const char *where)
{
	if (n <= LIST_MAX)
		return;
	(void)buf_addf(b, "\n  En nog %zu, niet hierboven genoemd: %s.\n",
		       n - LIST_MAX, where);
}

/* web_url's page path (heap), without a doubled '/'. */
static char *
web_link(const char *web_url, const char *path)
{
	size_t len = strlen(web_url);

	while (len > 0 && web_url[len - 1] == '/')
		len--;
	return xasprintf("%.*s%s", (int)len, web_url, path);
}

static char *
review_block(const struct staff_summary *s, const struct rules *r,
	     const char *review_folder, const char *web_url)
{
	struct buf b;
	char when[64], num[32], *where;

	buf_init(&b, 1024 * 1024);
	for (size_t i = 0; i < s->n_reviews && i < LIST_MAX; i++) {
		const struct staff_review *v = &s->reviews[i];
		const struct gemeente *g =
			v->suggested != NULL
				? gemeenten_by_code(r->gemeenten, v->suggested)
				: NULL;
		char *reason = staff_reason_text(v->reason, v->reason_codes);

		if (i > 0)
			(void)buf_addc(&b, '\n');
		snprintf(num, sizeof(num), "%3zu.", i + 1);
		add_field(&b, num, "Van:", v->sender);
		add_field(&b, "", "Onderwerp:",
			  v->subject != NULL ? v->subject : "(geen)");
		nldate_format_when(v->created_at, when, sizeof(when));
		add_field(&b, "", "Ontvangen:", when);
		if (g != NULL) {
			char *name = xasprintf("waarschijnlijk %s (%s)",
					       g->name, g->code);

			add_field(&b, "", "Gemeente:", name);
			free(name);
		}
		add_field(&b, "", "Reden:", reason);
		if (web_url != NULL) {
			/* staff without a shell open it in the browser */
			char path[48], *link;

			snprintf(path, sizeof(path), "/beoordelen/%lld",
				 (long long)v->id);
			link = web_link(web_url, path);
			add_field(&b, "", "Bekijken:", link);
			free(link);
		} else if (v->message > 0) {
			char *n = xasprintf("%lld (voor de beheerder: aanmeld "
					    "show %lld)",
					    (long long)v->message,
					    (long long)v->message);

			add_field(&b, "", "Nummer:", n);
			free(n);
		}
		free(reason);
	}
	where = xasprintf("u vindt ze in de map %s", review_folder);
	add_more(&b, s->n_reviews, where);
	free(where);
	return buf_steal(&b);
}

static char *
enrolment_block(const struct staff_enrolment *e, size_t n, bool waitlist)
{
	struct buf b, line;
	char when[64], *text;

	buf_init(&b, 1024 * 1024);
	for (size_t i = 0; i < n; i++) {
		buf_init(&line, 4096);
		add_clean(&line, e[i].name != NULL ? e[i].name : "?",
			  VALUE_MAX);
		(void)buf_addf(&line, " (%s)",
			       e[i].code != NULL ? e[i].code : "?");
		nldate_format_when(e[i].enrolled_at, when, sizeof(when));
		(void)buf_addf(&line, ", %s %s", waitlist ? "sinds" : "op",
			       when);
		if (!waitlist && e[i].status != NULL &&
		    strcmp(e[i].status, "waitlist") == 0)
			(void)buf_addf(&line, ", plaats %zu op de wachtlijst",
				       e[i].place);
		if (e[i].contact != NULL) {
			(void)buf_adds(&line, ", door ");
			add_clean(&line, e[i].contact, VALUE_MAX);
		}
		text = buf_steal(&line);
		if (waitlist) {
			char prefix[32];

			/* the place its letter gave, moved up as places
			   came free */
			snprintf(prefix, sizeof(prefix), "  %zu. ",
				 e[i].place > 0 ? e[i].place : i + 1);
			add_wrapped(&b, prefix, text, 5);
		} else {
			add_wrapped(&b, "  - ", text, 4);
		}
		free(text);
	}
	return buf_steal(&b);
}

/* What an outgoing mail was, in words. */
static const char *
kind_text(const char *kind)
{
	static const struct {
		const char *kind, *text;
	} kinds[] = {
		{"confirm", "bevestiging"},
		{"waitlist", "bericht over de wachtlijst"},
		{"duplicate", "antwoord aan een extra contactpersoon"},
		{"reject", "afwijzing"},
		{"closed", "bericht dat de aanmelding gesloten is"},
		{"review", "ontvangstbevestiging"},
		{"invitation", "agenda-uitnodiging"},
		{"invitation-update", "gewijzigde agenda-uitnodiging"},
		{"invitation-cancel", "afzegging van een bijeenkomst"},
		{"reminder-session", "herinnering aan een bijeenkomst"},
		{"reminder-deadline", "herinnering aan de uiterste datum"},
		{"withdrawn", "bevestiging van een afmelding"},
		{"delivered", "bevestiging van een ingeleverde tekst"},
		{"promoted", "bericht over een vrijgekomen plaats"},
		{"send", "bericht van de organisatie"},
		{"staff-summary", "overzicht voor medewerkers"},
		{"staff-warning", "waarschuwing voor medewerkers"},
		{"staff-recovered", "bericht voor medewerkers"},
	};

	for (size_t i = 0; kind != NULL && i < nitems(kinds); i++) {
		if (strcmp(kinds[i].kind, kind) == 0)
			return kinds[i].text;
	}
	return kind != NULL ? kind : "e-mail";
}

static char *
failed_block(const struct staff_summary *s, const char *web_url)
{
	struct buf b, line;
	char when[64], *text;

	buf_init(&b, 1024 * 1024);
	for (size_t i = 0; i < s->n_failed && i < LIST_MAX; i++) {
		const struct staff_failed *f = &s->failed[i];

		buf_init(&line, 4096);
		nldate_format_when(f->created_at, when, sizeof(when));
		(void)buf_addf(&line, "%s aan ", kind_text(f->kind));
		add_clean(&line, f->rcpt != NULL ? f->rcpt : "?", VALUE_MAX);
		(void)buf_addf(&line, " van %s", when);
		text = buf_steal(&line);
		add_wrapped(&b, "  - ", text, 4);
		free(text);
		/* the server's reply is English and technical: it stays
		   in the log and aanmeld outbox */
		if (web_url != NULL) {
			char *link = web_link(web_url, "/uitgaand");

			text = xasprintf("De ontvangende mailserver weigerde "
					 "de e-mail. Controleer het adres; u "
					 "kunt de e-mail opnieuw versturen "
					 "op %s (mail %lld).",
					 link, (long long)f->id);
			add_wrapped(&b, "    ", text, 4);
			free(text);
			free(link);
			continue;
		}
		add_wrapped(&b, "    ",
			    "De ontvangende mailserver weigerde de e-mail. "
			    "Controleer het adres; de beheerder kan de "
			    "e-mail opnieuw versturen.",
			    4);
		(void)buf_addf(&b,
			       "    Voor de beheerder: aanmeld retry %lld\n",
			       (long long)f->id);
	}
	add_more(&b, s->n_failed, "de beheerder kan ze opvragen");
	return buf_steal(&b);
}

/* A municipality's event as one line of a news section. */
static void
event_line(struct buf *b, const struct staff_event *e, bool answer)
{
	struct buf line;
	char when[64], *text;

	buf_init(&line, 4096);
	add_clean(&line, e->name != NULL ? e->name : "?", VALUE_MAX);
	(void)buf_addf(&line, " (%s)", e->code != NULL ? e->code : "?");
	if (answer) {
		const char *st = e->status != NULL ? e->status : "";

		(void)buf_adds(&line, strcmp(st, "accepted") == 0
					      ? ": komt naar "
				      : strcmp(st, "declined") == 0
					      ? ": komt niet naar "
					      : ": komt misschien "
						"naar ");
		if (e->session > 0)
			(void)buf_addf(&line, "bijeenkomst %ld", e->session);
		else
			(void)buf_adds(&line,
				       "een onderdeel van het programma");
	}
	nldate_format_when(e->at, when, sizeof(when));
	(void)buf_addf(&line, " (%s)", when);
	text = buf_steal(&line);
	add_wrapped(b, "  - ", text, 4);
	free(text);
}

static char *
events_block(const struct staff_event *e, size_t n, bool answer)
{
	struct buf b;

	buf_init(&b, 1024 * 1024);
	for (size_t i = 0; i < n && i < LIST_MAX; i++)
		event_line(&b, &e[i], answer);
	add_more(&b, n, "de beheerder kan ze opvragen");
	return buf_steal(&b);
}

static char *
news_withdrawn(const struct staff_summary *s, const struct rules *r,
	       const char *web_url, time_t now)
{
	(void)r;
	(void)web_url;
	(void)now;
	return events_block(s->withdrawn, s->n_withdrawn, false);
}

static char *
news_promoted(const struct staff_summary *s, const struct rules *r,
	      const char *web_url, time_t now)
{
	(void)r;
	(void)web_url;
	(void)now;
	return events_block(s->promoted, s->n_promoted, false);
}

static char *
news_answers(const struct staff_summary *s, const struct rules *r,
	     const char *web_url, time_t now)
{
	(void)r;
	(void)web_url;
	(void)now;
	return events_block(s->answers, s->n_answers, true);
}

/* "Utrecht (GM0344)", cleaned, into b. */
static void
add_municipality(struct buf *b, const char *name, const char *code)
{
	add_clean(b, name != NULL ? name : "?", VALUE_MAX);
	(void)buf_addf(b, " (%s)", code != NULL ? code : "?");
}

/* Whether the summary names the municipalities without a text. */
static bool
undelivered_due(const struct staff_summary *s, const struct rules *r,
		time_t now)
{
	const struct programme_item *d = &r->programme->deadline;

	return d->title != NULL && r->programme->deliverable != NULL &&
	       s->n_undelivered > 0 &&
	       now >= d->start - (time_t)STAFF_DELIVERY_WARN_DAYS * 24 * 3600;
}

/* The confirmed municipalities whose text has not come in, once the
   deadline is near (or past): the deliveries are what staff follow up
   then. */
static void
add_undelivered(struct buf *b, const struct staff_summary *s,
		const struct rules *r, time_t now)
{
	const struct programme_item *d = &r->programme->deadline;
	struct buf line;
	char day[64], *text;

	if (!undelivered_due(s, r, now))
		return;
	nldate_format_day(d->start, day, sizeof(day));
	/* the date first: a line break never cuts it */
	text = xasprintf("De uiterste datum %s %s. Van deze gemeenten is de "
			 "tekst nog niet binnen%s",
			 now < d->start ? "is" : "was", day,
			 now < d->start ? ":"
					: "; een vriendelijke herinnering "
					  "kan helpen:");
	if (b->len > 0)
		(void)buf_addc(b, '\n');
	add_wrapped(b, "  ", text, 2);
	free(text);
	for (size_t i = 0; i < s->n_undelivered && i < LIST_MAX; i++) {
		buf_init(&line, 4096);
		add_municipality(&line, s->undelivered[i].name,
				 s->undelivered[i].code);
		text = buf_steal(&line);
		add_wrapped(b, "  - ", text, 4);
		free(text);
	}
	add_more(b, s->n_undelivered, "de beheerder kan ze opvragen");
}

static char *
news_deliveries(const struct staff_summary *s, const struct rules *r,
		const char *web_url, time_t now)
{
	struct buf b, line;
	char when[64], *text;

	(void)web_url;
	buf_init(&b, 1024 * 1024);
	for (size_t i = 0; i < s->n_deliveries && i < LIST_MAX; i++) {
		const struct staff_delivery *d = &s->deliveries[i];

		buf_init(&line, 4096);
		add_municipality(&line, d->name, d->code);
		nldate_format_when(d->at, when, sizeof(when));
		(void)buf_addf(&line, ", %s, versie %u: ", when, d->version);
		if (d->files != NULL && d->files[0] != '\0')
			add_clean(&line, d->files, VALUE_MAX);
		else
			(void)buf_adds(&line, "geen bestand bewaard");
		text = buf_steal(&line);
		add_wrapped(&b, "  - ", text, 4);
		free(text);
	}
	add_more(&b, s->n_deliveries, "de beheerder kan ze opvragen");
	/* the list that follows is no news: without any, that says so */
	if (s->n_deliveries == 0 && undelivered_due(s, r, now))
		(void)buf_adds(&b, "  Geen nieuwe.\n");
	add_undelivered(&b, s, r, now);
	return buf_steal(&b);
}

static char *
news_bounces(const struct staff_summary *s, const struct rules *r,
	     const char *web_url, time_t now)
{
	struct buf b, line;
	char when[64], *text, *link;

	(void)r;
	(void)now;
	buf_init(&b, 1024 * 1024);
	for (size_t i = 0; i < s->n_bounces && i < LIST_MAX; i++) {
		const struct staff_bounce *v = &s->bounces[i];

		buf_init(&line, 4096);
		(void)buf_addf(&line, "%s aan ", kind_text(v->kind));
		add_clean(&line, v->rcpt != NULL ? v->rcpt : "?", VALUE_MAX);
		if (v->code != NULL) {
			(void)buf_adds(&line, ", gemeente ");
			add_municipality(&line, v->name, v->code);
		}
		nldate_format_when(v->at, when, sizeof(when));
		(void)buf_addf(&line, ", kwam terug op %s", when);
		text = buf_steal(&line);
		add_wrapped(&b, "  - ", text, 4);
		free(text);
		if (v->reply != NULL && v->reply[0] != '\0') {
			buf_init(&line, 4096);
			(void)buf_adds(&line, "Antwoord van de mailserver: ");
			add_clean(&line, v->reply, STAFF_BOUNCE_REPLY_MAX);
			text = buf_steal(&line);
			add_wrapped(&b, "    ", text, 4);
			free(text);
		}
		if (v->code != NULL && web_url != NULL) {
			/* with the pages staff add the new address
			   themselves */
			link = web_link(web_url, "/gemeenten");
			text = xasprintf("Er gaat geen e-mail meer naar dit "
					 "adres. Vraag de gemeente om een "
					 "ander adres en voeg dat toe op %s.",
					 link);
			add_wrapped(&b, "    ", text, 4);
			free(text);
			free(link);
		} else if (v->code != NULL) {
			/* staff cannot add a contact themselves: the
			   operator does, so the command stays whole */
			add_wrapped(&b, "    ",
				    "Er gaat geen e-mail meer naar dit adres. "
				    "Vraag de gemeente om een ander adres en "
				    "geef dat door aan de beheerder.",
				    4);
			text = xasprintf("(voor de beheerder: aanmeld contact "
					 "add %s ADRES)",
					 v->code);
			add_wrapped(&b, "    ", text, 4);
			free(text);
		} else {
			add_wrapped(&b, "    ",
				    "Dit adres is geen contactpersoon van een "
				    "gemeente; er is verder niets nodig.",
				    4);
		}
	}
	add_more(&b, s->n_bounces, "de beheerder kan ze opvragen");
	return buf_steal(&b);
}

/* The news sections, in order: a heading with the count, then the
   block.  A new section is a row here (and its rows in the summary). */
static const struct {
	const char *title;
	size_t offset_n; /* of the count in struct staff_summary */
	char *(*block)(const struct staff_summary *s, const struct rules *r,
		       const char *web_url, time_t now);
} news_sections[] = {
#define NEWS(title, n, fn)                                                     \
	{                                                                      \
		title, offsetof(struct staff_summary, n), fn                   \
	}
	NEWS("Afmeldingen", n_withdrawn, news_withdrawn),
	NEWS("Van de wachtlijst naar een plaats", n_promoted, news_promoted),
	NEWS("Antwoorden op uitnodigingen", n_answers, news_answers),
	NEWS("Ingeleverde teksten", n_deliveries, news_deliveries),
	NEWS("Teruggekomen e-mail", n_bounces, news_bounces),
#undef NEWS
};

/* The news sections as one text for {{summary_news}}. */
static char *
news_text(const struct staff_summary *s, const struct rules *r,
	  const char *web_url, time_t now)
{
	struct buf b;

	buf_init(&b, 4 * 1024 * 1024);
	for (size_t i = 0; i < nitems(news_sections); i++) {
		size_t n = *(const size_t *)(const void *)((const char *)s +
							   news_sections[i]
								   .offset_n);
		char *block = news_sections[i].block(s, r, web_url, now);

		(void)buf_addf(&b, "%s%s (%zu)\n", i > 0 ? "\n" : "",
			       news_sections[i].title, n);
		(void)buf_adds(&b, block[0] != '\0' ? block : "  Geen.\n");
		free(block);
	}
	return buf_steal(&b);
}

/* The block, or "  Geen." when there is nothing; the final line break
   is the template's. */
static char *
block_or_none(char *block)
{
	size_t n = strlen(block);

	if (n == 0) {
		free(block);
		return xstrdup("  Geen.");
	}
	if (block[n - 1] == '\n')
		block[n - 1] = '\0';
	return block;
}

void
staff_summary_render(const struct staff_summary *s, const struct rules *r,
		     const char *review_folder, const char *web_url, time_t now,
		     char **subject_r, char **body_r)
{
	const struct template *t =
		template_get(r->templates, TEMPLATE_STAFF_SUMMARY);
	char date[64], since[96], reviews[16], news[16], waiting[16],
		failed[16], places[48];
	char *blocks[5], *web_help, *failed_help, *link;

	nldate_format_day(now, date, sizeof(date));
	if (s->since == 0) {
		snprintf(since, sizeof(since), "de start van aanmeld");
	} else {
		char when[64];

		nldate_format_when(s->since, when, sizeof(when));
		snprintf(since, sizeof(since), "het vorige overzicht (%s)",
			 when);
	}
	snprintf(reviews, sizeof(reviews), "%zu", s->n_reviews);
	snprintf(news, sizeof(news), "%zu", s->n_enrolled);
	snprintf(waiting, sizeof(waiting), "%zu", s->n_waitlist);
	snprintf(failed, sizeof(failed), "%zu", s->n_failed);
	snprintf(places, sizeof(places), "%zu van %ld", s->confirmed,
		 r->programme->capacity);
	blocks[0] = block_or_none(review_block(s, r, review_folder, web_url));
	blocks[1] = block_or_none(
		enrolment_block(s->enrolled, s->n_enrolled, false));
	blocks[2] = block_or_none(
		enrolment_block(s->waitlist, s->n_waitlist, true));
	blocks[3] = block_or_none(failed_block(s, web_url));
	blocks[4] = block_or_none(news_text(s, r, web_url, now));
	/* what staff can do, with the pages when they have them */
	if (web_url != NULL) {
		link = web_link(web_url, "");
		web_help = xasprintf("- Alles staat ook op %s: daar bekijkt en "
				     "beoordeelt u\n  de berichten en ziet u "
				     "de gemeenten, de uitgaande e-mail\n  en "
				     "de geschiedenis.\n",
				     link);
		free(link);
		link = web_link(web_url, "/uitgaand");
		failed_help =
			xasprintf("- Niet afgeleverde e-mail: verstuur die "
				  "opnieuw op\n  %s.",
				  link);
		free(link);
	} else {
		web_help = xstrdup("");
		failed_help = xstrdup("- Niet afgeleverde e-mail: vraag de "
				      "beheerder om die opnieuw te\n  "
				      "versturen.");
	}
	{
		struct template_var vars[] = {
			[TEMPLATE_COMMON_VARS] = {"summary_date", date},
			{"summary_since", since},
			{"review_count", reviews},
			{"review_items", blocks[0]},
			{"review_folder", review_folder},
			{"new_count", news},
			{"new_enrolments", blocks[1]},
			{"waitlist_count", waiting},
			{"waitlist", blocks[2]},
			{"failed_count", failed},
			{"failed_mail", blocks[3]},
			{"places_taken", places},
			{"summary_news", blocks[4]},
			{"web_help", web_help},
			{"failed_help", failed_help},
		};

		template_common_vars(vars, r->programme);

		*subject_r = template_render(t->subject, vars, nitems(vars));
		*body_r = template_render(t->body, vars, nitems(vars));
	}
	for (size_t i = 0; i < nitems(blocks); i++)
		free(blocks[i]);
	free(web_help);
	free(failed_help);
}

static void
render_note(const struct rules *r, enum template_kind kind, time_t since,
	    time_t now, const char *codes, char **subject_r, char **body_r)
{
	const struct template *t = template_get(r->templates, kind);
	char down[64], back[64];
	struct buf b;
	char *error, *why = staff_error_text(codes);

	nldate_format_when(since, down, sizeof(down));
	nldate_format_when(now, back, sizeof(back));
	buf_init(&b, 4096);
	(void)buf_adds(&b, "  ");
	add_clean(&b, why, STAFF_ERROR_MAX);
	(void)buf_addc(&b, '.');
	free(why);
	error = buf_steal(&b);
	{
		struct template_var vars[] = {
			[TEMPLATE_COMMON_VARS] = {"down_since", down},
			{"recovered_at", back},
			{"last_error", error},
		};

		template_common_vars(vars, r->programme);

		*subject_r = template_render(t->subject, vars, nitems(vars));
		*body_r = template_render(t->body, vars, nitems(vars));
	}
	free(error);
}

void
staff_warning_render(const struct rules *r, time_t since, const char *codes,
		     char **subject_r, char **body_r)
{
	render_note(r, TEMPLATE_STAFF_WARNING, since, since, codes, subject_r,
		    body_r);
}

void
staff_recovered_render(const struct rules *r, time_t since, time_t now,
		       char **subject_r, char **body_r)
{
	render_note(r, TEMPLATE_STAFF_RECOVERED, since, now, NULL, subject_r,
		    body_r);
}

static void
enrolments_free(struct staff_enrolment *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].code);
		free(e[i].name);
		free(e[i].status);
		free(e[i].contact);
	}
	free(e);
}

static void
staff_events_free(struct staff_event *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].code);
		free(e[i].name);
		free(e[i].status);
	}
	free(e);
}

void
staff_summary_deinit(struct staff_summary *s)
{
	for (size_t i = 0; i < s->n_reviews; i++) {
		free(s->reviews[i].sender);
		free(s->reviews[i].subject);
		free(s->reviews[i].suggested);
		free(s->reviews[i].reason);
		free(s->reviews[i].reason_codes);
	}
	free(s->reviews);
	enrolments_free(s->enrolled, s->n_enrolled);
	enrolments_free(s->waitlist, s->n_waitlist);
	for (size_t i = 0; i < s->n_failed; i++) {
		free(s->failed[i].kind);
		free(s->failed[i].rcpt);
		free(s->failed[i].error);
	}
	free(s->failed);
	staff_events_free(s->withdrawn, s->n_withdrawn);
	staff_events_free(s->promoted, s->n_promoted);
	staff_events_free(s->answers, s->n_answers);
	for (size_t i = 0; i < s->n_deliveries; i++) {
		free(s->deliveries[i].code);
		free(s->deliveries[i].name);
		free(s->deliveries[i].files);
	}
	free(s->deliveries);
	staff_events_free(s->undelivered, s->n_undelivered);
	for (size_t i = 0; i < s->n_bounces; i++) {
		free(s->bounces[i].kind);
		free(s->bounces[i].rcpt);
		free(s->bounces[i].code);
		free(s->bounces[i].name);
		free(s->bounces[i].reply);
	}
	free(s->bounces);
	memset(s, 0, sizeof(*s));
}
