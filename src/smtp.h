/*
 * Sending a composed message.  The file transport (the embedded default)
 * writes each message durably to a folder as <Message-ID>.eml; the SMTP
 * side over libcurl comes with the SMTP work.  Every transport answers in
 * one vocabulary: OK, TEMPFAIL (try again later), PERMFAIL (a person must
 * look).
 */
#ifndef AANMELD_SMTP_H
#define AANMELD_SMTP_H

#include <stddef.h>

enum send_result {
	SEND_OK,
	SEND_TEMPFAIL,
	SEND_PERMFAIL,
};

struct smtp;

/* A file transport writing into dir (created if missing). */
struct smtp *smtp_file_new(const char *dir, char **error_r);
/* Closes and NULLs *t; NULL is fine. */
void smtp_close(struct smtp **t);

/* Sends raw (CRLF line ends) from envelope_from to rcpt.  message_id
   names the file.  On TEMPFAIL/PERMFAIL *error_r (heap) says why. */
enum send_result smtp_send(struct smtp *t, const char *envelope_from,
			   const char *rcpt, const char *message_id,
			   const char *raw, size_t len, char **error_r);

#endif
