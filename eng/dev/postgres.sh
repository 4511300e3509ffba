#!/usr/bin/env bash
# Local PostgreSQL stand-in for the AppHost: starts the apt-installed cluster if it is down, makes the
# `postgres` role's password match the AppHost's parameter, then follows the server log so the dashboard shows it.
# PostgreSQL refuses to run as root, so root goes through pg_ctlcluster/runuser.
# `--start-only` returns once the server accepts connections (for tests that need a running server, not the AppHost).
# `--create NAME` creates cluster NAME on the port when none listens there (an additional tenant server of
# --Platform:TenantServers, docs/decisions/tenant-placement.md).
set -euo pipefail
follow=1
create=""
while [ $# -gt 0 ]; do
  case "$1" in
    --start-only) follow=0; shift ;;
    --create) create="$2"; shift 2 ;;
    *) break ;;
  esac
done
port="${1:-5432}"
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
cluster=main
# Another port means another cluster (pg_createcluster <version> <name> -p <port>): use the one listening there.
if read -r v c < <(pg_lsclusters -h | awk -v p="$port" '$3==p {print $1, $2; exit}'); then
  version=$v; cluster=$c
elif [ -n "$create" ]; then
  echo "creating PostgreSQL cluster $version/$create on port $port"
  pg_createcluster "$version" "$create" -p "$port" >/dev/null
  cluster=$create
fi

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -n -u postgres "$@"; fi; }

if ! pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1==v && $2==c && $4=="online"' | grep -q .; then
  echo "starting PostgreSQL $version/$cluster on port $port"
  pg_ctlcluster "$version" "$cluster" start
fi

for _ in $(seq 1 50); do
  as_postgres psql -p "$port" -qAt -c 'select 1' >/dev/null 2>&1 && break
  sleep 0.2
done

if [ -n "${POSTGRES_PASSWORD:-}" ]; then
  as_postgres psql -p "$port" -q -v ON_ERROR_STOP=1 -v pw="$POSTGRES_PASSWORD" <<'SQL' >/dev/null
ALTER USER postgres PASSWORD :'pw';
SQL
fi
# The autovacuum launcher starts a worker (a fork and a connection) in every database once per autovacuum_naptime, at
# most about 9 a second: with 1,000 tenant databases that is 9 forks a second around the clock. A naptime of one second
# per database keeps it to one a second, whatever the number of tenants (docs/scaling.md). Set at each start, from the
# databases there now; never below PostgreSQL's default of 60 s.
databases=$(as_postgres psql -p "$port" -qAt -c 'select count(*) from pg_database where datallowconn' 2>/dev/null || echo 0)
naptime=$(( databases > 60 ? databases : 60 ))
as_postgres psql -p "$port" -q -c "ALTER SYSTEM SET autovacuum_naptime = '${naptime}s'" -c 'SELECT pg_reload_conf()' >/dev/null || true
echo "PostgreSQL $version/$cluster is accepting connections on 127.0.0.1:$port (autovacuum_naptime ${naptime}s for $databases databases)"
[ "$follow" = 1 ] || exit 0
exec tail -n 0 -F "/var/log/postgresql/postgresql-$version-$cluster.log"
