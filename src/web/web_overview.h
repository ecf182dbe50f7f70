/*
 * GET /: the overview, the first page after logging in.
 */
#ifndef AANMELD_WEB_OVERVIEW_H
#define AANMELD_WEB_OVERVIEW_H

struct web_request;

int web_overview_get(struct web_request *r);

#endif
