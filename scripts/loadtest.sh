#!/usr/bin/env bash
# Starts the platform with demo data on a free loopback port in a temporary
# data directory, measures the deal flow for many investors against a
# trivial Fiber handler with scripts/loadtest, and stops the platform.
# Usage:
#   scripts/loadtest.sh [loadtest flags, e.g. -investors 200 -d 8s -out docs/bench/loadtest.md]
# With PROFILE=file, the server's CPU profile during the first computed run
# is written to file (go tool pprof bin/yuechuang file). With LOADTEST_BIN,
# that load generator is used instead of this tree's (to compare two
# generators against the same server: docs/bench/loadtest.md).
set -euo pipefail
cd "$(dirname "$0")/.."
gen=${LOADTEST_BIN:-}
if [ -z "$gen" ]; then
  go build -o bin/loadtest ./scripts/loadtest
  gen=./bin/loadtest
fi
PLATFORM_ENV="SEED_DEMO=true LOGIN_RATE_LIMIT=100000"
prof=()
if [ -n "${PROFILE:-}" ]; then
  pport=$(( 40000 + RANDOM % 20000 ))
  PLATFORM_ENV="$PLATFORM_ENV YC_PPROF_ADDR=127.0.0.1:$pport"
  prof=(-pprof "http://127.0.0.1:$pport" -profile "$PROFILE")
fi
. scripts/platform.sh
$gen -base "http://127.0.0.1:$port" -pid "$pid" "${prof[@]}" "$@"
