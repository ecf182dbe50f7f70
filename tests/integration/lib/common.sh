# The small helpers the shell tests share, sourced after tap.sh by a test
# that has set $srcdir (the tests/ folder) and $work (its own folder).
# A test "NAME" is a config $work/NAME.conf with its spool $work/spool-NAME;
# a test with one config calls it aanmeld and has its spool in $work/spool.

# conf NAME LINES...: $work/NAME.conf on the shipped rules, spool
# $work/spool-NAME (or $conf_spool when the test sets it), then LINES,
# one a line; mode 644 whatever the umask.
conf() {
	conf_name=$1
	shift
	{
		printf '[main]\nrules = %s\nspool = %s\n' "$srcdir/../rules" \
			"${conf_spool:-$work/spool-$conf_name}"
		printf '%s\n' "$@"
	} >"$work/$conf_name.conf"
	chmod 644 "$work/$conf_name.conf"
}

# secret NAME VALUE [MODE]: the file $work/NAME holding VALUE, mode MODE
# (600: only its owner reads it)
secret() {
	printf '%s\n' "$2" >"$work/$1"
	chmod "${3:-600}" "$work/$1"
}

# sql [NAME] QUERY: sqlite3 on the database in $work/spool, or with NAME
# in spool NAME's folder: $work/spool-NAME, or as the printf format
# $spools (for NAME) says when the test sets it.
sql() {
	if [ $# -ge 2 ]; then
		# shellcheck disable=SC2059
		sqlite3 "$(printf "${spools:-$work/spool-%s}" "$1")/aanmeld.db" "$2"
	else
		sqlite3 "$work/spool/aanmeld.db" "$1"
	fi
}

# key_verdict KEY: the verdict recorded for the message with msgkey KEY
key_verdict() {
	sql "SELECT verdict FROM messages WHERE msgkey = '$1'"
}
# reasons KEY PATTERN: the reasons recorded for it hold PATTERN
reasons() {
	sql "SELECT reasons FROM messages WHERE msgkey = '$1'" | grep -q "$2"
}

# once [NAME [NOW [VAR=VALUE...]]]: one pass of aanmeldd on $work/NAME.conf
# (NAME: aanmeld) at NOW (2021-04-01 10:00), VAR=VALUE in its environment.
# Its output is in $work/NAME.out (this pass only) and is added to
# $work/NAME.log (every pass); its exit status is once's.
once() {
	once_name=${1:-aanmeld}
	once_now=${2:-2021-04-01 10:00}
	[ $# -gt 2 ] && shift 2 || set --
	env "$@" "$AANMELDD" $allow_root -c "$work/$once_name.conf" --once \
		--now "$once_now" >"$work/$once_name.out" 2>&1
	once_rc=$?
	cat "$work/$once_name.out" >>"$work/$once_name.log"
	return $once_rc
}

# cli_on NAME ARGS...: aanmeld on $work/NAME.conf, with $cli_env in its
# environment; its output goes where the caller says.
cli_on() {
	cli_name=$1
	shift
	env ${cli_env:-} "$AANMELD" -c "$work/$cli_name.conf" "$@"
}

# cli ARGS...: aanmeld on $work/aanmeld.conf at $T (2021-04-01 10:00 unless
# the test sets T); stdout in $work/cli.out, stderr in $work/cli.err.
cli() {
	cli_on aanmeld --now "${T:-2021-04-01 10:00}" "$@" \
		>"$work/cli.out" 2>"$work/cli.err"
}

# into_maildir NAME [MAILDIR] < MESSAGE: delivered the Maildir way, into
# MAILDIR ($work/spool/maildir): tmp/NAME, then renamed to new/NAME.
into_maildir() {
	into_dir=${2:-$work/spool/maildir}
	cat >"$into_dir/tmp/$1"
	mv "$into_dir/tmp/$1" "$into_dir/new/$1"
}

# mail NAME FROM SUBJECT [EXTRA-HEADER]: testmail NAME ... into
# $work/spool/maildir as NAME
mail() {
	testmail "$@" | into_maildir "$1"
}

# item_of ID: the review item of <ID@test.example>
item_of() {
	sql "SELECT r.id FROM review_items r JOIN messages m ON m.id = r.message WHERE m.message_id = '$1@test.example'"
}

# b64 PRINTF-FORMAT: its output in base64 on one line (RFC 2047, SASL)
b64() {
	# shellcheck disable=SC2059
	printf "$1" | base64 -w0
}

# cleanup: the EXIT trap.  Ends $daemon when it is set (with the signal
# $daemon_signal, TERM unless set), runs the test's own $at_exit
# commands, stops the servers of servers.sh when it is sourced, and
# removes $work unless KEEP is set.
cleanup() {
	if [ -n "${daemon:-}" ]; then
		kill -"${daemon_signal:-TERM}" "$daemon" 2>/dev/null
	fi
	eval "${at_exit:-}"
	if command -v servers_stop >/dev/null 2>&1; then
		servers_stop
	fi
	[ -n "${KEEP:-}" ] || rm -rf "$work"
}

# stop_server_pid PID: SIGTERM, up to 5 s to end, then SIGKILL; for the servers a
# test starts itself
stop_server_pid() {
	[ -n "$1" ] && kill "$1" 2>/dev/null || return 0
	stop_n=0
	while kill -0 "$1" 2>/dev/null && [ $stop_n -lt 50 ]; do
		sleep 0.1
		stop_n=$((stop_n + 1))
	done
	kill -9 "$1" 2>/dev/null
	return 0
}

# greeting PORT tls|plain TEXT LOG: waits up to 10 s for a server on
# 127.0.0.1:PORT to greet with TEXT; else shows the end of LOG, fails
greeting() {
	wait_for 10 /usr/bin/python3 -c 'import socket, ssl, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)
if sys.argv[2] == "tls":
    s = ssl._create_unverified_context().wrap_socket(s)
sys.exit(not s.recv(100).startswith(sys.argv[3].encode()))' "$@" && return 0
	echo "no greeting \"$3\" on 127.0.0.1:$1 after 10 s" >&2
	tail -n 20 "$4" >&2
	return 1
}
