#!/usr/bin/env bash
# gdbmi benchmarks (docs/bench/gdbmi.md): parser throughput on the recorded corpus and the cost of
# one *stopped record, Conn round trip against raw pipes to gdb, and in the separate bench/ module
# the same corpus through gdbmi.Conn and github.com/cyrus-and/gdb side by side.
#
#   scripts/bench-gdbmi.sh                       # BENCHTIME=2s COUNT=5 by default
#   CYRUS_GDB_DIR=/path/to/checkout scripts/bench-gdbmi.sh   # use a local cyrus-and/gdb
#   BASE=<commit> RUNS=7 scripts/bench-gdbmi.sh roundtrip     # Conn round trip vs raw gdb only,
#       this tree against BASE's gdbmi (built with this tree's bench_test.go), RUNS alternating
#       runs of BenchmarkRoundTripPaired each (BENCHTIME=2s), medians over the runs at the end
#
# cyrus-and/gdb is fetched with `go get` into a temporary copy of bench/go.mod (-modfile), so no
# committed go.mod ever requires it; when it cannot be fetched only the sandbug side runs.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCHTIME=${BENCHTIME:-2s}
COUNT=${COUNT:-5}

if [ "${1:-}" = roundtrip ]; then
  RUNS=${RUNS:-7}
  BENCHTIME=${BENCHTIME:-2s}
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  go test -c -o "$tmp/new.test" ./gdbmi/
  sides=new
  if [ -n "${BASE:-}" ]; then
    mkdir "$tmp/base"
    git archive "$BASE" | tar -x -C "$tmp/base"
    cp gdbmi/bench_test.go "$tmp/base/gdbmi/"
    (cd "$tmp/base" && go test -c -o "$tmp/base.test" ./gdbmi/)
    sides="base new"
  fi
  echo "== $(date -u +%FT%TZ) load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs; base=${BASE:-none}"
  echo "side run load med-overhead-% mean-overhead-% conn-med-ns raw-med-ns"
  cd gdbmi
  for i in $(seq "$RUNS"); do
    order=$sides
    if [ $((i % 2)) = 0 ]; then order=$(echo "$sides" | tr ' ' '\n' | tac | tr '\n' ' '); fi
    for s in $order; do
      load=$(cut -d' ' -f1 /proc/loadavg)
      "$tmp/$s.test" -test.run '^$' -test.bench 'RoundTripPaired$' -test.benchtime "$BENCHTIME" |
        awk -v s="$s" -v i="$i" -v l="$load" '/^BenchmarkRoundTripPaired/ {
          for (k = 3; k < NF; k += 2) m[$(k+1)] = $k
          print s, i, l, m["med-overhead-%"], m["overhead-%"], m["conn-med-ns"], m["raw-med-ns"] }'
    done
  done | tee "$tmp/runs"
  echo "== medians over the runs (min to max)"
  for s in $sides; do
    for col in 4:med-overhead-% 5:mean-overhead-% 6:conn-med-ns 7:raw-med-ns; do
      awk -v s="$s" -v f="${col%%:*}" '$1 == s {print $f}' "$tmp/runs" | sort -g |
        awk -v s="$s" -v c="${col#*:}" '{v[NR] = $1}
          END {printf "%s %s: median %.1f (%.1f to %.1f, %d runs)\n", s, c, v[int((NR+1)/2)], v[1], v[NR], NR}'
    done
  done
  echo "== end $(date -u +%FT%TZ) load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi

echo "== $(date -u +%FT%TZ) load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
go version
gdb --version | head -1

echo "== gdbmi: parser and round trip"
go test -run '^$' -bench 'Parse|RoundTrip' -benchtime "$BENCHTIME" -count "$COUNT" ./gdbmi/

echo "== bench/: gdbmi.Conn vs cyrus-and/gdb through a fake gdb"
cd bench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp go.mod "$tmp/bench.mod"
cp go.sum "$tmp/bench.sum"
have=0
if [ -n "${CYRUS_GDB_DIR:-}" ]; then
  go mod edit -modfile="$tmp/bench.mod" \
    -require=github.com/cyrus-and/gdb@v0.0.0-00010101000000-000000000000 \
    -replace=github.com/cyrus-and/gdb="$CYRUS_GDB_DIR"
  have=1
elif go get -modfile="$tmp/bench.mod" github.com/cyrus-and/gdb@latest; then
  have=1
fi
if [ "$have" = 1 ]; then
  GOFLAGS=-mod=mod go test -modfile="$tmp/bench.mod" -tags cyrus -run '^$' -bench . \
    -benchtime "$BENCHTIME" -count "$COUNT" .
else
  echo "bench-gdbmi: github.com/cyrus-and/gdb cannot be fetched here: sandbug side only" >&2
  go test -run '^$' -bench . -benchtime "$BENCHTIME" -count "$COUNT" .
fi
