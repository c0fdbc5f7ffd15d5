#!/usr/bin/env bash
# Load benchmark of `storyline serve` (see docs/benchmarks.md; not a test).
# Ingests the seeds and Timeline17 into a store, serves it with the release
# binary, waits until every story view is computed, then runs wrk for
# $DURATION (30s) at 64 connections on three classes of URLs: the story
# list (pages, sorts, word filters), story pages (every story, page, JSON
# and paged sub-lists) and searches (one or two names the store's articles
# mention, first or second page), web pages and JSON alike.
# scripts/load.lua draws the URLs (DRAW=zipf or uniform). After each run
# the server's answer-cache counts say how many answers were computed.
# Needs wrk and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${STORYLINE_SHARED:-../shared}
db=${DB:-/tmp/storyline-load.db}
addr=127.0.0.1:${PORT:-8099}
duration=${DURATION:-30s}
# BIN: a storyline binary already built (else the release build here).
bin=${BIN:-}
if [ -z "$bin" ]; then
  cargo build --release -p storyline-cli
  bin=${CARGO_TARGET_DIR:-target}/release/storyline
fi
if [ ! -f "$db" ]; then
  # Exit code 3 is "partial": Timeline17 holds 21 empty files.
  "$bin" ingest -q "$shared/seeds" "$shared/datasets/timeline17" --db "$db" 2>/dev/null || [ $? -eq 3 ]
fi
"$bin" serve --db "$db" --addr "$addr" &
pid=$!
trap 'kill $pid' EXIT
start=$(date +%s.%N)
until curl -sf "http://$addr/api/status" | grep -q '"warm":true'; do sleep 0.2; done
echo "every view computed $(echo "$(date +%s.%N) - $start" | bc) s after start; RSS $(grep VmRSS /proc/$pid/status | tr -s ' ' | cut -d' ' -f2) kB"

# The URLs' ingredients: every story id, and the names the store's
# articles mention most (the first 1,000 of /api/entities: people, places,
# organizations, what readers search for; Timeline17's articles have no
# headlines to draw words from), lowercased, most mentioned first.
data=$(mktemp --suffix=.lua)
trap 'kill $pid; rm -f "$data"' EXIT
{
  echo "return {"
  echo "stories = {"
  total=$(curl -sf "http://$addr/api/stories?limit=1" | grep -o '"total":[0-9]*' | cut -d: -f2)
  for ((offset = 0; offset < total; offset += 100)); do
    curl -sf "http://$addr/api/stories?sort=largest&limit=100&offset=$offset" |
      grep -o '"id":"s[0-9]*"' | cut -d'"' -f4 | sed 's/.*/"&",/'
  done
  echo "},"
  echo "names = {"
  for ((offset = 0; offset < 1000; offset += 100)); do
    curl -sf "http://$addr/api/entities?limit=100&offset=$offset" | grep -o '"name":"[^"]*"' | cut -d'"' -f4
  done | tr 'A-Z' 'a-z' | sed 's/[^a-z0-9]\+/+/g; s/^+//; s/+$//' | awk 'length >= 3 && !seen[$0]++' |
    sed 's/.*/"&",/'
  echo "},"
  echo "}"
} > "$data"
echo "$(grep -c '"s[0-9]*",' "$data") stories, $(grep -c '"[a-z0-9+]*",$' "$data") names"

counts() {
  curl -sf "http://$addr/api/status" | grep -o '"cache_[a-z]*":[0-9]*' | tr '\n' ' '
}
for class in ${CLASSES:-list story search}; do
  echo "== $class (${DRAW:-zipf}); before: $(counts)"
  LOAD_DATA=$data CLASS=$class wrk -t2 -c64 -d"$duration" --latency -s scripts/load.lua "http://$addr"
  echo "after: $(counts)"
done
