/*
 * HTML for aanmeld-web's pages (HTML Living Standard): the one function
 * that puts stored text into a page, and the frame every page shares.
 * Subjects, display names and municipality names come from mail or
 * from staff; none of them may become markup.
 */
#ifndef AANMELD_WEB_HTML_H
#define AANMELD_WEB_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct buf;

/* Appends s to b as text for an element or a quoted attribute value:
   first made safe to read as escape.h does for the terminal (controls,
   bidi overrides and bad UTF-8 shown as \xHH or \uHHHH, so a page shows
   what `aanmeld list` shows), then & < > " ' as character references.
   NULL appends nothing.  0, or -1 at b's limit. */
int web_html_escape(struct buf *b, const char *s);
/* The same for text of many lines, such as a mail's text in <pre>:
   its line breaks (and tabs) kept, as `aanmeld show` keeps them. */
int web_html_escape_lines(struct buf *b, const char *s);
/* web_html_escape() of at most the first max characters of s, then
   "…" when there were more: for a list, where a sender's 256 kB
   subject must not push every other row off the page.  A character is
   a UTF-8 lead byte with at most three continuation bytes. */
int web_html_escape_cut(struct buf *b, const char *s, size_t max);

/* The path of the stylesheet every page links to. */
#define WEB_HTML_STYLE "/stijl.css"

/* Appends s with only & < > " ' as character references, nothing made
   safe to read first: for a form's own values, which must come back to
   the server exactly as typed (its handler has refused control
   characters and bad UTF-8).  Stored text goes through
   web_html_escape().  NULL appends nothing.  0, or -1 at b's limit. */
int web_html_escape_raw(struct buf *b, const char *s);

/* Names the programme in the header of every page from now on
   ("Aanmeldingen <name>"); name is borrowed for as long as pages are
   made.  Event-specific, so it comes from rules/programme.conf. */
void web_html_event(const char *name);

/* The start of a Dutch page (lang="nl") up to its <main>, with title
   (escaped) as <title> and <h1>; user, when not NULL, is named in the
   header above the menu (here, the page's path, is marked as the
   current one) and the logout button with the session's csrf token.
   0, or -1 at b's limit. */
int web_html_begin(struct buf *b, const char *title, const char *user,
		   const char *csrf, const char *here);
/* A notice above a page's content: what a decision did (a status), or
   (refused) why it did nothing (an alert).  NULL text appends nothing.
   0, or -1 at b's limit. */
int web_html_notice(struct buf *b, const char *text, bool refused);

/* The moment t as "1 april 2021, 10.00 uur" (nldate.h), or none (text
   of ours) when t is 0.  0, or -1 at b's limit. */
int web_html_when(struct buf *b, time_t t, const char *none);

/* Closes what web_html_begin() opened.  0, or -1 at b's limit. */
int web_html_end(struct buf *b);

/* The stylesheet (static text, *len_r bytes), served to anyone. */
const char *web_html_style(size_t *len_r);

#endif
