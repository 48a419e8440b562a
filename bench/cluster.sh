#!/usr/bin/env bash
# Measures story clustering: quality on the dev set (when ../shared is beside the
# checkout), whole-process speed of `newshub cluster` on 100,000 synthetic
# articles, and incremental curation of 1,000 new articles into a 100,000 store.
# Prints markdown rows.
#
# usage: bench/cluster.sh [WORKDIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work"
[[ -n ${1:-} ]] || trap 'rm -rf "$work"' EXIT
nh="$work/newshub"
(cd "$root" && go build -o "$nh" ./cmd/newshub)

echo "| clustering | figure | target |"
echo "|---|---|---|"

dev="$root/../shared/datasets/uci-dev.jsonl"
if [[ -f $dev ]]; then
	"$nh" cluster --in "$dev" --related 5 --out "$work/pred.jsonl"
	score=$("$root/../shared/tools/score-clusters" "$dev" "$work/pred.jsonl")
	echo "| dev set (score-clusters) | $(tail -1 <<<"$score") | F1 ≥ 0.82, P ≥ 0.87, P@5 ≥ 0.88 |"
	echo
	echo '```'
	echo "$score"
	echo '```'
	echo
fi

(cd "$root" && NEWSHUB_SYNTHETIC="$work/synth.jsonl" go test -count=1 -run TestWriteSynthetic ./internal/curate/cluster >/dev/null)
n=$(wc -l <"$work/synth.jsonl")
/usr/bin/time -f '%e %U %S %M' -o "$work/t" "$nh" cluster --in "$work/synth.jsonl" --out "$work/o.jsonl"
read -r wall user sys rss <"$work/t"
rate=$(awk -v n="$n" -v w="$wall" 'BEGIN{printf "%.0f", n/w}')
cpurate=$(awk -v n="$n" -v u="$user" -v s="$sys" 'BEGIN{printf "%.0f", n/(u+s)}')
echo "| cluster $n articles, whole process | $wall s wall, $rate articles/s ($cpurate per CPU-s), peak RSS $((rss / 1024)) MB | ≥ 20,000 articles/s |"

arrive=$(cd "$root" && go test -count=1 -run '^$' -bench 'BenchmarkArrive$' -benchtime 5x ./internal/curate/ | awk '/^BenchmarkArrive/ {print $3/1e9 " s/op"}')
echo "| incremental curation: 1,000 new into 100,000 | ${arrive:-n/a} | < 1 s |"
