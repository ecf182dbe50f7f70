/*
 * The items of a programme by number: session 1 to
 * PROGRAMME_SESSIONS_MAX, the deadline and the congress.  Their names
 * and the calendar UIDs every invitation and every answer to one
 * carries, so that the invitations (calendar.c) and the reading of the
 * answers (classify.c) agree without depending on each other.
 */
#ifndef AANMELD_PROGRAMME_ITEM_H
#define AANMELD_PROGRAMME_ITEM_H

#include <stdbool.h>
#include <stddef.h>

#include "programme.h"

/* Numbers beyond the sessions' 1 to PROGRAMME_SESSIONS_MAX. */
#define PROGRAMME_DEADLINE (PROGRAMME_SESSIONS_MAX + 1)
#define PROGRAMME_CONGRESS (PROGRAMME_SESSIONS_MAX + 2)

/*
 * The domain of the UIDs: uid_domain, or with NULL the domain of the
 * programme's address.  NULL when that is not ASCII letters, digits,
 * dots and hyphens (it goes into every calendar the desk sends).
 */
const char *programme_uid_domain(const struct programme *p,
				 const char *uid_domain);

/*
 * The UID of a session (number 1 to PROGRAMME_SESSIONS_MAX),
 * PROGRAMME_DEADLINE or PROGRAMME_CONGRESS:
 * "aanmeld-<32 hex>-session-<n>@<domain>", "...-deadline@..." or
 * "...-congress@..." in lower case, where the hex digits are SHA-256 of the
 * programme's address (lower-cased) and name.  The same programme gives the
 * same UIDs in every run, so a later REQUEST or CANCEL updates the event the
 * first one made.  XXX Renaming the event or changing its address after
 * invitations went out gives new UIDs, and calendars then hold the old
 * events beside the new ones.
 *
 * uid_domain as for programme_uid_domain().  Returns a heap string the
 * caller frees, or NULL for another number or an unsafe domain.
 */
char *programme_item_uid(const struct programme *p, unsigned number,
			 const char *uid_domain);
/*
 * The UID of an item in the programme overview (programma.ics, PUBLISH):
 * a session's is its own ("...-programme-session-2@..."), so that a
 * calendar that imports the overview keeps it apart from the invitation
 * and its answer; the deadline and the congress, never invited to, keep
 * programme_item_uid()'s.  Returns as programme_item_uid().
 */
char *programme_item_overview_uid(const struct programme *p, unsigned number,
				  const char *uid_domain);

/*
 * The item of p that uid names, as programme_item_uid() makes them for
 * uid_domain: a session number, PROGRAMME_DEADLINE or PROGRAMME_CONGRESS;
 * 0 when it is none of them.  ASCII case is ignored (some clients
 * upper-case UIDs).
 */
unsigned programme_item_by_uid(const struct programme *p, const char *uid,
			       const char *uid_domain);

/* A short English name of an item number: "session 2", "deadline",
   "congress" (for reasons); the stable key "session-2", "deadline",
   "congress" with key true (for the database). */
void programme_item_name(unsigned item, bool key, char *buf, size_t size);

#endif
