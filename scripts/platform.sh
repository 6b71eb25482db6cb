# Sourced by the load scripts: builds the server and starts it on a free
# loopback port in a temporary data directory, with the environment given
# in PLATFORM_ENV, waits until it is ready, and stops it on exit. Sets
# $port and $pid.
go build -o bin/yuechuang ./server
data=$(mktemp -d)
port=$(( 20000 + RANDOM % 20000 ))
while (echo >/dev/tcp/127.0.0.1/$port) 2>/dev/null; do port=$(( 20000 + RANDOM % 20000 )); done
# PLATFORM_LOG, if set, gets a copy of the server's log (its stderr), at
# the level PLATFORM_ENV may set; the terminal still shows warnings and
# errors only.
if [ -n "${PLATFORM_LOG:-}" ]; then
  env LISTEN_ADDR=127.0.0.1:$port DATA_DIR=$data LOG_LEVEL=warn $PLATFORM_ENV ./bin/yuechuang \
    2> >(tee -a "$PLATFORM_LOG" | grep --line-buffered -v -E '^time=[^ ]+ level=(DEBUG|INFO) ' >&2) &
else
  env LISTEN_ADDR=127.0.0.1:$port DATA_DIR=$data LOG_LEVEL=warn $PLATFORM_ENV ./bin/yuechuang &
fi
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
# Wait while the platform is alive and working (a loaded machine can take
# minutes over the demo set), up to 15 minutes.
for _ in $(seq 1 4500); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.2
done
