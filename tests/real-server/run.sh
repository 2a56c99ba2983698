#!/usr/bin/env bash
# Contract tests against the real open-source Skyvern server (`cargo xtask test --real-server`).
#
# 1. Installs `skyvern[server]` into a cached virtualenv (pinned by constraints.txt, so pip
#    does not backtrack) and Debian's chromium + ffmpeg when they are missing.
# 2. Starts the server on 127.0.0.1 (SQLite in a temporary directory, a real browser per
#    session) and reads the API key it generates; starts the emulator next to it.
# 3. Runs the parity, end-to-end and live-view suites (node --test, every *.test.mjs here, one
#    file at a time), prints the parity table.
# 4. Closes every session left open and stops everything it started, by PID, even on failure.
#
# Usage: bash tests/real-server/run.sh [--setup-only | --serve] [TEST_FILE…]
#   --setup-only  install what is missing and stop
#   --serve       start both servers and keep them up (until Ctrl-C); their addresses and keys
#                 go to a mode-600 env file whose path is printed, for running single test files
# Environment: SKYVERN_WASM_CACHE (default ~/.cache/skyvern-wasm), PYTHON (default python3),
# REAL_SERVER_START_TIMEOUT (seconds, default 240), REAL_SERVER_KEEP_LOGS=1 (keep the work dir).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SKYVERN_SPEC='skyvern[server]==1.0.56'
CONSTRAINTS="$HERE/constraints.txt"
CACHE=${SKYVERN_WASM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/skyvern-wasm}
VENV="$CACHE/real-server-venv"
BROWSERS="$CACHE/playwright-browsers"
PYTHON=${PYTHON:-python3}
START_TIMEOUT=${REAL_SERVER_START_TIMEOUT:-240}

log() { printf '[real-server] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

setup_only=0
serve=0
test_files=()
for arg in "$@"; do
  case "$arg" in
    --setup-only) setup_only=1 ;;
    --serve) serve=1 ;;
    -*) die "unknown option $arg" ;;
    *) test_files+=("$arg") ;;
  esac
done

# ---------------------------------------------------------------- installation

ensure_venv() {
  local want have
  want=$(sha256sum "$CONSTRAINTS" | cut -d' ' -f1)
  have=$(cat "$VENV/.constraints-sha256" 2>/dev/null || true)
  if [[ "$want" == "$have" && -x "$VENV/bin/python" ]]; then
    log "server venv: $VENV (cached)"
    return
  fi
  log "installing $SKYVERN_SPEC into $VENV (pinned by constraints.txt; about 2-5 minutes)"
  rm -rf "$VENV"
  mkdir -p "$CACHE"
  if ! "$PYTHON" -m venv "$VENV"; then
    # Debian's python3 ships venv separately.
    command -v apt-get >/dev/null && [[ $(id -u) == 0 ]] || die "$PYTHON -m venv failed"
    log "installing python3-venv with apt-get"
    rm -rf "$VENV"
    apt_install python3-venv
    "$PYTHON" -m venv "$VENV"
  fi
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    -c "$CONSTRAINTS" "$SKYVERN_SPEC"
  # Written last: an interrupted install is never mistaken for a finished one.
  echo "$want" >"$VENV/.constraints-sha256"
  log "server venv ready"
}

ensure_debian_browser() {
  local missing=()
  [[ -x /usr/lib/chromium/chromium ]] || missing+=(chromium)
  [[ -x /usr/bin/ffmpeg ]] || missing+=(ffmpeg)
  ((${#missing[@]} == 0)) && return
  command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get to install them"
  [[ $(id -u) == 0 ]] || die "missing ${missing[*]}: install them (apt-get install ${missing[*]}) or run as root"
  log "installing ${missing[*]} with apt-get"
  apt_install "${missing[@]}"
}

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1; then
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  fi
}

# Playwright (pinned by the server) looks for its own browser builds under
# $PLAYWRIGHT_BROWSERS_PATH; Debian's chromium and ffmpeg stand in for them.
ensure_browser_links() {
  local revisions chromium_rev ffmpeg_rev
  revisions=$("$VENV/bin/python" - <<'EOF'
import json, pathlib, playwright
browsers = pathlib.Path(playwright.__file__).parent / "driver/package/browsers.json"
revs = {b["name"]: b["revision"] for b in json.loads(browsers.read_text())["browsers"]}
print(revs["chromium"], revs["ffmpeg"])
EOF
  )
  read -r chromium_rev ffmpeg_rev <<<"$revisions"
  mkdir -p "$BROWSERS/chromium-$chromium_rev/chrome-linux" "$BROWSERS/ffmpeg-$ffmpeg_rev"
  ln -sfn /usr/lib/chromium/chromium "$BROWSERS/chromium-$chromium_rev/chrome-linux/chrome"
  ln -sfn /usr/bin/ffmpeg "$BROWSERS/ffmpeg-$ffmpeg_rev/ffmpeg-linux"
  touch "$BROWSERS/chromium-$chromium_rev/INSTALLATION_COMPLETE" "$BROWSERS/ffmpeg-$ffmpeg_rev/INSTALLATION_COMPLETE"
}

ensure_venv
ensure_debian_browser
ensure_browser_links
if ((setup_only)); then
  log "setup done"
  exit 0
fi

# ---------------------------------------------------------------- processes and cleanup

WORK=$(mktemp -d "${TMPDIR:-/tmp}/skyvern-real-server.XXXXXX")
SERVER_PID=""
EMULATOR_PID=""
REAL_URL=""
REAL_KEY=""

# Every descendant of a PID (Playwright starts browsers in their own process group, so a
# group kill would miss them; they are found by parent PID instead).
descendants() {
  "$VENV/bin/python" - "$1" <<'EOF' 2>/dev/null || true
import psutil, sys
try:
    for child in psutil.Process(int(sys.argv[1])).children(recursive=True):
        print(child.pid)
except psutil.Error:
    pass
EOF
}

stop_pid() { # PID NAME SECONDS
  local pid=$1 name=$2 wait_s=$3 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < wait_s * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  log "$name (pid $pid) did not stop within ${wait_s}s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

close_open_sessions() {
  [[ -n "$REAL_URL" && -n "$REAL_KEY" ]] || return 0
  SKYVERN_REAL_URL="$REAL_URL" SKYVERN_REAL_API_KEY="$REAL_KEY" \
    node "$HERE/close-sessions.mjs" || log "could not close the sessions left open"
}

cleanup() {
  local status=$? kids=() pid
  trap - EXIT INT TERM
  close_open_sessions
  if [[ -n "$SERVER_PID" ]]; then
    mapfile -t kids < <(descendants "$SERVER_PID")
    stop_pid "$SERVER_PID" "the Skyvern server" 30
    for pid in "${kids[@]}"; do
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    done
  fi
  [[ -n "$EMULATOR_PID" ]] && stop_pid "$EMULATOR_PID" "the emulator" 5
  if [[ "${REAL_SERVER_KEEP_LOGS:-0}" == 1 || $status != 0 ]]; then
    # Keep what helps debugging, never the keys.
    rm -f "$WORK/env" "$WORK/emulator.out" "$WORK/server/.env" "$WORK/server/data.db"*
    log "logs kept in $WORK (server.log, emulator.log, server/ artifacts)"
  else
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

heartbeat() {
  "$VENV/bin/python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=3)' \
    "$REAL_URL/api/v1/heartbeat" >/dev/null 2>&1
}

free_port() {
  "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ---------------------------------------------------------------- the Skyvern server

start_server() {
  local port start i
  port=$(free_port)
  REAL_URL="http://127.0.0.1:$port"
  mkdir -p "$WORK/server"
  log "starting the Skyvern server on $REAL_URL (work dir $WORK/server)"
  start=$SECONDS
  (
    cd "$WORK/server"
    export ENV=local SKYVERN_TELEMETRY=false LITELLM_LOCAL_MODEL_COST_MAP=True ENABLE_OPENAI=false \
      BROWSER_TYPE=chromium-headless BROWSER_STREAMING_MODE=cdp \
      PLAYWRIGHT_BROWSERS_PATH="$BROWSERS" \
      DATABASE_STRING="sqlite+aiosqlite:///$WORK/server/data.db" \
      ARTIFACT_STORAGE_PATH="$WORK/server/artifacts" DOWNLOAD_PATH="$WORK/server/downloads" \
      SECRET_KEY="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
      REAL_SERVER_PORT="$port"
    exec "$VENV/bin/python" -c '
import os, uvicorn
uvicorn.run("skyvern.forge.api_app:create_api_app", factory=True, host="127.0.0.1",
            port=int(os.environ["REAL_SERVER_PORT"]), log_level="warning")
'
  ) >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for ((i = 0; i < START_TIMEOUT * 2; i++)); do
    kill -0 "$SERVER_PID" 2>/dev/null || {
      tail -n 40 "$WORK/server.log" >&2
      die "the Skyvern server exited during start-up (log above)"
    }
    if heartbeat; then
      break
    fi
    sleep 0.5
  done
  heartbeat ||
    die "the Skyvern server did not answer /api/v1/heartbeat within ${START_TIMEOUT}s (log: $WORK/server.log)"
  # The server writes the key of its local organization into ./.env on first start.
  for ((i = 0; i < 60; i++)); do
    REAL_KEY=$(sed -n "s/^SKYVERN_API_KEY=['\"]\{0,1\}\([^'\"]*\)['\"]\{0,1\}\$/\1/p" "$WORK/server/.env" 2>/dev/null | tail -n 1)
    [[ -n "$REAL_KEY" ]] && break
    sleep 0.5
  done
  [[ -n "$REAL_KEY" ]] || die "the Skyvern server wrote no SKYVERN_API_KEY into $WORK/server/.env"
  log "Skyvern server ready in $((SECONDS - start))s (pid $SERVER_PID; API key read from its .env)"
}

# ---------------------------------------------------------------- the emulator

start_emulator() {
  local bin key line i
  log "building the emulator"
  if ! (cd "$ROOT" && cargo build --quiet -p skyvern-emulator); then
    log "the emulator does not build: the parity suite will fail"
    return 1
  fi
  bin="${CARGO_TARGET_DIR:-$ROOT/target}/debug/skyvern-emulator"
  [[ "$bin" == /* ]] || bin="$ROOT/$bin"
  key=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
  "$bin" --host 127.0.0.1 --port 0 --test-controls --api-key "$key" \
    >"$WORK/emulator.out" 2>"$WORK/emulator.log" </dev/null &
  EMULATOR_PID=$!
  for ((i = 0; i < 300; i++)); do
    line=$(head -n 1 "$WORK/emulator.out" 2>/dev/null || true)
    [[ "$line" == "listening on "* ]] && break
    kill -0 "$EMULATOR_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [[ "$line" != "listening on "* ]]; then
    log "the emulator did not start (first line: ${line:-none}); its log:"
    tail -n 20 "$WORK/emulator.log" >&2 || true
    return 1
  fi
  export SKYVERN_EMULATOR_URL=${line#listening on }
  export SKYVERN_EMULATOR_API_KEY=$key
  log "emulator ready on $SKYVERN_EMULATOR_URL (pid $EMULATOR_PID)"
}

# ---------------------------------------------------------------- the suites

start_server
export SKYVERN_REAL_URL=$REAL_URL
export SKYVERN_REAL_API_KEY=$REAL_KEY
emulator_ok=1
start_emulator || emulator_ok=0
export SKYVERN_PARITY_TABLE="$WORK/parity.md"

if ((serve)); then
  (
    umask 077
    {
      echo "export SKYVERN_REAL_URL='$SKYVERN_REAL_URL' SKYVERN_REAL_API_KEY='$SKYVERN_REAL_API_KEY'"
      if ((emulator_ok)); then
        echo "export SKYVERN_EMULATOR_URL='$SKYVERN_EMULATOR_URL' SKYVERN_EMULATOR_API_KEY='$SKYVERN_EMULATOR_API_KEY'"
      fi
    } >"$WORK/env"
  )
  log "serving; source $WORK/env to point tests at these servers; Ctrl-C (or kill $$) stops them"
  while kill -0 "$SERVER_PID" 2>/dev/null; do sleep 2; done
  die "the Skyvern server exited"
fi

if ((${#test_files[@]} == 0)); then
  mapfile -t test_files < <(find "$HERE" -maxdepth 1 -name '*.test.mjs' | sort)
fi
log "running ${#test_files[@]} test file(s)"
status=0
(cd "$ROOT" && node --test --test-reporter=spec --test-concurrency=1 "${test_files[@]}") || status=$?

if [[ -s "$WORK/parity.md" ]]; then
  echo
  echo "## Parity: real Skyvern server vs emulator"
  echo
  cat "$WORK/parity.md"
fi
((emulator_ok)) || { log "the emulator could not be started"; status=1; }
exit "$status"
