#!/usr/bin/env bash
# Ingest workers benchmark: the first ingest round of FEEDS slow feeds
# (each feed and page answers after DELAY, as a slow publisher does) by one
# `newshub ingest` process, then by PROCS processes sharing a new hub of the
# same store, each fetching the sources it leases. Prints both rows of
# bench/ingest.sh and the ratio of the rates (target: 3 workers at least
# 2.5 times one). Each process fetches WORKERS feeds at once: the bound a
# worker's own fetching has, which more workers multiply.
# Usage: bench/workers.sh   (env FEEDS, ITEMS, DELAY, WORKERS, PROCS, DB)
set -euo pipefail
cd "$(dirname "$0")/.."
export FEEDS=${FEEDS:-1000} ITEMS=${ITEMS:-10} DELAY=${DELAY:-200ms} PAGE_DELAY=${PAGE_DELAY:-${DELAY:-200ms}}
export DB=${DB:-postgres} INGEST_ARGS="--workers ${WORKERS:-8}"
procs=${PROCS:-3}

rate_of() { sed -n 's/^| first round: articles stored a second (wall) | \([0-9]*\) .*/\1/p' "$1"; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
PROCS=1 bench/ingest.sh >"$out/one"
PROCS=$procs bench/ingest.sh >"$out/many"
cat "$out/one"
echo
cat "$out/many"
echo
one=$(rate_of "$out/one") many=$(rate_of "$out/many")
ratio=$(awk -v a="$one" -v b="$many" 'BEGIN { if (a > 0) printf "%.2f", b / a; else print "?" }')
echo "| workers ($FEEDS feeds x $ITEMS items, $DB, each answering after $DELAY, --workers ${WORKERS:-8} each) | result | target |"
echo "|---|---|---|"
echo "| articles stored a second: 1 process / $procs processes | $one / $many | |"
echo "| ratio | ${ratio}x | >= 2.5x with 3 |"
