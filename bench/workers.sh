#!/usr/bin/env bash
# Ingest workers benchmark: the first ingest round of FEEDS slow feeds
# (each feed and page answers after DELAY, as a slow publisher does) by one
# `newshub ingest` process, then by PROCS processes sharing a new hub of the
# same store, each fetching the sources it leases. Each process runs with
# the same flags (--workers WORKERS: the feeds it fetches at once, as a user
# runs each worker), so the comparison is of one worker with PROCS of them,
# not of equal fetching capacity. With SAME_TOTAL=1 a third run has one
# process fetch PROCS*WORKERS feeds at once: the same capacity without the
# sharing, which tells what sharing the hub costs.
#
# The pair (and the third run) is measured REPEAT times, one after the
# other, so a change in the machine's load shows in each pair alike. Prints
# each run's rate, distinct URLs stored and load, the ratio of each pair and
# the median ratio (target: 3 workers at least 2.5 times one).
# Usage: bench/workers.sh
#   (env FEEDS, ITEMS, DELAY, WORKERS, PROCS, DB, REPEAT, SAME_TOTAL;
#   INGEST_ARGS: more flags for every process, e.g. "-v" with LOGS=DIR,
#   which keeps each run's logs in DIR/NAME, see bench/ingest.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
export FEEDS=${FEEDS:-1000} ITEMS=${ITEMS:-10} DELAY=${DELAY:-200ms} PAGE_DELAY=${PAGE_DELAY:-${DELAY:-200ms}}
export DB=${DB:-postgres}
workers=${WORKERS:-8}
procs=${PROCS:-3}
repeat=${REPEAT:-1}

row() { sed -n "s/^| $2 | \([^|]*\) |.*/\1/p" "$1" | sed 's/ *$//'; }
rate_of() { row "$1" 'first round: articles stored a second (wall)'; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# run NAME PROCS WORKERS: one bench/ingest.sh run, its table kept as NAME.
run() {
  local logs=${LOGS:+$LOGS/$1}
  PROCS=$2 INGEST_ARGS="--workers $3 ${INGEST_ARGS:-}" LOGS=$logs bench/ingest.sh >"$out/$1"
}

echo "| workers ($FEEDS feeds x $ITEMS items, $DB, each answering after $DELAY) | articles/s | news records / distinct URLs | load before / after | wall (CPU) |"
echo "|---|---|---|---|---|"
ratios=()
for i in $(seq 1 "$repeat"); do
  names=("one.$i:1:$workers" "many.$i:$procs:$workers")
  if [ "${SAME_TOTAL:-}" = 1 ]; then names+=("total.$i:1:$((procs * workers))"); fi
  for n in "${names[@]}"; do
    IFS=: read -r name p w <<<"$n"
    run "$name" "$p" "$w"
    echo "| run $i: $p process(es), --workers $w | $(rate_of "$out/$name") |" \
      "$(row "$out/$name" 'first round: news records \/ distinct canonical URLs in the store') |" \
      "$(row "$out/$name" 'machine load (1-minute average) before \/ after') |" \
      "$(row "$out/$name" 'first round: wall time (CPU time of newshub)') |"
  done
  one=$(rate_of "$out/one.$i") many=$(rate_of "$out/many.$i")
  ratios+=("$(awk -v a="$one" -v b="$many" 'BEGIN { if (a > 0) printf "%.2f", b / a; else print 0 }')")
  echo "| run $i: ratio $procs processes / 1 | ${ratios[-1]}x | | | |"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
echo
echo "| workers: $procs processes / 1, each --workers $workers | result | target |"
echo "|---|---|---|"
echo "| median ratio of $repeat run(s) | ${median}x | >= 2.5x with 3 |"
