#!/usr/bin/env bash
# Ingest benchmark: `newshub ingest --once` over FEEDS local feeds of ITEMS
# items each, with their article pages, served by bench/feedserver (a
# separate process on loopback, one port per publisher); then a second
# round of the same feeds, all answered 304. Prints a markdown table,
# with the machine's load average: other work on the machine slows it.
# With KEYWORDS (comma separated) the root topic has keywords, so the topic
# gate decides every article with its text model; without, the gate has
# nothing to go by and lets everything through.
# Usage: bench/ingest.sh   (env FEEDS, ITEMS, HOSTS to change the load; KEYWORDS)
set -euo pipefail
cd "$(dirname "$0")/.."
FEEDS=${FEEDS:-1000}
ITEMS=${ITEMS:-50}
HOSTS=${HOSTS:-$FEEDS}
KEYWORDS=${KEYWORDS:-}

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

go build -o "$work/newshub" ./cmd/newshub
go build -o "$work/feedserver" ./bench/feedserver

site="$work/site"
mkdir -p "$site/_data/topics"
cat > "$site/_config.yml" <<YAML
title: Bench hub
url: "https://bench.example.org"
baseurl: ""
topic: Election
allow_private_networks: true
YAML
cat > "$site/_data/topics/01-election.yaml" <<YAML
taxonomy: topic
_id: election
name: Election
YAML
if [ -n "$KEYWORDS" ]; then
  echo "keywords:" >>"$site/_data/topics/01-election.yaml"
  tr ',' '\n' <<<"$KEYWORDS" | sed 's/^ */  - /' >>"$site/_data/topics/01-election.yaml"
fi

"$work/feedserver" -feeds "$FEEDS" -items "$ITEMS" -hosts "$HOSTS" -sources "$site/_data/sources.yaml" -for 30m >"$work/feedserver.out" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  grep -q ready "$work/feedserver.out" 2>/dev/null && break
  sleep 0.1
done
grep -q ready "$work/feedserver.out" || { echo "bench: feedserver did not start" >&2; cat "$work/feedserver.out" >&2; exit 1; }

"$work/newshub" --site "$site" import >/dev/null 2>"$work/import.err" || { cat "$work/import.err" >&2; exit 1; }

# measure CMD...: sets secs, cpu (user+system seconds) and rss_mb (peak
# resident set of the process).
measure() {
  local out="$work/time.out"
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%e %M %U %S' -o "$out" "$@" >"$work/run.out" 2>"$work/run.err" || { cat "$work/run.err" >&2; exit 1; }
    read -r secs kb user sys <"$out"
    rss_mb=$((kb / 1024))
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
  else
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >"$work/run.out" 2>"$work/run.err" || { cat "$work/run.err" >&2; exit 1; }
    t1=$(date +%s.%N)
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    rss_mb="?" cpu="?"
  fi
}

load_before=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")
measure "$work/newshub" --site "$site" ingest --once
first_secs=$secs first_rss=$rss_mb first_cpu=$cpu
first_new=$(sed -n 's/^items: *[0-9]* seen, \([0-9]*\) new.*/\1/p' "$work/run.out")
first_pages=$(sed -n 's/^pages: *\([0-9]*\) read.*/\1/p' "$work/run.out")
first_failed=$(sed -n 's/^sources:.* \([0-9]*\) failed.*/\1/p' "$work/run.out")
first_off=$(sed -n 's/^ *\([0-9]*\) of the new off the hub.s topic.*/\1/p' "$work/run.out")

measure "$work/newshub" --site "$site" ingest --once --all
second_secs=$secs second_rss=$rss_mb second_cpu=$cpu
second_304=$(sed -n 's/^sources:.* \([0-9]*\) not modified.*/\1/p' "$work/run.out")
second_new=$(sed -n 's/^items: *[0-9]* seen, \([0-9]*\) new.*/\1/p' "$work/run.out")
load_after=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")
rate=$(awk -v n="$first_new" -v s="$first_secs" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "?" }')

echo "| ingest ($FEEDS feeds x $ITEMS items, pages, $HOSTS hosts; keywords: ${KEYWORDS:-none}) | result | target |"
echo "|---|---|---|"
echo "| first round: wall time (CPU time of newshub) | ${first_secs} s (${first_cpu} s) | < 30 s |"
echo "| first round: peak RSS | ${first_rss} MB | < 500 MB |"
echo "| first round: articles stored a second (wall) | ${rate} | |"
echo "| first round: articles stored / pages read / sources failed | ${first_new} / ${first_pages} / ${first_failed} | $((FEEDS * ITEMS)) / $((FEEDS * ITEMS)) / 0 |"
echo "| first round: of the new, withheld as off topic | ${first_off:-0} | |"
echo "| second round (all 304): wall time (CPU time) | ${second_secs} s (${second_cpu} s) | < 3 s |"
echo "| second round: 304s / new articles / peak RSS | ${second_304} / ${second_new} / ${second_rss} MB | $FEEDS / 0 |"
echo "| machine load (1-minute average) before / after | ${load_before} / ${load_after} | |"
