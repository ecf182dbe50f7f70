#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrhash.h"
#include "schedule.h"
#include "util.h"

struct out {
	struct schedule_mail *mails;
	size_t n;
};

static struct schedule_mail *
add(struct out *o, enum schedule_kind kind, const struct schedule_contact *c,
    unsigned number, time_t at)
{
	struct schedule_mail *m;

	o->mails = xreallocarray(o->mails, o->n + 1, sizeof(*o->mails));
	m = &o->mails[o->n++];
	memset(m, 0, sizeof(*m));
	m->kind = kind;
	m->to = c;
	m->number = number;
	m->at = at;
	return m;
}

char *
schedule_key(const char *what, const char *code, const char *addr,
	     unsigned round, const char *tail)
{
	char token[ADDRHASH_TOKEN_LEN + 1], r[16] = "";

	/* a key outlives forget and the purge: no address in it */
	addrhash_token(addr, token);
	if (round > 1)
		snprintf(r, sizeof(r), ":r%u", round);
	return xasprintf("%s:%s:%s%s%s%s", what, code, token,
			 tail != NULL ? ":" : "", tail != NULL ? tail : "", r);
}

unsigned
schedule_sequence(unsigned sequence, unsigned round)
{
	return round > 1 ? sequence + 2 * (round - 1) : sequence;
}

const struct schedule_sent *
schedule_sent_of(const struct schedule_contact *c, unsigned number)
{
	size_t i;

	for (i = 0; i < c->n_sent; i++) {
		if (c->sent[i].number == number)
			return &c->sent[i];
	}
	return NULL;
}

unsigned
schedule_programme_sequence(const struct schedule_item *items, size_t n)
{
	unsigned sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum += items[i].sequence;
	return sum;
}

unsigned
schedule_item_sequence(const struct schedule_item *items, size_t n,
		       unsigned number)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (items[i].number == number)
			return items[i].sequence;
	}
	return 0;
}

static void
reminder_key(struct schedule_mail *m)
{
	char tail[64];

	if (m->number == 0)
		snprintf(tail, sizeof(tail), "deadline:%s", m->offset);
	else
		snprintf(tail, sizeof(tail), "session-%u:%s", m->number,
			 m->offset);
	m->key = schedule_key("reminder", m->to->code, m->to->addr,
			      m->to->round, tail);
}

time_t
schedule_deadline_end(const struct programme *p)
{
	struct tm tm;

	if (localtime_r(&p->deadline.start, &tm) == NULL)
		return p->deadline.start + 24 * 3600;
	tm.tm_mday++;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

time_t
schedule_deadline_moment(const struct programme *p,
			 const struct programme_offset *o)
{
	struct tm tm;

	if (o->unit == 'h' || localtime_r(&p->deadline.start, &tm) == NULL)
		return programme_offset_before(schedule_deadline_end(p), o);
	tm.tm_mday -= (int)o->n;
	tm.tm_hour = SCHEDULE_DEADLINE_HOUR;
	tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* The moment of reminder i of an item (session number, 0: deadline). */
static time_t
moment(const struct programme *p, const struct programme_item *it,
       const struct programme_offset *o)
{
	return it == &p->deadline ? schedule_deadline_moment(p, o)
				  : programme_offset_before(it->start, o);
}

/* Reminders of one item for one contact: the latest one due (due) or every
   one not yet past (plan). */
static void
reminders(struct out *o, const struct programme *p,
	  const struct programme_item *it, const struct schedule_contact *c,
	  time_t now, bool plan)
{
	const struct programme_offset *offs;
	bool deadline = it == &p->deadline;
	size_t n, i, last = SIZE_MAX;
	time_t end = deadline ? schedule_deadline_end(p) : it->start, at;
	struct schedule_mail *m;

	offs = deadline ? p->deadline_reminders : p->session_reminders;
	n = deadline ? p->n_deadline_reminders : p->n_session_reminders;
	if (now >= end)
		return; /* never after the item has begun */
	if (!deadline) {
		const struct schedule_sent *sent =
			schedule_sent_of(c, it->number);

		if (sent != NULL && sent->declined)
			return; /* it said it will not come */
	}
	for (i = 0; i < n; i++) { /* largest offset (earliest) first */
		at = moment(p, it, &offs[i]);
		if (at <= now)
			last = i;
		else if (plan && at >= c->since) {
			m = add(o,
				deadline ? SCHEDULE_REMINDER_DEADLINE
					 : SCHEDULE_REMINDER_SESSION,
				c, deadline ? 0 : it->number, at);
			programme_offset_format(&offs[i], m->offset,
						sizeof(m->offset));
			reminder_key(m);
		}
	}
	if (last == SIZE_MAX)
		return;
	at = moment(p, it, &offs[last]);
	if (at < c->since)
		return; /* it was past when the contact came */
	m = add(o,
		deadline ? SCHEDULE_REMINDER_DEADLINE
			 : SCHEDULE_REMINDER_SESSION,
		c, deadline ? 0 : it->number, at);
	programme_offset_format(&offs[last], m->offset, sizeof(m->offset));
	reminder_key(m);
}

/* The reminders of every session and of the deadline for one contact. */
static void
all_reminders(struct out *o, const struct programme *p,
	      const struct schedule_contact *c, time_t now, bool plan)
{
	size_t j;

	for (j = 0; j < p->n_sessions; j++)
		reminders(o, p, &p->sessions[j], c, now, plan);
	/* a municipality that delivered its text is not reminded of it */
	if (p->deadline.title != NULL && !c->delivered)
		reminders(o, p, &p->deadline, c, now, plan);
}

/* An invitation to a session the contact's calendar does not hold, or
   an update or a cancellation of one it does. */
static void
changes(struct out *o, const struct programme *p, const struct schedule_item *s,
	const struct schedule_contact *c, time_t now)
{
	const struct programme_item *it = programme_session(p, s->number);
	const struct schedule_sent *sent = schedule_sent_of(c, s->number);
	enum schedule_kind kind;
	struct schedule_mail *m;
	char tail[32];

	if (s->removed) {
		/* a CANCEL only to a calendar that holds it */
		if (sent == NULL || !sent->invited || sent->cancelled ||
		    now >= s->start)
			return;
		kind = SCHEDULE_CANCEL;
	} else if (it == NULL || now >= it->start) {
		return;
	} else if (sent == NULL || !sent->invited) {
		kind = SCHEDULE_INVITE; /* added later, or a new session */
	} else if (sent->cancelled || s->sequence > sent->sequence) {
		/* changed, or back after its CANCEL: a REQUEST anew */
		kind = SCHEDULE_UPDATE;
	} else {
		return;
	}
	m = add(o, kind, c, s->number,
		kind == SCHEDULE_INVITE ? now : s->changed_at);
	m->sequence = schedule_sequence(s->sequence, c->round);
	if (kind == SCHEDULE_INVITE) {
		snprintf(tail, sizeof(tail), "%u", s->number);
		m->key = schedule_key("invitation", c->code, c->addr, c->round,
				      tail);
		return;
	}
	snprintf(tail, sizeof(tail), "%u:%u", s->number, s->sequence);
	m->key = schedule_key(s->removed ? "cancel" : "invitation", c->code,
			      c->addr, c->round, tail);
}

/* The overview anew when a session changed or was removed (not when
   one was only recorded: its SEQUENCE is 0) after c got it, while a
   session is still to come. */
static void
overview(struct out *o, const struct schedule_item *items, size_t n,
	 const struct schedule_contact *c, time_t now)
{
	struct schedule_mail *m;
	time_t latest = 0;
	bool to_come = false;
	char tail[32];
	size_t i;

	for (i = 0; i < n; i++) {
		if ((items[i].sequence > 0 || items[i].removed) &&
		    items[i].changed_at > latest)
			latest = items[i].changed_at;
		if (!items[i].removed && items[i].start > now)
			to_come = true;
	}
	if (latest == 0 || latest <= c->since || !to_come)
		return;
	m = add(o, SCHEDULE_PROGRAMME, c, 0, latest);
	m->sequence = schedule_programme_sequence(items, n);
	snprintf(tail, sizeof(tail), "%lld", (long long)latest);
	m->key = schedule_key("programme", c->code, c->addr, c->round, tail);
}

void
schedule_due(const struct programme *p, const struct schedule_contact *contacts,
	     size_t n_contacts, const struct schedule_item *items,
	     size_t n_items, time_t now, struct schedule_mail **mails_r,
	     size_t *n_r)
{
	struct out o = {NULL, 0};
	size_t i, j;

	for (i = 0; i < n_contacts; i++) {
		const struct schedule_contact *c = &contacts[i];

		if (c->status != SCHEDULE_CONFIRMED)
			continue;
		for (j = 0; j < n_items; j++)
			changes(&o, p, &items[j], c, now);
		overview(&o, items, n_items, c, now);
		all_reminders(&o, p, c, now, false);
	}
	*mails_r = o.mails;
	*n_r = o.n;
}

static int
by_moment(const void *a, const void *b)
{
	const struct schedule_mail *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return strcmp(x->key, y->key);
}

void
schedule_plan(const struct programme *p,
	      const struct schedule_contact *contacts, size_t n_contacts,
	      time_t now, struct schedule_mail **mails_r, size_t *n_r)
{
	struct out o = {NULL, 0};
	size_t i;

	for (i = 0; i < n_contacts; i++) {
		const struct schedule_contact *c = &contacts[i];

		if (c->status != SCHEDULE_CONFIRMED)
			continue;
		all_reminders(&o, p, c, now, true);
	}
	if (o.n > 1)
		qsort(o.mails, o.n, sizeof(*o.mails), by_moment);
	*mails_r = o.mails;
	*n_r = o.n;
}

void
schedule_free(struct schedule_mail *mails, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(mails[i].key);
	free(mails);
}

/* The earliest of item it's moments after after into *best (0: none). */
static void
next_of(const struct programme *p, const struct programme_item *it,
	time_t after, time_t *best)
{
	const struct programme_offset *offs;
	size_t n, i;
	time_t at;

	offs = it == &p->deadline ? p->deadline_reminders
				  : p->session_reminders;
	n = it == &p->deadline ? p->n_deadline_reminders
			       : p->n_session_reminders;
	for (i = 0; i < n; i++) {
		at = moment(p, it, &offs[i]);
		if (at > after && (*best == 0 || at < *best))
			*best = at;
	}
}

time_t
schedule_next_moment(const struct programme *p, time_t after)
{
	time_t best = 0;
	size_t j;

	for (j = 0; j < p->n_sessions; j++)
		next_of(p, &p->sessions[j], after, &best);
	if (p->deadline.title != NULL)
		next_of(p, &p->deadline, after, &best);
	return best;
}

#define FNV_OFFSET 14695981039346656037ULL
#define FNV_PRIME 1099511628211ULL

static uint64_t
hash_bytes(uint64_t h, const void *data, size_t n)
{
	const unsigned char *b = data;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= FNV_PRIME;
	}
	return h;
}

/* A string with its NUL, and NULL apart from "". */
static uint64_t
hash_str(uint64_t h, const char *v)
{
	static const unsigned char none = 0xff;

	return v == NULL ? hash_bytes(h, &none, 1)
			 : hash_bytes(h, v, strlen(v) + 1);
}

static uint64_t
hash_int(uint64_t h, int64_t v)
{
	return hash_bytes(h, &v, sizeof(v));
}

static uint64_t
hash_item(uint64_t h, const struct programme_item *it)
{
	h = hash_int(h, it->number);
	h = hash_str(h, it->title);
	h = hash_str(h, it->description);
	h = hash_str(h, it->link);
	h = hash_int(h, (int64_t)it->start);
	return hash_int(h, (int64_t)it->end);
}

static uint64_t
hash_offsets(uint64_t h, const struct programme_offset *o, size_t n)
{
	size_t i;

	h = hash_int(h, (int64_t)n);
	for (i = 0; i < n; i++) {
		h = hash_int(h, o[i].n);
		h = hash_bytes(h, &o[i].unit, 1);
	}
	return h;
}

uint64_t
schedule_programme_hash(const struct programme *p)
{
	uint64_t h = FNV_OFFSET;
	size_t j;

	h = hash_str(h, p->timezone);
	h = hash_int(h, (int64_t)p->n_sessions);
	for (j = 0; j < p->n_sessions; j++)
		h = hash_item(h, &p->sessions[j]);
	h = hash_item(h, &p->deadline);
	h = hash_offsets(h, p->session_reminders, p->n_session_reminders);
	return hash_offsets(h, p->deadline_reminders, p->n_deadline_reminders);
}

const char *
schedule_kind_name(enum schedule_kind kind)
{
	static const char *const names[] = {"reminder-session",
					    "reminder-deadline", "update",
					    "cancel", "invitation"};

	return names[kind];
}
