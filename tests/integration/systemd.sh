#!/bin/sh
# The unit the build wrote from contrib/aanmeldd.service.in, the file make
# install copies: every placeholder filled in, the settings the daemon
# relies on are there, and the sandbox's exposure (systemd-analyze
# security) stays low.  Needs the package systemd, not systemd running:
# the command reads the unit file offline.  install.sh runs
# systemd-analyze verify on the installed copy and starts its ExecStart=.
set -u
: "${builddir:?}"
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
trap 'exit 1' HUP INT PIPE TERM
unit=$builddir/../aanmeldd.service
check "make wrote the unit" test -s "$unit"
check "no placeholder is left" sh -c "! grep -n '@[a-z_]*@' '$unit'"
check "ExecStart= runs the daemon in the foreground on the live config" \
	grep -qx 'ExecStart=/[^ ]*/sbin/aanmeldd -f -c /[^ ]*/aanmeld/aanmeld\.conf' \
	"$unit"

# what the daemon and the install count on
for line in 'Type=notify' \
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
		"$unit" >"$work/security.out" 2>&1
	ok $? "systemd-analyze security --offline=yes"
	# "→ Overall exposure level for aanmeldd.service: 1.2 OK 🙂"
	echo "# $(sed -n 's/^.*\(Overall exposure level[^:]*: [0-9.]* [A-Z]*\).*$/\1/p' \
		"$work/security.out")"
	# its scale is 0-100 here: an exposure of at most 2.0 (of 10)
	check "exposure at most 2.0" systemd-analyze security --offline=yes \
		--threshold=20 "$unit"
else
	n=$((n + 1))
	echo "ok $n # SKIP systemd-analyze security has no --offline"
fi

# aanmeld-web's unit: the same sandbox, every line of it, and a place to
# write only where the decisions go
web=$builddir/../aanmeld-web.service
check "make wrote the web unit" test -s "$web"
check "web unit: no placeholder is left" sh -c "! grep -n '@[a-z_]*@' '$web'"
check "web unit: ExecStart= runs aanmeld-web on the live config" \
	grep -qx 'ExecStart=/[^ ]*/bin/aanmeld-web -d -c /[^ ]*/aanmeld/aanmeld\.conf' \
	"$web"
sed -n '/^NoNewPrivileges=/,/^SystemCallArchitectures=/p' "$unit" \
	>"$work/sandbox"
check "the daemon's sandbox has its lines" test "$(wc -l <"$work/sandbox")" -gt 20
while IFS= read -r line; do
	case $line in '#'* | '') continue ;; esac
	check "web unit: $line" grep -qxF "$line" "$web"
done <"$work/sandbox"
for line in 'User=aanmeld' 'ReadWritePaths=/var/lib/aanmeld' \
	'StateDirectory=aanmeld' 'ConfigurationDirectory=aanmeld' \
	'UMask=0077' 'WantedBy=multi-user.target'; do
	check "web unit: $line" grep -qxF "$line" "$web"
done
if systemd-analyze --help | grep -q -- --offline; then
	systemd-analyze security --offline=yes "$web" >"$work/web.out" 2>&1
	ok $? "systemd-analyze security --offline=yes (web)"
	echo "# $(sed -n 's/^.*\(Overall exposure level[^:]*: [0-9.]* [A-Z]*\).*$/\1/p' \
		"$work/web.out")"
	check "web exposure at most 2.0" systemd-analyze security \
		--offline=yes --threshold=20 "$web"
else
	n=$((n + 1))
	echo "ok $n # SKIP systemd-analyze security has no --offline"
fi
tap_done
