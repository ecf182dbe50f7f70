# The installed systemd unit, read as systemd reads it, for the tests that
# install aanmeld (install.sh: make install into a DESTDIR; deb.sh: the
# Debian package).  Sourced after tap.sh; needs $work.

# unit_exec UNIT: the command line of UNIT's ExecStart=, as written
unit_exec() {
	sed -n 's/^ExecStart=//p' "$1"
}

# unit_verify NAME UNIT [ARGS...]: systemd-analyze verify (with ARGS, such
# as --root=DIR) on UNIT, which must exist; it exits 0 even for an
# unknown key, so what it prints is the verdict: nothing.  Its output is
# in $work/NAME.verify.
unit_verify() {
	uv_name=$1
	uv_unit=$2
	shift 2
	systemd-analyze verify "$@" "$uv_unit" >"$work/$uv_name.verify" 2>&1
	uv_rc=$?
	sed 's/^/# /' "$work/$uv_name.verify"
	ok $uv_rc "systemd-analyze verify $uv_unit exits 0"
	check "systemd-analyze verify $uv_unit prints nothing" \
		test ! -s "$work/$uv_name.verify"
}

# unit_once UNIT [ROOT]: UNIT's ExecStart= for one pass: ROOT (a DESTDIR)
# before each absolute path, --once appended unless the line has it
unit_once() {
	uo_cmd=
	for uo_w in $(unit_exec "$1"); do
		case $uo_w in /*) uo_w=${2:-}$uo_w ;; esac
		uo_cmd="$uo_cmd $uo_w"
	done
	case "$uo_cmd " in *" --once "*) ;; *) uo_cmd="$uo_cmd --once" ;; esac
	echo "${uo_cmd# }"
}
