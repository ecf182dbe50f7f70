/*
 * Stored text made safe for a staff terminal, in the manner of OpenBSD's
 * vis(3).  Subjects, senders, display names, reasons and bodies come
 * from mail: printed raw, a C1 CSI (U+009B) or ESC drives the terminal,
 * a bidi override (U+202E) reverses what staff read, and a line break
 * forges a line of the report ("verdict enrol").
 *
 * Every escape starts with a backslash, and a backslash in the text is
 * doubled, so no escape can be forged.  One form per kind:
 *
 *   \\        a backslash
 *   \t \n \r  TAB, LF and CR
 *   \xHH      any other C0 control or DEL, and every byte that is not
 *             part of valid UTF-8 (RFC 3629: no overlong forms, no
 *             surrogates, nothing past U+10FFFF): one byte, two
 *             lower-case hex digits
 *   \uHHHH    a character that is valid UTF-8 but must not reach the
 *             terminal: a C1 control (U+0080-U+009F); a bidi mark,
 *             embedding, override or isolate (U+061C, U+200E, U+200F,
 *             U+202A-U+202E, U+2066-U+2069); the line and paragraph
 *             separators U+2028 and U+2029; four lower-case hex digits
 *
 * Everything else, printable UTF-8 (é, ë, emoji with their joiners)
 * included, is copied unchanged.  The functions are pure, bar
 * escape_fputs() writing to its stream.
 */
#ifndef AANMELD_ESCAPE_H
#define AANMELD_ESCAPE_H

#include <stdio.h>

struct buf;

/* The default: the result is one line, for a field of a report. */
#define ESCAPE_LINE 0x00
/* Text meant to be read over several lines (a message body): LF and TAB
   stay, CR LF becomes LF; a lone CR and everything else is escaped as
   above.  The caller marks the lines (cmd_show indents them), as a body
   line is otherwise free to look like anything. */
#define ESCAPE_LINES 0x01

/* The most bytes one input byte can become ("\xff"). */
#define ESCAPE_GROWTH 4

/* The length in bytes of the character at s when it is one that
   \uHHHH stands for (C1, bidi, U+2028/9, U+FEFF), else 0: for text that
   is not escaped but cleaned (template values in a mail). */
size_t escape_hidden_at(const char *s);

/* Appends s, escaped, to b; NULL appends nothing.  0, or -1 at b's limit
   (b then holds a prefix of the result). */
int escape_buf(struct buf *b, const char *s, unsigned flags);

/* s escaped, as a heap string the caller frees; NULL gives "". */
char *escape_str(const char *s, unsigned flags);

/* Writes s, escaped, to fp; NULL writes nothing.  0, or -1 when fp
   reports a write error. */
int escape_fputs(const char *s, unsigned flags, FILE *fp);

#endif
