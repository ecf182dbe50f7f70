#include "autoconf.h"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libetpan/libetpan.h>

#include "buf.h"
#include "log.h"
#include "message.h"
#include "message_worker.h"
#include "reason.h"
#include "util.h"

/*
 * The wire between parent and worker, host byte order (both ends are
 * the same program): a request is the size (u64), the length (u64), what
 * is asked (u64, enum request), the part of an attachment (u64) and the
 * bytes.  An answer is its length (u64), then for a parse every field of
 * struct message in the order of the table below, a string as its length
 * (u32, NO_STRING for NULL) and its bytes; the problem is its code plus
 * one (u64, 0 for none) and its arguments as strings.  For an attachment
 * it is 0 (u64) and the decoded bytes, or 1 when there is none.
 */
#define NO_STRING UINT32_MAX
enum request { REQUEST_PARSE, REQUEST_HEADER, REQUEST_ATTACHMENT };
/* An answer is the strings of a message, each bounded by the parser's
   own limits; this only refuses nonsense from a confused worker. */
#define ANSWER_MAX                                                             \
	(4u * MESSAGE_BODY_MAX + 2u * MESSAGE_HEADER_MAX + MESSAGE_SIZE_MAX)

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

#define FIELD(name) offsetof(struct message, name)
static const size_t string_fields[] = {
	FIELD(from_addr),     FIELD(from_name),
	FIELD(from_raw),      FIELD(sender_addr),
	FIELD(reply_to_addr), FIELD(to),
	FIELD(subject),	      FIELD(message_id),
	FIELD(date),	      FIELD(in_reply_to),
	FIELD(references),    FIELD(auto_submitted),
	FIELD(precedence),    FIELD(list_id),
	FIELD(return_path),   FIELD(autoreply_header),
	FIELD(content_type),  FIELD(calendar),
	FIELD(body),	      FIELD(bounce_id),
	FIELD(bounce_rcpt),   FIELD(bounce_action),
	FIELD(bounce_status), FIELD(bounce_diagnostic),
	FIELD(bounce_text),
};

static struct message *(*parser)(const char *, size_t,
				 size_t) = message_parse_sized;
static int timeout_ms = MESSAGE_WORKER_TIMEOUT_MS;
static pid_t worker_pid = -1;
static int worker_cpu = -1; /* the processor the worker is kept on */
static bool timed_out;	    /* the last transfer ran out of time */
static int worker_fd = -1;
static pid_t worker_owner; /* the process that started the worker */

/*
 * For the test suite only (AANMELD_TEST_UNGUARDED_MIME in the
 * environment): libetpan's own parse of the raw message first, without
 * the boundary guard of message.c, so that the crashes it guards against
 * can be shown to cost one message in the daemon too.
 */
static struct message *
unguarded(const char *data, size_t len, size_t size)
{
	struct mailmime *mime = NULL;
	size_t idx = 0;

	if (mailmime_parse(data, len, &idx, &mime) == MAILIMF_NO_ERROR)
		mailmime_free(mime);
	return message_parse_sized(data, len, size);
}

void
message_worker_set_parser(struct message *(*parse)(const char *, size_t,
						   size_t),
			  int timeout)
{
	parser = parse != NULL ? parse : message_parse_sized;
	timeout_ms = timeout > 0 ? timeout : MESSAGE_WORKER_TIMEOUT_MS;
}

/* Milliseconds on the monotonic clock. */
static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char **
string_at(struct message *m, size_t offset)
{
	return (char **)(void *)((char *)m + offset);
}

static void
put_u64(struct buf *b, uint64_t v)
{
	(void)buf_add(b, &v, sizeof(v));
}

static void
put_string(struct buf *b, const char *s)
{
	uint32_t n = s == NULL ? NO_STRING : (uint32_t)strlen(s);

	(void)buf_add(b, &n, sizeof(n));
	if (s != NULL)
		(void)buf_add(b, s, n);
}

/* The answer for m, its length first. */
static void
encode(const struct message *m, struct buf *b)
{
	size_t i;

	put_u64(b, 0); /* the length, set below */
	for (i = 0; i < nitems(string_fields); i++)
		put_string(b,
			   *string_at((struct message *)m, string_fields[i]));
	put_u64(b, m->n_authres);
	for (i = 0; i < m->n_authres; i++) {
		put_string(b, m->authres[i]);
		put_u64(b, m->authres_zone[i]);
	}
	put_u64(b, m->received);
	put_u64(b, m->from_fields);
	put_u64(b, m->calendar_reply);
	put_u64(b, m->body_html);
	put_u64(b, m->size);
	put_u64(b, m->attachments_dropped);
	put_u64(b, m->n_attachments);
	for (i = 0; i < m->n_attachments; i++) {
		put_string(b, m->attachments[i].name);
		put_string(b, m->attachments[i].type);
		put_u64(b, m->attachments[i].len);
		put_u64(b, m->attachments[i].part);
	}
	put_u64(b, m->problem != NULL ? (uint64_t)m->problem->code + 1 : 0);
	for (i = 0; m->problem != NULL && i < reason_nargs(m->problem->code);
	     i++)
		put_string(b, m->problem->arg[i]);
	if (b->data != NULL) {
		uint64_t n = b->len - sizeof(uint64_t);

		memcpy(b->data, &n, sizeof(n));
	}
}

struct reader {
	const char *p, *end;
	bool bad;
};

static uint64_t
get_u64(struct reader *r)
{
	uint64_t v = 0;

	if (r->end - r->p < (ptrdiff_t)sizeof(v)) {
		r->bad = true;
		return 0;
	}
	memcpy(&v, r->p, sizeof(v));
	r->p += sizeof(v);
	return v;
}

static char *
get_string(struct reader *r)
{
	uint32_t n;

	if (r->end - r->p < (ptrdiff_t)sizeof(n)) {
		r->bad = true;
		return NULL;
	}
	memcpy(&n, r->p, sizeof(n));
	r->p += sizeof(n);
	if (n == NO_STRING)
		return NULL;
	if ((size_t)(r->end - r->p) < n) {
		r->bad = true;
		return NULL;
	}
	r->p += n;
	return xstrndup(r->p - n, n);
}

/* The attachments of an answer into m: names and types as strings,
   then the size and the part. */
static void
get_attachments(struct reader *r, struct message *m)
{
	struct message_attachment *a;
	uint64_t n = get_u64(r), len, part;

	if (n > MESSAGE_ATTACHMENTS_MAX) {
		r->bad = true;
		return;
	}
	if (n > 0)
		m->attachments = xcalloc(n, sizeof(*m->attachments));
	for (; m->n_attachments < n && !r->bad;) {
		a = &m->attachments[m->n_attachments++];
		a->name = get_string(r);
		a->type = get_string(r);
		len = get_u64(r);
		part = get_u64(r);
		if (r->bad || a->name == NULL || a->type == NULL ||
		    len > MESSAGE_ATTACHMENT_MAX || part == 0 ||
		    part > MESSAGE_MIME_PARTS_MAX) {
			r->bad = true;
			return;
		}
		a->len = len;
		a->part = (unsigned)part;
	}
}

/* The problem of an answer into m. */
static void
get_problem(struct reader *r, struct message *m)
{
	uint64_t code = get_u64(r);

	if (code == 0 || r->bad)
		return;
	if (code > REASON_COUNT) {
		r->bad = true;
		return;
	}
	m->problem = xcalloc(1, sizeof(*m->problem));
	m->problem->code = (enum reason_code)(code - 1);
	for (size_t i = 0; i < reason_nargs(m->problem->code) && !r->bad; i++)
		m->problem->arg[i] = get_string(r);
}

/* The message in an answer, or NULL if the answer is malformed. */
static struct message *
decode(const char *data, size_t len)
{
	struct reader r = {data, data + len, false};
	struct message *m = xcalloc(1, sizeof(*m));
	uint64_t n;
	size_t i;

	for (i = 0; i < nitems(string_fields); i++)
		*string_at(m, string_fields[i]) = get_string(&r);
	n = get_u64(&r);
	for (i = 0; i < n && i < MESSAGE_AUTHRES_MAX && !r.bad; i++) {
		m->authres[m->n_authres] = get_string(&r);
		m->authres_zone[m->n_authres++] = (unsigned)get_u64(&r);
	}
	if (n > MESSAGE_AUTHRES_MAX)
		r.bad = true;
	m->received = (unsigned)get_u64(&r);
	m->from_fields = (unsigned)get_u64(&r);
	m->calendar_reply = get_u64(&r) != 0;
	m->body_html = get_u64(&r) != 0;
	m->size = (size_t)get_u64(&r);
	m->attachments_dropped = (unsigned)get_u64(&r);
	get_attachments(&r, m);
	get_problem(&r, m);
	if (r.bad || r.p != r.end) {
		message_free(m);
		return NULL;
	}
	return m;
}

/* Reads or writes all n bytes before the deadline (ms since an epoch of
   CLOCK_MONOTONIC; 0: none, and the calls block).  With a deadline the
   call is tried first and poll() waits only when it would block: one
   system call for most transfers.  0, or -1 on EOF, error or time. */
static int
transfer(int fd, char *p, size_t n, bool writing, int64_t deadline)
{
	struct pollfd pfd = {fd, writing ? POLLOUT : POLLIN, 0};
	int flags = deadline != 0 ? MSG_DONTWAIT : 0, wait, ready;
	ssize_t done;

	while (n > 0) {
		done = writing ? send(fd, p, n, flags | MSG_NOSIGNAL)
			       : recv(fd, p, n, flags);
		if (done > 0) {
			p += done;
			n -= (size_t)done;
			continue;
		}
		if (done == 0 || (errno != EINTR && errno != EAGAIN))
			return -1;
		if (errno == EINTR || deadline == 0)
			continue;
		wait = (int)(deadline - now_ms());
		ready = wait > 0 ? poll(&pfd, 1, wait) : 0;
		timed_out = ready == 0;
		if (ready == 0 || (ready == -1 && errno != EINTR))
			return -1;
	}
	return 0;
}

/* The worker's answer with an attachment's bytes, sent as they are
   decoded: a copy in an answer would double the worker's memory. */
static int
send_attachment(void *ctx, const char *bytes, size_t n)
{
	uint64_t head[2] = {sizeof(uint64_t) + n, 0};
	int fd = *(int *)ctx;

	if (transfer(fd, (char *)head, sizeof(head), true, 0) == -1 ||
	    transfer(fd, (char *)bytes, n, true, 0) == -1)
		_exit(0);
	return 0;
}

/* The worker's side of an attachment request. */
static void
serve_attachment(int fd, const char *data, const uint64_t *head)
{
	uint64_t none[2] = {sizeof(uint64_t), 1};

	if (head[3] > 0 && head[3] <= MESSAGE_MIME_PARTS_MAX &&
	    message_attachment_parse(data, head[1], head[0], (unsigned)head[3],
				     send_attachment, &fd) == 0)
		return;
	if (transfer(fd, (char *)none, sizeof(none), true, 0) == -1)
		_exit(0);
}

/* The worker's side: parse what comes, answer, until the parent goes. */
static void ATTR_NORETURN
serve(int fd)
{
	struct message *m;
	struct buf b;
	uint64_t head[4];
	char *data;

	for (;;) {
		if (transfer(fd, (char *)head, sizeof(head), false, 0) == -1)
			_exit(0);
		if (head[1] > MESSAGE_SIZE_MAX + 1ul)
			_exit(1);
		data = xmalloc(head[1] + 1);
		if (transfer(fd, data, head[1], false, 0) == -1)
			_exit(0);
		if (head[2] == REQUEST_ATTACHMENT) {
			serve_attachment(fd, data, head);
			free(data);
			continue;
		}
		m = head[2] == REQUEST_HEADER
			    ? message_parse_header(data, head[1], head[0])
			    : parser(data, head[1], head[0]);
		free(data);
		buf_init(&b, SIZE_MAX);
		encode(m, &b);
		message_free(m);
		if (transfer(fd, b.data, b.len, true, 0) == -1)
			_exit(0);
		buf_deinit(&b);
	}
}

/* Limits and signals of the worker, set before it reads any mail. */
static void
limit_worker(void)
{
	struct rlimit core = {0, 0};
	static const int sigs[] = {SIGTERM, SIGINT,  SIGHUP,  SIGUSR1,
				   SIGUSR2, SIGPIPE, SIGALRM, SIGCHLD};
	size_t i;

	for (i = 0; i < nitems(sigs); i++)
		signal(sigs[i], sigs[i] == SIGPIPE ? SIG_IGN : SIG_DFL);
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	(void)setrlimit(RLIMIT_CORE, &core);
#ifndef UNDER_ASAN
	{
		/* ASan's shadow memory alone is larger: no limit there */
		struct rlimit data = {MESSAGE_WORKER_MEMORY_MAX,
				      MESSAGE_WORKER_MEMORY_MAX};

		(void)setrlimit(RLIMIT_DATA, &data);
	}
#endif
}

/* The worker keeps its socket (as fd 3) and stderr: the database, the
   mailbox connection and the rest of the parent's files are closed, so a
   parser that was taken over by a message reaches none of them. */
static int
isolate_worker(int fd)
{
	struct rlimit files;
	int null;

	if (fd != 3 && dup2(fd, 3) == -1)
		_exit(1);
	null = open("/dev/null", O_RDWR);
	if (null != -1) {
		(void)dup2(null, 0);
		(void)dup2(null, 1);
	}
	/* below the soft limit: valgrind keeps its own files above it */
	if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur > 4 &&
	    files.rlim_cur != RLIM_INFINITY)
		(void)close_range(4, (unsigned)(files.rlim_cur - 1), 0);
	return 3;
}

static int
start_worker(char **error_r)
{
	int fds[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == -1) {
		*error_r = xasprintf("socketpair: %s", strerror(errno));
		return -1;
	}
	/* nothing buffered may be written twice: valgrind's exit flushes
	   the child's copy of stdio too */
	(void)fflush(NULL);
	pid = fork();
	if (pid == -1) {
		*error_r = xasprintf("fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		limit_worker();
		if (getenv("AANMELD_TEST_UNGUARDED_MIME") != NULL)
			parser = unguarded;
		/* the parent may be gone before PDEATHSIG was set */
		if (getppid() == 1)
			_exit(0);
		serve(isolate_worker(fds[1]));
	}
	close(fds[1]);
	worker_cpu = -1;
	worker_owner = getpid();
	worker_pid = pid;
	worker_fd = fds[0];
	return 0;
}

/* Ends the worker; *how says how it ended, when it did by itself. */
static void
end_worker(bool kill_it, char *how, size_t howlen)
{
	int status = 0;

	if (worker_pid == -1)
		return;
	close(worker_fd);
	if (kill_it)
		(void)kill(worker_pid, SIGKILL);
	while (waitpid(worker_pid, &status, 0) == -1 && errno == EINTR)
		;
	if (how != NULL && WIFSIGNALED(status))
		snprintf(how, howlen, "signal %d", WTERMSIG(status));
	else if (how != NULL && WIFEXITED(status))
		snprintf(how, howlen, "exit %d", WEXITSTATUS(status));
	worker_pid = -1;
	worker_fd = -1;
}

pid_t
message_worker_pid(void)
{
	return worker_pid;
}

void
message_worker_stop(void)
{
	end_worker(false, NULL, 0);
}

/* Keeps the worker on the processor its parent runs on: it only runs
   while the parent waits for it, and a wakeup on another, idle processor
   costs more than the parse (measured: a quarter of a Maildir intake in
   a virtual machine, a tenth on one processor).  Best effort. */
static void
keep_near(void)
{
	cpu_set_t set;
	int cpu = sched_getcpu();

	if (cpu < 0 || cpu == worker_cpu || cpu >= CPU_SETSIZE)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(worker_pid, sizeof(set), &set) == 0)
		worker_cpu = cpu;
}

/* One round trip: 0 with the answer (heap) and its length; -2 when the
   request could not be sent (the worker was gone before it had the
   message: no fault of the message's), -1 when no answer came. */
static int
round_trip(const char *data, size_t len, size_t size, enum request what,
	   unsigned part, char **answer_r, size_t *n_r)
{
	int64_t deadline = now_ms() + timeout_ms;
	uint64_t head[4] = {size, len, what, part}, n;

	keep_near();
	if (transfer(worker_fd, (char *)head, sizeof(head), true, deadline) ==
		    -1 ||
	    transfer(worker_fd, (char *)data, len, true, deadline) == -1)
		return -2;
	if (transfer(worker_fd, (char *)&n, sizeof(n), false, deadline) == -1 ||
	    n > ANSWER_MAX)
		return -1;
	*answer_r = xmalloc(n + 1);
	*n_r = n;
	if (transfer(worker_fd, *answer_r, n, false, deadline) == -1) {
		free(*answer_r);
		return -1;
	}
	return 0;
}

/* Reaps a worker that died while it waited (killed from outside, say),
   so that the next message gets a new one, not the blame. */
static void
reap_idle_worker(void)
{
	int status;

	if (worker_pid != -1 &&
	    waitpid(worker_pid, &status, WNOHANG) == worker_pid) {
		log_warnx("the parser worker had ended (%s %d) while idle: "
			  "starting a new one",
			  WIFSIGNALED(status) ? "signal" : "exit",
			  WIFSIGNALED(status) ? WTERMSIG(status)
					      : WEXITSTATUS(status));
		close(worker_fd);
		worker_pid = -1;
		worker_fd = -1;
	}
}

/* Forked with our parent's worker: a reply on that line may be an
   answer to our parent's question, so it is not ours to use. */
static void
forget_inherited(void)
{
	if (worker_pid != -1 && worker_owner != getpid()) {
		close(worker_fd);
		worker_pid = -1;
		worker_fd = -1;
	}
}

void
message_worker_warm(void)
{
	char *err = NULL;

	forget_inherited();
	reap_idle_worker();
	/* a failure is said by the parse that needs the worker */
	if (worker_pid == -1 && start_worker(&err) == -1)
		free(err);
}

/* Ends a worker that is dead, stuck or confused (a new one next time);
   how says how it ended. */
static void
give_up(char *how, size_t howlen)
{
	snprintf(how, howlen, "no answer");
	end_worker(true, how, howlen);
}

/* The worker's answer to a request: 0 with it (heap, *n_r bytes), or -1
   when it could not be had (*how says why; the worker is gone then, the
   next call starts a new one). */
static int
exchange(const char *data, size_t len, size_t size, enum request what,
	 unsigned part, char **answer_r, size_t *n_r, char *how, size_t howlen)
{
	char *err = NULL;
	int rc = -2, tries;

	if (len > MESSAGE_SIZE_MAX + 1ul)
		len = MESSAGE_SIZE_MAX + 1ul; /* over the limit either way */
	if (size < len)
		size = len;
	forget_inherited();
	reap_idle_worker();
	/* a worker that was gone before it read the message: once more */
	for (tries = 0; rc == -2 && tries < 2; tries++) {
		if (tries > 0)
			end_worker(true, NULL, 0);
		if (worker_pid == -1 && start_worker(&err) == -1) {
			snprintf(how, howlen, "cannot start: %s", err);
			free(err);
			return -1;
		}
		rc = round_trip(data, len, size, what, part, answer_r, n_r);
	}
	if (rc != 0)
		give_up(how, howlen);
	return rc == 0 ? 0 : -1;
}

/* The worker's parse, or NULL when it could not be had (*how says why;
   the worker is gone then, the next call starts a new one). */
static struct message *
ask(const char *data, size_t len, size_t size, bool header_only, char *how,
    size_t howlen)
{
	struct message *m;
	char *answer;
	size_t n;

	if (exchange(data, len, size,
		     header_only ? REQUEST_HEADER : REQUEST_PARSE, 0, &answer,
		     &n, how, howlen) == -1)
		return NULL;
	m = decode(answer, n);
	free(answer);
	if (m == NULL)
		give_up(how, howlen);
	return m;
}

int
message_worker_attachment(const char *data, size_t len, size_t size,
			  unsigned part, char **bytes_r, size_t *len_r,
			  char **error_r)
{
	char *answer, how[256];
	uint64_t found;
	size_t n;

	timed_out = false;
	if (exchange(data, len, size, REQUEST_ATTACHMENT, part, &answer, &n,
		     how, sizeof(how)) == -1) {
		*error_r = xasprintf("the parser worker died reading the "
				     "attachment in part %u (%s)",
				     part, how);
		return -1;
	}
	found = 2;
	if (n >= sizeof(found))
		memcpy(&found, answer, sizeof(found));
	if (found != 0 || n - sizeof(found) > MESSAGE_ATTACHMENT_MAX) {
		free(answer);
		if (found == 1) {
			*error_r = xasprintf("no attachment in part %u", part);
			return -1;
		}
		give_up(how, sizeof(how));
		*error_r = xasprintf("the parser worker gave no attachment "
				     "for part %u (%s)",
				     part, how);
		return -1;
	}
	/* the bytes to the front: no second copy of them */
	*len_r = n - sizeof(found);
	memmove(answer, answer + sizeof(found), *len_r);
	answer[*len_r] = '\0';
	*bytes_r = answer;
	return 0;
}

struct message *
message_worker_parse(const char *data, size_t len, size_t size)
{
	struct message *m;
	char how[256], again[256];
	struct reason *why;

	if (len > MESSAGE_SIZE_MAX + 1ul)
		len = MESSAGE_SIZE_MAX + 1ul; /* over the limit either way */
	if (size < len)
		size = len;
	timed_out = false;
	m = ask(data, len, size, false, how, sizeof(how));
	/* a worker that died by itself may have been killed from outside
	   (an operator, the OOM killer): one more try on a new one; a stall
	   is not tried again */
	if (m == NULL && !timed_out)
		m = ask(data, len, size, false, how, sizeof(how));
	if (m != NULL)
		return m;
	log_warnx("the parser worker died on a message of %zu bytes (%s): "
		  "it goes to review",
		  size, how);
	why = reason_new(REASON_PARSER_DIED, how);
	/* the header alone, for staff to see who sent it */
	m = ask(data, len, size, true, again, sizeof(again));
	if (m != NULL) {
		reason_free(m->problem);
		m->problem = why;
		return m;
	}
	return message_unparsed(why, size);
}
