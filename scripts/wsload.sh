#!/usr/bin/env bash
# Starts the platform (no demo data) on a loopback port in a temporary data
# directory and runs scripts/wsload against it with the given flags, e.g.
#   scripts/wsload.sh -viewers 10000 -rate 20 -d 30s
# With "peer" first, starts the centrifuge peer (scripts/wspeer) instead and
# loads it with the same client and flags:
#   scripts/wsload.sh peer -viewers 10000 -rate 20 -d 30s
# With "cluster" first, starts three instances sharing NATS and a database
# (scripts/clusterd) and spreads the viewers and senders over them:
#   scripts/wsload.sh cluster -viewers 9000 -rate 20 -d 30s
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
if [ "${1:-}" = cluster ]; then
  # Three instances sharing one NATS server and one database (run by
  # scripts/clusterd), connections spread over them.
  shift
  go build -o bin/clusterd ./scripts/clusterd
  go build -o bin/yuechuang ./server
  tmp=$(mktemp -d)
  pids=()
  trap 'kill "${pids[@]}" 2>/dev/null; wait "${pids[@]}" 2>/dev/null; rm -rf "$tmp"' EXIT
  ./bin/clusterd > "$tmp/shared" &
  pids+=($!)
  for _ in $(seq 1 300); do grep -q MONGODB_URI "$tmp/shared" 2>/dev/null && break; sleep 0.1; done
  shared=$(tr '\n' ' ' < "$tmp/shared")
  urls=()
  for i in 1 2 3; do
    port=$(( 20000 + RANDOM % 20000 ))
    while (echo >/dev/tcp/127.0.0.1/$port) 2>/dev/null; do port=$(( 20000 + RANDOM % 20000 )); done
    mkdir -p "$tmp/$i"
    env $shared MONGODB_DB=wsload JWT_SECRET=wsload-cluster-secret-0123456789abcdef LISTEN_ADDR=127.0.0.1:$port \
      DATA_DIR="$tmp/$i" LOG_LEVEL=warn SEED_DEMO=false LOGIN_RATE_LIMIT=1000 CONNS_PER_ADDRESS=0 WS_PER_ADDRESS=0 \
      TICKETS_PER_MINUTE=0 ./bin/yuechuang &
    pids+=($!)
    for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
    urls+=("http://127.0.0.1:$port")
  done
  ./bin/wsload -base "${urls[0]}" -spread "${urls[1]},${urls[2]}" -bridge 0 "$@"
  exit
fi
PLATFORM_ENV="SEED_DEMO=false LOGIN_RATE_LIMIT=1000 CONNS_PER_ADDRESS=0 WS_PER_ADDRESS=0 TICKETS_PER_MINUTE=0"
. scripts/platform.sh
./bin/wsload -base "http://127.0.0.1:$port" -pid "$pid" "$@"
