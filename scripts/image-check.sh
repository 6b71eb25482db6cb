#!/usr/bin/env bash
# image-check: run the container image's steps as plain commands on this host
# (no Docker engine here), so that what the image does is tested somewhere:
#   the web stage (npm ci, npm run build), the Go stage (the same go build),
#   the data folders owned by the runtime user (uid 65532, distroless's nonroot),
#   a first start as that user with nothing but the image's environment,
#   the HEALTHCHECK command until it passes, a backup and a restore.
# Usage: scripts/image-check.sh [--skip-web]
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" != "--skip-web" ]; then
  (cd frontend && npm ci --no-audit --no-fund --silent && npm run build --silent)
fi
root=$(mktemp -d /tmp/yc-image.XXXXXX)
chmod 755 "$root"
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$root"; }
trap cleanup EXIT

echo "== build (as the Dockerfile's build stage)"
mkdir -p "$root/usr/local/bin"
CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o "$root/usr/local/bin/yuechuang" ./server
mkdir -p "$root/data" "$root/backups"
as=()
if [ "$(id -u)" = 0 ]; then
  chown 65532:65532 "$root/data" "$root/backups"
  as=(setpriv --reuid=65532 --regid=65532 --clear-groups)
  echo "== runs as uid 65532 (nonroot), like the image"
else
  echo "== not root: runs as $(id -un); the image's user change is not checked"
fi
bin="$root/usr/local/bin/yuechuang"
port=$((20000 + RANDOM % 20000))
env=(env -i "PATH=/usr/bin:/bin" "LISTEN_ADDR=127.0.0.1:$port" "DATA_DIR=$root/data" "BACKUP_DIR=$root/backups"
  "SEED_DEMO=false" "ADMIN_EMAIL=admin@image-check.test" "ADMIN_PASSWORD=image-check-password-1" "LOG_FORMAT=json" "LOG_LEVEL=warn")

echo "== first start on empty folders"
"${as[@]}" "${env[@]}" "$bin" & server=$!
for i in $(seq 1 240); do
  if "${as[@]}" "${env[@]}" "$bin" healthcheck 2>/dev/null; then break; fi
  kill -0 "$server" 2>/dev/null || { echo "image-check: FAILED: the server exited"; exit 1; }
  sleep 0.5
done
"${as[@]}" "${env[@]}" "$bin" healthcheck || { echo "image-check: FAILED: healthcheck never passed"; exit 1; }
echo "== healthcheck passes (exit 0)"

echo "== backup while serving"
"${as[@]}" "${env[@]}" "$bin" backup
kill "$server"; wait "$server" || true; server=
if "${as[@]}" "${env[@]}" "$bin" healthcheck 2>/dev/null; then echo "image-check: FAILED: healthcheck passes with no server"; exit 1; fi
echo "== healthcheck fails once stopped (exit 1)"

echo "== restore into an empty folder"
mkdir -p "$root/restored"; [ "$(id -u)" = 0 ] && chown 65532:65532 "$root/restored"
archive=$(ls "$root"/backups/yuechuang-*.tar.gz | head -1)
"${as[@]}" env -i "DATA_DIR=$root/restored" "$bin" restore "$archive"
owner=$(stat -c %u "$root/data/jwt.key")
if [ "$(id -u)" = 0 ] && [ "$owner" != 65532 ]; then echo "image-check: FAILED: jwt.key owned by $owner"; exit 1; fi
echo "image-check: OK"
