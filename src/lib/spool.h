/*
 * Durable files: raw incoming mail (spool/mail/<sha256>.eml) and outgoing
 * mail written by the file transport.  Every file is written to a
 * temporary name opened with O_CREAT|O_EXCL, fsync()ed, renamed into place
 * and the folder fsync()ed, so a crash leaves the old file or the new one,
 * never half of one.
 */
#ifndef AANMELD_SPOOL_H
#define AANMELD_SPOOL_H

#include <stddef.h>

/* Creates dir (and parents) if missing.  0, or -1 with *error_r (heap). */
int spool_mkdir(const char *dir, char **error_r);

/*
 * Writes len bytes to dir/name durably.  An existing file of that name is
 * replaced (names are content- or id-derived, so it holds the same
 * bytes).  *path_r (may be NULL) gets the final path (heap).
 */
int spool_write(const char *dir, const char *name, const void *data, size_t len,
		char **path_r, char **error_r);

/* The same without any fsync(): many files are made durable at once by
   spool_sync().  Until it returns, a crash of the machine (not of the
   process) may lose them, so nothing may depend on them before. */
int spool_put(const char *dir, const char *name, const void *data, size_t len,
	      char **path_r, char **error_r);
/* Makes everything put in dir durable (syncfs).  0, or -1 with *error_r
   (heap). */
int spool_sync(const char *dir, char **error_r);

/* The longest name spool_safe_name() makes, without its NUL. */
#define SPOOL_SAFE_NAME_MAX 64

/*
 * A file name a sender chose, made safe to keep in the spool: only its
 * last path component (after "/" or "\"), letters, digits, ".", "-"
 * and "_" kept, every other byte (spaces, controls, UTF-8) a "_" (runs
 * of them one), no leading "." or "-", at most SPOOL_SAFE_NAME_MAX bytes
 * with the extension kept; "bijlage" when nothing is left.  out has at
 * least SPOOL_SAFE_NAME_MAX + 1 bytes.
 */
void spool_safe_name(const char *name, char *out);
/*
 * The database names spool files relative to the spool ("mail/<sha>.eml"),
 * so a copy of the database never points at another spool's files.
 * spool_relative(): path (under spool_dir) as stored, or NULL when it is
 * not under spool_dir.  spool_resolve(): the file a stored name means:
 * a relative name without ".." under spool_dir, or an absolute one from
 * before (a row not yet migrated) when it lies under spool_dir; NULL for
 * any other, which is never opened or deleted.  Heap, caller frees.
 */
char *spool_relative(const char *spool_dir, const char *path);
char *spool_resolve(const char *spool_dir, const char *stored);

/* The SHA-256 of data as 64 hex digits plus NUL into hex. */
void spool_sha256(const void *data, size_t len, char hex[65]);

#endif
