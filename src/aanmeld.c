/*
 * aanmeld: the staff and operator command line.  A table of subcommands;
 * each handler gets the loaded runtime and its own arguments.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <json-c/linkhash.h>

#include "buf.h"
#include "cli_args.h"
#include "classify.h"
#include "cli_actor.h"
#include "cli_attendance.h"
#include "cli_check.h"
#include "cli_contact.h"
#include "cli_outbox.h"
#include "cli_privacy.h"
#include "cli_programme.h"
#include "cli_review.h"
#include "cli_send.h"
#include "cli_show.h"
#include "cli_status.h"
#include "cli_user.h"
#include "config.h"
#include "cycle.h"
#include "escape.h"
#include "gemeenten.h"
#include "log.h"
#include "message.h"
#include "message_worker.h"
#include "privileges.h"
#include "programme.h"
#include "rules.h"
#include "runtime.h"
#include "spool.h"
#include "staff.h"
#include "store.h"
#include "store_intake.h"
#include "store_outbox.h"
#include "store_report.h"
#include "util.h"

struct command {
	const char *name;
	int (*run)(struct runtime *rt, int argc, char **argv);
	const char *usage;
	const char *help;
};

/* Commands that explain themselves at --help, at more length than the
   table's line. */
static const char *const own_help[] = {"status", "list", "export"};

static bool
has_own_help(const char *name)
{
	size_t i;

	for (i = 0; i < nitems(own_help); i++) {
		if (strcmp(own_help[i], name) == 0)
			return true;
	}
	return false;
}

/* What a dry run has seen so far, in arrival order. */
struct dry_run {
	char **codes; /* enrolled or waitlisted */
	size_t n_codes;
	size_t confirmed;
	/* Message-IDs and SHA-256s already judged, a set (json-c's hash
	   table): a look-up per file, not a comparison with each before */
	struct lh_table *keys;
	struct store *store; /* NULL with --empty */
};

static void
dry_key_free(struct lh_entry *e)
{
	free(lh_entry_k(e));
}

static bool
dry_seen(struct dry_run *d, const char *key)
{
	return key != NULL && lh_table_lookup_entry(d->keys, key) != NULL;
}

static void
dry_key(struct dry_run *d, const char *key)
{
	if (lh_table_insert(d->keys, xstrdup(key), NULL) != 0)
		fatalx("out of memory");
}

static void
dry_add(char ***list, size_t *n, const char *s)
{
	*list = xreallocarray(*list, *n + 1, sizeof(**list));
	(*list)[(*n)++] = xstrdup(s);
}

/* Stored text on one line, controls and bidi visible (escape.h): a tab
   or line break would break the one-line-per-row format, a control the
   terminal. */
static void
print_field(const char *s)
{
	escape_fputs(s, ESCAPE_LINE, stdout);
}

/* What intake asks the store after a first look (intake_one.c): a
   contact's mail that no rule knows, and the mail a bounce returns (none
   without a database). */
static void
classify_again(struct runtime *rt, struct dry_run *d, const struct message *msg,
	       const struct classify_settings *set, struct classify_state *st,
	       struct classification *c)
{
	struct classify_bounce b = {false, NULL};
	char *rcpt = NULL, *err = NULL;
	int64_t id;

	if (c->verdict == VERDICT_IGNORE && d->store != NULL &&
	    msg->from_addr != NULL &&
	    store_contact_known(d->store, msg->from_addr, &err) == 1) {
		st->contact = true;
		classification_deinit(c);
		classify(msg, rt->rules, set, st, util_clock(), c);
	}
	if (c->verdict == VERDICT_BOUNCE) {
		b.found = d->store != NULL &&
			  store_outbox_by_message_id(d->store, msg->bounce_id,
						     &id, &rcpt, &err) == 1;
		b.rcpt = rcpt;
		st->bounce = &b;
		classification_deinit(c);
		classify(msg, rt->rules, set, st, util_clock(), c);
		st->bounce = NULL;
	}
	free(rcpt);
	free(err);
}

static int
classify_file(struct runtime *rt, struct dry_run *d, const char *path)
{
	struct classify_settings set;
	struct classify_state st;
	struct classification c;
	struct message *msg;
	const char *err;
	char sha[65], *data, *verdict = NULL, *serr = NULL, *code = NULL;
	size_t len;
	int64_t id;
	int known = 0;

	data = util_read_file(path, MESSAGE_SIZE_MAX + 1, &len, &err);
	if (data == NULL) {
		fprintf(stderr, "%s: %s\n", path, err);
		return -1;
	}
	spool_sha256(data, len, sha);
	msg = message_worker_parse(data, len, len);
	free(data);
	if (d->store != NULL)
		known = store_message_known(d->store, "", "", msg->message_id,
					    sha, &id, &verdict, &serr);
	free(verdict);
	free(serr);
	print_field(path);
	if (known == 1 || dry_seen(d, sha) || dry_seen(d, msg->message_id)) {
		printf("\tseen\t-\talready processed (same Message-ID or "
		       "same bytes)\n");
		message_free(msg);
		return 0;
	}
	dry_key(d, sha);
	if (msg->message_id != NULL)
		dry_key(d, msg->message_id);
	memset(&set, 0, sizeof(set));
	set.own_address = rt->rules->programme->address;
	set.message_id_domain = rt->config->message_id_domain;
	set.trusted_authserv_id = rt->config->trusted_authserv_id;
	set.trust_unlabelled_authres = rt->config->trust_unlabelled_authres;
	memset(&st, 0, sizeof(st));
	st.enrolled = (const char *const *)d->codes;
	st.n_enrolled = d->n_codes;
	st.confirmed = d->confirmed;
	/* who may deliver a text, as the daemon would ask */
	if (d->store != NULL && msg->from_addr != NULL &&
	    store_participant(d->store, msg->from_addr, &code, &serr) == -1) {
		free(serr);
		code = NULL;
	}
	st.participant = code;
	classify(msg, rt->rules, &set, &st, util_clock(), &c);
	classify_again(rt, d, msg, &set, &st, &c);
	free(code);
	printf("\t%s\t%s\t", verdict_name(c.verdict),
	       c.gemeente != NULL ? c.gemeente->code : "-");
	print_field(c.reasons);
	putchar('\n');
	if (c.verdict == VERDICT_ENROL || c.verdict == VERDICT_WAITLIST)
		dry_add(&d->codes, &d->n_codes, c.gemeente->code);
	if (c.verdict == VERDICT_ENROL)
		d->confirmed++;
	classification_deinit(&c);
	message_free(msg);
	return 0;
}

/* The files from argv[i] on: how many, or -1 after saying so.  An
   unknown option is never taken for a file; a file named like one
   follows "--". */
static int
classify_files(int argc, char **argv, int i)
{
	bool rest = false;
	int n = 0;

	for (; i < argc; i++) {
		if (!rest && strcmp(argv[i], "--") == 0) {
			rest = true;
		} else if (!rest && argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr,
				"classify: unknown option %s (usage: aanmeld "
				"classify [--empty] [--] FILE...)\n",
				argv[i]);
			return -1;
		} else {
			n++;
		}
	}
	return n;
}

static int
cmd_classify(struct runtime *rt, int argc, char **argv)
{
	struct dry_run d;
	int i = 1, n, rc = 0;
	bool empty = false, rest = false;
	char *err = NULL;

	memset(&d, 0, sizeof(d));
	if (i < argc && strcmp(argv[i], "--empty") == 0) {
		empty = true;
		i++;
	}
	n = classify_files(argc, argv, i);
	if (n == -1)
		return 2;
	if (n == 0) {
		fprintf(stderr, "classify: no files given\n");
		return 2;
	}
	if (!empty &&
	    store_open(rt->config->database, true, &d.store, &err) == 0)
		rc = store_enrolled(d.store, &d.codes, &d.n_codes, &d.confirmed,
				    &err);
	else if (!empty) {
		/* no database yet: nothing is enrolled */
		free(err);
		err = NULL;
	}
	if (rc == -1) {
		fprintf(stderr, "%s\n", err);
		free(err);
		store_close(&d.store);
		return 1;
	}
	d.keys = lh_kchar_table_new(64, dry_key_free);
	if (d.keys == NULL)
		fatalx("out of memory");
	for (; i < argc; i++) {
		if (!rest && strcmp(argv[i], "--") == 0)
			rest = true;
		else if (classify_file(rt, &d, argv[i]) == -1)
			rc = 1;
	}
	util_free_strv(d.codes, d.n_codes);
	lh_table_free(d.keys);
	store_close(&d.store);
	return rc;
}

static int
cmd_run(struct runtime *rt, int argc, char **argv)
{
	static volatile sig_atomic_t never;
	struct cycle_stats s;

	if (argc != 2 || strcmp(argv[1], "--once") != 0) {
		fprintf(stderr, "usage: aanmeld run --once\n");
		return 2;
	}
	if (runtime_open_store(rt, false) == -1 || runtime_open_io(rt) == -1)
		return 1;
	if (cycle_run(rt, &never, &s) != 0)
		return 1;
	printf("%u new, %u known, %u failed; %u mails sent; %u moved\n",
	       s.intake.recorded, s.intake.known, cycle_failed(&s),
	       s.outbox.sent, s.actions.moved);
	return cycle_failed(&s) > 0 ? 1 : 0;
}

/* The rows of a report, tab-separated, with a header line first. */
static void
print_row(void *ctx, int n, const char *const *values, const char *const *names)
{
	bool *header_done = ctx;
	int i;

	if (!*header_done) {
		for (i = 0; i < n; i++) {
			fputs(names[i], stdout);
			putchar(i + 1 < n ? '\t' : '\n');
		}
		*header_done = true;
	}
	for (i = 0; i < n; i++) {
		print_field(values[i] != NULL ? values[i] : "-");
		putchar(i + 1 < n ? '\t' : '\n');
	}
}

/* A row of the queue: the reason as staff read it, in Dutch from its
   codes (reason.h), in place of the stored English words and codes. */
static void
queue_row(void *ctx, int n, const char *const *values, const char *const *names)
{
	const char *v[16], *nm[16];
	char *dutch = NULL;
	int i, k = 0, reason = -1, codes = -1;

	for (i = 0; i < n && i < 16; i++) {
		if (strcmp(names[i], "reason") == 0)
			reason = i;
		else if (strcmp(names[i], "reason_codes") == 0)
			codes = i;
	}
	if (reason != -1)
		dutch = staff_reason_text(values[reason],
					  codes != -1 ? values[codes] : NULL);
	for (i = 0; i < n && i < 16; i++) {
		if (i == codes)
			continue;
		nm[k] = names[i];
		v[k++] = i == reason ? dutch : values[i];
	}
	print_row(ctx, k, v, nm);
	free(dutch);
}

static int
report(struct runtime *rt, const char *name)
{
	bool header_done = false;
	char *err = NULL;

	if (runtime_open_store(rt, true) == -1)
		return 1;
	if (store_report(rt->store, name, NULL,
			 strcmp(name, "queue") == 0 ? queue_row : print_row,
			 &header_done, &err) == -1) {
		fprintf(stderr, "%s\n", err);
		free(err);
		return 1;
	}
	if (!header_done)
		printf("(none)\n");
	return 0;
}

static int
cmd_queue(struct runtime *rt, int argc, char **argv)
{
	if (argc != 1) {
		fprintf(stderr, "usage: aanmeld queue\n");
		return 2;
	}
	return report(rt, "queue");
}

/* outbox cancel ID: one failed or waiting mail staff give up on; a
   failed one no longer keeps status at PROBLEM. */
static int
outbox_cancel(struct runtime *rt, long long id)
{
	char *serr = NULL, *status = NULL, *who = cli_actor();
	int rc;

	rc = cli_outbox_cancel(rt->store, id, who, util_clock(), &status,
			       &serr);
	free(who);
	if (rc == -1) {
		fprintf(stderr, "outbox cancel: %s\n", serr);
		free(serr);
		return 1;
	}
	if (rc == 1) {
		printf("mail %lld is cancelled; it is never sent\n", id);
		return 0;
	}
	if (status == NULL)
		fprintf(stderr,
			"outbox cancel: no mail %lld (see aanmeld "
			"outbox)\n",
			id);
	else
		fprintf(stderr,
			"outbox cancel: mail %lld is %s; only a failed or "
			"waiting mail can be cancelled\n",
			id, status);
	free(status);
	return 1;
}

static int
cmd_outbox(struct runtime *rt, int argc, char **argv)
{
	long long id;
	const char *err;

	if (argc == 1)
		return report(rt, "outbox");
	if (argc != 3 || strcmp(argv[1], "cancel") != 0) {
		fprintf(stderr, "usage: aanmeld outbox [cancel OUTBOX-ID]\n");
		return 2;
	}
	if (util_strtonum(argv[2], 1, INT64_MAX, &id, &err) == -1) {
		fprintf(stderr, "outbox cancel: '%s' is not a mail number\n",
			argv[2]);
		return 2;
	}
	if (runtime_open_store(rt, false) == -1)
		return 1;
	return outbox_cancel(rt, id);
}

static int
cmd_messages(struct runtime *rt, int argc, char **argv)
{
	if (argc != 1) {
		fprintf(stderr, "usage: aanmeld messages\n");
		return 2;
	}
	return report(rt, "messages");
}

static int
cmd_show(struct runtime *rt, int argc, char **argv)
{
	struct cli_show sh;
	long long id;
	const char *err;
	char *serr = NULL;
	int rc;

	if (argc != 2 ||
	    util_strtonum(argv[1], 1, INT64_MAX, &id, &err) == -1) {
		fprintf(stderr, "usage: aanmeld show MESSAGE-ID-NUMBER\n");
		return 2;
	}
	if (runtime_open_store(rt, true) == -1)
		return 1;
	rc = cli_show_load(rt->store, rt->config->spool_dir, id, &sh, &serr);
	if (rc == 1)
		cli_show_print(&sh);
	else if (rc == 0)
		fprintf(stderr, "show: no message %lld\n", id);
	else
		fprintf(stderr, "show: %s\n", serr);
	free(serr);
	cli_show_deinit(&sh);
	return rc == 1 ? 0 : 1;
}

static int
cmd_retry(struct runtime *rt, int argc, char **argv)
{
	long long id;
	const char *err;
	char *serr = NULL, *status = NULL;
	int rc;

	if (argc != 2 ||
	    util_strtonum(argv[1], 1, INT64_MAX, &id, &err) == -1) {
		fprintf(stderr, "usage: aanmeld retry OUTBOX-ID\n");
		return 2;
	}
	if (runtime_open_store(rt, false) == -1)
		return 1;
	rc = cli_outbox_retry(rt->store, id, util_clock(), &status, &serr);
	if (rc == -1) {
		fprintf(stderr, "retry: %s\n", serr);
		free(serr);
		return 1;
	}
	if (rc == 1) {
		printf("mail %lld is queued again; the daemon sends it on its "
		       "next run\n",
		       id);
		return 0;
	}
	if (status != NULL && strcmp(status, "cancelled") == 0)
		fprintf(stderr,
			"retry: mail %lld was cancelled (see aanmeld "
			"history); it is never sent\n",
			id);
	else if (status != NULL && strcmp(status, "sending") == 0)
		fprintf(stderr,
			"retry: mail %lld is being sent; nothing done\n", id);
	else
		fprintf(stderr,
			"retry: no failed or waiting mail %lld (see "
			"aanmeld outbox)\n",
			id);
	free(status);
	return 1;
}

/* One command, two exports: the programme's table or one person's data. */
static int
cmd_export(struct runtime *rt, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--person") == 0)
			return cli_privacy_export(rt, argc, argv);
	}
	return cli_attendance_export(rt, argc, argv);
}

static const struct command commands[] = {
	{"check", cli_check_run, "check [--connect]",
	 "check config and rules; log in to the servers"},
	{"classify", cmd_classify, "classify [--empty] FILE...",
	 "dry run: judge the files in order, change nothing"},
	{"run", cmd_run, "run --once", "process the mailbox once"},
	{"list", cli_attendance_list, "list [--csv]",
	 "enrolled municipalities, contacts, attendance"},
	{"export", cmd_export, "export --csv [--excel]",
	 "enrolments, contacts and attendance as CSV"},
	{"export", cmd_export, "export --person ADDRESS [--json]",
	 "what is held about one person"},
	{"queue", cmd_queue, "queue", "open review items, oldest first"},
	{"show", cmd_show, "show ID", "one message: verdict, reasons, mail"},
	{"outbox", cmd_outbox, "outbox [cancel ID]",
	 "outgoing mail and its state; cancel: give up a failed or waiting "
	 "mail"},
	{"retry", cmd_retry, "retry ID", "send a failed outbox mail again"},
	{"messages", cmd_messages, "messages", "every message and its verdict"},
	{"remind", cli_programme_remind, "remind [--dry-run]",
	 "queue the reminders due; --dry-run: show every one to come"},
	{"withdraw", cli_programme_withdraw, "withdraw CODE",
	 "withdraw a municipality; promotes the first waiting"},
	{"promote", cli_programme_promote, "promote [--force] [CODE]",
	 "confirm the first (or CODE) on the waiting list"},
	{"contact", cli_contact_run,
	 "contact add|remove|clear-bounce CODE ADDRESS",
	 "add a contact to an enrolment, remove one, or take a bounce's mark "
	 "off one"},
	{"approve", cli_review_approve, "approve ID [--gemeente CODE]",
	 "enrol a review item's sender (default: the suggested "
	 "municipality)"},
	{"reject", cli_review_reject, "reject ID [--silent]",
	 "answer a review item: for municipalities only"},
	{"dismiss", cli_review_dismiss, "dismiss ID",
	 "close a review item without an answer"},
	{"send", cli_send_run,
	 "send TEMPLATE --to confirmed|waitlist|session:N [--dry-run]",
	 "mail a staff-written template to a group, once per contact"},
	{"history", cli_review_history, "history [CODE|ID]",
	 "the audit log, oldest first"},
	{"status", cli_status_run, "status [--help]",
	 "daemon health; exit 1 when polling stalled or mail failed"},
	{"purge", cli_privacy_purge, "purge [--dry-run]",
	 "delete personal data past the retention period"},
	{"forget", cli_privacy_forget, "forget ADDRESS",
	 "erase a person's contact data and mail"},
	{"user", cli_user_run, "user add NAME [--stdin]",
	 "set a staff account's password for aanmeld-web"},
};

/* Root with [main] user works as the user, so that nothing it writes
   (a database journal, a raw copy) ends up root's; root without it may
   still read and repair, as before. */
static int
drop_privileges(struct runtime *rt)
{
	struct privileges_settings set;
	char *err = NULL;

	memset(&set, 0, sizeof(set));
	set.user = rt->config->user;
	set.allow_root = true;
	set.config_path = rt->config->path;
	set.spool_dir = rt->config->spool_dir;
	set.database = rt->config->database;
	if (set.user == NULL)
		return 0;
	if (privileges_drop(&set, NULL, &err) == -1) {
		fprintf(stderr, "%s\n", err);
		free(err);
		return -1;
	}
	return 0;
}

/* The usage and the commands, on out; --help says it on stdout. */
static void
print_usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: aanmeld [-c aanmeld.conf] [--now TIME] "
		     "COMMAND [ARGS]\n"
		     "       aanmeld --help | --version\n\ncommands:\n");
	for (i = 0; i < nitems(commands); i++)
		fprintf(out, "  %-28s %s\n", commands[i].usage,
			commands[i].help);
	fprintf(out, "\n-c and --now may also follow the command; "
		     "-c defaults to $AANMELD_CONF.\n");
}

static const struct command *
find_command(const char *name)
{
	size_t i;

	for (i = 0; i < nitems(commands); i++) {
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	}
	return NULL;
}

/* What the command line asks for before any config is read: an exit
   status, or -1 to go on and run the command. */
static int
before_command(const struct cli_args *a, const struct command *cmd)
{
	if (a->version) {
		printf("aanmeld %s\n", VERSION);
		return 0;
	}
	if (a->help) {
		print_usage(stdout);
		return 0;
	}
	if (a->argc == 0) {
		print_usage(stderr);
		return 2;
	}
	if (cmd == NULL) {
		fprintf(stderr,
			"aanmeld: unknown command '%s' (aanmeld --help lists "
			"them)\n",
			a->argv[0]);
		return 2;
	}
	if (a->argc > 1 && strcmp(a->argv[1], "--help") == 0 &&
	    !has_own_help(cmd->name)) {
		printf("usage: aanmeld %s\n  %s\n", cmd->usage, cmd->help);
		return 0;
	}
	return -1;
}

int
main(int argc, char *argv[])
{
	const struct command *cmd = NULL;
	struct cli_args a;
	struct runtime rt;
	const char *err;
	int rc;

	if (cli_args_parse(&a, argc, argv, &err) == -1) {
		fprintf(stderr, "aanmeld: %s %s (aanmeld --help)\n", a.bad,
			err);
		cli_args_deinit(&a);
		return 2;
	}
	if (a.argc > 0)
		cmd = find_command(a.argv[0]);
	rc = before_command(&a, cmd);
	if (rc != -1) {
		cli_args_deinit(&a);
		return rc;
	}
	log_init(1, LOG_MAIL);
	/* user add stays root: it writes the users file in root's config
	   folder and gives it to [main] user itself (cli_user.c) */
	if (runtime_start(&rt, a.conf, a.now) == -1 ||
	    (strcmp(cmd->name, "user") != 0 && drop_privileges(&rt) == -1)) {
		runtime_close(&rt);
		cli_args_deinit(&a);
		return 1;
	}
	/* only a pass of the daemon's own (run --once) makes the database */
	rt.store_create = strcmp(cmd->name, "run") == 0;
	rc = cmd->run(&rt, a.argc, a.argv);
	runtime_close(&rt);
	cli_args_deinit(&a);
	return rc;
}
