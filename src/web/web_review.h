/*
 * The review pages: GET /beoordelen (the queue, as `aanmeld queue`),
 * GET /beoordelen/ID (one item, as `aanmeld show` sees its message),
 * the decisions POST /beoordelen/ID/goedkeuren (field gemeente: a
 * code), /afwijzen (field stil: without an answer) and /negeren, each
 * as `aanmeld approve`, `reject` and `dismiss` make it but by
 * "web:<user>", and GET /geschiedenis (?code=GM0344 or ?id=ID: only
 * that municipality's or that item's message's, as `aanmeld history`).
 * A decision answers 303 to the item's page, which says what happened;
 * a refused one answers with that page at once (nothing changed).
 */
#ifndef AANMELD_WEB_REVIEW_H
#define AANMELD_WEB_REVIEW_H

struct web_request;

int web_review_queue(struct web_request *r);
int web_review_item(struct web_request *r);
int web_review_approve(struct web_request *r);
int web_review_reject(struct web_request *r);
int web_review_dismiss(struct web_request *r);
int web_review_history(struct web_request *r);

#endif
