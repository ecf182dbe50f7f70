/*
 * Unit tests for machine mail: every shape of bounce and out-of-office
 * reply the classifier must ignore (with and without the RFC 3834
 * headers, shapes seen in public bounce-parser test suites among them),
 * and the mail of people that looks a little like it and must not be
 * ignored: Outlook replies and forwards, a Postma, "Automatisering".
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "machine.h"
#include "message.h"
#include "reason.h"
#include "util.h"

#define OWN "globalgoals@vng.nl"
#define DOMAIN "vng.nl"
#define SUBJECT "Deelname praktijkproef GG & lokale inclusie"
#define OURS "<aanmeld.0123456789abcdef@vng.nl>"
/* the header lines every row shares, after its own */
#define TAIL                                                                   \
	"To: GlobalGoals <globalgoals@vng.nl>\r\n"                             \
	"Date: Tue, 16 Mar 2021 10:00:00 +0100\r\n"                            \
	"Message-ID: <row@example.org>\r\n"
#define PERSON "From: Jan Jansen <j.jansen@utrecht.nl>\r\n"
#define BODY "\r\nbody\r\n"

struct row {
	const char *raw;
	enum machine expect;
	const char *why; /* a substring of the reason, NULL for none */
};

static const struct row rows[] = {
	/* bounces that carry no RFC 3834 header at all */
	{"From: MAILER-DAEMON <>\r\nSubject: Returned mail\r\n" TAIL BODY,
	 MACHINE_CERTAIN, "null From address"},
	{"From: <>\r\nSubject: failure notice\r\n" TAIL BODY, MACHINE_CERTAIN,
	 "null From address"},
	{"From: Mail Delivery System <>\r\nSubject: x\r\n" TAIL BODY,
	 MACHINE_CERTAIN, "null From address"},
	{"From: Postmaster\r\nSubject: Undeliverable\r\n" TAIL BODY,
	 MACHINE_CERTAIN, "sender is Postmaster, a machine address"},
	{"From: Mail Delivery Subsystem <MAILER-DAEMON>\r\nSubject: x\r\n" TAIL
		 BODY,
	 MACHINE_CERTAIN, "sender is MAILER-DAEMON"},
	{"From: MAILER-DAEMON (Mail Delivery System)\r\nSubject: x\r\n" TAIL
		 BODY,
	 MACHINE_CERTAIN, "sender is MAILER-DAEMON"},
	{"From: postmaster@gemeente-x\r\nSubject: x\r\n" TAIL BODY,
	 MACHINE_CERTAIN, "sender is postmaster"},
	{"Subject: Delivery failure\r\n" TAIL BODY, MACHINE_CERTAIN,
	 "no From field at all"},
	{"Subject: " SUBJECT "\r\n" TAIL BODY, MACHINE_CERTAIN,
	 "no From field at all"},
	{"Return-Path: <MAILER-DAEMON@mx.example.net>\r\nSubject: x\r\n" TAIL
		 BODY,
	 MACHINE_CERTAIN, "no From field at all"},
	/* a scanner sends without a From, but a person is behind it */
	{"Return-Path: <scanner@woerden.nl>\r\nSubject: " SUBJECT
	 "\r\n" TAIL BODY,
	 MACHINE_NO, NULL},
	/* a reply-form bounce: the address decides, not the subject */
	{"From: post_master@vtext.example.com\r\nSubject: Re: " SUBJECT
	 "\r\nIn-Reply-To: <1@mail.utrecht.nl>\r\n" TAIL BODY,
	 MACHINE_CERTAIN, "sender is post_master@vtext.example.com"},
	/* Exchange Online's non-delivery report */
	{"From: Microsoft Outlook <postmaster@outlook.com>\r\n"
	 "Subject: Undeliverable: " SUBJECT "\r\n" TAIL BODY,
	 MACHINE_CERTAIN, "sender is postmaster@outlook.com"},
	/* the RFC 3834 shapes */
	{"Return-Path: <>\r\n" PERSON "Subject: " SUBJECT "\r\n" TAIL BODY,
	 MACHINE_CERTAIN, "null return path"},
	{PERSON "Auto-Submitted: auto-replied\r\nSubject: x\r\n" TAIL BODY,
	 MACHINE_CERTAIN, "Auto-Submitted: auto-replied"},
	{PERSON "Auto-Submitted: no\r\nSubject: " SUBJECT "\r\n" TAIL BODY,
	 MACHINE_NO, NULL},
	{PERSON "Auto-Submitted: no (a person)\r\nSubject: x\r\n" TAIL BODY,
	 MACHINE_NO, NULL},
	{PERSON "Auto-Submitted: notified\r\nSubject: x\r\n" TAIL BODY,
	 MACHINE_CERTAIN, "Auto-Submitted: notified"},
	{PERSON "Subject: x\r\n" TAIL "MIME-Version: 1.0\r\n"
		"Content-Type: multipart/report; report-type=delivery-status;"
		" boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
		"failed\r\n--b--\r\n",
	 MACHINE_CERTAIN, "multipart/report"},
	{PERSON "X-Autoreply: yes\r\nSubject: " SUBJECT "\r\n" TAIL BODY,
	 MACHINE_CERTAIN, "auto-reply header X-Autoreply"},
	{PERSON "Precedence: auto_reply\r\nSubject: " SUBJECT "\r\n" TAIL BODY,
	 MACHINE_LIKELY, "Precedence: auto_reply"},
	{PERSON "Precedence: bulk\r\nSubject: x\r\n" TAIL BODY, MACHINE_LIKELY,
	 "Precedence: bulk"},
	{PERSON "Precedence: first-class\r\nSubject: x\r\n" TAIL BODY,
	 MACHINE_NO, NULL},
	{PERSON
	 "List-Id: <gemeenten.lists.example.org>\r\nSubject: x\r\n" TAIL BODY,
	 MACHINE_LIKELY, "mailing list"},
	{"From: GlobalGoals@VNG.nl\r\nSubject: " SUBJECT "\r\n" TAIL BODY,
	 MACHINE_LIKELY, "our own address"},
	/* out-of-office replies without any auto-reply header */
	{PERSON "Subject: Automatisch antwoord: " SUBJECT "\r\n" TAIL BODY,
	 MACHINE_LIKELY,
	 "subject starts like an out-of-office reply (Automatisch antwoord)"},
	{PERSON "Subject: Afwezig: " SUBJECT "\r\n" TAIL BODY, MACHINE_LIKELY,
	 "(Afwezig)"},
	{PERSON "Subject: AUTO: Jan Jansen is afwezig (terug op 19-04-2021)"
		"\r\n" TAIL BODY,
	 MACHINE_LIKELY, "(AUTO)"},
	{PERSON "Subject: Out of Office AutoReply: " SUBJECT "\r\n" TAIL BODY,
	 MACHINE_LIKELY, "(Out of Office)"},
	{PERSON "Subject: Automatic reply: " SUBJECT "\r\n" TAIL BODY,
	 MACHINE_LIKELY, "(Automatic reply)"},
	{PERSON "Subject: Auto reply: " SUBJECT "\r\n" TAIL BODY,
	 MACHINE_LIKELY, "(Auto reply)"},
	{PERSON "Subject: Abwesenheitsnotiz: " SUBJECT "\r\n" TAIL BODY,
	 MACHINE_LIKELY, "(Abwesenheitsnotiz)"},
	{PERSON
	 "Subject: =?UTF-8?Q?R=C3=A9ponse_automatique_:_Deelname?=\r\n" TAIL
		 BODY,
	 MACHINE_LIKELY, "(Réponse automatique)"},
	{PERSON "Subject: [EXTERN] Automatisch antwoord: " SUBJECT
		"\r\n" TAIL BODY,
	 MACHINE_LIKELY, "(Automatisch antwoord)"},
	/* bounces from an address that looks like anyone's */
	{"From: Mail System <mail@relay.example.net>\r\nSubject: "
	 "Undeliverable: " SUBJECT "\r\n" TAIL BODY,
	 MACHINE_LIKELY, "subject starts like a delivery failure"},
	{"From: Mail System <mail@relay.example.net>\r\nSubject: "
	 "Onbestelbaar: " SUBJECT "\r\n" TAIL BODY,
	 MACHINE_LIKELY, "(Onbestelbaar)"},
	{"From: Mail System <mail@relay.example.net>\r\nSubject: "
	 "Niet bezorgd: " SUBJECT "\r\n" TAIL BODY,
	 MACHINE_LIKELY, "(Niet bezorgd)"},
	{"From: Mail System <mail@relay.example.net>\r\nSubject: "
	 "Kan niet worden bezorgd: " SUBJECT "\r\n" TAIL BODY,
	 MACHINE_LIKELY, "(Kan niet worden bezorgd)"},
	{"From: Mail System <mail@relay.example.net>\r\nSubject: "
	 "Returned mail: see transcript for details\r\n" TAIL BODY,
	 MACHINE_LIKELY, "(Returned mail)"},
	{"From: Mail System <mail@relay.example.net>\r\nSubject: "
	 "Delivery Status Notification (Failure)\r\n" TAIL BODY,
	 MACHINE_LIKELY, "(Delivery Status Notification)"},
	{"From: Mail System <mail@relay.example.net>\r\nSubject: "
	 "Mail delivery failed: returning message to sender\r\n" TAIL BODY,
	 MACHINE_LIKELY, "(Mail delivery failed)"},
	{"From: Mail System <mail@relay.example.net>\r\nSubject: "
	 "Undelivered Mail Returned to Sender\r\n" TAIL BODY,
	 MACHINE_LIKELY, "(Undelivered Mail)"},
	{"From: Mail System <mail@relay.example.net>\r\nSubject: "
	 "Delivery Notification: Delivery has failed\r\n" TAIL BODY,
	 MACHINE_LIKELY, "(Delivery Notification)"},
	/* a vacation notice in reply to one of our mails (iCloud writes
	   no header and keeps our subject) */
	{PERSON "Subject: Re: " SUBJECT "\r\nIn-Reply-To: " OURS "\r\n" TAIL
		"\r\nIk ben met vakantie tot 12 april en lees mijn mail "
		"niet.\r\n",
	 MACHINE_LIKELY, "(body: ik ben met vakantie)"},
	{PERSON
	 "Subject: Re: " SUBJECT "\r\nReferences: <a@b.nl> " OURS "\r\n" TAIL
	 "Content-Type: text/plain; charset=utf-8\r\n"
	 "\r\nBeste afzender,\r\n\r\nBedankt voor uw e-mail. I\xe2\x80\x99m "
	 "out of the office until Monday.\r\n",
	 MACHINE_LIKELY, "(body: i'm out of the office)"},
	{PERSON "Subject: Re: " SUBJECT " (Automatisch antwoord)\r\n"
		"In-Reply-To: " OURS "\r\n" TAIL BODY,
	 MACHINE_LIKELY, "(subject: Automatisch antwoord)"},

	/* people: enrolments as Outlook writes them */
	{PERSON "Subject: " SUBJECT "\r\n" TAIL BODY, MACHINE_NO, NULL},
	{PERSON "Subject: RE: " SUBJECT "\r\n" TAIL BODY, MACHINE_NO, NULL},
	{PERSON "Subject: FW: " SUBJECT "\r\n" TAIL BODY, MACHINE_NO, NULL},
	{PERSON "Subject: Automatisering afdeling aanmelding\r\n" TAIL BODY,
	 MACHINE_NO, NULL},
	{PERSON "Subject: Afwezigheid sessie 2\r\n" TAIL BODY, MACHINE_NO,
	 NULL},
	{PERSON "Subject: Afwezig op 13 april\r\n" TAIL BODY, MACHINE_NO, NULL},
	{PERSON "Subject: Auto: parkeren bij het gemeentehuis\r\n" TAIL BODY,
	 MACHINE_NO, NULL},
	{PERSON "Subject: Niet bezorgd, de uitnodiging\r\n" TAIL BODY,
	 MACHINE_NO, NULL},
	/* someone forwarding or answering a machine is still someone */
	{PERSON
	 "Subject: Fwd: Returned mail: see transcript for details\r\n" TAIL
		 BODY,
	 MACHINE_NO, NULL},
	{PERSON "Subject: RE: Automatisch antwoord: " SUBJECT "\r\n" TAIL BODY,
	 MACHINE_NO, NULL},
	/* the address decides, not the name */
	{"From: Jan Postma <j.postma@utrecht.nl>\r\nSubject: " SUBJECT
	 "\r\n" TAIL BODY,
	 MACHINE_NO, NULL},
	{"From: \"MAILER-DAEMON\" <j.jansen@utrecht.nl>\r\nSubject: " SUBJECT
	 "\r\n" TAIL BODY,
	 MACHINE_NO, NULL},
	{"From: Postkamer <postkamer@utrecht.nl>\r\nSubject: " SUBJECT
	 "\r\n" TAIL BODY,
	 MACHINE_NO, NULL},
	{"From: Postbus <postbus@utrecht.nl>\r\nSubject: " SUBJECT
	 "\r\n" TAIL BODY,
	 MACHINE_NO, NULL},
	/* replies to our mails from people: they quote us, or say more
	   than that they are away */
	{PERSON "Subject: Re: " SUBJECT "\r\nIn-Reply-To: " OURS "\r\n" TAIL
		"\r\nIk ben met vakantie tijdens sessie 3.\r\n\r\n"
		"-----Oorspronkelijk bericht-----\r\nVan: GlobalGoals\r\n",
	 MACHINE_NO, NULL},
	{PERSON "Subject: Re: " SUBJECT "\r\nIn-Reply-To: " OURS "\r\n" TAIL
		"\r\nIk ben met verlof, mijn collega komt.\r\n\r\nOp 1 april "
		"2021 schreef GlobalGoals <globalgoals@vng.nl>:\r\n",
	 MACHINE_NO, NULL},
	{PERSON "Subject: Re: " SUBJECT "\r\nIn-Reply-To: " OURS "\r\n" TAIL
		"\r\nIk ben afwezig op 29 april, kan een collega komen?\r\n",
	 MACHINE_NO, NULL},
	{PERSON "Subject: Re: " SUBJECT "\r\nIn-Reply-To: " OURS "\r\n" TAIL
		"\r\nIk ben tot mijn spijt verhinderd.\r\n",
	 MACHINE_NO, NULL},
	{PERSON "Subject: Re: " SUBJECT " - afwezig\r\nIn-Reply-To: " OURS
		"\r\n" TAIL BODY,
	 MACHINE_NO, NULL},
	/* a vacation notice's words, but not in reply to us */
	{PERSON "Subject: " SUBJECT "\r\n" TAIL
		"\r\nIk ben met vakantie tot 12 april; graag aanmelden.\r\n",
	 MACHINE_NO, NULL},
};

/* The English of what machine_mail() said, or "" for MACHINE_NO. */
static char *
ask(const struct message *m, enum machine *got_r)
{
	struct reason r;
	char *text;

	*got_r = machine_mail(m, OWN, DOMAIN, &r);
	text = *got_r == MACHINE_NO ? xstrdup("") : reason_english(&r);
	reason_deinit(&r);
	return text;
}

static void
test_rows(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct message *m = message_parse(r->raw, strlen(r->raw));
		enum machine got;
		char *why = ask(m, &got);

		if (got != r->expect ||
		    (r->why != NULL && strstr(why, r->why) == NULL))
			print_message("row %zu: got %d (%s), want %d (%s)\n", i,
				      (int)got, why, (int)r->expect,
				      r->why != NULL ? r->why : "");
		assert_int_equal(got, r->expect);
		if (r->why != NULL)
			assert_non_null(strstr(why, r->why));
		else
			assert_string_equal(why, "");
		free(why);
		message_free(m);
	}
}

/* A message that was never parsed has no From, and no header either:
   it is no bounce, it goes to a person. */
static void
test_unparsed(void **state)
{
	static const char junk[] = "\x01\x02 not a mail at all\r\n";
	struct message *m;
	enum machine got;
	char *why;

	m = message_unparsed(
		reason_new(REASON_PARSER_DIED, "the parser crashed on it"),
		1234);
	why = ask(m, &got);
	assert_int_equal(got, MACHINE_NO);
	assert_string_equal(why, "");
	free(why);
	message_free(m);
	m = message_parse(junk, sizeof(junk) - 1);
	assert_non_null(m->problem);
	why = ask(m, &got);
	assert_int_equal(got, MACHINE_NO);
	free(why);
	message_free(m);
}

/* Header values in the reason are cut short on a character boundary,
   and the reason is a code with the value as its argument. */
static void
test_why(void **state)
{
	char *why, *raw, *id;
	struct message *m;
	struct reason r;
	enum machine got;
	size_t len;

	id = xmalloc(301);
	memset(id, 'x', 300);
	id[300] = '\0';
	memcpy(id + 60, "\xc3\xa9", 2); /* é across the cut at 64 */
	memcpy(id + 62, "\xc3\xa9\xc3\xa9", 4);
	raw = xasprintf(PERSON "List-Id: %s\r\nSubject: x\r\n" TAIL BODY, id);
	m = message_parse(raw, strlen(raw));
	why = ask(m, &got);
	assert_int_equal(got, MACHINE_LIKELY);
	len = strlen(why);
	assert_true(len < 100);
	assert_non_null(strstr(why, "\xc3\xa9\xc3\xa9...)"));
	free(why);
	assert_int_equal(machine_mail(m, OWN, DOMAIN, &r), MACHINE_LIKELY);
	assert_int_equal(r.code, REASON_MAILING_LIST);
	assert_true(strlen(r.arg[0]) < 100);
	assert_non_null(strstr(r.arg[0], "\xc3\xa9\xc3\xa9..."));
	reason_deinit(&r);
	message_free(m);
	free(raw);
	free(id);
}

static void
test_replies_to_us(void **state)
{
	static const struct {
		const char *header;
		bool ours;
	} cases[] = {
		{"In-Reply-To: " OURS "\r\n", true},
		{"References: <a@b.nl>\r\n\t" OURS "\r\n", true},
		{"In-Reply-To: <aanmeld.0123@vng.nl.example.org>\r\n", false},
		{"In-Reply-To: <someone.0123@vng.nl>\r\n", false},
		{"References: <a@b.nl> <c@d.nl>\r\n", false},
		{"", false},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *raw = xasprintf(PERSON "%sSubject: x\r\n" TAIL BODY,
				      cases[i].header);
		struct message *m = message_parse(raw, strlen(raw));

		assert_int_equal(machine_replies_to_us(m, DOMAIN),
				 cases[i].ours);
		assert_false(machine_replies_to_us(m, NULL));
		message_free(m);
		free(raw);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_unparsed),
		cmocka_unit_test(test_why),
		cmocka_unit_test(test_replies_to_us),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
