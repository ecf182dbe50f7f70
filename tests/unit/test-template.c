/*
 * Unit tests for the answer templates: rendering {{name}} placeholders,
 * loading the project's templates, and broken template files reported as
 * file:line, with the file size limit.
 */
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

static void
test_names(void **state)
{
	static const char *const names[TEMPLATE_COUNT] = {
		"confirm",
		"waitlist",
		"duplicate",
		"reject",
		"closed",
		"review",
		"invitation",
		"reminder-session",
		"reminder-deadline",
		"invitation-update",
		"invitation-cancel",
		"withdrawn",
		/* to staff (staff.h) */
		"staff-summary",
		"staff-warning",
		"staff-recovered",
	};
	size_t i;

	for (i = 0; i < TEMPLATE_COUNT; i++)
		assert_string_equal(template_name((enum template_kind)i),
				    names[i]);
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
	char *dir = xstrdup("/tmp/test-template-XXXXXX"), *cmd;

	assert_non_null(mkdtemp(dir));
	cmd = xasprintf("cp '%s'/rules/templates/*.txt '%s/'", TOP_SRCDIR, dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return dir;
}

static void
remove_dir(char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(dir);
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
		remove_dir(dir);
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
	remove_dir(dir);
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
	remove_dir(dir);
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
		remove_dir(dir);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_project_templates),
		cmocka_unit_test(test_broken),
		cmocka_unit_test(test_every_error_reported),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_size_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
