#include "autoconf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <gnutls/crypto.h>
#include <libetpan/libetpan.h>

#include "buf.h"
#include "compose.h"
#include "log.h"
#include "message.h"
#include "util.h"

/* Header lines are folded at this width (RFC 5322 recommends 78). */
#define LINE_WIDTH 78
/* An encoded word is at most 75 characters (RFC 2047 section 2):
   "=?UTF-8?B?" + payload + "?=" leaves 63, so 45 bytes of text. */
#define WORD_BYTES 45
#define MAIL_MAX (4u * 1024 * 1024)

int
compose_addr_is_safe(const char *addr)
{
	const char *at = strrchr(addr, '@'), *p;

	if (at == NULL || at == addr || at[1] == '\0' || strlen(addr) > 254)
		return 0;
	for (p = addr; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= ' ' || c >= 0x7f || strchr("<>()[]\\,;:\"", c))
			return 0;
	}
	return strchr(addr, '@') == at;
}

/* Copies untrusted text as valid UTF-8 with CR, LF, TAB and other
   controls turned into spaces. */
static char *
header_safe(const char *value)
{
	char *s = message_clean_utf8(value, strlen(value)), *p;

	for (p = s; *p != '\0'; p++) {
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			*p = ' ';
	}
	return s;
}

static bool
needs_encoding(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p >= 0x80)
			return true;
	}
	return strstr(s, "=?") != NULL;
}

/* Bytes of the UTF-8 sequence starting with c (1 for anything else). */
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

static void
add_base64(struct buf *b, const unsigned char *in, size_t len)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
				  "qrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i < len; i += 3) {
		unsigned v = (unsigned)in[i] << 16;

		if (i + 1 < len)
			v |= (unsigned)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		(void)buf_addc(b, tbl[(v >> 18) & 63]);
		(void)buf_addc(b, tbl[(v >> 12) & 63]);
		(void)buf_addc(b, i + 1 < len ? tbl[(v >> 6) & 63] : '=');
		(void)buf_addc(b, i + 2 < len ? tbl[v & 63] : '=');
	}
}

/* Appends s as RFC 2047 B words that keep lines within LINE_WIDTH, each
   word after the first on a folded line; a UTF-8 sequence is never split
   across words.  col is where the first word starts. */
static void
add_encoded(struct buf *b, const char *s, size_t col)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0;

	while (i < len) {
		/* 12 = "=?UTF-8?B?" + "?="; 4 base64 chars carry 3 bytes */
		size_t room = col + 12 + 8 <= LINE_WIDTH ?
				      (LINE_WIDTH - col - 12) / 4 * 3 :
				      0;
		size_t n = 0;

		if (room > WORD_BYTES)
			room = WORD_BYTES;
		if (room < 4) {
			(void)buf_adds(b, "\r\n ");
			col = 1;
			continue;
		}
		while (i + n < len) {
			size_t c = utf8_len(p[i + n]);

			if (n + c > room)
				break;
			n += c;
		}
		(void)buf_adds(b, "=?UTF-8?B?");
		add_base64(b, p + i, n);
		(void)buf_adds(b, "?=");
		i += n;
		col += 12 + (n + 2) / 3 * 4;
		if (i < len) {
			(void)buf_adds(b, "\r\n ");
			col = 1;
		}
	}
}

/* Appends ASCII text, folding at spaces before LINE_WIDTH. */
static void
add_folded(struct buf *b, const char *s, size_t col)
{
	while (*s != '\0') {
		size_t word = strcspn(s + 1, " ") + 1;

		if (col + word > LINE_WIDTH && col > 1 && *s == ' ') {
			(void)buf_adds(b, "\r\n");
			col = 0;
		}
		(void)buf_add(b, s, word);
		col += word;
		s += word;
	}
}

char *
compose_header_text(const char *name, const char *value)
{
	char *safe = header_safe(value);
	struct buf b;

	buf_init(&b, MAIL_MAX);
	(void)buf_addf(&b, "%s: ", name);
	if (needs_encoding(safe))
		add_encoded(&b, safe, b.len);
	else
		add_folded(&b, safe, b.len);
	free(safe);
	return buf_steal(&b);
}

/* True if name can stand as an unquoted phrase of atoms. */
static bool
is_atoms(const char *s)
{
	for (; *s != '\0'; s++) {
		if (!isalnum((unsigned char)*s) && strchr(" !#$%&'*+-/=?^_`{|}~",
							  *s) == NULL)
			return false;
	}
	return true;
}

char *
compose_mailbox(const char *name, const char *addr)
{
	struct buf b;
	char *safe;
	const char *p;

	if (!compose_addr_is_safe(addr))
		return NULL;
	if (name == NULL || *name == '\0')
		return xasprintf("<%s>", addr);
	safe = util_trim(header_safe(name));
	buf_init(&b, MAIL_MAX);
	if (*safe == '\0') {
		(void)buf_addf(&b, "<%s>", addr);
	} else if (needs_encoding(safe)) {
		/* encoded words may not sit inside a quoted string */
		add_encoded(&b, safe, strlen("From: "));
		(void)buf_addf(&b, " <%s>", addr);
	} else if (is_atoms(safe)) {
		(void)buf_addf(&b, "%s <%s>", safe, addr);
	} else {
		(void)buf_addc(&b, '"');
		for (p = safe; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				(void)buf_addc(&b, '\\');
			(void)buf_addc(&b, *p);
		}
		(void)buf_addf(&b, "\" <%s>", addr);
	}
	free(safe);
	return buf_steal(&b);
}

char *
compose_message_id(const char *key, const char *domain)
{
	unsigned char digest[32];
	char hex[65];

	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, key, strlen(key), digest) != 0)
		fatalx("SHA-256 is not available");
	util_hex(digest, 16, hex);
	return xasprintf("aanmeld.%s@%s", hex, domain);
}

int
compose_is_our_message_id(const char *id, const char *domain)
{
	const char *at = strrchr(id, '@');

	return strncasecmp(id, "aanmeld.", 8) == 0 && at != NULL &&
	       strcasecmp(at + 1, domain) == 0;
}

/* RFC 5322 date with English names and the local numeric offset. */
static void
add_date(struct buf *b, time_t t)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed",
					   "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr",
					     "May", "Jun", "Jul", "Aug",
					     "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;
	long off;

	localtime_r(&t, &tm);
	off = tm.tm_gmtoff / 60;
	(void)buf_addf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld\r\n",
		       days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
		       tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
		       off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
}

/* The parent's References, keeping only well-formed ids, newest last,
   within COMPOSE_REFERENCES_MAX, followed by the parent's own id. */
static char *
references(const char *parent_refs, const char *parent_id)
{
	struct buf ids;
	const char *p = parent_refs, *open, *close, *start;
	size_t room;

	buf_init(&ids, MAIL_MAX);
	while (p != NULL) {
		open = strchr(p, '<');
		close = open == NULL ? NULL : strchr(open, '>');
		if (close == NULL)
			break;
		{
			char *id = xstrndup(open + 1, (size_t)(close - open - 1));

			if (compose_addr_is_safe(id) &&
			    strcmp(id, parent_id) != 0)
				(void)buf_addf(&ids, " <%s>", id);
			free(id);
		}
		p = close + 1;
	}
	(void)buf_addf(&ids, " <%s>", parent_id);
	/* drop the oldest ids until the rest fits */
	start = buf_str(&ids);
	room = COMPOSE_REFERENCES_MAX;
	while (strlen(start) > room) {
		const char *next = strchr(start + 1, ' ');

		if (next == NULL)
			break;
		start = next;
	}
	{
		char *out = xstrdup(start + 1);

		buf_deinit(&ids);
		return out;
	}
}

/* The body as quoted-printable with CRLF line ends (libetpan's writer). */
static int
add_body(struct buf *b, const char *body)
{
	MMAPString *qp = mmap_string_new("");
	struct buf crlf;
	const char *p;
	int col = 0, rc;

	if (qp == NULL)
		fatalx("out of memory");
	buf_init(&crlf, MAIL_MAX);
	for (p = body; *p != '\0'; p++) {
		if (*p == '\n' && (p == body || p[-1] != '\r'))
			(void)buf_addc(&crlf, '\r');
		(void)buf_addc(&crlf, *p);
	}
	rc = mailmime_quoted_printable_write_mem(qp, &col, 1, buf_str(&crlf),
						 crlf.len);
	buf_deinit(&crlf);
	if (rc == 0)
		rc = buf_add(b, qp->str, qp->len);
	if (rc == 0 && (qp->len < 2 || qp->str[qp->len - 1] != '\n'))
		rc = buf_adds(b, "\r\n");
	mmap_string_free(qp);
	return rc == 0 ? 0 : -1;
}

static void
add_header(struct buf *b, const char *name, const char *value)
{
	char *h = compose_header_text(name, value);

	(void)buf_addf(b, "%s\r\n", h);
	free(h);
}

char *
compose_message(const struct compose_mail *m, size_t *len_r,
		const char **error_r)
{
	char *from, *to, *refs;
	struct buf b;

	if (!compose_addr_is_safe(m->message_id) ||
	    (m->in_reply_to != NULL && !compose_addr_is_safe(m->in_reply_to))) {
		*error_r = "unsafe message id";
		return NULL;
	}
	from = compose_mailbox(m->from_name, m->from_addr);
	to = compose_mailbox(m->to_name, m->to_addr);
	if (from == NULL || to == NULL) {
		*error_r = "unsafe address";
		free(from);
		free(to);
		return NULL;
	}
	buf_init(&b, MAIL_MAX);
	add_date(&b, m->date);
	(void)buf_addf(&b, "From: %s\r\nTo: %s\r\n", from, to);
	free(from);
	free(to);
	add_header(&b, "Subject", m->subject);
	(void)buf_addf(&b, "Message-ID: <%s>\r\n", m->message_id);
	if (m->in_reply_to != NULL) {
		refs = references(m->references, m->in_reply_to);
		(void)buf_addf(&b, "In-Reply-To: <%s>\r\n", m->in_reply_to);
		add_folded(&b, "References:", 0);
		add_folded(&b, " ", 11);
		add_folded(&b, refs, 12);
		(void)buf_adds(&b, "\r\n");
		free(refs);
	}
	(void)buf_addf(&b, "Auto-Submitted: %s\r\n", m->auto_submitted);
	(void)buf_adds(&b, "X-Auto-Response-Suppress: All\r\n"
			   "MIME-Version: 1.0\r\n"
			   "Content-Type: text/plain; charset=UTF-8\r\n"
			   "Content-Transfer-Encoding: quoted-printable\r\n"
			   "\r\n");
	if (add_body(&b, m->body) == -1) {
		*error_r = "message too large";
		buf_deinit(&b);
		return NULL;
	}
	*len_r = b.len;
	return buf_steal(&b);
}
