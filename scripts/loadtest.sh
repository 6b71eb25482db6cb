#!/usr/bin/env bash
# Starts the platform with demo data on a free loopback port in a temporary
# data directory, measures an endpoint against a trivial Fiber handler with
# scripts/loadtest, and stops the platform. Usage:
#   scripts/loadtest.sh [loadtest flags, e.g. -path /api/v1/dealflow -d 10s]
set -euo pipefail
cd "$(dirname "$0")/.."
go build -o bin/loadtest ./scripts/loadtest
PLATFORM_ENV="SEED_DEMO=true"
. scripts/platform.sh
./bin/loadtest -base "http://127.0.0.1:$port" "$@"
