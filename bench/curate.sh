#!/usr/bin/env bash
# Measures `newshub curate` over a generated hub of ARTICLES articles (default
# 100,000), imported once: the first run, which rewrites every record, and a second,
# which writes nothing, each on a fresh copy of the imported database, ROUNDS times
# (default 3); prints the median wall and CPU time, the peak RSS and the load.
# With BASE=REV (a git revision) the binary of REV is measured in the same rounds,
# alternating with this checkout's, for a ratio taken under the same load.
# Prints markdown rows. usage: [ARTICLES=N] [ROUNDS=N] [BASE=REV] bench/curate.sh [WORKDIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work"
[[ -n ${1:-} ]] || trap 'rm -rf "$work"' EXIT
articles=${ARTICLES:-100000}
rounds=${ROUNDS:-3}

bins=(this)
(cd "$root" && go build -o "$work/this" ./cmd/newshub)
if [[ -n ${BASE:-} ]]; then
	rm -rf "$work/base-src" && mkdir -p "$work/base-src"
	(cd "$root" && git archive "$BASE") | tar -x -C "$work/base-src"
	(cd "$work/base-src" && go build -o "$work/base" ./cmd/newshub)
	bins=(base this)
fi

if [[ ! -f $work/hub.db ]]; then
	"$work/this" gen --articles "$articles" --seed 1 "$work/site" >/dev/null 2>&1
	# Imported by the oldest binary measured, so each opens a schema it knows.
	"$work/${bins[0]}" --site "$work/site" --db "sqlite:$work/hub.db" import >/dev/null 2>&1
fi

# run BIN NAME: one curate run on the current copy; appends "wall cpu rssKB" to NAME.
run() {
	/usr/bin/time -f '%e %U %S %M' -o "$work/t" "$work/$1" --site "$work/site" --db "sqlite:$work/run.db" curate >/dev/null
	read -r wall user sys rss <"$work/t"
	echo "$wall $(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u+s}') $rss" >>"$work/$2"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

load_before=$(cut -d' ' -f1 /proc/loadavg)
for _ in $(seq "$rounds"); do
	for b in "${bins[@]}"; do
		cp "$work/hub.db" "$work/run.db" && rm -f "$work/run.db-wal" "$work/run.db-shm"
		run "$b" "$b.first"
		run "$b" "$b.second"
	done
done
load_after=$(cut -d' ' -f1 /proc/loadavg)

echo "| curate $articles generated articles ($rounds rounds, medians) | wall | CPU | peak RSS |"
echo "|---|---|---|---|"
for b in "${bins[@]}"; do
	for r in first second; do
		f="$work/$b.$r"
		echo "| $b ${BASE:+($([[ $b == base ]] && echo "$BASE" || echo "checkout"))} $r run | $(cut -d' ' -f1 "$f" | median) s | $(cut -d' ' -f2 "$f" | median) s | $(($(cut -d' ' -f3 "$f" | median) / 1024)) MB |"
	done
done
echo "| machine load (1-minute average) before / after | $load_before / $load_after | | |"
