/* Unit tests for telling staff: when a summary is due, when the mailbox
   warning goes out, the Dutch reasons and the Dutch text of the summary
   from given rows (with the real templates in rules/). */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "fixture.h"
#include "rules.h"
#include "staff.h"
#include "store.h"
#include "store_staff.h"
#include "util.h"

static struct rules *rules;

static int
setup(void **state)
{
	(void)state;
	/* loading the programme sets TZ to Europe/Amsterdam */
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

static void
test_period(void **state)
{
	static const struct {
		const char *now;
		unsigned at_minute, every;
		const char *key;
	} rows[] = {
		{"2021-04-02 08:59", 9 * 60, 1, "2021-04-01"},
		{"2021-04-02 09:00", 9 * 60, 1, "2021-04-02"},
		{"2021-04-02 23:59", 9 * 60, 1, "2021-04-02"},
		{"2021-04-03 00:00", 9 * 60, 1, "2021-04-02"},
		{"2021-04-03 00:00", 0, 1, "2021-04-03"},
		/* across the change to summer time (28 March 2021) */
		{"2021-03-28 08:59", 9 * 60, 1, "2021-03-27"},
		{"2021-03-28 09:00", 9 * 60, 1, "2021-03-28"},
		{"2021-10-31 09:00", 9 * 60, 1, "2021-10-31"},
		/* every 7 days: day numbers since 1970-01-01 that are
		   multiples of 7 (Thursdays): 1 April 2021 is one */
		{"2021-04-01 09:00", 9 * 60, 7, "2021-04-01"},
		{"2021-04-07 23:00", 9 * 60, 7, "2021-04-01"},
		{"2021-04-08 08:59", 9 * 60, 7, "2021-04-01"},
		{"2021-04-08 09:00", 9 * 60, 7, "2021-04-08"},
		/* year end */
		{"2022-01-01 08:00", 9 * 60, 1, "2021-12-31"},
	};
	char key[STAFF_PERIOD_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(staff_period(fixture_at(rows[i].now),
					      rows[i].at_minute, rows[i].every,
					      key),
				 0);
		assert_string_equal(key, rows[i].key);
	}
	assert_int_equal(
		staff_period(fixture_at("2021-04-01 09:00"), 540, 0, key), -1);
}

static void
test_summary_step(void **state)
{
	(void)state;
	/* first run: remember the period, send nothing (even with news) */
	assert_int_equal(staff_summary_step("2021-04-01", NULL, true),
			 STAFF_SUMMARY_BASELINE);
	assert_int_equal(staff_summary_step("2021-04-01", "", true),
			 STAFF_SUMMARY_BASELINE);
	/* same period: at most one */
	assert_int_equal(staff_summary_step("2021-04-02", "2021-04-02", true),
			 STAFF_SUMMARY_WAIT);
	/* new period with news */
	assert_int_equal(staff_summary_step("2021-04-03", "2021-04-02", true),
			 STAFF_SUMMARY_SEND);
	/* new period, nothing new: none, and the period is decided */
	assert_int_equal(staff_summary_step("2021-04-03", "2021-04-02", false),
			 STAFF_SUMMARY_SKIP);
	/* the clock set back */
	assert_int_equal(staff_summary_step("2021-04-01", "2021-04-02", true),
			 STAFF_SUMMARY_WAIT);
}

static void
test_poll_step(void **state)
{
	const time_t t0 = 1617264000, min = 60, after = 30 * min;

	(void)state;
	assert_int_equal(staff_poll_step(true, t0, t0 - min, 0, 0, after),
			 STAFF_POLL_NONE);
	assert_int_equal(
		staff_poll_step(false, t0 + 29 * min, t0, t0 + min, 0, after),
		STAFF_POLL_NONE);
	assert_int_equal(
		staff_poll_step(false, t0 + 30 * min, t0, t0 + min, 0, after),
		STAFF_POLL_WARN);
	/* one warning per outage */
	assert_int_equal(staff_poll_step(false, t0 + 90 * min, t0, t0 + min,
					 t0 + 30 * min, after),
			 STAFF_POLL_NONE);
	assert_int_equal(staff_poll_step(true, t0 + 91 * min, t0, t0 + min,
					 t0 + 30 * min, after),
			 STAFF_POLL_RECOVERED);
	/* never a good poll: counted from the first failure */
	assert_int_equal(staff_poll_step(false, t0, 0, 0, 0, after),
			 STAFF_POLL_NONE);
	assert_int_equal(staff_poll_step(false, t0 + 29 * min, 0, t0, 0, after),
			 STAFF_POLL_NONE);
	assert_int_equal(staff_poll_step(false, t0 + 31 * min, 0, t0, 0, after),
			 STAFF_POLL_WARN);
	assert_int_equal(staff_down_since(t0, t0 + min), t0);
	assert_int_equal(staff_down_since(0, t0 + min), t0 + min);
}

static void
test_reason_text(void **state)
{
	/* the codes as stored (reason_list_encode()) and what staff read */
	static const struct {
		const char *codes, *dutch;
	} rows[] = {
		{"[[\"subject-rule\",\"enrol\",\"61\"],[\"lookalike\","
		 "\"utrecht-gemeente.nl\",\"utrecht.nl\",\"GM0344\","
		 "\"Utrecht\"],"
		 "[\"auth-results\",\"pass\",\"none\",\"none\",\"x\"]]",
		 "het afzenderdomein utrecht-gemeente.nl lijkt op utrecht.nl "
		 "(gemeente Utrecht), maar staat niet op de lijst van "
		 "gemeenten"},
		{"[[\"subject-review\",\"70\"],[\"municipality\",\"ede.nl\","
		 "\"GM0228\",\"Ede\"],[\"auth-untrusted\"]]",
		 "het onderwerp lijkt op dat van een aanmelding of afmelding, "
		 "maar wijkt af van het afgesproken onderwerp"},
		{"[[\"subject-rule\",\"enrol\",\"61\"],[\"place\",\"1\",\"5\"],"
		 "[\"auth-forged\"]]",
		 "de afzender is mogelijk vervalst (de DMARC-controle is "
		 "mislukt)"},
		{"[[\"reply-to-us\"]]",
		 "dit is een reactie op een e-mail die wij hebben verstuurd"},
		{"[[\"subject-rule\",\"withdraw\",\"57\"],[\"withdraw-not-"
		 "enrolled\",\"Zwolle\"]]",
		 "dit is een afmelding, maar Zwolle is niet aangemeld; die "
		 "handelt een medewerker af"},
		{"[[\"name-claim\",\"Zwolle\",\"GM0193\",\"x@gmail.com\"]]",
		 "de afzender noemt zich gemeente Zwolle, maar het adres "
		 "x@gmail.com is geen adres van een gemeente"},
		{"[[\"shared-org\",\"dimpact.nl\",\"Dimpact\",\"Ede, "
		 "Zwolle\"]]",
		 "het afzenderdomein dimpact.nl hoort bij een "
		 "samenwerkingsorganisatie (Dimpact) van Ede, Zwolle"},
		{"[[\"mail-failed\",\"info@hotmail.com\",\"550 5.1.1 no such "
		 "user\"]]",
		 "de e-mail aan info@hotmail.com kon niet worden afgeleverd; "
		 "de ontvangende mailserver weigerde haar"},
		/* what the mail itself is, in Dutch */
		{"[[\"parser-died\",\"signal 11\"]]",
		 "het bericht kon niet worden gelezen; bekijk het origineel in "
		 "de map"},
		{"[[\"quarantine\",\"3\"]]",
		 "het bericht kon niet worden verwerkt; bekijk het origineel "
		 "in "
		 "de map"},
		{"[[\"bad-boundary\"]]",
		 "het bericht is niet gelezen: de MIME-opbouw is ongeldig"},
		{"[[\"from-fields\",\"2\"]]",
		 "het bericht heeft 2 afzendervelden (From); er hoort er "
		 "\xc3\xa9\xc3\xa9n "
		 "te zijn"},
		{"[[\"malformed-line\",\"3\"]]",
		 "de kopregels van het bericht zijn ongeldig"},
		{"[[\"mixed-line-ends\",\"3\",\"1\"]]",
		 "de kopregels hebben afwijkende regeleinden: er kan een "
		 "kopregel achter verborgen zitten"},
		{"[[\"mime-too-deep\",\"20\"]]",
		 "het bericht is te diep genest (bijlagen in bijlagen)"},
		/* once shown in English: the old matcher knew no such shape */
		{"[[\"mime-unparsable\"]]",
		 "het bericht is niet gelezen: de MIME-opbouw is ongeldig"},
		{"[[\"subject-rule-failed\",\"rule subject.rules:3: match "
		 "limit "
		 "exceeded\"],[\"lookalike\",\"x.nl\",\"y.nl\",\"GM0001\","
		 "\"Y\"]]",
		 "het onderwerp kon niet aan de regels worden getoetst (rule "
		 "subject.rules:3: match limit exceeded); het afzenderdomein "
		 "x.nl lijkt op y.nl (gemeente Y), maar staat niet op de lijst "
		 "van gemeenten"},
		{"[[\"withdrew-earlier\",\"Ede\"]]",
		 "Ede heeft zich eerder afgemeld; een medewerker beslist of de "
		 "gemeente weer meedoet"},
		/* only quiet ones: those, still in Dutch */
		{"[[\"subject-rule\",\"enrol\",\"61\"]]",
		 "het onderwerp past bij de regel enrol (subject.rules:61)"},
		{"[]", ""},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *d = staff_reason_text("stored words", rows[i].codes);

		assert_string_equal(d, rows[i].dutch);
		free(d);
	}
}

/* A row from before the codes were kept, or with codes this version
   does not know: its stored English is never shown, nor parsed. */
#define OLD_ROW                                                                \
	"de reden is niet in het Nederlands vastgelegd (een ouder bericht); "  \
	"bekijk het bericht zelf"

static void
test_reason_text_old(void **state)
{
	static const char *const stored[] = {
		"sender domain x.nl is not a municipality",
		"subject matches enrol rule (subject.rules:61)",
		"",
	};
	char *d;

	(void)state;
	for (size_t i = 0; i < sizeof(stored) / sizeof(stored[0]); i++) {
		const char *const codes[] = {NULL, "[[\"no-such-code\"]]",
					     "not json"};

		for (size_t k = 0; k < 3; k++) {
			d = staff_reason_text(stored[i], codes[k]);
			assert_string_equal(d, OLD_ROW);
			free(d);
		}
	}
	d = staff_reason_text(NULL, NULL);
	assert_string_equal(d, OLD_ROW);
	free(d);
}

static void
test_error_clean(void **state)
{
	static const struct {
		const char *in, *out;
	} rows[] = {
		{"connection to localhost:993 refused",
		 "connection to localhost:993 refused"},
		{"imaps://user:s3cret@imap.vng.nl/INBOX: login failed",
		 "imaps://user:***@imap.vng.nl/INBOX: login failed"},
		{"smtp://smtp.vng.nl:587 said 451\r\nagain",
		 "smtp://smtp.vng.nl:587 said 451  again"},
		{"http://a@b/ no password", "http://a@b/ no password"},
	};
	char long_in[STAFF_ERROR_MAX + 50], *c;

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		c = staff_error_clean(rows[i].in);
		assert_string_equal(c, rows[i].out);
		free(c);
	}
	memset(long_in, 'x', sizeof(long_in) - 1);
	long_in[sizeof(long_in) - 1] = '\0';
	c = staff_error_clean(long_in);
	assert_int_equal(strlen(c), STAFF_ERROR_MAX + 3); /* and "..." */
	free(c);
}

/* The longest line of text, in bytes. */
static size_t
longest_line(const char *text)
{
	size_t best = 0, n;

	for (const char *p = text; *p != '\0'; p += n + (p[n] == '\n')) {
		n = strcspn(p, "\n");
		if (n > best)
			best = n;
	}
	return best;
}

static void
test_summary_text(void **state)
{
	struct staff_review reviews[] = {
		{7, 2, fixture_at("2021-04-01 10:00"), "x@utrecht-gemeente.nl",
		 "Deelname praktijkproef GG & lokale inclusie", "GM0344",
		 "subject matches enrol rule (subject.rules:61); sender domain "
		 "utrecht-gemeente.nl looks like utrecht.nl (GM0344 Utrecht) "
		 "but is not on the list",
		 "[[\"subject-rule\",\"enrol\",\"61\"],[\"lookalike\","
		 "\"utrecht-gemeente.nl\",\"utrecht.nl\",\"GM0344\","
		 "\"Utrecht\"]]"},
		{8, 3, fixture_at("2021-04-01 11:30"), "p@zwolle.nl",
		 "Afmelding praktijkproef GG\r\nBcc: x@evil", NULL,
		 "withdrawal request, but Zwolle is not enrolled: for staff to "
		 "handle",
		 "[[\"withdraw-not-enrolled\",\"Zwolle\"]]"},
	};
	struct staff_enrolment enrolled[] = {
		{"GM0193", "Zwolle", "confirmed", "a.veldhuis@zwolle.nl",
		 fixture_at("2021-04-01 10:00"), 0},
		{"GM0228", "Ede", "waitlist", "griffie@ede.nl",
		 fixture_at("2021-04-01 12:00"), 1},
	};
	struct staff_failed failed[] = {
		{12, "confirm", "info@hotmail.com", "550 mailbox unavailable",
		 fixture_at("2021-04-01 11:00")},
	};
	struct staff_summary s = {
		.since = fixture_at("2021-04-01 09:00"),
		.reviews = reviews,
		.n_reviews = 2,
		.enrolled = enrolled,
		.n_enrolled = 2,
		.waitlist = &enrolled[1],
		.n_waitlist = 1,
		.failed = failed,
		.n_failed = 1,
		.confirmed = 5,
	};
	char *subject, *body;

	(void)state;
	staff_summary_render(&s, rules, "Beoordelen", NULL,
			     fixture_at("2021-04-02 09:00"), &subject, &body);
	assert_string_equal(subject,
			    "Overzicht aanmeldingen 2 april 2021: 2 te "
			    "beoordelen");
	assert_non_null(strstr(body, "Geachte collega,"));
	assert_non_null(strstr(body, "het vorige overzicht (1 april 2021, "
				     "09.00 uur)"));
	assert_non_null(strstr(body, "Bezette plaatsen: 5 van 5."));
	assert_non_null(strstr(body,
			       "Te beoordelen (2)\n"
			       "  1. Van:        x@utrecht-gemeente.nl\n"
			       "     Onderwerp:  Deelname praktijkproef GG "
			       "& lokale inclusie\n"
			       "     Ontvangen:  1 april 2021, 10.00 uur\n"
			       "     Gemeente:   waarschijnlijk Utrecht "
			       "(GM0344)\n"
			       "     Reden:      het afzenderdomein "));
	assert_non_null(strstr(body, "  2. Van:        p@zwolle.nl\n"));
	/* a line break in a subject never starts a line of its own */
	assert_non_null(strstr(body, "Afmelding praktijkproef GG Bcc: x@evil"));
	assert_null(strstr(body, "\nBcc:"));
	assert_non_null(strstr(body, "dit is een afmelding"));
	assert_non_null(strstr(body, "Nieuwe aanmeldingen (2)\n"
				     "  - Zwolle (GM0193), op 1 april 2021, "
				     "10.00 uur, door\n"
				     "    a.veldhuis@zwolle.nl\n"));
	/* the place its letter gave */
	assert_non_null(strstr(body, "  - Ede (GM0228), op 1 april 2021, "
				     "12.00 uur, plaats 1 op de wachtlijst,\n"
				     "    door griffie@ede.nl\n"));
	assert_non_null(strstr(body, "Wachtlijst (1)\n  1. Ede (GM0228), "
				     "sinds 1 april 2021, 12.00 uur, door "
				     "griffie@ede.nl\n"));
	if (getenv("STAFF_SHOW") != NULL)
		printf("%s\n\n%s", subject, body);
	assert_non_null(strstr(body,
			       "Niet afgeleverde e-mail (1)\n"
			       "  - bevestiging aan info@hotmail.com van "
			       "1 april 2021, 11.00 uur\n"
			       "    De ontvangende mailserver weigerde de "
			       "e-mail. Controleer het adres;\n"
			       "    de beheerder kan de e-mail opnieuw "
			       "versturen.\n"
			       "    Voor de beheerder: aanmeld retry 12\n"));
	/* the server's English reply stays in the log */
	assert_null(strstr(body, "550 mailbox unavailable"));
	assert_non_null(strstr(body, "     Nummer:     2 (voor de beheerder: "
				     "aanmeld show 2)\n"));
	/* a command is never the only way: the folders are named */
	assert_null(strstr(body, "Opnieuw versturen: aanmeld"));
	assert_non_null(strstr(body, "Beoordelen/Goedkeuren"));
	assert_non_null(strstr(body, "Beoordelen/Afwijzen"));
	assert_non_null(strstr(body, "Beoordelen/Negeren"));
	assert_non_null(strstr(body, "beheerder"));
	assert_null(strstr(body, "{{"));
	assert_true(longest_line(body) <= 76);
	free(subject);
	free(body);

	/* nothing at all: every section says so */
	memset(&s, 0, sizeof(s));
	staff_summary_render(&s, rules, "Beoordelen", NULL,
			     fixture_at("2021-04-02 09:00"), &subject, &body);
	assert_string_equal(subject,
			    "Overzicht aanmeldingen 2 april 2021: 0 te "
			    "beoordelen");
	assert_non_null(strstr(body, "de start van aanmeld"));
	assert_non_null(strstr(body, "Te beoordelen (0)\n  Geen.\n\n"
				     "Nieuwe aanmeldingen (0)\n  Geen.\n\n"
				     "Wachtlijst (0)\n  Geen.\n\n"
				     "Niet afgeleverde e-mail (0)\n  Geen.\n"));
	free(subject);
	free(body);
}

/* A flood of mail to review (or of failed mail) lists the first 100 in
   full, whole, and counts the rest: the mail stays readable and nothing
   is cut off unseen. */
static void
test_summary_flood(void **state)
{
	enum { N = 4096 };
	struct staff_review *reviews = xcalloc(N, sizeof(*reviews));
	struct staff_failed *failed = xcalloc(N, sizeof(*failed));
	struct staff_summary s = {0};
	char long_subject[300], *subject, *body, *last;

	(void)state;
	memset(long_subject, 'x', sizeof(long_subject) - 1);
	long_subject[sizeof(long_subject) - 1] = '\0';
	for (size_t i = 0; i < N; i++) {
		reviews[i] = (struct staff_review){
			(int64_t)i + 1,
			(int64_t)i + 1,
			fixture_at("2021-04-01 10:00"),
			"a@b.example",
			long_subject,
			NULL,
			"sender domain b.example is not a municipality",
			"[[\"not-municipality\",\"b.example\"]]"};
		failed[i] = (struct staff_failed){
			(int64_t)i + 1, "confirm", "info@hotmail.com", "550 no",
			fixture_at("2021-04-01 11:00")};
	}
	s.reviews = reviews;
	s.n_reviews = N;
	s.failed = failed;
	s.n_failed = N;
	staff_summary_render(&s, rules, "Beoordelen", NULL,
			     fixture_at("2021-04-02 09:00"), &subject, &body);
	assert_string_equal(subject, "Overzicht aanmeldingen 2 april 2021: "
				     "4096 te beoordelen");
	assert_non_null(strstr(body, "Te beoordelen (4096)\n"));
	/* numbers past 9 keep the fields in one column */
	assert_non_null(strstr(body, "\n  9. Van:        a@b.example\n"));
	assert_non_null(strstr(body, "\n 10. Van:        a@b.example\n"));
	assert_non_null(strstr(body, "\n100. Van:"));
	assert_null(strstr(body, "\n101. Van:"));
	/* the 100th is whole: its last field is there */
	last = strstr(body, "\n100. Van:");
	assert_non_null(strstr(last, "aanmeld show 100)"));
	assert_non_null(strstr(body, "  En nog 3996, niet hierboven genoemd: "
				     "u vindt ze in de map Beoordelen.\n"));
	assert_non_null(strstr(body, "Voor de beheerder: aanmeld retry 100\n"));
	assert_null(strstr(body, "aanmeld retry 101\n"));
	assert_non_null(strstr(body, "  En nog 3996, niet hierboven genoemd: "
				     "de beheerder kan ze opvragen.\n"));
	assert_true(strlen(body) < 256 * 1024);
	assert_true(longest_line(body) <= 76);
	free(subject);
	free(body);
	free(reviews);
	free(failed);
}

/* The news of delivered texts and of mail that came back: who, when,
   which version and files; the address, its municipality, the server's
   reply cut short and what staff can do.  Near the deadline (and after
   it) the municipalities without a text are named, kindly. */
static void
test_summary_deliveries_bounces(void **state)
{
	char long_reply[400];
	struct staff_delivery deliveries[] = {
		{fixture_at("2021-08-03 10:00"), "GM0344", "Utrecht", 1,
		 "tekst.docx, bijlage.pdf"},
		{fixture_at("2021-08-04 11:15"), "GM0344", "Utrecht", 2,
		 "tekst-v2.docx"},
		{fixture_at("2021-08-04 12:00"), "GM0228", "Ede", 1, NULL},
	};
	struct staff_event undelivered[] = {
		{0, "GM0193", "Zwolle", NULL, 0},
		{0, "GM0363", "Amsterdam", NULL, 0},
	};
	struct staff_bounce bounces[] = {
		{fixture_at("2021-08-04 09:30"), "confirm",
		 "j.jansen@utrecht.nl", "GM0344", "Utrecht",
		 "550 5.1.1 <j.jansen@utrecht.nl>: Recipient address rejected: "
		 "User unknown in virtual mailbox table"},
		{fixture_at("2021-08-04 09:45"), "reject", "info@gmail.com",
		 NULL, NULL, long_reply},
	};
	struct staff_summary s = {
		.since = fixture_at("2021-08-03 09:00"),
		.deliveries = deliveries,
		.n_deliveries = 3,
		.undelivered = undelivered,
		.n_undelivered = 2,
		.bounces = bounces,
		.n_bounces = 2,
	};
	char *subject, *body, *cut, *end;

	(void)state;
	memset(long_reply, 'x', sizeof(long_reply) - 1);
	long_reply[sizeof(long_reply) - 1] = '\0';
	memcpy(long_reply, "550\r\nBcc: y@evil ", 17);
	/* 15 August 2021 is the deadline: 11 days before it */
	staff_summary_render(&s, rules, "Beoordelen", NULL,
			     fixture_at("2021-08-04 13:00"), &subject, &body);
	if (getenv("STAFF_SHOW") != NULL)
		printf("%s\n\n%s", subject, body);
	assert_non_null(strstr(body,
			       "Ingeleverde teksten (3)\n"
			       "  - Utrecht (GM0344), 3 augustus 2021, 10.00 "
			       "uur, versie 1: tekst.docx,\n"
			       "    bijlage.pdf\n"
			       "  - Utrecht (GM0344), 4 augustus 2021, 11.15 "
			       "uur, versie 2:\n"
			       "    tekst-v2.docx\n"
			       "  - Ede (GM0228), 4 augustus 2021, 12.00 uur, "
			       "versie 1: geen bestand\n"
			       "    bewaard\n"
			       "\n"
			       "  De uiterste datum is 15 augustus 2021. Van "
			       "deze gemeenten is de tekst\n"
			       "  nog niet binnen:\n"
			       "  - Zwolle (GM0193)\n"
			       "  - Amsterdam (GM0363)\n"));
	assert_non_null(strstr(body,
			       "Teruggekomen e-mail (2)\n"
			       "  - bevestiging aan j.jansen@utrecht.nl, "
			       "gemeente Utrecht (GM0344), kwam\n"
			       "    terug op 4 augustus 2021, 09.30 uur\n"
			       "    Antwoord van de mailserver: 550 5.1.1 "
			       "<j.jansen@utrecht.nl>:\n"
			       "    Recipient address rejected: User unknown "
			       "in virtual mailbox table\n"));
	/* staff pass the address on: only the operator can add it */
	assert_non_null(strstr(body, "    Er gaat geen e-mail meer naar dit "
				     "adres. Vraag de gemeente om een\n"
				     "    ander adres en geef dat door aan de "
				     "beheerder.\n"));
	/* the command only for the operator, whole on a line */
	assert_non_null(strstr(body,
			       "\n    (voor de beheerder: aanmeld contact "
			       "add GM0344 ADRES)\n"));
	/* an address of no municipality: nothing to do */
	assert_non_null(
		strstr(body, "afwijzing aan info@gmail.com, kwam terug"));
	assert_non_null(strstr(body, "    Dit adres is geen contactpersoon van "
				     "een gemeente; er is verder\n"
				     "    niets nodig.\n"));
	/* a long reply cut short, its line break no line of its own */
	cut = strstr(body, "550 Bcc: y@evil");
	assert_non_null(cut);
	assert_null(strstr(body, "\nBcc:"));
	end = strstr(cut, "x...\n");
	assert_non_null(end);
	/* STAFF_BOUNCE_REPLY_MAX bytes, and the line breaks of the wrap */
	assert_true(end - cut < STAFF_BOUNCE_REPLY_MAX + 20);
	assert_true(end - cut > STAFF_BOUNCE_REPLY_MAX - 20);
	assert_true(longest_line(body) <= 76);
	free(subject);
	free(body);

	/* more than 14 days before the deadline: no list of who is late */
	staff_summary_render(&s, rules, "Beoordelen", NULL,
			     fixture_at("2021-07-31 09:00"), &subject, &body);
	assert_null(strstr(body, "nog niet binnen"));
	assert_null(strstr(body, "Zwolle"));
	free(subject);
	free(body);

	/* after the deadline, nothing new: said so, the list kindly */
	s.n_deliveries = 0;
	s.n_bounces = 0;
	staff_summary_render(&s, rules, "Beoordelen", NULL,
			     fixture_at("2021-08-20 09:00"), &subject, &body);
	if (getenv("STAFF_SHOW") != NULL)
		printf("%s\n\n%s", subject, body);
	assert_non_null(strstr(body,
			       "Ingeleverde teksten (0)\n"
			       "  Geen nieuwe.\n"
			       "\n"
			       "  De uiterste datum was 15 augustus 2021. Van "
			       "deze gemeenten is de tekst\n"
			       "  nog niet binnen; een vriendelijke "
			       "herinnering kan helpen:\n"
			       "  - Zwolle (GM0193)\n"));
	assert_non_null(strstr(body, "Teruggekomen e-mail (0)\n  Geen.\n"));
	free(subject);
	free(body);

	/* everyone delivered: the section has nothing */
	s.n_undelivered = 0;
	staff_summary_render(&s, rules, "Beoordelen", NULL,
			     fixture_at("2021-08-20 09:00"), &subject, &body);
	assert_non_null(strstr(body, "Ingeleverde teksten (0)\n  Geen.\n"));
	free(subject);
	free(body);
}

/* The store's side: a delivered text and a mail that came back are news
   (a summary goes out for them), with the version, the files, the
   municipality of the address and the reply. */
static void
test_store_news(void **state)
{
	struct fixture_db *f = *state;
	struct staff_summary sum;
	time_t since = fixture_at("2021-08-03 09:00");
	char *error = NULL;
	bool news;
	char *sql;

	sql = xasprintf(
		"INSERT INTO enrolments (code, name, status, enrolled_at)"
		" VALUES ('GM0344', 'Utrecht', 'confirmed', %lld),"
		" ('GM0193', 'Zwolle', 'confirmed', %lld),"
		" ('GM0228', 'Ede', 'waitlist', %lld);"
		"INSERT INTO contacts (code, address, added_at) VALUES"
		" ('GM0344', 'j.jansen@utrecht.nl', %lld),"
		" ('GM0193', 'p@zwolle.nl', %lld);",
		(long long)fixture_at("2021-04-01 10:00"),
		(long long)fixture_at("2021-04-01 10:01"),
		(long long)fixture_at("2021-04-01 10:02"),
		(long long)fixture_at("2021-04-01 10:00"),
		(long long)fixture_at("2021-04-01 10:01"));
	fixture_exec(f->path, sql);
	free(sql);
	/* nothing since: no news */
	assert_int_equal(store_staff_news(f->s, 0, since, &news, &error), 0);
	assert_false(news);

	/* an older delivery (version 1) and a new one (version 2) */
	sql = xasprintf(
		"INSERT INTO deliveries (id, code, received_at) VALUES"
		" (1, 'GM0344', %lld), (2, 'GM0344', %lld);"
		"INSERT INTO delivery_files (delivery, name, path, size) VALUES"
		" (1, 'oud.docx', 'deliveries/GM0344/1', 1),"
		" (2, 'tekst.docx', 'deliveries/GM0344/2', 1),"
		" (2, 'bijlage.pdf', 'deliveries/GM0344/3', 1);",
		(long long)fixture_at("2021-08-01 10:00"),
		(long long)fixture_at("2021-08-04 10:00"));
	fixture_exec(f->path, sql);
	free(sql);
	assert_int_equal(store_staff_news(f->s, 0, since, &news, &error), 0);
	assert_true(news);
	/* the news of a delivery is over once a summary told it */
	assert_int_equal(store_staff_news(f->s, 0,
					  fixture_at("2021-08-04 10:00"), &news,
					  &error),
			 0);
	assert_false(news);

	/* a mail that came back, after the last summary */
	sql = xasprintf(
		"INSERT INTO outbox (key, kind, message_id, envelope_from,"
		" rcpt, raw, created_at, status, bounced_at, bounce) VALUES"
		" ('k1', 'confirm', 'm1@vng.nl', 'b@vng.nl',"
		" 'J.Jansen@utrecht.nl', 'x', %lld, 'sent', %lld,"
		" '550 5.1.1 user unknown'),"
		" ('k2', 'reject', 'm2@vng.nl', 'b@vng.nl', 'info@gmail.com',"
		" 'x', %lld, 'sent', NULL, NULL);",
		(long long)fixture_at("2021-04-01 10:00"),
		(long long)fixture_at("2021-08-05 10:00"),
		(long long)fixture_at("2021-04-01 10:00"));
	fixture_exec(f->path, sql);
	free(sql);
	assert_int_equal(store_staff_news(f->s, 0,
					  fixture_at("2021-08-04 10:00"), &news,
					  &error),
			 0);
	assert_true(news);

	assert_int_equal(store_staff_summary(f->s, since, &sum, &error), 0);
	assert_int_equal(sum.n_deliveries, 1);
	assert_string_equal(sum.deliveries[0].code, "GM0344");
	assert_string_equal(sum.deliveries[0].name, "Utrecht");
	assert_int_equal(sum.deliveries[0].version, 2);
	assert_string_equal(sum.deliveries[0].files, "tekst.docx, bijlage.pdf");
	assert_int_equal(sum.deliveries[0].at, fixture_at("2021-08-04 10:00"));
	/* Zwolle is confirmed without a text; Ede waits for a place */
	assert_int_equal(sum.n_undelivered, 1);
	assert_string_equal(sum.undelivered[0].code, "GM0193");
	assert_string_equal(sum.undelivered[0].name, "Zwolle");
	assert_int_equal(sum.n_bounces, 1);
	assert_string_equal(sum.bounces[0].kind, "confirm");
	assert_string_equal(sum.bounces[0].rcpt, "J.Jansen@utrecht.nl");
	assert_string_equal(sum.bounces[0].code, "GM0344");
	assert_string_equal(sum.bounces[0].name, "Utrecht");
	assert_string_equal(sum.bounces[0].reply, "550 5.1.1 user unknown");
	assert_int_equal(sum.bounces[0].at, fixture_at("2021-08-05 10:00"));
	staff_summary_deinit(&sum);

	/* from the start: both deliveries, each with its own version */
	assert_int_equal(store_staff_summary(f->s, 0, &sum, &error), 0);
	assert_int_equal(sum.n_deliveries, 2);
	assert_int_equal(sum.deliveries[0].version, 1);
	assert_string_equal(sum.deliveries[0].files, "oud.docx");
	assert_int_equal(sum.deliveries[1].version, 2);
	staff_summary_deinit(&sum);
	assert_null(error);
}

/* A withdrawal by mail leaves two audit rows, the daemon's verdict and
   the withdrawal itself: the summary names the municipality once. */
static void
test_store_withdrawn_once(void **state)
{
	struct fixture_db *f = *state;
	struct staff_summary sum;
	char *error = NULL;
	char *sql;

	sql = xasprintf(
		"INSERT INTO enrolments (code, name, status, enrolled_at)"
		" VALUES ('GM0398', 'Heerhugowaard', 'withdrawn', %lld),"
		" ('GM0193', 'Zwolle', 'withdrawn', %lld);"
		"INSERT INTO audit (at, actor, what, message, gemeente, detail)"
		" VALUES (%lld, 'mailbox', 'withdraw', 16, 'GM0398', 'x'),"
		" (%lld, 'aanmeldd', 'withdraw', 16, 'GM0398', 'y'),"
		" (%lld, 'cli:jan', 'withdraw', NULL, 'GM0193', 'z');",
		(long long)fixture_at("2021-04-01 10:00"),
		(long long)fixture_at("2021-04-01 10:01"),
		(long long)fixture_at("2021-04-02 09:00"),
		(long long)fixture_at("2021-04-02 09:00"),
		(long long)fixture_at("2021-04-02 10:00"));
	fixture_exec(f->path, sql);
	free(sql);

	assert_int_equal(store_staff_summary(f->s,
					     fixture_at("2021-04-01 12:00"),
					     &sum, &error),
			 0);
	assert_int_equal(sum.n_withdrawn, 2);
	assert_string_equal(sum.withdrawn[0].code, "GM0398");
	assert_string_equal(sum.withdrawn[1].code, "GM0193");
	staff_summary_deinit(&sum);
	assert_null(error);
}

static void
test_warning_text(void **state)
{
	char *subject, *body;

	(void)state;
	/* what failed, in Dutch from its code; never the English detail */
	staff_warning_render(rules, fixture_at("2021-04-01 10:00"),
			     "[[\"op-mailbox\"]]", &subject, &body);
	assert_non_null(strstr(subject, "mailbox"));
	assert_non_null(strstr(body, "Sinds 1 april 2021, 10.00 uur"));
	assert_non_null(strstr(body, "GlobalGoals@VNG.nl"));
	assert_non_null(strstr(body, "Wat er misging:\n\n  De mailbox kon "
				     "niet worden gelezen; aanmeld probeert "
				     "het vanzelf opnieuw.\n"));
	free(subject);
	free(body);
	/* an error kept before the codes: a Dutch sentence all the same */
	staff_warning_render(rules, fixture_at("2021-04-01 10:00"), NULL,
			     &subject, &body);
	assert_non_null(strstr(body, "  Er ging iets mis; de beheerder vindt "
				     "de details in het logboek.\n"));
	assert_null(strstr(body, "intake"));
	assert_non_null(strstr(body, "niets verloren"));
	assert_true(longest_line(body) <= 76);
	free(subject);
	free(body);
	staff_recovered_render(rules, fixture_at("2021-04-01 10:00"),
			       fixture_at("2021-04-01 11:00"), &subject, &body);
	assert_string_equal(subject, "De aanmeldbalie werkt weer");
	assert_non_null(strstr(body, "Sinds 1 april 2021, 11.00 uur"));
	assert_non_null(strstr(body, "1 april 2021, 10.00 uur"));
	assert_true(longest_line(body) <= 76);
	free(subject);
	free(body);
}

/* With [web] url each item links to its page (the review item's id),
   without it the number and the command stay as they were. */
static void
test_summary_web_link(void **state)
{
	struct staff_review reviews[] = {
		{7, 2, fixture_at("2021-04-01 10:00"), "x@utrecht.nl",
		 "Deelname", "GM0344", "subject matches enrol rule",
		 "[[\"subject-rule\",\"enrol\",\"61\"]]"},
	};
	struct staff_failed failed[] = {
		{12, "confirm", "p.pieters@zwolle.nl", "550 no such user",
		 fixture_at("2021-04-01 10:00")},
	};
	struct staff_bounce bounces[] = {
		{fixture_at("2021-04-01 11:00"), "confirm",
		 "j.jansen@utrecht.nl", "GM0344", "Utrecht", "550 5.1.1"},
	};
	struct staff_summary s = {
		.since = fixture_at("2021-04-01 09:00"),
		.reviews = reviews,
		.n_reviews = 1,
		.failed = failed,
		.n_failed = 1,
		.bounces = bounces,
		.n_bounces = 1,
		.confirmed = 1,
	};
	char *subject, *body;

	(void)state;
	staff_summary_render(&s, rules, "Beoordelen", "https://aanmeld.vng.nl/",
			     fixture_at("2021-04-02 09:00"), &subject, &body);
	if (getenv("STAFF_SHOW") != NULL)
		printf("%s\n\n%s", subject, body);
	assert_non_null(strstr(body, "     Bekijken:   "
				     "https://aanmeld.vng.nl/beoordelen/7\n"));
	/* staff with the pages resend failed mail themselves */
	assert_non_null(strstr(body,
			       "opnieuw versturen op\n"
			       "    https://aanmeld.vng.nl/uitgaand (mail "
			       "12)."));
	assert_non_null(strstr(body, "- Alles staat ook op "
				     "https://aanmeld.vng.nl: daar"));
	assert_non_null(strstr(body, "- Niet afgeleverde e-mail: verstuur die "
				     "opnieuw op\n  "
				     "https://aanmeld.vng.nl/uitgaand.\n"));
	assert_null(strstr(body, "aanmeld show"));
	assert_null(strstr(body, "aanmeld retry"));
	assert_null(strstr(body, "beheerder om die opnieuw"));
	/* a bounced contact's new address: staff add it themselves */
	assert_non_null(strstr(body, "    Er gaat geen e-mail meer naar dit "
				     "adres. Vraag de gemeente om een\n"
				     "    ander adres en voeg dat toe op "
				     "https://aanmeld.vng.nl/gemeenten.\n"));
	assert_null(strstr(body, "aanmeld contact"));
	assert_null(strstr(body, "door aan de beheerder"));
	assert_null(strstr(body, "{{"));
	free(subject);
	free(body);
	staff_summary_render(&s, rules, "Beoordelen", NULL,
			     fixture_at("2021-04-02 09:00"), &subject, &body);
	assert_non_null(strstr(body, "2 (voor de beheerder: aanmeld show 2)"));
	assert_non_null(strstr(body, "Voor de beheerder: aanmeld retry 12\n"));
	assert_non_null(strstr(body, "Wat kunt u doen?\n- Berichten te "
				     "beoordelen:"));
	assert_non_null(strstr(body, "- Niet afgeleverde e-mail: vraag de "
				     "beheerder om die opnieuw te\n  "
				     "versturen.\n"));
	assert_null(strstr(body, "/beoordelen/"));
	assert_null(strstr(body, "Alles staat ook op"));
	assert_non_null(strstr(body, "geef dat door aan de beheerder.\n"
				     "    (voor de beheerder: aanmeld contact "
				     "add GM0344 ADRES)\n"));
	assert_null(strstr(body, "/gemeenten"));
	free(subject);
	free(body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_period),
		cmocka_unit_test(test_summary_step),
		cmocka_unit_test(test_poll_step),
		cmocka_unit_test(test_reason_text),
		cmocka_unit_test(test_reason_text_old),
		cmocka_unit_test(test_error_clean),
		cmocka_unit_test(test_summary_text),
		cmocka_unit_test(test_summary_web_link),
		cmocka_unit_test(test_summary_flood),
		cmocka_unit_test(test_summary_deliveries_bounces),
		cmocka_unit_test_setup_teardown(
			test_store_news, fixture_db_setup, fixture_db_teardown),
		cmocka_unit_test_setup_teardown(test_store_withdrawn_once,
						fixture_db_setup,
						fixture_db_teardown),
		cmocka_unit_test(test_warning_text),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
