#!/usr/bin/env bash
# gdbmi benchmarks (docs/bench/gdbmi.md): parser throughput on the recorded corpus and the cost of
# one *stopped record, Conn round trip against raw pipes to gdb, and in the separate bench/ module
# the same corpus through gdbmi.Conn and github.com/cyrus-and/gdb side by side.
#
#   scripts/bench-gdbmi.sh                       # BENCHTIME=2s COUNT=5 by default
#   CYRUS_GDB_DIR=/path/to/checkout scripts/bench-gdbmi.sh   # use a local cyrus-and/gdb
#   RUNS=7 [CYRUS_GDB_DIR=...] scripts/bench-gdbmi.sh cyrus  # gdbmi vs cyrus-and/gdb only: parsers
#       alone (the corpus, one *stopped) and through a fake gdb, RUNS alternating runs, ratios
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

# cyrusmod DIR: a copy of bench/go.mod and go.sum in DIR that requires github.com/cyrus-and/gdb,
# from CYRUS_GDB_DIR (a checkout: git clone https://github.com/cyrus-and/gdb) or fetched with
# go get; fails when neither works.
cyrusmod() {
  cp bench/go.mod "$1/bench.mod"
  cp bench/go.sum "$1/bench.sum"
  if [ -n "${CYRUS_GDB_DIR:-}" ]; then
    go mod edit -modfile="$1/bench.mod" \
      -require=github.com/cyrus-and/gdb@v0.0.0-00010101000000-000000000000 \
      -replace=github.com/cyrus-and/gdb="$(cd "$CYRUS_GDB_DIR" && pwd)"
  else
    (cd bench && go get -modfile="$1/bench.mod" github.com/cyrus-and/gdb@latest)
  fi
}

if [ "${1:-}" = cyrus ]; then
  # Both parsers and both pipelines side by side: one test binary, RUNS runs that alternate which
  # library goes first, medians of the per-run ratios at the end.
  RUNS=${RUNS:-7}
  BENCHTIME=${BENCHTIME:-1s}
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  if ! cyrusmod "$tmp"; then
    echo "bench-gdbmi: github.com/cyrus-and/gdb cannot be fetched: set CYRUS_GDB_DIR to a checkout" >&2
    exit 1
  fi
  (cd bench && GOFLAGS=-mod=mod go test -modfile="$tmp/bench.mod" -tags cyrus -c -o "$tmp/bench.test" .)
  echo "== $(date -u +%FT%TZ) load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs; cyrus-and/gdb from ${CYRUS_GDB_DIR:-the module proxy}"
  echo "run pair lib ns/op MB/s B/op allocs/op"
  cd bench
  for i in $(seq "$RUNS"); do
    for pair in ParseLines ParseStopped Pipeline Stopped; do
      order="Cyrus Sandbug"
      if [ $((i % 2)) = 0 ]; then order="Sandbug Cyrus"; fi
      for lib in $order; do
        "$tmp/bench.test" -test.run '^$' -test.bench "^Benchmark$pair$lib\$" -test.benchmem \
          -test.benchtime "$BENCHTIME" |
          awk -v i="$i" -v p="$pair" -v l="$lib" '/^Benchmark/ {
            for (k = 3; k < NF; k += 2) m[$(k+1)] = $k
            print i, p, l, m["ns/op"], m["MB/s"], m["B/op"], m["allocs/op"] }'
      done
    done
  done | tee "$tmp/runs"
  echo "== medians over the runs (min to max): sandbug's speed-up over cyrus-and/gdb, per run"
  for pair in ParseLines ParseStopped Pipeline Stopped; do
    awk -v p="$pair" '$2 == p { t[$1 " " $3] = $4 } END {
        for (k in t) { split(k, a, " "); if (a[2] == "Cyrus" && ((a[1] " Sandbug") in t)) print t[k] / t[a[1] " Sandbug"] } }' \
      "$tmp/runs" | sort -g |
      awk -v p="$pair" '{v[NR] = $1} END {
        printf "%s: %.1fx (%.1f to %.1f, %d runs)\n", p, v[int((NR+1)/2)], v[1], v[NR], NR}'
    for lib in Cyrus Sandbug; do
      for col in 4:ns/op 5:MB/s 7:allocs/op; do
        awk -v p="$pair" -v l="$lib" -v f="${col%%:*}" '$2 == p && $3 == l {print $f}' "$tmp/runs" | sort -g |
          awk -v s="  $lib" -v c="${col#*:}" '{v[NR] = $1} END {
            f = c == "MB/s" ? "%.1f" : "%.0f"
            printf "%s %s: median " f " (" f " to " f ")\n", s, c, v[int((NR+1)/2)], v[1], v[NR]}'
      done
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

echo "== bench/: gdbmi vs cyrus-and/gdb, parsers alone and through a fake gdb"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if cyrusmod "$tmp"; then
  cd bench
  GOFLAGS=-mod=mod go test -modfile="$tmp/bench.mod" -tags cyrus -run '^$' -bench . -benchmem \
    -benchtime "$BENCHTIME" -count "$COUNT" .
else
  echo "bench-gdbmi: github.com/cyrus-and/gdb cannot be fetched here (set CYRUS_GDB_DIR): sandbug side only" >&2
  cd bench
  go test -run '^$' -bench . -benchmem -benchtime "$BENCHTIME" -count "$COUNT" .
fi
