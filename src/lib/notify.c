/*
 * The notify protocol through libsystemd's sd_notify(3) and
 * sd_watchdog_enabled(3).  sd_notify() returns 0 without NOTIFY_SOCKET,
 * which makes every call here harmless outside systemd.
 */
#include "autoconf.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-daemon.h>

#include "log.h"
#include "notify.h"
#include "util.h"

static void
notify_result(const char *what, int r)
{
	if (r < 0)
		log_debug("cannot notify the service manager of %s: %s", what,
			  strerror(-r));
}

void
notify_ready(void)
{
	notify_result("READY", sd_notify(0, "READY=1"));
}

void
notify_status(const char *fmt, ...)
{
	char text[NOTIFY_STATUS_MAX + 1];
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	for (i = 0; text[i] != '\0'; i++) {
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			text[i] = ' ';
	}
	notify_result("STATUS", sd_notifyf(0, "STATUS=%s", text));
}

void
notify_stopping(void)
{
	notify_result("STOPPING", sd_notify(0, "STOPPING=1"));
}

void
notify_reloading(void)
{
	struct timespec ts;
	unsigned long long usec = 0;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == 0)
		usec = (unsigned long long)ts.tv_sec * 1000000ULL +
		       (unsigned long long)ts.tv_nsec / 1000ULL;
	notify_result("RELOADING",
		      sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu", usec));
}

void
notify_reloaded(void)
{
	notify_result("READY", sd_notify(0, "READY=1"));
}

unsigned
notify_watchdog_usec(void)
{
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) <= 0)
		return 0;
	return usec > UINT_MAX ? UINT_MAX : (unsigned)usec;
}

void
notify_watchdog(void)
{
	notify_result("WATCHDOG", sd_notify(0, "WATCHDOG=1"));
}

/* "12:03:05" for a time within the last day, else "2021-04-13 12:03". */
static const char *
clock_text(time_t t, time_t now, char *buf, size_t size)
{
	struct tm tm;

	if (now - t >= 24 * 3600 || t - now >= 24 * 3600)
		return util_format_time(t, buf, size);
	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, "%H:%M:%S", &tm) == 0)
		util_strlcpy(buf, "?", size);
	return buf;
}

void
notify_format_status(char *buf, size_t size, time_t since, time_t now,
		     unsigned backlog, unsigned outbox_queued,
		     unsigned outbox_failed, bool mailbox_ok)
{
	char when[32], head[96];
	long long age;

	if (size == 0)
		return;
	clock_text(since, now, when, sizeof(when));
	/* a clock set back (or a simulated one) shows as "0 s ago" */
	age = now > since ? (long long)now - (long long)since : 0;
	if (!mailbox_ok && since == 0)
		util_strlcpy(head, "mailbox unreachable", sizeof(head));
	else if (!mailbox_ok)
		snprintf(head, sizeof(head), "mailbox unreachable since %s",
			 when);
	else if (since == 0)
		snprintf(head, sizeof(head), "no poll yet, backlog %u",
			 backlog);
	else if (age < 120)
		snprintf(head, sizeof(head),
			 "last poll %s (%lld s ago), backlog %u", when, age,
			 backlog);
	else if (age < 2 * 3600)
		snprintf(head, sizeof(head),
			 "last poll %s (%lld min ago), backlog %u", when,
			 age / 60, backlog);
	else
		snprintf(head, sizeof(head),
			 "last poll %s (%lld h ago), backlog %u", when,
			 age / 3600, backlog);
	snprintf(buf, size, "%s, outbox %u queued, %u failed", head,
		 outbox_queued, outbox_failed);
}
