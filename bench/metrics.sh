#!/usr/bin/env bash
# Measures what metrics cost: a request through the HTTP instruments (the
# same trivial handler bare, behind metrics.InstrumentRoute and Middleware,
# and with only Route.Observe, for a server that times its requests
# already), and a scrape of /metrics on a hub of 1,000 sources. Prints
# markdown rows of the medians of COUNT runs (default 5) and the load
# average, since timings on a shared machine are indicative only.
#
# usage: bench/metrics.sh   (or bench/run metrics)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${COUNT:-5}
echo "| metrics | median | allocs/op |"
echo "|---|---|---|"
echo "| load average before | $(cut -d' ' -f1-3 /proc/loadavg) | |"
go test ./internal/metrics/ -count=1 -run '^$' -bench 'Middleware|Scrape' -benchmem -count "$count" |
	awk '/^Benchmark/ { k = $1; sub(/-[0-9]+$/, "", k); n[k]++; v[k, n[k]] = $3; a[k] = $7 }
	END {
		for (k in n) {
			m = n[k]
			for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[k, j] + 0 < v[k, i] + 0) { t = v[k, i]; v[k, i] = v[k, j]; v[k, j] = t }
			printf "| %s | %.1f ns/op | %s |\n", k, v[k, int((m + 1) / 2)], a[k]
		}
	}' | sort
echo "| load average after | $(cut -d' ' -f1-3 /proc/loadavg) | |"
