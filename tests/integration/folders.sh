#!/bin/sh
# Folder names are logical: on each of three real Dovecots (separator "."
# with Maildir++, "/" with LAYOUT=fs, "." under the namespace prefix
# "INBOX.") the daemon creates the outcome and decision folders under the
# server's names, moves each message where it belongs, applies staff's
# decisions made by a real IMAP MOVE into the mapped decision folders,
# check --connect lists the folders as the server names them, and the
# IDLE and UIDVALIDITY checks of lib/matrix-checks.sh pass.  An operator
# folder with a non-ASCII name is made in modified UTF-7; a folder name
# the server cannot have fails check --connect and counts as a failure
# of the pass.
set -u
: "${AANMELD:?}" "${AANMELDD:?}"
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d /tmp/aanmeld-folders.XXXXXX)
for lib in tap common servers matrix-checks; do
	. "$srcdir/integration/lib/$lib.sh"
done
daemon=
trap cleanup EXIT

S='Deelname praktijkproef GG & lokale inclusie'
OLD='Afgewezen – oud' # an operator's name, not ASCII

# imap_py CODE: runs CODE with m, an IMAP session logged in to Dovecot
imap_py() {
	$PY - "$@" <<EOF
import imaplib, re, ssl, sys
ctx = ssl.create_default_context(cafile="$CA_FILE")
m = imaplib.IMAP4_SSL("localhost", $IMAPS_PORT, ssl_context=ctx)
m.login("$IMAP_USER", "$IMAP_PASSWORD")
names = [re.match(r'\(.*?\) (?:NIL|"[^"]*") "?(.*?)"?$', l.decode()).group(1)
         for l in m.list('""', "*")[1]]
$IMAP_CODE
m.logout()
EOF
}
# imap_ls: every folder the server lists, as it names them (IMAP LIST)
imap_ls() {
	IMAP_CODE='print("\n".join(names))' imap_py
}
# where ID: the server's folder holding <ID@test.example> (IMAP SEARCH)
where() {
	IMAP_CODE='
for name in names:
    if m.select("\"%s\"" % name, readonly=True)[0] != "OK":
        continue
    if m.search(None, "HEADER", "Message-ID", sys.argv[1])[1][0].split():
        print(name)' imap_py "$1@test.example"
}

# this Dovecot for lib/matrix-checks.sh
mx_deliver() { deliver_mail "$@"; }
mx_in() { in_folder "$(server_folder "$1")" "$2"; }
mx_count() { count "$(server_folder "$1")"; }
mx_uidvalidity() {
	doveadm mailbox status -u "$IMAP_USER" uidvalidity INBOX | sed 's/.*=//'
}
# the INBOX anew: its Maildir and indexes removed (the other folders stay,
# the server's last UIDVALIDITY too), then the old mail moved back into it
mx_recreate() {
	(cd "$MAILDIR" && rm -rf cur new tmp dovecot-uidlist dovecot.index* \
		dovecot.list.index*) &&
		doveadm move -u "$IMAP_USER" INBOX mailbox \
			"$(server_folder Verwerkt)" header message-id "$1@test.example"
}

for layout in dot fs inbox; do
	dv=$work/dovecot-$layout
	rm -rf "$work/spool" "$work/sink"
	DOVECOT_LAYOUT=$layout servers_setup
	printf '[mailbox]\nfolder_rejected = %s\n' "$OLD" >>"$work/aanmeld.conf"
	L="$layout ('$IMAP_PREFIX', '$IMAP_SEP')"
	Old=$(printf '%s%s' "$IMAP_PREFIX" 'Afgewezen &IBM- oud')

	# --- intake with moves
	deliver_mail e1 griffie@ede.nl "$S"
	deliver_mail a1 x@utrecht-gemeente.nl "$S"
	deliver_mail b1 y@amsterdam-gemeente.nl "$S"
	deliver_mail c1 z@haarlem-gemeente.nl "$S"
	once
	ok $? "$L: aanmeldd --once exits 0"
	imap_ls >"$work/ls-$layout"
	for f in Verwerkt Beoordelen Beoordelen/Goedkeuren \
		Beoordelen/Afwijzen Beoordelen/Negeren; do
		eq "$L: LIST has $f as $(server_folder "$f")" 1 \
			"$(grep -c -x -F "$(server_folder "$f")" "$work/ls-$layout")"
	done
	eq "$L: enrolled mail in $(server_folder Verwerkt)" \
		"$(server_folder Verwerkt)" "$(where e1)"
	B=$(server_folder Beoordelen)
	eq "$L: lookalikes in $B" "$B $B $B" \
		"$(where a1) $(where b1) $(where c1)"

	# --- staff decide by folder: a real IMAP MOVE into the mapped folder
	imap_move "$B" "$(server_folder Beoordelen/Goedkeuren)" a1 &&
		imap_move "$B" "$(server_folder Beoordelen/Afwijzen)" b1 &&
		imap_move "$B" "$(server_folder Beoordelen/Negeren)" c1
	ok $? "$L: staff moved three messages with IMAP MOVE"
	once
	ok $? "$L: the decisions pass exits 0"
	eq "$L: approve: Utrecht enrolled" "GM0344|confirmed" \
		"$(sql "SELECT code, status FROM enrolments WHERE code = 'GM0344'")"
	eq "$L: decided by mailbox" "approve reject dismiss" \
		"$(for i in a1 b1 c1; do sql "SELECT decision FROM review_items WHERE id = $(item_of $i) AND decided_by = 'mailbox'"; done | tr '\n' ' ' | sed 's/ $//')"
	eq "$L: approved mail in $(server_folder Verwerkt)" \
		"$(server_folder Verwerkt)" "$(where a1)"
	eq "$L: rejected mail in the operator's folder, modified UTF-7" \
		"$Old" "$(where b1)"
	eq "$L: dismissed mail in $(server_folder Genegeerd)" \
		"$(server_folder Genegeerd)" "$(where c1)"
	imap_ls >"$work/ls-$layout"
	[ "$IMAP_SEP" = / ] ||
		eq "$L: no folder name holds a '/'" 0 \
			"$(grep -c / "$work/ls-$layout")"
	eq "$L: the decision folders are empty" "" \
		"$(where a1 | grep Beoordelen)$(where b1 | grep Beoordelen)$(where c1 | grep Beoordelen)"

	# --- check --connect lists the folders as the server names them
	"$AANMELD" -c "$work/aanmeld.conf" check --connect >"$work/check-$layout" 2>&1
	ok $? "$L: check --connect exits 0"
	for f in Verwerkt Beoordelen/Goedkeuren Beoordelen/Negeren; do
		check "$L: check --connect: $f is $(server_folder "$f")" \
			grep -q -x -F "folder $f: $(server_folder "$f")" "$work/check-$layout"
	done
	check "$L: check --connect: $OLD is $Old" \
		grep -q -x -F "folder $OLD: $Old" "$work/check-$layout"

	# --- a UIDVALIDITY change, then IDLE with a poll_interval of 600 s
	uidvalidity_check "$L: " e1
	sed 's/^poll_interval = .*/poll_interval = 600/' "$work/aanmeld.conf" \
		>"$work/idle.conf"
	idle_check "$L: " idle

	# --- a name the server cannot have: check fails, the pass counts it
	if [ "$IMAP_SEP" = . ]; then
		cp "$work/aanmeld.conf" "$work/bad.conf"
		printf 'folder_ignored = Genegeerd.2021\n' >>"$work/bad.conf"
		"$AANMELD" -c "$work/bad.conf" check --connect >"$work/check-bad" 2>&1
		eq "$L: check --connect fails on a level holding '.'" 1 $?
		check "$L: ... and says which and why" grep -q \
			"folder Genegeerd.2021: unusable: .*'Genegeerd.2021' contains '.'" \
			"$work/check-bad"
		check "$L: ... ending with failed" grep -q -x failed "$work/check-bad"
		deliver_mail d1 info@kpn.com 'Automatisch antwoord: afwezig' \
			'Auto-Submitted: auto-replied'
		once bad
		check "$L: the failed move is counted in the pass summary" \
			grep -q "cycle: 1 new, 0 known, 1 failed" "$work/bad.out"
		eq "$L: the message stays in INBOX" INBOX "$(where d1)"
		cli_on aanmeld status >"$work/status-$layout" 2>&1
		eq "$L: status exits 1" 1 $?
		check "$L: status says the folder is unusable" grep -q \
			"^folders: *PROBLEM: folder Genegeerd.2021: .*contains '.'" \
			"$work/status-$layout"
		check "$L: ... and its health line says so" grep -q \
			"^health: *PROBLEM:.* a folder is unusable" \
			"$work/status-$layout"
		# the staff hear of it in the next pass, once
		printf '[staff]\naddress = balie@vng.example\n' >>"$work/bad.conf"
		once bad
		once bad
		eq "$L: one staff warning of the folder, in Dutch" 1 \
			"$(grep -l '^Subject: Let op: aanmeld kan een map in de mailbox niet' "$work/sink/"*.eml 2>/dev/null | wc -l)"
		warning=$(grep -l '^Subject: Let op: aanmeld kan een map' "$work/sink/"*.eml)
		# in Dutch: the server's English reason stays in the log and
		# in aanmeld status (above)
		check "$L: ... naming the folder, in Dutch only" sh -c \
			"grep -qi 'de map Genegeerd.2021 in de mailbox kon niet' $warning &&
			! grep -q 'hierarchy delimiter' $warning"
	fi
	sh "$servers/dovecot.sh" stop "$dv" >/dev/null 2>&1
done
tap_done
