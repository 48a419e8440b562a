#!/usr/bin/env bash
# Soak test: `newshub serve` with ingest over FEEDS local feeds (bench/feedserver,
# one port per publisher) whose items change every ROTATE (NEW new items a feed,
# as many old ones dropped; 304 between changes), every source fetched every
# INTERVAL, for DURATION, while bench/soak reads the API and the pages at RATE
# requests a second and samples the server every 10 s: RSS, live heap,
# goroutines, threads, open files, CPU, API and page latency (p50, p99), ingest
# rounds, articles stored and errors.
#
# The hub's ages are compressed along with the schedule, by one factor:
# the site's archive_after is ARCHIVE_AFTER (240s, four minutes) rather than 30 days, and
# its story_window STORY_WINDOW (24s) rather than 72 hours, so that stories
# end and news ages into _archive/news/ within the run, as it does in a hub
# over months. The current news the server holds then levels off at about
# ARCHIVE_AFTER/ROTATE x NEW x FEEDS articles once the first stories are
# archived, while the archive grows by FEEDS x NEW articles every ROTATE
# for the rest of the run (the feeds' first items, older than that, are
# archived in the first rounds). Without the compression every story stays
# current and the hub's memory grows with all the news it ever stored.
#
# Writes to OUT (default: a new folder under the system's temporary folder):
# samples.tsv, requests.tsv, summary.md (the checks: heap and RSS within ±10%
# after warm-up, goroutines and open files flat, no error, the API's p99 no
# worse at the end), soak.png (the curves), serve.log and feedserver.log, and
# heap profiles at the peak of the live heap and at the end, and the
# goroutines at the end (heap-peak.pprof, heap-end.pprof,
# goroutines-end.txt). With CPUPROFILE=1, also the server's CPU profile
# (cpu.pprof): off by default, because the profiler keeps every stack it
# samples in the server's heap (1 to 3 MB by the end of a 20-minute run,
# growing), which the heap check would count as the server's.
# Exits 1 when a check fails.
#
# With DB=postgres the hub's store is a throwaway PostgreSQL (bench/postgres.sh)
# and each sample also reads, with one query through psql, what the server
# holds for the hub into pg.tsv: its sessions (idle in a transaction, the
# oldest transaction, the oldest snapshot), advisory locks, the LISTEN/NOTIFY
# queue, dead and live tuples, the size of the tables rewritten every round
# and of the database, autovacuums, temporary files and the private memory of
# the hub's sessions; summary.md checks those the hub holds for flatness and
# shows the rest. The server's log is kept as postgres.log.
#
#   bench/soak.sh                        # 20 minutes
#   DURATION=2m bench/soak.sh            # a smoke run
#   CPUPROFILE=1 bench/soak.sh           # with the server's CPU profile
#   DB=postgres FEEDS=200 DURATION=8m bench/soak.sh
#
# Environment: DURATION (20m), INTERVAL (30s), ROTATE (60s), NEW (1),
# ARCHIVE_AFTER (240s; "30d" or "off" for the hub's own), STORY_WINDOW (24s;
# "72h" for the hub's own), FEEDS
# (1000), ITEMS (50), HOSTS (FEEDS), RATE (20), WARMUP (0.25: the fraction of
# the run left out of the flatness checks), OUT, KEEP=1 keeps the site and
# its database (in OUT/work), CPUPROFILE=1 (see above), DB (sqlite or postgres).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/feedsite.sh
. bench/postgres.sh
DB=${DB:-sqlite}
DURATION=${DURATION:-20m}
INTERVAL=${INTERVAL:-30s}
ROTATE=${ROTATE:-60s}
NEW=${NEW:-1}
ARCHIVE_AFTER=${ARCHIVE_AFTER:-240s} # "4m" is refused: minutes or months?
STORY_WINDOW=${STORY_WINDOW:-24s}
FEEDS=${FEEDS:-1000}
ITEMS=${ITEMS:-50}
HOSTS=${HOSTS:-$FEEDS}
RATE=${RATE:-20}
WARMUP=${WARMUP:-0.25}
OUT=${OUT:-$(mktemp -d -t newshub-soak.XXXXXX)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
work="$OUT/work"
mkdir -p "$work"

server_pid="" serve_pid="" pg_stop=()
stop() { # stop PID: interrupt it and wait; its exit status in $stopped
  stopped=0
  kill -INT "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || stopped=$?
}
cleanup() {
  if [ -n "$serve_pid" ]; then stop "$serve_pid"; fi
  if [ -n "$server_pid" ]; then stop "$server_pid"; fi
  if [ ${#pg_stop[@]} -gt 0 ]; then
    "${pg_stop[@]}" >/dev/null || true
    cp "$work/pg/log" "$OUT/postgres.log" 2>/dev/null || true
  fi
  if [ "${KEEP:-}" != 1 ]; then rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

go build -o "$work/newshub" ./cmd/newshub
go build -o "$work/feedserver" ./bench/feedserver
go build -o "$work/soak" ./bench/soak

# wait_for FILE PATTERN SECONDS
wait_for() {
  for _ in $(seq 1 $(($3 * 10))); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "soak: no \"$2\" in $1 after $3 s" >&2
  cat "$1" >&2
  return 1
}

db_args=() soak_args=()
case "$DB" in
  sqlite) ;;
  postgres)
    start_postgres "$work/pg"
    db_args=(--db "$dsn")
    soak_args=(-pg "$dsn")
    ;;
  *) echo "soak: DB=$DB: want sqlite or postgres" >&2; exit 2 ;;
esac

site="$work/site"
feed_site "$site"
printf 'archive_after: %s\nstory_window: %s\n' "$ARCHIVE_AFTER" "$STORY_WINDOW" >>"$site/_config.yml"

# The feeds outlive the run by a margin: the server fetches until it stops.
"$work/feedserver" -feeds "$FEEDS" -items "$ITEMS" -hosts "$HOSTS" -rotate "$ROTATE" -rotate-items "$NEW" \
  -sources "$site/_data/sources.yaml" -for 24h >"$OUT/feedserver.log" 2>&1 &
server_pid=$!
wait_for "$OUT/feedserver.log" ready 120
"$work/newshub" --site "$site" "${db_args[@]}" import >/dev/null 2>"$work/import.err" || { cat "$work/import.err" >&2; exit 1; }

cpuprofile=""
if [ "${CPUPROFILE:-}" = 1 ]; then cpuprofile="$OUT/cpu.pprof"; fi
NEWSHUB_DEBUG_ADDR=127.0.0.1:0 NEWSHUB_MEMPROFILE="$OUT/heap-peak.pprof" NEWSHUB_CPUPROFILE="$cpuprofile" "$work/newshub" --site "$site" "${db_args[@]}" serve --addr 127.0.0.1:0 --quiet \
  --fetch-interval "$INTERVAL" >"$work/serve.out" 2>"$OUT/serve.log" &
serve_pid=$!
wait_for "$work/serve.out" "^serving http://" 120
base=$(sed -n 's|^serving \(http://[^/]*\)/$|\1|p' "$work/serve.out")
debug=$(sed -n 's|^debug \(http://[^/]*\)/debug/$|\1|p' "$work/serve.out")

echo "soak: $DB, $DURATION, $FEEDS feeds x $ITEMS items, $NEW new a feed every $ROTATE, fetched every $INTERVAL, archived after $ARCHIVE_AFTER, story window $STORY_WINDOW, $RATE requests/s; load $(cut -d' ' -f1-3 /proc/loadavg); results in $OUT" >&2
status=0
"$work/soak" -base "$base" -debug "$debug" -pid "$serve_pid" -log "$OUT/serve.log" \
  -d "$DURATION" -rate "$RATE" -warmup "$WARMUP" -out "$OUT" "${soak_args[@]}" || status=$?

# What the server holds at the end, to look into a rise:
#   go tool pprof -sample_index=inuse_space OUT/heap-end.pprof
curl -sf "$debug/debug/pprof/heap" -o "$OUT/heap-end.pprof" || true
curl -sf "$debug/debug/pprof/goroutine?debug=1" -o "$OUT/goroutines-end.txt" || true
stop "$serve_pid"
serve_pid=""
echo "Ages compressed with the schedule: archive_after $ARCHIVE_AFTER (the hub's default: 30 days), story_window $STORY_WINDOW (default: 72 hours); feeds fetched every $INTERVAL, $NEW new item a feed every $ROTATE." | tee -a "$OUT/summary.md"
echo "serve stopped on interrupt with exit status $stopped" | tee -a "$OUT/summary.md"
[ "$stopped" = 0 ] || status=1
grep -q '\*\*FAIL\*\*' "$OUT/summary.md" && status=1
echo "results: $OUT (summary.md, soak.png, samples.tsv, requests.tsv, serve.log)"
exit "$status"
