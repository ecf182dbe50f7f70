/*
 * aanmeld check, without connecting: each server's url as its client
 * parses it and each secret file it would read.  It uses the IMAP and
 * SMTP clients, so it stands above them, not in config.c.
 */
#ifndef AANMELD_CHECK_SERVERS_H
#define AANMELD_CHECK_SERVERS_H

struct buf;
struct config;

/*
 * aanmeld check: what connecting would refuse, found without connecting.
 * For each server in use, its url as the client parses it (tls = none
 * only with a loopback host) and each secret file it would read, which
 * util_read_secret() must accept (present, readable, not empty, no
 * access for group or others).  Errors are appended to report as
 * "file: message\n", warnings as "warning: file: message\n": a secret
 * file owned by another user than the one that reads it ([main] user,
 * else the one running this), or a password left to the environment.
 * 0 without errors, -1 with.
 */
int check_servers(const struct config *c, struct buf *report);

#endif
