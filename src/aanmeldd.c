/*
 * aanmeldd: the daemon.  Reads the mailbox, decides, records, answers,
 * then waits for new mail.  SIGTERM/SIGINT finish the current message and
 * exit 0; SIGHUP reloads the rules.
 */
#include "autoconf.h"

#include <curl/curl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config.h"
#include "cycle.h"
#include "detach.h"
#include "dryrun.h"
#include "log.h"
#include "mailbox.h"
#include "notify.h"
#include "privileges.h"
#include "retention.h"
#include "rules.h"
#include "runtime.h"
#include "store_outbox.h"
#include "store_report.h"
#include "util.h"

static volatile sig_atomic_t stop;
static volatile sig_atomic_t reload;
static volatile sig_atomic_t wake; /* ends the wait for mail */

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		reload = 1;
	else
		stop = 1;
	wake = 1;
}

static void
usage(void)
{
	fprintf(stderr, "usage: aanmeldd [-fR] [--once | --dry-run] "
			"[-c aanmeld.conf] [-p pid-file] [--now TIME] "
			"[--allow-root]\n");
	exit(2);
}

static void
print_decision(void *ctx, int n, const char *const *values,
	       const char *const *names)
{
	int i;

	(void)ctx;
	(void)names;
	for (i = 0; i < n; i++)
		printf("%s%s", i > 0 ? "\t" : "",
		       values[i] != NULL ? values[i] : "");
	putchar('\n');
}

/* --dry-run: every decision the pipeline would take (dryrun.h).  0/-1. */
static int
print_dry_run(struct runtime *rt)
{
	char since[32], *err = NULL;
	struct dryrun d;
	int rc = 0;

	if (dryrun_begin(&d, rt, &stop) == -1)
		return -1;
	snprintf(since, sizeof(since), "%lld", (long long)d.before);
	printf("message\tsender\tverdict\tfolder\tanswer\treasons\n");
	if (store_report(rt->store, "decisions", since, print_decision, NULL,
			 &err) == -1) {
		if (err != NULL && err[0] != '\0')
			log_warnx("dry run: %s", err);
		free(err);
		rc = -1;
	} else {
		printf("dry run: %u messages; nothing was stored, sent or "
		       "moved\n",
		       d.stats.recorded + d.stats.known);
	}
	dryrun_end(&d, rt);
	return rc;
}

/* The STATUS line the service manager shows (systemctl status). */
static void
report_status(struct runtime *rt, int rc, const struct cycle_stats *stats,
	      time_t *last_poll, time_t *down_since)
{
	char line[NOTIFY_STATUS_MAX], *err = NULL;
	/* what the pass left in the inbox */
	unsigned queued = 0, failed = 0, backlog = stats->intake.failed;
	time_t now = util_clock();

	if (rc == MAILBOX_UNREACHABLE) {
		if (*down_since == 0)
			*down_since = now;
	} else {
		*down_since = 0;
		*last_poll = now;
	}
	if (store_outbox_counts(rt->store, &queued, &failed, &err) == -1) {
		log_debug("status: %s", err);
		free(err);
	}
	notify_format_status(line, sizeof(line),
			     *down_since != 0 ? *down_since : *last_poll, now,
			     backlog, queued, failed, *down_since == 0);
	notify_status("%s", line);
}

/* Before the database or any mail is opened: see privileges.h. */
static int
drop_privileges(struct runtime *rt, bool allow_root)
{
	struct privileges_settings set;
	char *err = NULL;
	bool dropped;

	set.user = rt->config->user;
	set.allow_root = allow_root;
	set.config_path = rt->config->path;
	set.spool_dir = rt->config->spool_dir;
	set.database = rt->config->database;
	set.create_spool = true;
	if (privileges_drop(&set, &dropped, &err) == -1) {
		log_warnx("%s", err);
		free(err);
		return -1;
	}
	if (dropped)
		log_info("running as %s", rt->config->user);
	return 0;
}

/* The retention purge, once a day; cheap until the programme's data is
   due (no query at all before the cut-off). */
static void
daily_purge(struct runtime *rt, time_t *last)
{
	struct retention_counts n;
	time_t now = util_clock();
	char *err = NULL;

	if (*last != 0 && now - *last < 24 * 3600)
		return;
	*last = now;
	if (retention_purge(rt->store, rt->rules->programme,
			    rt->config->retention_months, rt->config->spool_dir,
			    rt->config->transport_kind == CONFIG_TRANSPORT_FILE
				    ? rt->config->outbox_dir
				    : NULL,
			    now, false, &n, &err) == -1) {
		log_warnx("retention: %s", err);
		free(err);
	}
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"foreground", no_argument, NULL, 'f'},
		{"once", no_argument, NULL, 'o'},
		{"dry-run", no_argument, NULL, 'n'},
		{"now", required_argument, NULL, 'N'},
		{"allow-root", no_argument, NULL, 'R'},
		{"pid-file", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *conf = NULL, *now = NULL, *pid_file = NULL;
	int foreground = 0, once = 0, dry_run = 0, ch, rc = 0;
	bool allow_root = false, background;
	time_t last_purge = 0;
	time_t last_poll = 0, down_since = 0;
	unsigned watchdog;
	struct cycle_stats stats;
	struct detach detach = {NULL, -1};
	char *why = NULL;
	struct sigaction sa;
	struct runtime rt;

	for (;;) {
		ch = getopt_long(argc, argv, "c:dfhp:R", longopts, NULL);
		if (ch == -1)
			break;
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		case 'd':
		case 'f':
			foreground = 1;
			break;
		case 'o':
			once = 1;
			break;
		case 'n':
			dry_run = 1;
			break;
		case 'N':
			now = optarg;
			break;
		case 'p':
			pid_file = optarg;
			break;
		case 'R':
			allow_root = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || (pid_file != NULL && (once || dry_run)))
		usage();
	background = pid_file != NULL && !foreground;
	/* a start in the background says on stderr why it failed */
	log_init(foreground || once || dry_run || pid_file != NULL, LOG_MAIL);
	signal(SIGPIPE, SIG_IGN);
	/* once, before anything else runs: it is not thread-safe */
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (runtime_load(&rt, conf, now) == -1) {
		runtime_close(&rt);
		return 1;
	}
	/* the pid file still as the user who starts it, and the fork before
	   the database is opened */
	if (detach_begin(&detach, pid_file, background, &why) == -1) {
		log_warnx("%s", why);
		free(why);
		runtime_close(&rt);
		return 1;
	}
	if (drop_privileges(&rt, allow_root) == -1) {
		runtime_close(&rt);
		detach_end(&detach);
		return 1;
	}
	if (dry_run) {
		rc = print_dry_run(&rt) == -1;
		runtime_close(&rt);
		return rc;
	}
	if (runtime_open_store(&rt, false) == -1 ||
	    runtime_open_io(&rt) == -1) {
		detach_end(&detach);
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (detach_ready(&detach, &why) == -1) {
		log_warnx("%s", why);
		free(why);
		runtime_close(&rt);
		detach_end(&detach);
		return 1;
	}
	if (background)
		log_init(0, LOG_MAIL); /* stderr is /dev/null now */
	log_info("aanmeldd %s started: mailbox %s, database %s", VERSION,
		 rt.config->mailbox == CONFIG_MAILBOX_IMAP ? rt.config->imap_url
							   : rt.config->maildir,
		 rt.config->database);
	if (config_auth_warning(rt.config) != NULL)
		log_warnx("%s", config_auth_warning(rt.config));
	/* ready before the first cycle: a big backlog must not look like a
	   start that hangs */
	notify_ready();
	watchdog = notify_watchdog_usec();
	while (!stop) {
		char *err = NULL;
		int timeout = (int)rt.config->poll_interval;

		if (reload) {
			reload = 0;
			notify_reloading();
			(void)runtime_reload_rules(&rt);
			notify_reloaded();
		}
		daily_purge(&rt, &last_purge);
		rc = cycle_run(&rt, &stop, &stats);
		notify_watchdog();
		cycle_log(&stats);
		report_status(&rt, rc, &stats, &last_poll, &down_since);
		if (once)
			break;
		rc = 0;
		/* the service manager wants a sign of life at least every
		   half of WatchdogSec, and IDLE may last 25 minutes */
		if (watchdog != 0 && (unsigned)timeout > watchdog / 2000000)
			timeout = watchdog / 2000000 > 0
					  ? (int)(watchdog / 2000000)
					  : 1;
		wake = stop || reload;
		if (rt.mailbox->ops->wait(rt.mailbox->h, timeout, &wake,
					  &err) == -1) {
			log_warnx("waiting for mail: %s", err);
			free(err);
		}
		notify_watchdog();
	}
	notify_stopping();
	log_info("aanmeldd stopped");
	runtime_close(&rt);
	detach_end(&detach);
	return rc == 0 ? 0 : 1;
}
