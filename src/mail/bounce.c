#include "autoconf.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libetpan/libetpan.h>

#include "bounce.h"
#include "defs.h"
#include "message.h"
#include "util.h"

/* What one per-recipient block of a report says (RFC 3464 2.3); orig is
   its Original-Recipient, the address as we wrote it. */
struct recipient {
	char *rcpt, *orig, *action, *status, *diagnostic;
};

/* The blocks of a report, in order. */
struct blocks {
	struct recipient *v;
	size_t n;
};

/* Words of an unstructured bounce that says it will try again: a warning,
   not a failure. */
static const char *const delayed_phrases[] = {
	"still being retried", "will be retried",
	"will retry",	       "will continue to try",
	"has been delayed",    "delivery delayed",
	"delivery is delayed", "not yet been delivered",
	"vertraagd",	       "wordt opnieuw geprobeerd",
};

/* Words that say a delivery failed, for a bounce without a report: an
   automatic answer ("wij hebben uw e-mail ontvangen") may return our
   mail too, and it failed nothing. */
static const char *const failed_phrases[] = {
	"could not be delivered",
	"couldn't be delivered",
	"could not deliver",
	"unable to deliver",
	"able to deliver your message",
	"was not delivered",
	"undeliverable",
	"undelivered",
	"delivery failed",
	"delivery has failed",
	"delivery to the following",
	"failed permanently",
	"permanent error",
	"permanent fatal",
	"user unknown",
	"unknown user",
	"no such user",
	"does not exist",
	"doesn't exist",
	"not listed in",
	"wasn't found",
	"was not found",
	"mailbox unavailable",
	"address rejected",
	"failure notice",
	"returned mail",
	"niet worden bezorgd",
	"niet bezorgd",
	"niet worden afgeleverd",
	"niet afgeleverd",
	"onbestelbaar",
	"bestaat niet",
	"unzustellbar",
	"nicht zugestellt",
	"pas pu être remis",
	"non remis",
};

void
bounce_scan_init(struct bounce_scan *b)
{
	memset(b, 0, sizeof(*b));
}

void
bounce_scan_deinit(struct bounce_scan *b)
{
	free(b->report);
	free(b->returned);
	memset(b, 0, sizeof(*b));
}

/* s cut to at most max bytes on a character boundary, in place. */
static char *
cut(char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return s;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	s[n] = '\0';
	return s;
}

/* A Message-ID from the text from v to end (a field's value), without
   <>, or NULL when it holds none that could be ours (no space, no
   control). */
static char *
id_from(const char *v, const char *end)
{
	const char *open = memchr(v, '<', (size_t)(end - v)), *close;

	if (open == NULL)
		return NULL;
	close = memchr(open + 1, '>', (size_t)(end - open - 1));
	if (close == NULL || close - open - 1 <= 0 ||
	    (size_t)(close - open - 1) > BOUNCE_FIELD_MAX)
		return NULL;
	for (const char *p = open + 1; p < close; p++) {
		if ((unsigned char)*p <= ' ' || *p == '<')
			return NULL;
	}
	return xstrndup(open + 1, (size_t)(close - open - 1));
}

/* Where the first "Message-ID:" line of text starts (after white space
   and ">" quoting), and the id it names in *id_r; NULL for none. */
static const char *
find_id_line(const char *text, char **id_r)
{
	const char *line = text, *p, *next, *after;

	*id_r = NULL;
	for (; *line != '\0'; line = next) {
		next = strchr(line, '\n');
		next = next == NULL ? line + strlen(line) : next + 1;
		p = line;
		while (*p == ' ' || *p == '\t' || *p == '>')
			p++;
		if (strncasecmp(p, "Message-ID:", 11) != 0)
			continue;
		*id_r = id_from(p + 11, next);
		if (*id_r == NULL && (*next == ' ' || *next == '\t')) {
			/* folded after the name */
			after = strchr(next, '\n');
			*id_r = id_from(next, after != NULL
						      ? after
						      : next + strlen(next));
		}
		if (*id_r != NULL)
			return line;
	}
	return NULL;
}

/* Whether the line at p reads as a header field or its continuation. */
static bool
header_line(const char *p)
{
	if (*p == ' ' || *p == '\t')
		return true;
	while (*p == '>')
		p++;
	if (!isalpha((unsigned char)*p))
		return false;
	while (isalnum((unsigned char)*p) || *p == '-')
		p++;
	return *p == ':';
}

/* The start of the header block that holds the line at line. */
static const char *
block_start(const char *text, const char *line)
{
	const char *prev;

	while (line > text) {
		prev = line - 1; /* the '\n' ending the line before */
		while (prev > text && prev[-1] != '\n')
			prev--;
		if (*prev == '\n' || *prev == '\r' || !header_line(prev))
			break;
		line = prev;
	}
	return line;
}

void
bounce_scan_returned(struct bounce_scan *b, const struct mailimf_fields *fields)
{
	clistiter *it;

	if (b->returned != NULL || fields == NULL || fields->fld_list == NULL)
		return;
	for (it = clist_begin(fields->fld_list); it != NULL;
	     it = clist_next(it)) {
		struct mailimf_field *f = clist_content(it);
		const char *id;

		if (f->fld_type != MAILIMF_FIELD_MESSAGE_ID ||
		    f->fld_data.fld_message_id == NULL)
			continue;
		id = f->fld_data.fld_message_id->mid_value;
		if (id != NULL && *id != '\0' &&
		    strlen(id) <= BOUNCE_FIELD_MAX &&
		    strpbrk(id, " \t\r\n<>") == NULL)
			b->returned = xstrdup(id);
		return;
	}
}

void
bounce_scan_headers(struct bounce_scan *b, const char *text)
{
	char *id;

	if (b->returned != NULL || find_id_line(text, &id) == NULL)
		return;
	b->returned = id;
}

void
bounce_scan_report(struct bounce_scan *b, const char *text)
{
	if (b->report == NULL)
		b->report = xstrdup(text);
}

/* The value after a "type;" prefix (RFC 3464 address-type, diagnostic
   type), trimmed: heap. */
static char *
typed_value(const char *v)
{
	const char *semi = strchr(v, ';');
	char *out = xstrdup(semi != NULL ? semi + 1 : v);

	return cut(util_trim(out), BOUNCE_FIELD_MAX);
}

static void
recipient_deinit(struct recipient *r)
{
	free(r->rcpt);
	free(r->orig);
	free(r->action);
	free(r->status);
	free(r->diagnostic);
	memset(r, 0, sizeof(*r));
}

/* One unfolded "Name: value" of a report into r. */
static void
report_field(struct recipient *r, const char *name, size_t len,
	     const char *value)
{
	char **slot = NULL, *v;
	size_t n;

	if (len == 15 && strncasecmp(name, "Final-Recipient", len) == 0)
		slot = &r->rcpt;
	else if (len == 18 && strncasecmp(name, "Original-Recipient", len) == 0)
		slot = &r->orig;
	else if (len == 6 && strncasecmp(name, "Action", len) == 0)
		slot = &r->action;
	else if (len == 6 && strncasecmp(name, "Status", len) == 0)
		slot = &r->status;
	else if (len == 15 && strncasecmp(name, "Diagnostic-Code", len) == 0)
		slot = &r->diagnostic;
	if (slot == NULL || *slot != NULL)
		return;
	v = slot == &r->action || slot == &r->status
		    ? cut(util_trim(xstrdup(value)), BOUNCE_FIELD_MAX)
		    : typed_value(value);
	if (slot == &r->rcpt || slot == &r->orig) {
		/* "rfc822; <a@b>" is seen too */
		n = strlen(v);
		if (n >= 2 && v[0] == '<' && v[n - 1] == '>') {
			memmove(v, v + 1, n - 2);
			v[n - 2] = '\0';
		}
		util_lowercase(v);
	} else if (slot == &r->action) {
		util_lowercase(v);
	}
	*slot = v;
}

/* The address we wrote to that a block is about: its Original-Recipient
   (an alias or forward makes the Final-Recipient another), else its
   Final-Recipient. */
static const char *
written_to(const struct recipient *r)
{
	return r->orig != NULL && strchr(r->orig, '@') != NULL ? r->orig
							       : r->rcpt;
}

static bool
failed(const struct recipient *r)
{
	return r->action != NULL && strcmp(r->action, "failed") == 0;
}

/* Ends a block of a report: a block about a recipient is kept. */
static void
end_block(struct recipient *cur, struct blocks *all)
{
	if (cur->rcpt != NULL && all->n < BOUNCE_REPORT_LINES) {
		all->v = xreallocarray(all->v, all->n + 1, sizeof(*all->v));
		all->v[all->n++] = *cur;
		memset(cur, 0, sizeof(*cur));
	}
	recipient_deinit(cur);
}

/* Hands the logical line *field to report_field() and frees it. */
static void
take_field(struct recipient *cur, char **field)
{
	char *colon;

	if (*field == NULL)
		return;
	colon = strchr(*field, ':');
	if (colon != NULL)
		report_field(cur, *field, (size_t)(colon - *field), colon + 1);
	free(*field);
	*field = NULL;
}

/* The block of all that a bounce is about, taken into *best with the
   address we wrote to as its rcpt: the first that failed, else the
   first.  When the address we wrote to reached someone after all (an
   alias expanded to several, one of them delivered) that block's
   action is the one kept: the address is not undeliverable. */
static void
choose(struct blocks *all, struct recipient *best)
{
	size_t i, pick = 0;
	char *orig;

	memset(best, 0, sizeof(*best));
	if (all->n == 0)
		return;
	for (i = 0; i < all->n; i++) {
		if (failed(&all->v[i])) {
			pick = i;
			break;
		}
	}
	*best = all->v[pick];
	memset(&all->v[pick], 0, sizeof(all->v[pick]));
	orig = best->orig != NULL && strchr(best->orig, '@') != NULL
		       ? best->orig
		       : NULL;
	for (i = 0; orig != NULL && failed(best) && i < all->n; i++) {
		if (all->v[i].rcpt != NULL && !failed(&all->v[i]) &&
		    all->v[i].action != NULL &&
		    strcmp(written_to(&all->v[i]), orig) == 0) {
			free(best->action);
			best->action = xstrdup(all->v[i].action);
		}
	}
	if (orig != NULL) {
		free(best->rcpt);
		best->rcpt = orig;
		best->orig = NULL;
	}
	for (i = 0; i < all->n; i++)
		recipient_deinit(&all->v[i]);
	free(all->v);
}

/* The fields of report, block by block (a block ends at an empty line,
   a line starting with white space continues a field), chosen from by
   choose(). */
static void
read_report(const char *report, struct recipient *best)
{
	struct recipient cur;
	struct blocks all = {NULL, 0};
	char *copy = xstrdup(report), *line, *next, *field = NULL, *joined;
	unsigned lines = 0;

	memset(&cur, 0, sizeof(cur));
	for (line = copy; line != NULL && lines < BOUNCE_REPORT_LINES;
	     line = next, lines++) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		line[strcspn(line, "\r")] = '\0';
		if (line[strspn(line, " \t")] == '\0') {
			take_field(&cur, &field);
			end_block(&cur, &all);
			continue;
		}
		if ((*line == ' ' || *line == '\t') && field != NULL) {
			joined = xasprintf("%s %s", field, util_trim(line));
			free(field);
			field = cut(joined, 4 * BOUNCE_FIELD_MAX);
			continue;
		}
		take_field(&cur, &field);
		field = xstrdup(line);
	}
	take_field(&cur, &field);
	end_block(&cur, &all);
	choose(&all, best);
	free(copy);
}

char *
bounce_smtp_reply(const char *text, char **status_r)
{
	const char *line, *next, *p, *q;
	char *out;

	*status_r = NULL;
	for (line = text; *line != '\0'; line = next) {
		next = strchr(line, '\n');
		next = next == NULL ? line + strlen(line) : next + 1;
		for (p = line; p + 3 <= next; p++) {
			if ((*p != '4' && *p != '5') ||
			    !isdigit((unsigned char)p[1]) ||
			    !isdigit((unsigned char)p[2]) ||
			    /* Exchange: "returned '550 ...", "#550 ..." */
			    (p > line && strchr(" \t:'#", p[-1]) == NULL) ||
			    (p + 3 < next && strchr(" -\r\n", p[3]) == NULL))
				continue;
			out = util_trim(xstrndup(line, (size_t)(next - line)));
			/* an enhanced status code, "5.1.1" */
			for (q = out; *q != '\0'; q++) {
				size_t n = strspn(q + 2, "0123456789.");

				if ((q == out ||
				     !isalnum((unsigned char)q[-1])) &&
				    strchr("245", *q) != NULL && q[1] == '.' &&
				    n >= 3 && n <= 7 &&
				    strchr(q + 2, '.') < q + 2 + n) {
					*status_r = xstrndup(q, n + 2);
					break;
				}
			}
			return cut(out, BOUNCE_FIELD_MAX);
		}
	}
	return NULL;
}

bool
bounce_says_failed(const char *text)
{
	size_t i;

	for (i = 0; text != NULL && i < nitems(failed_phrases); i++) {
		if (strcasestr(text, failed_phrases[i]) != NULL)
			return true;
	}
	return false;
}

bool
bounce_text_names(const char *text, const char *addr)
{
	size_t n = strlen(addr);
	const char *p;

	if (n == 0)
		return false;
	for (p = text; (p = strcasestr(p, addr)) != NULL; p++) {
		bool before = p == text || (!isalnum((unsigned char)p[-1]) &&
					    strchr(".-_+%'", p[-1]) == NULL);
		bool after =
			!isalnum((unsigned char)p[n]) &&
			(p[n] != '.' || !isalnum((unsigned char)p[n + 1])) &&
			p[n] != '-';

		if (before && after)
			return true;
	}
	return false;
}

/* A bounce without a report: what its explanation text says. */
static void
unstructured(struct message *msg, const char *text)
{
	char *status = NULL;
	size_t i;

	msg->bounce_diagnostic = bounce_smtp_reply(text, &status);
	msg->bounce_status = status;
	for (i = 0; i < nitems(delayed_phrases); i++) {
		if (strcasestr(text, delayed_phrases[i]) != NULL) {
			msg->bounce_action = xstrdup("delayed");
			break;
		}
	}
}

void
bounce_scan_finish(struct bounce_scan *b, struct message *msg)
{
	const char *body = msg->body != NULL ? msg->body : "", *at;
	struct recipient r;
	char *id = NULL;

	if (b->returned == NULL) {
		/* quoted in the text (Exim, Postfix without DSN) */
		at = find_id_line(body, &id);
		if (at == NULL) {
			bounce_scan_deinit(b);
			return;
		}
		msg->bounce_text =
			xstrndup(body, (size_t)(block_start(body, at) - body));
	} else {
		id = b->returned;
		b->returned = NULL;
		msg->bounce_text = xstrdup(body);
	}
	msg->bounce_id = id;
	cut(msg->bounce_text, BOUNCE_TEXT_MAX);
	if (b->report != NULL) {
		read_report(b->report, &r);
		msg->bounce_rcpt = r.rcpt;
		msg->bounce_action = r.action;
		msg->bounce_status = r.status;
		msg->bounce_diagnostic = r.diagnostic;
		free(r.orig);
	} else {
		unstructured(msg, msg->bounce_text);
	}
	bounce_scan_deinit(b);
}
