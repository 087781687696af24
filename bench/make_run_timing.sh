#!/usr/bin/env bash
# Time `make run` from a fresh clone to the first page served, first and second time.
# Usage: bash bench/make_run_timing.sh [port]   (clones HEAD of this repository into a temp dir)
set -euo pipefail
# Job control: each `make run` gets its own process group, like a terminal's foreground job,
# and Ctrl-C is simulated by sending SIGINT to that whole group.
set -m
PORT="${1:-8123}"
REPO="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d)"
git clone -q "$REPO" "$WORK/danvan"
cd "$WORK/danvan"

serve_once() {
  local label="$1" started pid
  started=$(date +%s.%N)
  PORT="$PORT" make run >"$WORK/$label.log" 2>&1 &
  pid=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$PORT/"; do
    sleep 0.2
    kill -0 "$pid" 2>/dev/null || { echo "make run died:"; tail -30 "$WORK/$label.log"; exit 1; }
  done
  printf '%s: first page served after %.1f s\n' "$label" "$(echo "$(date +%s.%N) - $started" | bc)"
  kill -INT -- "-$pid"; wait "$pid" || true
  # Ctrl-C must stop every process honcho started.
  sleep 2
  if pgrep -f "$WORK/danvan/.venv/bin/(celery|python manage.py runserver)" >/dev/null; then
    echo "processes left running after Ctrl-C"; exit 1
  fi
}
serve_once "first run (fresh clone)"
serve_once "second run"
rm -rf "$WORK"
