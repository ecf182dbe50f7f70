/*
 * Dates and times in Dutch, in local time, as the letters, the
 * programme and the mails to staff write them.  The one table of Dutch
 * month names.  Each function writes into buf (truncated to size, always
 * terminated) and "?" for a time localtime_r() cannot convert.
 */
#ifndef AANMELD_NLDATE_H
#define AANMELD_NLDATE_H

#include <stddef.h>
#include <time.h>

/* "januari" for 0 (tm_mon) ... "december" for 11; NULL outside. */
const char *nldate_month(int mon);
/* "zaterdag 3 april 2021" */
void nldate_format(time_t t, char *buf, size_t size);
/* "3 april 2021" */
void nldate_format_day(time_t t, char *buf, size_t size);
/* "zaterdag 3 april 2021 om 09.05 uur", as a sentence says when
   something happened ("ontvangen op ...") */
void nldate_format_moment(time_t t, char *buf, size_t size);
/* "3 april 2021, 09.05 uur" */
void nldate_format_when(time_t t, char *buf, size_t size);
/* "13.30-15.00 uur"; "" when end is not after start (a moment, such as
   a deadline, has no time range). */
void nldate_format_hours(time_t start, time_t end, char *buf, size_t size);

#endif
