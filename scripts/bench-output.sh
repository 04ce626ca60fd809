#!/usr/bin/env bash
# Output to /dev/null: a program writing N bytes in 64 KiB writes, run directly, through
# sandbug-wrapper and through `sandbug run`, side by side with hyperfine (apt-get install hyperfine).
# Usage: [RUNS=20] scripts/bench-output.sh [BYTES...]   (default: 1 GiB and 32 GiB, 20 runs each)
# After each size, one `metrics Output<BYTES> ...` line: the medians and the ratios to the direct run.
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
RUNS=${RUNS:-20}
for n in "${@:-1073741824 34359738368}"; do
  for bytes in $n; do
    hyperfine -N --warmup 2 --runs "$RUNS" --output=null --export-json "$tmp/h.json" \
      "$tmp/flood $bytes" "$tmp/sandbug-wrapper -- $tmp/flood $bytes" "$tmp/sandbug run $tmp/flood $bytes"
    python3 - "$tmp/h.json" "$bytes" <<'PY'
import json, sys
d, w, r = (x["median"] * 1e3 for x in json.load(open(sys.argv[1]))["results"])
print(f"metrics Output{sys.argv[2]} {d:.2f} direct-ms {w:.2f} wrapper-ms {r:.2f} run-ms "
      f"{d / w:.3f} wrapper-ratio {d / r:.3f} run-ratio")
PY
  done
done
