#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "log.h"
#include "mailbox.h"
#include "programme.h"
#include "rules.h"
#include "runtime.h"
#include "smtp.h"
#include "spool.h"
#include "store.h"
#include "util.h"

static void
print_errors(struct buf *errors)
{
	fputs(buf_str(errors), stderr);
	buf_deinit(errors);
}

int
runtime_load(struct runtime *rt, const char *conf_path, const char *now_spec)
{
	struct buf errors;
	enum log_level level;

	memset(rt, 0, sizeof(*rt));
	buf_init(&errors, 1024 * 1024);
	if (conf_path == NULL)
		conf_path = getenv("AANMELD_CONF");
	rt->config = config_load(conf_path, &errors);
	if (rt->config == NULL) {
		print_errors(&errors);
		return -1;
	}
	if (log_level_parse(rt->config->log_level, &level) == 0)
		log_set_level(level);
	rt->rules = rules_load(rt->config->rules_dir, &errors);
	if (rt->rules == NULL) {
		print_errors(&errors);
		return -1;
	}
	buf_deinit(&errors);
	config_derive(rt->config, rt->rules->programme->address);
	if (now_spec == NULL)
		now_spec = getenv("AANMELD_NOW");
	if (now_spec != NULL && util_clock_set(now_spec) == -1) {
		fprintf(stderr,
			"--now: '%s' is not a time (YYYY-MM-DD HH:MM)\n",
			now_spec);
		return -1;
	}
	return 0;
}

int
runtime_reload_rules(struct runtime *rt)
{
	struct buf errors;
	struct rules *r;

	buf_init(&errors, 1024 * 1024);
	r = rules_load(rt->config->rules_dir, &errors);
	if (r == NULL) {
		log_warnx("reloading %s failed, keeping the old rules:\n%s",
			  rt->config->rules_dir, buf_str(&errors));
		buf_deinit(&errors);
		return -1;
	}
	buf_deinit(&errors);
	rules_free(rt->rules);
	rt->rules = r;
	log_info("reloaded the rules from %s", rt->config->rules_dir);
	return 0;
}

int
runtime_open_store(struct runtime *rt, bool readonly)
{
	char *err = NULL, *dir, *slash;

	if (rt->store != NULL)
		return 0;
	dir = xstrdup(rt->config->database);
	slash = strrchr(dir, '/');
	if (slash != NULL && !readonly) {
		*slash = '\0';
		if (spool_mkdir(dir, &err) == -1) {
			log_warnx("%s", err);
			free(err);
			free(dir);
			return -1;
		}
	}
	free(dir);
	if (store_open(rt->config->database, readonly, &rt->store, &err) ==
	    -1) {
		log_warnx("%s", err);
		free(err);
		return -1;
	}
	return 0;
}

int
runtime_open_io(struct runtime *rt)
{
	char *err = NULL;

	rt->mailbox = mailbox_open(rt->config->mailbox_type,
				   rt->config->maildir, &err);
	if (rt->mailbox != NULL)
		rt->smtp = smtp_file_new(rt->config->outbox_dir, &err);
	if (rt->mailbox == NULL || rt->smtp == NULL) {
		log_warnx("%s", err);
		free(err);
		return -1;
	}
	return 0;
}

void
runtime_close(struct runtime *rt)
{
	smtp_close(&rt->smtp);
	mailbox_close(&rt->mailbox);
	store_close(&rt->store);
	rules_free(rt->rules);
	config_free(rt->config);
	memset(rt, 0, sizeof(*rt));
}

int
runtime_cycle(struct runtime *rt, volatile sig_atomic_t *stop,
	      struct cycle_stats *stats)
{
	struct intake in;
	char *err = NULL;
	int rc;

	memset(stats, 0, sizeof(*stats));
	intake_init(&in, rt->config, rt->rules, rt->store, rt->mailbox);
	rc = intake_run(&in, util_clock(), stop, &stats->intake, &err);
	if (rc == -1)
		log_warnx("intake: %s", err);
	free(err);
	err = NULL;
	/* the outbox works even when the mailbox does not */
	if (outbox_run(rt->store, rt->smtp, util_clock(), &stats->outbox,
		       &err) == -1) {
		log_warnx("outbox: %s", err);
		rc = -1;
	}
	free(err);
	err = NULL;
	if (actions_run(rt->store, rt->mailbox, util_clock(), &stats->actions,
			&err) == -1) {
		log_warnx("mailbox actions: %s", err);
		rc = -1;
	}
	free(err);
	return rc;
}
