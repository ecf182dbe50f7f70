#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli_user.h"
#include "config.h"
#include "runtime.h"
#include "userfile.h"

#define USAGE "usage: aanmeld user add NAME [--stdin]\n"
/* room for a password of WEB_SERVER_FIELD_MAX and its newline */
#define LINE_MAX_ 258

/* One line from fp into line (without its newline); -1 at EOF or when
   it is too long. */
static int
read_line(FILE *fp, char *line, size_t size)
{
	size_t len;

	if (fgets(line, (int)size, fp) == NULL)
		return -1;
	len = strcspn(line, "\n");
	if (line[len] != '\n' && !feof(fp))
		return -1;
	line[len] = '\0';
	if (len > 0 && line[len - 1] == '\r')
		line[len - 1] = '\0';
	return 0;
}

/* Asks on the terminal without echo. */
static int
ask(FILE *tty, const char *prompt, char *line, size_t size)
{
	struct termios old, quiet;
	int fd = fileno(tty), rc;

	fputs(prompt, tty);
	fflush(tty);
	if (tcgetattr(fd, &old) == -1)
		return -1;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	if (tcsetattr(fd, TCSAFLUSH, &quiet) == -1)
		return -1;
	rc = read_line(tty, line, size);
	(void)tcsetattr(fd, TCSAFLUSH, &old);
	return rc;
}

/* The new password into pw: from stdin, or twice from the terminal. */
static int
get_password(bool from_stdin, char *pw, size_t size)
{
	char again[LINE_MAX_];
	FILE *tty;
	int rc = -1;

	if (from_stdin) {
		if (read_line(stdin, pw, size) == -1) {
			fprintf(stderr, "user: no password on standard input "
					"(one line)\n");
			return -1;
		}
		return 0;
	}
	tty = fopen("/dev/tty", "r+");
	if (tty == NULL) {
		fprintf(stderr,
			"user: no terminal to ask on (%s); use "
			"--stdin\n",
			strerror(errno));
		return -1;
	}
	if (ask(tty, "Password: ", pw, size) == -1 ||
	    ask(tty, "Again: ", again, sizeof(again)) == -1)
		fprintf(stderr, "user: cannot read the password\n");
	else if (strcmp(pw, again) != 0)
		fprintf(stderr, "user: the passwords differ\n");
	else
		rc = 0;
	explicit_bzero(again, sizeof(again));
	fclose(tty);
	return rc;
}

/* Root writes the file for [main] user, who runs aanmeld-web and must
   read it; without [main] user the file stays root's, which only an
   aanmeld-web run as root (--allow-root) can read: say so, as the unit
   runs it as aanmeld.  0, or -1 after saying why. */
static int
owner(const struct config *c, uid_t *uid_r, gid_t *gid_r)
{
	struct passwd *pw;

	*uid_r = (uid_t)-1;
	*gid_r = (gid_t)-1;
	if (geteuid() != 0)
		return 0;
	if (c->user == NULL) {
		fprintf(stderr,
			"user: no [main] user in %s: %s will belong to root, "
			"and aanmeld-web run as the service user (as "
			"aanmeld-web.service runs it) cannot read it; set "
			"[main] user = aanmeld and run this again\n",
			c->path != NULL ? c->path : "the configuration",
			c->web_users);
		return 0;
	}
	pw = getpwnam(c->user);
	if (pw == NULL) {
		fprintf(stderr,
			"user: [main] user '%s' does not exist: the file "
			"would be unreadable to aanmeld-web\n",
			c->user);
		return -1;
	}
	*uid_r = pw->pw_uid;
	*gid_r = pw->pw_gid;
	return 0;
}

int
cli_user_run(struct runtime *rt, int argc, char **argv)
{
	char pw[LINE_MAX_], *err = NULL;
	bool from_stdin = false;
	uid_t uid;
	gid_t gid;
	int rc = 1;

	if (argc >= 2 && (strcmp(argv[argc - 1], "--help") == 0 ||
			  strcmp(argv[argc - 1], "-h") == 0)) {
		printf(USAGE "Sets NAME's password for aanmeld-web in [web] "
			     "users, asking twice on the\nterminal; --stdin "
			     "reads one line from standard input.\n");
		return 0;
	}
	if (argc == 4 && strcmp(argv[3], "--stdin") == 0)
		from_stdin = true;
	if (argc < 3 || argc > 4 || strcmp(argv[1], "add") != 0 ||
	    (argc == 4 && !from_stdin)) {
		fprintf(stderr, USAGE);
		return 2;
	}
	if (!userfile_name_ok(argv[2])) {
		fprintf(stderr,
			"user: '%s' is not an account name (a-z, 0-9, "
			". _ -, at most %d)\n",
			argv[2], USERFILE_NAME_MAX);
		return 2;
	}
	if (owner(rt->config, &uid, &gid) == -1 ||
	    get_password(from_stdin, pw, sizeof(pw)) == -1)
		goto out;
	if (strlen(pw) < CLI_USER_PASSWORD_MIN) {
		fprintf(stderr,
			"user: the password needs at least %d "
			"characters\n",
			CLI_USER_PASSWORD_MIN);
		goto out;
	}
	if (userfile_set_owned(rt->config->web_users, argv[2], pw, uid, gid,
			       &err) == -1) {
		fprintf(stderr, "user: %s\n", err);
		/* the service user may not write in /etc/aanmeld */
		if (geteuid() != 0 && strstr(err, strerror(EACCES)) != NULL)
			fprintf(stderr,
				"user: run it as root (sudo aanmeld "
				"user add %s): the file then goes to "
				"[main] user\n",
				argv[2]);
		free(err);
		goto out;
	}
	printf("%s can log in to aanmeld-web (%s)\n", argv[2],
	       rt->config->web_users);
	rc = 0;
out:
	explicit_bzero(pw, sizeof(pw));
	return rc;
}
