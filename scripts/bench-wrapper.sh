#!/usr/bin/env bash
# Benchmarks of sandbug-wrapper and the supervisor, each beside its baseline in the same run.
# Results go to stdout; docs/bench/wrapper.md records a run. Needs go and gcc; runs as root or
# not (as root the wrapper also drops to nobody, as it does in real use).
#
#   scripts/bench-wrapper.sh                 # full run (about a minute on an idle machine)
#   RUNS=50 REPEAT=3 scripts/bench-wrapper.sh  # quicker
#
# The measurements are Go benchmarks in wrapper/bench_linux_test.go (no external tool needed):
#   WrapperStartup       `sandbug-wrapper -- /bin/true` vs `/bin/true`, RUNS interleaved runs each, medians
#   WrapperGetppid       C loop of GETPPID getppid calls, default profile vs unfiltered, REPEAT runs, medians
#   SupervisorRoundTrip  DENIED denied calls timed one by one in the program: supervisor vs kernel errno,
#                        medians, plus exact count and the supervisor process's peak RSS
#   JailStartup          `sandbug-wrapper -- /bin/true` vs `--no-jail`, RUNS pairs in alternating order:
#                        medians of the per-pair wall and CPU-time differences (bench_jail_linux_test.go)
#   JailOpenHeavy        100k open+close of a file in the program's folder, jail vs --no-jail, REPEAT runs,
#                        and Landlock's own floor (the loop in a one-rule domain it sets itself)
# When hyperfine is installed, the start-up comparison is repeated with it as a cross-check.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-200}
REPEAT=${REPEAT:-5}
GETPPID=${GETPPID:-10000000}
DENIED=${DENIED:-100000}

echo "# $(date -u '+%Y-%m-%d %H:%M UTC') $(uname -r) $(nproc) CPUs, load: $(cut -d' ' -f1-3 /proc/loadavg), uid $(id -u)"
echo "# SANDBUG_BENCH_RUNS=$RUNS SANDBUG_BENCH_REPEAT=$REPEAT SANDBUG_BENCH_GETPPID=$GETPPID SANDBUG_BENCH_DENIED=$DENIED \\"
echo "#   go test -run '^\$' -bench 'WrapperStartup|WrapperGetppid|SupervisorRoundTrip|Jail' -benchtime 1x ./wrapper"
echo "metrics WrapperSettings $RUNS runs $REPEAT repeat $GETPPID getppid-calls $DENIED denied-calls"
SANDBUG_BENCH_RUNS=$RUNS SANDBUG_BENCH_REPEAT=$REPEAT SANDBUG_BENCH_GETPPID=$GETPPID SANDBUG_BENCH_DENIED=$DENIED \
	go test -run '^$' -bench 'WrapperStartup|WrapperGetppid|SupervisorRoundTrip|Jail' -benchtime 1x ./wrapper |
	grep -E '^(Benchmark|ok|FAIL)' | sed -E 's/\t+/ /g; s/ +/ /g'

if command -v hyperfine >/dev/null; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	go build -o "$tmp/sandbug-wrapper" ./cmd/sandbug-wrapper
	echo "# hyperfine cross-check of start-up"
	hyperfine -N --warmup 20 --runs "$RUNS" --export-json "$tmp/h.json" \
		'/bin/true' "$tmp/sandbug-wrapper -- /bin/true" >/dev/null
	python3 - "$tmp/h.json" <<'PY'
import json, sys
t, w = (r["median"] * 1e3 for r in json.load(open(sys.argv[1]))["results"])
print("hyperfine median: true %.3f ms, wrapper %.3f ms, added %.3f ms" % (t, w, w - t))
print("metrics WrapperStartupHyperfine %.3f added-ms %.3f true-ms %.3f wrapper-ms" % (w - t, t, w))
PY
else
	echo "# hyperfine not installed: start-up measured by the Go benchmark only"
fi
