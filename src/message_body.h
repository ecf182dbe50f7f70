/*
 * The body half of message parsing: walks libetpan's MIME tree for the
 * text body, the top-level content type and calendar replies, and checks
 * the tree against MESSAGE_MIME_DEPTH_MAX and MESSAGE_MIME_PARTS_MAX.
 * Only message.c calls it, after its raw pre-scan said libetpan may parse.
 */
#ifndef AANMELD_MESSAGE_BODY_H
#define AANMELD_MESSAGE_BODY_H

#include <stddef.h>

struct message;

/* Fills msg->content_type, msg->body and msg->calendar_reply, or sets
   msg->problem.  data is not referenced after the call. */
void message_body_parse(struct message *msg, const char *data, size_t len);

#endif
