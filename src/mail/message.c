#include "autoconf.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "buf.h"
#include "mailaddr.h"
#include "message.h"
#include "reason.h"
#include "util.h"

/*
 * What libetpan 1.9.4 (Debian 12) gets wrong, and what this file does:
 * - boundary="\"" crashes mailmime_parse: every boundary parameter is
 *   checked first, and a bad one keeps libetpan away from the body.
 * - a malformed header line silently ends the header parse: every line of
 *   the header block is checked here, and such a message goes to review.
 * - values come back undecoded and folded: decoded with
 *   mailmime_encoded_phrase_parse, then cleaned to valid UTF-8.
 * - the parser recurses per MIME level: nesting is counted in the raw
 *   bytes before parsing.
 */

/* Keeps r as the problem of msg: the first problem found is the one to
   report. */
static void
set_problem(struct message *msg, struct reason *r)
{
	if (msg->problem != NULL)
		reason_free(r);
	else
		msg->problem = r;
}

/* A number as a reason's argument. */
#define NUM(buf, v) (snprintf((buf), sizeof(buf), "%zu", (size_t)(v)), (buf))

/* Returns the length of the header block including its final empty line,
   or len when there is no empty line. */
static size_t
header_block_len(const char *data, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (data[i] != '\n')
			continue;
		if (i + 1 < len && data[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && data[i + 1] == '\r' && data[i + 2] == '\n')
			return i + 3;
	}
	return len;
}

/* What the line scan of the header block found. */
struct header_scan {
	size_t fields;		/* header fields */
	unsigned from;		/* From fields */
	const char *from_value; /* the first From value, in the block */
	size_t from_len;	/* its length, continuation lines included */
	size_t crlf, lf;	/* lines ended by CRLF and by a bare LF */
};

/* True if the field at h (len bytes) is called name: the name, then
   optional white space, then a colon (libetpan allows the space). */
static bool
field_named(const char *h, size_t len, const char *name)
{
	size_t n = strlen(name), i;

	if (len < n || strncasecmp(h, name, n) != 0)
		return false;
	for (i = n; i < len && (h[i] == ' ' || h[i] == '\t'); i++)
		;
	return i < len && h[i] == ':';
}

/*
 * Checks the header block line by line: every line is a continuation
 * (starts with white space) or "name:" with printable ASCII in the name.
 * A bare CR, or CRLF mixed with bare LF, is refused: MTAs disagree on
 * where such a line ends, so a header could hide behind it.
 */
static void
check_header_lines(struct message *msg, const char *h, size_t len,
		   struct header_scan *sc)
{
	size_t i = 0, lineno = 0;
	bool in_from = false;
	char n1[24], n2[24];

	memset(sc, 0, sizeof(*sc));
	while (i < len) {
		size_t start = i, j;

		while (i < len && h[i] != '\n') {
			if (h[i] == '\r' && i + 1 < len && h[i + 1] != '\n')
				set_problem(msg,
					    reason_new(REASON_BARE_CR,
						       NUM(n1, lineno + 1)));
			i++;
		}
		if (i < len) {
			if (i > start && h[i - 1] == '\r')
				sc->crlf++;
			else
				sc->lf++;
		}
		i++; /* past the LF */
		lineno++;
		if (h[start] == '\r' || h[start] == '\n')
			break; /* the empty line */
		if (h[start] == ' ' || h[start] == '\t') {
			if (sc->fields == 0)
				set_problem(
					msg,
					reason_new(REASON_CONTINUATION_FIRST));
			if (in_from)
				sc->from_len = (i > len ? len : i) -
					       (size_t)(sc->from_value - h);
			continue;
		}
		sc->fields++;
		in_from = false;
		for (j = start; j < len && h[j] != ':' && h[j] != '\n'; j++) {
			if (h[j] < '!' || h[j] > '~')
				break;
		}
		if (j == start || j >= len || h[j] != ':')
			set_problem(msg, reason_new(REASON_MALFORMED_LINE,
						    NUM(n1, lineno)));
		else if (field_named(h + start, len - start, "From") &&
			 sc->from++ == 0) {
			in_from = true;
			sc->from_value = h + j + 1;
			sc->from_len = (i > len ? len : i) - (j + 1);
		}
	}
	if (sc->crlf > 0 && sc->lf > 0)
		set_problem(msg,
			    reason_new(REASON_MIXED_LINE_ENDS,
				       NUM(n1, sc->crlf), NUM(n2, sc->lf)));
}

/* The boundary parameter of one Content-Type value, as libetpan reads it
   (its own parser, so comments, folding and quoting are seen the same
   way); false for a value libetpan 1.9.4 cannot take.  *nested is set
   for multipart and message types, *message for message types. */
static bool
content_type_ok(const char *value, size_t len, bool *nested, bool *message)
{
	struct mailmime_content *ct = NULL;
	const char *boundary;
	char *copy, *decoded = NULL;
	size_t idx = 0;
	bool ok = true;
	int rc;

	*nested = false;
	*message = false;
	/* as mailmime_field_parse() does: encoded words decoded and the
	   value unfolded first, so "=?us-ascii?q?boundary=3D...?=" and a
	   folded "boundary\r\n =" are read as the parser reads them */
	while (len > 0 && (value[len - 1] == '\r' || value[len - 1] == '\n'))
		len--;
	copy = xstrndup(value, len); /* a NUL ends it, as in libetpan */
	if (mailmime_encoded_phrase_parse("us-ascii", copy, strlen(copy), &idx,
					  "utf-8",
					  &decoded) == MAILIMF_NO_ERROR) {
		free(copy);
		copy = decoded;
	}
	idx = 0;
	rc = mailmime_content_parse(copy, strlen(copy), &idx, &ct);
	free(copy);
	if (rc != MAILIMF_NO_ERROR)
		return true; /* libetpan will not use it either */
	if (ct->ct_type != NULL &&
	    ct->ct_type->tp_type == MAILMIME_TYPE_COMPOSITE_TYPE) {
		*nested = true;
		*message = ct->ct_type->tp_data.tp_composite_type->ct_type ==
			   MAILMIME_COMPOSITE_TYPE_MESSAGE;
	}
	boundary = mailmime_content_param_get(ct, (char *)"boundary");
	/* "\"" unquotes to a lone quote, which crashes the parser
	   (upstream 3f14913); an empty one splits at every "--" */
	if (boundary != NULL && (boundary[0] == '\0' ||
				 (boundary[0] == '"' && boundary[1] == '\0')))
		ok = false;
	mailmime_content_free(ct);
	return ok;
}

/* Past white space, folding and (nested) comments at p. */
static const char *
skip_cfws(const char *p, const char *end)
{
	const char *stop = end - p > 1024 ? p + 1024 : end;
	int depth = 0;

	for (; p < stop; p++) {
		if (*p == '(')
			depth++;
		else if (*p == ')' && depth > 0)
			depth--;
		else if (*p == '\\' && depth > 0 && p + 1 < end)
			p++;
		else if (depth == 0 && *p != ' ' && *p != '\t' && *p != '\r' &&
			 *p != '\n')
			break;
	}
	return p;
}

/* Length of the field value at p: to the end of the line, with its
   continuation lines (a CR or an LF ends a line here). */
static size_t
field_value_len(const char *p, const char *end)
{
	const char *q = p;

	for (;;) {
		while (q < end && *q != '\r' && *q != '\n')
			q++;
		while (q < end && (*q == '\r' || *q == '\n'))
			q++;
		if (q >= end || (*q != ' ' && *q != '\t'))
			break;
	}
	return (size_t)(q - p);
}

/* The line at p: its length, and *next the line after it (a CR, an LF
   or a CR LF ends a line). */
static size_t
line_at(const char *p, const char *end, const char **next)
{
	const char *q = p;

	while (q < end && *q != '\r' && *q != '\n')
		q++;
	*next = q;
	if (*next < end && **next == '\r')
		(*next)++;
	if (*next < end && **next == '\n' &&
	    (*next == q || (*next)[-1] == '\r'))
		(*next)++;
	return (size_t)(q - p);
}

/*
 * Before libetpan parses: the MIME structure, as far as a parser could
 * take it.  Header blocks are the top one, the lines after any line that
 * starts with "--" (a boundary, whatever the boundary is), and the body
 * of a message/ part.  Every Content-Type field in them is read with
 * libetpan's own Content-Type parser: a boundary it cannot take keeps it
 * away from the body.  The multipart and message types are counted, as
 * libetpan recurses once per level.  Body text is not looked at: a mail
 * that quotes headers is no alarm.  False means: do not parse the body.
 */
static bool
prescan_mime(struct message *msg, const char *data, size_t len)
{
	static const char name[] = "content-type";
	const char *p = data, *end = data + len, *next, *q;
	size_t nesting = 0, n = sizeof(name) - 1, linelen;
	bool in_header = true, message_body = false, nested, message;
	char n1[24], n2[24];

	for (; p < end; p = next) {
		linelen = line_at(p, end, &next);
		if (!in_header) {
			/* a delimiter line: a part's header follows */
			in_header = linelen >= 2 && p[0] == '-' && p[1] == '-';
			message_body = false;
			continue;
		}
		if (linelen == 0 && next[-1] == '\n') {
			/* the header ends (at a blank line, not a bare CR:
			   where parsers disagree, the scan reads on); a
			   message/ part's body is the header of the message
			   inside */
			in_header = message_body;
			message_body = false;
			continue;
		}
		if (linelen <= n || strncasecmp(p, name, n) != 0)
			continue;
		/* libetpan allows white space and comments before the colon */
		q = skip_cfws(p + n, end);
		if (q >= end || *q != ':')
			continue;
		q++;
		if (!content_type_ok(q, field_value_len(q, end), &nested,
				     &message)) {
			set_problem(msg, reason_new(REASON_BAD_BOUNDARY));
			return false;
		}
		if (nested)
			nesting++;
		if (message)
			message_body = true;
	}
	if (nesting > MESSAGE_NESTING_SCAN_MAX) {
		set_problem(msg,
			    reason_new(REASON_NESTING_SCAN, NUM(n1, nesting),
				       NUM(n2, MESSAGE_NESTING_SCAN_MAX)));
		return false;
	}
	return true;
}

/* True if s is valid UTF-8 (controls are not asked about). */
static bool
valid_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	size_t i = 0, n;

	while (i < len) {
		n = util_utf8_decode(p + i, len - i, &cp);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

/* Decodes RFC 2047 words and unfolds; raw 8-bit bytes are taken as UTF-8
   when valid, else windows-1252.  Always valid UTF-8 out. */
static char *
decode_phrase(const char *raw)
{
	size_t idx = 0, len = strlen(raw);
	const char *from = valid_utf8(raw, len) ? "utf-8" : "windows-1252";
	char *decoded = NULL, *clean;

	if (mailmime_encoded_phrase_parse(from, raw, len, &idx, "utf-8",
					  &decoded) != MAILIMF_NO_ERROR ||
	    decoded == NULL) {
		clean = message_clean_utf8(raw, len);
	} else {
		clean = message_clean_utf8(decoded, strlen(decoded));
		free(decoded);
	}
	return util_trim(clean);
}

/* An encoded CR or LF in a decoded phrase becomes a space: a subject
   is one line wherever it is shown or quoted. */
static char *
one_line(char *s)
{
	char *p;

	for (p = s; *p != '\0'; p++) {
		if (*p == '\r' || *p == '\n' || *p == '\t')
			*p = ' ';
	}
	return s;
}

/* Unfolds a raw header value: CR and LF become spaces. */
static char *
unfold(const char *raw)
{
	char *s = message_clean_utf8(raw, strlen(raw));
	char *p;

	for (p = s; *p != '\0'; p++) {
		if (*p == '\r' || *p == '\n' || *p == '\t')
			*p = ' ';
	}
	return util_trim(s);
}

static char *
join_ids(clist *ids)
{
	struct buf b;
	clistiter *it;

	buf_init(&b, 64 * 1024);
	for (it = clist_begin(ids); it != NULL; it = clist_next(it)) {
		const char *id = clist_content(it);

		if (b.len > 0)
			(void)buf_addc(&b, ' ');
		(void)buf_addf(&b, "<%s>", id);
	}
	return buf_steal(&b);
}

static char *
addr_spec(const struct mailimf_mailbox *mb)
{
	char *s =
		message_clean_utf8(mb->mb_addr_spec, strlen(mb->mb_addr_spec));

	return util_lowercase(util_trim(s));
}

static const struct mailimf_mailbox *
first_mailbox(struct mailimf_address_list *list)
{
	clistiter *it;

	if (list == NULL)
		return NULL;
	for (it = clist_begin(list->ad_list); it != NULL; it = clist_next(it)) {
		struct mailimf_address *a = clist_content(it);

		if (a->ad_type == MAILIMF_ADDRESS_MAILBOX)
			return a->ad_data.ad_mailbox;
	}
	return NULL;
}

static char *
address_list_text(struct mailimf_address_list *list)
{
	struct buf b;
	char *text;
	clistiter *it;

	buf_init(&b, 16 * 1024);
	for (it = clist_begin(list->ad_list); it != NULL; it = clist_next(it)) {
		struct mailimf_address *a = clist_content(it);

		if (a->ad_type != MAILIMF_ADDRESS_MAILBOX)
			continue;
		if (b.len > 0)
			(void)buf_adds(&b, ", ");
		(void)buf_adds(&b, a->ad_data.ad_mailbox->mb_addr_spec);
	}
	text = unfold(buf_str(&b));
	buf_deinit(&b);
	return text;
}

/* Sets *slot once: the first occurrence of a field wins. */
static void
keep(char **slot, char *value)
{
	if (*slot == NULL)
		*slot = value;
	else
		free(value);
}

static void
take_optional(struct message *msg, const char *name, const char *value)
{
	if (strcasecmp(name, "Return-Path") == 0) {
		char *v = unfold(value);
		size_t n = strlen(v);

		if (n >= 2 && v[0] == '<' && v[n - 1] == '>') {
			memmove(v, v + 1, n - 2);
			v[n - 2] = '\0';
		}
		keep(&msg->return_path, util_lowercase(util_trim(v)));
	} else if (strcasecmp(name, "Auto-Submitted") == 0) {
		keep(&msg->auto_submitted, unfold(value));
	} else if (strcasecmp(name, "Precedence") == 0) {
		keep(&msg->precedence, unfold(value));
	} else if (strcasecmp(name, "List-Id") == 0 ||
		   strcasecmp(name, "List-Unsubscribe") == 0 ||
		   strcasecmp(name, "List-Post") == 0) {
		keep(&msg->list_id, unfold(value));
	} else if (strcasecmp(name, "X-Autoreply") == 0 ||
		   strcasecmp(name, "X-Autorespond") == 0 ||
		   strcasecmp(name, "X-Autoresponder") == 0) {
		keep(&msg->autoreply_header, xstrdup(name));
	} else if (strcasecmp(name, "Authentication-Results") == 0) {
		if (msg->n_authres < MESSAGE_AUTHRES_MAX) {
			msg->authres_zone[msg->n_authres] = msg->received;
			msg->authres[msg->n_authres++] = unfold(value);
		}
	} else if (strcasecmp(name, "Received") == 0) {
		msg->received++;
	} else if (strcasecmp(name, "In-Reply-To") == 0) {
		keep(&msg->in_reply_to, unfold(value));
	} else if (strcasecmp(name, "References") == 0) {
		keep(&msg->references, unfold(value));
	} else if (strcasecmp(name, "Message-ID") == 0) {
		keep(&msg->message_id, unfold(value));
	} else if (strcasecmp(name, "Subject") == 0) {
		keep(&msg->subject, one_line(decode_phrase(value)));
	} else if (strcasecmp(name, "Date") == 0) {
		keep(&msg->date, unfold(value));
	}
}

/* The Date field as "YYYY-MM-DD HH:MM:SS +ZZZZ", at most 63 bytes. */
static char *
date_text(const struct mailimf_date_time *d)
{
	char text[64];

	snprintf(text, sizeof(text), "%04d-%02d-%02d %02d:%02d:%02d %+05d",
		 d->dt_year, d->dt_month, d->dt_day, d->dt_hour, d->dt_min,
		 d->dt_sec, d->dt_zone);
	return xstrdup(text);
}

/* The sender is the first mailbox of the first From field; more
   mailboxes in it are a problem.  *from_fields counts the From fields. */
static void
take_from(struct message *msg, struct mailimf_from *from, unsigned *from_fields)
{
	clist *list = from->frm_mb_list->mb_list;
	const struct mailimf_mailbox *mb;
	char n1[24];

	(*from_fields)++;
	if (*from_fields > 1 || clist_isempty(list))
		return;
	if (clist_count(list) > 1)
		set_problem(msg, reason_new(REASON_FROM_ADDRESSES,
					    NUM(n1, clist_count(list))));
	mb = clist_content(clist_begin(list));
	msg->from_addr = addr_spec(mb);
	if (mb->mb_display_name != NULL)
		msg->from_name = one_line(decode_phrase(mb->mb_display_name));
}

static void
take_field(struct message *msg, struct mailimf_field *f, unsigned *from_fields)
{
	const struct mailimf_mailbox *mb;

	switch (f->fld_type) {
	case MAILIMF_FIELD_FROM:
		take_from(msg, f->fld_data.fld_from, from_fields);
		break;
	case MAILIMF_FIELD_SENDER:
		if (f->fld_data.fld_sender->snd_mb != NULL)
			keep(&msg->sender_addr,
			     addr_spec(f->fld_data.fld_sender->snd_mb));
		break;
	case MAILIMF_FIELD_REPLY_TO:
		mb = first_mailbox(f->fld_data.fld_reply_to->rt_addr_list);
		if (mb != NULL)
			keep(&msg->reply_to_addr, addr_spec(mb));
		break;
	case MAILIMF_FIELD_TO:
		keep(&msg->to,
		     address_list_text(f->fld_data.fld_to->to_addr_list));
		break;
	case MAILIMF_FIELD_SUBJECT:
		keep(&msg->subject,
		     one_line(decode_phrase(
			     f->fld_data.fld_subject->sbj_value)));
		break;
	case MAILIMF_FIELD_MESSAGE_ID:
		keep(&msg->message_id,
		     unfold(f->fld_data.fld_message_id->mid_value));
		break;
	case MAILIMF_FIELD_IN_REPLY_TO:
		keep(&msg->in_reply_to,
		     join_ids(f->fld_data.fld_in_reply_to->mid_list));
		break;
	case MAILIMF_FIELD_REFERENCES:
		keep(&msg->references,
		     join_ids(f->fld_data.fld_references->mid_list));
		break;
	case MAILIMF_FIELD_ORIG_DATE:
		keep(&msg->date,
		     date_text(f->fld_data.fld_orig_date->dt_date_time));
		break;
	case MAILIMF_FIELD_OPTIONAL_FIELD:
		/* a From that libetpan could not read as a mailbox list */
		if (strcasecmp(f->fld_data.fld_optional_field->fld_name,
			       "From") == 0)
			(*from_fields)++;
		take_optional(msg, f->fld_data.fld_optional_field->fld_name,
			      f->fld_data.fld_optional_field->fld_value);
		break;
	default:
		break;
	}
}

static void
parse_headers(struct message *msg, const char *h, size_t len,
	      unsigned *from_fields)
{
	struct mailimf_fields *fields = NULL;
	clistiter *it;
	size_t idx = 0;

	if (mailimf_envelope_and_optional_fields_parse(h, len, &idx, &fields) !=
		    MAILIMF_NO_ERROR ||
	    fields == NULL) {
		set_problem(msg, reason_new(REASON_HEADER_UNPARSABLE));
		return;
	}
	for (it = clist_begin(fields->fld_list); it != NULL;
	     it = clist_next(it))
		take_field(msg, clist_content(it), from_fields);
	mailimf_fields_free(fields);
	if (msg->message_id != NULL) {
		/* keep ids uniform: without angle brackets */
		size_t n = strlen(msg->message_id);

		if (n >= 2 && msg->message_id[0] == '<' &&
		    msg->message_id[n - 1] == '>') {
			memmove(msg->message_id, msg->message_id + 1, n - 2);
			msg->message_id[n - 2] = '\0';
		}
		if (msg->message_id[0] == '\0') {
			free(msg->message_id);
			msg->message_id = NULL;
		}
	}
}

struct message *
message_parse(const char *data, size_t len)
{
	return message_parse_sized(data, len, len);
}

static struct message *parse(const char *data, size_t len, size_t size,
			     bool parse_body, struct message_want *want);

/* Zero bytes after the copy that libetpan parses. */
#define MESSAGE_PAD 8

/* Exactly one From field with exactly one valid mailbox may enrol
   (RFC 5322 section 3.6.2); every other shape is for a person. */
static void
check_from(struct message *msg, const struct header_scan *sc, unsigned parsed)
{
	char n1[24], n2[24];

	if (sc->from == 0 && parsed == 0) {
		set_problem(msg, reason_new(REASON_NO_FROM));
		return;
	}
	if (sc->from != parsed)
		set_problem(msg,
			    reason_new(REASON_FROM_MISMATCH, NUM(n1, sc->from),
				       NUM(n2, parsed)));
	else if (sc->from > 1)
		set_problem(msg,
			    reason_new(REASON_FROM_FIELDS, NUM(n1, sc->from)));
	if (msg->from_addr == NULL)
		set_problem(msg, reason_new(REASON_FROM_NOT_ONE));
	else if (!mailaddr_valid(msg->from_addr))
		set_problem(msg, reason_new(REASON_FROM_INVALID));
}

struct message *
message_parse_sized(const char *data, size_t len, size_t size)
{
	return parse(data, len, size, true, NULL);
}

struct message *
message_parse_header(const char *data, size_t len, size_t size)
{
	return parse(data, len, size, false, NULL);
}

int
message_attachment_parse(const char *data, size_t len, size_t size,
			 unsigned part,
			 int (*sink)(void *ctx, const char *bytes, size_t n),
			 void *ctx)
{
	struct message_want want = {part, sink, ctx, -1};

	if (part == 0)
		return -1;
	message_free(parse(data, len, size, true, &want));
	return want.rc;
}

static struct message *
parse(const char *data, size_t len, size_t size, bool parse_body,
      struct message_want *want)
{
	struct message *msg = xcalloc(1, sizeof(*msg));
	struct header_scan sc;
	unsigned parsed_from = 0;
	size_t hlen;
	char *header, n1[24], n2[24];

	msg->size = size > len ? size : len;
	if (msg->size > MESSAGE_SIZE_MAX) {
		set_problem(msg, reason_new(REASON_TOO_BIG, NUM(n1, msg->size),
					    NUM(n2, MESSAGE_SIZE_MAX)));
		parse_body = false;
	}
	hlen = header_block_len(data, len);
	if (hlen > MESSAGE_HEADER_MAX) {
		set_problem(msg, reason_new(REASON_HEADER_TOO_BIG,
					    NUM(n1, MESSAGE_HEADER_MAX)));
		hlen = MESSAGE_HEADER_MAX;
		parse_body = false;
	}
	if (memchr(data, '\0', hlen) != NULL) {
		set_problem(msg, reason_new(REASON_NUL_HEADER));
		parse_body = false;
	}
	/* a working copy: NULs would end libetpan's parse early */
	header = xmalloc(hlen + 1);
	memcpy(header, data, hlen);
	header[hlen] = '\0';
	for (size_t i = 0; i < hlen; i++) {
		if (header[i] == '\0')
			header[i] = ' ';
	}
	check_header_lines(msg, header, hlen, &sc);
	if (sc.fields > MESSAGE_FIELDS_MAX) {
		set_problem(msg, reason_new(REASON_TOO_MANY_FIELDS,
					    NUM(n1, sc.fields),
					    NUM(n2, MESSAGE_FIELDS_MAX)));
		parse_body = false;
	} else {
		parse_headers(msg, header, hlen, &parsed_from);
	}
	msg->from_fields = sc.from > parsed_from ? sc.from : parsed_from;
	if (sc.from > 0) {
		char *raw = xstrndup(sc.from_value, sc.from_len);

		msg->from_raw = one_line(decode_phrase(raw));
		free(raw);
	}
	free(header);
	if (parse_body && prescan_mime(msg, data, len)) {
		/* libetpan's quoted-printable decoder reads up to two bytes
		   past a part that ends in "=X": zeros there, not the heap */
		char *padded = xmalloc(len + MESSAGE_PAD);

		memcpy(padded, data, len);
		memset(padded + len, 0, MESSAGE_PAD);
		message_body_parse(msg, padded, len, want);
		free(padded);
	}
	if (sc.fields <= MESSAGE_FIELDS_MAX)
		check_from(msg, &sc, parsed_from);
	return msg;
}

struct message *
message_unparsed(struct reason *problem, size_t size)
{
	struct message *msg = xcalloc(1, sizeof(*msg));

	msg->problem = problem;
	msg->size = size;
	return msg;
}

void
message_free(struct message *msg)
{
	size_t i;

	if (msg == NULL)
		return;
	free(msg->from_addr);
	free(msg->from_name);
	free(msg->from_raw);
	free(msg->sender_addr);
	free(msg->reply_to_addr);
	free(msg->to);
	free(msg->subject);
	free(msg->message_id);
	free(msg->date);
	free(msg->in_reply_to);
	free(msg->references);
	free(msg->auto_submitted);
	free(msg->precedence);
	free(msg->list_id);
	free(msg->return_path);
	free(msg->autoreply_header);
	for (i = 0; i < msg->n_authres; i++)
		free(msg->authres[i]);
	free(msg->content_type);
	free(msg->body);
	free(msg->calendar);
	for (i = 0; i < msg->n_attachments; i++) {
		free(msg->attachments[i].name);
		free(msg->attachments[i].type);
	}
	free(msg->attachments);
	free(msg->bounce_id);
	free(msg->bounce_rcpt);
	free(msg->bounce_action);
	free(msg->bounce_status);
	free(msg->bounce_diagnostic);
	free(msg->bounce_text);
	reason_free(msg->problem);
	free(msg);
}

char *
message_clean_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out = xmalloc(len * 3 + 1);
	size_t i = 0, o = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = util_utf8_decode(p + i, len - i, &cp);

		if (n == 0) {
			memcpy(out + o, "\xef\xbf\xbd", 3); /* U+FFFD */
			o += 3;
			i++;
		} else if (n == 1 && p[i] < 0x20 && p[i] != '\t' &&
			   p[i] != '\n') {
			out[o++] = p[i] == '\r' ? '\r' : ' ';
			i++;
		} else {
			memcpy(out + o, p + i, n);
			o += n;
			i += n;
		}
	}
	out[o] = '\0';
	return out;
}
