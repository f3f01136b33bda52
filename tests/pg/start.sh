#!/usr/bin/env bash
# Start a throwaway PostgreSQL for the ledger tests from the machine's own binaries.
#
#   tests/pg/start.sh DIR      -> prints the connection URL on stdout; the server lives in DIR
#   tests/pg/stop.sh DIR       -> stops it (DIR can then be removed)
#
# Installs Debian's `postgresql` with apt-get when no pg_ctl is found under /usr/lib/postgresql/*/bin.
# initdb refuses to run as root: as root the cluster is made and run by the `postgres` user (runuser).
# The server listens on 127.0.0.1 at a free port and on a unix socket inside DIR; trust auth, fsync off.
set -euo pipefail
dir=${1:?usage: start.sh DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
bin=$(find_bin || true)
if [ -z "$bin" ] || [ ! -x "$bin/pg_ctl" ]; then
  echo "PostgreSQL not found: installing it with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
  bin=$(find_bin)
fi

as_owner=()
data="$dir/data"; mkdir -p "$data"
if [ "$(id -u)" = 0 ]; then
  # DIR may sit under folders only root can enter (pytest's are 0700): the cluster gets its own folder in /tmp.
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  data=$(mktemp -d /tmp/subsidy-rules-pg.XXXXXX)
  chown postgres "$data"
  as_owner=(runuser -u postgres --)
fi
echo "$data" >"$dir/datadir"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"${as_owner[@]}" "$bin/initdb" -D "$data/cluster" -U postgres -A trust -E UTF8 --no-locale >"$data/initdb.log" 2>&1 \
  || { cat "$data/initdb.log" >&2; exit 1; }
"${as_owner[@]}" "$bin/pg_ctl" -D "$data/cluster" -l "$data/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $data -c fsync=off -c full_page_writes=off -c max_connections=50" \
  start >&2
echo "$bin" >"$dir/bin"
echo "postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
