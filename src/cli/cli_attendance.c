#include "autoconf.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_attendance.h"
#include "export.h"
#include "rules.h"
#include "runtime.h"
#include "store_attendance.h"
#include "util.h"

#define LIST_USAGE "usage: aanmeld list [--csv]\n"
#define EXPORT_USAGE                                                           \
	"usage: aanmeld export --csv [--excel]\n"                              \
	"       aanmeld export --person ADDRESS [--json]\n"

/* What the store holds, as a table over the programme. */
struct loaded {
	struct store_attendance_contact *contacts;
	size_t n_contacts;
	struct store_attendance_answer *answers;
	size_t n_answers;
	struct export_table table;
};

/* Reads the table from s.  0, or -1 with *error_r (heap). */
static int
load_from(struct store *s, const struct programme *p, struct loaded *l,
	  char **error_r)
{
	memset(l, 0, sizeof(*l));
	if (store_attendance_contacts(s, &l->contacts, &l->n_contacts,
				      error_r) == -1 ||
	    store_attendance_answers(s, &l->answers, &l->n_answers, error_r) ==
		    -1) {
		store_attendance_contacts_free(l->contacts, l->n_contacts);
		return -1;
	}
	export_table_init(&l->table, p, l->contacts, l->n_contacts, l->answers,
			  l->n_answers);
	return 0;
}

static int
load(struct runtime *rt, struct loaded *l)
{
	char *err = NULL;

	memset(l, 0, sizeof(*l));
	if (runtime_open_store(rt, true) == -1)
		return -1;
	if (load_from(rt->store, rt->rules->programme, l, &err) == -1) {
		fprintf(stderr, "%s\n", err);
		free(err);
		return -1;
	}
	return 0;
}

static void
unload(struct loaded *l)
{
	export_table_deinit(&l->table);
	store_attendance_contacts_free(l->contacts, l->n_contacts);
	store_attendance_answers_free(l->answers, l->n_answers);
}

/* Writes len bytes to stdout; 0, or 1 after saying why. */
static int
emit(const char *cmd, const char *data, size_t len)
{
	if (data == NULL) {
		fprintf(stderr, "%s: the output is too large\n", cmd);
		return 1;
	}
	if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
		fprintf(stderr, "%s: cannot write the output: %s\n", cmd,
			strerror(errno));
		return 1;
	}
	return 0;
}

int
cli_attendance_list(struct runtime *rt, int argc, char **argv)
{
	struct loaded l;
	bool csv = false;
	char *out;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--csv") == 0)
			csv = true;
		else if (strcmp(argv[i], "--help") == 0 ||
			 strcmp(argv[i], "-h") == 0) {
			printf(LIST_USAGE "The enrolled municipalities, one "
					  "line per contact, with the answer "
					  "to each invitation.\n");
			return 0;
		} else {
			fprintf(stderr,
				"list: unknown argument '%s'\n" LIST_USAGE,
				argv[i]);
			return 2;
		}
	}
	if (load(rt, &l) == -1)
		return 1;
	if (l.table.n_rows == 0 && !csv) {
		printf("(none)\n");
		unload(&l);
		return 0;
	}
	out = export_list(&l.table, csv);
	rc = emit("list", out, out != NULL ? strlen(out) : 0);
	free(out);
	unload(&l);
	return rc;
}

int
cli_attendance_export(struct runtime *rt, int argc, char **argv)
{
	bool csv = false, excel = false;
	char *out, *err = NULL;
	size_t len = 0;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--csv") == 0)
			csv = true;
		else if (strcmp(argv[i], "--excel") == 0)
			excel = true;
		else if (strcmp(argv[i], "--help") == 0 ||
			 strcmp(argv[i], "-h") == 0) {
			printf(EXPORT_USAGE
			       "Writes the enrolments, their contacts and the "
			       "answer of each contact\nto each invitation as "
			       "CSV (RFC 4180, UTF-8) to standard output.\n"
			       "  --csv    comma-separated, CRLF line ends\n"
			       "  --excel  for Dutch Excel: a UTF-8 byte order "
			       "mark and ';' between fields\n");
			return 0;
		} else {
			fprintf(stderr,
				"export: unknown argument '%s'\n" EXPORT_USAGE,
				argv[i]);
			return 2;
		}
	}
	if (!csv) {
		fprintf(stderr, "export: --csv is required (the only format "
				"so far)\n" EXPORT_USAGE);
		return 2;
	}
	if (runtime_open_store(rt, true) == -1)
		return 1;
	out = cli_attendance_csv(rt->store, rt->rules->programme, excel, &len,
				 &err);
	if (out == NULL) {
		fprintf(stderr, "export: %s\n", err);
		free(err);
		return 1;
	}
	rc = emit("export", out, len);
	free(out);
	return rc;
}

char *
cli_attendance_csv(struct store *s, const struct programme *p, bool excel,
		   size_t *len_r, char **error_r)
{
	struct loaded l;
	char *out;

	*len_r = 0;
	if (load_from(s, p, &l, error_r) == -1)
		return NULL;
	out = export_csv(&l.table, excel, len_r);
	unload(&l);
	if (out == NULL)
		*error_r = xstrdup("the output is too large");
	return out;
}
