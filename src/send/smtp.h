/*
 * Sending a composed message.  Two transports sit behind one API: the file
 * transport (the embedded default and the demo) writes each message
 * durably to a folder as <Message-ID>.eml; the SMTP transport submits it
 * over libcurl, with TLS always verified.  Every transport answers in one
 * vocabulary: OK, TEMPFAIL (try again later), PERMFAIL (a person must
 * look).
 */
#ifndef AANMELD_SMTP_H
#define AANMELD_SMTP_H

#include <stdbool.h>
#include <stddef.h>

#include "send.h"

/* The timeout used when the settings give 0, in seconds. */
#define SMTP_DEFAULT_TIMEOUT 60
/* The server's last reply line is quoted in error texts up to this many
   bytes (the rest is cut; control characters become '?'). */
#define SMTP_REPLY_MAX 512

/* Borrowed by smtp_curl_new(), which copies what it keeps. */
struct smtp_settings {
	/* smtp://host[:port] (STARTTLS required) or smtps://host[:port];
	   a path is the EHLO name, as in curl.  No user, query or fragment. */
	const char *url;
	/* plain SMTP without STARTTLS: only with smtp:// to a loopback host
	   (127.0.0.0/8, ::1, localhost); refused otherwise */
	bool tls_none;
	const char *ca_file; /* PEM CAs to trust; NULL: the system store */
	const char *user;    /* NULL: no AUTH */
	/* with user, exactly one of these: a password for AUTH (PLAIN,
	   LOGIN, ...), or an OAuth2 access token for AUTH XOAUTH2 */
	const char *password;
	const char *bearer;
	/* seconds for the connection (TCP and TLS), for each server reply,
	   and without progress during a transfer; 0: SMTP_DEFAULT_TIMEOUT */
	unsigned timeout;
	/* the EHLO name (replaces a path in url); NULL: the one in url, or
	   else curl sends the local host name */
	const char *helo_domain;
};

struct smtp;

/* A file transport writing into dir (created if missing). */
struct smtp *smtp_file_new(const char *dir, char **error_r);
/* An SMTP transport for the settings; it keeps one connection open across
   sends (curl does not reuse one idle for two minutes or more).  NULL with
   *error_r (heap) when the URL or the settings are invalid or insecure.
   Connects only at the first send.  The program calls
   curl_global_init() once at start-up, before any thread (aanmeldd.c and
   aanmeld.c do); this function does not. */
struct smtp *smtp_curl_new(const struct smtp_settings *s, char **error_r);
/* aanmeld check --connect: connects, says EHLO, starts TLS and logs in
   as a send would, then stops: no MAIL FROM, nothing sent.  0, or -1 with
   *error_r (heap; never the password or token). */
int smtp_curl_probe(struct smtp *t, char **error_r);
/* Gives an XOAUTH2 transport a fresh access token (copied).  The next
   send logs in with it on a new connection: curl reuses a connection
   only for the token it logged in with.  Ignored by other transports. */
void smtp_set_bearer(struct smtp *t, const char *token);
/* True when sending a message again is harmless (the file transport
   writes the same file again): the outbox may then send a batch and mark
   it sent after one smtp_flush().  False for SMTP: each mail is marked
   sent right after the server took it. */
bool smtp_replayable(const struct smtp *t);
/* Makes what was sent durable (the file transport's files).  0, or -1
   with *error_r (heap). */
int smtp_flush(struct smtp *t, char **error_r);
/* Closes the connection and NULLs *t; NULL is fine. */
void smtp_close(struct smtp **t);

/* Sends raw (len bytes, CRLF line ends, not dot-stuffed) from
   envelope_from ("" for the null reverse-path on SMTP) to the one
   recipient rcpt.  message_id names the file of the file transport.
   OK: the server accepted the message (250 after DATA) or the file is
   written (durable after smtp_flush()).  TEMPFAIL: 4xx, a timeout, connection
   trouble, or a configuration problem that an operator must fix (certificate
   refused, no STARTTLS); the message stays queued.  REFUSED: the server
   refused the login (535, CURLE_LOGIN_DENIED); the message stays queued.
   PERMFAIL: 5xx to MAIL, RCPT or DATA, or an unsafe address.  On
   a failure *error_r (heap) says why, with the server's reply
   where there was one; it never holds a password or token. */
enum send_result smtp_send(struct smtp *t, const char *envelope_from,
			   const char *rcpt, const char *message_id,
			   const char *raw, size_t len, char **error_r);

#endif
