#!/bin/sh
# Installs the Debian 12 packages aanmeld needs to build, test and demo.
# Safe to run again: it installs only what is missing.
set -e
pkgs="build-essential autoconf automake pkg-config libetpan-dev
libcurl4-gnutls-dev libpcre2-dev libsqlite3-dev libinih-dev libical-dev
libgnutls28-dev libjson-c-dev libcmocka-dev sqlite3 valgrind tzdata clang
libclang-rt-14-dev clang-format bsdextrautils perl"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing:$missing"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
