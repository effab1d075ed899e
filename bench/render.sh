#!/usr/bin/env bash
# Wall time of `./bosun render`, JVM start included: one Workload, then N Workloads in one call.
# Usage: bench/render.sh [N=1000] [RUNS=10]. Prints the median and the worst of RUNS runs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
count="${1:-1000}"
runs="${2:-10}"
many="$(mktemp --suffix=.yaml)"
trap 'rm -f "$many"' EXIT
for i in $(seq 1 "$count"); do
  sizes=(gpu-m gpu-s cpu-m gpu-xl)
  size="${sizes[$((i % 4))]}"
  if [[ "$size" == gpu-xl ]]; then
    printf -- '---\napiVersion: bosun.dev/v1alpha1\nkind: Workload\nmetadata: {name: train-%d}\nspec: {type: Training, image: "registry.example.com/t:%d", size: gpu-xl, parallelism: 2}\n' "$i" "$i"
  else
    type=Inference; [[ "$size" == cpu-m ]] && type=Service
    printf -- '---\napiVersion: bosun.dev/v1alpha1\nkind: Workload\nmetadata: {name: svc-%d}\nspec: {type: %s, image: "registry.example.com/s:%d", size: %s, port: 8080, replicas: {min: 2, max: 4}}\n' "$i" "$type" "$i" "$size"
  fi
done > "$many"
./bosun render -f examples/chat.yaml > /dev/null   # builds on first use
measure() {
  local label="$1"; shift
  local times=()
  for _ in $(seq 1 "$runs"); do
    local start end
    start=$(date +%s%N)
    "$@" > /dev/null
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  IFS=$'\n' sorted=($(sort -n <<<"${times[*]}")); unset IFS
  echo "$label: median ${sorted[$((runs / 2))]} ms, worst ${sorted[$((runs - 1))]} ms over $runs runs"
}
measure "render 1 Workload" ./bosun render -f examples/chat.yaml
measure "render $count Workloads" ./bosun render -f "$many"
