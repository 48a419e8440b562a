#!/usr/bin/env bash
# Measures the topic gate: quality of `newshub scope` on the dev hubs (when ../shared
# is beside the checkout) beside the keyword baseline, the micro-benchmarks of deciding
# and learning, and whole-process speed of `newshub scope` on 100,000 generated
# articles. Prints markdown rows and the load average, since timings on a shared
# machine are indicative only.
#
# usage: bench/scope.sh [WORKDIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work"
[[ -n ${1:-} ]] || trap 'rm -rf "$work"' EXIT
nh="$work/newshub"
(cd "$root" && go build -o "$nh" ./cmd/newshub)

echo "| topic gate | figure | target |"
echo "|---|---|---|"
echo "| load average before | $(cut -d' ' -f1-3 /proc/loadavg) | |"

dev="$root/../shared/datasets/scope-dev"
tool="$root/../shared/tools/score-scope"
if [[ -d $dev && -x $tool ]]; then
	for hub in ag-scitech ag-business; do
		"$tool" "$dev/$hub.jsonl" --strip "$work/$hub.in.jsonl"
		"$nh" scope --hub "$dev/$hub.hub.json" --in "$work/$hub.in.jsonl" --out "$work/$hub.out.jsonl" 2>/dev/null
		echo "| $hub (score-scope) | $("$tool" "$dev/$hub.jsonl" "$dev/$hub.hub.json" "$work/$hub.out.jsonl" | tail -1) | F1 ≥ 0.70, P ≥ 0.60 |"
	done
fi

bench=$(cd "$root" && go test -count=1 -run '^$' -bench 'Decide$|Learn100k$' -benchtime 3x ./internal/curate/scope/)
decide=$(cd "$root" && go test -count=1 -run '^$' -bench 'Decide$' -benchtime 300000x ./internal/curate/scope/ | awk '/^BenchmarkDecide/ {print $5}')
learn=$(awk '/^BenchmarkLearn100k/ {print $5}' <<<"$bench")
echo "| decide an arriving article (go test -bench Decide) | ${decide:-n/a} articles/s | ≥ 50,000 articles/s |"
echo "| learn from 100,000 articles (go test -bench Learn100k, mean of 3) | ${learn:-n/a} s | ≤ 5 s |"

(cd "$root" && NEWSHUB_SCOPE_STREAM="$work/stream.jsonl" go test -count=1 -run TestWriteStream ./internal/curate/scope >/dev/null)
echo '{"topic":"Election","keywords":["election","ballot","vote","voters","campaign"],"hashtags":["#Election"]}' >"$work/hub.json"
n=$(wc -l <"$work/stream.jsonl")
/usr/bin/time -f '%e %U %S %M' -o "$work/t" "$nh" scope --hub "$work/hub.json" --in "$work/stream.jsonl" --out "$work/o.jsonl" 2>/dev/null
read -r wall user sys rss <"$work/t"
rate=$(awk -v n="$n" -v w="$wall" 'BEGIN{printf "%.0f", n/w}')
cpurate=$(awk -v n="$n" -v u="$user" -v s="$sys" 'BEGIN{printf "%.0f", n/(u+s)}')
echo "| scope $n articles, whole process | $wall s wall, $rate articles/s ($cpurate per CPU-s), peak RSS $((rss / 1024)) MB | |"
echo "| load average after | $(cut -d' ' -f1-3 /proc/loadavg) | |"
