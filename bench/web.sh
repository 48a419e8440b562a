#!/usr/bin/env bash
# Measures the website on a synthetic hub (gen's generated site in a SQLite
# store) with the Go benchmarks of internal/web, and prints a markdown table:
# server-side render time of the home, topic, story and article pages, search
# (HTML and JSON, queries matching up to 10,000 articles), the hub's view
# loaded once per store generation, and the static website build.
#
#   bench/web.sh [ARTICLES]        (default 100000)
#
# Environment: BENCHTIME (iterations per benchmark, default 300x).
set -euo pipefail

articles=${1:-100000}
benchtime=${BENCHTIME:-300x}
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT

cd "$root"
NEWSHUB_BENCH_ARTICLES=$articles go test -run '^$' -timeout 60m -benchtime "$benchtime" \
	-bench 'Benchmark(Home|Topic|Story|Article|Search|SearchFiltered)$' ./internal/web >"$out" 2>&1 || { cat "$out" >&2; exit 1; }
NEWSHUB_BENCH_ARTICLES=$articles go test -run '^$' -timeout 60m -benchtime 1x \
	-bench 'Benchmark(View|Build)$' ./internal/web >>"$out" 2>&1 || { cat "$out" >&2; exit 1; }

echo "| web | articles | median | p95 | mean | notes |"
echo "|---|---|---|---|---|---|"
awk -v n="$articles" '
/^bench hub:/ { sub(/^bench hub: /, ""); hub = $0 }
/^Benchmark/ {
	name = $1; sub(/^Benchmark/, "", name); sub(/-[0-9]+$/, "", name)
	mean = ""; p50 = ""; p95 = ""; matches = ""
	for (i = 2; i < NF; i++) {
		if ($(i+1) == "ns/op") mean = sprintf("%.2f ms", $i / 1e6)
		if ($(i+1) == "p50-ms") p50 = $i " ms"
		if ($(i+1) == "p95-ms") p95 = $i " ms"
		if ($(i+1) == "max-matches") matches = matches (matches == "" ? "" : "; ") "queries match up to " $i " articles"
		if ($(i+1) == "cpu-ms/op") matches = matches (matches == "" ? "" : "; ") "CPU " $i " ms/op"
		if ($(i+1) == "cpu-s/op") matches = matches (matches == "" ? "" : "; ") "CPU " $i " s"
	}
	what = tolower(name)
	if (name == "View") { what = "the hub view (once per store generation)"; mean = sprintf("%.2f s", substr(mean, 1, length(mean) - 3) / 1000) }
	if (name == "Build") { what = "static website build from a loaded view"; mean = sprintf("%.2f s", substr(mean, 1, length(mean) - 3) / 1000) }
	if (name == "Search") what = "search (HTML and /api/search)"
	if (name == "SearchFiltered") what = "search within a topic or the last year"
	if (name ~ /^(Home|Topic|Story|Article)$/) what = what " page"
	printf "| %s | %d | %s | %s | %s | %s |\n", what, n, p50, p95, mean, matches
}
END { if (hub != "") printf "\nhub: %s\n", hub }
' "$out"
echo "machine: $(nproc) CPUs, $(uname -sr)"
