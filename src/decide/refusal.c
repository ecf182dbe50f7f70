#include "autoconf.h"

#include <string.h>

#include "nldate.h"
#include "programme.h"
#include "refusal.h"
#include "rules.h"
#include "util.h"

time_t
refusal_next_try(time_t failed_at, unsigned retry_minutes)
{
	return failed_at + (time_t)retry_minutes * 60;
}

bool
refusal_due(time_t next_try, time_t now)
{
	return next_try == 0 || now >= next_try;
}

time_t
refusal_held_until(time_t next_try, time_t now, unsigned retry_minutes)
{
	time_t most = refusal_next_try(now, retry_minutes);

	if (refusal_due(next_try, now))
		return 0;
	return next_try > most ? most : next_try;
}

char *
refusal_host(const char *url)
{
	const char *p = strstr(url, "://"), *at, *end;

	p = p != NULL ? p + 3 : url;
	end = p + strcspn(p, "/?#");
	at = memchr(p, '@', (size_t)(end - p));
	if (at != NULL)
		p = at + 1;
	if (*p == '[') {
		const char *close = memchr(p, ']', (size_t)(end - p));

		if (close != NULL)
			return xstrndup(p + 1, (size_t)(close - p - 1));
	}
	return xstrndup(p, strcspn(p, ":/?#"));
}

/* XXX: fixed text, not a template in rules/: a new template kind would
   make every existing rules folder incomplete. */
void
refusal_warning_render(const struct rules *r, bool imap, const char *host,
		       const char *user, time_t since, unsigned retry_minutes,
		       char **subject_r, char **body_r)
{
	const char *address = r->programme->address;
	char when[64];

	nldate_format_when(since, when, sizeof(when));
	*subject_r = xasprintf("Let op: %s laat de aanmeldbalie niet "
			       "inloggen",
			       host);
	*body_r = xasprintf(
		"Geachte collega,\n"
		"\n"
		"Sinds %s weigert %s\n"
		"het inloggen van de aanmeldbalie met het account\n"
		"%s (voor %s).\n"
		"\n"
		"Wilt u de beheerder vragen het wachtwoord of het geheim van "
		"dit\n"
		"account te controleren? De aanmeldbalie probeert het elke %u\n"
		"minuten opnieuw, niet vaker, zodat het account niet wordt\n"
		"geblokkeerd. Er gaat niets verloren.\n"
		"\n"
		"Met vriendelijke groet,\n"
		"\n"
		"aanmeld, de aanmeldbalie van %s\n",
		when, host, user,
		imap ? "het lezen van de mailbox" : "het versturen van e-mail",
		retry_minutes, address);
}
