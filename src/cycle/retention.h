/*
 * Retention (AVG/GDPR storage limitation).  Raw mail, contact data and
 * review notes serve the programme; they are kept for retention_months
 * after its last item (normally the congress), then purged: the raw
 * copies, the delivered texts (spool/deliveries/) and the file
 * transport's copies deleted, the personal columns
 * of the database blanked (store_privacy.h).  The purge is idempotent
 * and logs counts, never content.
 */
#ifndef AANMELD_RETENTION_H
#define AANMELD_RETENTION_H

#include <stdbool.h>
#include <time.h>

struct programme;
struct store;

struct retention_counts {
	unsigned spool_files; /* raw copies and sent copies deleted */
	unsigned messages;
	unsigned contacts;
	unsigned outbox;
	unsigned review;
};

/* The end of the programme's last item (session, deadline, congress). */
time_t retention_programme_end(const struct programme *p);

/*
 * end plus months in local time, the same time of day; a day that the
 * later month lacks becomes its last day (31 August + 1 month is
 * 30 September).  Pure apart from the time zone.
 */
time_t retention_cutoff(time_t end, unsigned months);

/*
 * Purges when now is at or after the cut-off; before it does nothing and
 * touches neither database nor disk.  spool_dir (its mail/ folder) and
 * outbox_dir (may be NULL) hold the copies.  dry_run counts only.  Logs
 * the counts.  1 purged (or would), 0 not due yet, -1 with *error_r.
 */
int retention_purge(struct store *s, const struct programme *p, unsigned months,
		    const char *spool_dir, const char *outbox_dir, time_t now,
		    bool dry_run, struct retention_counts *n_r, char **error_r);

/*
 * Erases what is held about one person (see store_privacy_erase) and
 * deletes the raw copies of their messages, the files of the texts they
 * delivered (under spool_dir) and the file transport's copies of mail
 * to them.  Raw copies are named relative to spool_dir (spool.h); one
 * outside it is refused, never deleted.  0 or -1 with *error_r.
 */
int retention_forget(struct store *s, const char *address,
		     const char *spool_dir, const char *outbox_dir, time_t now,
		     struct retention_counts *n_r, char **error_r);

#endif
