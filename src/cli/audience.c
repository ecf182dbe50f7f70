#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audience.h"
#include "programme.h"
#include "spool.h"
#include "util.h"

int
audience_parse(const char *text, const struct programme *p, struct audience *a,
	       const char **error_r)
{
	long long n;
	const char *err;

	memset(a, 0, sizeof(*a));
	if (strcmp(text, "confirmed") == 0) {
		a->kind = AUDIENCE_CONFIRMED;
		return 0;
	}
	if (strcmp(text, "waitlist") == 0) {
		a->kind = AUDIENCE_WAITLIST;
		return 0;
	}
	if (strncmp(text, "session:", 8) != 0) {
		*error_r = "expected confirmed, waitlist or session:N";
		return -1;
	}
	if (util_strtonum(text + 8, 1, PROGRAMME_SESSIONS_MAX, &n, &err) ==
		    -1 ||
	    programme_session(p, (unsigned)n) == NULL) {
		*error_r = "no such session in programme.conf";
		return -1;
	}
	a->kind = AUDIENCE_SESSION;
	a->session = (unsigned)n;
	return 0;
}

/* Whether c declined session number. */
static bool
declined(const struct schedule_contact *c, unsigned number,
	 const struct store_attendance_answer *answers, size_t n)
{
	char item[32];
	size_t i;

	snprintf(item, sizeof(item), "session-%u", number);
	for (i = 0; i < n; i++) {
		if (strcmp(answers[i].code, c->code) == 0 &&
		    strcasecmp(answers[i].address, c->addr) == 0 &&
		    strcmp(answers[i].item, item) == 0)
			return strcmp(answers[i].status, "declined") == 0;
	}
	return false;
}

bool
audience_includes(const struct audience *a, const struct schedule_contact *c,
		  const struct store_attendance_answer *answers,
		  size_t n_answers)
{
	switch (a->kind) {
	case AUDIENCE_WAITLIST:
		return c->status == SCHEDULE_WAITLIST;
	case AUDIENCE_SESSION:
		return c->status == SCHEDULE_CONFIRMED &&
		       !declined(c, a->session, answers, n_answers);
	default:
		return c->status == SCHEDULE_CONFIRMED;
	}
}

char *
audience_key(const char *text, size_t text_len, const char *code,
	     const char *addr)
{
	char text_hash[65], addr_hash[65];
	char *lower = util_lowercase(xstrdup(addr));

	spool_sha256(text, text_len, text_hash);
	spool_sha256(lower, strlen(lower), addr_hash);
	free(lower);
	return xasprintf("send:%.16s:%s:%.16s", text_hash, code, addr_hash);
}
