#!/usr/bin/env bash
# Output to /dev/null: a program writing N bytes in 64 KiB writes, run directly, through
# sandbug-wrapper and through `sandbug run`, side by side with hyperfine (apt-get install hyperfine).
# Usage: scripts/bench-output.sh [BYTES...]   (default: 1 GiB and 32 GiB)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "bench-output: needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
go build -o "$tmp/" ./cmd/sandbug ./cmd/sandbug-wrapper
cat > "$tmp/flood.c" <<'C'
#include <stdlib.h>
#include <unistd.h>
static char buf[65536];
int main(int argc, char **argv) {
    long n = atol(argv[1]);
    while (n > 0) { ssize_t w = write(1, buf, n < 65536 ? n : 65536); if (w <= 0) return 1; n -= w; }
    return 0;
}
C
gcc -O2 -o "$tmp/flood" "$tmp/flood.c"
for n in "${@:-1073741824 34359738368}"; do
  for bytes in $n; do
    hyperfine -N --warmup 2 --runs 20 --output=null \
      "$tmp/flood $bytes" "$tmp/sandbug-wrapper -- $tmp/flood $bytes" "$tmp/sandbug run $tmp/flood $bytes"
  done
done
