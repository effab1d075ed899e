#!/usr/bin/env bash
# Promotion with gates (issue 15, "Numbers") on the local cluster:
#   bench/promotion/run.sh [RUNS]   (default 5)
# Starts a fresh cluster in its own home (1 node of 8 H100s), the operator, the router and the
# stand-in model servers (4 slots of 500 ms: 8 requests/s a replica), applies examples/environments
# (production's gates: 10 s of load at the Workload's 8 requests/s, malformed bodies to
# /v1/completions, one replica deleted during 10 s more) and deploys examples/chat.yaml to staging
# (2 replicas). Then, RUNS times: waits until chat is Ready in staging with both stand-ins serving,
# times `bosun promote chat --from staging --to production` end to end (the CLI's start, the gates,
# the report written, the Workload applied to production), and deletes chat from production.
# Results: $BOSUN_DEV_HOME/bench-promotion-RUNS.txt, one line per run and the median.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib/cluster.sh promotion
runs="${1:-5}"
result="$BOSUN_DEV_HOME/bench-promotion-$runs.txt"

bench_cluster_up --nodes 1 --gpus-per-node 8 --cpu-nodes 1
./bosun dev operator --http-port 18095
./bosun dev router --port 18096 --scaler-port 19096
./bosun dev model-servers --capacity 4 --service-time 500ms
"$kubectl" apply --server-side -f examples/environments/ >/dev/null
for _ in $(seq 1 60); do
  "$kubectl" get namespace staging -o name >/dev/null 2>&1 && break
  sleep 1
done
# chat as the example has it, without its Secret-backed variable (no Secret on a bench cluster).
sed '/HF_TOKEN/d' examples/chat.yaml >"$BOSUN_DEV_HOME/chat.yaml"
./bosun deploy -f "$BOSUN_DEV_HOME/chat.yaml" --env staging --wait --timeout 120 >/dev/null

served() {
  local ips
  ips=$("$kubectl" get pods -n staging -l bosun.dev/workload=chat \
    -o jsonpath='{range .items[?(@.status.phase=="Running")]}{.status.podIP}{"\n"}{end}')
  [[ $(wc -l <<<"$ips") -ge 2 ]] || return 1
  while read -r ip; do
    [[ -f "$BOSUN_DEV_HOME/pod-network/${ip}_8000" ]] || return 1
  done <<<"$ips"
  "$kubectl" wait --for condition=Ready workload/chat -n staging --timeout=1s >/dev/null 2>&1
}

: >"$result"
for run in $(seq 1 "$runs"); do
  for _ in $(seq 1 120); do served && break; sleep 1; done
  start=$(date +%s%N)
  ./bosun promote chat --from staging --to production >"$BOSUN_DEV_HOME/promote-$run.log" 2>&1 ||
    { cat "$BOSUN_DEV_HOME/promote-$run.log"; exit 1; }
  end=$(date +%s%N)
  ms=$(((end - start) / 1000000))
  slo=$(grep -o 'ServiceLevelObjective passed: [^,]*' "$BOSUN_DEV_HOME/promote-$run.log" || true)
  echo "run $run: ${ms} ms  ($slo)" | tee -a "$result"
  ./bosun delete chat --env production >/dev/null
  for _ in $(seq 1 60); do
    "$kubectl" get workload chat -n production -o name >/dev/null 2>&1 || break
    sleep 1
  done
done
median=$(grep -o '[0-9]* ms' "$result" | awk '{print $1}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "median of $runs: $median ms" | tee -a "$result"
