/*
 * E-mail addresses and domains as the classifier sees them: the address,
 * never the display name, decides who a sender is (RFC 5322 addr-spec,
 * RFC 3834 for the machine senders we must never answer).
 */
#ifndef AANMELD_MAILADDR_H
#define AANMELD_MAILADDR_H

#include <stdbool.h>
#include <stddef.h>

/* Longest domain we look at (RFC 1035 limits a name to 253). */
#define MAILADDR_DOMAIN_MAX 253

/* The domain part of addr (after the last '@'), or NULL. Borrowed. */
const char *mailaddr_domain(const char *addr);
/* True if domain is parent or a subdomain of it (ASCII case-insensitive,
   on a label boundary: "mail.utrecht.nl" is within "utrecht.nl",
   "evilutrecht.nl" is not). */
bool mailaddr_domain_within(const char *domain, const char *parent);
/* True if addr is one plain mailbox: exactly one '@', a dot-atom local
   part (RFC 5322 section 3.4.1; a quoted local part is refused, it can
   hide an '@'), and a domain of two or more LDH labels (RFC 1035), ASCII
   only.  The only shape that may enrol. */
bool mailaddr_valid(const char *addr);
/* True if the local part is one that only machines use: mailer-daemon,
   postmaster, no-reply/noreply/do-not-reply, bounce(s). */
bool mailaddr_is_machine(const char *addr);
/* Levenshtein distance between a and b, capped at limit+1 (so the cost
   stays small for long strings). */
size_t mailaddr_distance(const char *a, const char *b, size_t limit);

#endif
