/*
 * Addresses inside stored identifiers.  An outbox key names whom a mail
 * is for ("invitation:GM0363:<address>:2"), so that a re-run never
 * queues it twice; it outlives `aanmeld forget` and the purge, so it
 * carries a token of the address instead of the address.
 *
 * XXX The token is an unsalted hash: who knows an address can recompute
 * it, which is exactly what keeps the keys idempotent, but it is a
 * pseudonym, not anonymity.  Pure: no I/O.
 */
#ifndef AANMELD_ADDRHASH_H
#define AANMELD_ADDRHASH_H

/* "a" and 32 hex digits of the SHA-256 of the lower-case address. */
#define ADDRHASH_TOKEN_LEN 33

/* The token of addr into token (ADDRHASH_TOKEN_LEN and a NUL). */
void addrhash_token(const char *addr, char token[ADDRHASH_TOKEN_LEN + 1]);

/* key with every ':'-separated field that holds an '@' replaced by its
   token; a key without one comes back as it is.  The old keys become
   what the new code builds, so a migration keeps them idempotent.
   Heap, caller frees. */
char *addrhash_key_scrub(const char *key);

#endif
