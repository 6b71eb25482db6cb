#!/usr/bin/env bash
# Starts the platform (no demo data) on a loopback port in a temporary data
# directory and runs scripts/wsload against it with the given flags, e.g.
#   scripts/wsload.sh -viewers 10000 -rate 20 -d 30s
set -euo pipefail
cd "$(dirname "$0")/.."
go build -o bin/yuechuang ./server
go build -o bin/wsload ./scripts/wsload
data=$(mktemp -d)
port=$(( 20000 + RANDOM % 20000 ))
ulimit -n "$(ulimit -Hn)"
LISTEN_ADDR=127.0.0.1:$port DATA_DIR=$data SEED_DEMO=false LOG_LEVEL=warn LOGIN_RATE_LIMIT=1000 ./bin/yuechuang &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.2
done
./bin/wsload -base "http://127.0.0.1:$port" -pid "$pid" "$@"
