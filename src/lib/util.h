/*
 * Memory helpers that stop on out-of-memory (acceptable in a daemon),
 * bounded string and number parsing, and local-time helpers.
 */
#ifndef AANMELD_UTIL_H
#define AANMELD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "defs.h"

/* All of these stop on out-of-memory instead of returning NULL: they call
   the handler set below, which must not return, or else write "out of
   memory" to stderr and exit(1). */
void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns a heap string the caller frees. */
char *xasprintf(const char *fmt, ...) ATTR_PRINTF(1, 2);
/* log_init() sets fatalx("out of memory") here, so the message goes where
   the log goes (syslog for the daemon). */
void util_set_oom_handler(void (*fn)(void));

/* Copies at most size-1 bytes and NUL-terminates; returns strlen(src), so
   a result >= size means truncation. */
size_t util_strlcpy(char *dst, const char *src, size_t size);

/* Parses a decimal integer in [min, max]; 0 on success, -1 (with
 *error_r "invalid", "too small" or "too large") otherwise. */
int util_strtonum(const char *s, long long min, long long max,
		  long long *value_r, const char **error_r);

/* Parses "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS]" or "YYYY-MM-DDTHH:MM[:SS]"
   as local time in the process's TZ; a trailing "Z" means UTC.  0 on
   success, -1 on a malformed or impossible time. */
int util_parse_time(const char *s, time_t *time_r);
/* "2021-04-13 13:30" in local time, into buf; returns buf. */
const char *util_format_time(time_t t, char *buf, size_t size);

/* True for localhost, 127.0.0.0/8 and ::1 (brackets allowed): where a
   plain connection never leaves the machine. */
bool util_is_loopback(const char *host);

/* The length (1-4) of the valid UTF-8 sequence at s, of at most left
   bytes, with its code point in *cp_r; 0 when s starts none (RFC 3629:
   no overlong form, no surrogate, nothing past U+10FFFF).  A NUL ends a
   sequence, so left may be SIZE_MAX for a NUL-terminated string. */
size_t util_utf8_decode(const unsigned char *s, size_t left, uint32_t *cp_r);
/* True for an ASCII letter or digit, whatever the locale. */
bool util_ascii_alnum(unsigned char c);
/* Lower-cases ASCII letters in place; returns s. */
char *util_lowercase(char *s);
/* True if s ends with suffix, ASCII case-insensitively. */
bool util_has_suffix_ci(const char *s, const char *suffix);
/* Trims white space at both ends in place; returns s. */
char *util_trim(char *s);
/* Writes the lower-case hex of len bytes into out (2*len+1 bytes). */
void util_hex(const unsigned char *data, size_t len, char *out);

/* The next line of a NUL-terminated text that *cursor walks through:
   the line is terminated in place, without its LF and a CR before it.
   NULL at the end of the text. */
char *util_next_line(char **cursor);
/* Frees n strings and the array holding them. */
void util_free_strv(char **v, size_t n);
/* The index of name among the n names of a name table (an enum's words;
   NULL entries never match), or -1 when it is none of them. */
int util_name_index(const char *const *names, size_t n, const char *name);

/* Makes the directory and its parents (mode 0700 for new ones).  0/-1. */
int util_mkdirs(const char *path);
/* Reads a whole file into a NUL-terminated heap buffer of at most max
   bytes.  NULL with *error_r on failure or when the file is larger. */
char *util_read_file(const char *path, size_t max, size_t *len_r,
		     const char **error_r);

/* Reads a password or secret: the first line of path, which must not be
   readable by group or others.  NULL with *error_r (heap) otherwise. */
char *util_read_secret(const char *path, char **error_r);

/* The clock every program uses: the real time, or a simulated one set
   with --now / AANMELD_NOW that starts at the given time and runs on. */
time_t util_clock(void);
/* Sets the simulated clock from a util_parse_time() string. 0 or -1. */
int util_clock_set(const char *spec);

#endif
