#!/usr/bin/env bash
# Serves one generated hub from SQLite and from PostgreSQL side by side
# (`serve --no-ingest`, one process each) and loads the same API topic page
# on each in turn with bench/loadgen, so that both are measured under the
# same load in one run. Prints a markdown table of requests per second and
# p99 per store, each the median of RUNS rounds, and the ratio.
#
#   bench/serve-stores.sh [ARTICLES]     (default 20000)
#
# Environment: RUNS (default 3), CONNS (connections, default 32), DUR
# (each round, default 10s), TOPIC (default economy), PAGE (default
# /api/news/$TOPIC/).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/postgres.sh
articles=${1:-20000}
runs=${RUNS:-3}
conns=${CONNS:-32}
dur=${DUR:-10s}
topic=${TOPIC:-economy}
page=${PAGE:-/api/news/$topic/}

work=$(mktemp -d)
chmod 755 "$work" # the PostgreSQL server's user reads its folder inside
pg_stop=()
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  if [ ${#pg_stop[@]} -gt 0 ]; then "${pg_stop[@]}" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

go build -o "$work/newshub" ./cmd/newshub
go build -o "$work/loadgen" ./bench/loadgen
nh="$work/newshub"
site="$work/site"
"$nh" gen --articles "$articles" "$site" >/dev/null 2>&1
sqlite="sqlite:$work/hub.db"
"$nh" --site "$site" --db "$sqlite" import >/dev/null 2>"$work/import.err" || { cat "$work/import.err" >&2; exit 1; }
start_postgres "$work/pg"
"$nh" copy --from "$sqlite" --to "$dsn" >/dev/null 2>"$work/copy.err" || { cat "$work/copy.err" >&2; exit 1; }

# serve NAME DSN: starts `serve --no-ingest` on a free port, sets url.
serve() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
  done
  "$nh" --site "$site" --db "$2" serve --no-ingest --addr "127.0.0.1:$port" >"$work/$1.log" 2>&1 &
  pids+=($!)
  url="http://127.0.0.1:$port"
  for _ in $(seq 1 600); do
    curl -fsS -o /dev/null "$url/readyz" 2>/dev/null && return
    sleep 0.1
  done
  echo "bench: serve on $1 did not get ready" >&2
  cat "$work/$1.log" >&2
  exit 1
}
serve sqlite "$sqlite"
sqlite_url=$url
serve postgres "$dsn"
pg_url=$url
for u in "$sqlite_url" "$pg_url"; do
  curl -fsS -o /dev/null "$u$page" || { echo "bench: $u$page does not answer 200" >&2; exit 1; }
done
cmp <(curl -fsS "$sqlite_url$page") <(curl -fsS "$pg_url$page") ||
  { echo "bench: the two stores answer $page differently" >&2; exit 1; }

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
# ms DURATION: a Go duration (850µs, 12.5ms, 1.2s) in milliseconds.
ms() { awk -v d="$1" 'BEGIN { if (d ~ /µs$/) printf "%.3f", d / 1000; else if (d ~ /ms$/) printf "%.3f", d + 0; else printf "%.3f", d * 1000 }'; }
declare -A rps p99
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for _ in $(seq 1 "$runs"); do
  for s in sqlite postgres; do
    u=$sqlite_url
    [ "$s" = postgres ] && u=$pg_url
    out=$("$work/loadgen" -c "$conns" -d "$dur" "$u$page")
    if ! grep -q 'errors 0$' <<<"$out"; then echo "bench: $s: $out" >&2; exit 1; fi
    rps[$s]+="$(awk '/^rps/ {print $2}' <<<"$out") "
    p99[$s]+="$(ms "$(awk '/^p50/ {print $4}' <<<"$out")") "
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# shellcheck disable=SC2086
rs=$(median ${rps[sqlite]}) rp=$(median ${rps[postgres]}) ps=$(median ${p99[sqlite]}) pp=$(median ${p99[postgres]})
echo "API topic page $page, $articles generated articles, $conns connections, $runs rounds of $dur per store, alternating"
echo
echo "| store | requests/s (median; rounds) | p99 ms (median; rounds) |"
echo "|---|---|---|"
echo "| SQLite | $rs (${rps[sqlite]% }) | $ps (${p99[sqlite]% }) |"
echo "| PostgreSQL | $rp (${rps[postgres]% }) | $pp (${p99[postgres]% }) |"
echo "| PostgreSQL / SQLite | $(awk -v a="$rp" -v b="$rs" 'BEGIN {printf "%.2f", a / b}') | $(awk -v a="$pp" -v b="$ps" 'BEGIN {printf "%.2f", a / b}') |"
echo
echo "load average before: $load_before; after: $load_after"
