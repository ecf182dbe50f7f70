#!/bin/sh
# Root and the service user: aanmeldd started as root without [main] user
# refuses (and touches nothing) unless --allow-root; with a user it drops
# to it before the database or any mail is opened, refuses a spool that
# is not the user's, a config others may write, root or an unknown user;
# the running daemon's ids (/proc/PID/status) are the user's and what it
# writes belongs to the user.  Needs root: a skip otherwise.
set -u
: "${AANMELD:?}" "${AANMELDD:?}"
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$srcdir/integration/lib/tap.sh"
. "$srcdir/integration/lib/common.sh"

if [ "$(id -u)" != 0 ]; then
	echo "ok 1 # SKIP not root: the privilege checks need root"
	echo "1..1"
	exit 0
fi

work=$(mktemp -d /tmp/aanmeld-priv.XXXXXX)
daemon=
made_user=
user=aanmeld-test
# cleanup ends $daemon; then wait for it and remove the user made here
at_exit='test -n "$daemon" && wait "$daemon" 2>/dev/null
test -n "$made_user" && userdel "$user" 2>/dev/null'
trap cleanup EXIT
# the user must reach its spool in here
chmod 755 "$work"

if ! getent passwd "$user" >/dev/null; then
	if useradd --system --no-create-home --shell /usr/sbin/nologin \
		"$user" 2>"$work/useradd.err"; then
		made_user=1
	else
		user=nobody
	fi
fi
uid=$(id -u "$user")
gid=$(id -g "$user")

S='Deelname praktijkproef GG & lokale inclusie'
spool=$work/spool
mkdir -p "$spool/maildir/new" "$spool/maildir/cur" "$spool/maildir/tmp"
testmail priv-1 utrecht@utrecht.nl "$S" >"$spool/maildir/new/1001.a.host"

# every config's spool is $work/spool, written relative to the config
conf_spool=spool
auth='[classify]
trusted_authserv_id = mx.vng.nl'

conf root "$auth"
"$AANMELDD" -c "$work/root.conf" --once --now "2021-04-01 10:00" \
	>"$work/refuse.log" 2>&1
eq "as root without user: exit 1" 1 $?
check "as root without user: it says why and what to do" \
	grep -q 'refusing to run as root: set \[main\] user' "$work/refuse.log"
check "as root without user: no database made" test ! -e "$spool/aanmeld.db"
check "as root without user: the mail stays in the inbox" \
	test -e "$spool/maildir/new/1001.a.host"
"$AANMELDD" -c "$work/root.conf" --dry-run --now "2021-04-01 10:00" \
	>"$work/refuse-dry.log" 2>&1
eq "a dry run as root without user: exit 1, it reads no mail" 1 $?
check "a dry run printed no verdict" \
	sh -c "! grep -q 'enrol' '$work/refuse-dry.log'"

# a user that does not exist, and root itself
conf nouser "user = no-such-user-aanmeld" "$auth"
"$AANMELDD" -c "$work/nouser.conf" --once >"$work/nouser.log" 2>&1
eq "an unknown user: exit 1" 1 $?
check "an unknown user: named" grep -q "no user 'no-such-user-aanmeld'" "$work/nouser.log"
conf rootuser "user = root" "$auth"
"$AANMELDD" -c "$work/rootuser.conf" --once >"$work/rootuser.log" 2>&1
eq "user = root: exit 1" 1 $?
check "user = root: refused" grep -q "'root' is root" "$work/rootuser.log"

# the spool is root's: refused before anything is opened
conf user "user = $user" "$auth"
"$AANMELDD" -c "$work/user.conf" --once --now "2021-04-01 10:00" \
	>"$work/owner.log" 2>&1
eq "a spool of root's with user set: exit 1" 1 $?
check "a spool of root's: it says whose it must be" \
	grep -q "owned by uid 0, not by $user (uid $uid): run chown -R $user" \
	"$work/owner.log"
check "a spool of root's: no database made" test ! -e "$spool/aanmeld.db"

# a config others may write is refused
chown -R "$user" "$spool"
chmod 666 "$work/user.conf"
"$AANMELDD" -c "$work/user.conf" --once >"$work/confmode.log" 2>&1
eq "a config others may write: exit 1" 1 $?
check "a config others may write: refused with its mode" \
	grep -q 'writable by group or others (mode 666)' "$work/confmode.log"
check "a config others may write: no database made" test ! -e "$spool/aanmeld.db"
chmod 644 "$work/user.conf"

# the daemon drops to the user and stays there
"$AANMELDD" -c "$work/user.conf" -f --now "2021-04-01 10:00" \
	>"$work/daemon.log" 2>&1 &
daemon=$!
i=0
while [ "$i" -lt 600 ]; do
	# no sqlite3 here: as root it would make files the daemon refuses
	ls "$spool/maildir/.Verwerkt/cur" 2>/dev/null | grep -q host && break
	kill -0 "$daemon" 2>/dev/null || break
	sleep 0.1
	i=$((i + 1))
done
check "the daemon processed the mail" \
	sh -c "ls '$spool/maildir/.Verwerkt/cur' | grep -q host"
eq "the daemon's uids (real, effective, saved, fs) are the user's" \
	"$uid $uid $uid $uid" \
	"$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$daemon/status")"
eq "the daemon's gids are the user's" "$gid $gid $gid $gid" \
	"$(awk '/^Gid:/ { print $2, $3, $4, $5 }' "/proc/$daemon/status")"
eq "the daemon's groups are the user's (initgroups), not root's" \
	"$(id -G "$user" | tr ' ' '\n' | sort -n | tr '\n' ' ')" \
	"$(awk '/^Groups:/ { for (i = 2; i <= NF; i++) print $i }' "/proc/$daemon/status" | sort -n | tr '\n' ' ')"
check "the daemon logs whom it runs as" grep -q "running as $user" "$work/daemon.log"
eq "the database belongs to the user" "$user" "$(stat -c %U "$spool/aanmeld.db")"
eq "the raw copy belongs to the user" "$user" \
	"$(stat -c %U "$spool"/mail/*.eml)"
eq "the mail written belongs to the user" "$user" \
	"$(stat -c %U "$spool"/outbox/*.eml | sort -u)"
kill "$daemon"
wait "$daemon"
eq "the daemon stops on SIGTERM with 0" 0 $?
daemon=
eq "the daemon recorded the mail" 1 \
	"$(sqlite3 "$spool/aanmeld.db" 'SELECT count(*) FROM messages')"

# the command line as root works as the user too
testmail priv-2 griffie@zwolle.nl "$S" >"$spool/maildir/new/1002.b.host"
"$AANMELD" -c "$work/user.conf" --now "2021-04-01 10:00" run --once \
	>"$work/cli.log" 2>&1
ok $? "aanmeld run --once as root with user set works"
eq "what aanmeld wrote as root belongs to the user" "$user" \
	"$(stat -c %U "$spool"/mail/*.eml | sort -u)"
check "aanmeld as root without user still reads (no refusal)" \
	"$AANMELD" -c "$work/root.conf" list

# a database left behind by root is refused
touch "$spool/aanmeld.db-wal"
chown root "$spool/aanmeld.db-wal"
"$AANMELDD" -c "$work/user.conf" --once >"$work/wal.log" 2>&1
eq "a write-ahead log of root's: exit 1" 1 $?
check "a write-ahead log of root's: named" \
	grep -q "aanmeld.db-wal: owned by uid 0" "$work/wal.log"
rm -f "$spool/aanmeld.db-wal"

# a spool folder that does not exist yet is made for the user
sed 's|^spool = spool$|spool = fresh|' "$work/user.conf" >"$work/fresh.conf"
mkdir -p "$work/fresh-mail"
"$AANMELDD" -c "$work/fresh.conf" --once --now "2021-04-01 10:00" \
	>"$work/fresh.log" 2>&1
ok $? "a missing spool: made, and the run exits 0"
eq "a missing spool: made for the user, mode 750" "$user 750" \
	"$(stat -c '%U %a' "$work/fresh")"

# --allow-root: the operator's explicit choice
rm -rf "$work/spool2"
mkdir -p "$work/spool2/maildir/new" "$work/spool2/maildir/cur" "$work/spool2/maildir/tmp"
sed 's|^spool = spool$|spool = spool2|' "$work/root.conf" >"$work/root2.conf"
"$AANMELDD" --allow-root -c "$work/root2.conf" --once \
	--now "2021-04-01 10:00" >"$work/allow.log" 2>&1
ok $? "--allow-root: runs as root"
check "--allow-root: says so in the log" grep -q 'running as root (--allow-root)' "$work/allow.log"
eq "--allow-root: the database is root's" root "$(stat -c %U "$work/spool2/aanmeld.db")"

# aanmeld user add as root, in root's config folder: the users file is
# written there and given to [main] user, who runs aanmeld-web
printf '%s\n' 'een-goed-wachtwoord' |
	"$AANMELD" -c "$work/user.conf" user add anna --stdin \
	>"$work/useradd.log" 2>&1
ok $? "user add as root with [main] user: exit 0"
eq "user add as root: the users file is the user's, mode 600" "$user 600" \
	"$(stat -c '%U %a' "$work/users" 2>/dev/null)"
# without [main] user the file stays root's: it says so, and what to do
{ cat "$work/root.conf"; printf '[web]\nusers = root-users\n'; } >"$work/rootweb.conf"
printf '%s\n' 'een-goed-wachtwoord' |
	"$AANMELD" -c "$work/rootweb.conf" user add bert --stdin \
	>"$work/useradd-root.log" 2>&1
check "user add as root without [main] user: says to set it" \
	grep -q 'no \[main\] user.*set \[main\] user = aanmeld' \
	"$work/useradd-root.log"

# aanmeld-web started as root drops to the user, who reads that file; a
# users file others may read is named at the start, not only as a
# wrong password at the first login
web=${AANMELD_WEB:-$(dirname "$AANMELD")/aanmeld-web}
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
{ cat "$work/user.conf"; printf '[web]\nport = %s\n' "$port"; } >"$work/web.conf"
timeout 2 "$web" -d -c "$work/web.conf" >"$work/web-ok.log" 2>&1
check "aanmeld-web as root, users file of the user: no warning" \
	sh -c "! grep -q 'users' '$work/web-ok.log'"
check "aanmeld-web as root: it listens" grep -q '^listening on 127.0.0.1' "$work/web-ok.log"
chmod 640 "$work/users"
timeout 2 "$web" -d -c "$work/web.conf" >"$work/web-mode.log" 2>&1
check "a users file others may read: named at the start, with chmod 600" \
	grep -q 'users: .*mode 640; chmod 600.*nobody can log in' "$work/web-mode.log"
chmod 600 "$work/users"

# started as the user itself (as systemd does with User=): no drop needed
if command -v setpriv >/dev/null; then
	setpriv --reuid "$uid" --regid "$gid" --init-groups \
		"$AANMELDD" -c "$work/user.conf" --once \
		--now "2021-04-01 10:00" >"$work/asuser.log" 2>&1
	ok $? "started as the user: runs"
	check "started as the user: no drop, no refusal" \
		sh -c "! grep -q 'running as\|refusing' '$work/asuser.log'"
fi
tap_done
