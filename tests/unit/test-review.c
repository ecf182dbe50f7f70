/*
 * Unit tests for staff decisions: what a decision does (review_outcome,
 * a table), the decision transaction on a real SQLite file (applied once,
 * the second attempt told who decided, a failed build writes nothing,
 * the note of an item sent back).  The decision folders have
 * test-review_folders.c.
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

#include "config.h"
#include "fixture.h"
#include "outmail.h"
#include "review.h"
#include "store.h"
#include "store_intake.h"
#include "store_outbox.h"
#include "store_review.h"
#include "util.h"

static void
test_decision_names(void **state)
{
	(void)state;
	assert_int_equal(review_decision_parse("approve"), REVIEW_APPROVE);
	assert_int_equal(review_decision_parse("reject"), REVIEW_REJECT);
	assert_int_equal(review_decision_parse("dismiss"), REVIEW_DISMISS);
	assert_int_equal(review_decision_parse("Approve"), -1);
	assert_int_equal(review_decision_parse(""), -1);
	assert_string_equal(review_decision_name(REVIEW_REJECT), "reject");
}

static void
test_outcome_table(void **state)
{
	static const char *const two[] = {"GM0344", "GM0363"};
	static const struct {
		enum review_decision d;
		const char *code;
		bool silent;
		long capacity;
		size_t n_enrolled, confirmed;
		enum verdict verdict;
		enum store_enrol enrol;
		bool answer;
		enum template_kind template;
		size_t position;
	} rows[] = {
		/* a free place */
		{REVIEW_APPROVE, "GM0193", false, 5, 2, 2, VERDICT_ENROL,
		 STORE_ENROL_CONFIRMED, true, TEMPLATE_CONFIRM, 0},
		/* enrolled already: a second contact */
		{REVIEW_APPROVE, "GM0363", false, 5, 2, 2, VERDICT_DUPLICATE,
		 STORE_ENROL_CONTACT, true, TEMPLATE_DUPLICATE, 0},
		/* full at capacity - 1, capacity, capacity + 1 */
		{REVIEW_APPROVE, "GM0193", false, 3, 2, 2, VERDICT_ENROL,
		 STORE_ENROL_CONFIRMED, true, TEMPLATE_CONFIRM, 0},
		{REVIEW_APPROVE, "GM0193", false, 2, 2, 2, VERDICT_WAITLIST,
		 STORE_ENROL_WAITLIST, true, TEMPLATE_WAITLIST, 1},
		{REVIEW_APPROVE, "GM0193", false, 1, 2, 1, VERDICT_WAITLIST,
		 STORE_ENROL_WAITLIST, true, TEMPLATE_WAITLIST, 2},
		/* no capacity set: never full */
		{REVIEW_APPROVE, "GM0193", false, 0, 2, 2, VERDICT_ENROL,
		 STORE_ENROL_CONFIRMED, true, TEMPLATE_CONFIRM, 0},
		{REVIEW_REJECT, NULL, false, 5, 2, 2, VERDICT_REJECT,
		 STORE_ENROL_NONE, true, TEMPLATE_REJECT, 0},
		{REVIEW_REJECT, NULL, true, 5, 2, 2, VERDICT_REJECT,
		 STORE_ENROL_NONE, false, TEMPLATE_REJECT, 0},
		{REVIEW_DISMISS, NULL, false, 5, 2, 2, VERDICT_IGNORE,
		 STORE_ENROL_NONE, false, 0, 0},
	};
	size_t i;

	(void)state;
	for (i = 0; i < nitems(rows); i++) {
		struct store_review_state st = {two, rows[i].n_enrolled,
						rows[i].confirmed, 0};
		struct review_outcome o;

		review_outcome(rows[i].d, rows[i].code, rows[i].silent,
			       rows[i].capacity, &st, &o);
		assert_int_equal(o.verdict, rows[i].verdict);
		assert_int_equal(o.enrol, rows[i].enrol);
		assert_int_equal(o.answer, rows[i].answer);
		if (o.answer)
			assert_int_equal(o.template, rows[i].template);
		assert_int_equal(o.position, rows[i].position);
	}
}

/* --- the decision transaction */

struct fixture {
	char dir[64];
	char *path; /* dir/aanmeld.db */
	struct store *s;
	int64_t item;
	unsigned builds;
	bool fail;
};

/* The answer recorded with the message, and the decision's mail. */
static const struct outmail answer = {
	"answer:ab",
	"review",
	"a1@vng.nl",
	"GlobalGoals@VNG.nl",
	"x@utrecht-gemeente.nl",
	"raw",
	3,
	false,
	{NULL, 0, 0, false},
};
static const struct outmail mail = {
	"decision:ab",		 "confirm", "m1@vng.nl", "GlobalGoals@VNG.nl",
	"x@utrecht-gemeente.nl", "raw",	    3,		 false,
	{NULL, 0, 0, false},
};

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	struct store_record rec;
	int64_t id;
	char *err = NULL;

	*state = f;
	if (fixture_store_open(f->dir, sizeof(f->dir), "test-review", &f->path,
			       &f->s) == -1)
		return -1;
	memset(&rec, 0, sizeof(rec));
	rec.mailbox = "INBOX";
	rec.msgkey = "1.7";
	rec.message_id = "r1@test.example";
	rec.sha256 = "ab";
	rec.from_addr = "x@utrecht-gemeente.nl";
	rec.received_at = 1617264000;
	rec.verdict = "review";
	rec.reasons = "lookalike";
	rec.gemeente_code = "GM0344";
	rec.review = true;
	rec.folder = "Beoordelen";
	rec.mails = &answer;
	rec.n_mails = 1;
	if (store_record_message(f->s, &rec, &id, &err) == -1) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	f->item = 1;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	fixture_store_close(f->dir, f->path, &f->s);
	free(f);
	return 0;
}

static int
build(void *ctx, const struct store_review_state *st,
      struct store_review_effects *e, char **error_r)
{
	struct fixture *f = ctx;

	f->builds++;
	if (f->fail) {
		*error_r = xstrdup("cannot build");
		return -1;
	}
	assert_int_equal(st->n_enrolled, 0);
	e->verdict = "enrol";
	e->enrol = STORE_ENROL_CONFIRMED;
	e->gemeente_code = "GM0344";
	e->gemeente_name = "Utrecht";
	e->from_addr = "x@utrecht-gemeente.nl";
	e->mails = &mail;
	e->n_mails = 1;
	e->folder = "Verwerkt";
	e->detail = "enrol GM0344";
	return 0;
}

/* The item's state, read back through the module's own query. */
static bool
is_open(struct fixture *f)
{
	struct store_review_item it;
	char *err = NULL;
	bool open;

	assert_int_equal(store_review_get(f->s, f->item, &it, &err), 1);
	open = strcmp(it.status, "open") == 0;
	store_review_item_deinit(&it);
	return open;
}

static void
test_decide_once(void **state)
{
	struct fixture *f = *state;
	struct store_review_decision d = {f->item,   "approve",
					  "mailbox", "Beoordelen/Goedkeuren",
					  "5.1",     1617264300};
	struct store_review_item it;
	char *by = NULL, *err = NULL;
	size_t n, confirmed;
	char **codes;

	assert_int_equal(store_review_decide(f->s, &d, build, f, &by, &err), 1);
	assert_null(by);
	assert_false(is_open(f));
	assert_int_equal(store_enrolled(f->s, &codes, &n, &confirmed, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(codes[0], "GM0344");
	util_free_strv(codes, n);
	assert_int_equal(store_review_get(f->s, f->item, &it, &err), 1);
	assert_string_equal(it.decided_by, "mailbox");
	assert_string_equal(it.decision, "approve");
	assert_string_equal(it.verdict, "enrol");
	store_review_item_deinit(&it);

	/* the second: nothing built, nothing written, told by whom */
	d.actor = "cli:staff";
	assert_int_equal(store_review_decide(f->s, &d, build, f, &by, &err), 0);
	assert_string_equal(by, "mailbox");
	free(by);
	assert_int_equal(f->builds, 1);
}

static void
test_decide_failed_build(void **state)
{
	struct fixture *f = *state;
	struct store_review_decision d = {f->item,   "approve",
					  "mailbox", "Beoordelen/Goedkeuren",
					  "5.1",     1617264300};
	char *by = NULL, *err = NULL, **codes;
	size_t n, confirmed;

	f->fail = true;
	assert_int_equal(store_review_decide(f->s, &d, build, f, &by, &err),
			 -1);
	assert_string_equal(err, "cannot build");
	free(err);
	err = NULL;
	/* rolled back: still open, nothing enrolled; then it works */
	assert_true(is_open(f));
	assert_int_equal(store_enrolled(f->s, &codes, &n, &confirmed, &err), 0);
	assert_int_equal(n, 0);
	util_free_strv(codes, n);
	f->fail = false;
	assert_int_equal(store_review_decide(f->s, &d, build, f, &by, &err), 1);
}

static void
test_return_with_note(void **state)
{
	struct fixture *f = *state;
	struct store_review_decision d = {f->item,   "approve",
					  "mailbox", "Beoordelen/Goedkeuren",
					  "5.1",     1617264300};
	struct store_review_item it;
	char *err = NULL;

	assert_int_equal(store_review_return(f->s, &d, "geen gemeente",
					     "Beoordelen", &err),
			 0);
	assert_int_equal(store_review_get(f->s, f->item, &it, &err), 1);
	assert_string_equal(it.status, "open");
	assert_string_equal(it.note, "geen gemeente");
	store_review_item_deinit(&it);
	assert_int_equal(store_review_get(f->s, 99, &it, &err), 0);
	store_review_item_deinit(&it);
}

static void
test_failed_mail_item(void **state)
{
	struct fixture *f = *state;
	struct store_review_item it;
	char *err = NULL;

	/* the answer failed for good: an item of its own, about the mail */
	assert_int_equal(store_outbox_retry(f->s, 1, 1, 0, "550 no such user",
					    1617264300, &err),
			 0);
	assert_int_equal(store_review_get(f->s, 2, &it, &err), 1);
	assert_int_equal(it.outbox, 1);
	assert_int_equal(it.message, 1);
	store_review_item_deinit(&it);
	/* the message's own item is still the one found by message */
	assert_int_equal(store_review_by_message(f->s, 1, &it, &err), 1);
	assert_int_equal(it.id, 1);
	assert_int_equal(it.outbox, 0);
	store_review_item_deinit(&it);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decision_names),
		cmocka_unit_test(test_outcome_table),
		cmocka_unit_test_setup_teardown(test_decide_once, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_decide_failed_build, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_return_with_note, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_failed_mail_item, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
