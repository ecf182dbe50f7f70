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
