# A private Cyrus IMAP server on 127.0.0.1 for the tests, sourced after
# common.sh.  Cyrus conflicts as a Debian package with the installed
# Dovecot, so it runs from the unpacked .deb files that
# contrib/deps.sh --test keeps in $CYRUS_ROOT, with its own config, spool,
# sasldb, ports and certificate; as root its processes run as nobody.
# Debian's defaults: "." separator, personal namespace "INBOX.".
#
#   cyrus_start DIR   start it; sets CYRUS_PORT (IMAP, STARTTLS),
#                     CYRUS_IMAPS_PORT, CYRUS_PID, CYRUS_USER,
#                     CYRUS_PASSWORD, CYRUS_ADMIN, CYRUS_ADMIN_PASSWORD
#   cyrus_stop DIR    stop it by its PID and remove its files
#   cyrus_imap OP ARGS  the user's mailbox over IMAPS (CA_FILE set), as a
#                     mail client or the LDA would: append MAILBOX < mail,
#                     count MAILBOX, search MAILBOX MESSAGE-ID (how many),
#                     move FROM TO MESSAGE-ID (UID MOVE), uidvalidity
#                     MAILBOX, list; and as the admin: recreate (deletes
#                     the user's INBOX with all its folders, makes a new one)
CYRUS_ROOT=${CYRUS_ROOT:-/var/cache/aanmeld-test/cyrus}
CYRUS_USER=globalgoals
CYRUS_PASSWORD=test-password
CYRUS_ADMIN=cyrus
CYRUS_ADMIN_PASSWORD=admin-password

cyrus_start() {
	cy_dir=$1
	cy_bin=$CYRUS_ROOT/usr/lib/cyrus/bin
	if [ ! -x "$cy_bin/master" ]; then
		echo "cyrus.sh: no Cyrus in $CYRUS_ROOT: run contrib/deps.sh --test" >&2
		return 1
	fi
	# short socket paths, reachable by the run user whatever DIR's mode
	cy_run=$(mktemp -d /tmp/aanmeld-cyrus.XXXXXX) || return 1
	chmod 755 "$cy_run"
	echo "$cy_run" >"$cy_dir/cyrus.run"
	cy_user=$(id -un)
	[ "$(id -u)" != 0 ] || cy_user=nobody
	set -- $(/usr/bin/python3 -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')
	CYRUS_PORT=$1
	CYRUS_IMAPS_PORT=$2
	mkdir -p "$cy_run/conf" "$cy_run/spool" "$cy_run/proc" \
		"$cy_run/lock" "$cy_run/socket"
	cp "$PKI_DIR/server.pem" "$PKI_DIR/server.key" "$cy_run/"
	for u in "$CYRUS_USER:$CYRUS_PASSWORD" \
		"$CYRUS_ADMIN:$CYRUS_ADMIN_PASSWORD"; do
		printf '%s' "${u#*:}" | saslpasswd2 -f "$cy_run/sasldb2" -p -c \
			-u localhost "${u%%:*}" || return 1
	done
	cat >"$cy_run/imapd.conf" <<EOF
configdirectory: $cy_run/conf
partition-default: $cy_run/spool
defaultpartition: default
proc_path: $cy_run/proc
mboxname_lockpath: $cy_run/lock
lmtpsocket: $cy_run/socket/lmtp
idlesocket: $cy_run/socket/idle
notifysocket: $cy_run/socket/notify
servername: localhost
cyrus_user: $cy_user
admins: $CYRUS_ADMIN
altnamespace: no
unixhierarchysep: no
autocreate_quota: 0
delete_mode: immediate
expunge_mode: immediate
allowplaintext: yes
sasl_pwcheck_method: auxprop
sasl_auxprop_plugin: sasldb
sasl_sasldb_path: $cy_run/sasldb2
sasl_mech_list: PLAIN LOGIN
tls_server_cert: $cy_run/server.pem
tls_server_key: $cy_run/server.key
imapidlepoll: 1
syslog_prefix: aanmeld-cyrus
EOF
	cat >"$cy_run/cyrus.conf" <<EOF
START {
  recover cmd="$cy_bin/ctl_cyrusdb -r -C $cy_run/imapd.conf"
}
SERVICES {
  imap cmd="$cy_bin/imapd -C $cy_run/imapd.conf" listen="127.0.0.1:$CYRUS_PORT" prefork=0
  imaps cmd="$cy_bin/imapd -s -C $cy_run/imapd.conf" listen="127.0.0.1:$CYRUS_IMAPS_PORT" prefork=0
}
EVENTS {
}
EOF
	[ "$(id -u)" != 0 ] || chown -R nobody "$cy_run"
	LD_LIBRARY_PATH=$CYRUS_ROOT/usr/lib/x86_64-linux-gnu \
		"$cy_bin/master" -C "$cy_run/imapd.conf" -M "$cy_run/cyrus.conf" \
		-p "$cy_run/master.pid" -L "$cy_dir/cyrus.log" -d
	greeting "$CYRUS_IMAPS_PORT" tls "* OK" "$cy_dir/cyrus.log" || return 1
	CYRUS_PID=$(cat "$cy_run/master.pid")
}

cyrus_stop() {
	[ -f "$1/cyrus.run" ] || return 0
	cy_run=$(cat "$1/cyrus.run")
	cy_pid=$(cat "$cy_run/master.pid" 2>/dev/null)
	stop_server_pid "$cy_pid"
	rm -rf "$cy_run" "$1/cyrus.run"
}

cyrus_imap() {
	/usr/bin/python3 -c "$cyrus_imap_py" "$CYRUS_IMAPS_PORT" "$CA_FILE" \
		"$CYRUS_USER" "$CYRUS_PASSWORD" "$CYRUS_ADMIN" \
		"$CYRUS_ADMIN_PASSWORD" "$@"
}
cyrus_imap_py='
import imaplib, ssl, sys
port, ca, user, pw, admin, admin_pw, op = sys.argv[1:8]
a = sys.argv[8:]
ctx = ssl.create_default_context(cafile=ca)
m = imaplib.IMAP4_SSL("localhost", int(port), ssl_context=ctx)
def q(name):
    return chr(34) + name + chr(34)
def ok(r):
    if r[0] != "OK":
        sys.exit("%s: %s" % (op, r[1]))
    return r[1]
def uids(box, mid):
    ok(m.select(q(box)))
    return ok(m.uid("SEARCH", None, "HEADER", "Message-ID", mid))[0].split()
if op == "recreate":
    m.login(admin, admin_pw)
    ok(m.setacl("user." + user, admin, "lrswipkxtecda"))
    ok(m.delete("user." + user))
    ok(m.create("user." + user))
    m.logout()
    sys.exit(0)
m.login(user, pw)
if op == "append":
    ok(m.append(q(a[0]), None, None, sys.stdin.buffer.read()))
elif op == "count":
    print(int(ok(m.select(q(a[0]), readonly=True))[0]))
elif op == "search":
    print(len(uids(a[0], a[1])))
elif op == "move":
    u = uids(a[0], a[2])
    if len(u) != 1:
        sys.exit("found %d messages <%s> in %s" % (len(u), a[2], a[0]))
    ok(m.uid("MOVE", u[0].decode(), q(a[1])))
elif op == "uidvalidity":
    print(ok(m.status(q(a[0]), "(UIDVALIDITY)"))[0].split()[-1].strip(b")").decode())
elif op == "list":
    for line in ok(m.list()):
        print(line.decode().rsplit(" ", 1)[-1].strip(chr(34)))
else:
    sys.exit("cyrus_imap: unknown operation " + op)
m.logout()
'
