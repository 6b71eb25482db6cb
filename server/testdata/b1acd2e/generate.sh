#!/usr/bin/env bash
# Regenerates server/testdata/b1acd2e/: a DATA_DIR written by the release at
# commit b1acd2e, and the answers its API gave, for TestOpensB1acd2eData.
#
# It needs the repository's history (a full clone). It builds b1acd2e with
# two changes that leave its storage code untouched: the demo set's sizes
# (seed.DefaultSizes) are cut so the archive stays small, and the start-up
# budget is raised so a busy machine does not kill the seeding half-way.
# Then it runs that binary with its demo seeding, drives a little of what
# users do (interest, a deck read, an intro, a roadshow registration, a
# roadshow run from start to end), records the answers, stops the server
# cleanly (SIGTERM) and archives the data directory.
#
#   server/testdata/b1acd2e/generate.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(git -C "$here" rev-parse --show-toplevel)
work=$(mktemp -d)
trap '[ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; git -C "$repo" worktree remove --force "$work/src" 2>/dev/null || true; rm -rf "$work"' EXIT

git -C "$repo" worktree add --detach "$work/src" b1acd2e >/dev/null
sed -i 's/var DefaultSizes = Sizes{Startups: 300, Investors: 100, Spaces: 20}/var DefaultSizes = Sizes{Startups: 24, Investors: 8, Spaces: 4}/' "$work/src/server/seed/seed.go"
sed -i 's/openTimeout        = 60 \* time.Second/openTimeout        = 30 * time.Minute/' "$work/src/server/platform.go"
grep -q 'Startups: 24' "$work/src/server/seed/seed.go"
grep -q '30 \* time.Minute' "$work/src/server/platform.go"
(cd "$work/src" && CGO_ENABLED=0 go build -o "$work/yuechuang" ./server)

port=18099
base=http://127.0.0.1:$port
DATA_DIR=$work/data LISTEN_ADDR=127.0.0.1:$port SEED_DEMO=true TIMEZONE=UTC "$work/yuechuang" >"$work/log.txt" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  curl -sf "$base/readyz" >/dev/null && break
  kill -0 $pid || { cat "$work/log.txt"; exit 1; }
  sleep 1
done

login() { curl -sf "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$1@demo.yuechuang.cn\",\"password\":\"yuechuang2026\"}" | jq -r .accessToken; }
founder=$(login founder); investor=$(login investor); manager=$(login manager); admin=$(login admin)
get() { curl -sf "$base/api/v1$2" -H "Authorization: Bearer $1"; }
post() { curl -sf -X POST "$base/api/v1$2" -H "Authorization: Bearer $1" -H 'Content-Type: application/json' -d "${3:-{\}}"; }

# What users do: interest in two startups (notifies their founders), a
# deck read, an intro request, a registration, a roadshow start to end.
mine=$(get "$founder" '/startups?mine=true&pageSize=50' | jq -r '[.items[] | select(.status=="published")][0].id')
post "$investor" "/dealflow/$mine/feedback" '{"action":"interested"}' >/dev/null
other=$(get "$investor" '/startups?pageSize=50' | jq -r "[.items[] | select(.id != \"$mine\")][0].id")
post "$investor" "/dealflow/$other/feedback" '{"action":"pass"}' >/dev/null
inv=$(get "$investor" /investors/me | jq -r .id)
post "$investor" /intros "{\"startupId\":\"$mine\",\"investorId\":\"$inv\",\"message\":\"想聊聊 / let us talk\"}" >/dev/null
rs=$(get "$manager" '/roadshows?pageSize=10' | jq -r '.items | sort_by(.startsAt)')
rs1=$(jq -r '.[0].id' <<<"$rs"); rs2=$(jq -r '.[1].id' <<<"$rs")
post "$investor" "/roadshows/$rs2/register" >/dev/null
deckof=$(get "$manager" "/roadshows/$rs1" | jq -r '.slots[0].startupId')
get "$investor" "/startups/$deckof/deck" >/dev/null || true
post "$manager" "/roadshows/$rs1/start" >/dev/null
post "$manager" "/roadshows/$rs1/advance" >/dev/null
post "$manager" "/roadshows/$rs1/end" >/dev/null
sleep 2 # the room writes its events and the notifier its fan-out

# The answers the migrated data must give again.
{
  echo '{'
  echo "\"founderMe\": $(get "$founder" /me),"
  echo "\"founderStartups\": $(get "$founder" '/startups?mine=true&pageSize=50'),"
  echo "\"publicStartups\": $(get "$investor" '/startups?pageSize=50'),"
  echo "\"investorMe\": $(get "$investor" /investors/me),"
  echo "\"spaces\": $(get "$investor" '/spaces?pageSize=50'),"
  echo "\"roadshow1\": $(get "$manager" "/roadshows/$rs1"),"
  echo "\"roadshow2\": $(get "$manager" "/roadshows/$rs2"),"
  echo "\"record1\": $(get "$manager" "/roadshows/$rs1/record"),"
  echo "\"founderNotifications\": $(get "$founder" '/notifications?pageSize=50'),"
  echo "\"investorNotifications\": $(get "$investor" '/notifications?pageSize=50'),"
  echo "\"founderIntros\": $(get "$founder" /intros),"
  echo "\"interest\": $(get "$founder" "/startups/$mine/interest"),"
  echo "\"program\": $(get "$admin" /stats/program)"
  echo '}'
} | jq . >"$here/expected.json"

kill -TERM $pid
wait $pid || true
pid=
tar -C "$work/data" --sort=name --owner=0 --group=0 --numeric-owner -cf - . | gzip -9 -n >"$here/data.tar.gz"
cp "$work/log.txt" "$here/generate.log"
ls -l "$here"
