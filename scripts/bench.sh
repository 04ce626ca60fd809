#!/usr/bin/env bash
# `make bench`: runs every scripts/bench-*.sh, keeps each one's output in a log folder
# (bench-logs/<UTC time>/NAME.txt, gitignored), and prints one markdown table of ratios: the rows
# of the Summary in BENCHMARKS.md, filled from the figures just measured.
#
#   scripts/bench.sh             # full run: each script with its own defaults (not timed yet)
#   QUICK=1 scripts/bench.sh     # smaller RUNS/ROUNDS for every script: a few minutes, noisier
#   LOGS=dir scripts/bench.sh    # another log folder
#   scripts/bench.sh --list      # the scripts it would run, one a line, and nothing else
#   scripts/bench.sh --table DIR # the table again from an earlier run's log folder, running nothing
#
# The figures are read from machine-readable lines only: Go benchmark lines (BenchmarkNAME-P N
# value unit value unit ...) and the scripts' own `metrics NAME value unit ...` lines in the same
# form (hyperfine medians, the launcher's Python timings, the TUI test). A script whose tool is
# missing is skipped and its rows say so; a script that fails is named, and the exit status is 1.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts=(scripts/bench-*.sh)
if [ "${1:-}" = --list ]; then
  printf '%s\n' "${scripts[@]}"
  exit 0
fi

declare -A status # NAME -> ok | failed ... | skipped: why; kept in $logs/status.txt for --table
failed=()
if [ "${1:-}" = --table ]; then
  logs=${2:?usage: scripts/bench.sh --table DIR}
  while IFS=$'\t' read -r name st; do
    status[$name]=$st
    case $st in failed*) failed+=("scripts/bench-$name.sh") ;; esac
  done <"$logs/status.txt"
else
  logs=${LOGS:-bench-logs/$(date -u +%Y-%m-%dT%H%M%SZ)}
  mkdir -p "$logs"
fi

# quick_env NAME: the settings that make scripts/bench-NAME.sh quick (see each script's header).
quick_env() {
  case $1 in
  wrapper) echo RUNS=50 REPEAT=3 GETPPID=2000000 ;;
  gdbmi) echo BENCHTIME=300ms COUNT=3 ;;
  launcher) echo N=20 ;;
  output) echo RUNS=5 ;;
  tui) echo ROUNDS=10 ;;
  peers) echo QUICK=1 ;;
  *) echo "bench: no QUICK settings for scripts/bench-$1.sh: it runs in full" >&2 ;;
  esac
}

# needs NAME: the optional tool scripts/bench-NAME.sh cannot run without.
needs() {
  case $1 in
  output | peers) echo hyperfine ;;
  esac
}

for s in "${scripts[@]}"; do
  [ "${1:-}" = --table ] && break
  name=${s#scripts/bench-}
  name=${name%.sh}
  tool=$(needs "$name")
  if [ -n "$tool" ] && ! command -v "$tool" >/dev/null; then
    status[$name]="skipped: $tool not installed (apt-get install $tool)"
    echo "bench: $s ${status[$name]}" | tee "$logs/$name.txt" >&2
    printf '%s\t%s\n' "$name" "${status[$name]}" >>"$logs/status.txt"
    continue
  fi
  settings=()
  if [ -n "${QUICK:-}" ]; then
    read -ra settings <<<"$(quick_env "$name")"
  fi
  echo "bench: $(date -u +%T) ${settings[*]} $s > $logs/$name.txt" >&2
  start=$SECONDS
  if env "${settings[@]}" "$s" >"$logs/$name.txt" 2>&1; then
    status[$name]=ok
  else
    status[$name]="failed (exit $?): see $logs/$name.txt"
    failed+=("$s")
  fi
  echo "bench: $s ${status[$name]} after $((SECONDS - start)) s" >&2
  printf '%s\t%s\n' "$name" "${status[$name]}" >>"$logs/status.txt"
done

# Every value unit pair of every machine-readable line: "script name unit value".
for f in "$logs"/*.txt; do
  case $f in */metrics.txt | */status.txt) continue ;; esac
  awk -v s="$(basename "$f" .txt)" '
    function pairs(n, k) { for (k = 3; k < NF; k += 2) print s, n, $(k + 1), $k }
    /^Benchmark[^ \t]*[ \t]+[0-9]+[ \t]/ { n = $1; sub(/^Benchmark/, "", n); sub(/-[0-9]+$/, "", n); pairs(n) }
    /^metrics / { pairs($2) }' "$f"
done >"$logs/metrics.txt"

# m SCRIPT NAME UNIT [median|min|max|count]: that figure over the lines that report it (-count
# runs), the median by default; empty when no line does or the script did not run through.
m() {
  [ "${status[$1]:-}" = ok ] || return 0
  awk -v s="$1" -v n="$2" -v u="$3" '$1 == s && $2 == n && $3 == u { print $4 }' "$logs/metrics.txt" |
    sort -g | awk -v w="${4:-median}" '{ v[NR] = $1 } END {
      if (NR) print w == "min" ? v[1] : w == "max" ? v[NR] : w == "count" ? NR : v[int((NR + 1) / 2)] }'
}

# calc FORMAT EXPR...: printf FORMAT with awk's values of the expressions.
calc() {
  local f=$1
  shift
  local IFS=,
  awk "BEGIN { printf \"$f\", $* }"
}

# opt FORMAT VALUE: printf FORMAT VALUE, or nothing when VALUE is empty (a baseline's own figure).
opt() { if [ -n "$2" ]; then calc "$1" "$2"; fi; }

# have SCRIPT FIGURE...: true when every figure is there; otherwise prints why the row is empty.
have() {
  local s=$1 x
  shift
  if [ "${status[$s]:-}" != ok ]; then
    echo "${status[$s]:-not run (scripts/bench-$s.sh missing?)}"
    return 1
  fi
  for x in "$@"; do
    if [ -z "$x" ]; then
      echo "no figure in $logs/$s.txt"
      return 1
    fi
  done
}

row() { printf '| %s | %s | %s | %s |\n' "$@"; }

echo
echo "## make bench, $(date -u '+%Y-%m-%d %H:%M UTC')${QUICK:+ (QUICK=1)}: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); logs in $logs"
echo
row what "baseline (same run)" result reproduce
echo '|---|---|---|---|'

# wrapper
W=wrapper
t=$(m $W WrapperStartup true-ms) a=$(m $W WrapperStartup added-ms) h=$(m $W WrapperStartupHyperfine added-ms)
r=$(have $W "$a" "$t") && r=$(calc '+%.2f ms (median of interleaved runs); hyperfine ' "$a") &&
  if [ -n "$h" ]; then r+=$(calc '+%.2f ms' "$h"); else r+="not installed"; fi
row 'wrapper start-up: `sandbug-wrapper -- /bin/true`' "\`/bin/true\`$(opt ' (%.2f ms)' "$t")" "$r" '`scripts/bench-wrapper.sh`'
j=$(m $W JailStartup jail-added-ms) jc=$(m $W JailStartup jail-added-cpu-ms) nj=$(m $W JailStartup nojail-ms)
r=$(have $W "$j" "$jc") && r=$(calc '%+.2f ms wall, %+.2f ms CPU (medians of paired differences)' "$j" "$jc")
row 'Landlock jail at start-up: `sandbug-wrapper -- /bin/true`' "\`--no-jail\`, interleaved pairs$(opt ' (%.2f ms)' "$nj")" "$r" '`scripts/bench-wrapper.sh`'
o=$(m $W JailOpenHeavy ratio) on=$(m $W JailOpenHeavy nojail-ns/open) of=$(m $W JailOpenHeavy landlock-floor-ratio)
r=$(have $W "$o" "$of") && r=$(calc '%.3fx (Landlock'"'"'s own floor, one rule in C: %.3fx)' "$o" "$of")
row '100k open+close in the working folder, jailed' "\`--no-jail\`, interleaved$(opt ' (%.0f ns/open)' "$on")" "$r" '`scripts/bench-wrapper.sh`'
p=$(m $W WrapperGetppid unfiltered-ns/call) x=$(m $W WrapperGetppid ratio) n=$(m $W WrapperSettings getppid-calls)
r=$(have $W "$x" "$n") && r=$(calc '%.2fx (%d calls)' "$x" "$n")
row '10M `getppid` under the default profile' "the same loop unfiltered$(opt ' (%.0f ns/call)' "$p")" "$r" '`scripts/bench-wrapper.sh`'
k=$(m $W SupervisorRoundTrip kernel-errno-p50-us) v=$(m $W SupervisorRoundTrip supervised-p50-us)
r=$(have $W "$k" "$v") && r=$(calc 'median %.1f µs (%.0fx the kernel errno)' "$v" "$v / $k")
row 'one denied call reported through the supervisor' "the kernel's own \`SECCOMP_RET_ERRNO\`$(opt ' (%.2f µs)' "$k")" "$r" '`scripts/bench-wrapper.sh`'
c=$(m $W SupervisorRoundTrip counted) e=$(m $W SupervisorRoundTrip event-sum) rss=$(m $W SupervisorRoundTrip peak-RSS-MB)
n=$(m $W WrapperSettings denied-calls)
r=$(have $W "$c" "$e" "$rss" "$n") && if [ "$c" = "$n" ] && [ "$e" = "$n" ]; then
  r=$(calc 'all %d counted, in `Stats()` and in event counts; peak RSS %.0f MB' "$n" "$rss")
else
  r=$(calc '**%d and %d of %d** counted in `Stats()` and in event counts; peak RSS %.0f MB' "$c" "$e" "$n" "$rss")
fi
row '100k denied calls through the supervisor' '' "$r" '`scripts/bench-wrapper.sh`'
row '1,000,000 denied calls, deliberately slow reader' '' 'not run by `make bench` (a test)' '`go test ./wrapper -run TestSupervisorFlood -v`'
row 'BPF path length per call (default / strict profile)' "go-seccomp-bpf's linear chain for the same sets" 'not run by `make bench` (a test)' '`go test ./wrapper/policy -run ProgramShape -v`'

# gdbmi
G=gdbmi
c=$(m $G ParseCorpus cpu-MB/s) w=$(m $G ParseCorpus MB/s)
r=$(have $G "$c" "$w") && r=$(calc '%.0f MB/s CPU time (%.0f MB/s wall)' "$c" "$w")
row 'MI parse throughput on the recorded corpus' '' "$r" '`scripts/bench-gdbmi.sh`'
n=$(m $G ParseStopped ns/op) c=$(m $G ParseStopped cpu-ns/op) a=$(m $G ParseStopped allocs/op)
r=$(have $G "$n" "$c" "$a") && r=$(calc '%.1f µs (%.1f µs CPU time), %d allocations' "$n / 1000" "$c / 1000" "$a")
row 'one `*stopped` record' '' "$r" '`scripts/bench-gdbmi.sh`'
ls=$(m $G ParseLinesSandbug ns/op) lc=$(m $G ParseLinesCyrus ns/op) ms=$(m $G ParseLinesSandbug MB/s) mc=$(m $G ParseLinesCyrus MB/s)
ss=$(m $G ParseStoppedSandbug ns/op) sc=$(m $G ParseStoppedCyrus ns/op)
as=$(m $G ParseStoppedSandbug allocs/op) ac=$(m $G ParseStoppedCyrus allocs/op)
ps=$(m $G PipelineSandbug ns/op) pc=$(m $G PipelineCyrus ns/op)
if [ "${status[$G]:-}" = ok ] && [ -n "$ls" ] && [ -z "$lc" ]; then
  r="skipped: github.com/cyrus-and/gdb could not be fetched (set CYRUS_GDB_DIR to a checkout)"
else
  r=$(have $G "$ls" "$lc" "$ms" "$mc" "$ss" "$sc" "$as" "$ac" "$ps" "$pc") &&
    r=$(calc '**%.1fx** on the recorded corpus (%.1f vs %.1f MB/s); `*stopped`: %.1fx (%.1f vs %.1f µs, %d vs %d allocs); whole client through a fake gdb %.1fx' \
      "$lc / $ls" "$ms" "$mc" "$sc / $ss" "$ss / 1000" "$sc / 1000" "$as" "$ac" "$pc / $ps")
fi
row 'parse throughput vs github.com/cyrus-and/gdb' 'its own parser (reached by `go:linkname`) on the same lines' "$r" '`RUNS=7 CYRUS_GDB_DIR=<checkout> scripts/bench-gdbmi.sh cyrus`'
o=$(m $G RoundTripPaired med-overhead-%)
r=$(have $G "$o") && r=$(calc '**%+.1f %%** median of %d runs (%+.1f to %+.1f %%)' "$o" \
  "$(m $G RoundTripPaired med-overhead-% count)" "$(m $G RoundTripPaired med-overhead-% min)" "$(m $G RoundTripPaired med-overhead-% max)")
row 'command round trip through `gdbmi.Conn`' 'the same commands on a raw pipe to gdb, alternating blocks' "$r" '`RUNS=9 BENCHTIME=2s BASE=f0c353c scripts/bench-gdbmi.sh roundtrip`'

# launcher and output
L=launcher O=output
a=$(m $L LauncherStartup added-ms) w=$(m $L LauncherStartup wrapper-ms)
r=$(have $L "$a") && r=$(calc '%+.1f ms' "$a")
row '`sandbug run prog` start-up' "\`sandbug-wrapper -- prog\`, interleaved$(opt ' (%.1f ms)' "$w")" "$r" '`STARTUP_ONLY=1 scripts/bench-launcher.sh`'
x=$(m $L LauncherThroughputPipe ratio)
r=$(have $L "$x") && r=$(calc '%.2fx' "$x")
row '1 GiB to stdout through `sandbug run`' 'the program run directly, same pipe to `cat >/dev/null`' "$r" '`scripts/bench-launcher.sh`'
for size in 1073741824:'1 GiB' 34359738368:'32 GiB'; do
  n=Output${size%%:*}
  d=$(m $O "$n" direct-ms) rr=$(m $O "$n" run-ratio) wr=$(m $O "$n" wrapper-ratio) rm=$(m $O "$n" run-ms) wm=$(m $O "$n" wrapper-ms)
  r=$(have $O "$d" "$rr" "$wr" "$rm" "$wm") &&
    r=$(calc '%.2fx `sandbug run` (%.1f ms), %.2fx the wrapper alone (%.1f ms)' "$rr" "$rm" "$wr" "$wm")
  row "${size#*:} to stdout, both to \`/dev/null\`" "the program run directly$(opt ': %.1f ms' "$d")" "$r" '`scripts/bench-output.sh` (hyperfine)'
done
x=$(m $L Next200 session/direct)
r=$(have $L "$x") && r=$(calc '%.3fx' "$x")
row '200 `next` steps through a launcher session' 'the same MI commands to gdb directly' "$r" '`go test -run XXX -bench Next200 -benchtime 3x -count 3 ./launcher/`'
x=$(m $L StepInspect200 session/direct)
r=$(have $L "$x") && r=$(calc '%.3fx' "$x")
row '200 steps with the stack and locals read after each (an F10 without the UI)' 'the same MI commands to gdb directly' "$r" '`go test -run XXX -bench StepInspect200 -benchtime 3x ./launcher/`'

# tui
T=tui
n=$(m $T TUI next-ms) g=$(m $T TUI gdb-next-ms) f=$(m $T TUI ui-floor-ms)
r=$(have $T "$n" "$g" "$f") && r=$(calc '%+.1f ms at the median (the UI'"'"'s own floor for any key: %.1f ms)' "$n - $g" "$f")
row 'F10 to the updated frame in the TUI' "gdb's own \`-exec-next\`$(opt ' (%.1f ms)' "$g")" "$r" '`scripts/bench-tui.sh`'
n=$(m $T TUI first-frame-ms) g=$(m $T TUI gdb-to-main-ms)
r=$(have $T "$n" "$g") && r=$(calc '%+.0f ms' "$n - $g")
row 'first frame after start' "gdb loading the program and running to main$(opt ' (%.0f ms)' "$g")" "$r" '`scripts/bench-tui.sh`'
x=$(m $T TUI flood-rss-MB)
r=$(have $T "$x") && r=$(calc '%.0f MB' "$x")
row "a program printing 1 GB in the TUI: sandbug's RSS" '' "$r" '`scripts/bench-tui.sh`'
k=$(m $T TUI flood-keys) a=$(m $T TUI flood-key-median-ms) x=$(m $T TUI flood-key-max-ms)
r=$(have $T "$k" "$a" "$x") && r=$(calc 'median %.0f ms, worst %.0f ms in %d presses' "$a" "$x" "$k")
row 'the same: a key (F1) to the help card' '' "$r" '`scripts/bench-tui.sh`'
x=$(m $T TUI idle-cpu-%)
r=$(have $T "$x") && r=$(calc '%.1f %% of one core' "$x")
row 'idle CPU, program stopped' '' "$r" '`scripts/bench-tui.sh`'

# peers (issue 17): sandbug against bwrap, firejail, cgdb and gdb -tui in the same run
P=peers
s=$(m $P PeersStartup run-ms) b=$(m $P PeersStartup bwrap-ms) f=$(m $P PeersStartup firejail-ms)
r=$(have $P "$s") && r=$(calc '%.1f ms' "$s") && {
  if [ -n "$b" ]; then r+=$(calc ', %.2fx bwrap (%.1f ms)' "$s / $b" "$b"); else r+=', bwrap not installed'; fi
  if [ -n "$f" ]; then r+=$(calc ', %.2fx firejail (%.1f ms)' "$s / $f" "$f"); else r+=', firejail not installed'; fi
}
row '`sandbug run ./true` start-up against the peers' 'bwrap, firejail (same hyperfine run)' "$r" '`scripts/bench-peers.sh`'
w=$(m $P PeersStartup wrapper-ms) c=$(m $P PeersStartup cfloor-ms) g=$(m $P PeersStartup gofloor-ms)
r=$(have $P "$w" "$c" "$g") && r=$(calc '%.1f ms against %.1f ms: %.2fx (a Go program that only execs: %.1f ms, %.2fx)' "$w" "$c" "$w / $c" "$g" "$g / $c")
row '`sandbug-wrapper -- ./true` against the C floor' 'NNP + the same filter + exec in C (same hyperfine run)' "$r" '`scripts/bench-peers.sh`'
d=$(m $P PeersDenied run-ms) c=$(m $P PeersDenied cfloor-ms)
r=$(have $P "$d" "$c") && r=$(calc '%.0f ms against %.0f ms: %.2fx' "$d" "$c" "$d / $c")
row '100k denied calls reported by `sandbug run`' 'a C USER_NOTIF supervisor with SYNC_WAKE_UP (same hyperfine run)' "$r" '`scripts/bench-peers.sh`'
s=$(m $P PeersTUI sandbug-first-ms) c=$(m $P PeersTUI cgdb-first-ms) g=$(m $P PeersTUI gdbtui-first-ms)
r=$(have $P "$s") && r=$(calc '%.0f ms' "$s") && {
  if [ -n "$c" ]; then r+=$(calc ', %.2fx cgdb (%.0f ms)' "$s / $c" "$c"); else r+=', cgdb not installed'; fi
  if [ -n "$g" ]; then r+=$(calc ', %.2fx gdb -tui (%.0f ms)' "$s / $g" "$g"); else r+=', gdb -tui not run'; fi
}
row 'TUI launch to the source at `main` against the peers' 'cgdb, `gdb -tui` (same run, tmux)' "$r" '`scripts/bench-peers.sh`'

# A script with no rows above still shows up, so a new one is not silently left out of the table.
for s in "${scripts[@]}"; do
  name=${s#scripts/bench-}
  name=${name%.sh}
  case $name in wrapper | gdbmi | launcher | output | tui | peers) continue ;; esac
  row "\`$s\`" '' "${status[$name]}; no Summary row yet: see $logs/$name.txt" "\`$s\`"
done

# The peers' own table (every tool, every ratio), as scripts/bench-peers.sh printed it.
if [ "${status[peers]:-}" = ok ]; then
  echo
  sed -n '/^## Peers/,/^metrics /{/^metrics /!p}' "$logs/peers.txt"
fi

if [ ${#failed[@]} -gt 0 ]; then
  echo >&2
  echo "bench: failed: ${failed[*]} (logs in $logs)" >&2
  exit 1
fi
