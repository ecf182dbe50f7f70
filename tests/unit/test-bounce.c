/* Bounces of our own mail: what the parse finds in real-world shapes
   (data/bounce/), and what classify() makes of it with what the store
   knows. */
#include "autoconf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bounce.h"
#include "classify.h"
#include "fixture.h"
#include "message.h"
#include "reason.h"
#include "rules.h"
#include "staff.h"
#include "util.h"

#define POSTFIX_ID "aanmeld.0123456789abcdef0123456789abcdef@vng.nl"
#define EXIM_ID "aanmeld.fedcba9876543210fedcba9876543210@vng.nl"
#define EXCHANGE_ID "aanmeld.00112233445566778899aabbccddeeff@vng.nl"
#define FORGED_ID "aanmeld.99999999999999999999999999999999@vng.nl"

static struct rules *rules;

static int
setup(void **state)
{
	(void)state;
	rules = fixture_rules();
	return rules == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	rules_free(rules);
	return 0;
}

static struct message *
parse_file(const char *name)
{
	char *path = xasprintf("%s/tests/data/bounce/%s", TOP_SRCDIR, name);
	struct message *m;
	const char *err;
	char *data;
	size_t len;

	data = util_read_file(path, MESSAGE_SIZE_MAX, &len, &err);
	if (data == NULL)
		fail_msg("%s: %s", path, err);
	m = message_parse(data, len);
	free(data);
	free(path);
	return m;
}

static void
assert_field(const char *got, const char *want)
{
	if (want == NULL)
		assert_null(got);
	else {
		assert_non_null(got);
		assert_string_equal(got, want);
	}
}

static const struct {
	const char *file;
	const char *id, *rcpt, *action, *status, *diagnostic;
	const char *names; /* an address the explanation names */
} parse_rows[] = {
	{"postfix-dsn.eml", POSTFIX_ID, "j.jansen@utrecht.nl", "failed",
	 "5.1.1",
	 "550 5.1.1 <j.jansen@utrecht.nl>: Recipient address rejected: User "
	 "unknown in virtual mailbox table",
	 "j.jansen@utrecht.nl"},
	/* Exim without a report: the original quoted in the text */
	{"exim-unstructured.eml", EXIM_ID, NULL, NULL, "5.1.1",
	 "550 5.1.1 <p.devries@zeist.nl>: Recipient address rejected: "
	 "mailbox unavailable",
	 "p.devries@zeist.nl"},
	/* Exchange: a base64 explanation, the headers folded, case kept */
	{"exchange-ndr.eml", EXCHANGE_ID, "m.bakker@amersfoort.nl", "failed",
	 "5.1.10",
	 "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient "
	 "M.Bakker@amersfoort.nl not found by SMTP address lookup",
	 "m.bakker@amersfoort.nl"},
	{"delayed-dsn.eml", POSTFIX_ID, "j.jansen@utrecht.nl", "delayed",
	 "4.4.1",
	 "connect to mx.utrecht.nl[192.0.2.80]:25: Connection timed out",
	 "j.jansen@utrecht.nl"},
	{"forged-bounce.eml", FORGED_ID, "j.jansen@utrecht.nl", "failed",
	 "5.1.1", "550 5.1.1 User unknown", "j.jansen@utrecht.nl"},
	/* qmail: no report, the original after "Below this line" */
	{"qmail-failure.eml", EXIM_ID, NULL, NULL, "5.1.1",
	 "Remote host said: 550 5.1.1 <p.devries@zeist.nl>: Recipient "
	 "address rejected: User unknown",
	 "p.devries@zeist.nl"},
	/* Office 365 behind an alias: the address we wrote to is the
	   Original-Recipient, the Final-Recipient the mailbox it became */
	{"o365-alias-ndr.eml", POSTFIX_ID, "info@utrecht.nl", "failed",
	 "5.1.10",
	 "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by "
	 "SMTP address lookup",
	 "info@utrecht.nl"},
	/* an alias expanded to two: one failed, one delivered, so the
	   address we wrote to still receives mail */
	{"expansion-dsn.eml", POSTFIX_ID, "info@utrecht.nl", "delivered",
	 "5.1.1", "550 5.1.1 User unknown", "info@utrecht.nl"},
	/* "RFC822; <J.Jansen@Utrecht.NL>", "Action: Failed", two recipients */
	{"two-failed-dsn.eml", POSTFIX_ID, "j.jansen@utrecht.nl", "failed",
	 "5.1.1", "550 5.1.1 <J.Jansen@Utrecht.NL>: User unknown",
	 "j.jansen@utrecht.nl"},
	/* a temporary failure the server gave up on */
	{"expired-dsn.eml", POSTFIX_ID, "j.jansen@utrecht.nl", "failed",
	 "4.4.1",
	 "connect to mx.utrecht.nl[192.0.2.80]:25: Connection timed out",
	 "j.jansen@utrecht.nl"},
	{"forged-person-report.eml", POSTFIX_ID, "j.jansen@utrecht.nl",
	 "failed", "5.1.1", "550 5.1.1 User unknown", "j.jansen@utrecht.nl"},
};

static void
test_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < nitems(parse_rows); i++) {
		struct message *m = parse_file(parse_rows[i].file);

		print_message("%s: id %s rcpt %s action %s status %s (%s)\n",
			      parse_rows[i].file, m->bounce_id, m->bounce_rcpt,
			      m->bounce_action, m->bounce_status,
			      m->bounce_diagnostic);
		assert_null(m->problem);
		assert_field(m->bounce_id, parse_rows[i].id);
		assert_field(m->bounce_rcpt, parse_rows[i].rcpt);
		assert_field(m->bounce_action, parse_rows[i].action);
		assert_field(m->bounce_status, parse_rows[i].status);
		assert_field(m->bounce_diagnostic, parse_rows[i].diagnostic);
		assert_non_null(m->bounce_text);
		assert_true(
			bounce_text_names(m->bounce_text, parse_rows[i].names));
		/* the explanation stops before the returned headers */
		assert_null(strstr(m->bounce_text, "Message-ID:"));
		message_free(m);
	}
}

/* A person's mail names no returned message; one that quotes our
   Message-ID in its text is no bounce for classify() (is_bounce()). */
static void
test_parse_not_bounce(void **state)
{
	static const char plain[] =
		"From: a@utrecht.nl\r\nSubject: vraag\r\n"
		"Message-ID: <q1@utrecht.nl>\r\n\r\nWanneer is sessie 3?\r\n";
	struct message *m;

	(void)state;
	m = message_parse(plain, strlen(plain));
	assert_null(m->bounce_id);
	assert_null(m->bounce_text);
	message_free(m);
}

static const struct {
	const char *text, *reply, *status;
} reply_rows[] = {
	{"host x said: 550 5.1.1 <a@b.nl>: unknown\n",
	 "host x said: 550 5.1.1 <a@b.nl>: unknown", "5.1.1"},
	{"  a@b.nl\n    SMTP error after RCPT TO:<a@b.nl>:\n    552-5.2.2 "
	 "full\n",
	 "552-5.2.2 full", "5.2.2"},
	{"The response was:\n\n421 try later\n", "421 try later", NULL},
	/* Exchange quotes the reply, or marks it with # */
	{"Remote Server returned '550 5.7.606 Access denied'\n",
	 "Remote Server returned '550 5.7.606 Access denied'", "5.7.606"},
	{"#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##\n",
	 "#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##", "5.1.1"},
	/* dates, addresses of hosts and queue ids are no reply */
	{"Date: Thu,  1 Apr 2021 09:12:44\nmx[192.0.2.1] 4FBx2h5Zk1z9sV\n",
	 NULL, NULL},
	{"", NULL, NULL},
};

static void
test_smtp_reply(void **state)
{
	(void)state;
	for (size_t i = 0; i < nitems(reply_rows); i++) {
		char *status,
			*reply = bounce_smtp_reply(reply_rows[i].text, &status);

		assert_field(reply, reply_rows[i].reply);
		assert_field(status, reply_rows[i].status);
		free(reply);
		free(status);
	}
}

static void
test_text_names(void **state)
{
	(void)state;
	assert_true(bounce_text_names("to <a@b.nl>: x", "a@b.nl"));
	assert_true(bounce_text_names("  A@B.NL\n", "a@b.nl"));
	assert_true(bounce_text_names("a@b.nl.", "a@b.nl"));
	assert_false(bounce_text_names("xa@b.nl", "a@b.nl"));
	assert_false(bounce_text_names("a@b.nl.evil.example", "a@b.nl"));
	assert_false(bounce_text_names("jan.a@b.nl", "a@b.nl"));
	assert_false(bounce_text_names("a@b.nl-x.example", "a@b.nl"));
	assert_false(bounce_text_names("anything", ""));
}

/* What the store knows: nothing looked up (NULL), no such mail (found
   false), or a mail to rcpt. */
#define NOT_LOOKED 0
#define NOT_FOUND 1
#define SENT_TO 2

static const struct {
	const char *file;
	const char *domain; /* our message_id_domain */
	int store;
	const char *rcpt;
	const char *verdict;
	const char *reason; /* in the English reasons */
	const char *dutch;  /* in the Dutch ones, or NULL */
} classify_rows[] = {
	{"postfix-dsn.eml", "vng.nl", SENT_TO, "j.jansen@utrecht.nl", "bounce",
	 "mail to j.jansen@utrecht.nl came back: 550 5.1.1",
	 "e-mail aan j.jansen@utrecht.nl kwam terug: 550 5.1.1 "
	 "<j.jansen@utrecht.nl>: Recipient address rejected"},
	/* before the store is asked: the caller looks it up */
	{"postfix-dsn.eml", "vng.nl", NOT_LOOKED, NULL, "bounce", "", NULL},
	/* a Message-ID of someone else's domain is not about us */
	{"postfix-dsn.eml", "gemeente.example", NOT_LOOKED, NULL, "ignore",
	 "bounce of a mail we did not send", NULL},
	/* the report names another recipient than the one we sent to */
	{"postfix-dsn.eml", "vng.nl", SENT_TO, "p.devries@zeist.nl", "ignore",
	 "bounce names j.jansen@utrecht.nl, but our mail went to "
	 "p.devries@zeist.nl",
	 NULL},
	{"exim-unstructured.eml", "vng.nl", SENT_TO, "p.devries@zeist.nl",
	 "bounce", "mail to p.devries@zeist.nl came back: 550 5.1.1",
	 "e-mail aan p.devries@zeist.nl kwam terug: 550 5.1.1"},
	/* unstructured: the explanation must name our recipient */
	{"exim-unstructured.eml", "vng.nl", SENT_TO, "j.jansen@utrecht.nl",
	 "ignore", "bounce names no recipient", NULL},
	{"exchange-ndr.eml", "vng.nl", SENT_TO, "M.Bakker@amersfoort.nl",
	 "bounce", "mail to M.Bakker@amersfoort.nl came back: 550 5.1.10",
	 "kwam terug: 550 5.1.10 RESOLVER.ADR.RecipientNotFound"},
	/* a delay is no bounce: nothing recorded */
	{"delayed-dsn.eml", "vng.nl", SENT_TO, "j.jansen@utrecht.nl", "ignore",
	 "(action delayed), no bounce", NULL},
	{"delayed-dsn.eml", "vng.nl", NOT_LOOKED, NULL, "ignore",
	 "no bounce: nothing recorded", NULL},
	/* forged: a Message-ID of our shape that we never sent */
	{"forged-bounce.eml", "vng.nl", NOT_FOUND, NULL, "ignore",
	 "bounce of a mail we did not send (" FORGED_ID ")", NULL},
	{"qmail-failure.eml", "vng.nl", SENT_TO, "p.devries@zeist.nl", "bounce",
	 "mail to p.devries@zeist.nl came back: Remote host said",
	 "e-mail aan p.devries@zeist.nl kwam terug"},
	{"o365-alias-ndr.eml", "vng.nl", SENT_TO, "info@utrecht.nl", "bounce",
	 "mail to info@utrecht.nl came back: 550 5.1.10", NULL},
	{"expansion-dsn.eml", "vng.nl", SENT_TO, "info@utrecht.nl", "ignore",
	 "(action delivered), no bounce", NULL},
	{"two-failed-dsn.eml", "vng.nl", SENT_TO, "J.Jansen@utrecht.nl",
	 "bounce", "mail to J.Jansen@utrecht.nl came back: 550 5.1.1", NULL},
	/* given up after days of trying (4.4.1): it did not arrive, but
	   the address was never refused; a person looks, nothing marked */
	{"expired-dsn.eml", "vng.nl", SENT_TO, "j.jansen@utrecht.nl", "review",
	 "mail to j.jansen@utrecht.nl was given up on after a temporary "
	 "failure: connect to",
	 "het adres blijft in gebruik"},
	/* refused for a policy (5.7.x: our server on a block list), not
	   for the address: a person looks, nothing marked */
	{"blocked-ndr.eml", "vng.nl", SENT_TO, "p.devries@zeist.nl", "review",
	 "the server of p.devries@zeist.nl refused our mail: 550 5.7.606",
	 "het adres blijft in gebruik"},
	/* the same without a report: the reply quoted in the text */
	{"o365-text-ndr.eml", "vng.nl", SENT_TO, "p.devries@zeist.nl", "review",
	 "the server of p.devries@zeist.nl refused our mail: Remote Server "
	 "returned '550 5.7.606",
	 NULL},
	/* an automatic answer that returns our mail and names the address:
	   it arrived, nothing failed */
	{"ticket-autoreply.eml", "vng.nl", SENT_TO, "info@utrecht.nl", "ignore",
	 "Auto-Submitted", NULL},
	{"ticket-autoreply.eml", "vng.nl", NOT_LOOKED, NULL, "ignore",
	 "Auto-Submitted", NULL},
	/* a report from a person's address: believed only for the
	   recipient of the mail it returns */
	{"forged-person-report.eml", "vng.nl", SENT_TO, "j.jansen@utrecht.nl",
	 "bounce", "mail to j.jansen@utrecht.nl came back", NULL},
	{"forged-person-report.eml", "vng.nl", SENT_TO, "p.devries@zeist.nl",
	 "ignore", "bounce names j.jansen@utrecht.nl, but our mail went to",
	 NULL},
};

static void
test_classify(void **state)
{
	(void)state;
	for (size_t i = 0; i < nitems(classify_rows); i++) {
		struct classify_settings set = {"globalgoals@vng.nl",
						classify_rows[i].domain, NULL,
						false};
		struct classify_bounce b = {classify_rows[i].store == SENT_TO,
					    classify_rows[i].rcpt};
		struct classify_state st = {0};
		struct classification c;
		struct message *m = parse_file(classify_rows[i].file);
		char *codes, *nl;

		if (classify_rows[i].store != NOT_LOOKED)
			st.bounce = &b;
		classify(m, rules, &set, &st, fixture_at("2021-04-13 16:00"),
			 &c);
		print_message("row %zu: %s (%s)\n", i, verdict_name(c.verdict),
			      c.reasons);
		assert_string_equal(verdict_name(c.verdict),
				    classify_rows[i].verdict);
		/* never answered */
		assert_false(c.answer);
		assert_non_null(strstr(c.reasons, classify_rows[i].reason));
		codes = reason_list_encode(&c.codes);
		nl = staff_reason_text(c.reasons, codes);
		if (classify_rows[i].dutch != NULL)
			assert_non_null(strstr(nl, classify_rows[i].dutch));
		free(nl);
		free(codes);
		classification_deinit(&c);
		message_free(m);
	}
}

/* The sample file grown to size bytes by text inserted in the returned
   message (0: as it is), then wraps times wrapped in one more multipart
   level. */
static char *
sample_grown(const char *name, size_t size, unsigned wraps, size_t *len_r)
{
	char *path = xasprintf("%s/tests/data/bounce/%s", TOP_SRCDIR, name);
	const char *err, *last;
	char *data, *out, *head;
	size_t len, n, pad;

	data = util_read_file(path, MESSAGE_SIZE_MAX, &len, &err);
	assert_non_null(data);
	free(path);
	/* the returned message's last line: pad it there */
	last = strstr(data, "\n--4FBx2k0Qh3z9sW.1618300931/mx.vng.nl--");
	assert_non_null(last);
	n = (size_t)(last - data);
	pad = size > len ? size - len : 0;
	out = xmalloc(len + pad + 2);
	memcpy(out, data, n);
	memset(out + n, 'x', pad);
	for (size_t i = 76; i < pad; i += 77)
		out[n + i] = '\n';
	memcpy(out + n + pad, last, len - n);
	len += pad;
	out[len] = '\0';
	free(data);
	for (unsigned i = 0; i < wraps; i++) {
		head = xasprintf(
			"From: MAILER-DAEMON@mx.vng.nl\n"
			"Subject: Undelivered Mail Returned to Sender\n"
			"MIME-Version: 1.0\n"
			"Content-Type: multipart/mixed; boundary=W%u\n\n"
			"--W%u\n%s\n--W%u--\n",
			i, i, out, i);
		free(out);
		out = head;
		len = strlen(out);
	}
	*len_r = len;
	return out;
}

/* A bounce at the size limit is read; one above it, or nested deeper
   than the MIME walk goes, is ignored: never answered, nothing
   marked, no crash. */
static void
test_huge_and_deep(void **state)
{
	static const struct {
		size_t size;
		unsigned wraps;
		const char *verdict;
	} rows[] = {
		{MESSAGE_SIZE_MAX, 0, "bounce"},
		{MESSAGE_SIZE_MAX + 1, 0, "ignore"},
		{0, MESSAGE_MIME_DEPTH_MAX + 2, "ignore"},
	};
	struct classify_settings set = {"globalgoals@vng.nl", "vng.nl", NULL,
					false};
	struct classify_bounce b = {true, "j.jansen@utrecht.nl"};
	struct classify_state st = {0};
	struct classification c;

	(void)state;
	st.bounce = &b;
	for (size_t i = 0; i < nitems(rows); i++) {
		size_t len;
		char *data = sample_grown("postfix-dsn.eml", rows[i].size,
					  rows[i].wraps, &len);
		struct message *m;

		m = message_parse(data, len);
		free(data);
		classify(m, rules, &set, &st, fixture_at("2021-04-13 16:00"),
			 &c);
		print_message("row %zu (%zu bytes): %s (%s)\n", i, len,
			      verdict_name(c.verdict), c.reasons);
		assert_string_equal(verdict_name(c.verdict), rows[i].verdict);
		assert_false(c.answer);
		/* too big or too deep, and said so */
		if (i > 0) {
			assert_non_null(m->problem);
			assert_int_equal(m->problem->code,
					 i == 1 ? REASON_TOO_BIG
						: REASON_MIME_TOO_DEEP);
		}
		classification_deinit(&c);
		message_free(m);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_not_bounce),
		cmocka_unit_test(test_smtp_reply),
		cmocka_unit_test(test_text_names),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_huge_and_deep),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
