#!/usr/bin/env bash
# Turns a tmux capture with ANSI colours (tmux capture-pane -e -p) into a PNG for the README.
# Needs aha and chromium (apt-get install aha chromium fonts-dejavu-core).
# Usage: scripts/screenshot.sh docs/screen.ansi docs/screen.png [cols rows]
set -euo pipefail
in=${1:?capture file}; out=${2:?png file}; cols=${3:-120}; rows=${4:-40}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
{
  echo '<!DOCTYPE html><html><head><meta charset="utf-8"><style>'
  echo 'body{margin:0;background:#1e1e2e;} pre{margin:8px;font:15px/1.2 "DejaVu Sans Mono",monospace;color:#ddd;}'
  echo '</style></head><body><pre>'
  aha --no-header --black < "$in"
  echo '</pre></body></html>'
} > "$tmp/screen.html"
w=$(( cols * 9 + 24 )); h=$(( rows * 18 + 24 ))
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$tmp/profile" --hide-scrollbars --window-size="$w,$h" \
  --screenshot="$out" "file://$tmp/screen.html" >/dev/null 2>&1
echo "wrote $out"
