#include "autoconf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "userfile.h"
#include "web_accounts.h"

void
web_accounts_init(struct web_accounts *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	a->path = path;
}

void
web_accounts_deinit(struct web_accounts *a)
{
	userfile_free(a->u);
	memset(a, 0, sizeof(*a));
}

static bool
same_file(const struct stat *x, const struct stat *y)
{
	return x->st_dev == y->st_dev && x->st_ino == y->st_ino &&
	       x->st_size == y->st_size &&
	       x->st_mtim.tv_sec == y->st_mtim.tv_sec &&
	       x->st_mtim.tv_nsec == y->st_mtim.tv_nsec &&
	       x->st_ctim.tv_sec == y->st_ctim.tv_sec &&
	       x->st_ctim.tv_nsec == y->st_ctim.tv_nsec;
}

/* The users file as it is now, read again only when it changed; NULL
   when it cannot be read or is refused. */
static const struct userfile *
current(struct web_accounts *a)
{
	struct stat st;
	char *err = NULL;

	if (stat(a->path, &st) == -1) {
		if (a->read || a->u != NULL)
			log_warn("web: users file %s", a->path);
		userfile_free(a->u);
		a->u = NULL;
		a->read = false;
		return NULL;
	}
	if (!a->read || !same_file(&st, &a->seen)) {
		userfile_free(a->u);
		a->u = userfile_load(a->path, &err);
		if (a->u == NULL) {
			log_warnx("web: users file: %s", err);
			free(err);
		}
		a->seen = st;
		a->read = true;
	}
	return a->u;
}

bool
web_accounts_has(struct web_accounts *a, const char *name)
{
	const struct userfile *u = current(a);

	return u != NULL && userfile_has(u, name);
}

int
web_accounts_verify(struct web_accounts *a, const char *name,
		    const char *password)
{
	const struct userfile *u = current(a);

	if (u == NULL)
		return -1;
	return userfile_name_ok(name) && userfile_verify(u, name, password);
}
