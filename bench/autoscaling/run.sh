#!/usr/bin/env bash
# Autoscaling (issue 13, "Numbers") on the local cluster:
#   bench/autoscaling/run.sh [STEPS] [ZERO] [ANCHOR]
#   (default 20 load steps, 10 first requests at zero, 0 anchor steps)
# Starts a fresh cluster in its own home with KEDA (`bosun dev up --autoscaling`), the operator, the
# router with its push scaler and the stand-in model servers (4 slots of 500 ms: 8 requests/s a
# replica), then runs bench/autoscaling/AutoscalingBench.java: a load step from what 2 replicas serve
# (16/s) to what 6 serve (48/s), held until 6 replicas are Ready (at most 3 minutes), on an
# Inference Workload of a MIG tier scaling on requestsWaiting (target 4), and first requests to a
# Workload idle at zero. The tier's windows are shortened so that steps repeat quickly: scale-up
# 0 s (4 pods per 15 s), scale-down 0 s, zero after 10 s idle; the kube-controller-manager's HPA
# sync period stays at its default 15 s.
# The anchor: ANCHOR load steps on the same kind of Workload in namespace `anchor`, whose Environment
# has no KEDA, on tier `anchor-cpu` (gpu-s scaling on cpu at 25 %): the compiler emits a plain HPA
# with the HPA's default scale-up behaviour (only scale-down is shortened, so that steps repeat),
# fed by metrics-server (started by --autoscaling) from the usage KWOK reports for each pod, which
# its stand-in sets to its busy share of the pod's CPU request. 4/s is what 2 replicas serve at 25 %,
# 12/s what 6 serve.
# Results: $BOSUN_DEV_HOME/bench-autoscaling-*.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib/cluster.sh autoscaling
steps="${1:-20}" zero="${2:-10}" anchor="${3:-0}"
result="$BOSUN_DEV_HOME/bench-autoscaling-$steps-$zero-$anchor.txt"

# Two MIG nodes: 112 slices of 1g.10gb, for the gpu-s tier.
bench_cluster_up --nodes 0 --mig-nodes 2 --cpu-nodes 1 --autoscaling
"$kubectl" patch tier gpu-s --type merge -p '{"spec":{"scaling":[{"workloadType":"Inference","signals":[{"metric":"requestsWaiting","target":4}],"maxReplicas":8,"scaleUp":{"stabilizationWindowSeconds":0,"pods":4,"periodSeconds":15},"scaleDown":{"stabilizationWindowSeconds":0,"pods":4,"periodSeconds":15},"idleToZeroAfter":"10s"}]}}' >/dev/null
"$kubectl" apply --server-side -f - >/dev/null <<'YAML'
apiVersion: bosun.dev/v1alpha1
kind: Tier
metadata: {name: anchor-cpu}
spec:
  description: "gpu-s scaling on cpu: the anchor of bench/autoscaling."
  resources: {cpu: "4", memory: 16Gi, ephemeralStorage: 20Gi}
  placement:
    tolerations:
    - {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}
  gpu: {count: 1, allocation: DRA, sharing: MIG, migProfile: 1g.10gb}
  scaling:
  - workloadType: Inference
    signals:
    - {metric: cpu, target: 25}
    maxReplicas: 8
    # No scaleUp: the HPA's defaults. Scale-down shortened only so that steps repeat.
    scaleDown: {stabilizationWindowSeconds: 0, pods: 4, periodSeconds: 15}
  workloadTypes: [Inference]
YAML
./bosun dev operator --http-port 18093
./bosun dev router --port 18094 --scaler-port 19094
./bosun dev model-servers --capacity 4 --service-time 500ms
"$kubectl" apply --server-side -f - >/dev/null <<YAML
apiVersion: bosun.dev/v1alpha1
kind: Environment
metadata: {name: bench}
spec:
  namespace: bench
  autoscaling: {engine: KEDA, scalerAddress: "$(cat "$BOSUN_DEV_HOME/scaler-address")"}
YAML
"$kubectl" apply --server-side -f - >/dev/null <<YAML
apiVersion: bosun.dev/v1alpha1
kind: Environment
metadata: {name: anchor}
spec:
  namespace: anchor
YAML
for ns in bench anchor; do
  for _ in $(seq 1 60); do "$kubectl" get namespace "$ns" >/dev/null 2>&1 && break; sleep 0.5; done
done
for spec in "bench step 2 6 gpu-s" "bench cold 0 1 gpu-s" "anchor step 2 6 anchor-cpu"; do
  read -r namespace name min max size <<<"$spec"
  "$kubectl" apply --server-side -f - >/dev/null <<YAML
apiVersion: bosun.dev/v1alpha1
kind: Workload
metadata: {name: $name, namespace: $namespace}
spec:
  type: Inference
  image: registry.example.com/acme/bench@sha256:31e06f7d89feb99a0e6c0affe198748c3bb5bef5e3cc92d95cb9e996197d3fc3
  size: $size
  port: 8000
  replicas: {min: $min, max: $max}
YAML
done
# The load's ServiceAccount (allowed workloads/proxy in each namespace): one request makes it.
./bosun dev load step -n bench --rps 1 --duration 1s >/dev/null
./bosun dev load step -n anchor --rps 1 --duration 1s >/dev/null
mkdir -p "$BOSUN_DEV_HOME"
# The signal path's own cost: KEDA's two processes and metrics-server (control plane) and the router, whose process
# also runs the push scaler; resident memory and CPU seconds before and after the scenario.
signal_path() {
  echo "$1 (pid rss_kib cpu_time command)"
  ps -eo pid=,rss=,time=,args= | grep -E '[k]eda-operator|[k]eda-adapter|[m]etrics-server|[d]ev\.bosun\.router|bosun[- ]router|[r]outer --' |
    awk '{printf "  %s %s %s %s\n", $1, $2, $3, $4}' || true
}
signal_path "before, $(date +%T)" | tee "$result.processes"
"$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow -Dsteps="$steps" -Dzero="$zero" -Danchor="$anchor" -cp cli/target/bosun-cli.jar \
  bench/autoscaling/AutoscalingBench.java | tee "$result"
signal_path "after, $(date +%T)" | tee -a "$result.processes"
echo "results: $result"
