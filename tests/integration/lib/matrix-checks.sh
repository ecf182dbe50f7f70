# The IDLE and UIDVALIDITY checks every IMAP server of the matrix passes,
# sourced after tap.sh and common.sh by a test whose $work/aanmeld.conf
# reads that server's INBOX, with the mail subject in $S.  The test names
# its server by five functions:
#   mx_deliver ID FROM SUBJECT  test mail <ID@test.example> into the INBOX
#   mx_in FOLDER ID             1 when <ID@test.example> is in the logical
#                               FOLDER ("Verwerkt"), else 0
#   mx_count FOLDER             how many messages the logical FOLDER holds
#   mx_recreate OLD             the INBOX made anew, the processed mail
#                               <OLD@test.example> put back into it
#   mx_uidvalidity              the INBOX's UIDVALIDITY now
# LABEL goes before every description.

# idle_check LABEL [CONF]: aanmeldd -f on $work/CONF.conf (aanmeld; it
# must have a long poll_interval) waits in IDLE; a mail delivered then is
# in Verwerkt within 5 s, and SIGTERM stops the daemon.  Three checks.
idle_check() {
	"$AANMELDD" $allow_root -c "$work/${2:-aanmeld}.conf" -f \
		--now "2021-04-01 13:00" >"$work/daemon.log" 2>&1 &
	daemon=$!
	wait_for 10 grep -q "connected to" "$work/daemon.log"
	sleep 1 # into IDLE
	idle_t0=$(date +%s)
	mx_deliver i1 griffie@venlo.nl "$S"
	wait_for 10 yields 1 mx_in Verwerkt i1
	idle_s=$(($(date +%s) - idle_t0))
	eq "${1}IDLE: the mail delivered while it waits is in Verwerkt" 1 \
		"$(mx_in Verwerkt i1)"
	check "${1}IDLE: within 5 seconds ($idle_s s)" test "$idle_s" -le 5
	kill "$daemon"
	wait "$daemon"
	ok $? "${1}the daemon stops on SIGTERM"
	daemon=
}

# uidvalidity_check LABEL OLD: the INBOX recreated with the processed mail
# <OLD@test.example> put back and a new one added; the server hands out a
# new UIDVALIDITY, and one pass knows the old mail, records and answers
# the new one once, saves the new UIDVALIDITY and moves both to Verwerkt.
# Nine checks.
uidvalidity_check() {
	uv_old=$(sql "SELECT uidvalidity FROM mailbox_state")
	uv_answers=$(sql "SELECT count(*) FROM outbox WHERE kind <> 'invitation'")
	mx_recreate "$2"
	ok $? "${1}the mailbox recreated"
	mx_deliver u1 griffie@zeist.nl "$S"
	uv_new=$(mx_uidvalidity)
	check "${1}a new UIDVALIDITY ($uv_old -> $uv_new)" \
		test -n "$uv_new" -a "$uv_old" != "$uv_new"
	once aanmeld "2021-04-01 12:00"
	check "${1}the change is logged" \
		grep -q "UIDVALIDITY of INBOX changed" "$work/aanmeld.out"
	check "${1}the old message is known" \
		grep -q "is known as message" "$work/aanmeld.out"
	for uv_id in u1 "$2"; do
		eq "${1}<$uv_id@test.example> recorded once" 1 \
			"$(sql "SELECT count(*) FROM messages WHERE message_id = '$uv_id@test.example'")"
	done
	eq "${1}one answer more, not two" $((uv_answers + 1)) \
		"$(sql "SELECT count(*) FROM outbox WHERE kind <> 'invitation'")"
	eq "${1}the new UIDVALIDITY saved" "$uv_new" \
		"$(sql "SELECT uidvalidity FROM mailbox_state")"
	eq "${1}both in Verwerkt again, the inbox empty" "1 1 0" \
		"$(mx_in Verwerkt "$2") $(mx_in Verwerkt u1) $(mx_count INBOX)"
}
