#!/bin/sh
# Run a private Dovecot IMAP server (plus the OAuth2 test token server) on
# 127.0.0.1 for the test suite.  /etc/dovecot and the system service are
# never used.  See tests/servers/README.
#
# Usage: tests/servers/dovecot.sh COMMAND DIR [ARG...]
#
#   start DIR      start the token server and Dovecot (each only if not
#                  running yet) and write DIR/env; ports recorded in DIR/env
#                  by an earlier start are reused
#   stop DIR       stop Dovecot and the token server, wait until both are gone
#   restart DIR    stop Dovecot and start it again on the same ports (the
#                  token server and its tokens stay alive)
#   stop-imap DIR  stop only Dovecot; "start DIR" brings it back, same ports
#   deliver DIR [MAILBOX]          store the message on stdin (doveadm save)
#   uidvalidity DIR N [MAILBOX]    set the UIDVALIDITY of MAILBOX to N
#
# Environment (all optional):
#   DOVECOT_CERT       server (default) | expired | wrong | untrusted
#   IMAP_PORT, IMAPS_PORT, TOKEN_PORT   ports for a fresh DIR (default: free)
#   PKI_DIR            directory made by ca.sh (default DIR/pki, created)
#   OAUTH2_SERVER      "no" = do not start oauth2-server.py (an external one
#                      can still be named with TOKEN_PORT)
#   OAUTH2_TLS         "yes" = token server speaks https (server.pem)
#   OAUTH2_EXPIRES_IN, OAUTH2_CLIENT_ID, OAUTH2_CLIENT_SECRET
#   DOVECOT_MAIL_USER  system user owning the mail when run as root
#                      (default nobody; Dovecot refuses mail access as root)
#   DOVECOT_DEBUG      "yes" = auth_debug and mail_debug in DIR/dovecot.log
#   DOVECOT_IDLE_NOTIFY  imap_idle_notify_interval, how often an idle client
#                      hears "* OK Still here" (default: Dovecot's, 2 mins,
#                      at a moment aligned per user, so also soon after IDLE)
#   DOVECOT_LAYOUT     how the server names folders (a fresh DIR only):
#                      default  Maildir++ on disk, separator "/", no prefix
#                      dot      Maildir++, separator "." (Dovecot's default)
#                      fs       Maildir with LAYOUT=fs, separator "/"
#                      inbox    Maildir++, separator ".", prefix "INBOX."
#                      DIR/env gives IMAP_SEP and IMAP_PREFIX to match.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
DOVECOT_BIN=${DOVECOT_BIN:-/usr/sbin/dovecot}
DOVEADM_BIN=${DOVEADM_BIN:-/usr/bin/doveadm}
PYTHON=${PYTHON:-/usr/bin/python3}
[ -x "$PYTHON" ] || PYTHON=python3
IMAP_USER=globalgoals
IMAP_PASSWORD=test-password
usage="usage: $0 start|stop|restart|stop-imap DIR | deliver DIR [MAILBOX] | uidvalidity DIR N [MAILBOX]"

# on_fail: commands run once by die(), to undo a half-done start.
on_fail=
die() {
	echo "dovecot.sh: $*" >&2
	f=$on_fail
	on_fail=
	eval "$f"
	exit 1
}

[ $# -ge 2 ] || die "$usage"
cmd=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)
shift 2
case $dir in
*[!A-Za-z0-9_./+,:@=-]*) die "DIR must not contain spaces or quotes: $dir" ;;
esac
instance=aanmeld-test-$(printf '%s' "$dir" | cksum | cut -d' ' -f1)

# Value of NAME from the env file of an earlier start, or empty.
saved() {
	[ -f "$dir/env" ] && sed -n "s/^$1='\(.*\)'\$/\1/p" "$dir/env" || :
}

# alive PID: true if PID runs and is not a zombie (pid 1 of a container may
# be slow to reap the daemonised master).
alive() {
	[ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 1
	case $(ps -o stat= -p "$1" 2>/dev/null) in *Z*) return 1 ;; esac
}

pidof_file() { [ -f "$1" ] && cat "$1" 2>/dev/null || :; }

# stop_pid PID NAME: SIGTERM, wait up to 10 s, then SIGKILL.
stop_pid() {
	alive "$1" || return 0
	kill "$1" 2>/dev/null || :
	n=0
	while alive "$1"; do
		n=$((n + 1))
		if [ $n -eq 100 ]; then
			echo "dovecot.sh: $2 ($1) ignores SIGTERM, killing" >&2
			kill -9 "$1" 2>/dev/null || :
		fi
		[ $n -lt 150 ] || die "$2 ($1) does not go away"
		sleep 0.1
	done
}

# Pids of live processes of this instance (their titles carry its name).
instance_pids() {
	# The name goes through the environment, not argv, so that awk does
	# not find itself.
	ps -eo pid=,stat=,args= | INSTANCE="dovecot-$instance/" awk \
		'$2 !~ /^Z/ && index($0, ENVIRON["INSTANCE"]) { print $1 }'
}

# free_ports N: print N distinct free TCP ports on 127.0.0.1.
free_ports() {
	"$PYTHON" - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}

# wait_port PORT NAME LOG [imap|imaps]: wait up to 10 s until PORT accepts
# connections (and, for imap/imaps, sends an IMAP "* OK" greeting).
wait_port() {
	"$PYTHON" - "$1" "${4:-}" <<'PY' || { [ ! -f "$3" ] || tail -n 20 "$3" >&2; die "$2 not ready on 127.0.0.1:$1 after 10 s (log: $3)"; }
import socket, ssl, sys, time
port, kind = int(sys.argv[1]), sys.argv[2]
end = time.time() + 10
while time.time() < end:
    try:
        s = socket.create_connection(("127.0.0.1", port), 1)
        if kind == "imaps":
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            s = ctx.wrap_socket(s)
        if kind and not s.recv(100).startswith(b"* OK"):
            raise OSError("no greeting")
        s.close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY
}

# can_reach UID GID PATH: may UID:GID (no extra groups) traverse PATH?
can_reach() {
	"$PYTHON" - "$@" <<'PY'
import os, sys
uid, gid, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
os.setgroups([])
os.setgid(gid)
os.setuid(uid)
sys.exit(0 if os.access(path, os.X_OK) else 1)
PY
}

# --- layout ----------------------------------------------------------------
# "aux" is a private directory under /tmp, used only when DIR does not work
# for Dovecot: unix socket paths (base_dir) are limited to ~107 bytes, and
# mail processes may not run as root, so when root runs this with DIR below
# a mode 0700 directory the mail user could not reach DIR/mail.  Then the
# mail store lives in aux and DIR/mail, DIR/home are symlinks to it.
aux=$(saved DOVECOT_AUX_DIR)
base_dir=$(saved DOVECOT_BASE_DIR)
store=$(saved DOVECOT_STORE)
base_dir=${base_dir:-$dir/run}
store=${store:-$dir}
master_pid_file=$base_dir/master.pid
token_pid_file=$dir/oauth2.pid

make_aux() {
	if [ -z "$aux" ]; then
		aux=$(mktemp -d "${TMPDIR:-/tmp}/aanmeld-dovecot.XXXXXX")
		chmod 755 "$aux"
	fi
}

mail_identity() {
	if [ "$(id -u)" = 0 ]; then
		mail_user=${DOVECOT_MAIL_USER:-$(saved DOVECOT_MAIL_USER)}
		mail_user=${mail_user:-nobody}
	else
		mail_user=$(id -un)
	fi
	mail_uid=$(id -u "$mail_user") || die "no such user: $mail_user"
	mail_gid=$(id -g "$mail_user")
}

setup_layout() {
	if [ "$store" = "$dir" ] && [ ! -d "$dir/mail" ] && [ "$(id -u)" = 0 ]; then
		chmod o+x "$dir"
		if ! can_reach "$mail_uid" "$mail_gid" "$dir"; then
			make_aux
			store=$aux
			ln -s "$store/mail" "$dir/mail"
			ln -s "$store/home" "$dir/home"
			# mail processes use base_dir after dropping root too
			base_dir=$aux/run
		fi
	fi
	if [ ${#base_dir} -gt 70 ]; then
		make_aux
		base_dir=$aux/run
	fi
	master_pid_file=$base_dir/master.pid
	mkdir -p "$store/mail/$IMAP_USER/cur" "$store/mail/$IMAP_USER/new" \
		"$store/mail/$IMAP_USER/tmp" "$store/home/$IMAP_USER" \
		"$dir/state" "$base_dir"
	[ "$(id -u)" != 0 ] ||
		chown -R "$mail_uid:$mail_gid" "$store/mail/" "$store/home/"
}

# --- token server ------------------------------------------------------------
stop_token() {
	stop_pid "$(pidof_file "$token_pid_file")" oauth2-server
	rm -f "$token_pid_file"
}

start_token() {
	if alive "$(pidof_file "$token_pid_file")"; then
		return 0
	fi
	rm -f "$dir/oauth2.port"
	set -- --port "${TOKEN_PORT:-0}" --port-file "$dir/oauth2.port" \
		--pid-file "$token_pid_file" --client-id "$OAUTH2_CLIENT_ID" \
		--client-secret "$OAUTH2_CLIENT_SECRET" --username "$IMAP_USER" \
		--expires-in "$OAUTH2_EXPIRES_IN"
	[ "$OAUTH2_TLS" != yes ] ||
		set -- "$@" --cert "$pki/server.pem" --key "$pki/server.key"
	"$PYTHON" "$here/oauth2-server.py" "$@" \
		</dev/null >>"$dir/oauth2.log" 2>&1 &
	on_fail="kill $! 2>/dev/null; rm -f '$token_pid_file'"
	n=0
	until [ -s "$dir/oauth2.port" ]; do
		n=$((n + 1))
		if [ $n -gt 100 ] || ! kill -0 $! 2>/dev/null; then
			tail -n 20 "$dir/oauth2.log" >&2
			die "oauth2-server.py did not start (log: $dir/oauth2.log)"
		fi
		sleep 0.1
	done
	TOKEN_PORT=$(cat "$dir/oauth2.port")
	wait_port "$TOKEN_PORT" oauth2-server "$dir/oauth2.log"
}

# --- dovecot -----------------------------------------------------------------
stop_dovecot() {
	stop_pid "$(pidof_file "$master_pid_file")" dovecot
	rm -f "$master_pid_file"
	# The master signals its children; make sure none outlives it.
	n=0
	while pids=$(instance_pids) && [ -n "$pids" ]; do
		n=$((n + 1))
		[ $n -ne 30 ] || kill -9 $pids 2>/dev/null || :
		[ $n -lt 60 ] || die "dovecot processes left: $pids"
		sleep 0.1
	done
}

write_config() {
	user=$(id -un)
	group=$(id -gn)
	login_user=$user
	chroot_login=
	if [ "$(id -u)" = 0 ]; then
		# imap-login refuses to run as root; as root the default chroot
		# also keeps it independent of the permissions above base_dir.
		login_user=nobody
		! id dovenull >/dev/null 2>&1 || login_user=dovenull
		chroot_login=login
		group=dovecot
	fi
	debug=no
	[ "${DOVECOT_DEBUG:-no}" != yes ] || debug=yes
	layout_opt=
	[ "$DOVECOT_LAYOUT" != fs ] || layout_opt=:LAYOUT=fs
	# uid/gid stay empty: passwd-file rejects uid 0; mail_uid is global.
	printf '%s:{PLAIN}%s:::::\n' "$IMAP_USER" "$IMAP_PASSWORD" > "$dir/passwd"
	mechs="plain login"
	oauth2_passdb=
	if [ -n "$TOKEN_PORT" ]; then
		mechs="$mechs xoauth2 oauthbearer"
		oauth2_passdb="passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = $dir/dovecot-oauth2.conf.ext
}"
		cat > "$dir/dovecot-oauth2.conf.ext" <<EOF
# Tokens come from tests/servers/oauth2-server.py
tokeninfo_url = $token_scheme://127.0.0.1:$TOKEN_PORT/tokeninfo?access_token=
username_attribute = username
active_attribute = active
active_value = true
tls_ca_cert_file = $pki/ca.pem
timeout_msecs = 5000
debug = $debug
EOF
	fi
	cat > "$dir/dovecot.conf" <<EOF
# Generated by tests/servers/dovecot.sh: private test instance.
instance_name = $instance
base_dir = $base_dir
state_dir = $dir/state
protocols = imap
listen = 127.0.0.1
log_path = $dir/dovecot.log
auth_verbose = yes
auth_debug = $debug
mail_debug = $debug

default_internal_user = $user
default_login_user = $login_user
default_internal_group = $group
first_valid_uid = 0
first_valid_gid = 0
mail_uid = $mail_uid
mail_gid = $mail_gid
service imap-login {
  chroot = $chroot_login
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_PORT
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $IMAPS_PORT
    ssl = yes
  }
}
service anvil {
  chroot =
}
service ipc {
  chroot =
}

ssl = yes
ssl_cert = <$pki/$DOVECOT_CERT.pem
ssl_key = <$pki/$DOVECOT_CERT.key

disable_plaintext_auth = no
auth_failure_delay = 0
auth_mechanisms = $mechs
passdb {
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u $dir/passwd
}
$oauth2_passdb
userdb {
  driver = passwd-file
  args = username_format=%u $dir/passwd
}

mail_home = $store/home/%u
mail_location = maildir:$store/mail/%u$layout_opt
namespace inbox {
  inbox = yes
  separator = $IMAP_SEP
  prefix = $IMAP_PREFIX
}
mail_fsync = never
mailbox_idle_check_interval = 1 secs
imap_idle_notify_interval = ${DOVECOT_IDLE_NOTIFY:-2 mins}
protocol imap {
  mail_max_userip_connections = 100
}
EOF
}

start_dovecot() {
	if alive "$(pidof_file "$master_pid_file")"; then
		return 0
	fi
	setup_layout
	write_config
	: > "$dir/dovecot.stderr"
	"$DOVECOT_BIN" -c "$dir/dovecot.conf" \
		</dev/null >>"$dir/dovecot.stderr" 2>&1 || {
		cat "$dir/dovecot.stderr" >&2
		[ ! -f "$dir/dovecot.log" ] || tail -n 20 "$dir/dovecot.log" >&2
		die "dovecot failed to start (config: $dir/dovecot.conf)"
	}
	# No auth penalty (growing delays for every login from 127.0.0.1
	# after a failed one): the auth process, started on the first login,
	# disables it when it cannot connect to this socket.  Mode 0 on the
	# listener would not stop auth, which connects while still root.
	rm -f "$base_dir/anvil-auth-penalty"
	n=0
	until [ -s "$master_pid_file" ]; do
		n=$((n + 1))
		[ $n -le 100 ] || die "no $master_pid_file after 10 s"
		sleep 0.1
	done
	wait_port "$IMAP_PORT" "dovecot (imap)" "$dir/dovecot.log" imap
	wait_port "$IMAPS_PORT" "dovecot (imaps)" "$dir/dovecot.log" imaps
}

# --- env file ------------------------------------------------------------------
q() { printf "%s='%s'\n" "$1" "$2"; }

write_env() {
	{
		echo "# Written by tests/servers/dovecot.sh; load with: . $dir/env"
		q IMAP_HOST 127.0.0.1
		q IMAP_PORT "$IMAP_PORT"
		q IMAPS_PORT "$IMAPS_PORT"
		q IMAP_USER "$IMAP_USER"
		q IMAP_PASSWORD "$IMAP_PASSWORD"
		q DOVECOT_CERT "$DOVECOT_CERT"
		q DOVECOT_LAYOUT "$DOVECOT_LAYOUT"
		q IMAP_SEP "$IMAP_SEP"
		q IMAP_PREFIX "$IMAP_PREFIX"
		q DOVECOT_PID "$(pidof_file "$master_pid_file")"
		q DOVECOT_CONF "$dir/dovecot.conf"
		q DOVECOT_LOG "$dir/dovecot.log"
		q DOVEADM "$DOVEADM_BIN -c $dir/dovecot.conf"
		q MAILDIR "$store/mail/$IMAP_USER"
		q DOVECOT_MAIL_USER "$mail_user"
		q DOVECOT_BASE_DIR "$base_dir"
		q DOVECOT_STORE "$store"
		q DOVECOT_AUX_DIR "$aux"
		q PKI_DIR "$pki"
		q CA_FILE "$pki/ca.pem"
		q TOKEN_PORT "$TOKEN_PORT"
		q TOKEN_PID "$(pidof_file "$token_pid_file")"
		q TOKEN_LOG "$dir/oauth2.log"
		if [ -n "$TOKEN_PORT" ]; then
			t=$token_scheme://127.0.0.1:$TOKEN_PORT
			q TOKEN_URL "$t/token"
			q TOKENINFO_URL "$t/tokeninfo"
			q TOKEN_STATS_URL "$t/stats"
			q TOKEN_REVOKE_URL "$t/revoke-all"
		fi
		q OAUTH2_SERVER "$OAUTH2_SERVER"
		q OAUTH2_TLS "$OAUTH2_TLS"
		q OAUTH2_CLIENT_ID "$OAUTH2_CLIENT_ID"
		q OAUTH2_CLIENT_SECRET "$OAUTH2_CLIENT_SECRET"
		q OAUTH2_EXPIRES_IN "$OAUTH2_EXPIRES_IN"
	} > "$dir/env.tmp"
	mv -f "$dir/env.tmp" "$dir/env"
}

# Ports of an earlier start win (restart on the same ports); the other
# settings come from the environment first, then from DIR/env.
setup() {
	env_imap_port=${IMAP_PORT:-}
	env_imaps_port=${IMAPS_PORT:-}
	env_token_port=${TOKEN_PORT:-}
	IMAP_PORT=$(saved IMAP_PORT)
	IMAP_PORT=${IMAP_PORT:-$env_imap_port}
	IMAPS_PORT=$(saved IMAPS_PORT)
	IMAPS_PORT=${IMAPS_PORT:-$env_imaps_port}
	TOKEN_PORT=$(saved TOKEN_PORT)
	TOKEN_PORT=${TOKEN_PORT:-$env_token_port}
	DOVECOT_CERT=${DOVECOT_CERT:-$(saved DOVECOT_CERT)}
	DOVECOT_CERT=${DOVECOT_CERT:-server}
	case $DOVECOT_CERT in
	server|expired|wrong|untrusted) ;;
	*) die "DOVECOT_CERT must be server, expired, wrong or untrusted" ;;
	esac
	DOVECOT_LAYOUT=${DOVECOT_LAYOUT:-$(saved DOVECOT_LAYOUT)}
	DOVECOT_LAYOUT=${DOVECOT_LAYOUT:-default}
	case $DOVECOT_LAYOUT in
	default|fs) IMAP_SEP=/ IMAP_PREFIX= ;;
	dot) IMAP_SEP=. IMAP_PREFIX= ;;
	inbox) IMAP_SEP=. IMAP_PREFIX=INBOX. ;;
	*) die "DOVECOT_LAYOUT must be default, dot, fs or inbox" ;;
	esac
	OAUTH2_SERVER=${OAUTH2_SERVER:-$(saved OAUTH2_SERVER)}
	OAUTH2_SERVER=${OAUTH2_SERVER:-yes}
	OAUTH2_TLS=${OAUTH2_TLS:-$(saved OAUTH2_TLS)}
	OAUTH2_TLS=${OAUTH2_TLS:-no}
	OAUTH2_CLIENT_ID=${OAUTH2_CLIENT_ID:-$(saved OAUTH2_CLIENT_ID)}
	OAUTH2_CLIENT_ID=${OAUTH2_CLIENT_ID:-aanmeld}
	OAUTH2_CLIENT_SECRET=${OAUTH2_CLIENT_SECRET:-$(saved OAUTH2_CLIENT_SECRET)}
	OAUTH2_CLIENT_SECRET=${OAUTH2_CLIENT_SECRET:-s3cret}
	OAUTH2_EXPIRES_IN=${OAUTH2_EXPIRES_IN:-$(saved OAUTH2_EXPIRES_IN)}
	OAUTH2_EXPIRES_IN=${OAUTH2_EXPIRES_IN:-3600}
	token_scheme=http
	[ "$OAUTH2_TLS" != yes ] || token_scheme=https
	pki=${PKI_DIR:-$(saved PKI_DIR)}
	pki=${pki:-$dir/pki}
	sh "$here/ca.sh" "$pki"
}

do_start() {
	setup
	mail_identity
	[ "$OAUTH2_SERVER" = no ] || start_token
	if [ -z "$IMAP_PORT" ] || [ -z "$IMAPS_PORT" ]; then
		set -- $(free_ports 2)
		IMAP_PORT=${IMAP_PORT:-$1}
		IMAPS_PORT=${IMAPS_PORT:-$2}
	fi
	start_dovecot
	write_env
}

doveadm_() {
	[ -f "$dir/dovecot.conf" ] || die "no $dir/dovecot.conf; run start first"
	"$DOVEADM_BIN" -c "$dir/dovecot.conf" "$@"
}

case $cmd in
start)
	do_start
	;;
stop)
	stop_dovecot
	stop_token
	[ -z "$aux" ] || rm -rf "$aux"
	;;
stop-imap)
	stop_dovecot
	;;
restart)
	stop_dovecot
	do_start
	;;
deliver)
	doveadm_ save -u "$IMAP_USER" -m "${1:-INBOX}"
	;;
uidvalidity)
	[ $# -ge 1 ] || die "$usage"
	doveadm_ mailbox update -u "$IMAP_USER" --uid-validity "$1" "${2:-INBOX}"
	;;
*)
	die "$usage"
	;;
esac
