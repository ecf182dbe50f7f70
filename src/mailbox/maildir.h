/*
 * The Maildir mailbox (the embedded default): the inbox is the Maildir's
 * new/ and cur/, and folders are Maildir++ subfolders (".Verwerkt/").
 * Keys are the unique part of a file name (before ":2,"), so a mail client
 * moving a message from new/ to cur/ or changing its flags keeps its key.
 * Waiting uses inotify on new/ and cur/.
 */
#ifndef AANMELD_MAILDIR_H
#define AANMELD_MAILDIR_H

/* Files in one folder we list at most per pass; the rest wait. */
#define MAILDIR_LIST_MAX 100000

struct mailbox_ops;

extern const struct mailbox_ops maildir_ops;

#endif
