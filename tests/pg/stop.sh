#!/usr/bin/env bash
# Stop the throwaway PostgreSQL started by tests/pg/start.sh DIR and remove its cluster (the data is thrown away).
set -euo pipefail
dir=${1:?usage: stop.sh DIR}
[ -f "$dir/bin" ] && [ -f "$dir/datadir" ] || exit 0
bin=$(cat "$dir/bin")
data=$(cat "$dir/datadir")
as_owner=()
[ "$(id -u)" = 0 ] && as_owner=(runuser -u postgres --)
"${as_owner[@]}" "$bin/pg_ctl" -D "$data/cluster" -m immediate -w stop >&2 || true
rm -rf "$data"
