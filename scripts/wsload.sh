#!/usr/bin/env bash
# Starts the platform (no demo data) on a loopback port in a temporary data
# directory and runs scripts/wsload against it with the given flags, e.g.
#   scripts/wsload.sh -viewers 10000 -rate 20 -d 30s
set -euo pipefail
cd "$(dirname "$0")/.."
go build -o bin/wsload ./scripts/wsload
ulimit -n "$(ulimit -Hn)"
PLATFORM_ENV="SEED_DEMO=false LOGIN_RATE_LIMIT=1000 CONNS_PER_ADDRESS=0 WS_PER_ADDRESS=0 TICKETS_PER_MINUTE=0"
. scripts/platform.sh
./bin/wsload -base "http://127.0.0.1:$port" -pid "$pid" "$@"
