#!/bin/sh
# Builds the libFuzzer targets with clang and runs each for SECONDS
# (default 600), seeded from the sample mail and the rules.  Not part of
# make check: a long run is a separate job.
#   sh tests/fuzz/run.sh [SECONDS]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-600}
cd "$top"
sh contrib/deps.sh
CC=clang sh contrib/build.sh _build/fuzz --enable-fuzz
work=_build/fuzz/corpora
mkdir -p "$work/message" "$work/rules" "$work/findings"
cp tests/data/mail/*.eml contrib/demo-mail/*.eml tests/fuzz/seeds/message/* \
	"$work/message/"
i=0
for f in subject.rules senders.rules gemeenten.tsv shared-domains.tsv \
	programme.conf templates/confirm.txt; do
	{ printf "\\$(printf '%03o' $i)"; cat "rules/$f"; } >"$work/rules/seed-$i"
	i=$((i + 1))
done
cp tests/fuzz/seeds/rules/* "$work/rules/"
for t in message rules; do
	echo "== fuzz-$t for $secs s"
	ASAN_OPTIONS=detect_leaks=1 "_build/fuzz/tests/fuzz/fuzz-$t" \
		-max_total_time="$secs" -max_len=300000 -rss_limit_mb=4096 \
		-artifact_prefix="$work/findings/$t-" -print_final_stats=1 \
		"$work/$t" 2>"$work/$t.log" || { tail -n 60 "$work/$t.log"; exit 1; }
	grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ *DONE)' "$work/$t.log" || tail -n 5 "$work/$t.log"
done
