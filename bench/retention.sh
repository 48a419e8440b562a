#!/usr/bin/env bash
# Measures `newshub curate --archive` over a generated hub of ARTICLES articles
# (default 100,000; gen spreads them over 180 days and archives at 150), imported
# once, with archive_after 30d and purge_after 60d as of the generated hub's last
# day: about two thirds of the news moves to _archive/news/ and the old unpublished
# duplicates go. Each round (ROUNDS, default 3) runs on fresh copies: the store
# alone (a site folder holding only _config.yml), then store and folder together
# (the news files copied in first; the copy's time is shown as a floor of the disk),
# then a second run with nothing left to do (store alone, and store and folder), the
# cost ingest pays after a round when a rule is due. Prints markdown rows with medians, peak RSS and the load.
# usage: [ARTICLES=N] [ROUNDS=N] bench/retention.sh [WORKDIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work"
[[ -n ${1:-} ]] || trap 'rm -rf "$work"' EXIT
articles=${ARTICLES:-100000}
rounds=${ROUNDS:-3}
now=2026-11-01T00:00:00Z # gen's default last day

(cd "$root" && go build -o "$work/newshub" ./cmd/newshub)
if [[ ! -f $work/hub.db ]]; then
	rm -rf "$work/site"
	"$work/newshub" gen --articles "$articles" --seed 1 "$work/site" >/dev/null 2>&1
	sed -i -e 's/^archive_after: .*/archive_after: 30d\npurge_after: 60d/' "$work/site/_config.yml"
	"$work/newshub" --site "$work/site" --db "sqlite:$work/hub.db" import >/dev/null 2>&1
fi
mkdir -p "$work/bare" && cp "$work/site/_config.yml" "$work/bare/"

# run NAME SITE: one curate --archive on run.db; appends "wall cpu rssKB" to NAME and
# keeps the last output in NAME.out.
run() {
	/usr/bin/time -f '%e %U %S %M' -o "$work/t" "$work/newshub" --site "$2" --db "sqlite:$work/run.db" \
		curate --archive --now "$now" >"$work/$1.out" 2>/dev/null
	read -r wall user sys rss <"$work/t"
	echo "$wall $(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u+s}') $rss" >>"$work/$1"
}
fresh() { cp "$work/hub.db" "$work/run.db" && rm -f "$work/run.db-wal" "$work/run.db-shm"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

rm -f "$work"/{store,store-again,folder,again,copy}
load_before=$(cut -d' ' -f1 /proc/loadavg)
for _ in $(seq "$rounds"); do
	fresh
	run store "$work/bare"
	run store-again "$work/bare"
	fresh
	rm -rf "$work/copy-site" && mkdir -p "$work/copy-site/_archive"
	start=$(date +%s.%N)
	cp -r "$work/site/_news" "$work/copy-site/" && cp -r "$work/site/_archive/news" "$work/copy-site/_archive/"
	sync
	awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.2f 0 0\n", e-s}' >>"$work/copy"
	cp "$work/site/_config.yml" "$work/copy-site/"
	run folder "$work/copy-site"
	run again "$work/copy-site"
done
load_after=$(cut -d' ' -f1 /proc/loadavg)

echo "| curate --archive, $articles generated articles ($rounds rounds, medians) | wall | CPU | peak RSS |"
echo "|---|---|---|---|"
row() { echo "| $1 | $(cut -d' ' -f1 "$work/$2" | median) s | $(cut -d' ' -f2 "$work/$2" | median) s | $(($(cut -d' ' -f3 "$work/$2" | median) / 1024)) MB |"; }
row "store only: $(grep -o '[0-9]* archived' "$work/store.out"), $(grep -o '[0-9]* purged' "$work/store.out")" store
row "store and site folder: $(grep -o '[0-9]* moved, [0-9]* removed' "$work/folder.out") files" folder
echo "| floor: cp -r of the news files into the folder | $(cut -d' ' -f1 "$work/copy" | median) s | | |"
row "again, store only, nothing to do: what serve pays after a round" store-again
row "again, store and folder, nothing to do" again
echo "| machine load (1-minute average) before / after | $load_before / $load_after | | |"
