#!/usr/bin/env bash
# Load benchmark of `storyline serve` (see docs/benchmarks.md; not a test).
# Ingests the seeds and Timeline17 into a store, serves it with the release
# binary, waits until every story view is computed, then runs wrk for
# $DURATION (30s) at 64 connections on the story list, the largest story's
# page and a search, as web pages and as JSON. Needs wrk and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${STORYLINE_SHARED:-../shared}
db=${DB:-/tmp/storyline-load.db}
addr=127.0.0.1:${PORT:-8099}
duration=${DURATION:-30s}
cargo build --release -p storyline-cli
bin=${CARGO_TARGET_DIR:-target}/release/storyline
if [ ! -f "$db" ]; then
  # Exit code 3 is "partial": Timeline17 holds 21 empty files.
  "$bin" ingest -q "$shared/seeds" "$shared/datasets/timeline17" --db "$db" 2>/dev/null || [ $? -eq 3 ]
fi
"$bin" serve --db "$db" --addr "$addr" &
pid=$!
trap 'kill $pid' EXIT
start=$(date +%s.%N)
until curl -sf "http://$addr/api/status" | grep -q '"warm":true'; do sleep 0.2; done
echo "every view computed $(echo "$(date +%s.%N) - $start" | bc) s after start"
story=$(curl -sf "http://$addr/api/stories?sort=largest&limit=1" | grep -o '"id":"s[0-9]*"' | head -1 | cut -d'"' -f4)
query=${QUERY:-oil+spill}
for path in "/" "/stories/$story" "/search?q=$query" "/api/stories" "/api/stories/$story" "/api/search?q=$query"; do
  echo "== GET $path"
  wrk -t2 -c64 -d"$duration" --latency "http://$addr$path"
done
