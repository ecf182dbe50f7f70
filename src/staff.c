#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "programme.h"
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

/*
 * The shapes classify.c writes, in the order tried.  In pattern, each
 * "%s" captures the shortest text before the literal that follows it;
 * in dutch, %1 to %4 are the captures.  A NULL dutch drops the part: it
 * says why a mail was fine, not why a person must look.
 */
static const struct {
	const char *pattern;
	const char *dutch;
} shapes[] = {
	{"subject matches review rule (subject.rules:%s)",
	 "het onderwerp lijkt op dat van een aanmelding of afmelding, maar "
	 "wijkt af van het afgesproken onderwerp"},
	{"subject matches %s rule (subject.rules:%s)", NULL},
	/* what message.c and the parser worker find in the mail itself */
	{"the message could not be read (%s)",
	 "het bericht kon niet worden gelezen; bekijk het origineel in de "
	 "map"},
	{"processing failed %s times (%s): for a person",
	 "het bericht kon niet worden verwerkt; bekijk het origineel in de "
	 "map"},
	{"invalid boundary parameter",
	 "het bericht is niet gelezen: de MIME-opbouw is ongeldig"},
	{"no From field", "het bericht heeft geen afzender (From)"},
	{"%s From fields (RFC 5322 allows one)",
	 "het bericht heeft %1 afzendervelden (From); er hoort er één te zijn"},
	{"the From fields cannot be read the same way (%s)",
	 "de afzender (From) is niet eenduidig te lezen"},
	{"the From field holds %s addresses",
	 "het afzenderveld (From) bevat %1 adressen"},
	{"the From field is not one address",
	 "het afzenderveld (From) is niet één e-mailadres"},
	{"the From address is not a valid address",
	 "het afzenderadres is geen geldig e-mailadres"},
	{"bare CR in the header (line %s)",
	 "de kopregels hebben afwijkende regeleinden: er kan een kopregel "
	 "achter verborgen zitten"},
	{"mixed line ends in the header (%s)",
	 "de kopregels hebben afwijkende regeleinden: er kan een kopregel "
	 "achter verborgen zitten"},
	{"malformed header%s", "de kopregels van het bericht zijn ongeldig"},
	{"NUL byte in header", "de kopregels van het bericht zijn ongeldig"},
	{"header block exceeds %s bytes",
	 "de kopregels van het bericht zijn te groot"},
	{"too many header fields (%s)", "het bericht heeft te veel kopregels"},
	{"message of %s bytes exceeds %s bytes", "het bericht is te groot"},
	{"MIME nesting too deep (%s)",
	 "het bericht is te diep genest (bijlagen in bijlagen)"},
	{"too many MIME parts (%s)", "het bericht heeft te veel bijlagen"},

	{"authentication: dmarc=%s spf=%s dkim=%s", NULL},
	{"no trusted Authentication-Results", NULL},
	{"sender domain %s is municipality %s", NULL},
	{"sender domain %s (under %s) is municipality %s", NULL},
	{"sender domain %s belonged to %s", NULL},
	{"place %s of %s", NULL},
	{"sender domain %s looks like %s (%s %s) but is not on the list",
	 "het afzenderdomein %1 lijkt op %2 (gemeente %4), maar staat niet "
	 "op de lijst van gemeenten"},
	{"sender domain %s is a shared service organisation (%s) for %s",
	 "het afzenderdomein %1 hoort bij een samenwerkingsorganisatie (%2) "
	 "van %3"},
	{"display name claims municipality %s (%s) but the address %s is not "
	 "municipal",
	 "de afzender noemt zich gemeente %1, maar het adres %3 is geen "
	 "adres van een gemeente"},
	{"senders.rules:%s sends %s to review",
	 "mail van %2 wordt volgens senders.rules altijd door een medewerker "
	 "beoordeeld"},
	{"sender domain %s is not a municipality (denied by senders.rules:%s)",
	 "het afzenderdomein %1 is volgens senders.rules geen gemeente"},
	{"sender domain %s is not a municipality",
	 "het afzenderdomein %1 is geen gemeente"},
	{"dmarc=fail: the sender address may be forged",
	 "de afzender is mogelijk vervalst (de DMARC-controle is mislukt)"},
	{"no DMARC pass from the trusted server: the sender is not "
	 "authenticated",
	 "de afzender is niet geverifieerd (onze mailserver meldt geen "
	 "geslaagde DMARC-controle)"},
	{"attendance not recorded", "de aanwezigheid is niet vastgelegd"},
	{"reply to one of our own mails",
	 "dit is een reactie op een e-mail die wij hebben verstuurd"},
	/* machine.c: a mail that looks automatic but needs a person */
	{"subject starts like an out-of-office reply (%s)",
	 "het onderwerp begint als een automatisch antwoord (%1)"},
	{"subject starts like a delivery failure (%s)",
	 "het onderwerp begint als een melding dat een e-mail niet "
	 "bezorgd kon worden (%1)"},
	{"out-of-office reply to one of our mails (subject: %s)",
	 "dit lijkt een afwezigheidsmelding op een e-mail van ons "
	 "(onderwerp: %1)"},
	{"out-of-office reply to one of our mails (body: %s)",
	 "dit lijkt een afwezigheidsmelding op een e-mail van ons (de tekst "
	 "begint met \"%1\")"},
	{"mailing list (%s)", "het bericht komt van een mailinglijst (%1)"},
	{"Precedence: %s",
	 "het bericht is gemarkeerd als massamail of automatisch antwoord "
	 "(Precedence: %1)"},
	{"sent from our own address", "het bericht komt van ons eigen adres"},
	{"calendar reply to an invitation",
	 "dit is een antwoord op een agenda-uitnodiging"},
	{"withdrawal request: for staff to handle",
	 "dit is een afmelding; die handelt een medewerker af"},
	{"enrolment opens on %s: for staff to decide",
	 "de aanmelding was nog niet geopend (opent %1)"},
	{"enrolment closed on %s", "de aanmelding was al gesloten (sinds %1)"},
	{"sender address %s has no usable domain",
	 "het afzenderadres %1 is onbruikbaar"},
	{"mail to %s failed: %s",
	 "de e-mail aan %1 kon niet worden afgeleverd: %2"},
	{"%s is already enrolled", "%1 is al aangemeld"},
	{"capacity %s reached", "alle plaatsen zijn bezet"},
};

#define CAPTURES 4

/* Matches part (len bytes) against pattern; fills caps (start, length). */
static bool
shape_match(const char *pat, const char *part, size_t len,
	    const char *caps[CAPTURES], size_t cap_len[CAPTURES])
{
	const char *p = part, *end = part + len;
	size_t n = 0;

	while (*pat != '\0') {
		const char *next = strstr(pat, "%s");
		size_t lit = next != NULL ? (size_t)(next - pat) : strlen(pat);

		if ((size_t)(end - p) < lit || memcmp(p, pat, lit) != 0)
			return false;
		p += lit;
		pat += lit;
		if (next == NULL)
			break;
		pat += 2;
		if (n == CAPTURES)
			return false;
		{
			const char *stop = pat + strcspn(pat, "%");
			size_t want = (size_t)(stop - pat);
			const char *q = p;

			if (want == 0) { /* a capture at the end */
				q = end;
			} else {
				while (q + want <= end &&
				       memcmp(q, pat, want) != 0)
					q++;
				if (q + want > end)
					return false;
			}
			if (q == p)
				return false;
			caps[n] = p;
			cap_len[n++] = (size_t)(q - p);
			p = q;
		}
	}
	return p == end;
}

/* Appends the Dutch of one part; false when the part is noise. */
static bool
reason_part(struct buf *b, const char *part, size_t len)
{
	const char *caps[CAPTURES];
	size_t cap_len[CAPTURES];

	for (size_t i = 0; i < nitems(shapes); i++) {
		const char *d;

		if (!shape_match(shapes[i].pattern, part, len, caps, cap_len))
			continue;
		if (shapes[i].dutch == NULL)
			return false;
		for (d = shapes[i].dutch; *d != '\0'; d++) {
			if (d[0] == '%' && d[1] >= '1' && d[1] <= '4') {
				size_t k = (size_t)(d[1] - '1');

				(void)buf_add(b, caps[k], cap_len[k]);
				d++;
			} else {
				(void)buf_addc(b, *d);
			}
		}
		return true;
	}
	(void)buf_add(b, part, len);
	return true;
}

char *
staff_reason_text(const char *stored)
{
	struct buf b;
	const char *p = stored, *semi;
	size_t parts = 0;

	buf_init(&b, 64 * 1024);
	while (p != NULL && *p != '\0') {
		size_t before = b.len;

		semi = strstr(p, "; ");
		if (parts > 0)
			(void)buf_adds(&b, "; ");
		if (reason_part(&b, p,
				semi != NULL ? (size_t)(semi - p) : strlen(p)))
			parts++;
		else if (b.data != NULL) {
			b.len = before; /* the separator goes too */
			b.data[before] = '\0';
		}
		p = semi != NULL ? semi + 2 : NULL;
	}
	if (parts == 0 && stored != NULL)
		(void)buf_adds(&b,
			       stored); /* better what is stored than nothing */
	return buf_steal(&b);
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

static char *
review_block(const struct staff_summary *s, const struct rules *r)
{
	struct buf b;
	char when[64], num[32];

	buf_init(&b, 1024 * 1024);
	for (size_t i = 0; i < s->n_reviews; i++) {
		const struct staff_review *v = &s->reviews[i];
		const struct gemeente *g =
			v->suggested != NULL
				? gemeenten_by_code(r->gemeenten, v->suggested)
				: NULL;
		char *reason = staff_reason_text(v->reason);

		if (i > 0)
			(void)buf_addc(&b, '\n');
		snprintf(num, sizeof(num), "  %zu.", i + 1);
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
		if (v->message > 0) {
			char *n = xasprintf("%lld (aanmeld show %lld)",
					    (long long)v->message,
					    (long long)v->message);

			add_field(&b, "", "Nummer:", n);
			free(n);
		}
		free(reason);
	}
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
			(void)buf_adds(&line, ", op de wachtlijst");
		if (e[i].contact != NULL) {
			(void)buf_adds(&line, ", door ");
			add_clean(&line, e[i].contact, VALUE_MAX);
		}
		text = buf_steal(&line);
		if (waitlist) {
			char prefix[32];

			snprintf(prefix, sizeof(prefix), "  %zu. ", i + 1);
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
failed_block(const struct staff_summary *s)
{
	struct buf b, line;
	char when[64], *text;

	buf_init(&b, 1024 * 1024);
	for (size_t i = 0; i < s->n_failed; i++) {
		const struct staff_failed *f = &s->failed[i];

		buf_init(&line, 4096);
		nldate_format_when(f->created_at, when, sizeof(when));
		(void)buf_addf(&line, "%s aan ", kind_text(f->kind));
		add_clean(&line, f->rcpt != NULL ? f->rcpt : "?", VALUE_MAX);
		(void)buf_addf(&line, " van %s", when);
		text = buf_steal(&line);
		add_wrapped(&b, "  - ", text, 4);
		free(text);
		if (f->error != NULL) {
			buf_init(&line, 4096);
			(void)buf_adds(&line, "Antwoord van de server: ");
			add_clean(&line, f->error, VALUE_MAX);
			text = buf_steal(&line);
			add_wrapped(&b, "    ", text, 4);
			free(text);
		}
		(void)buf_addf(&b,
			       "    Opnieuw versturen: aanmeld retry %lld\n",
			       (long long)f->id);
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
		     const char *review_folder, time_t now, char **subject_r,
		     char **body_r)
{
	const struct template *t =
		template_get(r->templates, TEMPLATE_STAFF_SUMMARY);
	char date[64], since[96], reviews[16], news[16], waiting[16],
		failed[16], places[48];
	char *blocks[4];

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
	blocks[0] = block_or_none(review_block(s, r));
	blocks[1] = block_or_none(
		enrolment_block(s->enrolled, s->n_enrolled, false));
	blocks[2] = block_or_none(
		enrolment_block(s->waitlist, s->n_waitlist, true));
	blocks[3] = block_or_none(failed_block(s));
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
		};

		template_common_vars(vars, r->programme);

		*subject_r = template_render(t->subject, vars, nitems(vars));
		*body_r = template_render(t->body, vars, nitems(vars));
	}
	for (size_t i = 0; i < nitems(blocks); i++)
		free(blocks[i]);
}

static void
render_note(const struct rules *r, enum template_kind kind, time_t since,
	    time_t now, const char *last_error, char **subject_r, char **body_r)
{
	const struct template *t = template_get(r->templates, kind);
	char down[64], back[64];
	struct buf b;
	char *error;

	nldate_format_when(since, down, sizeof(down));
	nldate_format_when(now, back, sizeof(back));
	buf_init(&b, 4096);
	(void)buf_adds(&b, "  ");
	add_clean(&b, last_error != NULL ? last_error : "(onbekend)",
		  STAFF_ERROR_MAX);
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
staff_warning_render(const struct rules *r, time_t since,
		     const char *last_error, char **subject_r, char **body_r)
{
	render_note(r, TEMPLATE_STAFF_WARNING, since, since, last_error,
		    subject_r, body_r);
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

void
staff_summary_deinit(struct staff_summary *s)
{
	for (size_t i = 0; i < s->n_reviews; i++) {
		free(s->reviews[i].sender);
		free(s->reviews[i].subject);
		free(s->reviews[i].suggested);
		free(s->reviews[i].reason);
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
	memset(s, 0, sizeof(*s));
}
