/*
 * libFuzzer entry point: parse hostile bytes as a message, then classify
 * it with the project's rules, and read each of its files again.  None
 * may crash, leak or read out of bounds, whatever the input, and a file
 * read again is the size the parse said.
 */
#include "autoconf.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "buf.h"
#include "classify.h"
#include "message.h"
#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct rules *rules;

/* The bytes of a file read again are as many as the parse said. */
static int
count_bytes(void *ctx, const char *bytes, size_t n)
{
	(void)bytes;
	return n == *(size_t *)ctx ? 0 : -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const enrolled[] = {"GM0344"};
	struct classify_settings set = {
		.own_address = "globalgoals@vng.nl",
		.message_id_domain = "vng.nl",
		.trusted_authserv_id = "mx.vng.nl",
	};
	struct classify_state st = {
		.enrolled = enrolled, .n_enrolled = 1, .confirmed = 1};
	struct classification c;
	struct message *msg;

	if (rules == NULL) {
		struct buf errors;

		buf_init(&errors, 1024 * 1024);
		rules = rules_load(TOP_SRCDIR "/rules", &errors);
		if (rules == NULL)
			abort();
		buf_deinit(&errors);
	}
	msg = message_parse((const char *)data, size);
	classify(msg, rules, &set, &st, 1617264000, &c);
	classification_deinit(&c);
	for (size_t i = 0; i < msg->n_attachments; i++) {
		if (message_attachment_parse((const char *)data, size, size,
					     msg->attachments[i].part,
					     count_bytes,
					     &msg->attachments[i].len) != 0)
			abort();
	}
	message_free(msg);
	return 0;
}
