/*
 * aanmeldd: the daemon.  Reads the mailbox, decides, records, answers,
 * then waits for new mail.  SIGTERM/SIGINT finish the current message and
 * exit 0; SIGHUP reloads the rules.
 */
#include "autoconf.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

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

/* On stderr and exit 2 for a usage error, on stdout and 0 for --help. */
static void
usage(FILE *out, int status)
{
	fprintf(out, "usage: aanmeldd [-fR] [--once | --dry-run] "
		     "[-c aanmeld.conf] [-p pid-file] [--now TIME] "
		     "[--allow-root]\n"
		     "       aanmeldd --help | --version\n");
	exit(status);
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

/* What the command line asks for. */
struct options {
	const char *conf;     /* -c; NULL: the default */
	const char *now;      /* --now */
	const char *pid_file; /* -p */
	bool foreground;
	bool once;
	bool dry_run;
	bool allow_root;
};

/* Exits through usage() on anything it does not know. */
static void
parse_options(int argc, char *argv[], struct options *opt)
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
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	int ch;

	memset(opt, 0, sizeof(*opt));
	for (;;) {
		ch = getopt_long(argc, argv, "c:dfhp:R", longopts, NULL);
		if (ch == -1)
			break;
		switch (ch) {
		case 'c':
			opt->conf = optarg;
			break;
		case 'd':
		case 'f':
			opt->foreground = true;
			break;
		case 'o':
			opt->once = true;
			break;
		case 'n':
			opt->dry_run = true;
			break;
		case 'N':
			opt->now = optarg;
			break;
		case 'p':
			opt->pid_file = optarg;
			break;
		case 'R':
			opt->allow_root = true;
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case 'V':
			printf("aanmeldd %s\n", VERSION);
			exit(0);
		default:
			usage(stderr, 2);
		}
	}
	if (optind != argc ||
	    (opt->pid_file != NULL && (opt->once || opt->dry_run)))
		usage(stderr, 2);
}

static bool
background(const struct options *opt)
{
	return opt->pid_file != NULL && !opt->foreground;
}

/* Up to the point where a dry run and the daemon part: the config and
   rules, the pid file and the fork, the service user.  -1 after
   logging. */
static int
prepare(struct runtime *rt, struct detach *detach, const struct options *opt)
{
	char *why = NULL;

	/* a start in the background says on stderr why it failed */
	log_init(opt->foreground || opt->once || opt->dry_run ||
			 opt->pid_file != NULL,
		 LOG_MAIL);
	if (runtime_start(rt, opt->conf, opt->now) == -1)
		return -1;
	/* the pid file still as the user who starts it, and the fork before
	   the database is opened */
	if (detach_begin(detach, opt->pid_file, background(opt), &why) == -1) {
		log_warnx("%s", why);
		free(why);
		return -1;
	}
	return drop_privileges(rt, opt->allow_root);
}

/* The daemon's own start: the database, the mailbox, the transport and
   the signals; then it tells the starter and the service manager that
   it runs.  -1 after logging. */
static int
start(struct runtime *rt, struct detach *detach, const struct options *opt)
{
	struct sigaction sa;
	char *why = NULL;

	if (runtime_open_store(rt, false) == -1 || runtime_open_io(rt) == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (detach_ready(detach, &why) == -1) {
		log_warnx("%s", why);
		free(why);
		return -1;
	}
	if (background(opt))
		log_init(0, LOG_MAIL); /* stderr is /dev/null now */
	log_info("aanmeldd %s started: mailbox %s, database %s", VERSION,
		 rt->config->mailbox == CONFIG_MAILBOX_IMAP
			 ? rt->config->imap_url
			 : rt->config->maildir,
		 rt->config->database);
	if (config_auth_warning(rt->config) != NULL)
		log_warnx("%s", config_auth_warning(rt->config));
	/* ready before the first cycle: a big backlog must not look like a
	   start that hangs */
	notify_ready();
	return 0;
}

/* What one pass of the loop carries over to the next. */
struct loop_state {
	time_t last_purge;
	time_t last_poll;  /* for the status line */
	time_t down_since; /* 0: the mailbox answers */
	bool held;	   /* a refused login keeps the mailbox closed */
};

/* One pass over the mailbox, with a rules reload (SIGHUP) first and the
   daily purge.  Returns cycle_run()'s answer. */
static int
pass(struct runtime *rt, struct loop_state *ls)
{
	struct cycle_stats stats;
	int rc;

	if (reload) {
		reload = 0;
		notify_reloading();
		(void)runtime_reload_rules(rt);
		notify_reloaded();
	}
	daily_purge(rt, &ls->last_purge);
	rc = cycle_run(rt, &stop, &stats);
	notify_watchdog();
	cycle_log(&stats);
	report_status(rt, rc, &stats, &ls->last_poll, &ls->down_since);
	ls->held = stats.mailbox_held;
	return rc;
}

/* The wait while a refused login keeps the mailbox closed: nothing to
   watch, so only the time, or a signal; the next pass decides whether
   to log in. */
static void
nap(int seconds, volatile sig_atomic_t *until)
{
	struct timespec second = {1, 0};

	while (seconds-- > 0 && !*until)
		nanosleep(&second, NULL);
}

/* Seconds to wait for mail: the poll interval, but the service manager
   wants a sign of life at least every half of WatchdogSec (watchdog, in
   microseconds; 0 when off), and IDLE may last 25 minutes. */
static int
wait_seconds(const struct runtime *rt, unsigned watchdog)
{
	int timeout = (int)rt->config->poll_interval;

	if (watchdog != 0 && (unsigned)timeout > watchdog / 2000000)
		timeout =
			watchdog / 2000000 > 0 ? (int)(watchdog / 2000000) : 1;
	return timeout;
}

/* Closes what is open; the exit status for rc. */
static int
finish(struct runtime *rt, struct detach *detach, int rc)
{
	runtime_close(rt);
	detach_end(detach);
	return rc == 0 ? 0 : 1;
}

int
main(int argc, char *argv[])
{
	struct detach detach = {NULL, -1};
	struct loop_state ls = {0, 0, 0, false};
	struct options opt;
	struct runtime rt;
	unsigned watchdog;
	int rc = 0;

	parse_options(argc, argv, &opt);
	if (prepare(&rt, &detach, &opt) == -1)
		return finish(&rt, &detach, -1);
	if (opt.dry_run)
		return finish(&rt, &detach, print_dry_run(&rt));
	if (start(&rt, &detach, &opt) == -1)
		return finish(&rt, &detach, -1);
	watchdog = notify_watchdog_usec();
	while (!stop) {
		char *err = NULL;
		int timeout = wait_seconds(&rt, watchdog);

		rc = pass(&rt, &ls);
		if (opt.once)
			break;
		rc = 0;
		wake = stop || reload;
		if (ls.held)
			nap(timeout, &wake);
		else if (mailbox_wait(rt.mailbox, timeout, &wake, &err) ==
			 MAILBOX_ERROR) {
			log_warnx("waiting for mail: %s", err);
			free(err);
		}
		notify_watchdog();
	}
	notify_stopping();
	log_info("aanmeldd stopped");
	return finish(&rt, &detach, rc);
}
