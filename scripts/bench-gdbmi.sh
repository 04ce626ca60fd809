#!/usr/bin/env bash
# gdbmi benchmarks (docs/bench/gdbmi.md): parser throughput on the recorded corpus and the cost of
# one *stopped record, Conn round trip against raw pipes to gdb, and in the separate bench/ module
# the same corpus through gdbmi.Conn and github.com/cyrus-and/gdb side by side.
#
#   scripts/bench-gdbmi.sh                       # BENCHTIME=2s COUNT=5 by default
#   CYRUS_GDB_DIR=/path/to/checkout scripts/bench-gdbmi.sh   # use a local cyrus-and/gdb
#
# cyrus-and/gdb is fetched with `go get` into a temporary copy of bench/go.mod (-modfile), so no
# committed go.mod ever requires it; when it cannot be fetched only the sandbug side runs.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCHTIME=${BENCHTIME:-2s}
COUNT=${COUNT:-5}

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
