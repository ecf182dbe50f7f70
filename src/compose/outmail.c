#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "compose.h"
#include "config.h"
#include "outmail.h"
#include "util.h"

void
outmail_init(struct outmail *m, char *key, const char *kind,
	     const struct config *cfg)
{
	memset(m, 0, sizeof(*m));
	m->key = key;
	m->kind = kind;
	m->message_id = compose_message_id(key, cfg->message_id_domain);
	/* a unit test's config may leave it unset */
	if (cfg->envelope_from != NULL)
		m->from = xstrdup(cfg->envelope_from);
}

void
outmail_deinit(struct outmail *m)
{
	free(m->key);
	free(m->message_id);
	free(m->from);
	free(m->rcpt);
	free(m->raw);
	free(m->session.code);
	memset(m, 0, sizeof(*m));
}

void
outmail_set_session(struct outmail *m, const char *code, unsigned round,
		    unsigned number, bool cancel)
{
	free(m->session.code);
	m->session.code = xstrdup(code);
	m->session.round = round > 1 ? round : 1;
	m->session.number = number;
	m->session.cancel = cancel;
}

void
outmail_list_init(struct outmail_list *l)
{
	memset(l, 0, sizeof(*l));
}

void
outmail_list_add(struct outmail_list *l, struct outmail *m)
{
	l->mails = xreallocarray(l->mails, l->n + 1, sizeof(*l->mails));
	l->mails[l->n++] = *m;
	memset(m, 0, sizeof(*m));
}

void
outmail_list_deinit(struct outmail_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		outmail_deinit(&l->mails[i]);
	free(l->mails);
	memset(l, 0, sizeof(*l));
}
