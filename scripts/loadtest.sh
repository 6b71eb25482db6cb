#!/usr/bin/env bash
# Starts the platform with demo data on a free loopback port in a temporary
# data directory, measures an endpoint against a trivial Fiber handler with
# scripts/loadtest, and stops the platform. Usage:
#   scripts/loadtest.sh [loadtest flags, e.g. -path /api/v1/dealflow -d 10s]
set -euo pipefail
cd "$(dirname "$0")/.."
go build -o bin/yuechuang ./server
go build -o bin/loadtest ./scripts/loadtest
data=$(mktemp -d)
port=$(( 20000 + RANDOM % 20000 ))
LISTEN_ADDR=127.0.0.1:$port DATA_DIR=$data LOG_LEVEL=warn ./bin/yuechuang &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.2
done
./bin/loadtest -base "http://127.0.0.1:$port" "$@"
