#include "autoconf.h"

#include <string.h>

#include "util.h"
#include "web_contact.h"
#include "web_outbox.h"
#include "web_overview.h"
#include "web_programme.h"
#include "web_request.h"
#include "web_review.h"
#include "web_routes.h"
#include "web_send.h"

static const struct web_route routes[] = {
	{false, "/", web_overview_get},
	{false, "/beoordelen", web_review_queue},
	{false, "/beoordelen/*", web_review_item},
	{true, "/beoordelen/*/goedkeuren", web_review_approve},
	{true, "/beoordelen/*/afwijzen", web_review_reject},
	{true, "/beoordelen/*/negeren", web_review_dismiss},
	{false, "/geschiedenis", web_review_history},
	{false, "/gemeenten", web_programme_get},
	{false, "/gemeenten/*/terugtrekken", web_programme_withdraw_get},
	{true, "/gemeenten/*/terugtrekken", web_programme_withdraw_post},
	{true, "/gemeenten/*/plaats-geven", web_programme_promote_post},
	{true, "/gemeenten/*/contact-toevoegen", web_contact_add_post},
	{false, "/gemeenten/*/contact-verwijderen", web_contact_remove_get},
	{true, "/gemeenten/*/contact-verwijderen", web_contact_remove_post},
	{true, "/gemeenten/*/contact-herstellen", web_contact_restore_post},
	{false, "/uitgaand", web_outbox_get},
	{true, "/uitgaand/*/opnieuw", web_outbox_retry_post},
	{true, "/uitgaand/*/annuleren", web_outbox_cancel_post},
	{false, "/export.csv", web_outbox_export_get},
	{false, "/versturen", web_send_get},
	{true, "/versturen/voorbeeld", web_send_preview_post},
	{true, "/versturen", web_send_post},
};

/* A mail's text is longer than any other form. */
static const struct web_route_body bodies[] = {
	{"/versturen/voorbeeld", WEB_SEND_BODY_MAX, "tekst", WEB_SEND_TEXT_MAX},
	{"/versturen", WEB_SEND_BODY_MAX, "tekst", WEB_SEND_TEXT_MAX},
};

static bool
segment_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Whether path matches pattern, with the '*' segment into arg. */
static bool
match(const char *pattern, const char *path, char *arg)
{
	size_t n;

	arg[0] = '\0';
	while (*pattern != '\0') {
		if (*pattern == '*') {
			for (n = 0; segment_char(path[n]); n++) {
				if (n == WEB_REQUEST_ARG_MAX)
					return false;
			}
			if (n == 0)
				return false;
			memcpy(arg, path, n);
			arg[n] = '\0';
			path += n;
			pattern++;
			continue;
		}
		if (*pattern++ != *path++)
			return false;
	}
	return *path == '\0';
}

const struct web_route *
web_routes_find(const char *path, bool post, char *arg, bool *other_method)
{
	char scratch[WEB_REQUEST_ARG_MAX + 1];
	size_t i;

	*other_method = false;
	for (i = 0; i < nitems(routes); i++) {
		if (!match(routes[i].path, path, scratch))
			continue;
		if (routes[i].post != post) {
			*other_method = true;
			continue;
		}
		util_strlcpy(arg, scratch, WEB_REQUEST_ARG_MAX + 1);
		return &routes[i];
	}
	return NULL;
}

const struct web_route_body *
web_routes_body(const char *path)
{
	size_t i;

	for (i = 0; i < nitems(bodies); i++) {
		if (strcmp(bodies[i].path, path) == 0)
			return &bodies[i];
	}
	return NULL;
}
