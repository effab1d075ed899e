#!/usr/bin/env bash
# GPU remediation latency (issue 11, "Numbers") on the local cluster:
#   bench/remediation/run.sh [NODES] [FAULTS] [PODS]     (default 8 nodes, 200 faults, 32 pods)
#   bench/remediation/run.sh --settled [NODES] [FAULTS] [PODS]
#                                                        each fault only once the GPU of the one
#                                                        before is back in service: one fault's
#                                                        remediation timed alone, not beside the
#                                                        recoveries of the faults before it
# Starts a fresh cluster of NODES GPU nodes, the operator (`bosun dev operator`) and the simulated
# node agents (`bosun dev agents`, HEARTBEAT=60s), each in a process of its own as on a user's
# cluster; deploys an Inference Workload of PODS one-GPU pods; then injects FAULTS faults, one at a
# time, into the kernel logs of GPUs that serve it (bench/remediation/RemediationBench.java) and
# prints p50 / p99 / max of fault -> readiness gate False, -> endpoint not ready, -> DeviceTaintRule,
# and the operator's and the agents' CPU and heap. Uses its own cluster home and stops it at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib/cluster.sh remediation
settled=false
if [[ "${1:-}" == "--settled" ]]; then
  settled=true
  shift
fi
nodes="${1:-8}"
faults="${2:-200}"
pods="${3:-32}"
suffix=""
[[ $settled == false ]] || suffix="-settled"
result="$BOSUN_DEV_HOME/bench-remediation-$nodes$suffix.txt"

bench_cluster_up --nodes "$nodes" --cpu-nodes 0
# The Workload runs PODS replicas: more than gpu-m lets one Workload have (8) by default.
"$kubectl" patch tier gpu-m --type json -p '[
  {"op": "test", "path": "/spec/scaling/0/workloadType", "value": "Inference"},
  {"op": "replace", "path": "/spec/scaling/0/maxReplicas", "value": '"$pods"'}]' >/dev/null
# Recovery in seconds, not minutes, so that every GPU serves again a few seconds after its fault is
# cleared and 200 faults fit in minutes; no breaker in the way (it has tests of its own).
"$kubectl" apply --server-side --force-conflicts -f - >/dev/null <<'POLICY'
apiVersion: bosun.dev/v1alpha1
kind: GpuHealthPolicy
metadata: {name: default}
spec:
  recovery: {cleanSamples: 1, quietPeriod: 1s, flapWindow: 1s, delay: 1s}
  effect: NoSchedule
  breaker: {maxQuarantined: 100%, scope: Gpus, window: 1m}
POLICY
./bosun dev operator --http-port 18090
./bosun dev agents --heartbeat "${HEARTBEAT:-60s}"
"$JAVA_HOME/bin/java" -Dfaults="$faults" -Dpods="$pods" -Dsettled="$settled" -cp cli/target/bosun-cli.jar \
  bench/remediation/RemediationBench.java | tee "$result"
echo "results: $result"
