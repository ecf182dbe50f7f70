#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "config.h"
#include "intake.h"
#include "log.h"
#include "mailbox.h"
#include "message.h"
#include "message_worker.h"
#include "review.h"
#include "review_folders.h"
#include "spool.h"
#include "store.h"
#include "store_intake.h"
#include "store_review.h"
#include "util.h"

/* What known() found of a message in a decision folder. */
enum review_seen {
	REVIEW_SEEN_KNOWN,	 /* recorded before: *id_r, *verdict_r */
	REVIEW_SEEN_NEW,	 /* never recorded: new mail */
	REVIEW_SEEN_GONE,	 /* left the folder since it was listed */
	REVIEW_SEEN_FAILED,	 /* this message failed: *error_r */
	REVIEW_SEEN_UNREACHABLE, /* the server is down: *error_r */
};

/* The message row of key in folder (*verdict_r heap). */
static enum review_seen
known(const struct review *r, struct mailbox *mb, const char *folder,
      const char *key, time_t now, int64_t *id_r, char **verdict_r,
      char **error_r)
{
	struct message *msg = NULL;
	char *data = NULL, sha[65];
	unsigned attempts;
	size_t len, size;
	int rc;

	switch (mailbox_folder_fetch(mb, folder, key, MESSAGE_SIZE_MAX + 1,
				     &data, &len, &size, error_r)) {
	case MAILBOX_OK:
		break;
	case MAILBOX_GONE:
		return REVIEW_SEEN_GONE;
	case MAILBOX_UNREACHABLE:
		return REVIEW_SEEN_UNREACHABLE;
	default:
		return REVIEW_SEEN_FAILED;
	}
	spool_sha256(data, len, sha);
	/* counted as intake counts: a message that stopped the daemon
	   here before is known by its bytes alone */
	if (store_attempt_begin(r->store, folder, key, now, &attempts,
				error_r) == -1) {
		free(data);
		return REVIEW_SEEN_FAILED;
	}
	if (attempts <= INTAKE_ATTEMPTS_MAX)
		msg = message_worker_parse(data, len, size);
	free(data);
	/* the UID changed with the move: known by Message-ID or bytes */
	*verdict_r = NULL;
	rc = store_message_known(r->store, folder, key,
				 msg != NULL ? msg->message_id : NULL, sha,
				 id_r, verdict_r, error_r);
	message_free(msg);
	/* an unknown message is counted again by intake */
	if (rc >= 0 && store_attempt_end(r->store, folder, key, error_r) == -1)
		rc = -1;
	if (rc == -1)
		return REVIEW_SEEN_FAILED;
	return rc == 1 ? REVIEW_SEEN_KNOWN : REVIEW_SEEN_NEW;
}

/* Applies the folder's decision to known message id at folder/key. */
static void
apply_folder(const struct review *r, const char *folder, const char *key,
	     enum review_decision d, int64_t id, const char *verdict,
	     time_t now, struct review_stats *stats)
{
	struct store_review_item it;
	struct review_request q;
	enum verdict v = VERDICT_REVIEW;
	char *by = NULL, *err = NULL;
	int rc;

	rc = store_review_by_message(r->store, id, &it, &err);
	if (rc == 1 && strcmp(it.status, "open") != 0)
		by = xstrdup(it.decided_by != NULL ? it.decided_by : "?");
	if (rc == 1 && strcmp(it.status, "open") == 0) {
		memset(&q, 0, sizeof(q));
		q.item = it.id;
		q.decision = d;
		q.actor = "mailbox";
		q.mailbox = folder;
		q.msgkey = key;
		q.now = now;
		rc = review_decide_item(r, &q, &it, &by, &err);
		switch (rc) {
		case REVIEW_APPLIED:
		case REVIEW_CLOSED:
			stats->applied++;
			goto out;
		case REVIEW_NO_MUNICIPALITY:
		case REVIEW_REFUSED:
			log_warnx("review item %lld in %s: %s",
				  (long long)it.id, folder, err);
			stats->returned++;
			goto out;
		case REVIEW_ALREADY:
			/* decided meanwhile: the verdict read before is
			   old */
			store_review_item_deinit(&it);
			if (store_review_get(r->store, q.item, &it, &err) ==
				    1 &&
			    it.verdict != NULL)
				verdict = it.verdict;
			break;
		default:
			log_warnx("review item %lld in %s: %s",
				  (long long)it.id, folder, err);
			stats->failed++;
			goto out;
		}
	} else if (rc == -1) {
		log_warnx("message %lld in %s: %s", (long long)id, folder, err);
		stats->failed++;
		goto out;
	}
	/* decided before, or never a review item: to the folder of its
	   outcome, once */
	if (verdict != NULL && verdict_parse(verdict) >= 0)
		v = (enum verdict)verdict_parse(verdict);
	log_info("message %lld in %s is decided already (%s): moving it to "
		 "%s",
		 (long long)id, folder, by != NULL ? by : "not for review",
		 review_folder(r->config, v));
	stats->already++;
	if (store_review_move(r->store, id, folder, key,
			      review_folder(r->config, v), now, &err) == -1) {
		log_warnx("message %lld in %s: %s", (long long)id, folder, err);
		stats->failed++;
	}
out:
	store_review_item_deinit(&it);
	free(by);
	free(err);
}

/* Processes the unknown keys of folder as new mail. */
static int
intake_folder_keys(const struct review *r, struct mailbox *mb,
		   const char *folder, char **keys, size_t n, time_t now,
		   volatile sig_atomic_t *stop, char **error_r)
{
	struct mailbox *view;
	struct intake_stats st;
	struct intake in;
	int rc;

	view = mailbox_view_open(mb, folder, keys, n, error_r);
	if (view == NULL)
		return -1;
	memset(&st, 0, sizeof(st));
	intake_init(&in, r->config, r->rules, r->store, view);
	rc = intake_run(&in, now, stop, &st, error_r);
	mailbox_close(&view);
	return rc;
}

static int
run_folder(const struct review *r, struct mailbox *mb, const char *folder,
	   enum review_decision d, time_t now, volatile sig_atomic_t *stop,
	   struct review_stats *stats, char **error_r)
{
	char **keys, **unknown;
	size_t n, n_unknown = 0, i;
	int64_t id;
	int rc;

	switch (mailbox_folder_list(mb, folder, &keys, &n, error_r)) {
	case MAILBOX_OK:
		break;
	case MAILBOX_UNREACHABLE:
		return MAILBOX_UNREACHABLE;
	default:
		return -1;
	}
	unknown = xcalloc(n + 1, sizeof(*unknown));
	rc = 0;
	for (i = 0; i < n && !*stop && rc == 0; i++) {
		char *err = NULL, *verdict = NULL;

		switch (known(r, mb, folder, keys[i], now, &id, &verdict,
			      &err)) {
		case REVIEW_SEEN_KNOWN:
			apply_folder(r, folder, keys[i], d, id, verdict, now,
				     stats);
			break;
		case REVIEW_SEEN_NEW:
			unknown[n_unknown++] = keys[i];
			break;
		case REVIEW_SEEN_GONE:
			/* moved by a person meanwhile: the next pass sees
			   where it went */
			break;
		case REVIEW_SEEN_FAILED:
			log_warnx("%s: message %s: %s", folder, keys[i], err);
			stats->failed++;
			break;
		case REVIEW_SEEN_UNREACHABLE:
			/* the rest waits for the server */
			*error_r = err;
			err = NULL;
			rc = MAILBOX_UNREACHABLE;
			break;
		}
		free(verdict);
		free(err);
	}
	if (rc == 0 && n_unknown > 0) {
		log_info("%s: %zu message%s not seen before: processing as new "
			 "mail",
			 folder, n_unknown, n_unknown == 1 ? "" : "s");
		stats->new_mail += (unsigned)n_unknown;
		rc = intake_folder_keys(r, mb, folder, unknown, n_unknown, now,
					stop, error_r);
		/* now known: a review verdict gets the folder's decision */
		for (i = 0; rc == 0 && i < n_unknown && !*stop; i++) {
			char *err = NULL, *verdict = NULL;

			if (known(r, mb, folder, unknown[i], now, &id, &verdict,
				  &err) == REVIEW_SEEN_KNOWN)
				apply_folder(r, folder, unknown[i], d, id,
					     verdict, now, stats);
			free(verdict);
			free(err);
		}
	}
	free(unknown);
	util_free_strv(keys, n);
	return rc;
}

static const char *
folder_of(const struct config *c, enum review_decision d)
{
	switch (d) {
	case REVIEW_APPROVE:
		return c->review_approve;
	case REVIEW_REJECT:
		return c->review_reject;
	default:
		return c->review_dismiss;
	}
}

int
review_folders_create(const struct config *config, struct mailbox *mb,
		      char **error_r)
{
	enum mailbox_result rc;
	int i;

	if (!mailbox_has_folders(mb))
		return 0;
	rc = mailbox_folder_create(mb, config->folder_review, error_r);
	for (i = 0; rc == MAILBOX_OK && i < REVIEW_DECISION_COUNT; i++)
		rc = mailbox_folder_create(
			mb, folder_of(config, (enum review_decision)i),
			error_r);
	if (rc == MAILBOX_OK)
		return 0;
	return rc == MAILBOX_UNREACHABLE ? MAILBOX_UNREACHABLE : -1;
}

int
review_folders_run(const struct review *r, struct mailbox *mb, time_t now,
		   volatile sig_atomic_t *stop, struct review_stats *stats,
		   char **error_r)
{
	int i, rc = 0;

	if (!mailbox_has_folders(mb))
		return 0;
	for (i = 0; rc == 0 && i < REVIEW_DECISION_COUNT && !*stop; i++)
		rc = run_folder(
			r, mb, folder_of(r->config, (enum review_decision)i),
			(enum review_decision)i, now, stop, stats, error_r);
	return rc;
}
