#!/bin/sh
# The staff's desk in a real browser.  Enrolments delivered to a real
# Dovecot and run by aanmeldd --once against the SMTP test sink; a
# lookalike whose subject, display name and attachment name are hostile
# (<script>, <img onerror>, a bidi override) goes to review; a staff
# account made with aanmeld user add; the aanmeld-web program itself on
# 127.0.0.1.  Then headless Chromium (Debian's chromium and
# chromium-driver, driven by python3-selenium: tests/browser/desk.py),
# in two stages with a pass of the daemon between them while aanmeld-web
# runs.  Arrive: a wrong password refused in Dutch, the login, the
# overview (four places of five) and the keyboard's way through it, the
# review queue and the item (hostile text shown as text, the attachment
# listed, the Dutch reason, the suggested municipality preselected), a
# decision POST without the CSRF token refused, the approval, the
# municipality on /gemeenten, its confirmation on /uitgaand and web:marieke
# on /geschiedenis.  The daemon's pass then sends the confirmation and
# moves the mail out of Beoordelen.  Later: the overview full, the hostile
# name first on the waiting list and shown as text, POSTs without or with
# a wrong token refused, the CSV export downloaded.  Corpus: the test
# corpus (data/mail) through Dovecot and the daemon, then every list and
# every review item's page shown without an error or an injected
# element.  axe-core (vendored in
# tests/browser/vendor/axe-core) finds no WCAG 2.1 A/AA violation on any
# page.  The screenshots, axe.json, the export and aanmeld-web's log are
# kept in browser-output/ of the build's tests folder.
set -u
: "${AANMELD:?}" "${AANMELDD:?}" "${AANMELD_WEB:?}"
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d /tmp/aanmeld-browser.XXXXXX)
. "$srcdir/integration/lib/tap.sh"
. "$srcdir/integration/lib/common.sh"

chromium=/usr/lib/chromium/chromium
chromedriver=/usr/bin/chromedriver
if [ ! -x "$chromium" ] || [ ! -x "$chromedriver" ] ||
	! /usr/bin/python3 -c 'import selenium' 2>/dev/null; then
	echo "1..0 # SKIP chromium, chromium-driver or python3-selenium missing"
	rm -rf "$work"
	exit 77
fi

. "$srcdir/integration/lib/servers.sh"
web_pid=
at_exit='stop_server_pid "$web_pid"'
trap cleanup EXIT
out=${builddir:-$work}/browser-output
rm -rf "$out"
mkdir -p "$out"
echo "# screenshots and axe-core results (axe.json) in $out"

servers_setup

S='Deelname praktijkproef GG & lokale inclusie'
# the hostile text, as it must be shown: the bidi override (U+202E) as
# the escape \u202e, as everywhere staff read mail text
H1='<script>alert(1)</script>'
H2='"><img src=x onerror=alert(2)>'
H3='<img src=x onerror=alert(3)>'
H4='<img src=x onerror=alert(4)>.pdf'
rlo=$(printf '\342\200\256')
# hostile ID FROM-ADDRESS DISPLAY-NAME SUBJECT [FILE]: an authenticated
# mail with both encoded as RFC 2047 words (and the attachment FILE), on
# stdout
hostile() {
	printf 'Return-Path: <%s>\r\n' "$2"
	printf 'Authentication-Results: mx.vng.nl; dmarc=pass header.from=%s\r\n' "${2#*@}"
	printf 'From: =?UTF-8?B?%s?= <%s>\r\nTo: GlobalGoals@VNG.nl\r\n' \
		"$(printf '%s' "$3" | base64 -w0)" "$2"
	printf 'Subject: =?UTF-8?B?%s?=\r\n' "$(printf '%s' "$4" | base64 -w0)"
	printf 'Message-ID: <%s@test.example>\r\n' "$1"
	printf 'Date: Thu, 01 Apr 2021 09:00:00 +0200\r\nMIME-Version: 1.0\r\n'
	if [ $# -lt 5 ]; then
		printf 'Content-Type: text/plain; charset=utf-8\r\n\r\n'
		printf 'Graag melden wij ons aan.\r\n'
		return
	fi
	printf 'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
	printf -- '--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'
	printf 'Graag melden wij ons aan.\r\n--b1\r\n'
	printf 'Content-Type: application/pdf; name="%s"\r\n' "$5"
	printf 'Content-Disposition: attachment; filename="%s"\r\n' "$5"
	printf 'Content-Transfer-Encoding: base64\r\n\r\n'
	printf '%%PDF-1.4 plan' | base64
	printf '\r\n--b1--\r\n'
}

# --- four places taken, and a lookalike with a hostile subject and
# display name for review
i=0
for a in p.pieters@zwolle.nl m.devries@almere.nl j.jansen@utrecht.nl \
	l.dekker@delft.nl; do
	i=$((i + 1))
	deliver_mail "e$i" "$a" "$S"
done
hostile r1 x@amsterdam-gemeente.nl "$H3 ${rlo}cod.exe" \
	"$S $H1 $H2" "$H4" | deliver
once
ok $? "aanmeldd --once exits 0"
eq "four confirmed" "GM0034 GM0193 GM0344 GM0503" \
	"$(sql "SELECT group_concat(code, ' ') FROM (SELECT code FROM enrolments WHERE status = 'confirmed' ORDER BY code)")"
eq "the lookalike with the hostile subject is for review, in Beoordelen" \
	"review 1" \
	"$(sql "SELECT verdict FROM messages WHERE message_id = 'r1@test.example'") $(in_folder Beoordelen r1)"

# --- a staff account, and aanmeld-web itself on a free port
printf '[web]\nusers = %s\n' "$work/users" >>"$work/aanmeld.conf"
cp "$work/aanmeld.conf" "$work/aanmeld.conf.base"
secret staff.password 'Kantoor-2021-groen'
cli user add marieke --stdin <"$work/staff.password"
ok $? "aanmeld user add marieke --stdin"
free_port() {
	$PY -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}
tries=0
while [ $tries -lt 3 ] && [ -z "$web_pid" ]; do
	tries=$((tries + 1))
	web_port=$(free_port)
	{
		cat "$work/aanmeld.conf.base"
		printf 'listen = 127.0.0.1\nport = %s\n' "$web_port"
	} >"$work/aanmeld.conf"
	# its clock a quarter past the first pass, and running on
	AANMELD_NOW="2021-04-01 10:15" "$AANMELD_WEB" -d $allow_root \
		-c "$work/aanmeld.conf" >>"$work/web.log" 2>&1 &
	web_pid=$!
	# another program may have taken the port in between: try again
	wait_for 10 grep -q "listening on 127.0.0.1 port $web_port" \
		"$work/web.log" || { stop_server_pid "$web_pid"; web_pid=; }
done
ok "$([ -n "$web_pid" ]; echo $?)" "aanmeld-web listens on 127.0.0.1"
if [ -z "$web_pid" ]; then
	cat "$work/web.log" >&2
	tap_done
	exit 1
fi

# --- the browser, in stages (tests/browser/desk.py), its checks
# numbered here
dump() { sqlite3 "$work/spool/aanmeld.db" .dump | sha256sum; }
desk() {	# desk STAGE ARGS...
	desk_stage=$1
	/usr/bin/python3 -B "$srcdir/browser/desk.py" "$@" \
		--base "http://127.0.0.1:$web_port" --user marieke \
		--password-file "$work/staff.password" --out "$out" \
		--axe "$srcdir/browser/vendor/axe-core/axe.min.js" \
		--chromium "$chromium" --chromedriver "$chromedriver" \
		--driver-log "$work/chromedriver-$desk_stage.log" \
		>"$work/desk-$desk_stage.tap" 2>"$work/desk-$desk_stage.err"
	desk_rc=$?
	while IFS= read -r line; do
		case $line in
		"ok - "*) ok 0 "$desk_stage: ${line#ok - }" ;;
		"not ok - "*) ok 1 "$desk_stage: ${line#not ok - }" ;;
		*) echo "$line" ;;
		esac
	done <"$work/desk-$desk_stage.tap"
	ok "$desk_rc" "$desk_stage: the browser's run reaches its end"
	[ "$desk_rc" = 0 ] || tail -n 30 "$work/desk-$desk_stage.err" >&2
}

desk arrive --places "4 van de 5 plaatsen bezet." --review \
	--review-from x@amsterdam-gemeente.nl --review-literal "$H1" \
	--review-literal "$H2" --review-sender-literal "$H3" \
	--review-sender-literal '\u202ecod.exe' \
	--review-reason "lijkt op amsterdam.nl (gemeente Amsterdam)" \
	--attachment "$H4" --suggested GM0363 --enrolled "Amsterdam (GM0363)"
r1=$(item_of r1)
eq "arrive: the item decided in the store by web:marieke" \
	"decided|web:marieke|approve" \
	"$(sql "SELECT status, decided_by, decision FROM review_items WHERE id = '$r1'")"
eq "arrive: Amsterdam takes the fifth place" "GM0363|confirmed" \
	"$(sql "SELECT code, status FROM enrolments WHERE code = 'GM0363'")"
eq "arrive: one approve in the audit log, by web:marieke" "1|web:marieke" \
	"$(sql "SELECT count(*), actor FROM audit WHERE what = 'approve'")"
eq "arrive: Zwolle's second contact, added in the browser by web:marieke" \
	"1|web:marieke" \
	"$(sql "SELECT count(*), actor FROM audit WHERE what = 'contact add' AND gemeente = 'GM0193'")"
eq "the mail waits in Beoordelen for the daemon's next pass" 1 \
	"$(in_folder Beoordelen r1)"

# --- another pass while aanmeld-web runs: it moves the mail and sends
# the confirmation; the hostile name comes first on the waiting list
hostile x1 r.mulder@tilburg.nl "$H1 $H2 ${rlo}lanigiro" "$S" | deliver
deliver_mail e6 s.bos@breda.nl "$S"
once aanmeld "2021-04-01 10:30"
ok $? "aanmeldd --once exits 0"
eq "the approved mail moved out of Beoordelen, into Verwerkt" "0 1" \
	"$(in_folder Beoordelen r1) $(in_folder Verwerkt r1)"
eq "Amsterdam's confirmation reached the SMTP server" 1 \
	"$(delivered "$(confirm_id x@amsterdam-gemeente.nl)")"
cli list
eq "aanmeld list: Tilburg and Breda wait, in that order" \
	"GM0855|1 GM0758|2" \
	"$(grep '	waitlist' "$work/cli.out" | cut -f1,4 | tr '\t\n' '| ' | sed 's/ $//')"
eq "the hostile display name is stored as it came" 1 \
	"$(sql "SELECT count(*) FROM contacts WHERE address = 'r.mulder@tilburg.nl' AND name = '$H1 $H2 ${rlo}lanigiro'")"
before=$(dump)
desk later --places "5 van de 5 plaatsen bezet." \
	--waitlist "1|GM0855" --waitlist "2|GM0758" \
	--export GM0363 --export GM0855 \
	--literal "$H1" --literal "$H2" --literal '\u202elanigiro'
eq "later: the database is as it was: the refused POSTs change nothing" \
	"$before" "$(dump)"
pages=$($PY -c 'import json, sys
print(len(json.load(open(sys.argv[1]))["pages"]))' "$out/axe.json" 2>/dev/null)
eq "a screenshot of every page axe-core checked" "${pages:-none}" \
	"$(ls "$out"/*.png 2>/dev/null | wc -l)"

# --- the test corpus (data/mail: every kind of mail the classifier
# knows, hostile ones among them) through Dovecot and the daemon, then
# every list and every review item's page in the browser
for f in "$srcdir"/data/mail/*.eml; do
	deliver <"$f"
done
once aanmeld "2021-04-02 09:00"
ok $? "aanmeldd --once on the corpus exits 0"
items=$(sql "SELECT count(*) FROM review_items WHERE status = 'open'")
check "the corpus left review items" test "${items:-0}" -gt 0
desk corpus --places "-" --corpus-items "${items:-1}"

# --- aanmeld-web stops on SIGTERM, with its log line
kill "$web_pid"
wait "$web_pid"
ok $? "aanmeld-web stops with 0 on SIGTERM"
web_pid=
check "its log says so" grep -q "stopping (signal 15" "$work/web.log"
check "failed login logged" grep -q "failed login as 'marieke'" \
	"$work/web.log"
check "no sanitizer or valgrind report in aanmeld-web's log" sh -c \
	"! grep -E 'runtime error|Sanitizer|^==[0-9]+==' '$work/web.log'"
cp "$work/web.log" "$out/aanmeld-web.log"

tap_done
