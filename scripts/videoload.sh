#!/usr/bin/env bash
# Starts the platform (no demo data) on a loopback port in a temporary data
# directory and runs scripts/videoload against it with the given flags:
#   scripts/prio.sh scripts/videoload.sh -steps 25,50,100,150 -d 15s
set -euo pipefail
cd "$(dirname "$0")/.."
go build -o bin/videoload ./scripts/videoload
ulimit -n "$(ulimit -Hn)"
PLATFORM_ENV="SEED_DEMO=false LOGIN_RATE_LIMIT=1000 CONNS_PER_ADDRESS=0 WS_PER_ADDRESS=0 TICKETS_PER_MINUTE=0"
. scripts/platform.sh
./bin/videoload -base "http://127.0.0.1:$port" -pid "$pid" "$@"
