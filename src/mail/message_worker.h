/*
 * Parsing untrusted mail where a crash is contained.  libetpan 1.9.4 has
 * known crashes on hostile MIME (TECH-NOTES section 3), and a crash in
 * the daemon would stop the desk.  So every parse of stored or fetched
 * mail runs in a long-lived child process, the parser worker: one fork
 * for many messages (a fork per message would cost more than the parse),
 * a new worker after one dies.  A message that kills the worker, or
 * takes longer than MESSAGE_WORKER_TIMEOUT_MS, comes back as a message
 * with problem set (MESSAGE_WORKER_CRASHED...), which is a review.
 *
 * The worker gets no privileges the caller does not have; it has no core
 * dumps (mail content stays out of crash files) and, outside sanitizer
 * builds, at most MESSAGE_WORKER_MEMORY_MAX bytes of data.  It ends when
 * its parent does.
 */
#ifndef AANMELD_MESSAGE_WORKER_H
#define AANMELD_MESSAGE_WORKER_H

#include <stddef.h>
#include <sys/types.h>

struct message;

/* How long one parse may take before the worker is killed. */
#define MESSAGE_WORKER_TIMEOUT_MS 30000
/* The worker's data limit (RLIMIT_DATA). */
#define MESSAGE_WORKER_MEMORY_MAX (1024ul * 1024 * 1024)
/* The start of the problem of a message whose parse did not come back;
   the staff summary says "het bericht kon niet worden gelezen". */
#define MESSAGE_WORKER_CRASHED "the message could not be read"

/*
 * message_parse_sized() in the worker.  Always returns a message (free
 * it with message_free()); when the worker died on it, or could not be
 * started, the message has no fields and its problem says why.
 */
struct message *message_worker_parse(const char *data, size_t len, size_t size);

/*
 * The decoded bytes of the attachment in part (struct
 * message_attachment.part) of the message that message_worker_parse()
 * got from the same data, len and size: message_attachment_parse() in
 * the worker.  0 with *bytes_r (heap, *len_r bytes and a NUL; the caller
 * frees it), or -1 with *error_r (heap) when the part is no attachment
 * or the worker died on it.  One attachment at a time: a delivery's
 * files are asked for one by one, so that at most one is in memory.
 */
int message_worker_attachment(const char *data, size_t len, size_t size,
			      unsigned part, char **bytes_r, size_t *len_r,
			      char **error_r);

/* Starts the worker unless one runs: before mail is held in memory,
   which a worker forked later would carry (intake's batches). */
void message_worker_warm(void);

/* Stops the worker (waits for it); the next parse starts a new one.
   Callers need not call it: the worker ends when its parent ends. */
void message_worker_stop(void);

/* For tests: the worker's process id, or -1 when none runs. */
pid_t message_worker_pid(void);

/* For tests: the parse function the worker runs (NULL:
   message_parse_sized()) and the time one parse may take (0:
   MESSAGE_WORKER_TIMEOUT_MS); a test sets one that crashes or hangs on
   purpose.  Takes effect for the next worker started. */
void message_worker_set_parser(struct message *(*parse)(const char *data,
							size_t len,
							size_t size),
			       int timeout_ms);

#endif
