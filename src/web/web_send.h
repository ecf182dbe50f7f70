/*
 * Mail to a group (aanmeld send from the browser):
 *   GET  /versturen             the form: to whom, subject and text
 *   POST /versturen/voorbeeld   the mail as the first recipient gets it
 *                               and who gets it (changes nothing; a POST
 *                               because the text is long)
 *   POST /versturen             queues it as aanmeld send does
 *                               (send_group.h), the history naming
 *                               web:<user>, and answers 303 to
 *                               /versturen with what happened
 * The text is checked as a template file of aanmeld send is; the send
 * button carries a hash of what was shown, so what goes out is what
 * was previewed.
 */
#ifndef AANMELD_WEB_SEND_H
#define AANMELD_WEB_SEND_H

struct web_request;

/* A body's most bytes on the two POST routes, and of its text. */
#define WEB_SEND_BODY_MAX (64u * 1024)
#define WEB_SEND_TEXT_MAX (32u * 1024)

int web_send_get(struct web_request *r);
int web_send_preview_post(struct web_request *r);
int web_send_post(struct web_request *r);

#endif
