/*
 * What aanmeld send and aanmeld-web's page /versturen do with a mail
 * staff wrote to a group: who of the group gets it, who had it before
 * and whose mail came back, and with queue the mails in the outbox with
 * their history rows.  Both print or show what it found; neither does
 * any of it itself.
 */
#ifndef AANMELD_SEND_GROUP_H
#define AANMELD_SEND_GROUP_H

#include <stdbool.h>
#include <stddef.h>

#include "audience.h"

struct config;
struct programme;
struct schedule_contact;
struct store;
struct template;

/* The placeholders a mail to a contact can fill; any other is refused
   before anything is queued. */
extern const char *const send_group_vars[];
extern const size_t send_group_n_vars;

enum send_group_state {
	SEND_GROUP_NEW,		  /* gets it (with queue: queued now) */
	SEND_GROUP_QUEUED_BEFORE, /* queued, not yet sent: the daemon will */
	SEND_GROUP_SENT_BEFORE,
	SEND_GROUP_FAILED_BEFORE,
	SEND_GROUP_CAME_BACK, /* mail to it came back: left out */
};

struct send_group_row {
	const struct schedule_contact *c; /* in contacts */
	enum send_group_state state;
};

struct send_group {
	/* set by the caller, borrowed */
	const struct config *config;
	const struct programme *programme;
	const struct template *t;
	const char *name; /* the template, for the history */
	struct audience to;
	/* with queue, NULL or asked once the group is read and before
	   anything is queued: false queues nothing and sets stopped (the
	   group is not the one the caller showed) */
	bool (*agree)(const struct send_group *g, void *cls);
	void *agree_cls;
	/* found by send_group_run() */
	struct schedule_contact *contacts;
	size_t n_contacts;
	struct send_group_row *rows; /* the group, in the store's order */
	size_t n;
	unsigned fresh, waiting, known, failed, back;
	unsigned queued; /* new in the outbox (queue only) */
	bool stopped;	 /* agree said no */
};

/*
 * Reads the group from s and with queue queues the mail to every
 * contact that has not had it, one transaction with a history row each
 * by actor.  0, or -1 with *error_r (heap); free g with
 * send_group_free() either way.
 */
int send_group_run(struct send_group *g, struct store *s, bool queue,
		   const char *actor, char **error_r);
/* The subject and body contact c gets (heap). */
void send_group_render(const struct send_group *g,
		       const struct schedule_contact *c, char **subject_r,
		       char **body_r);
void send_group_free(struct send_group *g);

#endif
