/* Unit tests for the parser worker: the same message as a parse in
   process, and a crash or a hang that costs one message, not the caller. */
#include "autoconf.h"

#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fixture.h"
#include "message.h"
#include "reason.h"
#include "message_worker.h"
#include "util.h"

static const char enrolment[] =
	"From: =?utf-8?q?J=C3=A4n?= <jan@amsterdam.nl>\r\n"
	"To: globalgoals@vng.nl\r\n"
	"Subject: Deelname praktijkproef GG & lokale inclusie\r\n"
	"Message-ID: <a1@amsterdam.nl>\r\n"
	"In-Reply-To: <x@vng.nl>\r\n"
	"Authentication-Results: mx.vng.nl; dmarc=pass "
	"header.from=amsterdam.nl\r\n"
	"Authentication-Results: mx.vng.nl; spf=pass "
	"smtp.mailfrom=amsterdam.nl\r\n"
	"Content-Type: multipart/mixed; boundary=b\r\n\r\n"
	"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
	"Wij doen mee.\r\n"
	"--b\r\nContent-Type: text/calendar; method=REPLY\r\n\r\n"
	"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n--b--\r\n";

static void
assert_same_string(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

/* Every field crosses the process boundary unchanged. */
static void
test_same_as_in_process(void **state)
{
	struct message *in = message_parse(enrolment, strlen(enrolment));
	struct message *out =
		message_worker_parse(enrolment, strlen(enrolment), 4096);
	size_t i;

	(void)state;
	assert_null(out->problem);
	assert_same_string(out->from_addr, in->from_addr);
	assert_same_string(out->from_name, in->from_name);
	assert_same_string(out->from_raw, in->from_raw);
	assert_same_string(out->to, in->to);
	assert_same_string(out->subject, in->subject);
	assert_same_string(out->message_id, in->message_id);
	assert_same_string(out->in_reply_to, in->in_reply_to);
	assert_same_string(out->content_type, in->content_type);
	assert_same_string(out->body, in->body);
	assert_same_string(out->calendar, in->calendar);
	assert_int_equal(out->n_authres, 2);
	for (i = 0; i < in->n_authres; i++)
		assert_same_string(out->authres[i], in->authres[i]);
	assert_int_equal(out->from_fields, 1);
	assert_int_equal(out->calendar_reply, in->calendar_reply);
	assert_int_equal(out->size, 4096);
	assert_string_equal(out->from_name, "J\xc3\xa4n");
	message_free(in);
	message_free(out);
}

static struct message *
hangs(const char *data, size_t len, size_t size)
{
	if (len > 4 && memcmp(data, "HANG", 4) == 0)
		pause();
	return message_parse_sized(data, len, size);
}

static void
test_crash_costs_one_message(void **state)
{
	static const char crash[] =
		"From: a@b.nl\r\nContent-Type: multipart/mixed;\r\n"
		" boundary\r\n =\"\\\"\"\r\n\r\n--\"\r\nx\r\n";
	struct message *m;
	int round;

	(void)state;
	message_worker_stop();
	/* libetpan's own parse, without the boundary guard of message.c */
	setenv("AANMELD_TEST_UNGUARDED_MIME", "1", 1);
	for (round = 0; round < 3; round++) {
		m = message_worker_parse(crash, strlen(crash), strlen(crash));
		assert_non_null(m->problem);
		assert_non_null(
			strstr(fixture_problem(m), MESSAGE_WORKER_CRASHED));
		/* SIGSEGV, or SIGABRT from malloc as the heap lies, or
		   valgrind's own exit */
		assert_non_null(
			strstr(fixture_problem(m), "(the parser died: "));
		/* a second worker read the header alone: staff see who */
		assert_string_equal(m->from_addr, "a@b.nl");
		assert_null(m->body);
		assert_int_equal(m->size, strlen(crash));
		message_free(m);
		/* the next message finds a new worker */
		m = message_worker_parse(enrolment, strlen(enrolment),
					 strlen(enrolment));
		assert_null(m->problem);
		assert_string_equal(m->from_addr, "jan@amsterdam.nl");
		message_free(m);
	}
	message_worker_stop();
	unsetenv("AANMELD_TEST_UNGUARDED_MIME");
}

static void
test_hang_is_cut_short(void **state)
{
	struct message *m;

	(void)state;
	message_worker_stop();
	message_worker_set_parser(hangs, 300);
	m = message_worker_parse("HANG\r\n\r\n", 8, 8);
	assert_non_null(strstr(fixture_problem(m), MESSAGE_WORKER_CRASHED));
	assert_non_null(strstr(fixture_problem(m), "signal 9"));
	message_free(m);
	/* the usual time again: a new worker under valgrind is slow */
	message_worker_set_parser(NULL, 0);
	m = message_worker_parse(enrolment, strlen(enrolment),
				 strlen(enrolment));
	assert_null(m->problem);
	message_free(m);
	message_worker_stop();
	message_worker_set_parser(NULL, 0);
}

/* A worker killed from outside while it waits (the OOM killer, an
   operator) costs no message: the next one gets a new worker. */
static void
test_killed_while_idle(void **state)
{
	struct message *m;
	pid_t pid;
	int round;

	(void)state;
	for (round = 0; round < 2; round++) {
		m = message_worker_parse(enrolment, strlen(enrolment),
					 strlen(enrolment));
		assert_null(m->problem);
		message_free(m);
		pid = message_worker_pid();
		assert_true(pid > 0);
		assert_int_equal(kill(pid, SIGKILL), 0);
		/* dead before the next message, or while it is sent */
		if (round == 0)
			usleep(200 * 1000);
		m = message_worker_parse(enrolment, strlen(enrolment),
					 strlen(enrolment));
		assert_null(m->problem);
		assert_string_equal(m->from_addr, "jan@amsterdam.nl");
		assert_true(message_worker_pid() != pid);
		message_free(m);
	}
	message_worker_stop();
}

/* The real parser, guarded: the crashing shapes never reach libetpan,
   so the worker lives on. */
static void
test_guarded_shapes_do_not_kill(void **state)
{
	static const char *const shapes[] = {
		"Content-Type: multipart/mixed; boundary=\"\\\"\"",
		"Content-Type: multipart/mixed; boundary =\"\\\"\"",
		"Content-Type: multipart/mixed;\r\n boundary\r\n =\"\\\"\"",
		"Content-Type: multipart/mixed; (c)boundary(c)=\"\\\"\"",
		"Content-Type: multipart/mixed; "
		"=?us-ascii?q?boundary=3D=22=5C=22=22?=",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		char *raw = xasprintf("From: a@b.nl\r\n%s\r\n\r\n--\"\r\n"
				      "x\r\n",
				      shapes[i]);
		struct message *m =
			message_worker_parse(raw, strlen(raw), strlen(raw));

		assert_string_equal(fixture_problem(m),
				    "invalid boundary parameter");
		assert_string_equal(m->from_addr, "a@b.nl");
		message_free(m);
		free(raw);
	}
	message_worker_stop();
}

/* A mail with a small file in base64 and a large one of x, not
   encoded, after its text; heap. */
static char *
files_mail(size_t large, size_t *len_r)
{
	char *fill = xmalloc(large + 1), *mail;

	memset(fill, 'x', large);
	fill[large] = '\0';
	mail = xasprintf(
		"From: a@utrecht.nl\r\nSubject: Onze tekst\r\n"
		"MIME-Version: 1.0\r\n"
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n"
		"--b\r\nContent-Type: text/plain\r\n\r\nHierbij.\r\n"
		"--b\r\nContent-Type: application/pdf\r\n"
		"Content-Disposition: attachment; filename=\"t.pdf\"\r\n"
		"Content-Transfer-Encoding: base64\r\n\r\nVGVrc3QA\r\n"
		"--b\r\nContent-Type: application/msword; name=\"../b.doc\""
		"\r\n\r\n%s\r\n--b--\r\n",
		fill);
	free(fill);
	*len_r = strlen(mail);
	return mail;
}

/* The worker answers with what is known of the files, as the parse in
   process does, and gives their bytes one at a time on request; a part
   that is no file is an error that leaves the worker running, and a
   worker that is gone is replaced. */
static void
test_attachments_on_request(void **state)
{
	const size_t large = 3u * 1024 * 1024;
	struct message *in, *out;
	char *mail, *bytes = NULL, *err = NULL;
	size_t len, n, i;
	pid_t pid;

	(void)state;
	mail = files_mail(large, &len);
	in = message_parse(mail, len);
	out = message_worker_parse(mail, len, len);
	assert_null(out->problem);
	assert_int_equal(out->n_attachments, 2);
	assert_int_equal(in->n_attachments, 2);
	for (i = 0; i < out->n_attachments; i++) {
		assert_string_equal(out->attachments[i].name,
				    in->attachments[i].name);
		assert_string_equal(out->attachments[i].type,
				    in->attachments[i].type);
		assert_int_equal(out->attachments[i].len,
				 in->attachments[i].len);
		assert_int_equal(out->attachments[i].part,
				 in->attachments[i].part);
	}
	assert_string_equal(out->attachments[1].name, "../b.doc");
	assert_int_equal(out->attachments[0].len, 6);
	assert_int_equal(out->attachments[1].len, large);

	assert_int_equal(message_worker_attachment(mail, len, len,
						   out->attachments[0].part,
						   &bytes, &n, &err),
			 0);
	assert_int_equal(n, 6);
	assert_memory_equal(bytes, "Tekst\0", 6);
	free(bytes);
	pid = message_worker_pid();
	assert_int_equal(message_worker_attachment(mail, len, len,
						   out->attachments[1].part,
						   &bytes, &n, &err),
			 0);
	assert_int_equal(n, large);
	for (i = 0; i < n && bytes[i] == 'x'; i++)
		;
	assert_int_equal(i, large);
	free(bytes);

	/* the text is no file: an error, the worker lives on */
	assert_int_equal(
		message_worker_attachment(mail, len, len, 1, &bytes, &n, &err),
		-1);
	assert_string_equal(err, "no attachment in part 1");
	free(err);
	err = NULL;
	assert_int_equal(message_worker_pid(), pid);

	/* killed while it waited: a new worker reads the file */
	assert_int_equal(kill(pid, SIGKILL), 0);
	usleep(200 * 1000);
	assert_int_equal(message_worker_attachment(mail, len, len,
						   out->attachments[0].part,
						   &bytes, &n, &err),
			 0);
	assert_memory_equal(bytes, "Tekst\0", 6);
	assert_true(message_worker_pid() != pid);
	free(bytes);
	message_free(in);
	message_free(out);
	free(mail);
	message_worker_stop();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_as_in_process),
		cmocka_unit_test(test_crash_costs_one_message),
		cmocka_unit_test(test_hang_is_cut_short),
		cmocka_unit_test(test_killed_while_idle),
		cmocka_unit_test(test_guarded_shapes_do_not_kill),
		cmocka_unit_test(test_attachments_on_request),
	};

	/* as in the daemon: a dead worker must not kill the caller */
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
