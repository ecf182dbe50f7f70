#!/bin/sh
# Installs the Debian 12 packages aanmeld needs to build, test and demo:
# `deps.sh` for building, `deps.sh --test` adds the servers the tests start
# (Dovecot, the SMTP and OAuth2 test servers) and `deps.sh --bench` the
# peers the benchmarks measure against.  Safe to run again: it installs
# only what is missing.
set -e
pkgs="build-essential autoconf automake pkg-config libetpan-dev
libcurl4-gnutls-dev libpcre2-dev libsqlite3-dev libinih-dev libical-dev
libgnutls28-dev libjson-c-dev libsystemd-dev libbsd-dev libcmocka-dev sqlite3 tzdata bsdextrautils perl"
for arg in "$@"; do
	case $arg in
	--test)
		pkgs="$pkgs valgrind clang libclang-rt-14-dev clang-format
dovecot-imapd python3 python3-aiosmtpd openssl curl ca-certificates
libsasl2-modules python3-icalendar man-db groff-base systemd
debhelper dpkg-dev fakeroot lintian adduser"
		;;
	--bench)
		pkgs="$pkgs dovecot-imapd python3 python3-aiosmtpd openssl curl
isync msmtp time"
		;;
	*)
		echo "usage: deps.sh [--test] [--bench]" >&2
		exit 2
		;;
	esac
done
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing:$missing"
# the tests start their own servers on 127.0.0.1: keep the packages'
# system services (dovecot on port 143) from starting at install
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
	$sudo chmod 755 "$policy"
	trap '$sudo rm -f "$policy"' EXIT
fi
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
