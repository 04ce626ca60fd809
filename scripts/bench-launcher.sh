#!/bin/sh
# Benchmarks of the launcher and `sandbug run` (docs/bench/launcher.md). Every figure is a
# ratio against a baseline measured side by side in the same run (interleaved, medians).
#   scripts/bench-launcher.sh            # start-up (N=60), 1 GB throughput (3 runs), Go benchmarks
#   STARTUP_ONLY=1 scripts/bench-launcher.sh            # the start-up part alone
#   BEFORE=<commit> STARTUP_ONLY=1 scripts/bench-launcher.sh
#                                        # also times `sandbug` built from <commit> (git archive into
#                                        # the temp dir), side by side with the working tree's
# Needs: go, gcc, gdb, python3. Runs as root or not (as root the wrapper runs programs as nobody).
set -eu
cd "$(dirname "$0")/.."
N=${N:-60}
T=$(mktemp -d /tmp/sandbug-bench-XXXXXX)
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT
go build -o "$T/" ./cmd/sandbug ./cmd/sandbug-wrapper ./cmd/sandbug-keeper
# The same sandbug without the TUI linked in: tells the launcher's own cost from the UI packages'
# initialisation, which every `sandbug run` pays too.
go build -tags notui -o "$T/sandbug-notui" ./cmd/sandbug
if [ -n "${BEFORE:-}" ]; then
	mkdir "$T/before-src"
	git archive "$BEFORE" | tar -x -C "$T/before-src"
	(cd "$T/before-src" && go build -o "$T/sandbug-before" ./cmd/sandbug)
	rm -rf "$T/before-src"
fi
printf 'int main(void) { return 0; }\n' > "$T/true.c"
cat > "$T/flood.c" <<'C'
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv) {
	long n = atol(argv[1]); static char buf[65536]; memset(buf, 'x', sizeof buf);
	while (n > 0) { ssize_t w = write(1, buf, n < (long)sizeof buf ? n : (long)sizeof buf); if (w <= 0) return 1; n -= w; }
	return 0;
}
C
gcc -O2 -o "$T/true" "$T/true.c"
gcc -O2 -o "$T/flood" "$T/flood.c"
chmod 755 "$T"/*

python3 - "$T" "$N" "${BEFORE:-}" "${STARTUP_ONLY:-}" <<'PY'
import os, subprocess, sys, time, statistics
T, N, BEFORE, STARTUP_ONLY = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
dn = open(os.devnull, "wb")
def run(argv, stdout=dn):
    t = time.perf_counter()
    subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=stdout, stderr=dn, check=False)
    return time.perf_counter() - t
cases = {
    "prog": [f"{T}/true"],
    "sandbug-wrapper -- prog": [f"{T}/sandbug-wrapper", "--", f"{T}/true"],
    "sandbug run prog": [f"{T}/sandbug", "run", f"{T}/true"],
    "sandbug-notui run prog": [f"{T}/sandbug-notui", "run", f"{T}/true"],
    "sandbug --version": [f"{T}/sandbug", "--version"],
    "sandbug-notui --version": [f"{T}/sandbug-notui", "--version"],
}
if BEFORE:
    cases[f"sandbug@{BEFORE[:7]} run prog"] = [f"{T}/sandbug-before", "run", f"{T}/true"]
    cases[f"sandbug@{BEFORE[:7]} --version"] = [f"{T}/sandbug-before", "--version"]
times = {k: [] for k in cases}
for i in range(N):
    for k, argv in cases.items():
        times[k].append(run(argv))
med = {k: statistics.median(v) * 1000 for k, v in times.items()}
print(f"start-up, median of {N} interleaved runs (trivial program, output to /dev/null):")
for k in cases:
    print(f"  {k:32s} {med[k]:7.2f} ms")
print(f"  sandbug run adds {med['sandbug run prog'] - med['sandbug-wrapper -- prog']:.2f} ms over the wrapper "
      f"(target <= 10 ms); wrapper adds {med['sandbug-wrapper -- prog'] - med['prog']:.2f} ms over the program")
print(f"  without the TUI linked in, sandbug run adds {med['sandbug-notui run prog'] - med['sandbug-wrapper -- prog']:.2f} ms over the wrapper; "
      f"the TUI packages' init costs {med['sandbug --version'] - med['sandbug-notui --version']:.2f} ms per start")
# The same figures as value unit pairs on one line, for scripts/bench.sh's summary table.
print(f"metrics LauncherStartup {med['sandbug run prog'] - med['sandbug-wrapper -- prog']:.2f} added-ms "
      f"{med['sandbug-wrapper -- prog']:.2f} wrapper-ms {med['sandbug run prog']:.2f} run-ms {N} runs")
if BEFORE:
    b = med[f"sandbug@{BEFORE[:7]} run prog"]
    print(f"  sandbug@{BEFORE[:7]} run adds {b - med['sandbug-wrapper -- prog']:.2f} ms over the wrapper")
if STARTUP_ONLY:
    sys.exit(0)

GB = str(1 << 30)
def piped(argv):
    # stdout is a pipe read to the end by cat, which writes to /dev/null: bytes really move.
    t = time.perf_counter()
    p1 = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=dn)
    p2 = subprocess.Popen(["cat"], stdin=p1.stdout, stdout=dn)
    p1.stdout.close()
    p2.wait(); p1.wait()
    return time.perf_counter() - t
for name, label, f in (("Null", "stdout = /dev/null", run), ("Pipe", "stdout = a pipe to cat > /dev/null", piped)):
    tp = {"direct": [], "sandbug run": []}
    for i in range(3):
        tp["direct"].append(f([f"{T}/flood", GB]))
        tp["sandbug run"].append(f([f"{T}/sandbug", "run", f"{T}/flood", "--", GB]))
    md, ms = statistics.median(tp["direct"]), statistics.median(tp["sandbug run"])
    print(f"throughput, 1 GiB, {label}, median of 3 interleaved runs:")
    print(f"  direct       {md:6.3f} s  {1024/md:8.0f} MiB/s")
    print(f"  sandbug run  {ms:6.3f} s  {1024/ms:8.0f} MiB/s   ratio {md/ms:.2f}x of direct (target >= 0.8x)")
    print(f"metrics LauncherThroughput{name} {md/ms:.3f} ratio {md*1000:.1f} direct-ms {ms*1000:.1f} run-ms")
PY
[ -n "${STARTUP_ONLY:-}" ] && exit 0

echo "Go benchmarks (launcher): 200 next through the session vs the same MI to gdb directly;"
echo "output through a run session's event stream (IOPipe, the TUI's path) vs a direct pipe:"
go test -run XXX -bench 'Next200|StepInspect200|Output|StopAtBlocked' -benchtime 3x ./launcher/ | grep -E '^Benchmark'
