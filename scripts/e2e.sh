#!/usr/bin/env bash
# The end-to-end suite: builds the web app and the server, starts the
# platform with demo data on a free loopback port in a temporary data
# directory, and drives it in headless Chromium (frontend/e2e/). Run by
# `make test`. Installs Debian's chromium when it can (root with apt-get),
# otherwise stops with a message that says how.
set -euo pipefail
cd "$(dirname "$0")/.."

browser="${CHROMIUM:-}"
for c in chromium chromium-browser google-chrome; do
  [ -n "$browser" ] && break
  browser=$(command -v "$c" || true)
done
if [ -z "$browser" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "e2e: installing Debian's chromium and a CJK font"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei fonts-noto-color-emoji >/dev/null
    browser=$(command -v chromium)
  else
    echo "e2e: FAILED: no Chromium found. Install it with 'sudo apt-get install chromium fonts-wqy-microhei'"
    echo "     (Debian/Ubuntu), or point CHROMIUM at a Chrome or Chromium binary, then run make test again."
    exit 1
  fi
fi
if command -v fc-list >/dev/null && { [ -z "$(fc-list :lang=zh 2>/dev/null)" ] || ! fc-list | grep -qi emoji; }; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei fonts-noto-color-emoji >/dev/null || true
  else
    echo "e2e: note: no Chinese or emoji font installed; screenshots will show boxes (apt-get install fonts-wqy-microhei fonts-noto-color-emoji)"
  fi
fi

# One browser suite at a time on a machine: two at once on a small machine
# starve each other's platform (its demo start and Chromium) into timeouts.
if command -v flock >/dev/null; then
  exec 9>"${E2E_LOCK:-/tmp/yuechuang-e2e.lock}"
  flock 9
fi
(cd frontend && npm run build --silent >/dev/null)
# At debug level: the stage's lines explain a video that does not play
# (video.test.mjs puts them in its failure message).
PLATFORM_ENV="SEED_DEMO=true LOGIN_RATE_LIMIT=1000 TICKETS_PER_MINUTE=1000 LOG_LEVEL=debug"
# Scheduled backups on, so the admin's dashboard shows the last one's age.
backups=$(mktemp -d)
export BACKUP_DIR=$backups
# The server's log, kept to check that no scan ran once it was ready
# (E2E_SAVE_LOG=FILE keeps a copy after the run).
PLATFORM_LOG=$(mktemp)
export PLATFORM_LOG
. scripts/platform.sh
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; [ -n "${E2E_SAVE_LOG:-}" ] && cp "$PLATFORM_LOG" "$E2E_SAVE_LOG"; rm -rf "$data" "$backups" "$PLATFORM_LOG"' EXIT
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { echo "e2e: the platform did not become ready"; exit 1; }
cd frontend
# E2E_FILES (space-separated, e.g. "e2e/video.test.mjs") runs only those
# suites, for iterating on one; make test always runs them all.
CHROMIUM="$browser" BASE="http://127.0.0.1:$port" node --test --test-concurrency=1 ${E2E_FILES:-e2e/}
echo "e2e: screenshots in test-artifacts/"
# #12: no path a user takes may scan a collection on the embedded engine.
# The server logs each scan it sends once ready (server/mongo/scanwatch.go).
sleep 1 # the log's last lines through tee
if grep -q "scan on the embedded engine" "$PLATFORM_LOG"; then
  echo "e2e: FAILED: the platform scanned collections on the embedded engine while the suite used it:"
  grep "scan on the embedded engine" "$PLATFORM_LOG" | sed 's/.*msg="scan on the embedded engine" //' | sort | uniq -c
  exit 1
fi
echo "e2e: no scan on the embedded engine while the suite used the platform (server log checked)"
