/*
 * The municipalities (GET /gemeenten) and staff's decisions on them, as
 * aanmeld withdraw and aanmeld promote make them (roster.h, one
 * transaction, the audit naming web:<user>):
 *   GET  /gemeenten/CODE/terugtrekken   asks first, changes nothing
 *   POST /gemeenten/CODE/terugtrekken   withdraws; the first waiting
 *                                       takes the place freed
 *   POST /gemeenten/CODE/plaats-geven   promotes from the waiting list;
 *                                       field force=1 beyond capacity
 * A decision answers 303 to /gemeenten with what happened (?gedaan=) or
 * why nothing did (?fout=), each from a fixed list.
 */
#ifndef AANMELD_WEB_PROGRAMME_H
#define AANMELD_WEB_PROGRAMME_H

struct web_request;

int web_programme_get(struct web_request *r);
int web_programme_withdraw_get(struct web_request *r);
int web_programme_withdraw_post(struct web_request *r);
int web_programme_promote_post(struct web_request *r);

#endif
