/*
 * Outgoing mail: RFC 5322 (headers folded at 78 columns), RFC 2045 and
 * 2046 (a quoted-printable text/plain body, base64 parts, multipart/mixed
 * and multipart/alternative), RFC 2047 (B-encoded words), RFC 2183
 * (Content-Disposition), RFC 3834 (Auto-Submitted, In-Reply-To and
 * References), RFC 6047 (iMIP: text/calendar with a method parameter).
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <libetpan/libetpan.h>

#include "buf.h"
#include "compose.h"
#include "log.h"
#include "message.h"
#include "util.h"

#define LINE_WIDTH 78
/* "=?UTF-8?B?" and "?=" around every encoded word. */
#define WORD_OVERHEAD 12
/* An encoded word is at most 75 characters (RFC 2047 section 2), which
   leaves 63 for base64: 15 whole quanta, so 45 bytes of text. */
#define WORD_BYTES 45
/* Header text beyond this is cut, so that a header never outgrows
   HEADER_MAX and appends to it cannot fail. */
#define TEXT_MAX 8192
#define HEADER_MAX (64 * 1024)
/* Quoted-printable at most triples valid UTF-8, so such a body fits in
   MAIL_MAX; one full of invalid bytes may not, and is refused. */
#define BODY_MAX COMPOSE_PART_MAX
#define MAIL_MAX (4 * 1024 * 1024)
#define ADDR_MAX 254
/* "=_aanmeld_", 32 hex digits, "_alt" or "_mix" and the NUL. */
#define BOUNDARY_SIZE 47
#define LETTERS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
#define DIGITS "0123456789"
/* A media type or subtype name (RFC 6838 section 4.2). */
#define TYPE_CHARS LETTERS DIGITS "!#$&-^_.+"
#define ID_PREFIX "aanmeld."
/* The shortest id that can sit in References, "<a@b> ", is 6 bytes. */
#define REFS_IDS_MAX (COMPOSE_REFERENCES_MAX / 6 + 1)

/* A header being written.  start_col is where its first line starts (the
   caller may put a header name in front). */
struct out {
	struct buf b;
	size_t start_col;
};

struct span {
	const char *s;
	size_t len;
};

static void
out_init(struct out *o, size_t max, size_t start_col)
{
	buf_init(&o->b, max);
	o->start_col = start_col;
}

/* Headers are bounded by TEXT_MAX and COMPOSE_REFERENCES_MAX, so they
   cannot reach HEADER_MAX and the appends cannot fail. */
static void
out_add(struct out *o, const char *s, size_t len)
{
	(void)buf_add(&o->b, s, len);
}

static void
out_adds(struct out *o, const char *s)
{
	out_add(o, s, strlen(s));
}

/* The column the next byte lands in. */
static size_t
out_col(const struct out *o)
{
	size_t i = o->b.len;

	while (i > 0 && o->b.data[i - 1] != '\n')
		i--;
	return i == 0 ? o->start_col + o->b.len : o->b.len - i;
}

/* compose_addr_is_safe() on a counted string, so that ids inside an
   untrusted References value need no copy. */
static bool
addr_safe_n(const char *s, size_t len)
{
	size_t i, at = len;

	if (len == 0 || len > ADDR_MAX)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '@') {
			if (at != len)
				return false;
			at = i;
		} else if (c <= ' ' || c >= 0x7f ||
			   strchr("<>()[]\\,;:\"", c) != NULL) {
			return false;
		}
	}
	return at > 0 && at + 1 < len;
}

int
compose_addr_is_safe(const char *addr)
{
	return addr != NULL && addr_safe_n(addr, strlen(addr));
}

/* Untrusted text as valid UTF-8 of at most TEXT_MAX bytes, with every
   control character a space so that nothing can start a line. */
static char *
header_safe(const char *value)
{
	size_t len = value == NULL ? 0 : strlen(value), i;
	char *s, *p;

	if (len > TEXT_MAX) {
		len = TEXT_MAX;
		/* cut before a UTF-8 sequence, not inside it */
		for (i = 0; i < 3 && ((unsigned char)value[len] & 0xc0) == 0x80;
		     i++)
			len--;
	}
	s = message_clean_utf8(value == NULL ? "" : value, len);
	for (p = s; *p != '\0'; p++) {
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			*p = ' ';
	}
	return s;
}

/* Non-ASCII text, text a decoder would take for an encoded word, and a
   word too long for any line starting at col are all encoded. */
static bool
needs_encoding(const char *s, size_t col)
{
	const char *p;
	size_t run = col;

	if (strstr(s, "=?") != NULL)
		return true;
	for (p = s; *p != '\0'; p++) {
		if ((unsigned char)*p >= 0x80)
			return true;
		if (*p == ' ')
			run = 1;
		else if (++run > LINE_WIDTH)
			return true;
	}
	return false;
}

/* Bytes in the UTF-8 sequence led by c; the text is valid UTF-8. */
static size_t
utf8_len(unsigned char c)
{
	if (c >= 0xf0)
		return 4;
	if (c >= 0xe0)
		return 3;
	if (c >= 0xc0)
		return 2;
	return 1;
}

/* Writes valid UTF-8 as B-encoded words, one per line and each as long as
   the line allows; a character is never split between two words (RFC
   2047 section 5).  Decoders drop the folds between encoded words. */
static void
add_encoded(struct out *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, n, room, col;
	gnutls_datum_t in, b64;

	while (i < len) {
		col = out_col(o);
		room = 0;
		if (col + WORD_OVERHEAD < LINE_WIDTH)
			room = (LINE_WIDTH - col - WORD_OVERHEAD) / 4 * 3;
		if (room > WORD_BYTES)
			room = WORD_BYTES;
		if (utf8_len(p[i]) > room) {
			out_adds(o, "\r\n ");
			room = WORD_BYTES;
		}
		n = 0;
		while (i + n < len && n + utf8_len(p[i + n]) <= room)
			n += utf8_len(p[i + n]);
		in.data = (unsigned char *)p + i;
		in.size = (unsigned int)n;
		if (gnutls_base64_encode2(&in, &b64) < 0)
			fatalx("out of memory");
		out_adds(o, "=?UTF-8?B?");
		out_add(o, (const char *)b64.data, b64.size);
		out_adds(o, "?=");
		gnutls_free(b64.data);
		i += n;
		if (i < len)
			out_adds(o, "\r\n ");
	}
}

/* Writes ASCII text, folding before a space when the next word would pass
   LINE_WIDTH; unfolding gives the text back unchanged. */
static void
add_folded(struct out *o, const char *s)
{
	size_t sp, word;

	while (*s != '\0') {
		sp = strspn(s, " ");
		word = sp + strcspn(s + sp, " ");
		/* a fold never leaves a line of white space only */
		if (sp > 0 && s[sp] != '\0' && out_col(o) + word > LINE_WIDTH)
			out_adds(o, "\r\n");
		out_add(o, s, word);
		s += word;
	}
}

char *
compose_header_text(const char *name, const char *value)
{
	char *safe = header_safe(value);
	struct out o;

	out_init(&o, HEADER_MAX, 0);
	out_adds(&o, name);
	out_adds(&o, ": ");
	if (needs_encoding(safe, out_col(&o)))
		add_encoded(&o, safe);
	else
		add_folded(&o, safe);
	free(safe);
	return buf_steal(&o.b);
}

/* True if s can stand as a phrase of atoms (RFC 5322 section 3.2.3). */
static bool
is_atoms(const char *s)
{
	for (; *s != '\0'; s++) {
		if (!isalnum((unsigned char)*s) &&
		    strchr(" !#$%&'*+-/=?^_`{|}~", *s) == NULL)
			return false;
	}
	return true;
}

/* Writes ASCII s as a quoted string; folds may fall inside the quotes. */
static void
add_quoted(struct out *o, const char *s)
{
	struct buf q;
	const char *p;

	/* every byte escaped plus two quotes: the appends cannot fail */
	buf_init(&q, 2 * strlen(s) + 2);
	(void)buf_addc(&q, '"');
	for (p = s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			(void)buf_addc(&q, '\\');
		(void)buf_addc(&q, *p);
	}
	(void)buf_addc(&q, '"');
	add_folded(o, buf_str(&q));
	buf_deinit(&q);
}

/* name-addr (RFC 5322 section 3.4); an encoded word may not be quoted
   (RFC 2047 section 5), so a name is atoms, quoted or encoded. */
char *
compose_mailbox(const char *name, const char *addr)
{
	struct out o;
	char *safe;

	if (!compose_addr_is_safe(addr))
		return NULL;
	/* the caller adds the header name: leave room for "Reply-To: " */
	out_init(&o, HEADER_MAX, 10);
	safe = util_trim(header_safe(name));
	if (*safe != '\0') {
		if (needs_encoding(safe, out_col(&o) + 1))
			add_encoded(&o, safe);
		else if (is_atoms(safe))
			add_folded(&o, safe);
		else
			add_quoted(&o, safe);
		if (out_col(&o) + strlen(addr) + 3 > LINE_WIDTH)
			out_adds(&o, "\r\n");
		out_adds(&o, " ");
	}
	free(safe);
	out_adds(&o, "<");
	out_adds(&o, addr);
	out_adds(&o, ">");
	return buf_steal(&o.b);
}

char *
compose_message_id(const char *key, const char *domain)
{
	unsigned char digest[32];
	char hex[33];

	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, key, strlen(key), digest) < 0)
		fatalx("SHA-256 is not available");
	util_hex(digest, 16, hex);
	return xasprintf(ID_PREFIX "%s@%s", hex, domain);
}

int
compose_is_our_message_id(const char *id, const char *domain)
{
	if (!compose_addr_is_safe(id) || domain == NULL || *domain == '\0')
		return 0;
	return strncasecmp(id, ID_PREFIX, strlen(ID_PREFIX)) == 0 &&
	       strcasecmp(strchr(id, '@') + 1, domain) == 0;
}

/* RFC 5322 section 3.3 with English names from tables: strftime's would
   follow the locale. */
static int
format_date(time_t t, char *out, size_t size)
{
	static const char days[][4] = {"Sun", "Mon", "Tue", "Wed",
				       "Thu", "Fri", "Sat"};
	static const char months[][4] = {"Jan", "Feb", "Mar", "Apr",
					 "May", "Jun", "Jul", "Aug",
					 "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;
	long off;
	int n;

	if (localtime_r(&t, &tm) == NULL)
		return -1;
	off = tm.tm_gmtoff / 60;
	n = snprintf(out, size, "%s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld",
		     days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
		     tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
		     off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* Finds the last "<...>" that ends before *end_r: 1 with the text inside
   the brackets, 0 when there is none.  A stray '<' or '>' is skipped. */
static int
prev_id(const char *s, size_t *end_r, struct span *id_r)
{
	size_t i = *end_r, close = 0;
	bool have_close = false;

	while (i > 0) {
		i--;
		if (s[i] == '>') {
			close = i;
			have_close = true;
		} else if (s[i] == '<' && have_close) {
			id_r->s = s + i + 1;
			id_r->len = close - i - 1;
			*end_r = i;
			return 1;
		}
	}
	*end_r = 0;
	return 0;
}

static void
add_id(struct out *o, const struct span *id)
{
	if (out_col(o) + id->len + 3 > LINE_WIDTH)
		out_adds(o, "\r\n");
	out_adds(o, " <");
	out_add(o, id->s, id->len);
	out_adds(o, ">");
}

/* "References:" with the parent's well-formed ids and then the parent.
   Walking back from the newest id and stopping at the first that does
   not fit keeps a contiguous newest tail within COMPOSE_REFERENCES_MAX. */
static char *
references(const char *refs, const char *parent)
{
	struct span ids[REFS_IDS_MAX], id, last = {parent, strlen(parent)};
	size_t n = 0, end = refs == NULL ? 0 : strlen(refs), budget;
	struct out o;

	budget = COMPOSE_REFERENCES_MAX - (last.len + 2);
	while (n < nitems(ids) && prev_id(refs, &end, &id) == 1) {
		if (!addr_safe_n(id.s, id.len) ||
		    (id.len == last.len && memcmp(id.s, last.s, last.len) == 0))
			continue;
		if (id.len + 3 > budget)
			break;
		budget -= id.len + 3;
		ids[n++] = id;
	}
	out_init(&o, HEADER_MAX, 0);
	out_adds(&o, "References:");
	while (n > 0) {
		n--;
		add_id(&o, &ids[n]);
	}
	add_id(&o, &last);
	return buf_steal(&o.b);
}

static void
qp_append(MMAPString *qp, const char *s)
{
	if (mmap_string_append(qp, s) == NULL)
		fatalx("out of memory");
}

/* One line through libetpan's quoted-printable writer (RFC 2045 section
   6.7, text mode: it also turns "From " into "=46rom ").  XXX libetpan
   1.9.4 writes trailing white space raw and then again as =20, so it
   never sees any: that is encoded here. */
static void
qp_line(MMAPString *qp, int *col, const char *line)
{
	size_t len = strlen(line), end = len;
	char hex[4];

	while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t'))
		end--;
	if (mailmime_quoted_printable_write_mem(qp, col, 1, line, end) != 0)
		fatalx("out of memory");
	for (; end < len; end++) {
		if (*col + 3 > 75) {
			qp_append(qp, "=\r\n");
			*col = 0;
		}
		(void)snprintf(hex, sizeof(hex), "=%02X",
			       (unsigned char)line[end]);
		qp_append(qp, hex);
		*col += 3;
	}
	qp_append(qp, "\r\n");
	*col = 0;
}

/* The body with CRLF line ends, a final one included.  Each line is
   cleaned after its CR is gone, so that invalid UTF-8 becomes U+FFFD and
   the charset label stays true. */
static int
add_body(struct buf *b, const char *body)
{
	MMAPString *qp;
	const char *p = body, *nl;
	size_t len, skip;
	char *line, *q;
	int col = 0, rc;

	if (strlen(body) > BODY_MAX)
		return -1;
	qp = mmap_string_new("");
	if (qp == NULL)
		fatalx("out of memory");
	for (; *p != '\0'; p += skip) {
		nl = strchr(p, '\n');
		len = nl == NULL ? strlen(p) : (size_t)(nl - p);
		skip = nl == NULL ? len : len + 1;
		if (len > 0 && p[len - 1] == '\r')
			len--;
		line = message_clean_utf8(p, len);
		for (q = line; *q != '\0'; q++) {
			if (*q == '\r')
				*q = ' ';
		}
		qp_line(qp, &col, line);
		free(line);
	}
	rc = buf_add(b, qp->str, qp->len);
	mmap_string_free(qp);
	return rc;
}

/* A header field of ASCII text folded before a space, e.g. a Content-Type
   with parameters.  The values are bounded, so out cannot fill up. */
static int
add_field(struct buf *b, const char *name, const char *value)
{
	struct out o;
	int rc;

	out_init(&o, HEADER_MAX, 0);
	out_adds(&o, name);
	out_adds(&o, ": ");
	add_folded(&o, value);
	out_adds(&o, "\r\n");
	rc = buf_add(b, o.b.data, o.b.len);
	buf_deinit(&o.b);
	return rc;
}

static int
add_text(struct buf *b, const char *body)
{
	if (buf_adds(b, "Content-Type: text/plain; charset=UTF-8\r\n"
			"Content-Transfer-Encoding: quoted-printable\r\n"
			"\r\n") == -1)
		return -1;
	return add_body(b, body == NULL ? "" : body);
}

/* The rest of a part's header and data as base64 in lines of 76 (RFC
   2045 section 6.8): byte for byte, whatever the charset or line ends. */
static int
add_base64(struct buf *b, const char *data)
{
	size_t len = strlen(data);
	MMAPString *s;
	int col = 0, rc;

	if (len > BODY_MAX ||
	    buf_adds(b, "Content-Transfer-Encoding: base64\r\n\r\n") == -1)
		return -1;
	s = mmap_string_new("");
	if (s == NULL || mailmime_base64_write_mem(s, &col, data, len) != 0)
		fatalx("out of memory");
	rc = buf_add(b, s->str, s->len);
	mmap_string_free(s);
	return rc;
}

/*
 * "=_aanmeld_<hex>_<kind>" with hex from SHA-256 of the Message-ID, so
 * that a resent mail is the same bytes.  No delimiter line ("--=_...")
 * can occur inside a part (RFC 2046 section 5.1.1): quoted-printable
 * writes '=' only before two hex digits or a line break, base64 only as
 * padding at the end of its data, and part header lines start with a
 * field name or, folded, a space.  "_alt" and "_mix" differ, so neither
 * boundary is a prefix of the other.
 */
static void
boundary(const char *message_id, const char *kind, char *out)
{
	unsigned char digest[32];
	char hex[33];

	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, message_id, strlen(message_id),
			     digest) < 0)
		fatalx("SHA-256 is not available");
	util_hex(digest, 16, hex);
	(void)snprintf(out, BOUNDARY_SIZE, "=_aanmeld_%s_%s", hex, kind);
}

/* The Content-Type of a multipart entity, the empty line and the first
   delimiter (without a preamble). */
static int
multipart_open(struct buf *b, const char *subtype, const char *bnd)
{
	char *type = xasprintf("multipart/%s; boundary=\"%s\"", subtype, bnd);
	int rc = add_field(b, "Content-Type", type);

	free(type);
	if (rc == 0)
		rc = buf_addf(b, "\r\n--%s\r\n", bnd);
	return rc;
}

/* The CRLF before a delimiter belongs to it (RFC 2046 section 5.1.1), so
   the text part's final line break needs one more. */
static int
delimiter(struct buf *b, const char *bnd, bool last)
{
	return buf_addf(b, "\r\n--%s%s\r\n", bnd, last ? "--" : "");
}

/* RFC 6047 section 2.4: text/calendar with the method parameter and no
   Content-Disposition, inside multipart/alternative, is what Outlook,
   Gmail and Apple Mail show as an invitation. */
static int
add_alternative(struct buf *b, const struct compose_mail *m)
{
	char bnd[BOUNDARY_SIZE], *type;
	int rc;

	boundary(m->message_id, "alt", bnd);
	rc = multipart_open(b, "alternative", bnd);
	if (rc == 0)
		rc = add_text(b, m->body);
	if (rc == 0)
		rc = delimiter(b, bnd, false);
	type = xasprintf("text/calendar; charset=UTF-8; method=%s",
			 m->calendar_method);
	if (rc == 0)
		rc = add_field(b, "Content-Type", type);
	free(type);
	if (rc == 0)
		rc = add_base64(b, m->calendar);
	if (rc == 0)
		rc = delimiter(b, bnd, true);
	return rc;
}

static int
add_attachment(struct buf *b, const struct compose_mail *m)
{
	char *type, *disp;
	int rc;

	/* name= for clients that ignore Content-Disposition (RFC 2183
	   section 2.3 has only filename=) */
	type = xasprintf("%s; name=\"%s\"", m->attachment_type,
			 m->attachment_name);
	disp = xasprintf("attachment; filename=\"%s\"", m->attachment_name);
	rc = add_field(b, "Content-Type", type);
	if (rc == 0)
		rc = add_field(b, "Content-Disposition", disp);
	if (rc == 0)
		rc = add_base64(b, m->attachment);
	free(type);
	free(disp);
	return rc;
}

/* The body entity: its Content-* fields, the empty line and the data. */
static int
add_content(struct buf *b, const struct compose_mail *m)
{
	char bnd[BOUNDARY_SIZE];
	int rc;

	if (m->attachment == NULL) {
		if (m->calendar == NULL)
			return add_text(b, m->body);
		return add_alternative(b, m);
	}
	boundary(m->message_id, "mix", bnd);
	rc = multipart_open(b, "mixed", bnd);
	if (rc == 0 && m->calendar != NULL)
		rc = add_alternative(b, m);
	else if (rc == 0)
		rc = add_text(b, m->body);
	if (rc == 0)
		rc = delimiter(b, bnd, false);
	if (rc == 0)
		rc = add_attachment(b, m);
	if (rc == 0)
		rc = delimiter(b, bnd, true);
	return rc;
}

static bool
method_safe(const char *s)
{
	size_t len = s == NULL ? 0 : strlen(s);

	return len > 0 && len <= COMPOSE_CALENDAR_METHOD_MAX &&
	       strspn(s, LETTERS) == len;
}

/* True if the first METHOD property of cal is method (RFC 6047 section
   2.4).  TEXT values escape their line breaks and a folded line starts
   with a space, so only the property can start a line with "METHOD:". */
static bool
method_matches(const char *cal, const char *method)
{
	const char *p = cal;
	size_t n = strlen(method);

	while (p != NULL) {
		if (strncasecmp(p, "METHOD:", 7) == 0)
			return strncasecmp(p + 7, method, n) == 0 &&
			       (p[7 + n] == '\r' || p[7 + n] == '\n' ||
				p[7 + n] == '\0');
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return false;
}

/* A file name a client can save as is: no path, no hidden file, nothing
   that needs RFC 2231 encoding. */
static bool
name_safe(const char *s)
{
	size_t len = s == NULL ? 0 : strlen(s);

	return len > 0 && len <= COMPOSE_ATTACHMENT_NAME_MAX && s[0] != '.' &&
	       strspn(s, LETTERS DIGITS ".-_") == len;
}

/* "type/subtype" and maybe "; parameters", to which "; name=..." is
   added: a quote, backslash or comment could swallow or hide that. */
static bool
type_safe(const char *s)
{
	size_t len = s == NULL ? 0 : strlen(s), i, n;
	unsigned char c;

	if (len == 0 || len > COMPOSE_ATTACHMENT_TYPE_MAX ||
	    s[len - 1] == ';' || s[len - 1] == ' ')
		return false;
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c < ' ' || c >= 0x7f || strchr("\"\\()", c) != NULL)
			return false;
	}
	n = strspn(s, TYPE_CHARS);
	if (n == 0 || s[n] != '/')
		return false;
	i = strspn(s + n + 1, TYPE_CHARS);
	return i > 0 && (s[n + 1 + i] == '\0' || s[n + 1 + i] == ';');
}

/* Why the calendar or attachment of m cannot be written safely, or
   NULL. */
static const char *
check_parts(const struct compose_mail *m)
{
	if (m->calendar != NULL && !method_safe(m->calendar_method))
		return "unsafe calendar method";
	if (m->calendar != NULL &&
	    !method_matches(m->calendar, m->calendar_method))
		return "calendar method mismatch";
	if (m->attachment != NULL && !name_safe(m->attachment_name))
		return "unsafe attachment name";
	if (m->attachment != NULL && !type_safe(m->attachment_type))
		return "unsafe attachment type";
	return NULL;
}

/* Why m cannot be written safely, or NULL. */
static const char *
check_mail(const struct compose_mail *m)
{
	if (!compose_addr_is_safe(m->from_addr) ||
	    !compose_addr_is_safe(m->to_addr))
		return "unsafe address";
	if (!compose_addr_is_safe(m->message_id) ||
	    (m->in_reply_to != NULL && !compose_addr_is_safe(m->in_reply_to)))
		return "unsafe message id";
	if (m->auto_submitted == NULL ||
	    (strcmp(m->auto_submitted, "auto-replied") != 0 &&
	     strcmp(m->auto_submitted, "auto-generated") != 0))
		return "unknown Auto-Submitted value";
	return check_parts(m);
}

char *
compose_message(const struct compose_mail *m, size_t *len_r,
		const char **error_r)
{
	char date[40], *from, *to, *subject, *refs = NULL;
	const char *err = check_mail(m);
	struct buf b;
	int rc;

	if (err == NULL && format_date(m->date, date, sizeof(date)) == -1)
		err = "date out of range";
	if (err != NULL) {
		*error_r = err;
		return NULL;
	}
	from = compose_mailbox(m->from_name, m->from_addr);
	to = compose_mailbox(m->to_name, m->to_addr);
	subject = compose_header_text("Subject", m->subject);
	if (m->in_reply_to != NULL)
		refs = references(m->references, m->in_reply_to);
	buf_init(&b, MAIL_MAX);
	rc = buf_addf(&b,
		      "Date: %s\r\nFrom: %s\r\nTo: %s\r\n%s\r\n"
		      "Message-ID: <%s>\r\n",
		      date, from, to, subject, m->message_id);
	if (rc == 0 && refs != NULL)
		rc = buf_addf(&b, "In-Reply-To: <%s>\r\n%s\r\n", m->in_reply_to,
			      refs);
	if (rc == 0)
		rc = buf_addf(&b,
			      "Auto-Submitted: %s\r\n"
			      "X-Auto-Response-Suppress: All\r\n"
			      "MIME-Version: 1.0\r\n",
			      m->auto_submitted);
	if (rc == 0)
		rc = add_content(&b, m);
	free(from);
	free(to);
	free(subject);
	free(refs);
	if (rc == -1) {
		buf_deinit(&b);
		*error_r = "message too large";
		return NULL;
	}
	if (len_r != NULL)
		*len_r = b.len;
	return buf_steal(&b);
}
