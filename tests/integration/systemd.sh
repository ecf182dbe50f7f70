#!/bin/sh
# contrib/aanmeldd.service.in, as make install writes it for --prefix=/usr
# --sysconfdir=/etc: systemd-analyze verify has nothing to say about
# it, the settings the daemon relies on are there, and the sandbox's
# exposure (systemd-analyze security) stays low.  Needs the package
# systemd, not systemd running: both commands read the unit file offline.
set -u
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$srcdir/integration/lib/tap.sh"
if ! command -v systemd-analyze >/dev/null 2>&1; then
	# a skip would pass unseen: contrib/deps.sh --test installs it
	ok 1 "systemd-analyze is installed (package systemd)"
	tap_done
	exit 1
fi
work=$(mktemp -d /tmp/aanmeld-systemd.XXXXXX)
trap 'rm -rf "$work"' EXIT
unit=$work/aanmeldd.service.in
sed -e 's|@sbindir@|/usr/sbin|g' -e 's|@sysconfdir@|/etc|g' \
	"$srcdir/../contrib/aanmeldd.service.in" >"$unit"
trap 'exit 1' HUP INT PIPE TERM

# verify wants ExecStart's program to exist: the built daemon, else any
# program.  Under --enable-valgrind $AANMELDD is a wrapper script ending
# in `exec valgrind ... PROGRAM "$@"` (tests/Makefile.am): use PROGRAM.
prog=${AANMELDD:-}
if [ -n "$prog" ] && [ "$(head -c 2 "$prog" 2>/dev/null)" = "#!" ]; then
	prog=$(sed -n 's/^exec .* \([^ ]*\) "\$@"$/\1/p' "$prog")
fi
if [ -z "$prog" ] || [ ! -x "$prog" ]; then
	prog=${builddir:+$builddir/../src/aanmeldd}
fi
if [ -z "$prog" ] || [ ! -x "$prog" ]; then
	prog=/bin/true
fi
echo "# ExecStart program: $prog"
mkdir "$work/unit" "$work/bad"
esc=$(printf '%s\n' "$prog" | sed 's/[&|\\]/\\&/g')
sed "s|^ExecStart=/usr/sbin/aanmeldd |ExecStart=$esc |" "$unit" \
	>"$work/unit/aanmeldd.service"
check "the copy runs $prog" grep -qF "ExecStart=$prog -f " \
	"$work/unit/aanmeldd.service"

# verify exits 0 even for an unknown key: what it prints is the verdict.
# --man=no: the man pages named in Documentation= are not installed while
# the tests run.  Debian 12's systemd 252 printed nothing else here,
# neither as root nor as nobody, in a container without systemd as PID 1,
# so no line is filtered out.
systemd-analyze verify --man=no "$work/unit/aanmeldd.service" \
	>"$work/verify.out" 2>&1
rc=$?
sed 's/^/# /' "$work/verify.out"
ok $rc "systemd-analyze verify exits 0"
check "systemd-analyze verify prints nothing" test ! -s "$work/verify.out"

# the check above can fail: a misspelt key is reported
sed 's/^ProtectSystem=/ProtectSytem=/' "$work/unit/aanmeldd.service" \
	>"$work/bad/aanmeldd.service"
systemd-analyze verify --man=no "$work/bad/aanmeldd.service" \
	>"$work/bad.out" 2>&1
check "a misspelt key makes verify speak" grep -q "ProtectSytem" \
	"$work/bad.out"

# what the daemon and the install count on
for line in 'Type=notify' \
	'ExecStart=/usr/sbin/aanmeldd -f -c /etc/aanmeld/aanmeld.conf' \
	'ExecReload=/bin/kill -HUP $MAINPID' 'User=aanmeld' \
	'StateDirectory=aanmeld' 'ConfigurationDirectory=aanmeld' \
	'WatchdogSec=5min' 'Restart=on-failure' 'NoNewPrivileges=yes' \
	'ProtectSystem=strict' 'CapabilityBoundingSet=' \
	'SystemCallFilter=@system-service' 'WantedBy=multi-user.target'; do
	check "unit: $line" grep -qxF "$line" "$unit"
done

# --offline came with systemd 250
if systemd-analyze --help | grep -q -- --offline; then
	systemd-analyze security --offline=yes \
		"$work/unit/aanmeldd.service" >"$work/security.out" 2>&1
	ok $? "systemd-analyze security --offline=yes"
	# "→ Overall exposure level for aanmeldd.service: 1.2 OK 🙂"
	echo "# $(sed -n 's/^.*\(Overall exposure level[^:]*: [0-9.]* [A-Z]*\).*$/\1/p' \
		"$work/security.out")"
	# its scale is 0-100 here: an exposure of at most 2.0 (of 10)
	check "exposure at most 2.0" systemd-analyze security --offline=yes \
		--threshold=20 "$work/unit/aanmeldd.service"
else
	n=$((n + 1))
	echo "ok $n # SKIP systemd-analyze security has no --offline"
fi
tap_done
