# The real servers of the shell tests, sourced after tap.sh and common.sh
# by a test that has set $srcdir and $work: the SMTP sink
# tests/servers/smtp-server.py and Dovecot via tests/servers/dovecot.sh,
# both on 127.0.0.1 only.  Sets $servers, $dv (Dovecot's folder) and $PY;
# servers_stop stops what was started, by PID, for the test's cleanup.
servers="$srcdir/servers"
dv="$work/dovecot"
PY=/usr/bin/python3
smtp_pid=
smtp_port=
dovecot_started=

# smtp_start CERT AUTH: starts the sink with the certificate CERT.pem and
# key CERT.key, accepting AUTH (user:password); mail lands in $work/sink,
# its log in $work/smtp.log.  A second call restarts it on the same port.
# Sets smtp_pid and smtp_port.
smtp_start() {
	if [ -n "$smtp_pid" ]; then
		kill "$smtp_pid" 2>/dev/null && sleep 0.3
	fi
	rm -f "$work/smtp.port"
	$PY "$servers/smtp-server.py" --port "${smtp_port:-0}" \
		--port-file "$work/smtp.port" --pid-file "$work/smtp.pid" \
		--maildir "$work/sink" --tls-cert "$1.pem" --tls-key "$1.key" \
		--auth "$2" 2>>"$work/smtp.log" &
	smtp_pid=$!
	i=0
	while [ ! -s "$work/smtp.port" ] && [ "$i" -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	smtp_port=$(cat "$work/smtp.port")
}

# dovecot_start [VAR=VALUE...]: starts Dovecot in $dv with those settings
# in its environment and reads $dv/env (IMAPS_PORT, IMAP_USER, ...); when
# it does not start, shows why, fails the test and exits.  The folder
# layout is one of them: DOVECOT_LAYOUT=default|dot|fs|inbox (separator
# "/"; "."; "/" with LAYOUT=fs; "." under the prefix "INBOX."), see
# tests/servers/dovecot.sh; $IMAP_SEP and $IMAP_PREFIX then say how the
# server names folders, and server_folder maps a logical name to it.  For
# another layout in the same test, set dv to a new folder first.
dovecot_start() {
	dovecot_started=1
	if ! env "$@" sh "$servers/dovecot.sh" start "$dv" \
		>"$work/start.log" 2>&1; then
		cat "$work/start.log" >&2
		ok 1 "Dovecot starts"
		tap_done
		exit 1
	fi
	. "$dv/env"
}

# server_folder LOGICAL: the server's name of a logical folder path
# ("Beoordelen/Goedkeuren"), once dovecot_start has run (ASCII only)
server_folder() {
	case $1 in
	INBOX) echo INBOX ;;
	*) printf '%s%s\n' "$IMAP_PREFIX" "$(printf '%s' "$1" | tr / "$IMAP_SEP")" ;;
	esac
}

# Dovecot's own tools, once dovecot_start has run.
doveadm() { $DOVEADM "$@"; }
count() {	# count FOLDER: messages in it
	doveadm mailbox status -u "$IMAP_USER" messages "$1" 2>/dev/null |
		sed -n 's/.*messages=\([0-9]*\).*/\1/p'
}

# imap_conf: prints the start of an aanmeld.conf, once dovecot_start has
# run: the shipped rules, spool $work/spool and a [mailbox] reading
# Dovecot's INBOX over IMAPS (password in $work/password, verified against
# the test CA); the caller adds the rest of [mailbox] and what follows.
imap_conf() {
	cat <<EOF
[main]
rules = $srcdir/../rules
spool = $work/spool
[mailbox]
type = imap
url = imaps://localhost:$IMAPS_PORT/INBOX
user = $IMAP_USER
password_file = $work/password
ca_file = $CA_FILE
EOF
}

# servers_setup: starts Dovecot and the SMTP sink and writes
# $work/aanmeld.conf for both (IMAPS and SMTP verified against the test CA,
# authentication results trusted from mx.vng.nl).
servers_setup() {
	dovecot_start
	smtp_start "$PKI_DIR/server" aanmeld:smtp-secret
	secret password "$IMAP_PASSWORD"
	secret smtp.password smtp-secret
	{
		imap_conf
		cat <<EOF
timeout = 10
poll_interval = 1
[smtp]
transport = smtp
url = smtp://localhost:$smtp_port
user = aanmeld
password_file = $work/smtp.password
ca_file = $CA_FILE
timeout = 10
[classify]
trusted_authserv_id = mx.vng.nl
EOF
	} >"$work/aanmeld.conf"
}

# Once dovecot_start has run: where test mail <ID@test.example> is, and a
# real UID MOVE of it, as staff's mail client does.
in_folder() {	# in_folder FOLDER ID: 1 when <ID@test.example> is there
	doveadm search -u "$IMAP_USER" mailbox "$1" header message-id \
		"$2@test.example" | wc -l
}
imap_move() {	# imap_move FROM TO ID: a real UID MOVE, as a mail client
	$PY - "$1" "$2" "$3@test.example" <<EOF
import imaplib, ssl, sys
src, dst, mid = sys.argv[1:4]
ctx = ssl.create_default_context(cafile="$CA_FILE")
m = imaplib.IMAP4_SSL("localhost", $IMAPS_PORT, ssl_context=ctx)
m.login("$IMAP_USER", "$IMAP_PASSWORD")
m.select('"%s"' % src)
typ, data = m.uid("SEARCH", None, "HEADER", "Message-ID", mid)
uids = data[0].split()
if len(uids) != 1:
    sys.exit("found %d messages <%s> in %s" % (len(uids), mid, src))
typ, data = m.uid("MOVE", uids[0].decode(), '"%s"' % dst)
if typ != "OK":
    sys.exit("MOVE: %s" % data)
m.logout()
EOF
}

# deliver [MAILBOX] < MESSAGE: into Dovecot's INBOX (or MAILBOX), as its
# LDA would, once dovecot_start has run
deliver() {
	sh "$servers/dovecot.sh" deliver "$dv" ${1:+"$1"}
}

# deliver_mail ID FROM SUBJECT [EXTRA-HEADER]: testmail ... into the INBOX
deliver_mail() {
	testmail "$@" | deliver
}

# delivered [MESSAGE-ID]: how many mails reached the SMTP sink, or how
# many copies of <MESSAGE-ID>
delivered() {
	if [ $# -eq 0 ]; then
		ls "$work/sink/" 2>/dev/null | grep -c '\.eml$'
	else
		grep -l -i "^Message-ID: <$1>" "$work/sink/"*.eml 2>/dev/null |
			wc -l
	fi
}

servers_stop() {
	test -n "$smtp_pid" && kill "$smtp_pid" 2>/dev/null
	test -n "$dovecot_started" &&
		sh "$servers/dovecot.sh" stop "$dv" >/dev/null 2>&1
	return 0
}
