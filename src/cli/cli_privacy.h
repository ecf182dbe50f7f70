/*
 * The commands of aanmeld for retention and the rights of data subjects:
 * purge [--dry-run], forget ADDRESS, export --person ADDRESS [--json].
 * Each takes the loaded runtime and its own argv (argv[0] the command);
 * returns the exit status.
 */
#ifndef AANMELD_CLI_PRIVACY_H
#define AANMELD_CLI_PRIVACY_H

struct runtime;

int cli_privacy_purge(struct runtime *rt, int argc, char **argv);
int cli_privacy_forget(struct runtime *rt, int argc, char **argv);
int cli_privacy_export(struct runtime *rt, int argc, char **argv);

#endif
