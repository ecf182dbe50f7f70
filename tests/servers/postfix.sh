# A private Postfix on 127.0.0.1 for the tests, sourced after common.sh:
# its own config_directory and queue_directory (the system's /etc/postfix is never
# used), a submission port with STARTTLS (the certificate from ca.sh in
# $PKI_DIR) and SMTP AUTH PLAIN/LOGIN against its own Cyrus sasldb; it
# relays everything to [127.0.0.1]:SINK_PORT with STARTTLS and AUTH
# aanmeld:smtp-secret, the SMTP test server that stores what arrives.
# Needs root (the Postfix master does) and the postfix, sasl2-bin and
# libsasl2-modules packages.
#
#   postfix_start DIR SINK_PORT   start it; sets POSTFIX_PORT, POSTFIX_PID,
#                                 POSTFIX_USER, POSTFIX_PASSWORD, POSTFIX_CONF
#   postfix_stop DIR              stop it by its PID and remove its files
#   postfix_flush DIR             deliver what waits in its queue now
#
# Replies it gives for chosen recipients, to test how a client takes them:
#   refused@postfix.test  550 5.1.1 at RCPT
#   later@postfix.test    450 4.2.1 at RCPT
POSTFIX_USER=aanmeld
POSTFIX_PASSWORD=submit-secret

postfix_start() {
	pf_dir=$1
	if [ ! -x /usr/sbin/postfix ] || ! command -v saslpasswd2 >/dev/null; then
		echo "postfix.sh: postfix or saslpasswd2 missing: run contrib/deps.sh --test" >&2
		return 1
	fi
	# the daemons run as the postfix user: the queue must be reachable
	pf_run=$(mktemp -d /tmp/aanmeld-postfix.XXXXXX) || return 1
	chmod 755 "$pf_run"
	echo "$pf_run" >"$pf_dir/postfix.run"
	POSTFIX_CONF=$pf_run/conf
	mkdir -p "$POSTFIX_CONF/sasl" "$pf_run/queue" "$pf_run/data"
	POSTFIX_PORT=$(/usr/bin/python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	printf '%s' "$POSTFIX_PASSWORD" | saslpasswd2 -f "$pf_run/sasldb2" -p -c \
		-u mta.test "$POSTFIX_USER" || return 1
	chown postfix "$pf_run/sasldb2" "$pf_run/data"
	cat >"$POSTFIX_CONF/sasl/smtpd.conf" <<EOF
pwcheck_method: auxprop
auxprop_plugin: sasldb
sasldb_path: $pf_run/sasldb2
mech_list: PLAIN LOGIN
EOF
	cat >"$POSTFIX_CONF/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $pf_run/queue
data_directory = $pf_run/data
maillog_file_prefixes = $pf_dir
maillog_file = $pf_dir/postfix.log
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mta.test
mydomain = test
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
relayhost = [127.0.0.1]:$2
smtpd_tls_security_level = encrypt
smtpd_tls_cert_file = $PKI_DIR/server.pem
smtpd_tls_key_file = $PKI_DIR/server.key
smtpd_tls_auth_only = yes
smtpd_tls_loglevel = 1
smtpd_sasl_auth_enable = yes
smtpd_sasl_path = smtpd
smtpd_sasl_local_domain = mta.test
cyrus_sasl_config_path = $POSTFIX_CONF/sasl
smtpd_sasl_security_options = noanonymous
smtpd_relay_restrictions = permit_sasl_authenticated, reject
smtpd_recipient_restrictions = check_recipient_access
  inline:{ {refused@postfix.test = 550 5.1.1 no such user here},
  {later@postfix.test = 450 4.2.1 try again later} }
smtp_tls_security_level = encrypt
smtp_tls_CAfile = $PKI_DIR/ca.pem
smtp_sasl_auth_enable = yes
smtp_sasl_password_maps = static:aanmeld:smtp-secret
smtp_sasl_security_options = noanonymous
smtp_sasl_tls_security_options = noanonymous
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
EOF
	cat >"$POSTFIX_CONF/master.cf" <<EOF
127.0.0.1:$POSTFIX_PORT inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
	if ! /usr/sbin/postfix -c "$POSTFIX_CONF" start >>"$pf_dir/postfix.log" 2>&1; then
		tail -n 20 "$pf_dir/postfix.log" >&2
		return 1
	fi
	greeting "$POSTFIX_PORT" plain 220 "$pf_dir/postfix.log" || return 1
	POSTFIX_PID=$(sed -n 's/ //gp' "$pf_run/queue/pid/master.pid")
}

postfix_flush() {
	/usr/sbin/postqueue -c "$(cat "$1/postfix.run")/conf" -f
}

postfix_stop() {
	[ -f "$1/postfix.run" ] || return 0
	pf_run=$(cat "$1/postfix.run")
	pf_pid=$(tr -d ' ' <"$pf_run/queue/pid/master.pid" 2>/dev/null)
	stop_server_pid "$pf_pid"
	rm -rf "$pf_run" "$1/postfix.run"
}
