#include "autoconf.h"

#include <stdio.h>

#include "nldate.h"
#include "util.h"

static const char *const months[12] = {
	"januari", "februari", "maart",	    "april",   "mei",	   "juni",
	"juli",	   "augustus", "september", "oktober", "november", "december",
};

static const char *const days[7] = {
	"zondag",    "maandag", "dinsdag",  "woensdag",
	"donderdag", "vrijdag", "zaterdag",
};

const char *
nldate_month(int mon)
{
	if (mon < 0 || mon >= (int)nitems(months))
		return NULL;
	return months[mon];
}

void
nldate_format(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL) {
		util_strlcpy(buf, "?", size);
		return;
	}
	snprintf(buf, size, "%s %d %s %d", days[tm.tm_wday], tm.tm_mday,
		 months[tm.tm_mon], tm.tm_year + 1900);
}

void
nldate_format_day(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL) {
		util_strlcpy(buf, "?", size);
		return;
	}
	snprintf(buf, size, "%d %s %d", tm.tm_mday, months[tm.tm_mon],
		 tm.tm_year + 1900);
}

void
nldate_format_moment(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL) {
		util_strlcpy(buf, "?", size);
		return;
	}
	snprintf(buf, size, "%s %d %s %d om %02d.%02d uur", days[tm.tm_wday],
		 tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
		 tm.tm_min);
}

void
nldate_format_when(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL) {
		util_strlcpy(buf, "?", size);
		return;
	}
	snprintf(buf, size, "%d %s %d, %02d.%02d uur", tm.tm_mday,
		 months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
}

void
nldate_format_hours(time_t start, time_t end, char *buf, size_t size)
{
	struct tm a, b;

	if (end <= start) {
		util_strlcpy(buf, "", size);
		return;
	}
	if (localtime_r(&start, &a) == NULL || localtime_r(&end, &b) == NULL) {
		util_strlcpy(buf, "?", size);
		return;
	}
	snprintf(buf, size, "%02d.%02d-%02d.%02d uur", a.tm_hour, a.tm_min,
		 b.tm_hour, b.tm_min);
}
