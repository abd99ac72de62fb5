# shellcheck shell=bash
# A throwaway PostgreSQL cluster for the CI scripts; sourced by .ci/postgres-tests and .ci/upgrade-test.
#
#   source .ci/pg-cluster.sh
#   trap pg_cluster_stop EXIT
#   pg_cluster_start            # on $PGPORT (default 54329)
#
# pg_cluster_start installs Debian's postgresql when missing, initialises a cluster with its data in
# a temporary directory and starts it on 127.0.0.1:$PGPORT (trust authentication, user postgres, no
# fsync: nothing here outlives the run), as an unprivileged account when run as root. It sets PGBIN
# (the server's binaries, client tools included) and PGPORT. pg_cluster_stop stops the cluster and
# removes its data; it does nothing when no cluster was started.

PGPORT="${PGPORT:-54329}"
PGDATA_ROOT=""

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# PostgreSQL refuses to run as root: use an unprivileged account.
run_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_cluster_start() {
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "== installing PostgreSQL from Debian's packages"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  fi

  PGDATA_ROOT=$(mktemp -d /tmp/cms-pg.XXXXXX)
  chmod 755 "$PGDATA_ROOT"
  if [ "$(id -u)" = 0 ]; then chown postgres "$PGDATA_ROOT"; fi
  PGDATA="$PGDATA_ROOT/data"

  echo "== starting a throwaway PostgreSQL cluster on port $PGPORT ($PGBIN)"
  run_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  run_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA_ROOT/server.log" -w \
    -o "-p $PGPORT -k $PGDATA_ROOT -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null
}

pg_cluster_stop() {
  [ -n "$PGDATA_ROOT" ] || return 0
  run_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PGDATA_ROOT"
  PGDATA_ROOT=""
}
