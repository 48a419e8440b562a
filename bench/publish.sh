#!/usr/bin/env bash
# Measures publishing on a synthetic hub and prints a markdown table:
# build time and peak memory (first build, unchanged rebuild, with and
# without the website), then serve throughput and latency for a topic page
# with 64 connections, measured from a separate process (wrk, or the
# project's bench/loadgen when wrk is absent).
#
#   bench/publish.sh [ARTICLES]        (default 100000)
#
# Environment: WORK (scratch folder, default a new temporary one; put it on
# the disk to measure), DURATION (load duration, default 10s), CONNS (64),
# RUNS (loads of each kind, default 5; the table gives their medians).
set -euo pipefail

articles=${1:-100000}
duration=${DURATION:-10s}
conns=${CONNS:-64}
root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"
nh="$work/newshub"
log="$work/bench.log"
: >"$log"

cleanup() {
	if [[ -n "${server_pid:-}" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

(cd "$root" && go build -o "$nh" ./cmd/newshub && go build -o "$work/loadgen" ./bench/loadgen)

site="$work/site"
if [[ ! -f "$site/.newshub/newshub.db" ]]; then
	rm -rf "$site"
	"$nh" gen --articles "$articles" "$site" >>"$log" 2>&1
	"$nh" --site "$site" import >>"$log" 2>&1
fi

# timed CMD...: runs CMD, sets secs (wall time), mib (peak resident set)
# and anon (peak anonymous memory: the heap, without the database file
# pages SQLite maps and reads, which the resident set also counts).
timed() {
	local start end pid peak=0 peakanon=0 r a
	start=$(date +%s.%N)
	"$@" >>"$log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		if read -r r a < <(awk '/^VmRSS/ {r=$2} /^RssAnon/ {a=$2} END {print r+0, a+0}' "/proc/$pid/status" 2>/dev/null); then
			((r > peak)) && peak=$r
			((a > peakanon)) && peakanon=$a
		fi
		sleep 0.2
	done
	wait "$pid"
	end=$(date +%s.%N)
	secs=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.1f", b - a}')
	mib=$((peak / 1024))
	anon=$((peakanon / 1024))
}

rows=()
rm -rf "$work/out-api" "$work/out-full"
timed "$nh" --site "$site" build --no-web "$work/out-api"
files=$(find "$work/out-api" -type f | wc -l)
dirs=$(find "$work/out-api" -type d | wc -l)
rows+=("| build API + feeds (first) | $articles | ${secs} s | ${mib} MiB (heap ${anon} MiB) | $files files in $dirs folders |")
# The floor the file system sets: copying the finished tree creates the
# same folders and files (and reads them, which costs little from cache).
sync
timed cp -r "$work/out-api" "$work/floor-copy"
rows+=("| cp -r of that tree on the same disk (the file system's floor) | | ${secs} s | | |")
rm -rf "$work/floor-copy"
# The same build with its output in memory (tmpfs), which shows the
# program's own cost apart from the disk's.
if [[ -d /dev/shm && -w /dev/shm ]]; then
	shm=$(mktemp -d /dev/shm/newshub-bench.XXXXXX)
	timed "$nh" --site "$site" build --no-web "$shm/out-api"
	rows+=("| build API + feeds (first), output on tmpfs | $articles | ${secs} s | ${mib} MiB (heap ${anon} MiB) | |")
	rm -rf "$shm"
fi
timed "$nh" --site "$site" build --no-web "$work/out-api"
rows+=("| build API + feeds (unchanged rebuild) | $articles | ${secs} s | ${mib} MiB (heap ${anon} MiB) | $(grep -o '[0-9]* written, [0-9]* unchanged' "$log" | tail -1) |")
if timed "$nh" --site "$site" build "$work/out-full"; then
	rows+=("| build API + feeds + website (first) | $articles | ${secs} s | ${mib} MiB (heap ${anon} MiB) | $(find "$work/out-full" -type f | wc -l) files |")
else
	rows+=("| build API + feeds + website (first) | $articles | failed | | see $log |")
fi

# Serve: pick the first non-root topic's news page.
port=$((20000 + RANDOM % 20000))
"$nh" --site "$site" serve --no-ingest --quiet --addr "127.0.0.1:$port" >>"$log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do
	curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
	sleep 0.1
done
topic=$(curl -fs "http://127.0.0.1:$port/api/topics/" | grep -o '"id": "[^"]*"' | sed -n 2p | cut -d'"' -f4)
url="http://127.0.0.1:$port/api/news/$topic/"
size=$(curl -fs "$url" | wc -c)
curl -fs "$url" >/dev/null # warm the cache

load() { # load [extra wrk args...]: sets rps and p99
	if command -v wrk >/dev/null; then
		out=$(wrk -t2 -c"$conns" -d"$duration" --latency "$@" "$url")
		echo "$out" >>"$log"
		rps=$(echo "$out" | awk '/Requests\/sec/ {printf "%d", $2}')
		p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
	else
		gzflag=""
		[[ "$*" == *gzip* ]] && gzflag=-gzip
		out=$("$work/loadgen" -c "$conns" -d "$duration" $gzflag "$url")
		echo "$out" >>"$log"
		rps=$(echo "$out" | awk '/^rps/ {print $2}')
		p99=$(echo "$out" | awk '/^p50/ {print $4}')
	fi
}
# runs [extra wrk args...]: RUNS loads; sets rps and p99 to their medians
# (p99 in ms) and spread to the range of p99.
runs() {
	local all_rps=() all_p99=()
	for _ in $(seq 1 "$nruns"); do
		load "$@"
		all_rps+=("$rps")
		all_p99+=("$(awk -v v="$p99" 'BEGIN {
			n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
			if (u == "us") n /= 1000; else if (u == "s") n *= 1000
			printf "%.2f", n }')")
	done
	rps=$(printf '%s\n' "${all_rps[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
	p99=$(printf '%s\n' "${all_p99[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)] " ms"}')
	spread=$(printf '%s\n' "${all_p99[@]}" | sort -n | awk '{a[NR] = $1} END {print a[1] "–" a[NR] " ms"}')
}
nruns=${RUNS:-5}
tool=$(command -v wrk >/dev/null && echo wrk || echo loadgen)
runs
rows+=("| serve /api/news/$topic/ ($size bytes), $conns conns, $tool, median of $nruns runs | $articles | ${rps} req/s | p99 ${p99} (runs: ${spread}) | identity |")
runs -H 'Accept-Encoding: gzip'
rows+=("| serve /api/news/$topic/, $conns conns, $tool, median of $nruns runs | $articles | ${rps} req/s | p99 ${p99} (runs: ${spread}) | gzip |")
rss=$(awk '/VmHWM/ {print int($2/1024)}' "/proc/$server_pid/status")
anon=$(awk '/RssAnon/ {print int($2/1024)}' "/proc/$server_pid/status")
rows+=("| serve memory after the runs | $articles | | peak ${rss} MiB (heap now ${anon} MiB) | |")

echo "| what | articles | time / rate | memory / latency | notes |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); scratch: $work (log: $log)"
