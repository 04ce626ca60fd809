#!/bin/sh
# TUI benchmarks (docs/bench/tui.md): sandbug's TUI in a pty against gdb/MI and a direct run,
# side by side in one run. Needs gdb and gcc; takes a few minutes (1 GB goes through the TUI).
#   scripts/bench-tui.sh            # 30 F10 rounds
#   ROUNDS=100 scripts/bench-tui.sh
set -eu
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
SANDBUG_BENCH=1 SANDBUG_BENCH_ROUNDS="${ROUNDS:-30}" SANDBUG_BENCH_OUT="$out" \
	go test ./tui -run '^TestBenchTUI$' -count=1 -timeout 30m -v >/dev/null
echo "## TUI ($(date -u +%Y-%m-%d), $(nproc) cores, $(gdb --version | head -1))"
echo
cat "$out"
