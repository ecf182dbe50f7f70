/*
 * The front door to the mailbox: opens a backend and is the only caller
 * of its ops.  Optional ops are answered here, once.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "imap.h"
#include "log.h"
#include "mailbox.h"
#include "mailbox_backend.h"
#include "maildir.h"
#include "util.h"

static const struct mailbox_ops *const backends[] = {
	&maildir_ops,
	&imap_ops,
};

static struct mailbox *
wrap(const struct mailbox_ops *ops, void *h, const char *name)
{
	struct mailbox *mb = xcalloc(1, sizeof(*mb));

	mb->ops = ops;
	mb->h = h;
	mb->name = xstrdup(name);
	return mb;
}

struct mailbox *
mailbox_open(const struct mailbox_settings *set, char **error_r)
{
	const char *type = set->type;
	size_t i;
	void *h;

	for (i = 0; i < nitems(backends); i++) {
		if (strcmp(backends[i]->name, type) != 0)
			continue;
		h = backends[i]->open(set, error_r);
		if (h == NULL)
			return NULL;
		return wrap(backends[i], h, backends[i]->inbox(h));
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

static enum mailbox_result
lacks(const struct mailbox *mb, const char *what, char **error_r)
{
	*error_r = xasprintf("the %s mailbox has no %s", mb->ops->name, what);
	return MAILBOX_ERROR;
}

bool
mailbox_has_position(const struct mailbox *mb)
{
	return mb->ops->resume != NULL && mb->ops->position != NULL;
}

bool
mailbox_has_folders(const struct mailbox *mb)
{
	return mb->ops->folder_list != NULL && mb->ops->folder_fetch != NULL &&
	       mb->ops->folder_move != NULL && mb->ops->folder_create != NULL;
}

bool
mailbox_has_move_set(const struct mailbox *mb)
{
	return mb->ops->move_set != NULL;
}

void
mailbox_resume(struct mailbox *mb, uint32_t validity, uint32_t last)
{
	if (mb->ops->resume != NULL)
		mb->ops->resume(mb->h, validity, last);
}

enum mailbox_result
mailbox_position(struct mailbox *mb, const char *key, uint32_t *validity_r,
		 uint32_t *last_r)
{
	if (mb->ops->position == NULL)
		return MAILBOX_GONE;
	return mb->ops->position(mb->h, key, validity_r, last_r);
}

enum mailbox_result
mailbox_list(struct mailbox *mb, char ***keys_r, size_t *n_r, char **error_r)
{
	return mb->ops->list(mb->h, keys_r, n_r, error_r);
}

enum mailbox_result
mailbox_fetch(struct mailbox *mb, const char *key, size_t max, char **data_r,
	      size_t *len_r, size_t *size_r, char **error_r)
{
	return mb->ops->fetch(mb->h, key, max, data_r, len_r, size_r, error_r);
}

enum mailbox_result
mailbox_move(struct mailbox *mb, const char *key, const char *folder,
	     char **error_r)
{
	return mb->ops->move(mb->h, key, folder, error_r);
}

enum mailbox_result
mailbox_move_set(struct mailbox *mb, const char *const *keys, size_t n,
		 const char *folder, char **error_r)
{
	if (mb->ops->move_set == NULL)
		return lacks(mb, "set moves", error_r);
	return mb->ops->move_set(mb->h, keys, n, folder, error_r);
}

enum mailbox_result
mailbox_folder_list(struct mailbox *mb, const char *folder, char ***keys_r,
		    size_t *n_r, char **error_r)
{
	if (mb->ops->folder_list == NULL)
		return lacks(mb, "folders", error_r);
	return mb->ops->folder_list(mb->h, folder, keys_r, n_r, error_r);
}

enum mailbox_result
mailbox_folder_fetch(struct mailbox *mb, const char *folder, const char *key,
		     size_t max, char **data_r, size_t *len_r, size_t *size_r,
		     char **error_r)
{
	if (mb->ops->folder_fetch == NULL)
		return lacks(mb, "folders", error_r);
	return mb->ops->folder_fetch(mb->h, folder, key, max, data_r, len_r,
				     size_r, error_r);
}

enum mailbox_result
mailbox_folder_move(struct mailbox *mb, const char *folder, const char *key,
		    const char *dest, char **error_r)
{
	if (mb->ops->folder_move == NULL)
		return lacks(mb, "folders", error_r);
	return mb->ops->folder_move(mb->h, folder, key, dest, error_r);
}

enum mailbox_result
mailbox_folder_create(struct mailbox *mb, const char *folder, char **error_r)
{
	if (mb->ops->folder_create == NULL)
		return lacks(mb, "folders", error_r);
	return mb->ops->folder_create(mb->h, folder, error_r);
}

bool
mailbox_refused(const struct mailbox *mb)
{
	return mb->ops->refused != NULL && mb->ops->refused(mb->h);
}

enum mailbox_result
mailbox_folder_lookup(struct mailbox *mb, const char *folder, char **name_r,
		      char **error_r)
{
	if (mb->ops->folder_lookup == NULL)
		return lacks(mb, "folders", error_r);
	return mb->ops->folder_lookup(mb->h, folder, name_r, error_r);
}

enum mailbox_result
mailbox_wait(struct mailbox *mb, int timeout, volatile sig_atomic_t *stop,
	     char **error_r)
{
	enum mailbox_result rc;

	if (mb->ops->wait == NULL)
		return lacks(mb, "way to wait for mail", error_r);
	/* one line a pass: a test can tell a daemon at rest from one that
	   starts pass after pass */
	log_debug("mailbox: waiting for mail");
	rc = mb->ops->wait(mb->h, timeout, stop, error_r);
	if (rc == MAILBOX_OK)
		log_debug("mailbox: new mail");
	return rc;
}

/* --- a folder's given keys seen as a mailbox (mailbox_view_open) */

struct view {
	struct mailbox *mb;
	const char *folder;
	char *const *keys;
	size_t n;
};

static enum mailbox_result
view_list(void *h, char ***keys_r, size_t *n_r, char **error_r)
{
	struct view *v = h;
	size_t i;

	(void)error_r;
	*keys_r = xcalloc(v->n + 1, sizeof(**keys_r));
	for (i = 0; i < v->n; i++)
		(*keys_r)[i] = xstrdup(v->keys[i]);
	*n_r = v->n;
	return MAILBOX_OK;
}

static enum mailbox_result
view_fetch(void *h, const char *key, size_t max, char **data_r, size_t *len_r,
	   size_t *size_r, char **error_r)
{
	struct view *v = h;

	return mailbox_folder_fetch(v->mb, v->folder, key, max, data_r, len_r,
				    size_r, error_r);
}

static enum mailbox_result
view_move(void *h, const char *key, const char *folder, char **error_r)
{
	struct view *v = h;

	return mailbox_folder_move(v->mb, v->folder, key, folder, error_r);
}

static void
view_close(void *h)
{
	free(h);
}

static const struct mailbox_ops view_ops = {
	.name = "folder",
	.list = view_list,
	.fetch = view_fetch,
	.move = view_move,
	.close = view_close,
};

struct mailbox *
mailbox_view_open(struct mailbox *mb, const char *folder, char *const *keys,
		  size_t n, char **error_r)
{
	struct view *v;

	if (!mailbox_has_folders(mb)) {
		(void)lacks(mb, "folders", error_r);
		return NULL;
	}
	v = xcalloc(1, sizeof(*v));
	v->mb = mb;
	v->folder = folder;
	v->keys = keys;
	v->n = n;
	return wrap(&view_ops, v, folder);
}
