#!/usr/bin/env bash
# Import benchmark: `newshub import` of a generated hub into an empty store,
# RUNS times, each into a new store. Prints a markdown table: the median
# records/s (records imported over the wall time of the whole process), the
# median CPU time, the largest peak RSS, and the machine's load average:
# other work on the machine slows it.
#
# Usage: bench/import.sh
# Environment:
#   SITE=DIR             the site to import, read only (default: one generated
#                        with ARTICLES articles, seed 1, in a temporary folder)
#   ARTICLES=N           articles of the generated site (default 100000)
#   RUNS=N               imports to take the median of (default 3)
#   DB=sqlite|postgres   the store; postgres starts a throwaway PostgreSQL
#                        and imports into a new database each run (default
#                        sqlite)
#   NEWSHUB=BIN          a built newshub to measure instead of this checkout's
#                        (to compare two versions on the same machine state)
#   IMPORT_ARGS          more flags for import (e.g. "--batch 4000")
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/postgres.sh
ARTICLES=${ARTICLES:-100000}
RUNS=${RUNS:-3}
DB=${DB:-sqlite}
read -r -a import_args <<<"${IMPORT_ARGS:-}"

work=$(mktemp -d)
chmod 755 "$work" # the PostgreSQL server's user reads its folder inside
pg_stop=()
cleanup() {
  if [ ${#pg_stop[@]} -gt 0 ]; then "${pg_stop[@]}" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

bin=${NEWSHUB:-$work/newshub}
[ -n "${NEWSHUB:-}" ] || go build -o "$bin" ./cmd/newshub
site=${SITE:-}
if [ -z "$site" ]; then
  site=$work/site
  "$bin" gen --articles "$ARTICLES" --seed 1 "$site" >/dev/null 2>"$work/gen.err" || { cat "$work/gen.err" >&2; exit 1; }
fi
files=$(find "$site" -type f -not -path '*/assets/*' -not -path '*/.newshub/*' | wc -l)

case "$DB" in
  sqlite) ;;
  postgres) start_postgres "$work/pg" ;;
  *) echo "bench: DB=$DB: want sqlite or postgres" >&2; exit 2 ;;
esac

# fresh_store prints the DSN of a new, empty store for one run.
fresh_store() {
  case "$DB" in
    sqlite)
      rm -f "$work"/hub.db*
      echo "sqlite:$work/hub.db"
      ;;
    postgres)
      [ "$i" = 1 ] || "${pg_psql[@]}" -d postgres -c "DROP DATABASE hub$((i - 1))" >/dev/null
      "${pg_psql[@]}" -d postgres -c "CREATE DATABASE hub$i" >/dev/null
      echo "${dsn/\/postgres\?//hub$i?}"
      ;;
  esac
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
: >"$work/runs"
for i in $(seq 1 "$RUNS"); do
  store=$(fresh_store)
  t0=$(date +%s.%N)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%M %U %S' -o "$work/time" "$bin" --db "$store" --site "$site" import "${import_args[@]}" \
      >"$work/out" 2>"$work/err" || { tail -n 20 "$work/err" >&2; exit 1; }
  else
    "$bin" --db "$store" --site "$site" import "${import_args[@]}" >"$work/out" 2>"$work/err" ||
      { tail -n 20 "$work/err" >&2; exit 1; }
    echo "0 0 0" >"$work/time"
  fi
  t1=$(date +%s.%N)
  n=$(sed -n 's/^imported \([0-9]*\) records.*/\1/p' "$work/out")
  read -r kb user sys <"$work/time"
  # records/s, wall s, CPU s, peak RSS MB
  awk -v n="$n" -v a="$t0" -v b="$t1" -v kb="$kb" -v u="$user" -v s="$sys" \
    'BEGIN { printf "%.0f %.2f %.2f %d %d\n", n / (b - a), b - a, u + s, kb / 1024, n }' >>"$work/runs"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
rate=$(cut -d' ' -f1 "$work/runs" | median)
wall=$(cut -d' ' -f2 "$work/runs" | median)
cpu=$(cut -d' ' -f3 "$work/runs" | median)
rss=$(cut -d' ' -f4 "$work/runs" | sort -n | tail -n 1)
imported=$(cut -d' ' -f5 "$work/runs" | sort -u | tr '\n' ' ')
target=25000
[ "$DB" = postgres ] && target=20000

echo "| import of $site ($files record files, $DB, $RUNS runs) | result | target |"
echo "|---|---|---|"
echo "| records/s (median; each run: $(cut -d' ' -f1 "$work/runs" | tr '\n' ' ')) | $rate | >= $target |"
echo "| wall time / CPU time of newshub (median) | $wall s / $cpu s | |"
echo "| peak RSS (largest run) | $rss MB | < 300 MB |"
echo "| records imported (each run) | $imported| $files |"
echo "| machine load (1, 5, 15-minute averages) before / after | $load_before / $load_after | |"
