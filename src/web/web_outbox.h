/*
 * The outbox (GET /uitgaand) with staff's decisions on one mail, as
 * aanmeld retry and aanmeld outbox cancel make them (cli_outbox.h):
 *   POST /uitgaand/ID/opnieuw     a failed (or waiting) mail due now
 *   POST /uitgaand/ID/annuleren   a failed or waiting mail never sent,
 *                                 the audit naming web:<user>
 * each answering 303 to /uitgaand with what happened (?gedaan=) or why
 * nothing did (?fout=), from a fixed list; and the export as aanmeld
 * export --csv --excel writes it (GET /export.csv), as a download.
 */
#ifndef AANMELD_WEB_OUTBOX_H
#define AANMELD_WEB_OUTBOX_H

struct web_request;

/* The most mails the page shows, the newest. */
#define WEB_OUTBOX_ROWS 1000

int web_outbox_get(struct web_request *r);
int web_outbox_retry_post(struct web_request *r);
int web_outbox_cancel_post(struct web_request *r);
int web_outbox_export_get(struct web_request *r);

#endif
