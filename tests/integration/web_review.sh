#!/bin/sh
# A decision in aanmeld-web against a real Dovecot and SMTP server: a
# lookalike sender's mail waits in Beoordelen; staff log in, open its
# page, approve it with the token; the item is decided by web:anna, and
# the next aanmeldd --once sends the confirmation and moves the message
# out of Beoordelen with a real IMAP MOVE.
set -u
: "${AANMELD:?}" "${AANMELDD:?}"
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
web=${AANMELD_WEB:-$(dirname "$AANMELD")/aanmeld-web}
work=$(mktemp -d /tmp/aanmeld-web-review.XXXXXX)
. "$srcdir/integration/lib/tap.sh"
. "$srcdir/integration/lib/common.sh"
. "$srcdir/integration/lib/servers.sh"
daemon=
trap cleanup EXIT

servers_setup
port=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf '[web]\nport = %s\nusers = %s\nurl = https://aanmeld.example/\n' \
	"$port" "$work/users" >>"$work/aanmeld.conf"
T="2021-04-01 10:00"
base="http://127.0.0.1:$port"
jar=$work/cookies

deliver_mail w1 x@utrecht-gemeente.nl 'Deelname praktijkproef GG & lokale inclusie'
once
ok $? "aanmeldd --once exits 0"
eq "the lookalike waits in Beoordelen" 1 "$(in_folder Beoordelen w1)"
item=$(item_of w1)
check "it has a review item" test -n "$item"

printf '%s\n' 'een-goed-wachtwoord' | cli user add anna --stdin
ok $? "aanmeld user add anna"
AANMELD_NOW="$T" "$web" $allow_root -d -c "$work/aanmeld.conf" >"$work/web.log" 2>&1 &
daemon=$!
up=1
for _ in $(seq 100); do
	if curl -s -o /dev/null "$base/login"; then up=0; break; fi
	sleep 0.1
done
ok $up "aanmeld-web answers on port $port"

eq "login" 303 "$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" \
	--data 'user=anna&password=een-goed-wachtwoord' "$base/login")"
curl -s -b "$jar" "$base/beoordelen/$item" >"$work/item.html"
check "the item's page has the approve form" \
	grep -q "action=\"/beoordelen/$item/goedkeuren\"" "$work/item.html"
check "Utrecht is preselected" \
	grep -q '<option value="GM0344" selected>Utrecht (GM0344)</option>' "$work/item.html"
token=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$work/item.html" | head -n 1)
check "the page carries the token" test -n "$token"

eq "approve without the token is refused" 403 \
	"$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" \
		--data 'gemeente=GM0344' "$base/beoordelen/$item/goedkeuren")"
eq "nothing decided by it" open \
	"$(sql "SELECT status FROM review_items WHERE id = $item")"
eq "approve with the token: 303 to the item's page" \
	"303 $base/beoordelen/$item?uitkomst=gedaan" \
	"$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -b "$jar" \
		--data "csrf=$token&gemeente=GM0344" "$base/beoordelen/$item/goedkeuren")"
eq "decided by web:anna" "decided|web:anna|approve" \
	"$(sql "SELECT status, decided_by, decision FROM review_items WHERE id = $item")"
curl -s -b "$jar" "$base/geschiedenis" >"$work/history.html"
check "the history page shows web:anna" \
	grep -q '<td>web:anna</td><td>goedgekeurd</td>' "$work/history.html"
check "the decision is logged with the user" \
	grep -q "review item $item: approve by web:anna" "$work/web.log"

# aanmeld-web's clock runs on from $T (AANMELD_NOW): the decision's
# mail is due a moment after it, so the pass comes later
once aanmeld "2021-04-01 10:05"
ok $? "aanmeldd --once after the decision exits 0"
eq "Utrecht enrolled" "GM0344|confirmed" "$(sql "SELECT code, status FROM enrolments")"
eq "the confirmation reached the SMTP server" 1 \
	"$(delivered "$(confirm_id x@utrecht-gemeente.nl)")"
eq "the mail moved: in Verwerkt" 1 "$(in_folder Verwerkt w1)"
eq "the mail moved: gone from Beoordelen" 0 "$(in_folder Beoordelen w1)"

# approved by folder with no municipality known: the note sends staff
# to the item's page, not to a command they cannot run
deliver_mail n1 someone@gmail.com 'Deelname praktijkproef'
once aanmeld "2021-04-01 10:10"
n1=$(item_of n1)
imap_move Beoordelen Beoordelen/Goedkeuren n1
once aanmeld "2021-04-01 10:15"
eq "no municipality: the note names the item's page" \
	"open|goedkeuren kan niet: geen gemeente bekend (kies er een op https://aanmeld.example/beoordelen/$n1)" \
	"$(sql "SELECT status || '|' || note FROM review_items WHERE id = $n1")"
curl -s -b "$jar" "$base/beoordelen/$n1" >"$work/n1.html"
check "the item's page shows the note and the choice" sh -c \
	"grep -q 'geen gemeente bekend' '$work/n1.html' && grep -q 'Kies een gemeente' '$work/n1.html'"

kill "$daemon" 2>/dev/null
wait "$daemon" 2>/dev/null
daemon=
check "no sanitizer or valgrind report in the logs" sh -c \
	"! grep -E 'runtime error|Sanitizer|^==[0-9]+==' '$work/aanmeld.log' '$work/web.log'"

tap_done
