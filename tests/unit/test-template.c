/*
 * Unit tests for the answer templates: rendering {{name}} placeholders
 * (control characters in values), loading the project's templates, and
 * broken template files reported as file:line, with the file size limit;
 * and the answers built from them (answer.c), which quote nothing a
 * possibly forged sender wrote.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "answer.h"
#include "buf.h"
#include "classify.h"
#include "config.h"
#include "fixture.h"
#include "gemeenten.h"
#include "message.h"
#include "outmail.h"
#include "rules.h"
#include "template.h"
#include "util.h"

static void
test_render(void **state)
{
	static const struct template_var vars[] = {
		{"municipality", "Utrecht"},
		{"event", "praktijkproef"},
		{"event_address", "GlobalGoals@VNG.nl"},
		{"position", NULL},
		{"sender", "{{event}}"}, /* text from a mail stays text */
	};
	static const struct {
		const char *text;
		const char *want;
	} rows[] = {
		{"", ""},
		{"Geen placeholders.\n", "Geen placeholders.\n"},
		{"Beste {{municipality}},", "Beste Utrecht,"},
		{"{{municipality}}", "Utrecht"},
		{"{{municipality}}{{event}}", "Utrechtpraktijkproef"},
		{"{{event}}-{{event}}", "praktijkproef-praktijkproef"},
		/* a name that starts like another is still its own */
		{"{{event_address}} {{event}}",
		 "GlobalGoals@VNG.nl praktijkproef"},
		/* not in vars, or NULL: empty */
		{"[{{capacity}}]", "[]"},
		{"[{{position}}]", "[]"},
		{"[{{ municipality }}]", "[]"},
		{"[{{}}]", "[]"},
		/* no recursion into values */
		{"Van: {{sender}}", "Van: {{event}}"},
		/* "{{" without a close, or braces that are no placeholder */
		{"a {{municipality", "a {{municipality"},
		{"{{event}} en {{", "praktijkproef en {{"},
		{"a }} b", "a }} b"},
		{"{ {event} }", "{ {event} }"},
		{"{{event}\n}", "{{event}\n}"},
		{"regel 1\r\n{{municipality}}\r\n", "regel 1\r\nUtrecht\r\n"},
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *out = template_render(rows[i].text, vars,
					    sizeof(vars) / sizeof(vars[0]));

		assert_non_null(out);
		if (strcmp(out, rows[i].want) != 0)
			fail_msg("'%s': expected '%s', got '%s'", rows[i].text,
				 rows[i].want, out);
		free(out);
	}
	/* no vars at all */
	{
		char *out = template_render("x{{event}}y", NULL, 0);

		assert_string_equal(out, "xy");
		free(out);
	}
}

/* A value never adds a line: its control characters become spaces, but
   for the pre-formatted lists, which keep LF and TAB. */
static void
test_render_controls(void **state)
{
	static const struct {
		const char *name;
		const char *value;
		const char *want;
	} rows[] = {
		{"sender", "a\r\nBcc: x@evil.example",
		 "a  Bcc: x@evil.example"},
		{"sender", "a\nb\rc\td", "a b c d"},
		{"municipality", "\x1b[31mrood\x7f", " [31mrood "},
		{"event", "x\x01\x1fy", "x  y"},
		/* C1 controls (UTF-8 C2 80-C2 9F): U+009B is a CSI */
		{"event",
		 "a\xc2\x9b"
		 "31mb\xc2\x85"
		 "c",
		 "a 31mb c"},
		/* bidi overrides, line separators and a BOM: a staff mail
		   is read as a terminal is */
		{"subject",
		 "a\xe2\x80\xae"
		 "b\xe2\x80\xa8"
		 "Reden: x\xef\xbb\xbf"
		 "c",
		 "a b Reden: x c"},
		/* printable UTF-8 stays, U+00A0 and U+00E9 included */
		{"event", "caf\xc3\xa9\xc2\xa0x", "caf\xc3\xa9\xc2\xa0x"},
		/* a name not known to template.c is one line too */
		{"nonesuch", "a\nb", "a b"},
		/* several lines: LF and TAB stay, CR LF becomes LF */
		{"programme", "1\tsessie\r\n2\n\x1b", "1\tsessie\n2\n "},
		{"review_items", "a\rb\n", "a b\n"},
		{"last_error", "x\r\n", "x\n"},
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct template_var var = {rows[i].name, rows[i].value};
		char *text = xasprintf("<{{%s}}>", rows[i].name);
		char *want = xasprintf("<%s>", rows[i].want);
		char *out = template_render(text, &var, 1);

		if (strcmp(out, want) != 0)
			fail_msg("%s '%s': expected '%s', got '%s'",
				 rows[i].name, rows[i].value, want, out);
		free(text);
		free(want);
		free(out);
	}
}

/* A hostile message: an encoded CR LF in its subject that would make a
   Bcc line, a link in the display name, a Date and References of its
   own. */
static void
hostile(struct message *msg, const char *from)
{
	memset(msg, 0, sizeof(*msg));
	msg->from_addr = (char *)from;
	msg->from_name = (char *)"Klik hier https://evil.example/prijs";
	msg->subject = (char *)"Deelname praktijkproef GG & lokale inclusie "
			       "Zuiderwoude\r\nBcc: x@evil.example";
	msg->date = (char *)"Mon, 29 Mar 1999 09:00:00 +0200";
	msg->message_id = (char *)"hostile.1@example.org";
	msg->references = (char *)"<koop.nu.bij.evil.example@spam.example>";
	msg->body = (char *)"Bezoek https://evil.example/ nu";
}

/* Reject and review answers, to an outsider or a municipality, carry
   none of it; a confirmation to a municipality we are sure of still
   names its sender (the control: the search below finds what is
   there). */
static void
test_answers_quote_nothing(void **state)
{
	static const char *const never[] = {
		"Zuiderwoude", "evil", "Bcc", "Klik", "1999", "spam.example",
	};
	static const struct {
		const char *from;
		enum verdict verdict;
		const char *gemeente; /* a code, or NULL */
		enum template_kind template;
		bool quotes;
	} rows[] = {
		{"victim@example.org", VERDICT_REJECT, NULL, TEMPLATE_REJECT,
		 false},
		{"victim@example.org", VERDICT_REVIEW, NULL, TEMPLATE_REVIEW,
		 false},
		/* a lookalike or a display name suggests one: still review */
		{"victim@utrecht-gemeente.nl", VERDICT_REVIEW, "GM0344",
		 TEMPLATE_REVIEW, false},
		{"griffie@utrecht.nl", VERDICT_REVIEW, "GM0344",
		 TEMPLATE_REVIEW, false},
		{"griffie@utrecht.nl", VERDICT_ENROL, "GM0344",
		 TEMPLATE_CONFIRM, true},
	};
	struct rules *r = fixture_rules();
	const time_t now = fixture_local(2021, 4, 1, 10, 0);
	struct classification c;
	struct message msg;
	struct config cfg;
	struct outmail a;
	char *err = NULL;
	size_t i, j;

	assert_non_null(r);
	memset(&cfg, 0, sizeof(cfg));
	cfg.message_id_domain = (char *)"vng.nl";
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		hostile(&msg, rows[i].from);
		memset(&c, 0, sizeof(c));
		c.verdict = rows[i].verdict;
		c.template = rows[i].template;
		c.answer = true;
		if (rows[i].gemeente != NULL)
			c.gemeente = gemeenten_by_code(r->gemeenten,
						       rows[i].gemeente);
		if (answer_build(&msg, "sha", &c, r, &cfg, 1, now, &a, &err) ==
		    -1)
			fail_msg("%s: %s", rows[i].from, err);
		assert_string_equal(a.kind, template_name(rows[i].template));
		if (rows[i].quotes) {
			assert_non_null(strstr(a.raw, "Klik"));
			assert_non_null(strstr(a.raw, "spam.example"));
		} else {
			for (j = 0; j < sizeof(never) / sizeof(never[0]); j++)
				if (strstr(a.raw, never[j]) != NULL)
					fail_msg("%s %s: '%s' in:\n%s",
						 rows[i].from, a.kind, never[j],
						 a.raw);
			/* still threaded: the parent's id, checked */
			assert_non_null(strstr(
				a.raw, "In-Reply-To: <hostile.1@example.org>"));
		}
		/* the day is ours, in the review acknowledgement */
		if (rows[i].template == TEMPLATE_REVIEW)
			assert_non_null(
				strstr(a.raw, "donderdag 1 april 2021"));
		outmail_deinit(&a);
	}
	rules_free(r);
}

/* Who the hourly cap counts: an address whose domain is no
   municipality's, whatever the rest of the mail claims. */
static void
test_outsider(void **state)
{
	static const struct {
		const char *addr;
		bool outsider;
	} rows[] = {
		{"griffie@utrecht.nl", false},
		{"jan@mail.utrecht.nl", false}, /* a subdomain */
		{"info@gmail.com", true},
		{"x@utrecht-gemeente.nl", true}, /* a lookalike */
		{"x@evilutrecht.nl", true},
		{"team@vng.nl", true}, /* senders.rules: review */
		{"geen-adres", true},
		{"", true},
		{NULL, true},
	};
	struct rules *r = fixture_rules();
	size_t i;

	assert_non_null(r);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (answer_to_outsider(r, rows[i].addr) != rows[i].outsider)
			fail_msg("%s: expected %s", rows[i].addr,
				 rows[i].outsider ? "outsider" : "municipal");
	}
	rules_free(r);
}

/* The variables every letter shares come from the programme's [event],
   and a caller's own follow them. */
static void
test_common_vars(void **state)
{
	struct rules *r = fixture_rules();
	char *text;

	assert_non_null(r);
	{
		struct template_var vars[] = {
			[TEMPLATE_COMMON_VARS] = {"session_title", "Sessie 1"},
		};

		assert_int_equal(nitems(vars), TEMPLATE_COMMON_VARS + 1);
		template_common_vars(vars, r->programme);
		text = template_render("{{event}}|{{organiser}}|"
				       "{{organiser_name}}|{{event_address}}|"
				       "{{session_title}}",
				       vars, nitems(vars));
	}
	assert_string_equal(text, "praktijkproef Global Goals & lokale "
				  "inclusie|VNG|VNG, programma Global "
				  "Goals|GlobalGoals@VNG.nl|Sessie 1");
	free(text);
	rules_free(r);
}

/* A mail owns its strings; a list takes them over and frees them. */
static void
test_outmail(void **state)
{
	struct outmail_list l;
	struct outmail m;
	struct config cfg;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.message_id_domain = (char *)"vng.nl";
	outmail_init(&m, xstrdup("answer:ab"), "confirm", &cfg);
	assert_string_equal(m.key, "answer:ab");
	assert_string_equal(m.kind, "confirm");
	assert_non_null(m.message_id);
	assert_non_null(strstr(m.message_id, "@vng.nl"));
	/* no envelope sender configured: none */
	assert_null(m.from);
	outmail_deinit(&m);
	cfg.envelope_from = (char *)"GlobalGoals@VNG.nl";
	outmail_init(&m, xstrdup("answer:cd"), "review", &cfg);
	assert_string_equal(m.from, "GlobalGoals@VNG.nl");
	assert_ptr_not_equal(m.from, cfg.envelope_from);
	m.rcpt = xstrdup("a@utrecht.nl");
	outmail_list_init(&l);
	outmail_list_add(&l, &m);
	assert_null(m.key);
	assert_null(m.rcpt);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.mails[0].key, "answer:cd");
	assert_string_equal(l.mails[0].rcpt, "a@utrecht.nl");
	outmail_list_deinit(&l);
	assert_int_equal(l.n, 0);
	assert_null(l.mails);
	/* an empty mail is freed without harm */
	outmail_deinit(&m);
}

/* Each kind by its name: the name is the file in rules/templates/ that
   organisers edit, so a kind must never change its name. */
static void
test_names(void **state)
{
	static const struct {
		enum template_kind kind;
		const char *name;
	} rows[] = {
		{TEMPLATE_CONFIRM, "confirm"},
		{TEMPLATE_WAITLIST, "waitlist"},
		{TEMPLATE_DUPLICATE, "duplicate"},
		{TEMPLATE_REJECT, "reject"},
		{TEMPLATE_CLOSED, "closed"},
		{TEMPLATE_REVIEW, "review"},
		{TEMPLATE_INVITATION, "invitation"},
		{TEMPLATE_REMINDER_SESSION, "reminder-session"},
		{TEMPLATE_REMINDER_DEADLINE, "reminder-deadline"},
		{TEMPLATE_INVITATION_UPDATE, "invitation-update"},
		{TEMPLATE_INVITATION_CANCEL, "invitation-cancel"},
		{TEMPLATE_WITHDRAWN, "withdrawn"},
		{TEMPLATE_STAFF_SUMMARY, "staff-summary"},
		{TEMPLATE_STAFF_WARNING, "staff-warning"},
		{TEMPLATE_STAFF_RECOVERED, "staff-recovered"},
		{TEMPLATE_DELIVERED, "delivered"},
		{TEMPLATE_PROMOTED, "promoted"},
		{TEMPLATE_PROGRAMME, "programme"},
	};
	bool seen[TEMPLATE_COUNT] = {false};
	size_t i;

	/* every kind, once */
	assert_int_equal(nitems(rows), TEMPLATE_COUNT);
	for (i = 0; i < nitems(rows); i++) {
		assert_false(seen[rows[i].kind]);
		seen[rows[i].kind] = true;
		assert_string_equal(template_name(rows[i].kind), rows[i].name);
	}
}

static void
test_project_templates(void **state)
{
	struct templates *t;
	struct buf errors;
	size_t i;

	buf_init(&errors, 65536);
	t = template_load_dir(TOP_SRCDIR "/rules/templates", &errors);
	if (t == NULL)
		fail_msg("%s", buf_str(&errors));
	assert_string_equal(buf_str(&errors), "");
	for (i = 0; i < TEMPLATE_COUNT; i++) {
		const struct template *one =
			template_get(t, (enum template_kind)i);

		assert_non_null(one->subject);
		assert_true(one->subject[0] != '\0');
		/* the subject is trimmed, without "Subject:" */
		assert_true(one->subject[0] != ' ');
		assert_null(strchr(one->subject, '\n'));
		assert_non_null(one->body);
		assert_true(one->body[0] != '\0');
	}
	template_free_all(t);
	template_free_all(NULL);
	buf_deinit(&errors);
}

/* A folder with the project's templates, to break one by one. */
static char *
copy_templates(void)
{
	return fixture_copy_dir("test-template", "rules/templates");
}

static void
write_file(const char *dir, const char *name, const char *text, size_t len)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	free(path);
}

/* Expects every line of want ('|'-separated) in errors, each after the
   folder's name. */
static void
expect_errors(const char *dir, struct buf *errors, const char *want)
{
	char *copy = xstrdup(want), *cursor = copy, *one;

	for (;;) {
		char *bar = strchr(cursor, '|'), *full;

		if (bar != NULL)
			*bar = '\0';
		one = cursor;
		full = xasprintf("%s/%s", dir, one);
		if (strstr(buf_str(errors), full) == NULL)
			fail_msg("expected '%s' in:\n%s", full,
				 buf_str(errors));
		free(full);
		if (bar == NULL)
			break;
		cursor = bar + 1;
	}
	free(copy);
}

static void
test_broken(void **state)
{
	static const struct {
		const char *file;
		const char *text;
		const char *errors; /* '|'-separated, after "dir/" */
	} rows[] = {
		{"confirm.txt", "Subject: x\n\nregel 3\n{{foo}}\n",
		 "confirm.txt:4: unknown placeholder {{foo}}"},
		{"reject.txt", "Subject: Re: {{bar}}\n\nbody\n",
		 "reject.txt:1: unknown placeholder {{bar}}"},
		{"review.txt",
		 "Subject: x\n\n{{a}} {{municipality}} {{b}}\n"
		 "\n{{c}}\n",
		 "review.txt:3: unknown placeholder {{a}}|"
		 "review.txt:3: unknown placeholder {{b}}|"
		 "review.txt:5: unknown placeholder {{c}}"},
		{"closed.txt", "Subject: x\n\nTot {{closing_date",
		 "closed.txt:3: unclosed {{"},
		{"waitlist.txt", "Onderwerp: x\n\nbody\n",
		 "waitlist.txt:1: expected 'Subject: ...' and an empty line"},
		{"waitlist.txt", "Subject: x\nbody at once\n",
		 "waitlist.txt:1: expected 'Subject: ...' and an empty line"},
		{"waitlist.txt", "Subject: x",
		 "waitlist.txt:1: expected 'Subject: ...' and an empty line"},
		{"duplicate.txt", "Subject:   \n\nbody\n",
		 "duplicate.txt:1: empty subject"},
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *dir = copy_templates();
		struct buf errors;

		write_file(dir, rows[i].file, rows[i].text,
			   strlen(rows[i].text));
		buf_init(&errors, 65536);
		assert_null(template_load_dir(dir, &errors));
		expect_errors(dir, &errors, rows[i].errors);
		buf_deinit(&errors);
		fixture_remove_dir(dir);
	}
}

static void
test_every_error_reported(void **state)
{
	static const char bad1[] = "Subject: {{x}}\n\nb\n";
	static const char bad2[] = "Subject: y\n\n{{y}}\n";
	char *dir = copy_templates(), *path;
	struct buf errors;

	write_file(dir, "confirm.txt", bad1, strlen(bad1));
	write_file(dir, "review.txt", bad2, strlen(bad2));
	path = xasprintf("%s/closed.txt", dir);
	assert_int_equal(remove(path), 0);
	free(path);
	buf_init(&errors, 65536);
	assert_null(template_load_dir(dir, &errors));
	expect_errors(dir, &errors,
		      "confirm.txt:1: unknown placeholder {{x}}|"
		      "review.txt:3: unknown placeholder {{y}}|"
		      "closed.txt: ");
	buf_deinit(&errors);
	fixture_remove_dir(dir);
}

static void
test_crlf(void **state)
{
	static const char text[] = "Subject: Aanmelding {{event}}\r\n\r\n"
				   "Beste {{municipality}},\r\n";
	char *dir = copy_templates();
	const struct template *one;
	struct templates *t;
	struct buf errors;

	write_file(dir, "confirm.txt", text, sizeof(text) - 1);
	buf_init(&errors, 65536);
	t = template_load_dir(dir, &errors);
	assert_non_null(t);
	one = template_get(t, TEMPLATE_CONFIRM);
	assert_string_equal(one->subject, "Aanmelding {{event}}");
	assert_string_equal(one->body, "Beste {{municipality}},\r\n");
	template_free_all(t);
	buf_deinit(&errors);
	fixture_remove_dir(dir);
}

static void
test_size_limit(void **state)
{
	static const struct {
		size_t size;
		bool ok;
	} rows[] = {
		{TEMPLATE_FILE_MAX - 1, true},
		{TEMPLATE_FILE_MAX, true},
		{TEMPLATE_FILE_MAX + 1, false},
	};
	static const char head[] = "Subject: x\n\n";
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *dir = copy_templates(), *text = xmalloc(rows[i].size);
		struct templates *t;
		struct buf errors;

		memcpy(text, head, sizeof(head) - 1);
		memset(text + sizeof(head) - 1, 'x',
		       rows[i].size - (sizeof(head) - 1));
		write_file(dir, "confirm.txt", text, rows[i].size);
		buf_init(&errors, 65536);
		t = template_load_dir(dir, &errors);
		if (rows[i].ok) {
			assert_non_null(t);
			assert_int_equal(
				strlen(template_get(t, TEMPLATE_CONFIRM)->body),
				rows[i].size - (sizeof(head) - 1));
		} else {
			assert_null(t);
			expect_errors(dir, &errors,
				      "confirm.txt: file too large");
		}
		template_free_all(t);
		buf_deinit(&errors);
		free(text);
		fixture_remove_dir(dir);
	}
}

/* The old placeholders that quoted the sender's subject and Date header
   are gone: a template that still has them does not load. */
static void
test_no_sender_text(void **state)
{
	static const char *const gone[] = {"original_subject", "original_date"};
	struct buf errors;
	size_t i;

	for (i = 0; i < sizeof(gone) / sizeof(gone[0]); i++) {
		char *dir = copy_templates();
		char *text =
			xasprintf("Subject: x\n\nOnderwerp: {{%s}}\n", gone[i]);
		char *want = xasprintf("review.txt:3: unknown placeholder "
				       "{{%s}}",
				       gone[i]);

		write_file(dir, "review.txt", text, strlen(text));
		buf_init(&errors, 65536);
		assert_null(template_load_dir(dir, &errors));
		expect_errors(dir, &errors, want);
		buf_deinit(&errors);
		free(text);
		free(want);
		fixture_remove_dir(dir);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_render_controls),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_project_templates),
		cmocka_unit_test(test_broken),
		cmocka_unit_test(test_every_error_reported),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_no_sender_text),
		cmocka_unit_test(test_answers_quote_nothing),
		cmocka_unit_test(test_outsider),
		cmocka_unit_test(test_common_vars),
		cmocka_unit_test(test_outmail),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
