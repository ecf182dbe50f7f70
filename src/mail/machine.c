#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compose.h"
#include "defs.h"
#include "machine.h"
#include "mailaddr.h"
#include "message.h"
#include "reason.h"
#include "util.h"

/* Bytes of a header value a reason quotes. */
#define QUOTE_MAX 64
/* A salutation before a vacation notice ("Beste afzender,"). */
#define SALUTATION_MAX 60
/* A thank-you sentence before it ("Bedankt voor uw e-mail."). */
#define THANKS_MAX 100
/* A gateway's tag before a subject ("[EXTERN]"), as subject.rules has it. */
#define TAG_MAX 30

enum kind {
	KIND_AWAY,   /* an out-of-office or vacation reply */
	KIND_BOUNCE, /* a delivery failure or delay */
};

#define COLON 0x1 /* only with a colon after it: alone, a person says it */
#define EXACT 0x2 /* in this case only */

/*
 * Subject openings only machines write, in Dutch, English, German, French
 * and a few more.  An entry without COLON or EXACT is distinctive enough
 * to count anywhere in the subject of a reply to one of our own mails.
 */
static const struct phrase {
	const char *text;
	enum kind kind;
	unsigned flags;
} subjects[] = {
	{"Automatisch antwoord", KIND_AWAY, 0},
	{"Afwezigheidsmelding", KIND_AWAY, 0},
	{"Afwezig", KIND_AWAY, COLON},
	{"Niet aanwezig", KIND_AWAY, COLON},
	{"Out of Office", KIND_AWAY, 0},
	{"Out of the office", KIND_AWAY, COLON},
	{"Automatic reply", KIND_AWAY, 0},
	{"Automatic response", KIND_AWAY, 0},
	{"Auto reply", KIND_AWAY, 0},
	{"Auto-reply", KIND_AWAY, 0},
	{"Autoreply", KIND_AWAY, 0},
	{"Auto response", KIND_AWAY, 0},
	{"Auto-response", KIND_AWAY, 0},
	{"Autoresponse", KIND_AWAY, 0},
	{"AUTO", KIND_AWAY, COLON | EXACT}, /* Lotus Notes */
	{"Abwesenheitsnotiz", KIND_AWAY, 0},
	{"Automatische Antwort", KIND_AWAY, 0},
	{"Abwesend", KIND_AWAY, COLON},
	{"Réponse automatique", KIND_AWAY, 0},
	{"Absence du bureau", KIND_AWAY, COLON},
	{"Risposta automatica", KIND_AWAY, 0},
	{"Respuesta automática", KIND_AWAY, 0},
	{"Resposta automática", KIND_AWAY, 0},
	{"Automatyczna odpowiedź", KIND_AWAY, 0},
	{"Automatisk svar", KIND_AWAY, 0},
	{"Autosvar", KIND_AWAY, 0},

	{"Onbestelbaar", KIND_BOUNCE, 0},
	{"Niet bezorgd", KIND_BOUNCE, COLON},
	{"Kan niet worden bezorgd", KIND_BOUNCE, COLON},
	{"Niet afgeleverd", KIND_BOUNCE, COLON},
	{"Undeliverable", KIND_BOUNCE, 0},
	{"Undelivered Mail", KIND_BOUNCE, 0},
	{"Nondeliverable", KIND_BOUNCE, 0},
	{"Returned mail", KIND_BOUNCE, 0},
	{"Returned", KIND_BOUNCE, COLON},
	{"Delivery Status Notification", KIND_BOUNCE, 0},
	{"Delivery Notification", KIND_BOUNCE, COLON},
	{"Delivery failure", KIND_BOUNCE, 0},
	{"Permanent Delivery Failure", KIND_BOUNCE, 0},
	{"Delivery report", KIND_BOUNCE, 0},
	{"Mail delivery failed", KIND_BOUNCE, 0},
	{"Mail delivery failure", KIND_BOUNCE, 0},
	{"Mail Delivery Problem", KIND_BOUNCE, 0},
	{"Mail could not be delivered", KIND_BOUNCE, 0},
	{"Message delivery has failed", KIND_BOUNCE, 0},
	{"Mail System Error", KIND_BOUNCE, 0},
	{"failure notice", KIND_BOUNCE, 0},
	{"Postmaster notify", KIND_BOUNCE, 0},
	{"Delayed Mail", KIND_BOUNCE, 0},
	{"Warning: could not send message", KIND_BOUNCE, 0},
	{"Unzustellbar", KIND_BOUNCE, 0},
	{"Nicht zustellbar", KIND_BOUNCE, COLON},
	{"Non remis", KIND_BOUNCE, COLON},
	{"Non recapitabile", KIND_BOUNCE, 0},
};

/*
 * How a vacation notice starts.  Only read in a reply to one of our own
 * mails that does not quote it.  XXX "Ik ben met vakantie tijdens sessie
 * 3" from a person would match: such replies are rare, and an ignored
 * mail stays in its folder for staff to see.
 */
static const char *const openings[] = {
	"ik ben afwezig tot",
	"ik ben afwezig van",
	"ik ben momenteel afwezig",
	"ik ben op dit moment afwezig",
	"ik ben momenteel niet aanwezig",
	"ik ben niet op kantoor",
	"ik ben tot en met",
	"ik ben met vakantie",
	"ik ben op vakantie",
	"ik ben met verlof",
	"in verband met vakantie",
	"i.v.m. vakantie",
	"wegens vakantie",
	"i am out of the office",
	"i'm out of the office",
	"i am currently out of the office",
	"i'm currently out of the office",
	"i am out of office",
	"i am currently away",
	"i am away from the office",
	"i am on vacation",
	"i'm on vacation",
	"i am on holiday",
	"i'm on holiday",
	"i am on annual leave",
	"i'm on annual leave",
	"i am currently on leave",
	"i will be out of the office",
	"i'll be out of the office",
	"i am not in the office",
	"i'm not in the office",
	"ich bin derzeit nicht im büro",
	"ich bin zurzeit nicht im büro",
	"ich bin nicht im büro",
	"ich bin im urlaub",
	"ich bin abwesend",
	"ich bin außer haus",
	"je suis absent",
	"je suis actuellement absent",
	"je serai absent",
	"je suis en congé",
	"je suis en vacances",
	"je suis hors du bureau",
};

/* A thank-you sentence a vacation notice may open with. */
static const char *const thanks[] = {
	"bedankt voor",		 "dank voor",	  "dank u voor",
	"hartelijk dank voor",	 "thank you for", "thanks for",
	"vielen dank für",	 "danke für",	  "merci pour",
	"je vous remercie pour",
};

/* Where a reply shows the mail it answers: then a person wrote it. */
static const char *const quote_lines[] = {
	">", "-----", "_____", "Van:", "From:", "Von:", "De:",
};
static const char *const quote_words[] = {
	"wrote:", "schreef", "geschreven:", "schrieb", "a écrit",
};

static bool
space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static unsigned char
lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* True if a word ends at p: no ASCII letter, digit or non-ASCII letter
   goes on ("Afwezig" does not start "Afwezigheid"). */
static bool
word_ends(const char *p)
{
	unsigned char c = (unsigned char)*p;

	return !util_ascii_alnum(c) && c < 0x80;
}

/*
 * Bytes of s that match pat at its start, or 0.  ASCII letters match in
 * either case unless exact; a space matches a run of white space; an
 * apostrophe matches a typographic one (U+2019) too.
 */
static size_t
phrase_at(const char *s, const char *pat, bool exact)
{
	const char *p = s;

	for (; *pat != '\0'; pat++) {
		unsigned char a = (unsigned char)*p, b = (unsigned char)*pat;

		if (b == ' ') {
			if (!space(a))
				return 0;
			while (space((unsigned char)*p))
				p++;
			continue;
		}
		if (b == '\'' && strncmp(p, "\xe2\x80\x99", 3) == 0) {
			p += 3;
			continue;
		}
		if (a == '\0' || (exact ? a != b : lower(a) != lower(b)))
			return 0;
		p++;
	}
	return (size_t)(p - s);
}

/* True if ph is at the start of s, as a word and with its colon. */
static bool
phrase_match(const char *s, const struct phrase *ph)
{
	size_t n = phrase_at(s, ph->text, (ph->flags & EXACT) != 0);
	const char *p = s + n;

	if (n == 0 || !word_ends(p))
		return false;
	if ((ph->flags & COLON) == 0)
		return true;
	while (*p == ' ' || *p == '\t')
		p++;
	return *p == ':';
}

/* Past the tags a gateway puts before a subject ("[EXTERN] "), as
   subject.rules skips them. */
static const char *
skip_tags(const char *s)
{
	const char *close;

	for (;;) {
		while (space((unsigned char)*s))
			s++;
		if (*s != '[')
			return s;
		close = strchr(s + 1, ']');
		if (close == NULL || close - s - 1 > TAG_MAX ||
		    memchr(s + 1, '[', (size_t)(close - s - 1)) != NULL)
			return s;
		s = close + 1;
	}
}

/* The machine's phrase the subject starts with, or NULL. */
static const struct phrase *
subject_opening(const char *subject)
{
	const char *s = skip_tags(subject);
	size_t i;

	for (i = 0; i < nitems(subjects); i++) {
		if (phrase_match(s, &subjects[i]))
			return &subjects[i];
	}
	return NULL;
}

/* A distinctive out-of-office phrase anywhere in the subject, or NULL
   ("Re: Deelname ... (Automatisch antwoord)"). */
static const struct phrase *
subject_marker(const char *subject)
{
	const char *p;
	size_t i;

	for (p = subject; *p != '\0'; p++) {
		if (p != subject && !word_ends(p - 1))
			continue;
		for (i = 0; i < nitems(subjects); i++) {
			if (subjects[i].kind == KIND_AWAY &&
			    subjects[i].flags == 0 &&
			    phrase_match(p, &subjects[i]))
				return &subjects[i];
		}
	}
	return NULL;
}

/* Past white space and, if one is there, the line and sentence a
   vacation notice may open with. */
static const char *
skip_greeting(const char *p)
{
	const char *nl, *end;
	size_t i, n;

	while (space((unsigned char)*p))
		p++;
	nl = strchr(p, '\n');
	if (nl != NULL && nl - p <= SALUTATION_MAX) {
		end = nl;
		while (end > p && space((unsigned char)end[-1]))
			end--;
		if (end > p && end[-1] == ',')
			p = nl;
	}
	while (space((unsigned char)*p))
		p++;
	for (i = 0; i < nitems(thanks); i++) {
		if (phrase_at(p, thanks[i], false) == 0)
			continue;
		n = strcspn(p, ".!,\n");
		if (n <= THANKS_MAX && p[n] != '\0' && p[n] != '\n')
			p += n + 1;
		break;
	}
	while (space((unsigned char)*p))
		p++;
	return p;
}

/* The vacation phrase the body starts with, or NULL. */
static const char *
body_opening(const char *body)
{
	const char *p = skip_greeting(body);
	size_t i, n;

	for (i = 0; i < nitems(openings); i++) {
		n = phrase_at(p, openings[i], false);
		if (n > 0 && word_ends(p + n))
			return openings[i];
	}
	return NULL;
}

/* True if the body shows the mail it answers: a quote, an "Original
   Message" block, a "wrote:" line or our own address. */
static bool
body_quotes(const char *body, const char *own_address)
{
	const char *line;
	size_t i;

	for (line = body; line != NULL; line = strchr(line, '\n')) {
		while (space((unsigned char)*line))
			line++;
		for (i = 0; i < nitems(quote_lines); i++) {
			if (strncasecmp(line, quote_lines[i],
					strlen(quote_lines[i])) == 0)
				return true;
		}
		if (*line == '\0')
			break;
	}
	for (i = 0; i < nitems(quote_words); i++) {
		if (strcasestr(body, quote_words[i]) != NULL)
			return true;
	}
	return own_address != NULL && *own_address != '\0' &&
	       strcasestr(body, own_address) != NULL;
}

/* True if a message id in list ("<a> <b>") is one of ours. */
static bool
refers_to_us(const char *list, const char *domain)
{
	const char *p = list, *open, *close;
	bool ours = false;
	char *id;

	while (!ours && p != NULL) {
		open = strchr(p, '<');
		if (open == NULL)
			break;
		close = strchr(open, '>');
		if (close == NULL)
			break;
		id = xstrndup(open + 1, (size_t)(close - open - 1));
		ours = compose_is_our_message_id(id, domain);
		free(id);
		p = close + 1;
	}
	return ours;
}

bool
machine_replies_to_us(const struct message *msg, const char *message_id_domain)
{
	return (msg->in_reply_to != NULL &&
		refers_to_us(msg->in_reply_to, message_id_domain)) ||
	       (msg->references != NULL &&
		refers_to_us(msg->references, message_id_domain));
}

/* s, or its first QUOTE_MAX bytes (on a character boundary) and "...",
   in buf. */
static const char *
clip(const char *s, char buf[QUOTE_MAX + 4])
{
	size_t n = strlen(s);

	if (n <= QUOTE_MAX)
		return s;
	n = QUOTE_MAX;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	memcpy(buf, s, n);
	memcpy(buf + n, "...", 4);
	return buf;
}

/* The address of a From field as written (inside the last <>, else its
   first word outside comments): its start in *addr_r, its length. */
static size_t
raw_address(const char *raw, const char **addr_r)
{
	const char *p = strrchr(raw, '<'), *end;

	if (p != NULL) {
		p++;
		end = p + strcspn(p, ">");
	} else {
		p = raw;
		for (;;) {
			while (space((unsigned char)*p))
				p++;
			if (*p != '(')
				break;
			end = strchr(p, ')');
			p = end != NULL ? end + 1 : p + strlen(p);
		}
		end = p + strcspn(p, " \t\r\n(");
	}
	while (p < end && space((unsigned char)*p))
		p++;
	while (end > p && space((unsigned char)end[-1]))
		end--;
	*addr_r = p;
	return (size_t)(end - p);
}

/* True if the From address is a machine's: a bounce's "<>", or one of
   mailaddr_is_machine(), also where libetpan could not read the field
   ("MAILER-DAEMON <>", "Postmaster"). */
static bool
machine_from(const struct message *m, struct reason *why)
{
	char tok[MAILADDR_DOMAIN_MAX + 66], buf[QUOTE_MAX + 4];
	const char *addr;
	size_t n;

	if (m->from_addr != NULL && strchr(m->from_addr, '@') != NULL) {
		if (!mailaddr_is_machine(m->from_addr))
			return false;
		reason_set(why, REASON_MACHINE_SENDER, clip(m->from_addr, buf));
		return true;
	}
	if (m->from_raw == NULL)
		return false;
	n = raw_address(m->from_raw, &addr);
	if (n == 0) {
		reason_set(why, REASON_NULL_FROM);
		return true;
	}
	if (n >= sizeof(tok))
		return false;
	memcpy(tok, addr, n);
	tok[n] = '\0';
	if (!mailaddr_is_machine(tok))
		return false;
	/* a machine's local part is plain ASCII: safe to quote */
	tok[strcspn(tok, "@")] = '\0';
	reason_set(why, REASON_MACHINE_SENDER, tok);
	return true;
}

/* True if any header field was read: a message without one was never
   parsed, so a missing From says nothing about it. */
static bool
has_header(const struct message *m)
{
	return m->subject != NULL || m->to != NULL || m->date != NULL ||
	       m->message_id != NULL || m->sender_addr != NULL ||
	       m->reply_to_addr != NULL || m->in_reply_to != NULL ||
	       m->references != NULL || m->return_path != NULL ||
	       m->auto_submitted != NULL || m->precedence != NULL ||
	       m->list_id != NULL || m->autoreply_header != NULL ||
	       m->n_authres > 0;
}

/* True if return_path is an address, and not a machine's. */
static bool
person_return_path(const char *return_path)
{
	return return_path != NULL && return_path[0] != '\0' &&
	       !mailaddr_is_machine(return_path);
}

/* RFC 3834 section 5: anything but "no" is automatic. */
static bool
auto_submitted(const char *v)
{
	unsigned char c;

	while (space((unsigned char)*v))
		v++;
	if (strncasecmp(v, "no", 2) != 0)
		return true;
	c = (unsigned char)v[2];
	return c != '\0' && c != ';' && c != '(' && !space(c);
}

static bool
certain(const struct message *m, struct reason *why)
{
	char buf[QUOTE_MAX + 4];

	/* a device that sends without a From (a scanner) still has a
	   person's return path: that is for a person to judge.  XXX a
	   header cut at MESSAGE_HEADER_MAX may hold its From further on */
	if (m->from_fields == 0 && has_header(m) &&
	    !person_return_path(m->return_path)) {
		reason_set(why, REASON_NO_FROM_AT_ALL);
		return true;
	}
	if (m->auto_submitted != NULL && auto_submitted(m->auto_submitted)) {
		reason_set(why, REASON_AUTO_SUBMITTED,
			   clip(m->auto_submitted, buf));
		return true;
	}
	if (m->return_path != NULL && m->return_path[0] == '\0') {
		reason_set(why, REASON_NULL_RETURN_PATH);
		return true;
	}
	if (machine_from(m, why))
		return true;
	if (m->content_type != NULL &&
	    strcmp(m->content_type, "multipart/report") == 0) {
		reason_set(why, REASON_DELIVERY_REPORT);
		return true;
	}
	if (m->autoreply_header != NULL) {
		reason_set(why, REASON_AUTOREPLY_HEADER,
			   clip(m->autoreply_header, buf));
		return true;
	}
	return false;
}

static bool
precedence_machine(const char *v)
{
	static const char *const values[] = {"bulk", "list", "junk",
					     "auto_reply"};
	size_t i;

	for (i = 0; i < nitems(values); i++) {
		if (strcasecmp(v, values[i]) == 0)
			return true;
	}
	return false;
}

const char *
machine_away_body(const char *body, const char *own_address)
{
	const struct phrase *ph;
	const char *p;

	if (body == NULL || body_quotes(body, own_address))
		return NULL;
	p = body;
	while (space((unsigned char)*p))
		p++;
	ph = subject_opening(p);
	return ph != NULL && ph->kind == KIND_AWAY && ph->flags == 0 ? ph->text
								     : NULL;
}

/* An out-of-office reply to one of our mails that says so only in
   words. */
static bool
away_reply(const struct message *m, const char *own_address,
	   const char *message_id_domain, struct reason *why)
{
	const struct phrase *ph;
	const char *opening;

	if (!machine_replies_to_us(m, message_id_domain))
		return false;
	ph = m->subject != NULL ? subject_marker(m->subject) : NULL;
	if (ph != NULL) {
		reason_set(why, REASON_AWAY_SUBJECT, ph->text);
		return true;
	}
	if (m->body == NULL || body_quotes(m->body, own_address))
		return false;
	opening = body_opening(m->body);
	if (opening == NULL)
		return false;
	reason_set(why, REASON_AWAY_BODY, opening);
	return true;
}

static bool
likely(const struct message *m, const char *own_address,
       const char *message_id_domain, struct reason *why)
{
	const struct phrase *ph;
	char buf[QUOTE_MAX + 4];

	if (m->list_id != NULL) {
		reason_set(why, REASON_MAILING_LIST, clip(m->list_id, buf));
		return true;
	}
	if (m->precedence != NULL && precedence_machine(m->precedence)) {
		reason_set(why, REASON_PRECEDENCE, m->precedence);
		return true;
	}
	if (m->from_addr != NULL && own_address != NULL &&
	    strcasecmp(m->from_addr, own_address) == 0) {
		reason_set(why, REASON_OWN_ADDRESS);
		return true;
	}
	if (m->calendar_reply) {
		reason_set(why, REASON_INVITE_REPLY);
		return true;
	}
	ph = m->subject != NULL ? subject_opening(m->subject) : NULL;
	if (ph != NULL) {
		reason_set(why,
			   ph->kind == KIND_AWAY ? REASON_SUBJECT_AWAY
						 : REASON_SUBJECT_BOUNCE,
			   ph->text);
		return true;
	}
	return away_reply(m, own_address, message_id_domain, why);
}

enum machine
machine_mail(const struct message *msg, const char *own_address,
	     const char *message_id_domain, struct reason *why)
{
	memset(why, 0, sizeof(*why));
	if (certain(msg, why))
		return MACHINE_CERTAIN;
	if (likely(msg, own_address, message_id_domain, why))
		return MACHINE_LIKELY;
	return MACHINE_NO;
}
