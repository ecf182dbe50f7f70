#!/bin/sh
# The Debian package, built from the dist tree in a folder of its own
# (dpkg-buildpackage -b, without make check): lintian finds no error or
# warning; dpkg -i makes the aanmeld user, /var/lib/aanmeld, the
# conffiles in /etc/aanmeld and the enabled unit, which systemd-analyze
# verify accepts; the installed aanmeld check and one pass of the unit's
# ExecStart= as the aanmeld user process a mail from the Maildir; dpkg
# --purge removes all of it.  Installs on this machine, so it needs root
# and leaves the machine as it found it: the package is purged on failure.
set -u
: "${builddir:?}"
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top=$(cd "$builddir/.." && pwd)
work=$(mktemp -d /tmp/aanmeld-deb.XXXXXX)
. "$srcdir/integration/lib/tap.sh"
. "$srcdir/integration/lib/common.sh"
. "$srcdir/integration/lib/unit.sh"
installed=
policy=
at_exit='test -n "$installed" && dpkg --purge aanmeld >/dev/null 2>&1
test -n "$policy" && rm -f "$policy"
chmod -R u+w "$work" 2>/dev/null'
trap cleanup EXIT
trap 'exit 1' HUP INT PIPE TERM

# a skip would pass unseen: fail, and say why
need() {
	ok 1 "$1"
	tap_done
	exit 1
}
[ "$(id -u)" = 0 ] || need "deb.sh installs a package: run it as root"
for c in dpkg-buildpackage dh lintian fakeroot runuser; do
	command -v "$c" >/dev/null 2>&1 ||
		need "$c is installed (contrib/deps.sh --test)"
done
# one package test at a time on this machine (another build's make check)
exec 9>/tmp/aanmeld-deb.lock
flock 9
if dpkg-query -W -f='${Status}' aanmeld 2>/dev/null | grep -q installed ||
	getent passwd aanmeld >/dev/null; then
	need "this machine has no aanmeld package or user yet"
fi
# the unit is enabled, not started: no service starts here
if [ ! -e /usr/sbin/policy-rc.d ]; then
	policy=/usr/sbin/policy-rc.d
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
fi

# the dist tree (what a release holds), writable also under distcheck
version=$(sed -n 's/^VERSION = //p' "$top/Makefile")
make -C "$top" distdir >"$work/distdir.log" 2>&1
ok $? "make distdir"
mv "$top/aanmeld-$version" "$work/" && chmod -R u+w "$work/aanmeld-$version"
started=$(date +%s)
(cd "$work/aanmeld-$version" &&
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u srcdir -u builddir \
		DEB_BUILD_OPTIONS="nocheck noddebs parallel=2" \
		dpkg-buildpackage -b -us -uc -j2) >"$work/build.log" 2>&1
rc=$?
[ $rc = 0 ] || tail -n 30 "$work/build.log" | sed 's/^/# /'
ok $rc "dpkg-buildpackage -b -us -uc ($(($(date +%s) - started)) s)"
deb=$work/aanmeld_${version}_$(dpkg --print-architecture).deb
check "it built $(basename "$deb")" test -f "$deb"

lintian "$deb" >"$work/lintian.out" 2>&1
grep -E '^[EW]: ' "$work/lintian.out" | sed 's/^/# /'
check "lintian: no error, no warning" sh -c "! grep -qE '^[EW]: ' '$work/lintian.out'"

if ! dpkg -i "$deb" >"$work/dpkg.log" 2>&1; then
	# only what it depends on was missing: apt-get brings it
	DEBIAN_FRONTEND=noninteractive apt-get install -f -y -q \
		--no-install-recommends >>"$work/dpkg.log" 2>&1
fi
installed=1
check "dpkg -i: installed" sh -c "dpkg-query -W -f='\${Status}' aanmeld | grep -qx 'install ok installed'"
check "the system user aanmeld" sh -c 'test "$(id -u aanmeld)" -lt 1000'
eq "its home is the state folder" /var/lib/aanmeld \
	"$(getent passwd aanmeld | cut -d: -f6)"
check "the group aanmeld" getent group aanmeld
eq "/var/lib/aanmeld belongs to aanmeld, not for others" "aanmeld aanmeld 750" \
	"$(stat -c '%U %G %a' /var/lib/aanmeld)"
conffiles=$(dpkg-query -W -f='${Conffiles}\n' aanmeld | awk '{print $1}')
for f in /etc/aanmeld/aanmeld.conf /etc/aanmeld/rules/subject.rules \
	/etc/aanmeld/rules/templates/confirm.txt; do
	check "conffile $f" sh -c "test -f $f && echo '$conffiles' | grep -qx $f"
done
check "the rules templates in /usr/share/aanmeld/rules" \
	test -f /usr/share/aanmeld/rules/templates/confirm.txt
check "the man page aanmeldd(8)" test -f /usr/share/man/man8/aanmeldd.8.gz
unit=/lib/systemd/system/aanmeldd.service
wants=/etc/systemd/system/multi-user.target.wants/aanmeldd.service
eq "the unit is enabled" "$unit" "$(readlink "$wants")"
eq "systemctl is-enabled aanmeldd" enabled "$(systemctl is-enabled aanmeldd 2>&1)"
unit_verify deb "$unit"
# the staff's pages: shipped, not enabled (they need a users file)
webunit=/lib/systemd/system/aanmeld-web.service
check "the web unit is shipped" test -f "$webunit"
eq "systemctl is-enabled aanmeld-web" disabled \
	"$(systemctl is-enabled aanmeld-web 2>&1)"
unit_verify deb-web "$webunit"

# the operator's edit of a conffile, and a mail in the default Maildir
sed -i 's/^trusted_authserv_id =/trusted_authserv_id = mx.vng.nl/' \
	/etc/aanmeld/aanmeld.conf
md=/var/lib/aanmeld/maildir
mkdir -p "$md/new" "$md/cur" "$md/tmp"
testmail i1 griffie@utrecht.nl 'Deelname praktijkproef GG & lokale inclusie' |
	into_maildir i1 "$md"
chown -R aanmeld:aanmeld "$md"
(cd / && runuser -u aanmeld -- aanmeld -c /etc/aanmeld/aanmeld.conf check) \
	>"$work/check.out" 2>&1
ok $? "the installed aanmeld check: $(tail -n 1 "$work/check.out")"
cmd=$(unit_once "$unit")
echo "# as aanmeld: $cmd"
# shellcheck disable=SC2086
(cd / && runuser -u aanmeld -- $cmd --now "2021-04-01 10:00") \
	>"$work/run.log" 2>&1
rc=$?
[ $rc = 0 ] || sed 's/^/# /' "$work/run.log"
ok $rc "the unit's ExecStart, one pass as aanmeld"
eq "enrolled" GM0344 \
	"$(sqlite3 /var/lib/aanmeld/aanmeld.db 'SELECT code FROM enrolments')"
eq "the database belongs to aanmeld" aanmeld \
	"$(stat -c %U /var/lib/aanmeld/aanmeld.db)"
check "the confirmation is in the outbox" \
	grep -rlq '^Subject: Bevestiging' /var/lib/aanmeld/outbox

# no -c and no AANMELD_CONF: the installed config, not the default
(cd / && runuser -u aanmeld -- env -u AANMELD_CONF aanmeld check) \
	>"$work/check-default.out" 2>&1
ok $? "aanmeld check without -c: $(tail -n 1 "$work/check-default.out")"
check "... reads /etc/aanmeld/aanmeld.conf" \
	grep -qx 'config: /etc/aanmeld/aanmeld.conf' "$work/check-default.out"
check "the README is shipped" sh -c "test -f /usr/share/doc/aanmeld/README.gz || test -f /usr/share/doc/aanmeld/README"

# a staff account as the README says: root's aanmeld user add gives the
# file to [main] user, which the package sets to aanmeld, so the web
# unit's user can read it
printf '%s\n' 'een-goed-wachtwoord' |
	aanmeld -c /etc/aanmeld/aanmeld.conf user add anna --stdin \
	>"$work/useradd.out" 2>&1
ok $? "aanmeld user add anna as root: $(tail -n 1 "$work/useradd.out")"
eq "the users file is aanmeld's, mode 600" "aanmeld 600" \
	"$(stat -c '%U %a' /etc/aanmeld/users 2>/dev/null)"

# the secrets the README has operators make, owned by the user
for f in imap.password smtp.password oauth2.secret; do
	(umask 077 && echo secret >"/etc/aanmeld/$f")
	chown aanmeld "/etc/aanmeld/$f"
done
dpkg --purge aanmeld >"$work/purge.log" 2>&1
ok $? "dpkg --purge aanmeld"
[ -s "$work/purge.log" ] && sed 's/^/# /' "$work/purge.log"
check "purge: no warning from deluser" \
	sh -c "! grep -qi 'crontab\\|warn' '$work/purge.log'"
installed=
check "the package is gone" sh -c "! dpkg-query -W -f='\${Status}' aanmeld 2>/dev/null | grep -q installed"
check "the user is gone" sh -c '! getent passwd aanmeld'
check "the group is gone" sh -c '! getent group aanmeld'
for f in /etc/aanmeld/imap.password /etc/aanmeld/smtp.password \
	/etc/aanmeld/oauth2.secret /etc/aanmeld/users /etc/aanmeld /var/lib/aanmeld "$unit" \
	"$wants" "$webunit"; do
	check "gone: $f" sh -c "test ! -e $f && test ! -L $f"
done
tap_done
