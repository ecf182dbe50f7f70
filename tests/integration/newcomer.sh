#!/bin/sh
# What a newcomer meets: before the daemon's first run the reports say
# there is no database yet and where it will be, and make none; a
# missing rules folder is one line; --version, --help, an unknown
# command or option; the global options after the command; status with
# the daemon, the places and one line per retry countdown; a failed mail
# cancelled for good.
set -u
: "${AANMELD:?}" "${AANMELDD:?}"
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$srcdir/integration/lib/tap.sh"
. "$srcdir/integration/lib/common.sh"
work=$(mktemp -d /tmp/aanmeld-newcomer.XXXXXX)
trap cleanup EXIT

conf_spool=$work/spool conf aanmeld
db=$work/spool/aanmeld.db
mail1=$srcdir/data/sample-invitation.eml
run() {	# run ARGS...: aanmeld; stdout, stderr and status in $out $err $rc
	"$AANMELD" "$@" >"$work/out" 2>"$work/err"
	rc=$?
	out=$(cat "$work/out")
	err=$(cat "$work/err")
}

# --- before the first run: no database, and none made
NODB="no database yet: aanmeldd creates $db on its first run"
for c in queue status list messages outbox history "export --csv" \
	"outbox cancel 1" "retry 1" "dismiss 1"; do
	# shellcheck disable=SC2086
	run -c "$work/aanmeld.conf" $c
	eq "$c before the first run: exit 1" 1 "$rc"
	eq "$c: says so, with the path" "$NODB" "$err"
	eq "$c: nothing on stdout" "" "$out"
done
check "no database, no spool made" test ! -e "$work/spool"

# --- a missing rules folder: one line with -c and AANMELD_CONF
printf '[main]\nrules = %s\nspool = %s\n' "$work/norules" "$work/spool" \
	>"$work/norules.conf"
run -c "$work/norules.conf" queue
eq "missing rules folder: exit 1" 1 "$rc"
eq "missing rules folder: one line naming it" \
	"rules folder $work/norules: No such file or directory (config $work/norules.conf; give another config with -c or AANMELD_CONF)" \
	"$err"
mkdir "$work/cwd"
(cd "$work/cwd" && env -u AANMELD_CONF "$AANMELD" queue) >"$work/out" 2>"$work/err"
eq "no config, no ./rules: exit 1" 1 $?
eq "... one line for the embedded default" \
	"rules folder rules: No such file or directory (the embedded default config; give another config with -c or AANMELD_CONF)" \
	"$(cat "$work/err")"
AANMELD_CONF=$work/norules.conf "$AANMELDD" --once >"$work/out" 2>&1
eq "the daemon: exit 1" 1 $?
eq "the daemon: the same one line" 1 "$(wc -l <"$work/out")"

# --- --version, --help, unknown command and option
version=$(sed -n 's/^AC_INIT(\[[^]]*\], *\[\([^]]*\)\].*/\1/p' "$srcdir/../configure.ac")
run --version
eq "aanmeld --version: exit 0" 0 "$rc"
eq "aanmeld --version: the version" "aanmeld $version" "$out"
"$AANMELDD" --version >"$work/out" 2>"$work/err"
eq "aanmeldd --version: exit 0" 0 $?
eq "aanmeldd --version: the version" "aanmeldd $version" "$(cat "$work/out")"
run --help
eq "aanmeld --help: exit 0" 0 "$rc"
check "aanmeld --help: the usage on stdout" grep -q '^usage: aanmeld ' "$work/out"
check "... with the commands" grep -q '^  outbox \[cancel ID\]' "$work/out"
eq "aanmeld --help: nothing on stderr" "" "$err"
"$AANMELDD" --help >"$work/out" 2>"$work/err"
eq "aanmeldd --help: exit 0" 0 $?
check "aanmeldd --help: the usage on stdout" grep -q '^usage: aanmeldd ' "$work/out"
run
eq "no command: exit 2" 2 "$rc"
check "no command: the usage on stderr" grep -q '^usage: aanmeld ' "$work/err"
eq "no command: nothing on stdout" "" "$out"
run -c "$work/aanmeld.conf" frobnicate
eq "unknown command: exit 2" 2 "$rc"
eq "unknown command: says so" \
	"aanmeld: unknown command 'frobnicate' (aanmeld --help lists them)" "$err"
run --bogus queue
eq "unknown option: exit 2" 2 "$rc"
eq "unknown option: says so" "aanmeld: --bogus is not an option (aanmeld --help)" "$err"
run queue -c
eq "-c without a file: exit 2" 2 "$rc"
run -c "$work/aanmeld.conf" classify --bogus "$mail1"
eq "classify --bogus FILE: exit 2" 2 "$rc"
eq "... no file judged" "" "$out"
check "... the option named" grep -q 'unknown option --bogus' "$work/err"
run -c "$work/aanmeld.conf" queue --bogus
eq "queue --bogus: exit 2" 2 "$rc"

# --- the global options after the command
run classify --now "2021-04-01 10:00" "$mail1" -c "$work/aanmeld.conf"
eq "classify --now TIME FILE -c CONF: exit 0" 0 "$rc"
eq "... one file judged, --now not taken for one" 1 "$(printf '%s\n' "$out" | wc -l)"
check "... the file" sh -c "grep -q '^$mail1	ignore	' '$work/out'"
run classify --empty --now=2021-04-01 --config="$work/aanmeld.conf" -- "$mail1"
eq "--now= and --config= work; after --, a file" 0 "$rc"
check "... the file judged" grep -q "^$mail1	" "$work/out"
check "classify made no database" test ! -e "$db"

# --- status after the first run
once aanmeld "2021-04-01 10:00"
eq "the daemon's first pass" 0 $once_rc
cat >"$work/errors.sql" <<'SQL'
INSERT INTO daemon_errors (text, first_at, last_at, count) VALUES ('intake: localhost unreachable, next try in 8 s', 1617264000, 1617264000, 2);
INSERT INTO daemon_errors (text, first_at, last_at, count) VALUES ('intake: localhost unreachable, next try in 16 s', 1617264060, 1617264060, 1);
INSERT INTO daemon_errors (text, first_at, last_at, count) VALUES ('intake: localhost unreachable, next try in 32 s', 1617264120, 1617264120, 1);
INSERT INTO daemon_errors (text, first_at, last_at, count) VALUES ('smtp: relay refused', 1617264030, 1617264030, 1);
INSERT INTO outbox (key, kind, message_id, envelope_from, rcpt, raw, created_at, status, attempts, last_error)
 VALUES ('k1', 'confirm', '<m1@x>', 'a@x', 'info@example.org', 'raw', 1617264000, 'failed', 5, '550 no');
INSERT INTO review_items (outbox, reason, created_at) VALUES (1, 'mail failed', 1617264000);
INSERT INTO enrolments (code, name, status, enrolled_at) VALUES
 ('GM0363', 'Amsterdam', 'confirmed', 1617264000),
 ('GM0599', 'Rotterdam', 'waitlist', 1617264000),
 ('GM0518', 's-Gravenhage', 'waitlist', 1617264000);
SQL
sql ".read $work/errors.sql"
run -c "$work/aanmeld.conf" --now "2021-04-01 10:01" status
eq "status with a failed mail: exit 1" 1 "$rc"
check "... PROBLEM: the failed mail" grep -q '^health: *PROBLEM: 1 mail failed' "$work/out"
# the pass began at 10:00 and its clock ran on while it worked
check "... the daemon runs" grep -Eq '^daemon: *running \(a pass every 60 s, the last [0-9]+ s ago\)$' "$work/out"
check "... the places and the waiting list" \
	grep -q '^places: *1 taken of 5, 2 on the waiting list$' "$work/out"
eq "... the countdown once" 1 "$(grep -c 'next try in' "$work/out")"
check "... the newest, with the count of all" \
	grep -q '^  .*  4x  intake: localhost unreachable, next try in 32 s$' "$work/out"
check "... the other error kept" grep -q '  1x  smtp: relay refused$' "$work/out"
run -c "$work/aanmeld.conf" --now "2021-04-01 10:30" status
check "no pass for 30 min: the daemon does not run" \
	grep -Eq '^daemon: *not running\? no pass for (29|30) min \(one is due every 60 s\)$' "$work/out"

# --- a failed mail cancelled
run -c "$work/aanmeld.conf" outbox cancel 1
eq "outbox cancel: exit 0" 0 "$rc"
eq "outbox cancel: says so" "mail 1 is cancelled; it is never sent" "$out"
run -c "$work/aanmeld.conf" --now "2021-04-01 10:01" status
eq "status after the cancel: exit 0" 0 "$rc"
check "... ok" grep -q '^health: *ok$' "$work/out"
check "... nothing failed" grep -q '^outbox: *0 queued, 0 failed$' "$work/out"
check "... no review item left" grep -q '^review: *0 open items$' "$work/out"
run -c "$work/aanmeld.conf" outbox
check "outbox shows it cancelled" grep -q '^1	confirm	info@example.org	cancelled	' "$work/out"
run -c "$work/aanmeld.conf" history
check "history: who cancelled it" \
	grep -q "	cli:$(id -un)	cancel	-	-	outbox mail 1$" "$work/out"
run -c "$work/aanmeld.conf" retry 1
eq "retry on it: exit 1" 1 "$rc"
eq "retry on it: refused, saying why" \
	"retry: mail 1 was cancelled (see aanmeld history); it is never sent" "$err"
run -c "$work/aanmeld.conf" outbox cancel 1
eq "cancel again: exit 1" 1 "$rc"
eq "cancel again: says why" \
	"outbox cancel: mail 1 is cancelled; only a failed or waiting mail can be cancelled" "$err"
run -c "$work/aanmeld.conf" outbox cancel 99
eq "cancel of no mail: exit 1" 1 "$rc"
for id in x 0 12345678901234567890; do
	run -c "$work/aanmeld.conf" outbox cancel $id
	eq "cancel $id: exit 2" 2 "$rc"
	eq "cancel $id: not a mail number" \
		"outbox cancel: '$id' is not a mail number" "$err"
done
once aanmeld "2021-04-01 11:00"
eq "a pass after the cancel" 0 $once_rc
eq "... never sent" "failed" "$(sql "SELECT status FROM outbox WHERE id = 1")"
eq "... no file in the outbox folder" 0 "$(find "$work/spool/outbox" -type f | wc -l)"
tap_done
