# The real servers of the shell tests, sourced after tap.sh by a test that
# has set $srcdir and $work: the SMTP sink tests/servers/smtp-server.py and
# Dovecot via tests/servers/dovecot.sh, both on 127.0.0.1 only.  Sets
# $servers, $dv (Dovecot's folder) and $PY; servers_stop stops what was
# started, by PID, for the test's cleanup.
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
# it does not start, shows why, fails the test and exits.
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

# Dovecot's own tools, once dovecot_start has run.
doveadm() { $DOVEADM "$@"; }
count() {	# count FOLDER: messages in it
	doveadm mailbox status -u "$IMAP_USER" messages "$1" 2>/dev/null |
		sed -n 's/.*messages=\([0-9]*\).*/\1/p'
}

servers_stop() {
	test -n "$smtp_pid" && kill "$smtp_pid" 2>/dev/null
	test -n "$dovecot_started" &&
		sh "$servers/dovecot.sh" stop "$dv" >/dev/null 2>&1
	return 0
}
