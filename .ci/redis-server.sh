# shellcheck shell=bash
# A throwaway Redis for the CI scripts; sourced by .ci/postgres-tests.
#
#   source .ci/redis-server.sh
#   trap redis_stop EXIT
#   redis_start                 # sets REDIS_PORT (a free local port unless given) and CACHE_URL
#
# redis_start installs Debian's redis-server when missing, starts one on 127.0.0.1:$REDIS_PORT with
# its files in a temporary directory and no persistence (no RDB snapshots, no append-only file:
# nothing here outlives the run), as an unprivileged account when run as root, waits until it
# answers and exports CACHE_URL=redis://127.0.0.1:$REDIS_PORT/0. The test settings give each xdist
# worker its own database number (cms/settings/test.py). redis_stop stops that server (by its pid
# file, nothing else) and removes its directory; it does nothing when none was started.

REDIS_ROOT=""

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# The server runs as the package's account (or nobody) when the script runs as root.
run_redis() {
  if [ "$(id -u)" = 0 ]; then
    local account=redis
    id "$account" >/dev/null 2>&1 || account=nobody
    runuser -u "$account" -- "$@"
  else
    "$@"
  fi
}

redis_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

redis_start() {
  if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    echo "== installing Redis from Debian's packages"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  fi
  REDIS_PORT="${REDIS_PORT:-$(redis_free_port)}"
  REDIS_ROOT=$(mktemp -d /tmp/cms-redis.XXXXXX)
  chmod 755 "$REDIS_ROOT"
  if [ "$(id -u)" = 0 ]; then
    if id redis >/dev/null 2>&1; then chown redis "$REDIS_ROOT"; else chown nobody "$REDIS_ROOT"; fi
  fi

  echo "== starting a throwaway Redis on port $REDIS_PORT ($(redis-server --version | sed 's/.* v=\([^ ]*\).*/\1/'))"
  run_redis redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes \
    --save "" --appendonly no --databases 16 --dir "$REDIS_ROOT" \
    --daemonize yes --pidfile "$REDIS_ROOT/redis.pid" --logfile "$REDIS_ROOT/redis.log"
  local tries=0
  until redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -gt 50 ]; then
      echo "Redis did not start on port $REDIS_PORT:" >&2
      cat "$REDIS_ROOT/redis.log" >&2 || true
      return 1
    fi
    sleep 0.1
  done
  export CACHE_URL="redis://127.0.0.1:$REDIS_PORT/0"
}

redis_stop() {
  [ -n "$REDIS_ROOT" ] || return 0
  if [ -s "$REDIS_ROOT/redis.pid" ]; then
    local pid
    pid=$(cat "$REDIS_ROOT/redis.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$REDIS_ROOT"
  REDIS_ROOT=""
}
