#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>

#include "testdir.h"
#include "util.h"

#define CA_SH TOP_SRCDIR "/tests/servers/ca.sh"

int
testdir_make(char *dir, size_t size, const char *name, bool pki, bool *pki_r)
{
	char *cmd;

	if (snprintf(dir, size, "/tmp/%s-XXXXXX", name) >= (int)size ||
	    mkdtemp(dir) == NULL)
		return -1;
	if (!pki)
		return 0;
	cmd = xasprintf("sh '%s' '%s/pki' >/dev/null 2>&1", CA_SH, dir);
	*pki_r = system(cmd) == 0;
	free(cmd);
	return 0;
}

int
testdir_remove(const char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	int rc = system(cmd);

	free(cmd);
	return rc == 0 ? 0 : -1;
}
