#!/usr/bin/env bash
# Starts the platform with demo data on a free loopback port in a temporary
# data directory, measures the deal flow for many investors against a
# trivial Fiber handler with scripts/loadtest, and stops the platform.
# Usage:
#   scripts/loadtest.sh [loadtest flags, e.g. -investors 200 -d 8s -out docs/bench/loadtest.md]
set -euo pipefail
cd "$(dirname "$0")/.."
go build -o bin/loadtest ./scripts/loadtest
PLATFORM_ENV="SEED_DEMO=true LOGIN_RATE_LIMIT=100000"
. scripts/platform.sh
./bin/loadtest -base "http://127.0.0.1:$port" "$@"
