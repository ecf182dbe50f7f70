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

# itip_reply KEY ADDR SESSION METHOD PARTSTAT: Gmail's answer
# (tests/data/attendance) to our invitation of SESSION, its UID as we sent
# it to ADDR (read from the SMTP sink $work/sink), from ADDR, its domain
# authenticated, with Message-ID <KEY@google.com>, on stdout
itip_reply() {
	ir_uid=$(${PY:-/usr/bin/python3} - "$work/sink" "$2" "$3" <<'EOP'
import email, email.policy, os, re, sys
for f in sorted(os.listdir(sys.argv[1])):
    if not f.endswith(".eml"):
        continue
    msg = email.message_from_bytes(
        open(os.path.join(sys.argv[1], f), "rb").read(),
        policy=email.policy.default)
    if sys.argv[2] not in str(msg["To"]):
        continue
    for p in msg.walk():
        if p.get_content_type() == "text/calendar":
            m = re.search(r"^UID:(aanmeld-[0-9a-f]+-session-%s@\S*)"
                          % sys.argv[3],
                          p.get_content(), re.M)
            if m:
                print(m.group(1))
                sys.exit(0)
EOP
)
	sed -e "s/k\\.bakker@zwolle\\.nl/$2/g" \
		-e "s/zwolle\\.nl/${2#*@}/g" \
		-e "s/^UID:.*/UID:$ir_uid/" \
		-e "s/method=REPLY/method=$4/" -e "s/^METHOD:REPLY/METHOD:$4/" \
		-e "s/PARTSTAT=ACCEPTED/PARTSTAT=$5/" \
		-e "s/<0000000000004a9e2c05bee33a1f@google.com>/<$1@google.com>/" \
		"$srcdir/data/attendance/gmail-accept-en.eml"
}

# mixed_head ID FROM SUBJECT: a participant's multipart/mixed mail up to
# and with its text "Hierbij onze tekst." (boundary b1, no delimiter
# after it), on stdout
mixed_head() {
	printf 'Return-Path: <%s>\r\n' "$2"
	printf 'Authentication-Results: mx.vng.nl; dmarc=pass header.from=%s\r\n' "${2#*@}"
	printf 'From: Tester <%s>\r\nTo: GlobalGoals@VNG.nl\r\n' "$2"
	printf 'Subject: %s\r\nMessage-ID: <%s@test.example>\r\n' "$3" "$1"
	printf 'Date: Tue, 20 Jul 2021 09:00:00 +0200\r\nMIME-Version: 1.0\r\n'
	printf 'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
	printf -- '--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'
	printf 'Hierbij onze tekst.\r\n'
}

# attached ID FROM SUBJECT NAME: a mail with the file NAME attached
# (base64, its text "ID tekst"), on stdout
attached() {
	mixed_head "$1" "$2" "$3"
	printf -- '--b1\r\n'
	printf 'Content-Type: application/pdf; name="%s"\r\n' "$4"
	printf 'Content-Disposition: attachment; filename="%s"\r\n' "$4"
	printf 'Content-Transfer-Encoding: base64\r\n\r\n'
	printf '%s' "$1 tekst" | base64
	printf '\r\n--b1--\r\n'
}

# bounce_of FILE OLD-ID NEW-ID OWN-ID [OLD-ADDR NEW-ADDR]: the sample
# bounce tests/data/bounce/FILE returning NEW-ID in place of OLD-ID (and
# NEW-ADDR in place of OLD-ADDR), its own Message-ID <OWN-ID@test.example>
bounce_of() {
	sed -e "s/$2/$3/g" \
		-e "s/^Message-Id: <[^>]*>/Message-Id: <$4@test.example>/" \
		${5:+-e "s/$5/$6/g"} "$srcdir/data/bounce/$1"
}

# received [PREFIX=KIND...]: every mail the SMTP sink $work/sink received,
# in order, "RCPT KIND" a line (lib/received.py), into $work/received
received() {
	${PY:-/usr/bin/python3} "$srcdir/integration/lib/received.py" \
		"$work/sink" "$@" >"$work/received"
}
# mailpart ADDRESS SUBJECT-START WHAT: WHAT (text, words, files or
# attachment:NAME) of each mail to ADDRESS in the SMTP sink $work/sink
# whose subject starts so (lib/mailpart.py), on stdout
mailpart() {
	${PY:-/usr/bin/python3} "$srcdir/integration/lib/mailpart.py" \
		"$work/sink" "$@"
}
# got ADDRESS: the kinds $work/received holds for it, on one line
got() {
	grep "^$1 " "$work/received" | cut -d' ' -f2 | tr '\n' ' ' |
		sed 's/ $//'
}

# addr_token ADDRESS: the address's token in outbox keys (addrhash.h)
addr_token() {
	printf 'a%s' "$(printf '%s' "$1" | tr 'A-Z' 'a-z' | sha256sum | cut -c1-32)"
}
confirm_id() {	# confirm_id RCPT: the Message-ID of its confirmation (sql)
	sql "SELECT message_id FROM outbox WHERE kind = 'confirm' AND rcpt = '$1'"
}
answers_to() {	# answers_to ID: outbox rows caused by <ID@test.example>
	sql "SELECT count(*) FROM outbox o JOIN messages m ON m.id = o.message WHERE m.message_id = '$1@test.example'"
}

# spool_traces SPOOL ADDRESS: the lines of SPOOL's database (its dump, its file
# and its write-ahead log), of the spool's file names (its maildir
# aside) and of the file transport's copies of mail sent that hold the
# address (in any case, also quoted-printable: "=40" for "@", soft line
# breaks joined) or its token
spool_traces() {
	tr_db=$1/aanmeld.db
	{
		sqlite3 "$tr_db" .dump
		cat "$tr_db" "$tr_db-wal" 2>/dev/null
		find "$1" -path "$1/maildir" -prune -o -print
		# the file transport's copies of mail sent
		find "$1" -path "$1/outbox/*" -type f -exec cat {} + 2>/dev/null
	} | tr -d '\r' | sed -e ':a' -e '/=$/{N;s/=\n//;ba' -e '}' |
		LC_ALL=C grep -a -c -i -F -e "$2" -e "$(addr_token "$2")" \
			-e "$(printf '%s' "$2" | sed 's/@/=40/')"
}
