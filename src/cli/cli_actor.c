#include "autoconf.h"

#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli_actor.h"
#include "util.h"

char *
cli_actor(void)
{
	const char *user = getenv("SUDO_USER");
	struct passwd *pw;

	if (user == NULL || user[0] == '\0') {
		pw = getpwuid(getuid());
		user = pw != NULL ? pw->pw_name : "?";
	}
	return xasprintf("cli:%s", user);
}
