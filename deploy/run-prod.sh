#!/usr/bin/env bash
# The production profile on one Debian host, by one command (`make run-prod`; docs/deployment.md):
# PostgreSQL, Redis, gunicorn, the task worker and its scheduler, nginx in front, the demo loaded.
#
#   deploy/run-prod.sh [start] [--detach]   start everything (foreground: Ctrl-C stops it all)
#   deploy/run-prod.sh stop                  stop what `start` started
#   deploy/run-prod.sh status                which parts run
#   deploy/run-prod.sh render-site           print the nginx site as this profile renders it
#   deploy/run-prod.sh manage ARGS…          manage.py with this profile's settings (e.g. createsuperuser)
#
# Missing Debian packages (postgresql, redis-server, nginx) are installed (via sudo when not root).
# With DATABASE_URL or CACHE_URL set, that server is used instead of a local one. Everything the
# profile writes lives in $PROD_DIR (var/prod): the PostgreSQL cluster and generated secrets persist
# between runs, so a second start is quick and keeps what was entered.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

PROD_DIR=${PROD_DIR:-$ROOT/var/prod}
HTTP_PORT=${HTTP_PORT:-8080}
APP_PORT=${APP_PORT:-8001}
PG_PORT=${PG_PORT:-54330}
REDIS_PORT=${REDIS_PORT:-6380}
PUBLIC_URL="http://127.0.0.1:$HTTP_PORT"
PY="$ROOT/.venv/bin/python"
RUN="$PROD_DIR/run"
LOG="$PROD_DIR/log"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
say() { printf '== %s\n' "$*"; }

install_debs() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || { echo "请先安装 Debian 软件包：${missing[*]}" >&2; exit 1; }
  say "installing from Debian's packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# ---- secrets, generated once and kept (docs/deployment.md lists what a real server sets) ----------
secrets() {
  local file="$PROD_DIR/secrets.env"
  if [ ! -f "$file" ]; then
    umask 077
    "$PY" - >"$file" <<'PY'
import secrets
from cryptography.fernet import Fernet
print(f"SECRET_KEY={secrets.token_urlsafe(50)}")
print(f"PII_ENCRYPTION_KEYS={Fernet.generate_key().decode()}")
print(f"PII_HASH_KEY={secrets.token_urlsafe(32)}")
PY
    umask 022
  fi
  set -a; source "$file"; set +a
}

# ---- PostgreSQL: a local cluster in $PROD_DIR/pg unless DATABASE_URL is given ----------------------
PGBIN=""
start_postgres() {
  if [ -n "${DATABASE_URL:-}" ]; then say "PostgreSQL: DATABASE_URL"; return; fi
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  local data="$PROD_DIR/pg"
  if [ "$(id -u)" = 0 ]; then id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres; fi
  if [ ! -f "$data/PG_VERSION" ]; then
    say "PostgreSQL: a new cluster in $data"
    mkdir -p "$data"; chmod 700 "$data"
    [ "$(id -u)" = 0 ] && chown postgres "$data"
    as_pg "$PGBIN/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! as_pg "$PGBIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] && chown postgres "$LOG"
    as_pg "$PGBIN/pg_ctl" -D "$data" -l "$LOG/postgresql.log" -w \
      -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
  fi
  as_pg "$PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='cms'" \
    | grep -q 1 || as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres cms
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/cms"
  say "PostgreSQL: 127.0.0.1:$PG_PORT"
}

# ---- Redis: a local server without persistence unless CACHE_URL is given --------------------------
start_redis() {
  if [ -n "${CACHE_URL:-}" ]; then say "Redis: CACHE_URL"; return; fi
  if ! pid_alive "$RUN/redis.pid"; then
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no --daemonize yes \
      --pidfile "$RUN/redis.pid" --logfile "$LOG/redis.log" --dir "$PROD_DIR" --maxmemory 512mb \
      --maxmemory-policy allkeys-lru
    for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  export CACHE_URL="redis://127.0.0.1:$REDIS_PORT/0"
  say "Redis: 127.0.0.1:$REDIS_PORT"
}

# ---- the application's environment (the production settings, plain HTTP on loopback) --------------
app_env() {
  export DJANGO_SETTINGS_MODULE=cms.settings.production
  export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
  export CSRF_TRUSTED_ORIGINS="${CSRF_TRUSTED_ORIGINS:-$PUBLIC_URL,http://localhost:$HTTP_PORT}"
  # TLS ends at nginx on a real server; this local profile speaks plain HTTP on loopback, so the
  # HTTPS-only settings are relaxed here and only here (docs/deployment.md keeps them on).
  export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false SECURE_HSTS_SECONDS=0
  export PROXY_COUNT=1
  export TASKS_BACKEND="${TASKS_BACKEND:-database}"
  export STATIC_ROOT="$PROD_DIR/static" MEDIA_ROOT="$PROD_DIR/media" PRIVATE_MEDIA_ROOT="$PROD_DIR/private"
  export DEMO_SITE_URL="$PUBLIC_URL"
  export LOG_LEVEL="${LOG_LEVEL:-WARNING}"
}

has_command() { "$PY" manage.py help "$1" >/dev/null 2>&1; }

start_app() {
  say "migrate, collectstatic, load_demo"
  "$PY" manage.py migrate --noinput -v0
  "$PY" manage.py collectstatic --noinput -v0
  "$PY" manage.py load_demo --quiet-accounts

  if ! pid_alive "$RUN/gunicorn.pid"; then
    GUNICORN_BIND="127.0.0.1:$APP_PORT" GUNICORN_ACCESS_LOG="$LOG/access.log" GUNICORN_ERROR_LOG="$LOG/gunicorn.log" \
      "$ROOT/.venv/bin/gunicorn" cms.wsgi -c deploy/gunicorn.conf.py --daemon --pid "$RUN/gunicorn.pid"
  fi
  background worker db_worker --queue-name "*" --no-reload
  if has_command run_scheduler; then background scheduler run_scheduler; fi
}

# A manage.py command in the background, its output in $LOG/<name>.log, its pid in $RUN/<name>.pid.
background() {
  local name=$1; shift
  pid_alive "$RUN/$name.pid" && return 0
  nohup "$PY" manage.py "$@" >>"$LOG/$name.log" 2>&1 &
  echo $! >"$RUN/$name.pid"
}

# ---- nginx ---------------------------------------------------------------------------------------
render_site() {
  sed -e "s|@LISTEN@|127.0.0.1:$HTTP_PORT|" -e "s|@SERVER_NAME@|127.0.0.1 localhost|" \
    -e "s|@UPSTREAM@|127.0.0.1:$APP_PORT|" -e "s|@STATIC_ROOT@|$PROD_DIR/static|" \
    -e "s|@MEDIA_ROOT@|$PROD_DIR/media|" -e "s|@CACHE_DIR@|$PROD_DIR/nginx/cache|" \
    deploy/nginx/cms-site.conf.template
}

start_nginx() {
  local conf="$PROD_DIR/nginx"
  mkdir -p "$conf/cache" "$conf/tmp"
  render_site >"$conf/cms-site.conf"
  local user_line=""
  if [ "$(id -u)" = 0 ]; then
    user_line="user www-data;"
    chown -R www-data "$conf/cache" "$conf/tmp"
  fi
  cat >"$conf/nginx.conf" <<EOF
# Written by deploy/run-prod.sh: nginx's own settings for this local profile; the site is deploy/nginx/.
$user_line
worker_processes auto;
pid $RUN/nginx.pid;
error_log $LOG/nginx-error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $LOG/nginx-access.log;
    client_body_temp_path $conf/tmp/body;
    proxy_temp_path $conf/tmp/proxy;
    fastcgi_temp_path $conf/tmp/fastcgi;
    uwsgi_temp_path $conf/tmp/uwsgi;
    scgi_temp_path $conf/tmp/scgi;
    sendfile on;
    keepalive_timeout 65;
    include $conf/cms-site.conf;
}
EOF
  if pid_alive "$RUN/nginx.pid"; then
    nginx -q -c "$conf/nginx.conf" -s reload 2>>"$LOG/nginx-error.log"
  else
    nginx -q -c "$conf/nginx.conf"
  fi
}

wait_until_served() {
  for _ in $(seq 120); do
    if curl -fsS -o /dev/null "$PUBLIC_URL/"; then return 0; fi
    sleep 0.5
  done
  echo "门户未能在 60 秒内响应：见 $LOG/gunicorn.log 与 $LOG/nginx-error.log" >&2
  return 1
}

start() {
  mkdir -p "$RUN" "$LOG"
  chmod 755 "$PROD_DIR"
  local debs=(nginx curl)
  [ -n "${DATABASE_URL:-}" ] || debs+=(postgresql)
  [ -n "${CACHE_URL:-}" ] || debs+=(redis-server)
  install_debs "${debs[@]}"
  secrets
  start_postgres
  start_redis
  app_env
  start_app
  start_nginx
  wait_until_served
  cat <<EOF

生产模式已启动（PostgreSQL + Redis + gunicorn + 后台任务 + nginx）：
  门户    $PUBLIC_URL/
  后台    $PUBLIC_URL/admin/      （演示账号见 README，密码 ${DEMO_PASSWORD:-Shifan@2026demo}）
  接口    $PUBLIC_URL/api/docs/
  日志    $LOG/
  停止    make stop-prod
EOF
}

stop() {
  local name
  if pid_alive "$RUN/nginx.pid"; then nginx -q -c "$PROD_DIR/nginx/nginx.conf" -s quit 2>>"$LOG/nginx-error.log" || true; fi
  for name in scheduler worker gunicorn; do
    if pid_alive "$RUN/$name.pid"; then kill "$(cat "$RUN/$name.pid")" 2>/dev/null || true; fi
  done
  for name in scheduler worker gunicorn nginx; do
    for _ in $(seq 50); do pid_alive "$RUN/$name.pid" || break; sleep 0.2; done
    rm -f "$RUN/$name.pid"
  done
  if pid_alive "$RUN/redis.pid"; then redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true; fi
  if [ -f "$PROD_DIR/pg/PG_VERSION" ]; then
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    as_pg "$PGBIN/pg_ctl" -D "$PROD_DIR/pg" -m fast stop >/dev/null 2>&1 || true
  fi
  say "stopped"
}

status() {
  local name
  for name in nginx gunicorn worker scheduler redis; do
    if pid_alive "$RUN/$name.pid"; then echo "$name: running ($(cat "$RUN/$name.pid"))"; else echo "$name: stopped"; fi
  done
}

# The environment of a started profile, for `manage` (the servers are not started here).
profile_env() {
  secrets
  [ -n "${DATABASE_URL:-}" ] || export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/cms"
  [ -n "${CACHE_URL:-}" ] || export CACHE_URL="redis://127.0.0.1:$REDIS_PORT/0"
  app_env
}

case "${1:-start}" in
  start)
    start
    if [ "${2:-}" != "--detach" ]; then
      trap stop EXIT INT TERM
      echo "（按 Ctrl-C 停止全部服务）"
      tail -n 0 -F "$LOG/gunicorn.log" "$LOG/worker.log" "$LOG/nginx-error.log" 2>/dev/null
    fi
    ;;
  --detach) start ;;
  stop) stop ;;
  status) status ;;
  render-site) render_site ;;
  manage) shift; profile_env; exec "$PY" manage.py "$@" ;;
  *) echo "usage: $0 [start [--detach]|stop|status|render-site|manage ARGS…]" >&2; exit 2 ;;
esac
