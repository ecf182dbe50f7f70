/*
 * Unit tests for the notify protocol: the STATUS line from a table of
 * numbers, and the real datagrams, read back from a socket that stands in
 * for systemd's (NOTIFY_SOCKET), plus the watchdog's environment.
 */
#include "autoconf.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "notify.h"

/* 2021-04-01 12:03:05 UTC; main() runs in TZ=UTC */
#define T0 ((time_t)1617278585)

struct sock {
	char dir[32];
	char path[108]; /* sun_path holds 108 */
	int fd;
};

static void
test_format_status(void **state)
{
	static const struct {
		time_t since, now;
		unsigned backlog, queued, failed;
		bool ok;
		const char *expect;
	} rows[] = {
		{T0, T0 + 3, 0, 2, 0, true,
		 "last poll 12:03:05 (3 s ago), backlog 0, outbox 2 queued, "
		 "0 failed"},
		{T0, T0, 7, 0, 1, true,
		 "last poll 12:03:05 (0 s ago), backlog 7, outbox 0 queued, "
		 "1 failed"},
		{T0, T0 + 119, 0, 0, 0, true,
		 "last poll 12:03:05 (119 s ago), backlog 0, outbox 0 queued, "
		 "0 failed"},
		{T0, T0 + 120, 0, 0, 0, true,
		 "last poll 12:03:05 (2 min ago), backlog 0, outbox 0 queued, "
		 "0 failed"},
		{T0, T0 + 7199, 0, 0, 0, true,
		 "last poll 12:03:05 (119 min ago), backlog 0, outbox 0 "
		 "queued, 0 failed"},
		{T0, T0 + 7200, 0, 0, 0, true,
		 "last poll 12:03:05 (2 h ago), backlog 0, outbox 0 queued, "
		 "0 failed"},
		{T0, T0 + 86399, 0, 0, 0, true,
		 "last poll 12:03:05 (23 h ago), backlog 0, outbox 0 queued, "
		 "0 failed"},
		/* a day old: with its date */
		{T0 - 86400, T0, 0, 0, 0, true,
		 "last poll 2021-03-31 12:03 (24 h ago), backlog 0, outbox 0 "
		 "queued, 0 failed"},
		/* the clock went back */
		{T0 + 10, T0, 1, 0, 0, true,
		 "last poll 12:03:15 (0 s ago), backlog 1, outbox 0 queued, "
		 "0 failed"},
		{0, T0, 5, 0, 0, true,
		 "no poll yet, backlog 5, outbox 0 queued, 0 failed"},
		{T0 - 125, T0, 9, 2, 0, false,
		 "mailbox unreachable since 12:01:00, outbox 2 queued, "
		 "0 failed"},
		{T0 - 3 * 86400, T0, 0, 4, 3, false,
		 "mailbox unreachable since 2021-03-29 12:03, outbox 4 "
		 "queued, 3 failed"},
		{0, T0, 0, 1, 0, false,
		 "mailbox unreachable, outbox 1 queued, 0 failed"},
		{T0, T0 + 1, UINT_MAX, UINT_MAX, UINT_MAX, true,
		 "last poll 12:03:05 (1 s ago), backlog 4294967295, outbox "
		 "4294967295 queued, 4294967295 failed"},
	};
	char buf[NOTIFY_STATUS_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		notify_format_status(buf, sizeof(buf), rows[i].since,
				     rows[i].now, rows[i].backlog,
				     rows[i].queued, rows[i].failed,
				     rows[i].ok);
		assert_string_equal(buf, rows[i].expect);
	}
}

/* a short buffer cuts the text off; size 0 writes nothing */
static void
test_format_status_short(void **state)
{
	char buf[16];

	(void)state;
	notify_format_status(buf, 10, T0, T0 + 3, 0, 2, 0, true);
	assert_string_equal(buf, "last poll");
	notify_format_status(buf, 1, T0, T0 + 3, 0, 2, 0, true);
	assert_string_equal(buf, "");
	memcpy(buf, "untouched", 10);
	notify_format_status(buf, 0, T0, T0 + 3, 0, 2, 0, true);
	assert_string_equal(buf, "untouched");
}

/* A datagram socket in a fresh folder, named by NOTIFY_SOCKET. */
static int
sock_setup(void **state)
{
	static struct sock sock;
	struct sockaddr_un sa;
	struct sock *s = &sock;

	memset(s, 0, sizeof(*s));
	snprintf(s->dir, sizeof(s->dir), "/tmp/test-notify-XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	assert_true(strlen(s->dir) + sizeof("/notify") <= sizeof(s->path));
	memcpy(s->path, s->dir, strlen(s->dir));
	memcpy(s->path + strlen(s->dir), "/notify", sizeof("/notify"));
	s->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(s->fd != -1);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	assert_true(strlen(s->path) < sizeof(sa.sun_path));
	memcpy(sa.sun_path, s->path, strlen(s->path) + 1);
	assert_int_equal(bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(setenv("NOTIFY_SOCKET", s->path, 1), 0);
	*state = s;
	return 0;
}

static int
sock_teardown(void **state)
{
	struct sock *s = *state;

	unsetenv("NOTIFY_SOCKET");
	close(s->fd);
	unlink(s->path);
	rmdir(s->dir);
	return 0;
}

/* The next datagram, or "" when none is waiting (sd_notify has sent it
   by the time it returns, so there is nothing to wait for). */
static const char *
next_datagram(struct sock *s, char *buf, size_t size)
{
	ssize_t n;

	n = recv(s->fd, buf, size - 1, MSG_DONTWAIT);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

static void
test_protocol(void **state)
{
	struct sock *s = *state;
	char buf[1024], want[512];
	const char *prefix = "RELOADING=1\nMONOTONIC_USEC=";

	notify_ready();
	assert_string_equal(next_datagram(s, buf, sizeof(buf)), "READY=1");
	notify_status("last poll %s, backlog %u", "12:03:05", 4u);
	assert_string_equal(next_datagram(s, buf, sizeof(buf)),
			    "STATUS=last poll 12:03:05, backlog 4");
	notify_watchdog();
	assert_string_equal(next_datagram(s, buf, sizeof(buf)), "WATCHDOG=1");
	notify_stopping();
	assert_string_equal(next_datagram(s, buf, sizeof(buf)), "STOPPING=1");
	notify_reloading();
	next_datagram(s, buf, sizeof(buf));
	assert_memory_equal(buf, prefix, strlen(prefix));
	assert_true(strlen(buf) > strlen(prefix));
	assert_true(strspn(buf + strlen(prefix), "0123456789") ==
		    strlen(buf + strlen(prefix)));
	notify_reloaded();
	assert_string_equal(next_datagram(s, buf, sizeof(buf)), "READY=1");
	assert_string_equal(next_datagram(s, buf, sizeof(buf)), "");

	/* a server's error text cannot add a field of its own */
	notify_status("imap: %s", "BYE\r\nREADY=1\tx");
	assert_string_equal(next_datagram(s, buf, sizeof(buf)),
			    "STATUS=imap: BYE  READY=1 x");
	/* nor grow without bound */
	memset(want, 'x', sizeof(want) - 1);
	want[sizeof(want) - 1] = '\0';
	notify_status("%s", want);
	next_datagram(s, buf, sizeof(buf));
	assert_int_equal(strlen(buf), strlen("STATUS=") + NOTIFY_STATUS_MAX);
}

/* Outside systemd, or with a socket gone, every call is harmless. */
static void
test_no_socket(void **state)
{
	struct sock *s = *state;
	char buf[64];

	unsetenv("NOTIFY_SOCKET");
	notify_ready();
	notify_status("x %d", 1);
	notify_watchdog();
	notify_stopping();
	notify_reloading();
	notify_reloaded();
	assert_string_equal(next_datagram(s, buf, sizeof(buf)), "");

	assert_int_equal(setenv("NOTIFY_SOCKET", "/nonexistent/notify", 1), 0);
	notify_ready();
	notify_status("x %d", 2);
	notify_watchdog();
	assert_string_equal(next_datagram(s, buf, sizeof(buf)), "");
}

static void
test_watchdog_usec(void **state)
{
	static const struct {
		const char *usec; /* NULL: unset */
		int pid;	  /* 1: ours, 0: unset, -1: another's */
		unsigned expect;
	} rows[] = {
		{"30000000", 1, 30000000},
		{"30000000", 0, 30000000},
		{"30000000", -1, 0},
		{NULL, 0, 0},
		{NULL, 1, 0},
		{"0", 1, 0},
		{"soon", 1, 0},
		{"300000000", 1, 300000000}, /* WatchdogSec=5min */
		{"7200000000", 1, UINT_MAX}, /* two hours: more than fits */
	};
	char pid[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (rows[i].usec == NULL)
			unsetenv("WATCHDOG_USEC");
		else
			setenv("WATCHDOG_USEC", rows[i].usec, 1);
		snprintf(pid, sizeof(pid), "%ld",
			 (long)getpid() + (rows[i].pid == -1 ? 1 : 0));
		if (rows[i].pid == 0)
			unsetenv("WATCHDOG_PID");
		else
			setenv("WATCHDOG_PID", pid, 1);
		assert_int_equal(notify_watchdog_usec(), rows[i].expect);
	}
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_status),
		cmocka_unit_test(test_format_status_short),
		cmocka_unit_test_setup_teardown(test_protocol, sock_setup,
						sock_teardown),
		cmocka_unit_test_setup_teardown(test_no_socket, sock_setup,
						sock_teardown),
		cmocka_unit_test(test_watchdog_usec),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	/* the test runs inside whatever started it, maybe a systemd unit */
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
