#!/bin/sh
# make install into a DESTDIR: every file in its place, the unit it wrote
# passes systemd-analyze verify, the installed aanmeldd started with that
# unit's own ExecStart= line does a pass against a real Dovecot and SMTP
# server on the installed rules, a second install keeps an operator's
# changed rules, and make uninstall takes away what install put there
# (and nothing changed).
set -u
: "${builddir:?}"
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top=$(cd "$builddir/.." && pwd)
work=$(mktemp -d /tmp/aanmeld-install.XXXXXX)
trap cleanup EXIT
. "$srcdir/integration/lib/tap.sh"
. "$srcdir/integration/lib/common.sh"
. "$srcdir/integration/lib/servers.sh"
. "$srcdir/integration/lib/unit.sh"
root=$work/root
# the install folders as configured; each names others, so resolve thrice
dirs=$(sed -n 's/^\(prefix\|exec_prefix\|bindir\|sbindir\|sysconfdir\|localstatedir\|datarootdir\|mandir\|systemdsystemunitdir\) = \(.*\)$/\1="\2"/p' \
	"$top/Makefile" | sed 's/\$(\([a-z_]*\))/${\1}/g')
prefix= exec_prefix= bindir= sbindir= sysconfdir= localstatedir= datarootdir=
mandir=
systemdsystemunitdir=
eval "$dirs"
eval "$dirs"
eval "$dirs"

make -C "$top" install DESTDIR="$root" >"$work/install.log" 2>&1
ok $? "make install DESTDIR=..."
for f in "$exec_prefix/sbin/aanmeldd" "$exec_prefix/bin/aanmeld" \
	"$exec_prefix/bin/aanmeld-web"; do
	check "installed: $f" test -x "$root$f"
done
for f in "$datarootdir/aanmeld/rules/gemeenten.tsv" \
	"$datarootdir/aanmeld/rules/templates/invitation.txt" \
	"$datarootdir/aanmeld/aanmeld.conf.example" \
	"$sysconfdir/aanmeld/aanmeld.conf" \
	"$sysconfdir/aanmeld/rules/subject.rules" \
	"$sysconfdir/aanmeld/rules/templates/confirm.txt" \
	"$sysconfdir/aanmeld/rules/templates/staff-summary.txt" \
	"$systemdsystemunitdir/aanmeldd.service" \
	"$systemdsystemunitdir/aanmeld-web.service" \
	"$mandir/man8/aanmeldd.8" "$mandir/man1/aanmeld.1" \
	"$mandir/man1/aanmeld-web.1" "$mandir/man5/aanmeld.conf.5"; do
	check "installed: $f" test -f "$root$f"
done
check "the spool folder, not for others" sh -c "test \"\$(stat -c %a '$root$localstatedir/lib/aanmeld')\" = 750"
check "the live config names the live rules" grep -qx "rules = $sysconfdir/aanmeld/rules" "$root$sysconfdir/aanmeld/aanmeld.conf"

# The unit as make install wrote it, in a root of its own: systemd-analyze
# --root looks for ExecStart='s program there, and for what every unit
# names: kill (ExecReload=) and the targets, copied from this machine.
sys=$work/sysroot
make -C "$top" install DESTDIR="$sys" >"$work/install-sys.log" 2>&1
ok $? "make install DESTDIR=... (for the unit)"
unit=$systemdsystemunitdir/aanmeldd.service
mkdir -p "$sys/bin" "$sys/etc/systemd/system"
cp /bin/kill "$sys/bin/kill"
for t in sysinit basic shutdown network-online multi-user; do
	cp "/lib/systemd/system/$t.target" "$sys/etc/systemd/system/"
done
# --root finds a unit only in systemd's own folders: add the unit folder
# of this prefix (the trailing colon keeps the others)
SYSTEMD_UNIT_PATH=$systemdsystemunitdir:
export SYSTEMD_UNIT_PATH
unit_verify unit "$unit" --man=no --root="$sys"
eq "the unit runs the installed daemon" \
	"$sbindir/aanmeldd -f -c $sysconfdir/aanmeld/aanmeld.conf" \
	"$(unit_exec "$sys$unit")"
unit_verify web "$systemdsystemunitdir/aanmeld-web.service" --man=no \
	--root="$sys"
eq "the web unit runs the installed aanmeld-web" \
	"$bindir/aanmeld-web -d -c $sysconfdir/aanmeld/aanmeld.conf" \
	"$(unit_exec "$sys$systemdsystemunitdir/aanmeld-web.service")"
# the check can fail: the unit of the old bug, and a misspelt key
sed 's|^ExecStart=[^ ]*/aanmeldd |ExecStart=@sbindir@/aanmeldd |' \
	"$sys$unit" >"$sys$systemdsystemunitdir/old.service"
systemd-analyze verify --man=no --root="$sys" \
	"$systemdsystemunitdir/old.service" >"$work/old.out" 2>&1
check "ExecStart=@sbindir@/aanmeldd is a fatal error" grep -q "fatal error" \
	"$work/old.out"
sed 's/^ProtectSystem=/ProtectSytem=/' "$sys$unit" \
	>"$sys$systemdsystemunitdir/bad.service"
systemd-analyze verify --man=no --root="$sys" \
	"$systemdsystemunitdir/bad.service" >"$work/bad.out" 2>&1
check "a misspelt key makes verify speak" grep -q "ProtectSytem" "$work/bad.out"
unset SYSTEMD_UNIT_PATH

# The installed aanmeldd, started as the unit starts it (the DESTDIR
# before each path), one pass on the installed configuration: the
# operator's edit adds the test servers after what install wrote.
servers_setup
live=$sys$sysconfdir/aanmeld/aanmeld.conf
{
	sed -e "s|^rules = /|rules = $sys/|" -e "s|^spool = /|spool = $sys/|" \
		"$live"
	sed -n '/^\[mailbox\]/,$p' "$work/aanmeld.conf"
} >"$work/live.conf"
mv "$work/live.conf" "$live"
spool=$sys$localstatedir/lib/aanmeld
cmd=$(unit_once "$sys$unit" "$sys")
echo "# ExecStart, in the DESTDIR: $cmd"
"$sys$bindir/aanmeld" -c "$live" check >"$work/check.out" 2>&1
ok $? "installed aanmeld check: $(tail -n 1 "$work/check.out")"
deliver_mail i1 griffie@utrecht.nl 'Deelname praktijkproef GG & lokale inclusie'
$cmd $allow_root --now "2021-04-01 10:00" >"$work/run.log" 2>&1
ok $? "the unit's ExecStart, one pass over IMAP and SMTP"
eq "enrolled from the installed rules" GM0344 \
	"$(sqlite3 "$spool/aanmeld.db" 'SELECT code FROM enrolments')"
eq "the mail left the INBOX" 0 "$(count INBOX)"
check "the confirmation reached the SMTP server" sh -c "grep -l '^Subject: Bevestiging' '$work'/sink/*.eml"
"$sys$bindir/aanmeld" -c "$live" list >"$work/list.out" 2>&1
check "installed aanmeld list names Utrecht" grep -q Utrecht "$work/list.out"

# an operator's change survives a new install and an uninstall
printf '# changed here\n' >>"$root$sysconfdir/aanmeld/rules/subject.rules"
make -C "$top" install DESTDIR="$root" >"$work/install2.log" 2>&1
ok $? "a second make install"
check "the changed rules are kept" grep -q '^# changed here' "$root$sysconfdir/aanmeld/rules/subject.rules"
make -C "$top" uninstall DESTDIR="$root" >"$work/uninstall.log" 2>&1
ok $? "make uninstall"
left=$(cd "$root" && find . -type f | sort | tr '\n' ' ')
eq "uninstall leaves only the changed file" "./${sysconfdir#/}/aanmeld/rules/subject.rules " "$left"

tap_done
