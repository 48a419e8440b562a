#!/usr/bin/env bash
# Measures whole-process gen, import and export of a synthetic site and
# prints a markdown table: records/s and peak resident memory.
#
# usage: bench/import-export.sh [WORKDIR]
#   ARTICLES=100000 (default) sets the site size; WORKDIR defaults to a new
#   temporary folder, removed at the end unless KEEP=1. The file system of
#   WORKDIR matters: creating 100,000 files is much faster on tmpfs.
set -euo pipefail

articles=${ARTICLES:-100000}
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work"
if [[ -z ${1:-} && -z ${KEEP:-} ]]; then
	trap 'rm -rf "$work"' EXIT
fi
rm -rf "$work/site" "$work/out" "$work/hub.db" "$work/hub.db-wal" "$work/hub.db-shm"

bin="$work/newshub"
(cd "$root" && go build -o "$bin" ./cmd/newshub)

# measure NAME CMD...: runs CMD, leaves wall seconds in $secs, CPU seconds
# (user + system) in $cpu and peak RSS in MB in $rss (n/a without GNU time).
measure() {
	local log="$work/$1.time"
	shift
	if [[ -x /usr/bin/time ]]; then
		/usr/bin/time -f '%e %U %S %M' -o "$log" "$@" >"$work/last.out" 2>"$work/last.err" || {
			cat "$work/last.err" >&2
			return 1
		}
		read -r secs user sys kb <"$log"
		cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
		rss=$((kb / 1024))
	else
		local start end
		start=$(date +%s.%N)
		"$@" >"$work/last.out" 2>"$work/last.err"
		end=$(date +%s.%N)
		secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
		cpu=n/a rss=n/a
	fi
}

rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "inf" }'; }

measure gen "$bin" gen --articles "$articles" --seed 1 "$work/site"
files=$(grep -o 'generated [0-9]*' "$work/last.out" | awk '{print $2}')
gen_secs=$secs gen_cpu=$cpu gen_rss=$rss

measure import "$bin" --db "sqlite:$work/hub.db" import "$work/site"
imported=$(grep -o 'imported [0-9]*' "$work/last.out" | awk '{print $2}')
imp_secs=$secs imp_cpu=$cpu imp_rss=$rss

measure export "$bin" --db "sqlite:$work/hub.db" export "$work/out"
exported=$(grep -o 'exported [0-9]*' "$work/last.out" | awk '{print $2}')
exp_secs=$secs exp_cpu=$cpu exp_rss=$rss

fstype=$(df -T "$work" | awk 'NR == 2 {print $2}')
echo "Site: gen --articles $articles ($files files), work folder on $fstype, $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg) at the end."
echo
echo "| step | records | wall s | CPU s | records/s | peak RSS (MB) | target |"
echo "|---|---:|---:|---:|---:|---:|---|"
echo "| gen | $files | $gen_secs | $gen_cpu | $(rate "$files" "$gen_secs") | $gen_rss | a few seconds |"
echo "| import | $imported | $imp_secs | $imp_cpu | $(rate "$imported" "$imp_secs") | $imp_rss | ≥ 25,000 records/s, < 300 MB |"
echo "| export | $exported | $exp_secs | $exp_cpu | $(rate "$exported" "$exp_secs") | $exp_rss | ≥ 40,000 records/s |"
