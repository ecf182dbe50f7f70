/*
 * A bounded, growable byte buffer for untrusted data: every append fails
 * with -1 once the buffer would exceed the maximum given to buf_init().
 * The data is always NUL-terminated (the NUL is not counted in len).
 */
#ifndef AANMELD_BUF_H
#define AANMELD_BUF_H

#include <stddef.h>

#include "defs.h"

struct buf {
	char *data; /* owned; NULL until the first append */
	size_t len;
	size_t cap;
	size_t max; /* the most bytes len may reach */
};

void buf_init(struct buf *b, size_t max);
/* Frees the data and leaves an empty buffer with the same max. */
void buf_deinit(struct buf *b);
/* 0 on success, -1 if the result would exceed max (nothing appended). */
int buf_add(struct buf *b, const void *data, size_t len);
int buf_adds(struct buf *b, const char *s);
int buf_addc(struct buf *b, char c);
int buf_addf(struct buf *b, const char *fmt, ...) ATTR_PRINTF(2, 3);
/* Returns the data, never NULL ("" when empty); borrowed until the next
   append or buf_deinit(). */
const char *buf_str(struct buf *b);
/* Hands the data over to the caller (free() it) and empties the buffer. */
char *buf_steal(struct buf *b);

#endif
