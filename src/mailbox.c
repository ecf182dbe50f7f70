#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "mailbox.h"
#include "imap.h"
#include "maildir.h"
#include "util.h"

static const struct mailbox_ops *const backends[] = {
	&maildir_ops,
	&imap_ops,
};

struct mailbox *
mailbox_open(const struct mailbox_settings *set, char **error_r)
{
	const char *type = set->type;
	struct mailbox *mb;
	size_t i;
	void *h;

	for (i = 0; i < nitems(backends); i++) {
		if (strcmp(backends[i]->name, type) != 0)
			continue;
		h = backends[i]->open(set, error_r);
		if (h == NULL)
			return NULL;
		mb = xcalloc(1, sizeof(*mb));
		mb->ops = backends[i];
		mb->h = h;
		mb->name = xstrdup(backends[i]->inbox(h));
		return mb;
	}
	*error_r = xasprintf("unknown mailbox type '%s'", type);
	return NULL;
}

void
mailbox_close(struct mailbox **mbp)
{
	struct mailbox *mb = *mbp;

	if (mb == NULL)
		return;
	mb->ops->close(mb->h);
	free(mb->name);
	free(mb);
	*mbp = NULL;
}
