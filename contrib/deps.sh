#!/bin/sh
# Installs the Debian 12 packages aanmeld needs to build, test and demo:
# `deps.sh` for building, `deps.sh --test` adds the servers the tests start
# (Dovecot, the SMTP and OAuth2 test servers, headless Chromium for the
# browser test) and `deps.sh --bench` the
# peers the benchmarks measure against.  Safe to run again: it installs
# only what is missing.
set -e
cyrus=no
pkgs="build-essential autoconf automake pkg-config libetpan-dev
libcurl4-gnutls-dev libpcre2-dev libsqlite3-dev libinih-dev libical-dev
libgnutls28-dev libjson-c-dev libsystemd-dev libbsd-dev libcmocka-dev
libmicrohttpd-dev libcrypt-dev sqlite3 tzdata bsdextrautils perl"
for arg in "$@"; do
	case $arg in
	--test)
		pkgs="$pkgs valgrind clang libclang-rt-14-dev clang-format
dovecot-imapd python3 python3-aiosmtpd openssl curl ca-certificates
libsasl2-modules python3-icalendar man-db groff-base systemd
debhelper dpkg-dev fakeroot lintian adduser
chromium chromium-driver python3-selenium"
		pkgs="$pkgs postfix sasl2-bin libsasl2-modules-db"
		cyrus=yes
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
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if [ -n "$missing" ]; then
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
	# postfix: no system-wide instance; the tests start their own
	echo "postfix postfix/main_mailer_type select No configuration" |
		$sudo debconf-set-selections
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
fi

# Cyrus IMAP conflicts with dovecot-imapd as a package: the tests run it
# from its .deb files and those of its libraries that are not installed,
# unpacked into $cyrus_root (tests/servers/cyrus.sh)
cyrus_root=/var/cache/aanmeld-test/cyrus
[ "$cyrus" = yes ] && [ ! -f "$cyrus_root/.done" ] || exit 0
debs="cyrus-common cyrus-imapd $(apt-cache depends cyrus-common cyrus-imapd |
	sed -n 's/^ *|*Depends: \(lib[^ <>]*\)$/\1/p' | sort -u |
	while read -r p; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q "ok installed" || echo "$p"
	done)"
echo "unpacking into $cyrus_root:" $debs
$sudo rm -rf "$cyrus_root" "$cyrus_root.debs"
$sudo mkdir -p "$cyrus_root" "$cyrus_root.debs"
# shellcheck disable=SC2086
(cd "$cyrus_root.debs" && { $sudo apt-get download -q $debs ||
	{ $sudo apt-get update -q && $sudo apt-get download -q $debs; }; })
for f in "$cyrus_root.debs"/*.deb; do
	$sudo dpkg-deb -x "$f" "$cyrus_root"
done
$sudo rm -rf "$cyrus_root.debs"
for b in master imapd ctl_cyrusdb; do
	if LD_LIBRARY_PATH=$cyrus_root/usr/lib/x86_64-linux-gnu \
		ldd "$cyrus_root/usr/lib/cyrus/bin/$b" | grep "not found"; then
		echo "deps.sh: Cyrus $b misses a library" >&2
		exit 1
	fi
done
$sudo touch "$cyrus_root/.done"
