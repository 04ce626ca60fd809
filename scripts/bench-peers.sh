#!/usr/bin/env bash
# Peers (issue 17, item 4): sandbug side by side, in the same run, with the tools a user would pick
# instead: bwrap and firejail for running, cgdb and `gdb -tui` for debugging. Prints one markdown
# table with medians and the ratio sandbug / that tool, plus `metrics Peers...` lines for bench.sh.
#
#   scripts/bench-peers.sh           # 50 hyperfine runs, 5 TUI launches per tool, 10 s idle
#   QUICK=1 scripts/bench-peers.sh   # 10 hyperfine runs, 3 TUI launches (not timed; a run of 3/2/1 took 38 s)
#   RUNS=.. BIGRUNS=.. TUIRUNS=.. IDLE=..   each figure on its own
#
# Needs gcc, python3 and hyperfine (apt-get install hyperfine); tmux for the TUI rows. A missing
# peer (apt-get install bubblewrap firejail cgdb) is named and only its row is skipped.
# Measures only; runs as root here, and sandbug runs the program as nobody, so the programs are
# built in a world-readable folder.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${QUICK:-}" ]; then
  RUNS=${RUNS:-10} BIGRUNS=${BIGRUNS:-5} TUIRUNS=${TUIRUNS:-3}
else
  RUNS=${RUNS:-50} BIGRUNS=${BIGRUNS:-10} TUIRUNS=${TUIRUNS:-5}
fi
IDLE=${IDLE:-10}

for t in gcc python3 hyperfine; do
  command -v "$t" >/dev/null || { echo "bench-peers: needs $t (apt-get install $t)" >&2; exit 2; }
done

tmp=$(mktemp -d)
trap 'tmux kill-session -t "peers$$" 2>/dev/null || true; rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
# As `make build` builds them: static, cgo-free, with the keeper that `run` starts.
BIN="$tmp" make -s build >&2
sandbug=$tmp/sandbug wrapper=$tmp/sandbug-wrapper

# The C floors (issue 17): the least a seccomp wrapper does (no_new_privs, sandbug's own default
# filter, exec) and the least a USER_NOTIF supervisor does (receive, answer EPERM, count, with
# SYNC_WAKE_UP), both installing the very program sandbug-wrapper compiles (scripts/floors).
go run ./scripts/floors/dumpbpf.go default >"$tmp/filter.bpf"
go run ./scripts/floors/dumpbpf.go -notify default >"$tmp/notify.bpf"
gcc -O2 -o "$tmp/floor-wrapper" scripts/floors/floor-wrapper.c
gcc -O2 -o "$tmp/floor-notify" scripts/floors/floor-notify.c
CGO_ENABLED=0 go build -trimpath -o "$tmp/goexec" scripts/floors/goexec.go

# The programs: a `true`, 100k denied calls, 1 GiB to stdout, and a main with a marked line.
cat >"$tmp/true.c" <<'C'
int main(void) { return 0; }
C
# PTRACE_ATTACH to its own process fails with EPERM in the kernel itself (a process cannot attach
# to its own thread group), so the direct run is 100k fast kernel failures, no side effect; under
# sandbug the default profile denies every ptrace with EPERM and reports each one.
cat >"$tmp/denied.c" <<'C'
#include <sys/ptrace.h>
#include <unistd.h>
int main(void) {
    pid_t self = getpid();
    for (int i = 0; i < 100000; i++) ptrace(PTRACE_ATTACH, self, 0, 0);
    return 0;
}
C
cat >"$tmp/flood.c" <<'C'
#include <stdlib.h>
#include <unistd.h>
static char buf[65536];
int main(int argc, char **argv) {
    long n = atol(argv[1]);
    while (n > 0) { ssize_t w = write(1, buf, n < 65536 ? n : 65536); if (w <= 0) return 1; n -= w; }
    return 0;
}
C
cat >"$tmp/main.c" <<'C'
#include <stdio.h>

int main(void)
{
    int answer = 42; /* peers-mark */
    printf("%d\n", answer);
    return 0;
}
C
gcc -O2 -o "$tmp/true" "$tmp/true.c"
gcc -O2 -o "$tmp/denied" "$tmp/denied.c"
gcc -O2 -o "$tmp/flood" "$tmp/flood.c"
gcc -g -O0 -o "$tmp/main" "$tmp/main.c"
chmod 755 "$tmp"/*

# Which peers are here; a missing one is said once and its rows are skipped.
declare -A have
missing=()
for p in bwrap firejail cgdb gdb tmux; do
  if command -v "$p" >/dev/null; then have[$p]=1; else missing+=("$p"); fi
done
for p in "${missing[@]}"; do
  echo "bench-peers: $p is not installed: its rows are skipped (apt-get install ${p/bwrap/bubblewrap})" >&2
done

# As root, bwrap needs no user namespace; --unshare-all still makes new pid, net, ipc, uts, cgroup
# and user namespaces. Run from the program's folder, so the same relative ./prog works everywhere.
bwrap_cmd="bwrap --ro-bind / / --dev /dev --proc /proc --unshare-all --die-with-parent"
firejail_cmd="firejail --quiet --noprofile"

rows=() # "measure|tool|median|ratio"
metrics=()

# hf NAME COMMAND...: one hyperfine run of every COMMAND (labels are the commands), the medians in
# ms into med[label]. Runs in $tmp with ./prog paths.
declare -A med
hf() {
  local name=$1 runs=$2
  shift 2
  local args=() c
  for c in "$@"; do args+=(-n "$c" "$c"); done
  (cd "$tmp" && hyperfine -N --warmup 3 --runs "$runs" --output=null --style basic \
    --export-json "$tmp/$name.json" "${args[@]}") >&2
  while IFS=$'\t' read -r label ms; do med[$label]=$ms; done < <(python3 - "$tmp/$name.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f'{r["command"]}\t{r["median"] * 1e3:.2f}')
PY
  )
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }

# table MEASURE SANDBUG-LABEL LABEL...: a row per label, the ratio sandbug / that one.
table() {
  local what=$1 sb=$2 l
  shift 2
  for l in "$@"; do
    if [ "$l" = "$sb" ]; then
      rows+=("$what|\`${l/$tmp\//}\`|${med[$l]} ms|")
    else
      rows+=("$what|\`${l/$tmp\//}\`|${med[$l]} ms|$(ratio "${med[$sb]}" "${med[$l]}")")
    fi
  done
}

# 1. Start-up to exit of a trivial dynamic program.
cmds=("./true" "$sandbug run ./true" "$wrapper -- ./true" "./floor-wrapper filter.bpf ./true" "./goexec ./true")
[ -n "${have[bwrap]:-}" ] && cmds+=("$bwrap_cmd ./true")
[ -n "${have[firejail]:-}" ] && cmds+=("$firejail_cmd ./true")
hf startup "$RUNS" "${cmds[@]}"
table "start-up to exit, trivial dynamic program" "$sandbug run ./true" "${cmds[@]}"
w=${med[$wrapper -- ./true]} f=${med[./floor-wrapper filter.bpf ./true]} g=${med[./goexec ./true]}
rows+=("start-up: the wrapper alone against the C floor (goal: within 2x)|\`sandbug-wrapper -- ./true\` / \`floor-wrapper\`|$w / $f ms|$(ratio "$w" "$f") (wrapper / floor)")
rows+=("start-up: a Go program that only execs, against the C floor|\`goexec\` / \`floor-wrapper\`|$g / $f ms|$(ratio "$g" "$f") (Go's floor / C floor)")
metrics+=("metrics PeersStartup ${med[./true]} direct-ms ${med[$sandbug run ./true]} run-ms ${med[$wrapper -- ./true]} wrapper-ms ${med[./floor-wrapper filter.bpf ./true]} cfloor-ms ${med[./goexec ./true]} gofloor-ms${have[bwrap]:+ ${med[$bwrap_cmd ./true]} bwrap-ms}${have[firejail]:+ ${med[$firejail_cmd ./true]} firejail-ms}")

# 2. 100k denied calls. bwrap and firejail (no profile) do not filter ptrace and no peer reports
# denied calls: the floor is the C supervisor.
cmds=("./denied" "$sandbug run ./denied" "./floor-notify notify.bpf ./denied")
hf denied "$RUNS" "${cmds[@]}"
table "100k ptrace(PTRACE_ATTACH, self): direct = kernel EPERM, sandbug = denied EPERM and each reported" "$sandbug run ./denied" "${cmds[@]}"
metrics+=("metrics PeersDenied ${med[./denied]} direct-ms ${med[$sandbug run ./denied]} run-ms ${med[./floor-notify notify.bpf ./denied]} cfloor-ms")

# 4. 1 GiB to /dev/null (hyperfine's --output=null).
cmds=("./flood 1073741824" "$sandbug run ./flood 1073741824")
[ -n "${have[bwrap]:-}" ] && cmds+=("$bwrap_cmd ./flood 1073741824")
hf flood "$BIGRUNS" "${cmds[@]}"
table "1 GiB written to /dev/null" "$sandbug run ./flood 1073741824" "${cmds[@]}"
metrics+=("metrics PeersFlood ${med[./flood 1073741824]} direct-ms ${med[$sandbug run ./flood 1073741824]} run-ms${have[bwrap]:+ ${med[$bwrap_cmd ./flood 1073741824]} bwrap-ms}")

# 3. TUI, driven in tmux at 160x45: launch to the first frame where main's first line is on screen
# as the current line (sandbug's ▶, cgdb's ───>, gdb's B+>), polled with capture-pane every 10 ms
# (each poll starts a tmux client, so the figure is good to about 10-15 ms). Then, stopped there,
# the resident memory of every process of the pane but the program (front end, gdb, sandbug's
# wrapper) and their CPU time over IDLE seconds.
session=peers$$
now_ms() { date +%s%3N; }
pane_pids() { # the pane's process and its descendants, without the debugged program
  local root
  root=$(tmux list-panes -t "$session" -F '#{pane_pid}')
  ps -e -o pid=,ppid=,comm= | awk -v r="$root" '
    { pp[$1] = $2; c[$1] = $3 }
    END { for (p in pp) { q = p; while (q != "" && q != r && q != 1 && q != 0) q = pp[q]
          if (q == r && c[p] != "main") print p } }'
}
rss_mb() { local p s=0; for p in "$@"; do s=$((s + $(awk '/^VmRSS/ { print $2 }' "/proc/$p/status" 2>/dev/null || echo 0))); done; awk -v k="$s" 'BEGIN { printf "%.1f", k / 1024 }'; }
cpu_ticks() { local p s=0; for p in "$@"; do s=$((s + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$s"; }

declare -A tui
tui_tools=()
[ -n "${have[tmux]:-}" ] && {
  tui[sandbug]="$sandbug ./main"
  [ -n "${have[cgdb]:-}" ] && tui[cgdb]="cgdb -- -q -ex 'break main' -ex run ./main"
  [ -n "${have[gdb]:-}" ] && tui[gdb-tui]="gdb -q -tui -ex 'break main' -ex run ./main"
  for k in sandbug cgdb gdb-tui; do [ -n "${tui[$k]:-}" ] && tui_tools+=("$k"); done
}
# What counts as the first frame at main: sandbug's arrow on main's line. For the peers, their
# arrow, or their console's "Breakpoint 1, main ()": cgdb 0.8.0 here now and then draws the
# source at main but never its arrow although gdb stopped there (3 launches of 20 in a row on
# one machine); its console shows the stop at the same moment as its arrow when it draws one.
declare -A shownRE=([sandbug]='(▶|>).*peers-mark' [cgdb]='(▶|>).*peers-mark|Breakpoint 1, main \(' [gdb-tui]='(▶|>).*peers-mark|Breakpoint 1, main \(')
tick=$(getconf CLK_TCK)
declare -A first rss idle missed
for k in "${tui_tools[@]}"; do
  # One launch first, not timed, like hyperfine's warm-ups: files cached, and a tool's first run
  # ever done (cgdb's very first start once never drew its arrow until it had made ~/.cgdb).
  tmux new-session -d -s "$session" -x 160 -y 45 -c "$tmp" "${tui[$k]}"
  sleep 3
  tmux kill-session -t "$session" 2>/dev/null || true
  sleep 0.3
  times=() rsss=() idles=()
  missed[$k]=0
  i=0
  while [ "$i" -lt "$TUIRUNS" ]; do
    tmux kill-session -t "$session" 2>/dev/null || true
    t0=$(now_ms)
    tmux new-session -d -s "$session" -x 160 -y 45 -c "$tmp" "${tui[$k]}"
    shown=
    while [ $(($(now_ms) - t0)) -lt 15000 ]; do
      if tmux capture-pane -p -t "$session" 2>/dev/null | grep -Eq "${shownRE[$k]}"; then shown=1; break; fi
      sleep 0.01
    done
    t1=$(now_ms)
    if [ -z "$shown" ]; then
      # cgdb 0.8.0 here now and then draws the source at main but never its arrow, although
      # gdb stopped there (its console says so): that launch is counted as missed and redone.
      missed[$k]=$((missed[$k] + 1))
      echo "bench-peers: $k launch never showed main as the current line in 15 s (missed ${missed[$k]}); the screen:" >&2
      tmux capture-pane -p -t "$session" | grep -v '^~' >&2 || true
      if [ "${missed[$k]}" -ge 3 ]; then
        [ "$k" = sandbug ] && { echo "bench-peers: sandbug missed 3 launches: giving up" >&2; exit 1; }
        echo "bench-peers: $k missed 3 launches: its TUI rows are skipped" >&2
        missing+=("$k (3 launches never showed main)")
        tmux kill-session -t "$session" 2>/dev/null || true
        continue 2
      fi
      tmux kill-session -t "$session" 2>/dev/null || true
      sleep 0.3
      continue
    fi
    i=$((i + 1))
    times+=($((t1 - t0)))
    if [ "$i" = 1 ]; then # memory and idle CPU once per tool, at the first stop
      sleep 1
      mapfile -t pids < <(pane_pids)
      rsss+=("$(rss_mb "${pids[@]}")")
      c0=$(cpu_ticks "${pids[@]}")
      sleep "$IDLE"
      c1=$(cpu_ticks "${pids[@]}")
      idles+=("$(awk -v d=$((c1 - c0)) -v t="$tick" -v s="$IDLE" 'BEGIN { printf "%.2f", 100 * d / t / s }')")
    fi
    tmux kill-session -t "$session"
    sleep 0.3
  done
  first[$k]=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
  rss[$k]=${rsss[0]} idle[$k]=${idles[0]}
  echo "bench-peers: $k first frames ${times[*]} ms (${missed[$k]} launches missed, redone); RSS ${rss[$k]} MB; idle ${idle[$k]} % (${pids[*]})" >&2
done
if [ -n "${first[sandbug]:-}" ]; then
  for k in "${tui_tools[@]}"; do
    [ -n "${first[$k]:-}" ] || continue # gave up on it (missing says so)
    r=$(ratio "${first[sandbug]}" "${first[$k]}") m=$(ratio "${rss[sandbug]}" "${rss[$k]}")
    [ "$k" = sandbug ] && r= m=
    note=
    [ "${missed[$k]}" -gt 0 ] && note=" (${missed[$k]} missed launches redone)"
    rows+=("TUI: launch to main's source as the current line (median of $TUIRUNS)|$k$note|${first[$k]} ms|$r")
    rows+=("TUI: resident memory stopped at main, front end + gdb|$k|${rss[$k]} MB|$m")
    rows+=("TUI: CPU over ${IDLE} s stopped at main|$k|${idle[$k]} % of a core|")
  done
  metrics+=("metrics PeersTUI ${first[sandbug]} sandbug-first-ms ${rss[sandbug]} sandbug-rss-MB ${idle[sandbug]} sandbug-idle-%${first[cgdb]:+ ${first[cgdb]} cgdb-first-ms ${rss[cgdb]} cgdb-rss-MB ${idle[cgdb]} cgdb-idle-%}${first[gdb-tui]:+ ${first[gdb-tui]} gdbtui-first-ms ${rss[gdb-tui]} gdbtui-rss-MB ${idle[gdb-tui]} gdbtui-idle-%}")
fi

echo "## Peers ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)${QUICK:+, QUICK=1}; hyperfine -N, $RUNS runs ($BIGRUNS for 1 GiB), medians)"
echo
[ ${#missing[@]} -gt 0 ] && echo "Missing, rows skipped: ${missing[*]}." && echo
echo "| measure | tool | median | sandbug / this |"
echo "|---|---|---|---|"
for r in "${rows[@]}"; do
  IFS='|' read -r a b c d <<<"$r"
  printf '| %s | %s | %s | %s |\n' "$a" "$b" "$c" "$d"
done
echo
printf '%s\n' "${metrics[@]}"
