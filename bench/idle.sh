#!/bin/sh
# How long a mail takes from Dovecot accepting it to being moved to
# Verwerkt, with aanmeldd waiting in IDLE (bench/idle-latency.py): quiet
# mail, one at a time, and a burst of 30 deliveries 0-30 ms apart; p50
# and p95 of each.  Target: p95 < 1 s in both.
#
# usage: bench/idle.sh [COUNT]        (quiet mails, default 20)
# BUILD names the build whose aanmeldd is measured (default _build/plain);
# POLL its poll_interval (default 60 s): a mail that waits for the poll
# shows as up to POLL seconds.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
count=${1:-20}
. "$top/bench/lib.sh"
daemon=
trap 'test -n "$daemon" && kill "$daemon"; servers_stop; rm -rf "$work"' EXIT
dovecot_start
secret password "$IMAP_PASSWORD"
doveadm mailbox create -u "$IMAP_USER" Verwerkt
{
	imap_conf
	cat <<END
poll_interval = ${POLL:-60}
[classify]
trusted_authserv_id = mx.vng.nl
END
} >"$work/aanmeld.conf"
"$aanmeldd" $root_opt -c "$work/aanmeld.conf" -f --now "2021-04-01 10:00" \
	>"$work/daemon.log" 2>&1 &
daemon=$!
i=0
until grep -q "connected to" "$work/daemon.log"; do
	i=$((i + 1))
	[ "$i" -lt 100 ] || { cat "$work/daemon.log" >&2; exit 1; }
	sleep 0.1
done
/usr/bin/python3 "$top/bench/idle-latency.py" --port "$IMAPS_PORT" \
	--ca "$CA_FILE" --user "$IMAP_USER" --password "$IMAP_PASSWORD" \
	--doveadm "$DOVEADM" --count "$count" --limit $((${POLL:-60} * 2 + 10))
