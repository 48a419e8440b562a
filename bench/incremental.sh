#!/usr/bin/env bash
# Measures incremental publishing on a synthetic hub and prints a markdown
# table, every figure the median of RUNS runs taken in this one run:
#
#   - a first (whole) build of the API, feeds and website into OUT;
#   - cp -r of that output on the same disk (the file system's floor);
#   - ARRIVE new articles arriving in the store, then `build OUT` updating
#     the existing output (time, peak RSS, files written and removed);
#   - with UNCHANGED=1, a rebuild with nothing changed;
#   - the live path: `serve --no-ingest --publish OUT` started over the
#     OUT the build left (the time to its first build), then ARRIVE more
#     articles imported; the time from the import's end (its last commit)
#     to serve's next "updated OUT" line, and serve's peak RSS over it;
#   - Hugo building the same hub's articles with bench/hugo (a page per
#     article, paged lists, a page per topic, RSS), when hugo is installed.
#
#   bench/incremental.sh [ARTICLES]      (default 100000)
#
# Environment: WORK (scratch folder, default a new temporary one; the hub
# is generated once there and reused), RUNS (default 3), ARRIVE (1000),
# UNCHANGED=1 (also time a rebuild with nothing changed), LIVE=0 (skip the
# live path).
set -euo pipefail

articles=${1:-100000}
runs=${RUNS:-3}
arrive=${ARRIVE:-1000}
root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"
nh="$work/newshub"
log="$work/incremental.log"
: >"$log"
(cd "$root" && go build -o "$nh" ./cmd/newshub)

site="$work/site"
if [[ ! -f "$site/.newshub/newshub.db" ]]; then
	rm -rf "$site"
	"$nh" gen --articles "$articles" "$site" >>"$log" 2>&1
	"$nh" --site "$site" import >>"$log" 2>&1
fi

# peakof PID: the peak resident set of a running process, in KiB.
peakof() { awk '/^VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# timed CMD...: runs CMD, sets secs (wall time) and mib (peak resident set).
timed() {
	local start end pid peak=0 r
	start=$(date +%s.%N)
	"$@" >>"$log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		r=$(peakof "$pid")
		((${r:-0} > peak)) && peak=$r
		sleep 0.1
	done
	wait "$pid"
	end=$(date +%s.%N)
	secs=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')
	mib=$((peak / 1024))
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

# arrivals N SEED: a folder of N new articles (generated with another seed,
# renamed so that no path or address is taken, even by the arrivals of an
# earlier run over the same WORK), with the hub's configuration.
stamp=$(date +%s)
arrivals() {
	local dir="$work/arrive-$2"
	rm -rf "$dir" "$dir.gen"
	"$nh" gen --articles "$1" --seed "$2" "$dir.gen" >>"$log" 2>&1
	mkdir -p "$dir/_news" "$dir/_archive/news"
	cp "$site/_config.yml" "$dir/"
	cp -r "$site/_data" "$dir/"
	for f in "$dir.gen"/_news/*.md "$dir.gen"/_archive/news/*.md; do
		[[ -f "$f" ]] || continue
		b=$(basename "$f" .md) d=_news
		[[ "$f" == */_archive/news/* ]] && d=_archive/news
		sed -e "s|^\(originalUrl\|webUrl\|ampWebUrl\|cdnAmpWebUrl\): \"\(.*\)\"|\1: \"\2?late=$2-$stamp\"|" "$f" >"$dir/$d/$b-late$2-$stamp.md"
	done
	rm -rf "$dir.gen"
	echo "$dir"
}

# live SEED: times the live path (see the top) into secs and mib.
live() {
	local slog="$work/serve.log" pid before start end dir
	dir=$(arrivals "$arrive" "$1")
	: >"$slog"
	start=$(date +%s.%N)
	"$nh" --site "$site" serve --no-ingest --quiet --addr 127.0.0.1:0 --publish "$out" >"$slog" 2>&1 &
	pid=$!
	# The build at start brings OUT in step with the store as it is,
	# from the manifest the last build saved beside OUT.
	until grep -q '^updated ' "$slog"; do
		kill -0 "$pid" 2>/dev/null || { cat "$slog" >&2; return 1; }
		sleep 0.05
	done
	end=$(date +%s.%N)
	startsecs=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')
	startline=$(grep '^updated ' "$slog" | head -1)
	before=$(grep -c '^updated ' "$slog")
	"$nh" --site "$site" import "$dir" >>"$log" 2>&1
	start=$(date +%s.%N)
	while (($(grep -c '^updated ' "$slog") == before)); do
		kill -0 "$pid" 2>/dev/null || { cat "$slog" >&2; return 1; }
		sleep 0.05
	done
	end=$(date +%s.%N)
	mib=$(($(peakof "$pid") / 1024))
	kill "$pid"
	wait "$pid" || true
	cat "$slog" >>"$log"
	liveline=$(grep '^updated ' "$slog" | tail -1)
	secs=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')
}

out="$work/out"
full=() fullmb=() cps=() incs=() incmb=() same=() lives=() livemb=() starts=() hugos=()
for i in $(seq 1 "$runs"); do
	rm -rf "$out" "$out.copy"
	sync
	timed "$nh" --site "$site" build "$out"
	full+=("$secs") fullmb+=("$mib")
	files=$(find "$out" -type f | wc -l)
	sync
	timed cp -r "$out" "$out.copy"
	cps+=("$secs")
	rm -rf "$out.copy"
	dir=$(arrivals "$arrive" "$((1000 + i))")
	"$nh" --site "$site" import "$dir" >>"$log" 2>&1
	sync
	timed "$nh" --site "$site" build "$out"
	incs+=("$secs") incmb+=("$mib")
	incline=$(grep '^updated ' "$log" | tail -1)
	if [[ -n "${UNCHANGED:-}" ]]; then
		timed "$nh" --site "$site" build "$out"
		same+=("$secs")
	fi
	if [[ "${LIVE:-1}" != 0 ]]; then
		live "$((2000 + i))"
		lives+=("$secs") livemb+=("$mib") starts+=("$startsecs")
	fi
	if command -v hugo >/dev/null; then
		h="$work/hugo"
		rm -rf "$h"
		mkdir -p "$h/content"
		ln -s "$site/_news" "$h/content/news"
		[[ -d "$site/_archive/news" ]] && ln -s "$site/_archive/news" "$h/content/archive"
		cat >"$h/hugo.toml" <<TOML
baseURL = "https://hub.example.org/"
title = "Hub"
themesDir = "$root/bench"
theme = "hugo"
disableKinds = ["sitemap", "robotsTXT"]
paginate = 20
[taxonomies]
topic = "topics"
TOML
		sync
		# -D: newshub publishes every article's page; Hugo reads
		# "published: false" as a draft.
		timed hugo --source "$h" -D --quiet -d "$h/public"
		hugos+=("$secs")
		hugofiles=$(find "$h/public" -type f | wc -l)
	fi
done
f=$(median "${full[@]}") c=$(median "${cps[@]}") n=$(median "${incs[@]}")
echo "| what | median of $runs (runs) | memory | notes |"
echo "|---|---|---|---|"
echo "| build API + feeds + website, first (whole) | ${f} s (${full[*]}) | peak RSS $(median "${fullmb[@]}") MiB | $articles articles, $files files |"
echo "| cp -r of that output, same disk | ${c} s (${cps[*]}) | | build / cp -r = $(ratio "$f" "$c") |"
echo "| $arrive new articles arrive, build updates OUT | ${n} s (${incs[*]}) | peak RSS $(median "${incmb[@]}") MiB | ${incline#updated } |"
((${#same[@]})) && echo "| unchanged rebuild | $(median "${same[@]}") s (${same[*]}) | | |"
((${#lives[@]})) && echo "| live: serve --publish OUT started over the OUT a build left, to its first build | $(median "${starts[@]}") s (${starts[*]}) | | ${startline#updated } |"
((${#lives[@]})) && echo "| live: serve --publish OUT, $arrive new articles imported, to OUT updated | $(median "${lives[@]}") s (${lives[*]}) | serve's peak RSS $(median "${livemb[@]}") MiB | ${liveline#updated } |"
if ((${#hugos[@]})); then
	hg=$(median "${hugos[@]}")
	echo "| hugo -D, bench/hugo theme, same articles | ${hg} s (${hugos[*]}) | | $hugofiles files; hugo / newshub = $(ratio "$hg" "$f") |"
fi
echo
echo "per run: build/cp-r $(for i in "${!full[@]}"; do printf '%s ' "$(ratio "${full[$i]}" "${cps[$i]}")"; done)" \
	"hugo/build $(for i in "${!hugos[@]}"; do printf '%s ' "$(ratio "${hugos[$i]}" "${full[$i]}")"; done)"
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); scratch: $work (log: $log)"
