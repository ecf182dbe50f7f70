#include "autoconf.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audience.h"
#include "buf.h"
#include "cli_actor.h"
#include "cli_send.h"
#include "config.h"
#include "escape.h"
#include "rules.h"
#include "runtime.h"
#include "schedule.h"
#include "send_group.h"
#include "template.h"
#include "util.h"

#define SEND_USAGE                                                             \
	"usage: aanmeld send TEMPLATE --to confirmed|waitlist|session:N "      \
	"[--dry-run]\n"

struct send {
	struct runtime *rt;
	const char *name; /* as given */
	struct template *t;
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
	s->t = template_load_file(path, send_group_vars, send_group_n_vars,
				  &errors);
	if (s->t == NULL)
		fprintf(stderr, "send: the template is refused:\n%s",
			buf_str(&errors));
	buf_deinit(&errors);
	free(path);
	return s->t == NULL ? -1 : 0;
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
run(struct send *s)
{
	static const char *const said[] = {
		[SEND_GROUP_QUEUED_BEFORE] = "queued before",
		[SEND_GROUP_SENT_BEFORE] = "sent before",
		[SEND_GROUP_FAILED_BEFORE] = "failed before",
		[SEND_GROUP_CAME_BACK] = "came back",
	};
	struct send_group g;
	char *err = NULL, *actor = cli_actor();
	size_t i;
	int rc;

	memset(&g, 0, sizeof(g));
	g.config = s->rt->config;
	g.programme = s->rt->rules->programme;
	g.t = s->t;
	g.name = s->name;
	g.to = s->to;
	rc = send_group_run(&g, s->rt->store, !s->dry_run, actor, &err);
	for (i = 0; i < g.n; i++)
		print_contact(g.rows[i].c, g.rows[i].state != SEND_GROUP_NEW
						   ? said[g.rows[i].state]
					   : s->dry_run ? "would send"
							: "send");
	if (rc == -1)
		fprintf(stderr, "send: %s\n", err);
	else {
		printf("%s: %u new, %u queued before, %u sent before",
		       s->dry_run ? "dry run" : "queued",
		       s->dry_run ? g.fresh : g.queued, g.waiting, g.known);
		if (g.failed > 0)
			printf(", %u failed before", g.failed);
		if (g.back > 0)
			printf(", %u came back", g.back);
		putchar('\n');
	}
	send_group_free(&g);
	free(err);
	free(actor);
	return rc;
}

int
cli_send_run(struct runtime *rt, int argc, char **argv)
{
	struct send s;
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
	if (rc == 0)
		rc = run(&s);
	template_free(s.t);
	return rc == 0 ? 0 : 1;
}
