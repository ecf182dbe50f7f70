# What the benchmarks share; sourced after top= is set.  Finds the
# aanmeldd to measure (BUILD, default _build/plain), installs the peers
# (contrib/deps.sh --bench) and makes $work, which each benchmark removes
# in its EXIT trap after servers_stop.  The servers start as in the shell
# tests: dovecot_start, smtp_start, secret and imap_conf come from
# tests/integration/lib.
build=${BUILD:-$top/_build/plain}
aanmeldd=$build/src/aanmeldd
# a bench in a folder of its own may run as root: say so (aanmeldd(8))
root_opt=
if [ "$(id -u)" = 0 ]; then root_opt=--allow-root; fi
[ -x "$aanmeldd" ] || {
	echo "build first (sh contrib/build.sh _build/plain): no $aanmeldd" >&2
	exit 1
}
sh "$top/contrib/deps.sh" --bench
work=$(mktemp -d /tmp/aanmeld-bench.XXXXXX)
srcdir=$top/tests
. "$top/tests/integration/lib/tap.sh"
. "$top/tests/integration/lib/common.sh"
. "$top/tests/integration/lib/servers.sh"
