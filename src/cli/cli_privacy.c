/*
 * aanmeld purge, forget and export --person (cli_privacy.h).
 */
#include "autoconf.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_privacy.h"
#include "config.h"
#include "escape.h"
#include "retention.h"
#include "rules.h"
#include "runtime.h"
#include "store_privacy.h"
#include "util.h"

static const char *
outbox_dir(const struct runtime *rt)
{
	return rt->config->transport_kind == CONFIG_TRANSPORT_FILE
		       ? rt->config->outbox_dir
		       : NULL;
}

int
cli_privacy_purge(struct runtime *rt, int argc, char **argv)
{
	struct retention_counts n;
	bool dry_run = argc == 2 && strcmp(argv[1], "--dry-run") == 0;
	time_t cutoff;
	char when[32], *err = NULL;
	struct tm tm;
	int rc;

	if (argc > 2 || (argc == 2 && !dry_run)) {
		fprintf(stderr, "usage: aanmeld purge [--dry-run]\n");
		return 2;
	}
	cutoff = retention_cutoff(retention_programme_end(rt->rules->programme),
				  rt->config->retention_months);
	localtime_r(&cutoff, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
	if (runtime_open_store(rt, false) == -1)
		return 1;
	rc = retention_purge(rt->store, rt->rules->programme,
			     rt->config->retention_months,
			     rt->config->spool_dir, outbox_dir(rt),
			     util_clock(), dry_run, &n, &err);
	if (rc == -1) {
		fprintf(stderr, "purge: %s\n", err);
		free(err);
		return 1;
	}
	if (rc == 0) {
		printf("retention: kept until %s (%u month%s after the "
		       "programme); nothing purged\n",
		       when, rt->config->retention_months,
		       rt->config->retention_months == 1 ? "" : "s");
		return 0;
	}
	printf("retention: ended %s; %s %u files, %u messages, %u "
	       "contacts, %u mails, %u review notes\n",
	       when, dry_run ? "would purge" : "purged", n.spool_files,
	       n.messages, n.contacts, n.outbox, n.review);
	return 0;
}

/* An address as the store holds it: the bare address, any case. */
static int
person_arg(const char *arg, char **addr_r)
{
	if (strchr(arg, '@') == NULL || strchr(arg, ' ') != NULL ||
	    strchr(arg, '<') != NULL) {
		fprintf(stderr, "'%s' is not a mail address\n", arg);
		return -1;
	}
	*addr_r = xstrdup(arg);
	return 0;
}

int
cli_privacy_forget(struct runtime *rt, int argc, char **argv)
{
	struct retention_counts n;
	char *addr, *err = NULL;

	if (argc != 2) {
		fprintf(stderr, "usage: aanmeld forget ADDRESS\n");
		return 2;
	}
	if (person_arg(argv[1], &addr) == -1)
		return 2;
	if (runtime_open_store(rt, false) == -1) {
		free(addr);
		return 1;
	}
	if (retention_forget(rt->store, addr, rt->config->spool_dir,
			     outbox_dir(rt), util_clock(), &n, &err) == -1) {
		fprintf(stderr, "forget: %s\n", err);
		free(err);
		free(addr);
		return 1;
	}
	free(addr);
	if ((n.spool_files | n.messages | n.contacts | n.outbox | n.review) ==
	    0) {
		printf("forgotten: nothing was held about this address\n");
		return 0;
	}
	printf("forgotten: %u contact%s, %u message%s, %u mail%s, %u review "
	       "note%s, %u file%s\n",
	       n.contacts, n.contacts == 1 ? "" : "s", n.messages,
	       n.messages == 1 ? "" : "s", n.outbox, n.outbox == 1 ? "" : "s",
	       n.review, n.review == 1 ? "" : "s", n.spool_files,
	       n.spool_files == 1 ? "" : "s");
	return 0;
}

struct export
{
	bool json;
	struct json_object *array; /* of the section, for --json */
	unsigned rows;
};

static void
export_row(void *ctx, int n, const char *const *values,
	   const char *const *names)
{
	struct export *e = ctx;
	struct json_object *o;
	int i;

	e->rows++;
	if (e->json) {
		o = json_object_new_object();
		for (i = 0; i < n; i++)
			json_object_object_add(
				o, names[i],
				values[i] != NULL
					? json_object_new_string(values[i])
					: NULL);
		json_object_array_add(e->array, o);
		return;
	}
	for (i = 0; i < n; i++) {
		printf("  %-18s ", names[i]);
		escape_fputs(values[i] != NULL ? values[i] : "-", ESCAPE_LINE,
			     stdout);
		putchar('\n');
	}
	putchar('\n');
}

int
cli_privacy_export(struct runtime *rt, int argc, char **argv)
{
	struct export e = {false, NULL, 0};
	struct json_object *root = NULL;
	const char *person = NULL;
	char *addr, *err = NULL;
	bool bad = false;
	size_t i;
	int k, rc = 0;

	for (k = 1; k < argc && !bad; k++) {
		if (strcmp(argv[k], "--json") == 0)
			e.json = true;
		else if (strcmp(argv[k], "--person") == 0 && k + 1 < argc)
			person = argv[++k];
		else
			bad = true;
	}
	if (person == NULL || bad) {
		fprintf(stderr,
			"usage: aanmeld export --person ADDRESS [--json]\n");
		return 2;
	}
	if (person_arg(person, &addr) == -1)
		return 2;
	if (runtime_open_store(rt, true) == -1) {
		free(addr);
		return 1;
	}
	if (e.json) {
		root = json_object_new_object();
		json_object_object_add(root, "address",
				       json_object_new_string(addr));
	} else
		printf("What is held about %s:\n", addr);
	for (i = 0; i < store_privacy_n_sections && rc == 0; i++) {
		unsigned before = e.rows;

		if (e.json)
			e.array = json_object_new_array();
		else
			printf("\n%s:\n", store_privacy_sections[i]);
		if (store_privacy_export(rt->store, store_privacy_sections[i],
					 addr, export_row, &e, &err) == -1) {
			fprintf(stderr, "export: %s\n", err);
			free(err);
			rc = 1;
		}
		if (e.json)
			json_object_object_add(root, store_privacy_sections[i],
					       e.array);
		else if (e.rows == before)
			printf("  (none)\n");
	}
	if (e.json) {
		if (rc == 0)
			printf("%s\n", json_object_to_json_string_ext(
					       root, JSON_C_TO_STRING_PRETTY));
		json_object_put(root);
	}
	free(addr);
	return rc;
}
