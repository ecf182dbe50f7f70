#include "autoconf.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audience.h"
#include "buf.h"
#include "cli_actor.h"
#include "cli_send.h"
#include "compose.h"
#include "config.h"
#include "escape.h"
#include "nldate.h"
#include "outmail.h"
#include "programme.h"
#include "rules.h"
#include "runtime.h"
#include "schedule.h"
#include "store_attendance.h"
#include "store_contact.h"
#include "store_programme.h"
#include "template.h"
#include "util.h"

#define SEND_USAGE                                                             \
	"usage: aanmeld send TEMPLATE --to confirmed|waitlist|session:N "      \
	"[--dry-run]\n"

/* The placeholders a mail to a contact can fill; any other is refused
   before anything is queued. */
static const char *const send_vars[] = {
	"event",	 "organiser",	 "organiser_name",
	"event_address", "municipality", "sender",
	"programme",	 "capacity",	 "closing_date",
};

struct send {
	struct runtime *rt;
	const char *name; /* as given */
	struct template *t;
	char *text; /* subject and body as written: the key's hash */
	struct audience to;
	bool dry_run;
};

/* TEMPLATE: a path when it holds a "/", else a file in the rules'
   templates folder (".txt" may be left off).  Heap. */
static char *
template_path(const struct config *cfg, const char *name)
{
	if (strchr(name, '/') != NULL)
		return xstrdup(name);
	if (strlen(name) > 4 && strcmp(name + strlen(name) - 4, ".txt") == 0)
		return xasprintf("%s/templates/%s", cfg->rules_dir, name);
	return xasprintf("%s/templates/%s.txt", cfg->rules_dir, name);
}

static int
parse_args(struct send *s, int argc, char **argv)
{
	const char *to = NULL, *err;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dry-run") == 0)
			s->dry_run = true;
		else if (strcmp(argv[i], "--to") == 0 && i + 1 < argc)
			to = argv[++i];
		else if (argv[i][0] != '-' && s->name == NULL)
			s->name = argv[i];
		else {
			fprintf(stderr, "send: unexpected argument '%s'\n",
				argv[i]);
			return -1;
		}
	}
	if (s->name == NULL || to == NULL) {
		fprintf(stderr, "send: a template and --to are required\n");
		return -1;
	}
	if (audience_parse(to, s->rt->rules->programme, &s->to, &err) == -1) {
		fprintf(stderr, "send: --to %s: %s\n", to, err);
		return -1;
	}
	return 0;
}

static int
load_template(struct send *s)
{
	char *path = template_path(s->rt->config, s->name);
	struct buf errors;

	buf_init(&errors, 65536);
	s->t = template_load_file(path, send_vars, nitems(send_vars), &errors);
	if (s->t == NULL)
		fprintf(stderr, "send: the template is refused:\n%s",
			buf_str(&errors));
	buf_deinit(&errors);
	free(path);
	if (s->t == NULL)
		return -1;
	s->text = xasprintf("%s\n\n%s", s->t->subject, s->t->body);
	return 0;
}

/* The mail for contact c into *out.  0, or -1 after saying why. */
static int
build(struct send *s, const struct schedule_contact *c, char *key,
      struct outmail *out)
{
	const struct programme *p = s->rt->rules->programme;
	char capacity[32], closing[64], *programme, *subject, *body;
	struct compose_mail m;
	const char *err;
	size_t n;

	snprintf(capacity, sizeof(capacity), "%ld", p->capacity);
	nldate_format(p->closes, closing, sizeof(closing));
	programme = programme_format(p);
	{
		struct template_var vars[] = {
			[TEMPLATE_COMMON_VARS] = {"municipality",
						  c->municipality},
			{"sender", c->addr},
			{"programme", programme},
			{"capacity", capacity},
			{"closing_date", closing},
		};

		template_common_vars(vars, p);
		subject = template_render(s->t->subject, vars, nitems(vars));
		body = template_render(s->t->body, vars, nitems(vars));
	}
	free(programme);
	outmail_init(out, key, "send", s->rt->config);
	memset(&m, 0, sizeof(m));
	m.from_name = p->organiser_name;
	m.from_addr = p->address;
	m.to_name = c->name;
	m.to_addr = c->addr;
	m.message_id = out->message_id;
	m.subject = subject;
	m.body = body;
	m.auto_submitted = "auto-generated";
	m.date = util_clock();
	out->raw = compose_message(&m, &n, &err);
	free(subject);
	free(body);
	if (out->raw == NULL) {
		fprintf(stderr, "send: cannot compose the mail for %s: %s\n",
			c->code, err);
		outmail_deinit(out);
		return -1;
	}
	out->len = n;
	out->rcpt = xstrdup(c->addr);
	return 0;
}

/* Prints one contact of the group and what happens to it. */
static void
print_contact(const struct schedule_contact *c, const char *state)
{
	printf("%s\t", state);
	escape_fputs(c->code, ESCAPE_LINE, stdout);
	putchar('\t');
	escape_fputs(c->municipality, ESCAPE_LINE, stdout);
	putchar('\t');
	escape_fputs(c->addr, ESCAPE_LINE, stdout);
	putchar('\n');
}

/* Queues (or with --dry-run lists) the mail to every contact of the
   group that has not had it.  0, or -1 after saying why. */
static int
run(struct send *s, const struct schedule_contact *cs, size_t n,
    const struct store_attendance_answer *answers, size_t n_answers)
{
	struct outmail_list mails;
	struct outmail one;
	const char **codes = xcalloc(n + 1, sizeof(*codes));
	char *err = NULL, *key, *actor, *detail, *status;
	unsigned queued = 0, waiting = 0, known = 0, failed = 0, would = 0,
		 back = 0;
	size_t i;
	int rc = 0, q;

	outmail_list_init(&mails);
	for (i = 0; i < n && rc == 0; i++) {
		if (!audience_includes(&s->to, &cs[i], answers, n_answers))
			continue;
		/* mail to it came back: the daemon would only hold it */
		q = store_contact_undeliverable(s->rt->store, cs[i].addr, &err);
		if (q != 0) {
			rc = q == -1 ? -1 : 0;
			back += q == 1;
			if (q == 1)
				print_contact(&cs[i], "came back");
			continue;
		}
		key = audience_key(s->text, strlen(s->text), cs[i].code,
				   cs[i].addr);
		q = store_programme_queued_status(s->rt->store, key, &status,
						  &err);
		if (q != 0) {
			free(key);
			rc = q == -1 ? -1 : 0;
			/* queued is not yet sent: the daemon sends it */
			if (q == 1 && strcmp(status, "queued") == 0) {
				waiting++;
				print_contact(&cs[i], "queued before");
			} else if (q == 1 && strcmp(status, "failed") == 0) {
				failed++;
				print_contact(&cs[i], "failed before");
			} else if (q == 1) {
				known++;
				print_contact(&cs[i], "sent before");
			}
			free(status);
			continue;
		}
		print_contact(&cs[i], s->dry_run ? "would send" : "send");
		if (s->dry_run) {
			would++;
			free(key);
			continue;
		}
		if (build(s, &cs[i], key, &one) == -1) {
			rc = -1;
			break;
		}
		codes[mails.n] = cs[i].code;
		outmail_list_add(&mails, &one);
	}
	actor = cli_actor();
	detail = xasprintf("template %s (%.16s)", s->name,
			   mails.n > 0 ? mails.mails[0].key + 5 : "-");
	if (rc == 0 && mails.n > 0)
		rc = store_programme_queue_audited(
			s->rt->store, mails.mails, codes, mails.n, util_clock(),
			actor, "send", detail, &queued, &err);
	if (rc == -1 && err != NULL)
		fprintf(stderr, "send: %s\n", err);
	else if (rc == 0) {
		printf("%s: %u new, %u queued before, %u sent before",
		       s->dry_run ? "dry run" : "queued",
		       s->dry_run ? would : queued, waiting, known);
		if (failed > 0)
			printf(", %u failed before", failed);
		if (back > 0)
			printf(", %u came back", back);
		putchar('\n');
	}
	free(err);
	free(actor);
	free(detail);
	free(codes);
	outmail_list_deinit(&mails);
	return rc;
}

int
cli_send_run(struct runtime *rt, int argc, char **argv)
{
	struct schedule_contact *contacts = NULL;
	struct store_attendance_answer *answers = NULL;
	size_t n = 0, n_answers = 0;
	struct send s;
	char *err = NULL;
	int rc;

	memset(&s, 0, sizeof(s));
	s.rt = rt;
	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		printf(SEND_USAGE);
		return 0;
	}
	if (parse_args(&s, argc, argv) == -1) {
		fprintf(stderr, SEND_USAGE);
		return 2;
	}
	if (load_template(&s) == -1)
		return 1;
	rc = runtime_open_store(rt, s.dry_run);
	if (rc == 0 &&
	    (store_programme_contacts(rt->store, &contacts, &n, &err) == -1 ||
	     store_attendance_answers(rt->store, &answers, &n_answers, &err) ==
		     -1)) {
		fprintf(stderr, "send: %s\n", err);
		free(err);
		rc = -1;
	}
	if (rc == 0)
		rc = run(&s, contacts, n, answers, n_answers);
	store_programme_contacts_free(contacts, n);
	store_attendance_answers_free(answers, n_answers);
	template_free(s.t);
	free(s.text);
	return rc == 0 ? 0 : 1;
}
