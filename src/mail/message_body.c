/*
 * The body half of message parsing (message_body_parse() in message.h):
 * libetpan's MIME tree to the text body, the content type, calendar
 * replies and what a bounce returns (bounce.h), within the MIME limits
 * of message.h.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libetpan/libetpan.h>

#include "bounce.h"
#include "buf.h"
#include "message.h"
#include "reason.h"
#include "util.h"

/* The longest extension (with its dot) kept when a name is cut. */
#define ATTACHMENT_EXT_MAX 16
/* RFC 2231 continuations of one parameter read (name*0 to name*31). */
#define RFC2231_SEGMENTS_MAX 32

struct walk {
	struct message *msg;
	size_t parts;
	size_t max_depth;
	char *plain; /* first text/plain that is not an attachment */
	char *html;  /* first text/html, when there is no plain part */
	struct bounce_scan bounce;
	struct message_want *want; /* or NULL */
};

static char *
type_name(struct mailmime_content *ct)
{
	const char *type = "application";
	struct mailmime_type *t;

	if (ct == NULL || ct->ct_type == NULL)
		return xstrdup("text/plain");
	t = ct->ct_type;
	if (t->tp_type == MAILMIME_TYPE_DISCRETE_TYPE &&
	    t->tp_data.tp_discrete_type != NULL) {
		switch (t->tp_data.tp_discrete_type->dt_type) {
		case MAILMIME_DISCRETE_TYPE_TEXT:
			type = "text";
			break;
		case MAILMIME_DISCRETE_TYPE_IMAGE:
			type = "image";
			break;
		case MAILMIME_DISCRETE_TYPE_AUDIO:
			type = "audio";
			break;
		case MAILMIME_DISCRETE_TYPE_VIDEO:
			type = "video";
			break;
		default:
			break;
		}
	} else if (t->tp_type == MAILMIME_TYPE_COMPOSITE_TYPE &&
		   t->tp_data.tp_composite_type != NULL) {
		type = t->tp_data.tp_composite_type->ct_type ==
				       MAILMIME_COMPOSITE_TYPE_MULTIPART
			       ? "multipart"
			       : "message";
	}
	return util_lowercase(xasprintf(
		"%s/%s", type, ct->ct_subtype == NULL ? "" : ct->ct_subtype));
}

static bool
is_attachment(struct mailmime *part)
{
	clistiter *it;

	if (part->mm_mime_fields == NULL)
		return false;
	for (it = clist_begin(part->mm_mime_fields->fld_list); it != NULL;
	     it = clist_next(it)) {
		struct mailmime_field *f = clist_content(it);

		if (f->fld_type == MAILMIME_FIELD_DISPOSITION &&
		    f->fld_data.fld_disposition != NULL &&
		    f->fld_data.fld_disposition->dsp_type != NULL &&
		    f->fld_data.fld_disposition->dsp_type->dsp_type ==
			    MAILMIME_DISPOSITION_TYPE_ATTACHMENT)
			return true;
	}
	return false;
}

/* Transfer-decodes and converts a single part to valid UTF-8. */
static char *
decode_text(struct mailmime *part)
{
	struct mailmime_data *d = part->mm_data.mm_single;
	const char *charset;
	char *dec = NULL, *utf8 = NULL, *clean;
	size_t idx = 0, declen = 0, n;

	if (d == NULL || d->dt_type != MAILMIME_DATA_TEXT ||
	    d->dt_data.dt_text.dt_data == NULL)
		return xstrdup("");
	if (!d->dt_encoded ||
	    mailmime_part_parse(
		    d->dt_data.dt_text.dt_data, d->dt_data.dt_text.dt_length,
		    &idx, d->dt_encoding, &dec, &declen) != MAILIMF_NO_ERROR) {
		dec = NULL;
	}
	charset = part->mm_content_type == NULL
			  ? "us-ascii"
			  : mailmime_content_charset_get(part->mm_content_type);
	if (dec != NULL) {
		if (charconv("utf-8", charset, dec, declen, &utf8) !=
		    MAIL_CHARCONV_NO_ERROR)
			utf8 = NULL;
		clean = utf8 != NULL ? message_clean_utf8(utf8, strlen(utf8))
				     : message_clean_utf8(dec, declen);
		mmap_string_unref(dec);
	} else {
		if (charconv("utf-8", charset, d->dt_data.dt_text.dt_data,
			     d->dt_data.dt_text.dt_length,
			     &utf8) != MAIL_CHARCONV_NO_ERROR)
			utf8 = NULL;
		clean = utf8 != NULL ? message_clean_utf8(utf8, strlen(utf8))
				     : message_clean_utf8(
					       d->dt_data.dt_text.dt_data,
					       d->dt_data.dt_text.dt_length);
	}
	free(utf8);
	n = strlen(clean);
	if (n > MESSAGE_BODY_MAX) {
		/* cut on a character boundary */
		n = MESSAGE_BODY_MAX;
		while (n > 0 && ((unsigned char)clean[n] & 0xc0) == 0x80)
			n--;
		clean[n] = '\0';
	}
	return clean;
}

/* The value of parameter base (RFC 2231: "base*" or "base*0*",
   "base*1", ... in order) among params of the given kind, percent-
   decoded and converted from its charset to UTF-8, or NULL.  Heap. */
static char *
rfc2231_param(clist *params, bool disposition, const char *base)
{
	char want[40], *conv = NULL, *charset = NULL;
	size_t blen = strlen(base), i;
	struct buf b;
	clistiter *it;

	buf_init(&b, MESSAGE_ATTACHMENT_NAME_MAX * 4);
	for (i = 0; i < RFC2231_SEGMENTS_MAX; i++) {
		const char *v = NULL;
		bool encoded = false;

		for (it = params != NULL ? clist_begin(params) : NULL;
		     it != NULL && v == NULL; it = clist_next(it)) {
			struct mailmime_disposition_parm *dp =
				clist_content(it);
			struct mailmime_parameter *p =
				!disposition ? clist_content(it)
				: dp->pa_type ==
						MAILMIME_DISPOSITION_PARM_PARAMETER
					? dp->pa_data.pa_parameter
					: NULL;
			const char *n;

			if (p == NULL || p->pa_name == NULL ||
			    p->pa_value == NULL ||
			    strncasecmp(p->pa_name, base, blen) != 0 ||
			    p->pa_name[blen] != '*')
				continue;
			n = p->pa_name + blen + 1;
			snprintf(want, sizeof(want), "%zu", i);
			if (i == 0 && (*n == '\0' || strcmp(n, "*") == 0))
				encoded = *n == '*' || n[-1] == '*';
			else if (strncmp(n, want, strlen(want)) == 0 &&
				 (n[strlen(want)] == '\0' ||
				  strcmp(n + strlen(want), "*") == 0))
				encoded = n[strlen(want)] == '*';
			else
				continue;
			v = p->pa_value;
		}
		if (v == NULL)
			break;
		if (encoded && i == 0) {
			/* charset'language'value */
			const char *q1 = strchr(v, '\''), *q2;

			q2 = q1 != NULL ? strchr(q1 + 1, '\'') : NULL;
			if (q2 != NULL) {
				charset = xstrndup(v, (size_t)(q1 - v));
				v = q2 + 1;
			}
		}
		for (; *v != '\0'; v++) {
			if (encoded && v[0] == '%' &&
			    isxdigit((unsigned char)v[1]) &&
			    isxdigit((unsigned char)v[2])) {
				char hex[3] = {v[1], v[2], '\0'};
				long c = strtol(hex, NULL, 16);

				/* a NUL would end the name early */
				if (c != 0)
					(void)buf_addc(&b, (char)c);
				v += 2;
			} else
				(void)buf_addc(&b, *v);
		}
	}
	if (b.len == 0) {
		free(charset);
		buf_deinit(&b);
		return NULL;
	}
	if (charset != NULL && charset[0] != '\0' &&
	    charconv("utf-8", charset, b.data, b.len, &conv) !=
		    MAIL_CHARCONV_NO_ERROR)
		conv = NULL;
	free(charset);
	if (conv == NULL)
		conv = message_clean_utf8(b.data, b.len);
	buf_deinit(&b);
	return conv;
}

/* An RFC 2231 file name of a part (Content-Disposition filename*, else
   Content-Type name*), or NULL.  Heap. */
static char *
rfc2231_name(const struct mailmime_single_fields *f)
{
	char *name = NULL;

	if (f->fld_disposition != NULL)
		name = rfc2231_param(f->fld_disposition->dsp_parms, true,
				     "filename");
	if (name == NULL && f->fld_content != NULL)
		name = rfc2231_param(f->fld_content->ct_parameters, false,
				     "name");
	return name;
}

/* The file name of a part (Content-Disposition filename, else the
   Content-Type name, else their RFC 2231 forms), RFC 2047 decoded and
   cleaned, or NULL for none.  Heap. */
static char *
part_file_name(const struct mailmime_single_fields *f)
{
	const char *raw = f->fld_disposition_filename != NULL
				  ? f->fld_disposition_filename
				  : f->fld_content_name;
	char *dec = NULL, *clean, *from2231 = NULL;
	size_t idx = 0, n;

	if (raw == NULL) {
		from2231 = rfc2231_name(f);
		raw = from2231;
	}
	if (raw == NULL)
		return NULL;
	if (mailmime_encoded_phrase_parse("utf-8", raw, strlen(raw), &idx,
					  "utf-8", &dec) != MAILIMF_NO_ERROR)
		dec = NULL;
	clean = message_clean_utf8(dec != NULL ? dec : raw,
				   strlen(dec != NULL ? dec : raw));
	free(dec);
	free(from2231);
	n = strlen(clean);
	if (n > MESSAGE_ATTACHMENT_NAME_MAX) {
		/* cut before the extension, which says what the file is */
		const char *ext = strrchr(clean, '.');
		size_t elen = ext != NULL ? strlen(ext) : 0;

		if (elen > ATTACHMENT_EXT_MAX)
			elen = 0;
		n = MESSAGE_ATTACHMENT_NAME_MAX - elen;
		while (n > 0 && ((unsigned char)clean[n] & 0xc0) == 0x80)
			n--;
		memmove(clean + n, clean + strlen(clean) - elen, elen + 1);
	}
	return clean;
}

/* Whether a part of type is a file the sender attached: not the text,
   not a calendar, not a signature, not an image in the text. */
static bool
is_file(const char *type, const struct mailmime_single_fields *f)
{
	bool attached = f->fld_disposition != NULL &&
			f->fld_disposition->dsp_type != NULL &&
			f->fld_disposition->dsp_type->dsp_type ==
				MAILMIME_DISPOSITION_TYPE_ATTACHMENT;
	char *name2231 = rfc2231_name(f);
	bool named = f->fld_disposition_filename != NULL ||
		     f->fld_content_name != NULL || name2231 != NULL;

	free(name2231);

	if (strcmp(type, "text/calendar") == 0 ||
	    strcmp(type, "application/ics") == 0 ||
	    strcmp(type, "application/pkcs7-signature") == 0 ||
	    strcmp(type, "application/x-pkcs7-signature") == 0 ||
	    strcmp(type, "application/pgp-signature") == 0)
		return false;
	if (attached)
		return true;
	/* an Outlook file without a disposition, but never the logo of a
	   signature (an inline image with a Content-ID) */
	return named && strncmp(type, "application/", 12) == 0;
}

/* The decoded bytes of a single part in *bytes_r, *len_r long, and the
   decoded string to unref (NULL: the raw bytes, which it points into:
   not transfer-encoded, or not decodable), or -1 for no data. */
static int
decode_part(struct mailmime *part, const char **bytes_r, size_t *len_r,
	    char **dec_r)
{
	struct mailmime_data *d = part->mm_data.mm_single;
	size_t idx = 0, len = 0;

	*dec_r = NULL;
	if (d == NULL || d->dt_type != MAILMIME_DATA_TEXT ||
	    d->dt_data.dt_text.dt_data == NULL)
		return -1;
	if (d->dt_encoded && mailmime_part_parse(d->dt_data.dt_text.dt_data,
						 d->dt_data.dt_text.dt_length,
						 &idx, d->dt_encoding, dec_r,
						 &len) != MAILIMF_NO_ERROR)
		*dec_r = NULL;
	*bytes_r = *dec_r != NULL ? *dec_r : d->dt_data.dt_text.dt_data;
	*len_r = *dec_r != NULL ? len : d->dt_data.dt_text.dt_length;
	return 0;
}

/* Keeps what is known of part as an attachment of w->msg, within the
   limits: its size decoded (one part at a time), not its bytes.  With
   w->want only the part asked for is decoded and given to its sink: one
   that a parse without want listed, so only its size is checked again. */
static void
keep_file(struct walk *w, struct mailmime *part, const char *type,
	  const struct mailmime_single_fields *f)
{
	struct message *m = w->msg;
	struct message_attachment *a;
	const char *bytes;
	char *dec;
	size_t len;

	if (w->want == NULL && m->n_attachments == MESSAGE_ATTACHMENTS_MAX) {
		/* counted, not decoded */
		if (part->mm_data.mm_single != NULL &&
		    part->mm_data.mm_single->dt_type == MAILMIME_DATA_TEXT &&
		    part->mm_data.mm_single->dt_data.dt_text.dt_data != NULL)
			m->attachments_dropped++;
		return;
	}
	if (w->want != NULL && w->want->part != w->parts)
		return;
	if (decode_part(part, &bytes, &len, &dec) == -1)
		return;
	if (len > MESSAGE_ATTACHMENT_MAX) {
		m->attachments_dropped++;
	} else if (w->want != NULL) {
		w->want->rc = w->want->sink(w->want->ctx, bytes, len);
	} else {
		m->attachments =
			xreallocarray(m->attachments, m->n_attachments + 1,
				      sizeof(*m->attachments));
		a = &m->attachments[m->n_attachments++];
		a->name = part_file_name(f);
		if (a->name == NULL)
			a->name = xstrdup("");
		a->type = xstrdup(type);
		a->len = len;
		a->part = (unsigned)w->parts;
	}
	if (dec != NULL)
		mmap_string_unref(dec);
}

static const struct {
	const char *entity;
	const char *text;
} entities[] = {
	{"&amp;", "&"},	  {"&lt;", "<"},   {"&gt;", ">"},
	{"&quot;", "\""}, {"&nbsp;", " "}, {"&#39;", "'"},
};

/* A readable text version of an HTML body: tags dropped, <br> and </p>
   become line breaks, style and script content skipped. */
static char *
html_to_text(const char *html)
{
	struct buf b;
	const char *p = html;
	size_t i;

	buf_init(&b, MESSAGE_BODY_MAX);
	while (*p != '\0') {
		if (*p == '<') {
			const char *close;

			if (strncasecmp(p, "<style", 6) == 0) {
				close = strcasestr(p, "</style");
				p = close == NULL ? p + strlen(p) : close;
			} else if (strncasecmp(p, "<script", 7) == 0) {
				close = strcasestr(p, "</script");
				p = close == NULL ? p + strlen(p) : close;
			}
			if (strncasecmp(p, "<br", 3) == 0 ||
			    strncasecmp(p, "</p", 3) == 0 ||
			    strncasecmp(p, "</div", 5) == 0)
				(void)buf_addc(&b, '\n');
			close = strchr(p, '>');
			p = close == NULL ? p + strlen(p) : close + 1;
			continue;
		}
		if (*p == '&') {
			for (i = 0; i < nitems(entities); i++) {
				size_t n = strlen(entities[i].entity);

				if (strncasecmp(p, entities[i].entity, n) == 0)
					break;
			}
			if (i < nitems(entities)) {
				(void)buf_adds(&b, entities[i].text);
				p += strlen(entities[i].entity);
				continue;
			}
		}
		(void)buf_addc(&b, *p == '\r' ? '\n' : *p);
		p++;
	}
	return buf_steal(&b);
}

static void
walk_part(struct walk *w, struct mailmime *part, size_t depth)
{
	clistiter *it;
	char *type;

	if (part == NULL)
		return;
	if (depth > w->max_depth)
		w->max_depth = depth;
	if (depth > MESSAGE_MIME_DEPTH_MAX)
		return;
	switch (part->mm_type) {
	case MAILMIME_MESSAGE:
		/* a returned message, when this is a bounce */
		bounce_scan_returned(&w->bounce,
				     part->mm_data.mm_message.mm_fields);
		walk_part(w, part->mm_data.mm_message.mm_msg_mime, depth + 1);
		return;
	case MAILMIME_MULTIPLE:
		if (part->mm_data.mm_multipart.mm_mp_list == NULL)
			return;
		for (it = clist_begin(part->mm_data.mm_multipart.mm_mp_list);
		     it != NULL; it = clist_next(it))
			walk_part(w, clist_content(it), depth + 1);
		return;
	case MAILMIME_SINGLE:
		break;
	default:
		return;
	}
	if (++w->parts > MESSAGE_MIME_PARTS_MAX)
		return;
	type = type_name(part->mm_content_type);
	/* the answer to an invitation, read by itip_reply.c; Gmail adds an
	   invite.ics copy after the inline part */
	if ((strcmp(type, "text/calendar") == 0 ||
	     strcmp(type, "application/ics") == 0) &&
	    w->msg->calendar == NULL)
		w->msg->calendar = decode_text(part);
	{
		struct mailmime_single_fields f;

		memset(&f, 0, sizeof(f));
		if (part->mm_mime_fields != NULL)
			mailmime_single_fields_init(&f, part->mm_mime_fields,
						    part->mm_content_type);
		else if (part->mm_content_type != NULL)
			f.fld_content_name = mailmime_content_param_get(
				part->mm_content_type, "name");
		if (is_file(type, &f)) {
			keep_file(w, part, type, &f);
			free(type);
			return;
		}
	}
	if (strcmp(type, "text/calendar") == 0) {
		char *method = mailmime_content_param_get(part->mm_content_type,
							  "method");

		if (method != NULL &&
		    (strcasecmp(method, "REPLY") == 0 ||
		     strcasecmp(method, "COUNTER") == 0 ||
		     strcasecmp(method, "DECLINECOUNTER") == 0))
			w->msg->calendar_reply = true;
	} else if (strcmp(type, "message/delivery-status") == 0 ||
		   strcmp(type, "message/global-delivery-status") == 0) {
		char *text = decode_text(part);

		bounce_scan_report(&w->bounce, text);
		free(text);
	} else if (strcmp(type, "text/rfc822-headers") == 0 ||
		   strcmp(type, "message/global-headers") == 0) {
		char *text = decode_text(part);

		bounce_scan_headers(&w->bounce, text);
		free(text);
	} else if (strcmp(type, "text/plain") == 0 && w->plain == NULL &&
		   !is_attachment(part)) {
		w->plain = decode_text(part);
	} else if (strcmp(type, "text/html") == 0 && w->html == NULL &&
		   !is_attachment(part)) {
		w->html = decode_text(part);
	}
	free(type);
}

void
message_body_parse(struct message *msg, const char *data, size_t len,
		   struct message_want *want)
{
	struct mailmime *root = NULL;
	struct walk w;
	size_t idx = 0;
	char n[24];

	memset(&w, 0, sizeof(w));
	w.msg = msg;
	w.want = want;
	bounce_scan_init(&w.bounce);
	if (mailmime_parse(data, len, &idx, &root) != MAILIMF_NO_ERROR ||
	    root == NULL) {
		if (msg->problem == NULL)
			msg->problem = reason_new(REASON_MIME_UNPARSABLE);
		return;
	}
	if (root->mm_type == MAILMIME_MESSAGE &&
	    root->mm_data.mm_message.mm_msg_mime != NULL)
		msg->content_type = type_name(
			root->mm_data.mm_message.mm_msg_mime->mm_content_type);
	/* depth counts the levels inside the body: a plain message is 0 */
	if (root->mm_type == MAILMIME_MESSAGE)
		walk_part(&w, root->mm_data.mm_message.mm_msg_mime, 0);
	else
		walk_part(&w, root, 0);
	mailmime_free(root);
	snprintf(n, sizeof(n), "%u",
		 w.max_depth > MESSAGE_MIME_DEPTH_MAX ? MESSAGE_MIME_DEPTH_MAX
						      : MESSAGE_MIME_PARTS_MAX);
	if (w.max_depth > MESSAGE_MIME_DEPTH_MAX && msg->problem == NULL)
		msg->problem = reason_new(REASON_MIME_TOO_DEEP, n);
	else if (w.parts > MESSAGE_MIME_PARTS_MAX && msg->problem == NULL)
		msg->problem = reason_new(REASON_MIME_TOO_MANY, n);
	if (w.plain != NULL) {
		msg->body = w.plain;
		free(w.html);
	} else if (w.html != NULL) {
		msg->body = html_to_text(w.html);
		msg->body_html = true;
		free(w.html);
	} else {
		msg->body = xstrdup("");
	}
	bounce_scan_finish(&w.bounce, msg);
}
