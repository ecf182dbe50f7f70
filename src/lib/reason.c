#include "autoconf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "buf.h"
#include "reason.h"
#include "util.h"

/* Longest rendered text of one list. */
#define REASON_TEXT_MAX (64 * 1024)

/* A code that only says why a mail was fine: staff lists leave it out
   beside others (reason_list_dutch()). */
#define QUIET true

/* Every code has a name, English (logs, CLI) and Dutch (staff); a code
   without Dutch fails test-reason.  A new code: a line in reason.h's
   enum and its row here. */
static const struct {
	const char *name;
	size_t nargs;
	const char *english;
	const char *dutch;
	bool quiet;
} table[REASON_COUNT] = {
	[REASON_AUTH_UNTRUSTED] =
		{"auth-untrusted", 0, "no trusted Authentication-Results",
		 "er is geen betrouwbare controle van de afzender", QUIET},
	[REASON_AUTH_RESULTS] =
		{"auth-results", 4,
		 "authentication: dmarc=%1 spf=%2 dkim=%3 (%4)",
		 "controle van de afzender: DMARC %1, SPF %2, DKIM %3", QUIET},
	[REASON_AUTH_FORGED] =
		{"auth-forged", 0,
		 "dmarc=fail: the sender address may be forged",
		 "de afzender is mogelijk vervalst (de DMARC-controle is "
		 "mislukt)"},
	[REASON_AUTH_NONE] = {"auth-none", 0,
			      "no DMARC pass from the trusted server: the "
			      "sender is not authenticated",
			      "de afzender is niet geverifieerd (onze "
			      "mailserver meldt geen geslaagde "
			      "DMARC-controle)"},
	[REASON_ATTENDANCE_NOT_RECORDED] =
		{"attendance-not-recorded", 0, "attendance not recorded",
		 "de aanwezigheid is niet vastgelegd"},
	[REASON_SENDER_RULE_ALLOW] =
		{"sender-rule-allow", 4,
		 "sender domain %1 is municipality %2 %3 (senders.rules:%4)",
		 "het afzenderdomein %1 hoort volgens senders.rules bij "
		 "gemeente %3",
		 QUIET},
	[REASON_SENDER_RULE_DENY] =
		{"sender-rule-deny", 2,
		 "sender domain %1 is not a municipality (denied by "
		 "senders.rules:%2)",
		 "het afzenderdomein %1 is volgens senders.rules geen "
		 "gemeente"},
	[REASON_SENDER_RULE_REVIEW] =
		{"sender-rule-review", 2, "senders.rules:%1 sends %2 to review",
		 "mail van %2 wordt volgens senders.rules altijd door een "
		 "medewerker beoordeeld"},
	[REASON_SHARED_ORG] = {"shared-org", 3,
			       "sender domain %1 is a shared service "
			       "organisation (%2) for %3",
			       "het afzenderdomein %1 hoort bij een "
			       "samenwerkingsorganisatie (%2) van %3"},
	[REASON_LOOKALIKE] = {"lookalike", 4,
			      "sender domain %1 looks like %2 (%3 %4) but is "
			      "not on the list",
			      "het afzenderdomein %1 lijkt op %2 (gemeente "
			      "%4), maar staat niet op de lijst van "
			      "gemeenten"},
	[REASON_NAME_CLAIM] = {"name-claim", 3,
			       "display name claims municipality %1 (%2) but "
			       "the address %3 is not municipal",
			       "de afzender noemt zich gemeente %1, maar het "
			       "adres %3 is geen adres van een gemeente"},
	[REASON_NOT_MUNICIPALITY] = {"not-municipality", 1,
				     "sender domain %1 is not a municipality",
				     "het afzenderdomein %1 is geen gemeente"},
	[REASON_NO_DOMAIN] = {"no-domain", 1,
			      "sender address %1 has no usable domain",
			      "het afzenderadres %1 is onbruikbaar"},
	[REASON_MERGED] = {"merged", 6,
			   "sender domain %1 belonged to %2 (%3), merged into "
			   "%4 %5 on %6",
			   "het afzenderdomein %1 hoorde bij %2; die gemeente "
			   "is op %6 opgegaan in %5",
			   QUIET},
	[REASON_SUBDOMAIN] =
		{"subdomain", 4,
		 "sender domain %1 (under %2) is municipality %3 "
		 "%4",
		 "het afzenderdomein %1 (onder %2) hoort bij gemeente %4",
		 QUIET},
	[REASON_MUNICIPALITY] = {"municipality", 3,
				 "sender domain %1 is municipality %2 %3",
				 "het afzenderdomein %1 hoort bij gemeente %3",
				 QUIET},
	[REASON_ENROLLED_ALREADY] = {"enrolled-already", 1,
				     "%1 is already enrolled",
				     "%1 is al aangemeld"},
	[REASON_NOT_OPEN] = {"not-open", 1,
			     "enrolment opens on %1: for staff to decide",
			     "de aanmelding was nog niet geopend (opent %1)"},
	[REASON_CLOSED] = {"closed", 1, "enrolment closed on %1",
			   "de aanmelding was al gesloten (sinds %1)"},
	[REASON_FULL] = {"full", 1, "capacity %1 reached",
			 "alle plaatsen zijn bezet"},
	[REASON_PLACE] = {"place", 2, "place %1 of %2", "plaats %1 van %2",
			  QUIET},
	[REASON_WITHDREW_EARLIER] =
		{"withdrew-earlier", 1,
		 "%1 withdrew earlier: for staff to decide",
		 "%1 heeft zich eerder afgemeld; een medewerker beslist of de "
		 "gemeente weer meedoet"},
	[REASON_CAL_NO_ANSWER] = {"calendar-no-answer", 1,
				  "calendar reply that is no answer to record "
				  "(%1): nothing recorded",
				  "dit antwoord op een agenda-uitnodiging "
				  "bevat geen antwoord om vast te leggen"},
	[REASON_CAL_UNREADABLE] = {"calendar-unreadable", 1,
				   "calendar reply to an invitation, "
				   "unreadable (%1): nothing recorded",
				   "het antwoord op een agenda-uitnodiging is "
				   "onleesbaar; er is niets vastgelegd"},
	[REASON_CAL_UNKNOWN_EVENT] =
		{"calendar-unknown-event", 2,
		 "calendar reply from %1 to an event that is not in the "
		 "programme (UID %2): nothing recorded",
		 "%1 antwoordde op een agenda-uitnodiging die niet in het "
		 "programma staat; er is niets vastgelegd"},
	[REASON_CAL_PARTSTAT] = {"calendar-partstat", 3,
				 "calendar reply from %1 for %2 with "
				 "PARTSTAT=%3: nothing recorded",
				 "het antwoord van %1 op de uitnodiging voor "
				 "%2 is onbekend (PARTSTAT=%3); er is niets "
				 "vastgelegd"},
	[REASON_CAL_WRONG_SENDER] = {"calendar-wrong-sender", 2,
				     "calendar reply sent by %1 for %2: "
				     "nothing recorded",
				     "%1 antwoordde namens %2 op een "
				     "agenda-uitnodiging; er is niets "
				     "vastgelegd"},
	[REASON_CAL_REPLY] = {"calendar-reply", 1, "calendar reply from %1",
			      "een antwoord op een agenda-uitnodiging van %1",
			      QUIET},
	[REASON_CAL_COUNTER] = {"calendar-counter", 1,
				"calendar reply from %1 that proposes "
				"another time (COUNTER): for staff to answer",
				"%1 stelt een ander tijdstip voor een "
				"bijeenkomst voor; dit voorstel beantwoordt u "
				"zelf"},
	[REASON_ATTENDANCE] = {"attendance", 2, "attendance: %1 %2",
			       "antwoord op de uitnodiging: %1 %2", QUIET},
	[REASON_WITHDRAW_UNKNOWN] =
		{"withdraw-unknown", 0,
		 "withdrawal request not from a known municipality: for "
		 "staff to handle",
		 "dit is een afmelding, maar niet van een bekende gemeente; "
		 "die handelt een medewerker af"},
	[REASON_WITHDRAWAL] = {"withdrawal", 1, "withdrawal of %1",
			       "een afmelding van %1", QUIET},
	[REASON_WITHDRAW_NOT_ENROLLED] =
		{"withdraw-not-enrolled", 1,
		 "withdrawal request, but %1 is not enrolled: for staff to "
		 "handle",
		 "dit is een afmelding, maar %1 is niet aangemeld; die "
		 "handelt een medewerker af"},
	[REASON_WITHDRAW_FAILED] =
		{"withdraw-failed", 1,
		 "the withdrawal could not be carried out (%1): for staff to "
		 "handle",
		 "de afmelding kon niet worden verwerkt (%1); die handelt een "
		 "medewerker af"},
	[REASON_REPLY_TO_US] = {"reply-to-us", 0,
				"reply to one of our own mails",
				"dit is een reactie op een e-mail die wij "
				"hebben verstuurd"},
	[REASON_SUBJECT_RULE_FAILED] = {"subject-rule-failed", 1, "%1",
					"het onderwerp kon niet aan de regels "
					"worden getoetst (%1)"},
	[REASON_SUBJECT_NO_RULE] = {"subject-no-rule", 0,
				    "subject matches no rule",
				    "het onderwerp past bij geen enkele regel",
				    QUIET},
	[REASON_SUBJECT_RULE] =
		{"subject-rule", 2,
		 "subject matches %1 rule (subject.rules:%2)",
		 "het onderwerp past bij de regel %1 (subject.rules:%2)",
		 QUIET},
	[REASON_SUBJECT_REVIEW] =
		{"subject-review", 1,
		 "subject matches review rule (subject.rules:%1)",
		 "het onderwerp lijkt op dat van een aanmelding of afmelding, "
		 "maar wijkt af van het afgesproken onderwerp"},
	[REASON_NO_FROM_AT_ALL] =
		{"no-from-at-all", 0,
		 "no From field at all (a bounce or notification)",
		 "het bericht heeft geen afzender (From): een automatische "
		 "melding"},
	[REASON_AUTO_SUBMITTED] = {"auto-submitted", 1, "Auto-Submitted: %1",
				   "het bericht is automatisch verstuurd "
				   "(Auto-Submitted: %1)"},
	[REASON_NULL_RETURN_PATH] =
		{"null-return-path", 0,
		 "null return path (a bounce or notification)",
		 "het bericht heeft een leeg retouradres: een automatische "
		 "melding"},
	[REASON_MACHINE_SENDER] = {"machine-sender", 1,
				   "sender is %1, a machine address",
				   "de afzender %1 is een adres van een "
				   "mailserver"},
	[REASON_NULL_FROM] = {"null-from", 0, "null From address (a bounce)",
			      "het afzenderadres is leeg: een melding dat een "
			      "e-mail niet bezorgd kon worden"},
	[REASON_DELIVERY_REPORT] = {"delivery-report", 0,
				    "delivery report (multipart/report)",
				    "dit is een afleverbericht van een "
				    "mailserver"},
	[REASON_AUTOREPLY_HEADER] = {"autoreply-header", 1,
				     "auto-reply header %1",
				     "het bericht is gemarkeerd als "
				     "automatisch antwoord (%1)"},
	[REASON_AWAY_SUBJECT] = {"away-subject", 1,
				 "out-of-office reply to one of our mails "
				 "(subject: %1)",
				 "dit lijkt een afwezigheidsmelding op een "
				 "e-mail van ons (onderwerp: %1)"},
	[REASON_AWAY_BODY] = {"away-body", 1,
			      "out-of-office reply to one of our mails (body: "
			      "%1)",
			      "dit lijkt een afwezigheidsmelding op een e-mail "
			      "van ons (de tekst begint met \"%1\")"},
	[REASON_MAILING_LIST] = {"mailing-list", 1, "mailing list (%1)",
				 "het bericht komt van een mailinglijst (%1)"},
	[REASON_PRECEDENCE] = {"precedence", 1, "Precedence: %1",
			       "het bericht is gemarkeerd als massamail of "
			       "automatisch antwoord (Precedence: %1)"},
	[REASON_OWN_ADDRESS] = {"own-address", 0, "sent from our own address",
				"het bericht komt van ons eigen adres"},
	[REASON_INVITE_REPLY] = {"invite-reply", 0,
				 "calendar reply to an invitation",
				 "dit is een antwoord op een "
				 "agenda-uitnodiging"},
	[REASON_SUBJECT_AWAY] = {"subject-away", 1,
				 "subject starts like an out-of-office reply "
				 "(%1)",
				 "het onderwerp begint als een automatisch "
				 "antwoord (%1)"},
	[REASON_SUBJECT_BOUNCE] = {"subject-bounce", 1,
				   "subject starts like a delivery failure "
				   "(%1)",
				   "het onderwerp begint als een melding dat "
				   "een e-mail niet bezorgd kon worden (%1)"},
	[REASON_BARE_CR] = {"bare-cr", 1, "bare CR in the header (line %1)",
			    "de kopregels hebben afwijkende regeleinden: er "
			    "kan een kopregel achter verborgen zitten"},
	[REASON_CONTINUATION_FIRST] =
		{"continuation-first", 0,
		 "malformed header: line 1 is a continuation",
		 "de kopregels van het bericht zijn ongeldig"},
	[REASON_MALFORMED_LINE] = {"malformed-line", 1,
				   "malformed header line %1",
				   "de kopregels van het bericht zijn "
				   "ongeldig"},
	[REASON_MIXED_LINE_ENDS] = {"mixed-line-ends", 2,
				    "mixed line ends in the header (%1 CRLF, "
				    "%2 bare LF)",
				    "de kopregels hebben afwijkende "
				    "regeleinden: er kan een kopregel achter "
				    "verborgen zitten"},
	[REASON_BAD_BOUNDARY] = {"bad-boundary", 0,
				 "invalid boundary parameter",
				 "het bericht is niet gelezen: de MIME-opbouw "
				 "is ongeldig"},
	[REASON_NESTING_SCAN] = {"nesting-scan", 2,
				 "MIME nesting too deep (%1 multipart or "
				 "message parts, at most %2)",
				 "het bericht is te diep genest (bijlagen in "
				 "bijlagen)"},
	[REASON_FROM_ADDRESSES] = {"from-addresses", 1,
				   "the From field holds %1 addresses",
				   "het afzenderveld (From) bevat %1 "
				   "adressen"},
	[REASON_HEADER_UNPARSABLE] = {"header-unparsable", 0,
				      "malformed header: cannot be parsed",
				      "de kopregels van het bericht zijn "
				      "ongeldig"},
	[REASON_NO_FROM] = {"no-from", 0, "no From field",
			    "het bericht heeft geen afzender (From)"},
	[REASON_FROM_MISMATCH] = {"from-mismatch", 2,
				  "the From fields cannot be read the same "
				  "way (%1 by line, %2 parsed)",
				  "de afzender (From) is niet eenduidig te "
				  "lezen"},
	[REASON_FROM_FIELDS] = {"from-fields", 1,
				"%1 From fields (RFC 5322 allows one)",
				"het bericht heeft %1 afzendervelden (From); "
				"er hoort er één te zijn"},
	[REASON_FROM_NOT_ONE] = {"from-not-one", 0,
				 "the From field is not one address",
				 "het afzenderveld (From) is niet één "
				 "e-mailadres"},
	[REASON_FROM_INVALID] = {"from-invalid", 0,
				 "the From address is not a valid address",
				 "het afzenderadres is geen geldig "
				 "e-mailadres"},
	[REASON_TOO_BIG] = {"too-big", 2,
			    "message of %1 bytes exceeds %2 bytes",
			    "het bericht is te groot"},
	[REASON_HEADER_TOO_BIG] = {"header-too-big", 1,
				   "header block exceeds %1 bytes",
				   "de kopregels van het bericht zijn te "
				   "groot"},
	[REASON_NUL_HEADER] = {"nul-header", 0, "NUL byte in header",
			       "de kopregels van het bericht zijn ongeldig"},
	[REASON_TOO_MANY_FIELDS] = {"too-many-fields", 2,
				    "too many header fields (%1, at most %2)",
				    "het bericht heeft te veel kopregels"},
	[REASON_MIME_UNPARSABLE] = {"mime-unparsable", 0,
				    "MIME structure cannot be parsed",
				    "het bericht is niet gelezen: de "
				    "MIME-opbouw is ongeldig"},
	[REASON_MIME_TOO_DEEP] = {"mime-too-deep", 1,
				  "MIME nesting too deep (more than %1 "
				  "levels)",
				  "het bericht is te diep genest (bijlagen in "
				  "bijlagen)"},
	[REASON_MIME_TOO_MANY] = {"mime-too-many", 1,
				  "too many MIME parts (more than %1)",
				  "het bericht heeft te veel bijlagen"},
	[REASON_PARSER_DIED] = {"parser-died", 1,
				"the message could not be read (the parser "
				"died: %1)",
				"het bericht kon niet worden gelezen; bekijk "
				"het origineel in de map"},
	[REASON_QUARANTINE] = {"quarantine", 1,
			       "processing failed %1 times (the daemon stopped "
			       "while handling it): for a person",
			       "het bericht kon niet worden verwerkt; bekijk "
			       "het origineel in de map"},
	[REASON_ATT_NO_CONTACT] = {"attendance-no-contact", 1,
				   "%1 is no contact of an enrolled "
				   "municipality: nothing recorded",
				   "%1 is geen contactpersoon van een "
				   "aangemelde gemeente; er is niets "
				   "vastgelegd"},
	[REASON_ATT_SEQUENCE] = {"attendance-sequence", 4,
				 "calendar reply from %1 for %2 with SEQUENCE "
				 "%3, above the %4 we sent: nothing recorded",
				 "%1 antwoordde voor %2 op een uitnodiging die "
				 "wij niet verstuurd hebben; er is niets "
				 "vastgelegd"},
	[REASON_ATT_SUPERSEDED] = {"attendance-superseded", 1,
				   "a later answer (%1) is recorded: this one "
				   "changes nothing",
				   "een later antwoord (%1) is al vastgelegd; "
				   "dit verandert niets",
				   QUIET},
	/* the server's reply is for the log and aanmeld outbox */
	[REASON_MAIL_FAILED] = {"mail-failed", 2, "mail to %1 failed: %2",
				"de e-mail aan %1 kon niet worden afgeleverd; "
				"de ontvangende mailserver weigerde haar"},
	[REASON_NO_MESSAGE] = {"no-message", 0, "no message",
			       "er hoort geen bericht bij"},
	[REASON_DELIVERY] = {"delivery", 2,
			     "delivery of %1 with %2 attachment(s)",
			     "tekst van %1 ontvangen (bijlagen: %2)"},
	[REASON_DELIVERY_NOT_PARTICIPANT] =
		{"delivery-not-participant", 1,
		 "looks like a delivery, but %1 is no contact of a confirmed "
		 "municipality",
		 "dit lijkt een ingeleverde tekst, maar %1 is geen "
		 "contactpersoon van een deelnemende gemeente"},
	[REASON_DELIVERY_TOO_LARGE] =
		{"delivery-too-large", 2,
		 "delivery with an attachment left out: more than %1 "
		 "attachments or one over %2 bytes",
		 "een ingeleverde tekst met een bijlage die niet is bewaard "
		 "(te veel of te grote bijlagen); bekijk het origineel in de "
		 "map"},
	[REASON_NO_INTENT] = {"no-intent", 1,
			      "%1 is a contact or a municipality, but no rule "
			      "matches: for a person",
			      "bericht zonder herkende bedoeling"},
	[REASON_BOUNCED] = {"bounced", 2, "mail to %1 came back: %2",
			    "e-mail aan %1 kwam terug: %2"},
	[REASON_BOUNCED_NO_REPLY] = {"bounced-no-reply", 1,
				     "mail to %1 came back",
				     "e-mail aan %1 kwam terug"},
	[REASON_BOUNCE_DELAYED] = {"bounce-delayed", 2,
				   "delivery report for %1 (action %2), no "
				   "bounce: nothing recorded",
				   "afleverbericht over een e-mail aan %1 "
				   "(%2), die niet is teruggekomen; er is "
				   "niets vastgelegd"},
	[REASON_BOUNCE_NOT_OURS] = {"bounce-not-ours", 1,
				    "bounce of a mail we did not send (%1): "
				    "nothing recorded",
				    "melding over een e-mail die wij niet "
				    "hebben verstuurd; er is niets "
				    "vastgelegd"},
	[REASON_BOUNCE_WRONG_RCPT] = {"bounce-wrong-recipient", 2,
				      "bounce names %1, but our mail went to "
				      "%2: nothing recorded",
				      "melding over %1, maar onze e-mail ging "
				      "naar %2; er is niets vastgelegd"},
	/* the daemon's own trouble, for the staff warning: the technical
	   detail stays in the log and `aanmeld status` */
	[REASON_OP_MAILBOX] = {"op-mailbox", 0, "the mailbox cannot be read",
			       "de mailbox kon niet worden gelezen; aanmeld "
			       "probeert het vanzelf opnieuw"},
	[REASON_OP_SMTP] = {"op-smtp", 0, "outgoing mail cannot be sent",
			    "de mailserver voor uitgaande e-mail was niet "
			    "bereikbaar; aanmeld probeert het vanzelf "
			    "opnieuw"},
	[REASON_OP_FOLDER] = {"op-folder", 1, "folder %1 cannot be used",
			      "de map %1 in de mailbox kon niet worden "
			      "gebruikt; de berichten blijven in de inbox "
			      "staan"},
	[REASON_OP_MOVES] = {"op-moves", 0,
			     "messages cannot be moved to their folders",
			     "berichten konden niet naar hun map worden "
			     "verplaatst; aanmeld probeert het vanzelf "
			     "opnieuw"},
	[REASON_OP_DATABASE] = {"op-database", 0,
				"the database cannot be written",
				"aanmeld kon zijn gegevens niet opslaan; "
				"aanmeld probeert het vanzelf opnieuw"},
	[REASON_OP_SCHEDULE] = {"op-schedule", 0,
				"invitations and reminders cannot be planned",
				"uitnodigingen en herinneringen konden niet "
				"worden ingepland; aanmeld probeert het "
				"vanzelf opnieuw"},
	[REASON_OP_UNKNOWN] = {"op-unknown", 0, "an error before reason codes",
			       "er ging iets mis; de beheerder vindt de "
			       "details in het logboek"},
	[REASON_DELIVERY_EMPTY] =
		{"delivery-empty", 1, "delivery with %1 empty attachment(s)",
		 "een ingeleverde tekst met een lege bijlage (%1 bestand); "
		 "vraag de gemeente het bestand opnieuw te sturen"},
	[REASON_BOUNCE_TRANSIENT] =
		{"bounce-transient", 2,
		 "mail to %1 was given up on after a temporary failure: %2; "
		 "the address stays in use",
		 "e-mail aan %1 kwam niet aan door een tijdelijke storing: %2; "
		 "het adres blijft in gebruik, stuur de e-mail zo nodig "
		 "opnieuw"},
	[REASON_BOUNCE_REFUSED] =
		{"bounce-refused", 2,
		 "the server of %1 refused our mail: %2; the address stays in "
		 "use",
		 "de mailserver van %1 weigerde onze e-mail: %2; dat gaat over "
		 "de e-mail (bijvoorbeeld gezien als ongewenst), niet over het "
		 "adres: het adres blijft in gebruik"},
	[REASON_DELIVERY_LIMIT] =
		{"delivery-limit", 2,
		 "%1 delivered %2 times in 24 hours: this one is for a person",
		 "%1 heeft binnen 24 uur al %2 keer een tekst ingeleverd; deze "
		 "versie is niet vastgelegd en niet bevestigd"},
};

const char *
reason_name(enum reason_code code)
{
	return table[code].name;
}

size_t
reason_nargs(enum reason_code code)
{
	return table[code].nargs;
}

const char *
reason_english_text(enum reason_code code)
{
	return table[code].english;
}

const char *
reason_dutch_text(enum reason_code code)
{
	return table[code].dutch;
}

bool
reason_quiet(enum reason_code code)
{
	return table[code].quiet;
}

int
reason_parse_name(const char *name)
{
	for (size_t i = 0; i < REASON_COUNT; i++) {
		if (table[i].name != NULL && strcmp(table[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}

/* a, or its first REASON_ARG_MAX bytes up to a whole character with
   "..." after them: heap. */
static char *
arg_dup(const char *a)
{
	size_t len = strlen(a), keep = 0, n;
	uint32_t cp;

	if (len <= REASON_ARG_MAX)
		return xstrdup(a);
	/* whole UTF-8 sequences; a byte that starts none counts as one */
	while (keep < REASON_ARG_MAX - 3) {
		n = util_utf8_decode((const unsigned char *)a + keep,
				     len - keep, &cp);
		if (n == 0)
			n = 1;
		if (keep + n > REASON_ARG_MAX - 3)
			break;
		keep += n;
	}
	return xasprintf("%.*s...", (int)keep, a);
}

static void
set_va(struct reason *r, enum reason_code code, va_list ap)
{
	memset(r, 0, sizeof(*r));
	r->code = code;
	for (size_t i = 0; i < table[code].nargs; i++) {
		const char *a = va_arg(ap, const char *);

		r->arg[i] = arg_dup(a != NULL ? a : "");
	}
}

void
reason_set(struct reason *r, enum reason_code code, ...)
{
	va_list ap;

	va_start(ap, code);
	set_va(r, code, ap);
	va_end(ap);
}

struct reason *
reason_new(enum reason_code code, ...)
{
	struct reason *r = xcalloc(1, sizeof(*r));
	va_list ap;

	va_start(ap, code);
	set_va(r, code, ap);
	va_end(ap);
	return r;
}

void
reason_copy(struct reason *dst, const struct reason *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->code = src->code;
	for (size_t i = 0; i < REASON_ARGS; i++)
		dst->arg[i] = src->arg[i] != NULL ? xstrdup(src->arg[i]) : NULL;
}

void
reason_deinit(struct reason *r)
{
	for (size_t i = 0; i < REASON_ARGS; i++) {
		free(r->arg[i]);
		r->arg[i] = NULL;
	}
}

void
reason_free(struct reason *r)
{
	if (r == NULL)
		return;
	reason_deinit(r);
	free(r);
}

/* Appends text with %1..%6 replaced by the arguments of r. */
static void
render(struct buf *b, const char *text, const struct reason *r)
{
	for (const char *p = text; *p != '\0'; p++) {
		if (p[0] == '%' && p[1] >= '1' && p[1] <= '0' + REASON_ARGS) {
			const char *a = r->arg[p[1] - '1'];

			(void)buf_adds(b, a != NULL ? a : "");
			p++;
		} else {
			(void)buf_addc(b, *p);
		}
	}
}

static char *
render_one(const char *text, const struct reason *r)
{
	struct buf b;

	buf_init(&b, REASON_TEXT_MAX);
	render(&b, text, r);
	return buf_steal(&b);
}

char *
reason_english(const struct reason *r)
{
	return render_one(table[r->code].english, r);
}

char *
reason_dutch(const struct reason *r)
{
	return render_one(table[r->code].dutch, r);
}

void
reason_list_add(struct reason_list *l, enum reason_code code, ...)
{
	va_list ap;

	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	va_start(ap, code);
	set_va(&l->v[l->n++], code, ap);
	va_end(ap);
}

void
reason_list_add_copy(struct reason_list *l, const struct reason *r)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	reason_copy(&l->v[l->n++], r);
}

void
reason_list_deinit(struct reason_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		reason_deinit(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* The texts of l joined by "; ", in Dutch where dutch, leaving out the
   quiet codes where loud. */
static char *
list_text(const struct reason_list *l, bool dutch, bool loud)
{
	struct buf b;
	size_t parts = 0;

	buf_init(&b, REASON_TEXT_MAX);
	for (size_t i = 0; i < l->n; i++) {
		const char *text = dutch ? table[l->v[i].code].dutch
					 : table[l->v[i].code].english;

		if (loud && table[l->v[i].code].quiet)
			continue;
		if (parts++ > 0)
			(void)buf_adds(&b, "; ");
		render(&b, text, &l->v[i]);
	}
	return buf_steal(&b);
}

char *
reason_list_english(const struct reason_list *l)
{
	return list_text(l, false, false);
}

char *
reason_list_dutch(const struct reason_list *l)
{
	char *text = list_text(l, true, true);

	if (text[0] != '\0')
		return text;
	free(text); /* only quiet ones: better those than nothing */
	return list_text(l, true, false);
}

char *
reason_list_encode(const struct reason_list *l)
{
	struct json_object *all = json_object_new_array();
	char *text;

	for (size_t i = 0; i < l->n; i++) {
		const struct reason *r = &l->v[i];
		struct json_object *one = json_object_new_array();

		json_object_array_add(
			one, json_object_new_string(table[r->code].name));
		for (size_t k = 0; k < table[r->code].nargs; k++)
			json_object_array_add(
				one, json_object_new_string(r->arg[k] != NULL
								    ? r->arg[k]
								    : ""));
		json_object_array_add(all, one);
	}
	text = xstrdup(json_object_to_json_string_ext(
		all, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(all);
	return text;
}

/* One encoded reason into *r; -1 when it is malformed. */
static int
decode_one(struct json_object *one, struct reason *r)
{
	struct json_object *name;
	size_t n;
	int code;

	memset(r, 0, sizeof(*r));
	if (!json_object_is_type(one, json_type_array))
		return -1;
	n = json_object_array_length(one);
	name = json_object_array_get_idx(one, 0);
	if (n == 0 || !json_object_is_type(name, json_type_string))
		return -1;
	code = reason_parse_name(json_object_get_string(name));
	if (code == -1 || n - 1 != table[code].nargs)
		return -1;
	r->code = (enum reason_code)code;
	for (size_t k = 1; k < n; k++) {
		struct json_object *a = json_object_array_get_idx(one, k);

		/* a NUL would cut the argument short unseen */
		if (!json_object_is_type(a, json_type_string) ||
		    strlen(json_object_get_string(a)) !=
			    (size_t)json_object_get_string_len(a)) {
			reason_deinit(r);
			return -1;
		}
		r->arg[k - 1] = xstrndup(json_object_get_string(a),
					 (size_t)json_object_get_string_len(a));
	}
	return 0;
}

int
reason_list_decode(const char *text, struct reason_list *l)
{
	struct json_tokener *tok;
	struct json_object *all;
	size_t len = strlen(text), n;
	int rc = 0;

	memset(l, 0, sizeof(*l));
	if (len > REASON_ENCODED_MAX)
		return -1;
	tok = json_tokener_new();
	/* only what reason_list_encode() writes: no trailing commas */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	all = json_tokener_parse_ex(tok, text, (int)len);
	if (all == NULL ||
	    json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len ||
	    !json_object_is_type(all, json_type_array))
		rc = -1;
	n = rc == 0 ? json_object_array_length(all) : 0;
	if (n > 0)
		l->v = xcalloc(n, sizeof(*l->v));
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (decode_one(json_object_array_get_idx(all, i), &l->v[i]) ==
		    -1)
			rc = -1;
		else
			l->n++;
	}
	json_object_put(all);
	json_tokener_free(tok);
	if (rc == -1)
		reason_list_deinit(l);
	return rc;
}
