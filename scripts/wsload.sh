#!/usr/bin/env bash
# Starts the platform (no demo data) on a loopback port in a temporary data
# directory and runs scripts/wsload against it with the given flags, e.g.
#   scripts/wsload.sh -viewers 10000 -rate 20 -d 30s
# With "peer" first, starts the centrifuge peer (scripts/wspeer) instead and
# loads it with the same client and flags:
#   scripts/wsload.sh peer -viewers 10000 -rate 20 -d 30s
set -euo pipefail
cd "$(dirname "$0")/.."
go build -o bin/wsload ./scripts/wsload
ulimit -n "$(ulimit -Hn)"
if [ "${1:-}" = peer ]; then
  shift
  go build -o bin/wspeer ./scripts/wspeer
  port=$(( 20000 + RANDOM % 20000 ))
  while (echo >/dev/tcp/127.0.0.1/$port) 2>/dev/null; do port=$(( 20000 + RANDOM % 20000 )); done
  ./bin/wspeer -addr "127.0.0.1:$port" &
  pid=$!
  trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
  ./bin/wsload -peer "ws://127.0.0.1:$port/connection/websocket" -pid "$pid" "$@"
  exit
fi
PLATFORM_ENV="SEED_DEMO=false LOGIN_RATE_LIMIT=1000 CONNS_PER_ADDRESS=0 WS_PER_ADDRESS=0 TICKETS_PER_MINUTE=0"
. scripts/platform.sh
./bin/wsload -base "http://127.0.0.1:$port" -pid "$pid" "$@"
