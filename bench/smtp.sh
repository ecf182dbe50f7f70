#!/bin/sh
# The outbox against msmtp: COUNT queued mails (the sample confirmation,
# each with its own Message-ID) sent to the same local SMTP server
# (tests/servers/smtp-server.py) with STARTTLS and AUTH, by aanmeldd
# --once, and by msmtp started once per mail, as a shell script would.
# ROUNDS times in turn; prints mails per second for both and the ratio.
#
# usage: bench/smtp.sh [COUNT] [ROUNDS]      (default 1000 3)
# BUILD names the build whose aanmeldd is measured (default _build/plain).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
count=${1:-1000}
rounds=${2:-3}
. "$top/bench/lib.sh"
trap 'servers_stop; rm -rf "$work"' EXIT
sh "$top/tests/servers/ca.sh" "$work/pki" >/dev/null
smtp_start "$work/pki/server" aanmeld:smtp-secret
port=$smtp_port
secret password smtp-secret

# the queue: sample confirmations with ids of their own
mkdir -p "$work/mails"
i=0
while [ "$i" -lt "$count" ]; do
	i=$((i + 1))
	sed "s/^Message-ID: <aanmeld\./Message-ID: <aanmeld.$i./" \
		"$top/tests/data/sample-confirmation.eml" >"$work/mails/$i.eml"
done
cat >"$work/aanmeld.conf" <<END
[main]
rules = $top/rules
spool = $work/spool
[smtp]
transport = smtp
url = smtp://localhost:$port
user = aanmeld
password_file = $work/password
ca_file = $work/pki/ca.pem
END
queue() {	# a fresh database holding the queue
	rm -rf "$work/spool"
	mkdir -p "$work/spool/maildir/new" "$work/spool/maildir/cur" \
		"$work/spool/maildir/tmp"
	"$aanmeldd" $root_opt -c "$work/aanmeld.conf" --once >/dev/null 2>&1
	for f in "$work"/mails/*.eml; do
		n=$(basename "$f" .eml)
		printf "INSERT INTO outbox (key, kind, message_id, envelope_from, rcpt, raw, created_at, next_try) VALUES ('bench:%s', 'confirm', 'aanmeld.%s@vng.nl', 'bounces@vng.nl', 'utrecht@utrecht.nl', readfile('%s'), 1617264000, 1617264000);\n" \
			"$n" "$n" "$f"
	done | sqlite3 "$work/spool/aanmeld.db"
}
cat >"$work/msmtprc" <<END
account bench
host localhost
port $port
tls on
tls_starttls on
tls_trust_file $work/pki/ca.pem
auth on
user aanmeld
passwordeval cat $work/password
from bounces@vng.nl
account default : bench
END
chmod 600 "$work/msmtprc"
cat >"$work/msmtp-all.sh" <<END
for f in $work/mails/*.eml; do
	msmtp -C $work/msmtprc -f bounces@vng.nl utrecht@utrecht.nl <"\$f" || exit 1
done
END

seconds() {	# seconds COMMAND...: the wall time, into $work/t
	/usr/bin/time -f '%e' -o "$work/t" "$@" >/dev/null 2>&1 || {
		echo "failed: $*" >&2
		exit 1
	}
	cat "$work/t"
}
r=0
while [ "$r" -lt "$rounds" ]; do
	r=$((r + 1))
	queue
	a=$(seconds "$aanmeldd" $root_opt -c "$work/aanmeld.conf" --once \
		--now "2021-04-01 10:00")
	sent=$(sqlite3 "$work/spool/aanmeld.db" "SELECT count(*) FROM outbox WHERE status = 'sent'")
	[ "$sent" -eq "$count" ] || { echo "aanmeldd sent $sent of $count" >&2; exit 1; }
	m=$(seconds sh "$work/msmtp-all.sh")
	echo "round $r: aanmeldd $a s, msmtp $m s"
	echo "$a $m" >>"$work/times"
done
median() {
	cut -d' ' -f"$1" "$work/times" | sort -n |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
awk -v n="$count" -v a="$(median 1)" -v m="$(median 2)" 'BEGIN {
	printf "%d mails over STARTTLS with AUTH, median of the rounds:\n", n
	printf "  aanmeldd %7.2f s %7.0f mails/s\n", a, n / a
	printf "  msmtp    %7.2f s %7.0f mails/s (one process per mail)\n", m, n / m
	printf "  aanmeldd is %.1f times as fast\n", m / a
}'
