/*
 * aanmeld-web: the staff's desk in a browser.  Reads [web] of
 * aanmeld.conf, opens the database read-only and answers HTTP on
 * 127.0.0.1 (behind the organisation's reverse proxy), or HTTPS with
 * [web] tls_cert and tls_key, until SIGTERM, SIGINT or SIGHUP.  Started
 * as root it drops to [main] user first, as aanmeldd, and reads the TLS
 * key after that, as aanmeldd reads its password files.
 */
#include "autoconf.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config.h"
#include "log.h"
#include "privileges.h"
#include "programme.h"
#include "rules.h"
#include "runtime.h"
#include "userfile.h"
#include "util.h"
#include "web_server.h"
#include "web_tls.h"

static void
usage(FILE *out, int status)
{
	fprintf(out, "usage: aanmeld-web [-d] [-c aanmeld.conf] "
		     "[--allow-root]\n"
		     "       aanmeld-web --help\n");
	exit(status);
}

static int
drop(struct runtime *rt, bool allow_root)
{
	struct privileges_settings set;
	char *err = NULL;

	memset(&set, 0, sizeof(set));
	set.user = rt->config->user;
	set.allow_root = allow_root;
	set.config_path = rt->config->path;
	set.spool_dir = rt->config->spool_dir;
	set.database = rt->config->database;
	if (privileges_drop(&set, NULL, &err) == -1) {
		log_warnx("%s", err);
		free(err);
		return -1;
	}
	return 0;
}

/* The certificate and key of [web], when set.  0, or -1 after logging. */
static int
load_tls(const struct config *c, struct web_tls *tls)
{
	char *err = NULL;

	if (c->web_tls_cert == NULL)
		return 0;
	if (web_tls_load(tls, c->web_tls_cert, c->web_tls_key, &err) == -1) {
		/* read after the switch to [main] user, as the unit's user */
		if (strstr(err, strerror(EACCES)) != NULL)
			log_warnx("[web] TLS: %s: it is read as the service "
				  "user, who must own it (mode 600); for a key "
				  "only root reads, see LoadCredential= in "
				  "aanmeld-web(1)",
				  err);
		else
			log_warnx("[web] TLS: %s", err);
		free(err);
		return -1;
	}
	return 0;
}

/* The users file as the logins will find it: nobody can log in while it
   is missing or refused, which would otherwise show only as a wrong
   password.  Not fatal: it is read again at each login. */
static void
check_users(const struct config *c)
{
	struct userfile *u;
	char *err = NULL;

	u = userfile_load(c->web_users, &err);
	if (u != NULL) {
		userfile_free(u);
		return;
	}
	log_warnx("[web] users: %s: nobody can log in until it is fixed; "
		  "sudo aanmeld user add NAME makes it for [main] user",
		  err);
	free(err);
}

/* Serves until SIGTERM, SIGINT or SIGHUP (there is nothing to reload:
   SIGHUP stops it too, rather than killing it unlogged).  0 or -1 after
   logging. */
static int
serve(struct runtime *rt, struct web_tls *tls)
{
	const struct config *c = rt->config;
	struct web_server_settings set;
	struct web_server *w;
	char *err = NULL;
	sigset_t sigs;
	int sig;

	/* the server's thread inherits the mask: only sigwait() sees them */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	if (pthread_sigmask(SIG_BLOCK, &sigs, NULL) != 0)
		return -1;
	memset(&set, 0, sizeof(set));
	set.listen = c->web_listen;
	set.port = (uint16_t)c->web_port;
	set.users = c->web_users;
	set.idle = (time_t)c->web_session_idle * 60;
	set.capacity = rt->rules->programme->capacity;
	set.store = rt->store;
	set.config = rt->config;
	set.rules = rt->rules;
	set.session_max = (time_t)c->web_session_max * 60;
	set.tls_cert = tls->cert;
	set.tls_key = tls->key;
	set.trusted_proxy = c->web_trusted_proxy;
	w = web_server_start(&set, &err);
	if (w == NULL) {
		log_warnx("%s", err);
		free(err);
		return -1;
	}
	log_info("listening on %s port %u (%s)", c->web_listen,
		 (unsigned)web_server_port(w),
		 tls->cert != NULL ? "HTTPS" : "HTTP");
	if (tls->cert == NULL && !web_server_loopback(c->web_listen))
		log_warnx("listening on %s without TLS: passwords cross the "
			  "network in plain text; put it behind a TLS proxy "
			  "or set [web] tls_cert and tls_key",
			  c->web_listen);
	if (sigwait(&sigs, &sig) != 0)
		sig = 0;
	log_info("stopping (signal %d%s)", sig,
		 sig == SIGHUP ? ", SIGHUP: nothing to reload" : "");
	web_server_stop(&w);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"allow-root", no_argument, NULL, 'R'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct web_tls tls = {NULL, NULL};
	struct runtime rt;
	const char *conf = NULL;
	bool debug = false, allow_root = false;
	int ch, rc = 1;

	while ((ch = getopt_long(argc, argv, "c:dhR", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		case 'd':
			debug = true;
			break;
		case 'R':
			allow_root = true;
			break;
		case 'h':
			usage(stdout, 0);
			break;
		default:
			usage(stderr, 2);
		}
	}
	if (optind != argc)
		usage(stderr, 2);
	log_init(debug, LOG_DAEMON);
	if (runtime_start(&rt, conf, NULL) == 0) {
		log_set_level(rt.config->level);
		if (drop(&rt, allow_root) == 0 &&
		    runtime_open_store(&rt, true) == 0 &&
		    load_tls(rt.config, &tls) == 0) {
			check_users(rt.config);
			if (serve(&rt, &tls) == 0)
				rc = 0;
		}
	}
	web_tls_deinit(&tls);
	runtime_close(&rt);
	return rc;
}
