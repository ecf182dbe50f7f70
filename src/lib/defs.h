/*
 * Compiler attributes and small helpers shared by every file.  No logic.
 */
#ifndef AANMELD_DEFS_H
#define AANMELD_DEFS_H

#include <stddef.h>

#define ATTR_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define ATTR_NORETURN __attribute__((noreturn))
#define ATTR_UNUSED __attribute__((unused))

#ifndef nitems
#define nitems(a) (sizeof(a) / sizeof((a)[0]))
#endif

#endif
