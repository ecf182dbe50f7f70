/*
 * `aanmeld user add NAME [--stdin]`: sets a staff account's password in
 * [web] users for aanmeld-web (userfile.h).  Exit codes: 0 done, 1 the
 * file cannot be read or written or the passwords differ, 2 wrong usage.
 */
#ifndef AANMELD_CLI_USER_H
#define AANMELD_CLI_USER_H

/* The shortest password accepted. */
#define CLI_USER_PASSWORD_MIN 10

struct runtime;

int cli_user_run(struct runtime *rt, int argc, char **argv);

#endif
