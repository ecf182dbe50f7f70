/*
 * Folder names are logical: the config writes "Beoordelen/Goedkeuren",
 * levels separated by '/', and each mailbox maps that to its own name:
 * the server's personal namespace prefix ("" or "INBOX."), its hierarchy
 * delimiter ('/' or '.') between the levels, and every level in modified
 * UTF-7 (RFC 3501 5.1.3) so that "Afgewezen – oud" is a valid IMAP
 * mailbox name.  Pure: no I/O.
 */
#ifndef AANMELD_FOLDER_NAME_H
#define AANMELD_FOLDER_NAME_H

#include <stdbool.h>

/* Longest logical path accepted, in bytes. */
#define FOLDER_NAME_MAX 255

/* Whether logical is a usable logical path: not empty, at most
   FOLDER_NAME_MAX bytes, valid UTF-8 without control characters, no
   empty level (a leading, trailing or doubled '/'), no '*' or '%' (IMAP
   LIST wildcards).  0, or -1 with
   *error_r (heap) saying why. */
int folder_name_check(const char *logical, char **error_r);

/* The server's name of logical (heap, the caller frees it): prefix
   (with delim appended when it does not end in it), then the levels
   joined by delim, each level encoded in modified UTF-7 when
   utf7.  A first level "INBOX" (any case) when prefix is "INBOX" plus
   delim is not prefixed again.  delim '\0' is a flat server: only one
   level is possible.  NULL with *error_r (heap) when logical fails
   folder_name_check() or a level contains delim. */
char *folder_name_map(const char *logical, char delim, const char *prefix,
		      bool utf7, char **error_r);

#endif
