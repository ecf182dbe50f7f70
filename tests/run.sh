#!/bin/sh
# Every test, as on a fresh Debian 12 machine: installs what is missing,
# then builds and runs `make check` three ways (warnings as errors; ASan and
# UBSan; valgrind: the unit tests and a smoke subset of the scripts) and
# `make distcheck`.  A skipped test fails the run.
# The tests of a build run side by side (one per core; each has its own
# servers, ports and folders), except under valgrind, where the timing of
# the slow processes is kept as it was measured.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sh contrib/deps.sh --test

total_pass=0
total_fail=0
started=$(date +%s)

jobs=$(nproc)

# check NAME JOBS CONFIGURE-ARGS...: build in _build/NAME and run make check
# with JOBS tests at a time (only $only_tests, when set).
only_tests=
check() {
	name=$1
	j=$2
	shift 2
	echo "== $name: make check${only_tests:+ (unit tests, $smoke)}"
	sh contrib/build.sh "_build/$name" --enable-werror "$@"
	if ! make -C "_build/$name" -j"$j" check ${only_tests:+TESTS="$only_tests"} \
		>"_build/$name/check.out" 2>&1; then
		cat "_build/$name/check.out"
		find "_build/$name/tests" -name '*.log' ! -name test-suite.log \
			-exec grep -l -E '^(not ok|Bail out)' {} + |
			while read -r f; do echo "--- $f"; cat "$f"; done
		total_fail=$((total_fail + 1))
		return 0
	fi
	grep -E '^# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR):' "_build/$name/check.out"
	pass=$(sed -n 's/^# PASS: *//p' "_build/$name/check.out" | tail -n 1)
	skip=$(sed -n 's/^# SKIP: *//p' "_build/$name/check.out" | tail -n 1)
	if [ "${skip:-0}" -ne 0 ]; then
		echo "$name: $skip tests were skipped: that is a failure here"
		total_fail=$((total_fail + skip))
	fi
	total_pass=$((total_pass + ${pass:-0}))
}

check plain "$jobs"
echo "== make checkstyle"
if make -C _build/plain checkstyle >_build/plain/checkstyle.out 2>&1; then
	total_pass=$((total_pass + 1))
else
	cat _build/plain/checkstyle.out
	total_fail=$((total_fail + 1))
fi
# the package is built, installed and purged once, in the plain build:
# a sanitizer build or the tarball would test the same .deb again
only_tests="\$(check_PROGRAMS) \$(integration_tests)"
smoke="all but the package"
check sanitizers "$jobs" --enable-sanitizers
# valgrind on everything would take most of the run: the unit tests and
# the scripts that go through the whole journey and the hostile mail
smoke="integration/e2e.sh integration/hostile.sh"
only_tests="\$(check_PROGRAMS) $smoke"
check valgrind 1 --enable-valgrind
only_tests=

echo "== make distcheck"
if make -C _build/plain -j"$jobs" distcheck \
	TESTS='$(check_PROGRAMS) $(integration_tests)' \
	>_build/plain/distcheck.out 2>&1; then
	total_pass=$((total_pass + 1))
	tail -n 4 _build/plain/distcheck.out
else
	tail -n 60 _build/plain/distcheck.out
	total_fail=$((total_fail + 1))
fi

echo "$total_pass passed, $total_fail failed ($(($(date +%s) - started)) s)"
[ "$total_fail" -eq 0 ]
